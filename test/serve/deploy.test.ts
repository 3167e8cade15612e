// deploy/kubernetes/serve as `kubectl kustomize` renders it: valid by the rules
// test/deploy applies to every variant, a Deployment whose probes, port,
// arguments and config agree with what `gitdiff serve` does, a Service that
// reaches it, and a gitdiff.yaml that serve itself accepts. And its sharded
// variant, deploy/kubernetes/serve-sharded: the same pod as a StatefulSet whose
// replicas split the checks among them, each check on exactly one.
import path from 'node:path';
import { describe, expect } from 'vitest';
import { sources } from '../../src/sources/index.js';
import { parseServeConfig } from '../../src/serve/checks-file.js';
import type { KubeOptions } from '../../src/sources/kube/options.js';
import { parseListen } from '../../src/serve/http.js';
import { parseDuration } from '../../src/duration.js';
import { checksOfShard, shardFromHostname } from '../../src/serve/shard.js';
import { objectProblems } from '../deploy/kubernetes-rules.js';
import { findRendered, itWithKustomize, kubernetesDir, renderKustomization } from '../deploy/render.js';

type Obj = Record<string, any>;

const it = itWithKustomize();
const serveDir = path.join(kubernetesDir, 'serve');
const shardedDir = path.join(kubernetesDir, 'serve-sharded');

