// `gitdiff kube` against the live side, top to bottom: scope each declared
// kind, resolve each object's namespace, fetch the live objects a group at a
// time and compare each group as it arrives (server-side mode collects them,
// then asks for its dry runs), then look for orphans. The live side returns
// data and this loop consumes it: nothing calls back into the comparing code.
import type { Report } from '../../report.js';
import type { RunContext } from '../types.js';
import type { KubeOptions } from './options.js';
import type { LiveLookup, LiveMatch, LiveSide, ServedObject } from './live.js';
import { isRecord, type DeclaredObject, type ResolvedObject } from './objects.js';
import type { IgnoreRule } from './ignore.js';
import { setAsideByIgnoreFile, type IgnoreFile } from './ignore-file.js';
import { autoscalerRules, SCALABLE_KINDS } from './autoscalers.js';
import { findOrphans } from './orphans.js';
import { SchemaSet } from './schema/schema-set.js';
import { rulesKey, type ComparedItems } from './compare-memo.js';
import { compareItem, kindsDeclaredByCrds, unfetchedItem, unreachedItem } from './items.js';
import { isServed, rejectDuplicates, scopeObjects, uniqueKinds, unreachableServer } from './scoping.js';

export interface RunSettings {
  options: KubeOptions;
  config: IgnoreFile;
  configPath: string | undefined;
  context: RunContext;
  /** The time since the run started, for --debug's stage lines. */
  since: () => string;
  /** A watch session's items of its previous run, reused where nothing they depend on changed. */
  memo?: ComparedItems;
}

/** What comparing needs besides the objects: the ignore rules (autoscalers' included) and the published schemas. */
interface CompareSettings {
  rules: IgnoreRule[];
  /** The rules as text, for the memo's "same rules" (compare-memo.ts). */
  rulesKey: string;
  schemas?: SchemaSet;
  notes: string[];
}

/**
 * The pipeline against the live side, top to bottom: scope each kind, resolve each object's
 * namespace, fetch the live objects a group at a time and compare each group as it arrives
 * (server-side mode collects them, then asks for its dry runs), then look for orphans.
 */
export async function compareWithLive(declared: DeclaredObject[], live: LiveSide, run: RunSettings): Promise<Pick<Report, 'items' | 'errors' | 'notes'>> {
  const { options, context, since } = run;
  const scopes = await live.scopes(uniqueKinds(declared));
  context.log(`scoped ${scopes.size} kinds on ${live.target} (${since()})`);
  const unreachable = unreachableServer(scopes);
  if (unreachable) return { items: declared.map(unreachedItem), errors: [unreachable], notes: [] };
  const scoped = scopeObjects(declared, scopes, live.defaultNamespace);
  rejectDuplicates(scoped);
  const served = scoped.filter(isServed);
  const crdKinds = kindsDeclaredByCrds(declared);
  const items = scoped.map((object) => (object.scope.state === 'served' ? undefined : unfetchedItem(object, object.scope, crdKinds)));
  const positions = new Map<ResolvedObject, number>(scoped.map((object, position) => [object, position]));
  // Read while the live objects are fetched; a failure waits for its turn to be thrown (where it is awaited).
  const settings = compareSettings(scoped, served, live, run);
  settings.catch(() => {});
  const memo = run.memo;
  memo?.begin();
  const compareOne = (ruled: CompareSettings, { object, lookup }: LiveMatch, outcome: LiveLookup = lookup): void => {
    const schema = ruled.schemas?.forKind(object.object.apiVersion, object.object.kind);
    const compare = () => compareItem(object, outcome, lookup, ruled.rules, { strict: options.strict, schema, serverSide: options.serverSide });
    items[positions.get(object)!] = memo ? memo.item(object, outcome, lookup, ruled.rulesKey, schema, compare) : compare();
  };

  // Each group is compared as it arrives and its live objects let go: with 10,000 objects, holding
  // them all until the last LIST costs more in garbage collection than comparing them. A dry run
  // needs to know which objects exist: server-side mode collects the matches instead.
  const collected: LiveMatch[] = [];
  for await (const group of live.fetch(served)) {
    if (options.serverSide) collected.push(...group);
    else {
      const ruled = await settings;
      for (const match of group) compareOne(ruled, match);
    }
  }
  context.log(`fetched ${served.length} live objects${options.serverSide ? '' : ', each group compared as it came'}${memo ? ` (${memo.compared} compared, ${memo.reused} unchanged since the last run)` : ''} (${since()})`);
  if (options.serverSide) {
    const predictions = await dryRuns(live, collected);
    const ruled = await settings;
    collected.forEach((match, index) => compareOne(ruled, match, predictions[index]));
    context.log(`dry-run applied and compared (${since()})`);
  }

  const ruled = await settings;
  const orphans = options.orphans ? await findOrphans(scoped, live, options.orphans) : { items: [], errors: [] };
  // Every served object comes back in one group; one that did not would be an error, never a gap.
  const compared = items.map((item, position) => item ?? unfetchedItem(scoped[position], { state: 'error', message: 'the live side gave no answer for it' }, crdKinds));
  // A file found by searching upward is easy to overlook: whenever its rules set drift aside, name it.
  const setAside = setAsideByIgnoreFile(compared);
  if (setAside > 0) context.notice(`${setAside} difference${setAside === 1 ? '' : 's'} set aside by the ignore rules of ${run.configPath} (-v lists them)`);
  return { items: [...compared, ...orphans.items], errors: orphans.errors, notes: ruled.notes };
}

