// Each declared object becomes one report Item: missing or an error when it
// could not be compared, else diverged or in sync by its changes, which carry
// who changed them live and which ignore rule (or, under --strict, which
// platform rule) set them aside. An object being deleted is never in sync. Pure.
import type { Change, Item } from '../../report.js';
import type { KindScope, LiveLookup } from './live.js';
import { isRecord, ownValue, titleOf, type DeclaredObject, type KubeObject, type ResolvedObject } from './objects.js';
import { groupOf } from './kinds.js';
import { compareDeclared } from './compare.js';
import { DECLARED_STEPS, LIVE_STEPS, dropStatus, normalize } from './normalize.js';
import { compareSecretData, isSecret, secretExtra, secretExtraKeys } from './secrets.js';
import { NOT_IN_GIT, setAsidePlatformAdditions, strictExtras, type StrictExtras } from './strict.js';
import { attributeChanges } from './managers.js';
import { applyIgnoreRules, type IgnoreRule } from './ignore.js';
import type { FieldSchema } from './schema/field-schema.js';
import { serverSideChanges } from './server-side.js';

function baseItem(declared: ResolvedObject): Omit<Item, 'status' | 'changes'> {
  const { apiVersion, kind, metadata } = declared.object;
  return {
    ref: { apiVersion, kind, namespace: declared.namespace, name: metadata.name },
    title: titleOf(apiVersion, kind, declared.namespace, metadata.name),
    file: declared.file,
    line: declared.line,
  };
}

/** `group/Kind` of every kind a CustomResourceDefinition in the manifests defines. */
export function kindsDeclaredByCrds(declared: DeclaredObject[]): Set<string> {
  const kinds = new Set<string>();
  for (const { object } of declared) {
    if (object.kind !== 'CustomResourceDefinition' || !isRecord(object.spec) || !isRecord(object.spec.names)) continue;
    kinds.add(`${String(object.spec.group)}/${String(object.spec.names.kind)}`);
  }
  return kinds;
}

export function unfetchedItem(declared: ResolvedObject, scope: Exclude<KindScope, { state: 'served' }>, crdKinds: Set<string>): Item {
  if (scope.state === 'not-served') {
    // A custom resource whose CRD ships in the same manifests would be created with it: missing, not an error.
    const reason = crdKinds.has(`${groupOf(declared.object.apiVersion)}/${declared.object.kind}`)
      ? 'its CustomResourceDefinition is declared in these manifests but not served yet'
      : scope.reason;
    return { ...baseItem(declared), status: 'missing', changes: [], reason };
  }
  return { ...baseItem(declared), status: 'error', changes: [], error: scope.message, hint: scope.hint };
}

export interface CompareOptions {
  strict: boolean;
  serverSide: boolean;
  schema?: FieldSchema;
}

/** `outcome` is the dry run's result in server-side mode, else the live lookup itself. */
export function compareItem(declared: ResolvedObject, outcome: LiveLookup, lookup: LiveLookup, rules: IgnoreRule[], options: CompareOptions): Item {
  const base = baseItem(declared);
  if (outcome.state === 'error') return { ...base, status: 'error', changes: [], error: outcome.message, hint: outcome.hint };
  if (outcome.state === 'absent' || lookup.state !== 'found') return { ...base, status: 'missing', changes: [], reason: outcome.state === 'absent' ? outcome.reason : undefined };
  const { changes: found, setAside } = options.serverSide
    ? { changes: serverSideChanges(outcome.object, lookup.object, options.schema), setAside: [] }
    : subsetChanges(declared.object, lookup.object, options);
  const changes = attributeChanges(found, lookup.object.metadata?.managedFields);
  const identity = { apiVersion: declared.object.apiVersion, kind: declared.object.kind, namespace: declared.namespace, name: declared.object.metadata.name };
  const ruled = applyIgnoreRules(identity, changes, rules);
  // After the ignore rules: no rule can make an object on its way out look in sync.
  const counted = [...ruled.changes, ...deletionChanges(lookup.object)];
  const ignored = [...setAside, ...ruled.ignored];
  return { ...base, status: counted.length > 0 ? 'diverged' : 'in-sync', changes: counted, ...(ignored.length > 0 ? { ignored } : {}) };
}

