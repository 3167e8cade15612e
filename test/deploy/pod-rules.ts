// Rules for pod templates, as the API server's validation and the "restricted"
// Pod Security Standard (https://kubernetes.io/docs/concepts/security/pod-security-standards/)
// apply them, plus what gitdiff's own workloads promise: resources on every
// container and a read-only root filesystem. Each rule returns what is wrong,
// as "where: what"; an empty list means the template passes.
type Obj = Record<string, any>;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** What the kubelet expands in command, args and env values: $(NAME); $$ escapes. */
const VARIABLE_REFERENCE = /\$\$|\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)/g;

export interface PodContext {
  /** How to name the template in messages, e.g. "CronJob gitdiff/gitdiff-kube". */
  where: string;
  namespace: string;
  /** Every object rendered with it, to resolve ServiceAccounts and ConfigMaps. */
  objects: Obj[];
}

const containersOf = (spec: Obj): Obj[] => [...(spec.initContainers ?? []), ...(spec.containers ?? [])];

function findObject(objects: Obj[], kind: string, namespace: string, name: string): Obj | undefined {
  return objects.find((object) => object.kind === kind && object.metadata?.namespace === namespace && object.metadata?.name === name);
}

function containerShape(spec: Obj, where: string): string[] {
  const problems: string[] = [];
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) problems.push(`${where}: spec.containers is required`);
  const names = containersOf(spec).map((container) => container.name);
  for (const name of names) if (typeof name !== 'string' || !DNS_LABEL.test(name)) problems.push(`${where}: container name ${JSON.stringify(name)} is not a DNS label`);
  for (const name of new Set(names.filter((name, index) => names.indexOf(name) !== index))) problems.push(`${where}: container name ${name} is used twice`);
  for (const container of containersOf(spec)) if (!container.image) problems.push(`${where}: container ${container.name} has no image`);
  return problems;
}

function resources(spec: Obj, where: string): string[] {
  const problems: string[] = [];
  for (const container of containersOf(spec)) {
    for (const field of ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']) {
      const [section, name] = field.split('.');
      if (container.resources?.[section]?.[name] === undefined) problems.push(`${where}: container ${container.name} has no resources.${field}`);
    }
  }
  return problems;
}

/** The "restricted" Pod Security Standard, the level gitdiff's namespace enforces. */
function restrictedPodSecurity(spec: Obj, where: string): string[] {
  const problems: string[] = [];
  const pod = spec.securityContext ?? {};
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[field]) problems.push(`${where}: ${field} is not allowed`);
  for (const volume of spec.volumes ?? []) if (volume.hostPath) problems.push(`${where}: volume ${volume.name} is a hostPath`);
  if (pod.runAsUser === 0) problems.push(`${where}: runAsUser 0 (root)`);
  for (const container of containersOf(spec)) {
    const context = container.securityContext ?? {};
    const name = `${where}: container ${container.name}`;
    if ((context.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${name} does not set runAsNonRoot: true`);
    if (context.runAsUser === 0) problems.push(`${name} runs as uid 0`);
    const seccomp = (context.seccompProfile ?? pod.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${name} has no RuntimeDefault or Localhost seccompProfile`);
    if (context.allowPrivilegeEscalation !== false) problems.push(`${name} does not set allowPrivilegeEscalation: false`);
    if (context.privileged) problems.push(`${name} is privileged`);
    if (!(context.capabilities?.drop ?? []).includes('ALL')) problems.push(`${name} does not drop ALL capabilities`);
    for (const added of context.capabilities?.add ?? []) if (added !== 'NET_BIND_SERVICE') problems.push(`${name} adds capability ${added}`);
    if (context.readOnlyRootFilesystem !== true) problems.push(`${name} does not set readOnlyRootFilesystem: true`);
  }
  return problems;
}

