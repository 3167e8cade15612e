// `gitdiff kube`, the pipeline: load declared -> resolve scope -> fetch live ->
// normalize -> compare -> Report. Each stage is its own module; this file only
// wires them (items.ts turns each declared object into one report Item).
import { GitdiffError } from '../../errors.js';
import type { Findings, Item } from '../../report.js';
import type { RunContext } from '../types.js';
import { loadDeclared } from './declared.js';
import { fetchAll, kindKey, type LiveLookup, type LiveSide } from './live.js';
import { isRecord, objectKey, titleOf, type DeclaredObject } from './objects.js';
import { readSnapshot } from './snapshot.js';
import type { IgnoreRule } from './ignore.js';
import { findConfigFile, readKubeConfigFile, setAsideByConfig } from './config.js';
import { autoscalerRules, SCALABLE_KINDS } from './autoscalers.js';
import { findOrphans } from './orphans.js';
import type { KubeOptions } from './options.js';
import { SchemaSet } from './schema/schema-set.js';
import { compareItem, kindsDeclaredByCrds, unfetchedItem } from './items.js';
import { existsSync } from 'node:fs';
import path from 'node:path';

export async function runKube(options: KubeOptions, context: RunContext): Promise<Findings> {
  const started = performance.now();
  // The config is found beside the first path or kustomization, in the working tree (also with --rev).
  const configPath = options.configFile ? path.resolve(context.cwd, options.configFile) : findConfigFile([...options.paths, ...options.kustomize], context.cwd);
  if (options.configFile && !existsSync(configPath!)) throw new GitdiffError(`--config ${options.configFile}: no such file`);
  const config = readKubeConfigFile(configPath);
  if (configPath) context.log(`config: ${configPath}`);
  const { declared, notes } = await loadDeclaredObjects(options, context);
  if (declared.length === 0) {
    const inputs = [...options.paths, ...options.kustomize.map((dir) => `${dir} (kustomize)`)].join(', ');
    throw new GitdiffError(`no Kubernetes objects found in ${inputs}${options.rev ? ` at ${options.rev}` : ''}`, {
      hint: 'name files or folders with *.yaml, *.yml or *.json manifests',
    });
  }
  // Each stage's time since the start, so that --debug shows where a slow run spends it.
  const since = (): string => `${Math.round(performance.now() - started)} ms`;
  context.log(`read ${declared.length} declared objects (${since()})`);

  const live = await openLiveSide(options, context);
  try {
    const kinds = uniqueKinds(declared);
    const scopes = await live.scopes(kinds);
    context.log(`scoped ${kinds.length} kinds on ${live.target} (${since()})`);
    const items = new Array<Item>(declared.length);
    const declaredKinds = kindsDeclaredByCrds(declared);
    const toFetch: DeclaredObject[] = [];
    const fetchIndex: number[] = [];
    declared.forEach((object, index) => {
      const scope = scopes.get(kindKey(object.object.apiVersion, object.object.kind))!;
      if (scope.state === 'served') {
        object.namespace = scope.namespaced ? object.object.metadata.namespace || live.defaultNamespace : undefined;
        toFetch.push(object);
        fetchIndex.push(index);
      } else {
        object.namespace = object.object.metadata.namespace || undefined;
        items[index] = unfetchedItem(object, scope, declaredKinds);
      }
    });
    rejectDuplicates(declared);
    // What comparing needs besides the objects: the ignore rules (autoscalers' included) and the published schemas.
    const rulesAndSchemas = Promise.all([
      options.ignoreHpaReplicas && config.ignoreHpaReplicas ? autoscalerIgnoreRules(declared, live) : { rules: [], notes: [] },
      publishedSchemas(live, [...new Set(toFetch.map(({ object }) => object.apiVersion))], context),
    ]).then(([autoscaling, published]) => ({ rules: [...config.ignore, ...options.ignore, ...autoscaling.rules], published, autoscaling }));
    type CompareContext = Awaited<typeof rulesAndSchemas>;
    const compareAt = ({ rules, published }: CompareContext, position: number, lookup: LiveLookup, prediction?: LiveLookup): void => {
      const { apiVersion, kind } = toFetch[position].object;
      const schema = published.schemas?.forKind(apiVersion, kind);
      items[fetchIndex[position]] = compareItem(toFetch[position], prediction ?? lookup, lookup, rules, { strict: options.strict, schema, serverSide: options.serverSide });
    };
    let compareContext: CompareContext;
    if (options.serverSide) {
      // A dry run needs to know which objects exist: every lookup first, then the dry runs.
      const [lookups, ruled] = await Promise.all([fetchAll(live, toFetch), rulesAndSchemas]);
      compareContext = ruled;
      context.log(`fetched ${toFetch.length} live objects (${since()})`);
      const predictions = await dryRuns(live, toFetch, lookups);
      lookups.forEach((lookup, position) => compareAt(ruled, position, lookup, predictions[position]));
      context.log(`dry-run applied and compared (${since()})`);
    } else {
      // Each group is compared as it arrives, and its live objects let go: with 10,000 objects,
      // holding them all until the last LIST costs more in garbage collection than comparing them.
      // Groups that arrive before the rules and schemas wait for them.
      let ready: CompareContext | undefined;
      const waiting: [number[], LiveLookup[]][] = [];
      const compareGroup = (positions: number[], lookups: LiveLookup[]): void => positions.forEach((position, index) => compareAt(ready!, position, lookups[index]));
      const whenReady = rulesAndSchemas.then((ruled) => {
        ready = ruled;
        for (const [positions, lookups] of waiting.splice(0)) compareGroup(positions, lookups);
        return ruled;
      });
      const fetching = live.fetch(toFetch, (positions, lookups) => {
        if (ready) compareGroup(positions, lookups);
        else waiting.push([positions, lookups]);
      });
      [, compareContext] = await Promise.all([fetching, whenReady]);
      context.log(`fetched ${toFetch.length} live objects, each group compared as it came (${since()})`);
    }
    const { published, autoscaling } = compareContext;
    const orphans = options.orphans ? await findOrphans(declared, live, options.orphans) : { items: [], errors: [] };
    // A file found by searching upward is easy to overlook: whenever its rules set drift aside, name it.
    const setAside = setAsideByConfig(config, items);
    if (setAside > 0) context.notice(`${setAside} difference${setAside === 1 ? '' : 's'} set aside by the ignore rules of ${configPath} (-v lists them)`);
    return {
      target: live.target,
      items: [...items, ...orphans.items],
      errors: orphans.errors,
      notes: [...notes, ...published.notes, ...autoscaling.notes],
      noun: 'object',
    };
  } finally {
    live.close();
  }
}

