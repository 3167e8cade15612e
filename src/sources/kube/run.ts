// `gitdiff kube`, the pipeline: load declared -> set aside what cannot be
// matched -> resolve scope -> fetch live -> normalize -> compare -> Report.
// Each stage is its own module; this file only wires them (compare-live.ts
// runs the live side's stages, items.ts turns each declared object into one report Item).
import { GitdiffError } from '../../errors.js';
import type { Findings } from '../../report.js';
import type { RunContext } from '../types.js';
import { loadDeclared } from './declared.js';
import type { LiveSide } from './live.js';
import { declaredAt, type DeclaredObject } from './objects.js';
import { readSnapshot } from './snapshot.js';
import { findIgnoreFile, readIgnoreFile, type IgnoreFile } from './ignore-file.js';
import { clusterConnection, type KubeOptions } from './options.js';
import { generatedItem } from './items.js';
import { rejectInvalidSecretData } from './secrets.js';
import { compareWithLive } from './compare-live.js';
import type { ComparedItems } from './compare-memo.js';
import { workTreeRevision } from './revision.js';
import { existsSync } from 'node:fs';
import path from 'node:path';


export async function runKube(options: KubeOptions, context: RunContext): Promise<Findings> {
  const started = performance.now();
  const ruling = readKubeConfig(options, context);
  // Asked while the manifests are read; --rev names its own commit.
  const revision = options.rev === undefined ? workTreeRevision([...options.paths, ...options.kustomize], context.cwd, context.env) : undefined;
  const declared = await loadDeclaredObjects(options, context);
  const checked = checkDeclared(declared, options);
  const live = await openLiveSide(options, context);
  try {
    return await compareKube({ ...checked, revision: declared.revision ?? (await revision) }, live, { options, context, started, ...ruling });
  } finally {
    live.close();
  }
}

/** The declared side of one run: its objects, notes on how they were read, and the commit they were read at when known. */
export interface DeclaredSide {
  declared: DeclaredObject[];
  notes: string[];
  revision?: string;
}

/** The team's ignore rules and settings: --config, else the nearest .gitdiff.yaml (or none). */
export function readKubeConfig(options: KubeOptions, context: RunContext): { config: IgnoreFile; configPath: string | undefined } {
  // The config is found beside the first path or kustomization, in the working tree (also with --rev).
  const configPath = options.configFile ? path.resolve(context.cwd, options.configFile) : findIgnoreFile([...options.paths, ...options.kustomize], context.cwd);
  if (options.configFile && !existsSync(configPath!)) throw new GitdiffError(`--config ${options.configFile}: no such file or directory`, { hint: '--config names a .gitdiff.yaml of ignore rules: check the path, or drop --config to use the nearest one' });
  const config = readIgnoreFile(configPath);
  if (configPath) context.log(`config: ${configPath}`);
  return { config, configPath };
}

export interface KubeRun {
  options: KubeOptions;
  context: RunContext;
  config: IgnoreFile;
  configPath: string | undefined;
  /** performance.now() when the run started, for --debug's stage lines. */
  started: number;
  /** A watch session's items of its previous run, reused where nothing they depend on changed. */
  memo?: ComparedItems;
}

/** The declared side once checked: what can be compared, and what is set aside before any live read. */
export interface CheckedSide extends DeclaredSide {
  comparable: DeclaredObject[];
  generated: DeclaredObject[];
}

/** Refuses, before the live side is opened, what no live side could answer (no object, only generated names, invalid Secret data). */
export function checkDeclared(side: DeclaredSide, options: KubeOptions): CheckedSide {
  const { comparable, generated } = setAsideGenerated(side.declared, options);
  rejectInvalidSecretData(comparable);
  return { ...side, comparable, generated };
}

/** The declared side against the live side: the run's Findings (the live side is the caller's to close). */
export async function compareKube(side: CheckedSide, live: LiveSide, run: KubeRun): Promise<Findings> {
  const { options, context, config, configPath, started, memo } = run;
  const { comparable, generated } = side;
  // Each stage's time since the start, so that --debug shows where a slow run spends it.
  const since = (): string => `${Math.round(performance.now() - started)} ms`;
  context.log(`read ${side.declared.length} declared objects (${since()})`);
  const findings = await compareWithLive(comparable, live, { options, config, configPath, context, since, memo });
  return {
    target: live.target,
    items: [...findings.items, ...generated.map(generatedItem)],
    errors: findings.errors,
    notes: [...side.notes, ...findings.notes],
    noun: 'object',
    ...(side.revision ? { revision: side.revision } : {}),
  };
}

/**
 * Objects with metadata.generateName cannot be matched with a live one: set aside (shown as not
 * compared, generatedItem). A run that has nothing else to compare cannot say anything: an error.
 */
function setAsideGenerated(declared: DeclaredObject[], options: KubeOptions): { comparable: DeclaredObject[]; generated: DeclaredObject[] } {
  const comparable = declared.filter((object) => !object.generated);
  const generated = declared.filter((object) => object.generated);
  const inputs = [...options.paths, ...options.kustomize.map((dir) => `${dir} (kustomize)`)].join(', ');
  const at = options.rev ? ` at ${options.rev}` : '';
  if (declared.length === 0) {
    throw new GitdiffError(`no Kubernetes objects found in ${inputs}${at}`, { hint: 'name files or folders with *.yaml, *.yml or *.json manifests' });
  }
  if (comparable.length === 0) {
    const named = generated.slice(0, 3).map(declaredAt).join(', ') + (generated.length > 3 ? ` and ${generated.length - 3} more` : '');
    throw new GitdiffError(`nothing to compare in ${inputs}${at}: every object uses metadata.generateName (${named}), so the server chooses its name and no live object can be matched with it`, {
      hint: 'give an object a fixed metadata.name to compare it',
    });
  }
  return { comparable, generated };
}

/** The working tree (or stdin), or the files at --rev; then each -k kustomization, rendered. */
export async function loadDeclaredObjects(options: KubeOptions, context: RunContext): Promise<DeclaredSide> {
  const declared: DeclaredObject[] = [];
  const notes: string[] = [];
  let revision: string | undefined;
  // git and kubectl are run through execa: its modules load only when one of them is needed.
  if (options.rev !== undefined) {
    const { loadDeclaredAtRevision, revisionNote } = await import('./declared-git.js');
    const atRevision = await loadDeclaredAtRevision(options.rev, options.paths, context);
    declared.push(...atRevision.declared);
    revision = atRevision.commit;
    notes.push(revisionNote(options.rev, revision));
  } else if (options.paths.length > 0) {
    declared.push(...(await loadDeclared(options.paths, context.cwd, context.stdin)));
  }
  if (options.kustomize.length > 0) {
    const { loadKustomization } = await import('./declared-kustomize.js');
    for (const dir of options.kustomize) declared.push(...(await loadKustomization(dir, context)));
  }
  return { declared, notes, revision };
}

export async function openLiveSide(options: KubeOptions, context: RunContext): Promise<LiveSide> {
  if (options.liveFrom !== undefined) return readSnapshot(options.liveFrom, context.cwd, context.stdin, options.namespace);
  // The Kubernetes client is loaded only here: snapshot runs and --version never pay for it.
  const { connectLiveCluster } = await import('./cluster/index.js');
  return connectLiveCluster(clusterConnection(options, context, { signal: context.signal, log: context.log }));
}