/** The ignore rules (the config's, --ignore's, the autoscalers') and the cluster's schemas, read side by side. */
async function compareSettings(scoped: ResolvedObject[], served: ServedObject[], live: LiveSide, run: RunSettings): Promise<CompareSettings> {
  const { options, config, context } = run;
  const [autoscaling, published] = await Promise.all([
    options.ignoreHpaReplicas && config.ignoreHpaReplicas ? autoscalerIgnoreRules(scoped, live) : { rules: [], notes: [] },
    publishedSchemas(live, [...new Set(served.map(({ object }) => object.apiVersion))], run),
  ]);
  const rules = [...config.ignore, ...options.ignore, ...autoscaling.rules];
  return { rules, rulesKey: run.memo ? rulesKey(rules) : '', schemas: published.schemas, notes: [...published.notes, ...autoscaling.notes] };
}

/** Autoscalers declared in Git, and those live in the namespaces of declared scalable objects. */
async function autoscalerIgnoreRules(declared: ResolvedObject[], live: LiveSide): Promise<{ rules: IgnoreRule[]; notes: string[] }> {
  const scalable = declared.filter(({ object }) => SCALABLE_KINDS.has(object.kind) && isRecord(object.spec) && 'replicas' in object.spec);
  if (scalable.length === 0) return { rules: [], notes: [] };
  const namespaces = [...new Set(scalable.map((object) => object.namespace ?? live.defaultNamespace))];
  const declaredAutoscalers = declared.filter(({ object }) => object.kind === 'HorizontalPodAutoscaler').map(({ object }) => object);
  // Across many namespaces, one cluster-wide LIST instead of one per namespace (50 namespaces: 50
  // requests become 1). A role limited to some namespaces is refused there: then per namespace.
  let listed = namespaces.length > 1 ? await live.list('autoscaling/v2', 'HorizontalPodAutoscaler', undefined) : undefined;
  if (listed === undefined || 'error' in listed) listed = await live.list('autoscaling/v2', 'HorizontalPodAutoscaler', namespaces);
  const notes = 'error' in listed ? [`could not read live HorizontalPodAutoscalers (${listed.error}): spec.replicas of objects they scale is compared`] : [];
  const liveAutoscalers = 'objects' in listed ? listed.objects : [];
  return { rules: autoscalerRules([...declaredAutoscalers, ...liveAutoscalers], live.defaultNamespace), notes };
}

/** The cluster's published schemas of the compared group-versions; without them, a note and the built-in rules. */
async function publishedSchemas(live: LiveSide, apiVersions: string[], { context, memo }: RunSettings): Promise<{ schemas?: SchemaSet; notes: string[] }> {
  if (!live.schemas || apiVersions.length === 0) return { notes: [] };
  const read = await live.schemas(apiVersions);
  if ('unavailable' in read) {
    context.log(`OpenAPI: ${read.unavailable}`);
    return { notes: ["the cluster's OpenAPI could not be read: lists, quantities and defaults were compared with gitdiff's built-in rules (--debug says why)"] };
  }
  for (const [apiVersion, reason] of read.failed) context.log(`OpenAPI of ${apiVersion}: ${reason}`);
  const failed = [...read.failed.keys()];
  const notes = failed.length > 0 ? [`the cluster's OpenAPI of ${failed.join(', ')} could not be read: those objects were compared with gitdiff's built-in rules (--debug says why)`] : [];
  return { schemas: memo ? memo.schemas(read.documents) : SchemaSet.from(read.documents), notes };
}

/** --server-side: a dry-run apply of each object found live; objects not found (or not read) keep their lookup. */
async function dryRuns(live: LiveSide, matches: LiveMatch[]): Promise<(LiveLookup | undefined)[]> {
  const found = matches.filter(({ lookup }) => lookup.state === 'found').map(({ object }) => object);
  const results = await live.dryRunApply!(found);
  const byObject = new Map(found.map((object, index) => [object, results[index]]));
  return matches.map(({ object }) => byObject.get(object));
}
