// deploy/kubernetes/serve as `kubectl kustomize` renders it: valid by the rules
// test/deploy applies to every variant, a Deployment whose probes, port,
// arguments and config agree with what `gitdiff serve` does, a Service that
// reaches it, and a gitdiff.yaml that serve itself accepts.
import path from 'node:path';
import { describe, expect } from 'vitest';
import { sources } from '../../src/sources/index.js';
import { parseServeConfig } from '../../src/serve/checks-file.js';
import type { KubeOptions } from '../../src/sources/kube/options.js';
import { parseListen } from '../../src/serve/http.js';
import { parseDuration } from '../../src/duration.js';
import { objectProblems } from '../deploy/kubernetes-rules.js';
import { findRendered, itWithKustomize, kubernetesDir, renderKustomization } from '../deploy/render.js';

type Obj = Record<string, any>;

const it = itWithKustomize();
const serveDir = path.join(kubernetesDir, 'serve');

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
