// `gitdiff kube`, the pipeline: load declared -> set aside what cannot be
// matched -> resolve scope -> fetch live -> normalize -> compare -> Report.
// Each stage is its own module; this file only wires them (compare-live.ts
// runs the live side's stages, items.ts turns each declared object into one report Item).
import { GitdiffError } from '../../errors.js';
import { parseDuration } from '../../duration.js';
import type { Report } from '../../report.js';
import type { RunContext } from '../types.js';
import { loadDeclared } from './declared.js';
import type { LiveSide } from './live.js';
import { declaredAt, type DeclaredObject } from './objects.js';
import { readSnapshot } from './snapshot.js';
import { parseIgnoreFlag, type IgnoreRule } from './ignore.js';
import { findConfigFile, readKubeConfigFile } from './config.js';
import type { OrphanOptions } from './orphans.js';
import { generatedItem } from './items.js';
import { rejectInvalidSecretData } from './secrets.js';
import { compareWithLive } from './compare-live.js';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface KubeOptions {
  /** Manifest files and folders; empty when only kustomizations are named. */
  paths: string[];
  /** -k: kustomization folders to render with `kubectl kustomize`. */
  kustomize: string[];
  /** --rev: read `paths` at this Git revision instead of the working tree. */
  rev?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  liveFrom?: string;
  requestTimeoutMs: number;
  /** --config FILE, else the nearest .gitdiff.yaml. */
  configFile?: string;
  /** --ignore KIND:PATH rules. */
  ignore: IgnoreRule[];
  /** false with --no-ignore-hpa-replicas (or the config's ignoreHpaReplicas: false). */
  ignoreHpaReplicas: boolean;
  /** --strict: also report what the cluster holds beyond the manifest. */
  strict: boolean;
  /** --prune-selector, --prune-kinds, -A: look for orphans. */
  orphans?: OrphanOptions;
  /** --server-side: compare what a server-side apply dry run would make of each manifest. */
  serverSide: boolean;
}

/** Complete and validate: commander's values become typed options, or a clear error. */
export function kubeOptions(args: string[], options: Record<string, unknown>): KubeOptions {
  const kustomize = (options.kustomize as string[] | undefined) ?? [];
  const paths = args.length > 0 ? args : kustomize.length > 0 ? [] : ['.'];
  const liveFrom = options.liveFrom as string | undefined;
  const rev = options.rev as string | undefined;
  if (rev !== undefined) checkRevisionOptions(rev, paths, kustomize);
  if (liveFrom === '-' && paths.includes('-')) {
    throw new GitdiffError("stdin ('-') can be the manifests or the snapshot, not both", { hint: 'save one of them to a file' });
  }
  if (liveFrom !== undefined && (options.kubeconfig !== undefined || options.context !== undefined)) {
    throw new GitdiffError('--live-from compares with a snapshot: --kubeconfig and --context do not apply', { hint: 'drop one or the other' });
  }
  if (options.serverSide === true && liveFrom !== undefined) {
    throw new GitdiffError('--server-side asks the API server for a dry-run apply: it cannot compare with a snapshot (--live-from)', { hint: 'drop --server-side, or point at a cluster with --kubeconfig / --context' });
  }
  if (options.serverSide === true && options.strict === true) {
    throw new GitdiffError('--strict does not apply with --server-side: server-side mode already compares every field', { hint: 'drop one or the other' });
  }
  const parsed: KubeOptions = {
    paths,
    kustomize,
    rev,
    kubeconfig: options.kubeconfig as string | undefined,
    context: options.context as string | undefined,
    namespace: options.namespace as string | undefined,
    liveFrom,
    requestTimeoutMs: parseDuration(String(options.requestTimeout ?? '30s'), '--request-timeout'),
    configFile: options.config as string | undefined,
    ignore: ((options.ignore as string[] | undefined) ?? []).map((value) => {
      const rule = parseIgnoreFlag(value);
      if (!rule) throw new GitdiffError(`--ignore ${value}: expected KIND:PATH`, { hint: 'for example --ignore Deployment:spec.replicas or --ignore "*:metadata.labels.version"' });
      return rule;
    }),
    ignoreHpaReplicas: options.ignoreHpaReplicas !== false,
    strict: options.strict === true,
    orphans: typeof options.pruneSelector === 'string'
      ? { selector: options.pruneSelector, kinds: splitList(options.pruneKinds), allNamespaces: options.allNamespaces === true }
      : undefined,
    serverSide: options.serverSide === true,
  };
  if (!parsed.orphans && (options.pruneKinds !== undefined || options.allNamespaces)) {
    throw new GitdiffError('--prune-kinds and -A look for orphans: they need --prune-selector', { hint: 'for example --prune-selector app.kubernetes.io/managed-by=gitops' });
  }
  return parsed;
}

function splitList(value: unknown): string[] | undefined {
  return typeof value === 'string' ? value.split(',').map((entry) => entry.trim()).filter(Boolean) : undefined;
}

function checkRevisionOptions(rev: string, paths: string[], kustomize: string[]): void {
  if (rev === '' || rev.startsWith('-')) throw new GitdiffError(`--rev ${JSON.stringify(rev)}: not a revision`, { hint: 'name a branch, tag or commit, e.g. --rev origin/main' });
  if (paths.includes('-')) throw new GitdiffError("--rev reads files from Git: stdin ('-') has no revision", { hint: 'name the manifest paths in the repository' });
  if (kustomize.length > 0) {
    throw new GitdiffError('--rev does not combine with -k: kubectl kustomize reads the working tree', {
      hint: 'check the revision out somewhere else (git worktree add DIR REF) and run -k there',
    });
  }
}

export async function runKube(args: string[], rawOptions: Record<string, unknown>, context: RunContext): Promise<Report> {
  const started = performance.now();
  const options = kubeOptions(args, rawOptions);
  // The config is found beside the first path or kustomization, in the working tree (also with --rev).
  const configPath = options.configFile ? path.resolve(context.cwd, options.configFile) : findConfigFile([...options.paths, ...options.kustomize], context.cwd);
  if (options.configFile && !existsSync(configPath!)) throw new GitdiffError(`--config ${options.configFile}: no such file`);
  const config = readKubeConfigFile(configPath);
  if (configPath) context.log(`config: ${configPath}`);
  const { declared, notes } = await loadDeclaredObjects(options, context);
  const { comparable, generated } = setAsideGenerated(declared, options);
  rejectInvalidSecretData(comparable);
  // Each stage's time since the start, so that --debug shows where a slow run spends it.
  const since = (): string => `${Math.round(performance.now() - started)} ms`;
  context.log(`read ${declared.length} declared objects (${since()})`);

  const live = await openLiveSide(options, context);
  try {
    const findings = await compareWithLive(comparable, live, { options, config, configPath, context, since });
    return {
      source: 'kube',
      target: live.target,
      items: [...findings.items, ...generated.map(generatedItem)],
      errors: findings.errors,
      notes: [...notes, ...findings.notes],
      noun: 'object',
      durationMs: performance.now() - started,
    };
  } finally {
    live.close();
  }
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