/**
 * The default mode: the manifest as a subset of the live object; with --strict, also what live
 * holds beyond it (status aside: the controllers write it), the platform's own additions set aside.
 */
function subsetChanges(declared: KubeObject, live: KubeObject, options: CompareOptions): { changes: Change[]; setAside: Change[] } {
  const declaredView = normalize(declared, DECLARED_STEPS);
  const liveView = normalize(live, LIVE_STEPS);
  const changes: Change[] = compareDeclared(declaredView, liveView, { schema: options.schema, apiVersion: declared.apiVersion, kind: declared.kind });
  if (isSecret(declared)) changes.push(...compareSecretData(declared, live));
  if (!options.strict) return { changes, setAside: [] };
  const object = { kind: live.kind, secretType: typeof live.type === 'string' ? live.type : undefined };
  const extras: StrictExtras = strictExtras(dropStatus(declaredView), dropStatus(liveView), object, options.schema);
  if (isSecret(declared)) {
    const additions = secretExtraKeys(declared, live).map((key) => ({ change: secretExtra(key, NOT_IN_GIT), addition: { key } }));
    setAsidePlatformAdditions(object, ['data'], additions, extras);
  }
  return { changes: [...changes, ...extras.extras], setAside: extras.setAside };
}

const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;

/**
 * An object with a deletionTimestamp is on its way out: the API server keeps it only until its
 * finalizers are removed (or its grace period ends), whatever its fields say. Since when, and
 * which finalizers hold it, is what a person needs to unstick it or to let it go.
 */
function deletionChanges(live: KubeObject): Change[] {
  const metadata = isRecord(live.metadata) ? live.metadata : {};
  const since = ownValue(metadata, 'deletionTimestamp');
  if (since === undefined || since === null) return [];
  const finalizers = ownValue(metadata, 'finalizers');
  const holding = Array.isArray(finalizers) ? finalizers.filter((finalizer) => typeof finalizer === 'string') : [];
  // The time goes into the note only as the API server writes it (RFC 3339): the value is outside text.
  const note = typeof since === 'string' && RFC3339_SECONDS.test(since) ? `being deleted since ${since}` : 'being deleted';
  const changes: Change[] = [{ path: 'metadata.deletionTimestamp', live: since, note }];
  if (holding.length > 0) changes.push({ path: 'metadata.finalizers', live: holding, note: `the deletion waits for ${holding.length === 1 ? 'this finalizer' : 'these finalizers'}` });
  return changes;
}

/** As declared, where no scope is known: the namespace the manifest names, if any. */
function asDeclared(declared: DeclaredObject): ResolvedObject {
  return { ...declared, namespace: declared.object.metadata.namespace || undefined };
}

/** Not checked: the server could not be reached at all, which the run's one error says (scoping.ts unreachableServer). */
export function unreachedItem(declared: DeclaredObject): Item {
  return { ...baseItem(asDeclared(declared)), status: 'unchecked', changes: [], reason: 'the server was not reached' };
}

/**
 * Not compared: an object with metadata.generateName gets its name from the server when it is
 * created (helm hook Jobs), so no live object can be said to be it. Set aside, counted and shown.
 */
export function generatedItem(declared: DeclaredObject): Item {
  // `name` is the generateName prefix (documents.ts ParsedObject): a string, as every kube item's name, and what a person searches for.
  return { ...baseItem(asDeclared(declared)), status: 'unchecked', changes: [], reason: GENERATED_REASON };
}

const GENERATED_REASON = 'named by metadata.generateName: the server chooses its name when it creates it, so no live object can be matched with it';
