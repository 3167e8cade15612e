// `gitdiff kube`'s command line, completed and validated (kubectl's Complete +
// Validate): commander's values become typed options, or a usage error with a
// hint, before anything is read. Light on purpose: serve calls it for every
// check at each config load, and the CLI before every run.
import { GitdiffError } from '../../errors.js';
import { parseDuration } from '../../duration.js';
import { parseIgnoreFlag, type IgnoreRule } from './ignore.js';
import type { OrphanOptions } from './orphans.js';

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
  if (options.wait !== undefined) checkWaitOptions(liveFrom, options.serverSide === true, paths);
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

/** --wait keeps a cluster and the manifests watched: a snapshot, a dry run or stdin cannot be watched. */
function checkWaitOptions(liveFrom: string | undefined, serverSide: boolean, paths: string[]): void {
  if (liveFrom !== undefined) {
    throw new GitdiffError('--wait watches a cluster for changes: a snapshot (--live-from) never changes', { hint: 'drop --wait, or point at the cluster with --kubeconfig / --context' });
  }
  if (serverSide) throw new GitdiffError('--wait does not combine with --server-side: a dry run answers for the moment it is asked, it cannot be watched', { hint: 'drop one or the other' });
  if (paths.includes('-')) throw new GitdiffError("--wait reads the manifests again on each change: stdin ('-') can be read once", { hint: 'name the manifest files or folders' });
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

/**
 * What opening the cluster needs, from the options and where the run happens: the same for a
 * one-shot run (connectLiveCluster) and a watch session (openWatchedCluster).
 */
export function clusterConnection(options: KubeOptions, place: { env: NodeJS.ProcessEnv; cwd: string }, settings: { signal: AbortSignal; log: (line: string) => void }) {
  return {
    kubeconfig: options.kubeconfig,
    context: options.context,
    namespace: options.namespace,
    env: place.env,
    cwd: place.cwd,
    settings: { timeoutMs: options.requestTimeoutMs, ...settings },
  };
}