/** A rendered pod template with the generated ConfigMap names' hashes as HASH, to compare two variants' pods. */
function withoutHashes(template: Obj): Obj {
  return JSON.parse(JSON.stringify(template).replace(/(gitdiff-serve)-[a-z0-9]{10}"/g, '$1-HASH"'));
}

/** The value of `--NAME=VALUE` among a container's args. */
function flag(args: string[], name: string): string | undefined {
  return args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

describe('deploy/kubernetes/serve', () => {
  it('renders a Deployment and a Service that fit gitdiff serve: probes, port, config and stop', () => {
    const objects = renderKustomization(serveDir);
    expect(objects.map((object) => `${object.kind} ${object.metadata.name.replace(/-[a-z0-9]{10}$/, '-HASH')}`)).toEqual([
      'Namespace gitdiff', 'ServiceAccount gitdiff', 'ClusterRole gitdiff-reader', 'ClusterRoleBinding gitdiff-reader',
      'ConfigMap gitdiff-serve-git-HASH', 'ConfigMap gitdiff-serve-HASH', 'Service gitdiff-serve', 'Deployment gitdiff-serve',
    ]);
    expect(objectProblems(objects)).toEqual([]);
    const deployment = findRendered(objects, 'Deployment', 'gitdiff-serve');
    const service = findRendered(objects, 'Service', 'gitdiff-serve');
    // Generated, with a hash of its content in the name: a changed config rolls out a new pod.
    const config = objects.find((object) => object.kind === 'ConfigMap' && /^gitdiff-serve-[a-z0-9]{10}$/.test(object.metadata.name))!;

    const pod = deployment.spec.template.spec;
    const gitdiff = pod.containers.find((container: Obj) => container.name === 'gitdiff');
    expect(gitdiff.image).toBe('gitdiff:0.1.0');
    expect(gitdiff.args[0]).toBe('serve');

    // It listens where the probes and the Service look.
    const listen = parseListen(flag(gitdiff.args, 'listen')!);
    const port = gitdiff.ports.find((each: Obj) => each.name === 'http');
    expect(port.containerPort).toBe(listen.port);
    expect(gitdiff.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(gitdiff.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports).toEqual([{ name: 'http', port: listen.port, targetPort: 'http' }]);
    for (const [key, value] of Object.entries(service.spec.selector)) expect(deployment.spec.template.metadata.labels[key]).toBe(value);
    for (const [key, value] of Object.entries(deployment.spec.selector.matchLabels)) expect(deployment.spec.template.metadata.labels[key]).toBe(value);

    // Its config is the generated ConfigMap, mounted where --config points, and serve accepts it.
    const configPath = flag(gitdiff.args, 'config')!;
    const mount = gitdiff.volumeMounts.find((each: Obj) => configPath.startsWith(`${each.mountPath}/`));
    const volume = pod.volumes.find((each: Obj) => each.name === mount.name);
    expect(volume.configMap.name).toBe(config.metadata.name);
    const file = path.basename(configPath);
    const checks = parseServeConfig(config.data[file], configPath, sources, {}).checks;
    expect(checks.map((check) => check.name)).toEqual(['in-cluster']);

    // The checked-out manifests the checks read are the ones git-sync keeps current.
    const gitMount = gitdiff.volumeMounts.find((each: Obj) => each.name === 'git');
    const [manifests] = (checks[0].options as KubeOptions).paths;
    expect(manifests.startsWith(`${gitMount.mountPath}/`)).toBe(true);
    for (const container of [...pod.initContainers, pod.containers.find((each: Obj) => each.name === 'git-sync')]) {
      expect(flag(container.args, 'root')).toBe(gitMount.mountPath);
      expect(flag(container.args, 'link')).toBe(path.basename(manifests));
    }

    // SIGTERM: running checks get their grace period before the kubelet kills the pod.
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(parseDuration(flag(gitdiff.args, 'grace-period')!, 'grace'));

  });
});

describe('deploy/kubernetes/serve-sharded', () => {
  it('renders a StatefulSet whose replicas split the checks, a headless Service, and the pod of deploy/kubernetes/serve', () => {
    const objects = renderKustomization(shardedDir);
    // Sorted: kustomize orders the two ConfigMaps by their names, hashes included.
    expect(objects.map((object) => `${object.kind} ${object.metadata.name.replace(/-[a-z0-9]{10}$/, '-HASH')}`).sort()).toEqual([
      'ClusterRole gitdiff-reader', 'ClusterRoleBinding gitdiff-reader', 'ConfigMap gitdiff-serve-HASH', 'ConfigMap gitdiff-serve-git-HASH',
      'Namespace gitdiff', 'Service gitdiff-serve', 'ServiceAccount gitdiff', 'StatefulSet gitdiff-serve',
    ]);
    expect(objectProblems(objects)).toEqual([]);
    const statefulSet = findRendered(objects, 'StatefulSet', 'gitdiff-serve');
    const service = findRendered(objects, 'Service', 'gitdiff-serve');
    const pod = statefulSet.spec.template;
    const gitdiff = pod.spec.containers.find((container: Obj) => container.name === 'gitdiff');

    // Headless, governing the StatefulSet: a stable name per pod, no load balancing across shards.
    expect(statefulSet.spec.serviceName).toBe(service.metadata.name);
    expect(service.spec.clusterIP).toBe('None');

    // Prometheus scrapes every pod, as in deploy/kubernetes/serve: the annotations point at the port serve listens on.
    const listen = parseListen(flag(gitdiff.args, 'listen')!);
    expect(pod.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(listen.port), 'prometheus.io/path': '/metrics' });

    // Each pod's ordinal is its shard: as many shards as replicas, every pod name gives a valid one.
    const replicas = statefulSet.spec.replicas;
    expect(replicas).toBe(3);
    expect(flag(gitdiff.args, 'shard-from-hostname')).toBe(String(replicas));
    const shards = Array.from({ length: replicas }, (_, ordinal) => shardFromHostname(`${statefulSet.metadata.name}-${ordinal}`, flag(gitdiff.args, 'shard-from-hostname')!));
    expect(shards.map((shard) => shard.index)).toEqual([0, 1, 2]);

    // The shared checks file: serve accepts it, and the replicas' shares are disjoint, cover it, and none is idle.
    const config = objects.find((object) => object.kind === 'ConfigMap' && /^gitdiff-serve-[a-z0-9]{10}$/.test(object.metadata.name))!;
    const configPath = flag(gitdiff.args, 'config')!;
    const checks = parseServeConfig(config.data[path.basename(configPath)], configPath, sources, {}).checks;
    const shares = shards.map((shard) => checksOfShard(checks, shard).checks.map((check) => check.name));
    expect(shares.flat().sort()).toEqual(checks.map((check) => check.name).sort());
    expect(new Set(shares.flat()).size).toBe(checks.length);
    for (const share of shares) expect(share.length).toBeGreaterThan(0);

    // The same pod as the single-replica Deployment, but for the shard flag: the two variants cannot drift apart.
    const deployment = findRendered(renderKustomization(serveDir), 'Deployment', 'gitdiff-serve');
    const unsharded = withoutHashes(pod);
    const gitdiffArgs = unsharded.spec.containers.find((container: Obj) => container.name === 'gitdiff').args as string[];
    gitdiffArgs.splice(gitdiffArgs.indexOf(`--shard-from-hostname=${replicas}`), 1);
    expect(unsharded).toEqual(withoutHashes(deployment.spec.template));
  });
});
