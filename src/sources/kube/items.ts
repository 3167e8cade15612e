// Each declared object becomes one report Item: missing or an error when it
// could not be compared, else diverged or in sync by its changes, which carry
// who changed them live and which ignore rule set them aside. Pure.
import type { Change, Item } from '../../report.js';
import type { KindScope, LiveLookup } from './live.js';
import { isRecord, titleOf, type DeclaredObject, type KubeObject } from './objects.js';
import { groupOf } from './kinds.js';
import { compareDeclared } from './compare.js';
import { DECLARED_STEPS, LIVE_STEPS, normalize } from './normalize.js';
import { compareSecretData, isSecret, secretExtras } from './secrets.js';
import { NOT_IN_GIT, PLATFORM_MANAGERS, strictExtras } from './strict.js';
import { attributeChanges } from './managers.js';
import { applyIgnoreRules, type IgnoreRule } from './ignore.js';
import type { FieldSchema } from './schema/field-schema.js';
import { serverSideChanges } from './server-side.js';

function baseItem(declared: DeclaredObject): Omit<Item, 'status' | 'changes'> {
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

export function unfetchedItem(declared: DeclaredObject, scope: Exclude<KindScope, { state: 'served' }>, crdKinds: Set<string>): Item {
  if (scope.state === 'not-served') {
    // A custom resource whose CRD ships in the same manifests would be created with it: missing, not an error.
    const reason = crdKinds.has(`${groupOf(declared.object.apiVersion)}/${declared.object.kind}`)
      ? 'its CustomResourceDefinition is declared in these manifests but not served yet'
      : scope.reason;
    return { ...baseItem(declared), status: 'missing', changes: [], error: reason };
  }
  return { ...baseItem(declared), status: 'error', changes: [], error: scope.message, hint: scope.hint };
}

export interface CompareOptions {
  strict: boolean;
  serverSide: boolean;
  schema?: FieldSchema;
}

/** `outcome` is the dry run's result in server-side mode, else the live lookup itself. */
export function compareItem(declared: DeclaredObject, outcome: LiveLookup, lookup: LiveLookup, rules: IgnoreRule[], options: CompareOptions): Item {
  const base = baseItem(declared);
  if (outcome.state === 'error') return { ...base, status: 'error', changes: [], error: outcome.message, hint: outcome.hint };
  if (outcome.state === 'absent' || lookup.state !== 'found') return { ...base, status: 'missing', changes: [], error: outcome.state === 'absent' ? outcome.reason : undefined };
  let changes = options.serverSide ? serverSideChanges(outcome.object, lookup.object, options.schema) : subsetChanges(declared.object, lookup.object, options);
  changes = attributeChanges(changes, lookup.object.metadata?.managedFields);
  // An addition only the platform made (defaulting, a controller) is not drift, even in strict mode.
  changes = changes.filter((change) => !(change.note === NOT_IN_GIT && change.manager && PLATFORM_MANAGERS.has(change.manager)));
  const identity = { apiVersion: declared.object.apiVersion, kind: declared.object.kind, namespace: declared.namespace, name: declared.object.metadata.name };
  const { changes: counted, ignored } = applyIgnoreRules(identity, changes, rules);
  return { ...base, status: counted.length > 0 ? 'diverged' : 'in-sync', changes: counted, ...(ignored.length > 0 ? { ignored } : {}) };
}

/** The default mode: the manifest as a subset of the live object (and, with --strict, what live holds beyond it). */
function subsetChanges(declared: KubeObject, live: KubeObject, options: CompareOptions): Change[] {
  const declaredView = normalize(declared, DECLARED_STEPS);
  const liveView = normalize(live, LIVE_STEPS);
  const changes: Change[] = compareDeclared(declaredView, liveView, { schema: options.schema, apiVersion: declared.apiVersion, kind: declared.kind });
  if (isSecret(declared)) changes.push(...compareSecretData(declared, live));
  if (options.strict) {
    changes.push(...strictExtras(declaredView, liveView, options.schema));
    if (isSecret(declared)) changes.push(...secretExtras(declared, live, NOT_IN_GIT));
  }
  return changes;
}
