// `gitdiff kube`: Kubernetes manifests compared with the API server or a saved snapshot.
// This module only declares the command; its validation lives in options.ts, the work (and its imports) in run.ts.
import { Option, type Command } from 'commander';
import { defineSource } from '../types.js';
import { repeatable } from '../../options.js';
import { clusterConnection, kubeOptions } from './options.js';
import { KubeWatchSession } from './watch-session.js';

export const kube = defineSource({
  name: 'kube',
  summary: 'compare Kubernetes manifests with a cluster (or a saved snapshot)',
  // Reads are retried with backoff; past five minutes a drift check of a cluster is stuck, not slow.
  defaultTimeout: '5m',
  define(command: Command) {
    command
      .argument('[paths...]', "manifest files or folders (*.yaml, *.yml, *.json, recursive); '-' reads stdin", ['.'])
      .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
      .option('--context <name>', 'kubeconfig context')
      .option('-n, --namespace <ns>', "namespace for objects that name none (default: the context's, else \"default\")")
      .option('-k, --kustomize <dir>', 'render a kustomization with `kubectl kustomize DIR` and compare the result (repeatable)', repeatable)
      .option('--rev <ref>', 'read the manifest paths as they are at a Git revision (no checkout needed)')
      .option('--live-from <file>', "compare with a saved snapshot (kubectl get -o yaml|json) instead of a server; '-' reads stdin")
      .addOption(new Option('--request-timeout <duration>', 'deadline per request, body included (5s, 1m; 0 for none)').default('30s'))
      .option('--config <file>', 'ignore rules and settings (default: the nearest .gitdiff.yaml at or above the manifests)')
      .option('--ignore <kind:path>', 'ignore differences at PATH in objects of KIND (glob); repeatable', repeatable)
      .option('--strict', 'also report what the cluster holds beyond the manifest (extra labels, annotations, containers, env vars, ports...)')
      .option('--prune-selector <selector>', 'also list live objects with this label that no manifest declares (orphans), e.g. app.kubernetes.io/managed-by=gitops')
      .option('--prune-kinds <kinds>', 'kinds to search for orphans, comma-separated (Kind or apiVersion/Kind; default: the declared kinds)')
      .option('-A, --all-namespaces', 'search for orphans in every namespace, not only the declared ones')
      .option('--no-ignore-hpa-replicas', 'compare spec.replicas even where a HorizontalPodAutoscaler owns it')
      .option('--server-side', 'compare every field with what a server-side apply would make of each manifest (a dry run: needs "patch" permission, changes nothing)')
      .option('--wait <duration>', 'if not in sync, watch the cluster and the manifests and compare again on each change, up to DURATION (10m): exit 0 once in sync, else the last verdict');
  },
  options: ({ args, flags }) => kubeOptions(args, flags),
  async run(options, context) {
    const { runKube } = await import('./run.js');
    return runKube(options, context);
  },
  // Kept current only where what is held can stay true: a snapshot is a moment (it keeps its interval),
  // a server-side dry run answers for the moment it is asked, and stdin can be read once.
  watch(options, setup) {
    if (options.liveFrom !== undefined || options.serverSide || options.paths.includes('-')) return undefined;
    return new KubeWatchSession(options, setup, async ({ signal, log }) => {
      const { openWatchedCluster } = await import('./cluster/watch-cache.js');
      return openWatchedCluster({ ...clusterConnection(options, setup, { signal, log }), resyncMs: setup.resyncMs });
    });
  },
});