function volumes(spec: Obj, where: string): string[] {
  const problems: string[] = [];
  const declared = (spec.volumes ?? []).map((volume: Obj) => volume.name);
  const mounted = new Set<string>();
  for (const container of containersOf(spec)) {
    for (const mount of container.volumeMounts ?? []) {
      mounted.add(mount.name);
      if (!declared.includes(mount.name)) problems.push(`${where}: container ${container.name} mounts volume ${mount.name}, which the pod does not declare`);
      if (typeof mount.mountPath !== 'string' || !mount.mountPath.startsWith('/')) problems.push(`${where}: container ${container.name} mounts ${mount.name} at a path that is not absolute`);
    }
  }
  for (const name of declared) if (!mounted.has(name)) problems.push(`${where}: volume ${name} is mounted by no container`);
  return problems;
}

/** The ServiceAccount and the ConfigMap keys the template names exist beside it (else the pod never starts). */
function references(spec: Obj, context: PodContext): string[] {
  const problems: string[] = [];
  const { where, namespace, objects } = context;
  if (!spec.serviceAccountName) problems.push(`${where}: no serviceAccountName (the pod would run as "default")`);
  else if (!findObject(objects, 'ServiceAccount', namespace, spec.serviceAccountName)) {
    problems.push(`${where}: ServiceAccount ${namespace}/${spec.serviceAccountName} is not among the objects`);
  }
  for (const container of containersOf(spec)) {
    for (const variable of container.env ?? []) {
      const reference = variable.valueFrom?.configMapKeyRef;
      if (!reference || reference.optional) continue;
      const configMap = findObject(objects, 'ConfigMap', namespace, reference.name);
      if (!configMap) problems.push(`${where}: env ${variable.name} reads ConfigMap ${namespace}/${reference.name}, which is not among the objects`);
      else if (configMap.data?.[reference.key] === undefined) problems.push(`${where}: env ${variable.name} reads key ${reference.key}, which ConfigMap ${reference.name} lacks`);
    }
  }
  return problems;
}

/**
 * The kubelet expands $(NAME) in command, args and env values only when NAME is
 * defined above it in the container's env; otherwise the text stays as written,
 * so a typo would reach git or gitdiff as a literal "$(GITDIFF_REPOSITORY)".
 */
function variableReferences(spec: Obj, where: string): string[] {
  const problems: string[] = [];
  for (const container of containersOf(spec)) {
    const defined = new Set<string>();
    const check = (text: unknown, field: string) => {
      if (typeof text !== 'string') return;
      for (const match of text.matchAll(VARIABLE_REFERENCE)) {
        if (match[1] && !defined.has(match[1])) problems.push(`${where}: container ${container.name} ${field} uses $(${match[1]}), which its env does not define`);
      }
    };
    for (const variable of container.env ?? []) {
      check(variable.value, `env ${variable.name}`);
      defined.add(variable.name);
    }
    for (const [index, text] of (container.command ?? []).entries()) check(text, `command[${index}]`);
    for (const [index, text] of (container.args ?? []).entries()) check(text, `args[${index}]`);
  }
  return problems;
}

/** Every rule for one pod template (`template` holds metadata and spec). */
export function podTemplateProblems(template: Obj | undefined, context: PodContext, restartPolicies: string[]): string[] {
  const spec = template?.spec;
  if (!spec) return [`${context.where}: the pod template has no spec`];
  return [
    ...(restartPolicies.includes(spec.restartPolicy ?? 'Always') ? [] : [`${context.where}: restartPolicy ${spec.restartPolicy ?? 'Always'} (allowed: ${restartPolicies.join(', ')})`]),
    ...containerShape(spec, context.where),
    ...resources(spec, context.where),
    ...restrictedPodSecurity(spec, context.where),
    ...volumes(spec, context.where),
    ...references(spec, context),
    ...variableReferences(spec, context.where),
  ];
}

/** Expands $(NAME) as the kubelet does (used by the tests that run a container's command). */
export function expandVariables(text: string, env: Record<string, string>): string {
  return text.replace(VARIABLE_REFERENCE, (match, name: string | undefined) => (name === undefined ? '$' : env[name] ?? match));
}