/** The working tree (or stdin), or the files at --rev; then each -k kustomization, rendered. */
async function loadDeclaredObjects(options: KubeOptions, context: RunContext): Promise<{ declared: DeclaredObject[]; notes: string[] }> {
  const declared: DeclaredObject[] = [];
  const notes: string[] = [];
  // git and kubectl are run through execa: its modules load only when one of them is needed.
  if (options.rev !== undefined) {
    const { loadDeclaredAtRevision } = await import('./declared-git.js');
    const revision = await loadDeclaredAtRevision(options.rev, options.paths, context);
    declared.push(...revision.declared);
    notes.push(`manifests read at Git revision ${options.rev} (${revision.commit.slice(0, 12)}), not from the working tree`);
  } else if (options.paths.length > 0) {
    declared.push(...(await loadDeclared(options.paths, context.cwd, context.stdin)));
  }
  if (options.kustomize.length > 0) {
    const { loadKustomization } = await import('./declared-kustomize.js');
    for (const dir of options.kustomize) declared.push(...(await loadKustomization(dir, context)));
  }
  return { declared, notes };
}

async function openLiveSide(options: KubeOptions, context: RunContext): Promise<LiveSide> {
  if (options.liveFrom !== undefined) return readSnapshot(options.liveFrom, context.cwd, context.stdin, options.namespace);
  // The Kubernetes client is loaded only here: snapshot runs and --version never pay for it.
  const { connectLiveCluster } = await import('./cluster/index.js');
  return connectLiveCluster({
    kubeconfig: options.kubeconfig,
    context: options.context,
    namespace: options.namespace,
    env: context.env,
    cwd: context.cwd,
    settings: { timeoutMs: options.requestTimeoutMs, signal: context.signal, log: context.log },
  });
}

function uniqueKinds(declared: DeclaredObject[]): { apiVersion: string; kind: string }[] {
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const { object } of declared) kinds.set(kindKey(object.apiVersion, object.kind), { apiVersion: object.apiVersion, kind: object.kind });
  return [...kinds.values()];
}

/** Two manifests declaring the same object make the answer depend on which one wins: refuse to guess. */
function rejectDuplicates(declared: DeclaredObject[]): void {
  const seen = new Map<string, DeclaredObject>();
  for (const object of declared) {
    const { apiVersion, kind, metadata } = object.object;
    const key = objectKey(apiVersion, kind, object.namespace, metadata.name);
    const first = seen.get(key);
    if (first) {
      throw new GitdiffError(`${titleOf(apiVersion, kind, object.namespace, metadata.name)} is declared twice: ${declaredAt(first)} and ${declaredAt(object)}`, {
        hint: 'keep one declaration of each object',
      });
    }
    seen.set(key, object);
  }
}

function declaredAt(object: DeclaredObject): string {
  return object.line ? `${object.file}:${object.line}` : object.file;
}

/** Autoscalers declared in Git, and those live in the namespaces of declared scalable objects. */
async function autoscalerIgnoreRules(declared: DeclaredObject[], live: LiveSide): Promise<{ rules: IgnoreRule[]; notes: string[] }> {
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
async function publishedSchemas(live: LiveSide, apiVersions: string[], context: RunContext): Promise<{ schemas?: SchemaSet; notes: string[] }> {
  if (!live.schemas || apiVersions.length === 0) return { notes: [] };
  const read = await live.schemas(apiVersions);
  if ('unavailable' in read) {
    context.log(`OpenAPI: ${read.unavailable}`);
    return { notes: ["the cluster's OpenAPI could not be read: lists, quantities and defaults were compared with gitdiff's built-in rules (--debug says why)"] };
  }
  for (const [apiVersion, reason] of read.failed) context.log(`OpenAPI of ${apiVersion}: ${reason}`);
  const failed = [...read.failed.keys()];
  const notes = failed.length > 0 ? [`the cluster's OpenAPI of ${failed.join(', ')} could not be read: those objects were compared with gitdiff's built-in rules (--debug says why)`] : [];
  return { schemas: SchemaSet.from(read.documents), notes };
}

/** --server-side: a dry-run apply of each object found live; objects not found (or not read) keep their lookup. */
async function dryRuns(live: LiveSide, declared: DeclaredObject[], lookups: LiveLookup[]): Promise<(LiveLookup | undefined)[]> {
  const found = declared.filter((_object, index) => lookups[index].state === 'found');
  const results = await live.dryRunApply!(found);
  const byObject = new Map(found.map((object, index) => [object, results[index]]));
  return declared.map((object) => byObject.get(object));
}
