// A container of a rendered pod spec as a host process: its environment as the
// kubelet builds it (literal values with earlier variables expanded, ConfigMap
// and Secret keys resolved), its command line with $(VAR) expanded, and the
// pod's mount paths replaced by the folders standing for its volumes.
import { expandVariables } from './pod-rules.js';

type Obj = Record<string, any>;

export interface PodInputs {
  /** ConfigMap name -> key -> value. */
  configMaps?: Record<string, Record<string, string>>;
  /** Secret name -> key -> value (decoded). */
  secrets?: Record<string, Record<string, string>>;
  /** Volume name -> host folder. */
  volumes?: Record<string, string>;
}

export interface ContainerProcess {
  argv: string[];
  env: Record<string, string>;
}

export function containerProcess(container: Obj, inputs: PodInputs): ContainerProcess {
  // Only paths written in the pod spec are the container's; values from ConfigMaps and Secrets are the test's own.
  const folderOf = new Map<string, string>((container.volumeMounts ?? []).map((mount: Obj) => [mount.mountPath, inputs.volumes?.[mount.name]]));
  const mountPaths = new RegExp(`(^|=)(${[...folderOf.keys()].join('|')})(?=/|$)`);
  const onHost = (text: string) => (folderOf.size === 0 ? text : text.replace(mountPaths, (_match, before: string, mountPath: string) => `${before}${folderOf.get(mountPath)}`));
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    const fromConfigMap = variable.valueFrom?.configMapKeyRef;
    const fromSecret = variable.valueFrom?.secretKeyRef;
    const value = fromConfigMap ? inputs.configMaps?.[fromConfigMap.name]?.[fromConfigMap.key]
      : fromSecret ? inputs.secrets?.[fromSecret.name]?.[fromSecret.key]
      : expandVariables(onHost(variable.value ?? ''), env);
    if (value === undefined) throw new Error(`container ${container.name}: env ${variable.name} refers to a key the test did not provide`);
    env[variable.name] = value;
  }
  const argv = [...(container.command ?? []), ...(container.args ?? [])].map((text: string) => expandVariables(onHost(text), env));
  return { argv, env };
}
