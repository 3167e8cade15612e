// The Kubernetes rules test/deploy applies to rendered deployment manifests:
// what the API server would refuse (required fields, names, label syntax,
// selectors that do not select their template), what would break at run time
// (a binding to a missing ServiceAccount, a pod reading a missing ConfigMap
// key) and what gitdiff promises (read-only RBAC, no Secrets by default, the
// CronJob's limits). objectProblems() returns what is wrong, one line each.
import { podTemplateProblems } from './pod-rules.js';

type Obj = Record<string, any>;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
/** The verbs that only read. */
export const READ_VERBS = ['get', 'list', 'watch'];

/** The kinds these rules know, and their scope; any other kind is a problem until a rule covers it. */
const SCOPE: Record<string, 'cluster' | 'namespaced'> = {
  Namespace: 'cluster', ClusterRole: 'cluster', ClusterRoleBinding: 'cluster',
  ServiceAccount: 'namespaced', Role: 'namespaced', RoleBinding: 'namespaced', ConfigMap: 'namespaced',
  CronJob: 'namespaced', Job: 'namespaced', Deployment: 'namespaced', StatefulSet: 'namespaced', Service: 'namespaced',
};

export interface RuleOptions {
  /** Roles allowed to grant access to Secrets (the opt-in ones); none by default. */
  secretReaders?: string[];
}

const describe = (object: Obj): string => `${object.kind ?? '(no kind)'} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name ?? '(no name)'}`;

function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return 'has a prefix that is not a DNS subdomain';
  if (!LABEL_NAME.test(name)) return 'is not a valid label name';
  return undefined;
}

function metadataProblems(object: Obj): string[] {
  const problems: string[] = [];
  const where = describe(object);
  for (const field of ['apiVersion', 'kind']) if (typeof object[field] !== 'string' || !object[field]) problems.push(`${where}: ${field} is required`);
  const name = object.metadata?.name;
  if (typeof name !== 'string' || !name) return [...problems, `${where}: metadata.name is required`];
  // Namespaces are DNS labels; a CronJob's name gets an 11-character suffix for its Jobs, which are labels too.
  const limit = object.kind === 'CronJob' ? 52 : object.kind === 'Namespace' ? 63 : 253;
  const pattern = object.kind === 'Namespace' || object.kind === 'CronJob' ? DNS_LABEL : DNS_SUBDOMAIN;
  if (name.length > limit || !pattern.test(name)) problems.push(`${where}: the name is not a valid ${object.kind} name (${pattern === DNS_LABEL ? 'DNS label' : 'DNS subdomain'}, at most ${limit} characters)`);
  const scope = SCOPE[object.kind];
  if (!scope) problems.push(`${where}: no rules for kind ${object.kind} here; add them to test/deploy/kubernetes-rules.ts`);
  if (scope === 'namespaced' && !object.metadata.namespace) problems.push(`${where}: a namespaced object without metadata.namespace (kubectl would put it in the current context's namespace)`);
  if (scope === 'cluster' && object.metadata.namespace) problems.push(`${where}: a cluster-scoped object with a namespace`);
  for (const map of ['labels', 'annotations']) {
    for (const [key, value] of Object.entries(object.metadata[map] ?? {})) {
      const keyProblem = labelKeyProblem(key);
      if (keyProblem) problems.push(`${where}: ${map} key ${key} ${keyProblem}`);
      if (typeof value !== 'string') problems.push(`${where}: ${map} ${key} is not a string`);
      else if (map === 'labels' && !LABEL_VALUE.test(value)) problems.push(`${where}: label ${key} has an invalid value ${JSON.stringify(value)}`);
    }
  }
  return problems;
}

function inExistingNamespace(object: Obj, objects: Obj[]): string[] {
  const namespace = object.metadata?.namespace;
  if (!namespace || objects.some((other) => other.kind === 'Namespace' && other.metadata?.name === namespace)) return [];
  return [`${describe(object)}: namespace ${namespace} is not among the objects`];
}

function roleProblems(role: Obj, options: RuleOptions): string[] {
  const where = describe(role);
  if (!Array.isArray(role.rules) || role.rules.length === 0) return [`${where}: no rules`];
  const problems: string[] = [];
  for (const [index, rule] of role.rules.entries()) {
    const at = `${where}: rule ${index + 1}`;
    if (rule.nonResourceURLs) problems.push(`${at} grants nonResourceURLs`);
    for (const field of ['apiGroups', 'resources', 'verbs']) {
      if (!Array.isArray(rule[field]) || rule[field].length === 0) problems.push(`${at} has no ${field}`);
      else if (rule[field].includes('*')) problems.push(`${at} has a wildcard in ${field}`);
    }
    for (const verb of rule.verbs ?? []) if (!READ_VERBS.includes(verb)) problems.push(`${at} grants "${verb}" (a read-only role grants ${READ_VERBS.join(', ')})`);
    if ((rule.resources ?? []).some((resource: string) => resource.split('/')[0] === 'secrets') && (rule.apiGroups ?? []).includes('')
      && !(options.secretReaders ?? []).includes(role.metadata?.name)) {
      problems.push(`${at} grants access to Secrets (only the opt-in secrets role may)`);
    }
  }
  return problems;
}

function bindingProblems(binding: Obj, objects: Obj[]): string[] {
  const where = describe(binding);
  const problems: string[] = [];
  const roleRef = binding.roleRef ?? {};
  if (roleRef.apiGroup !== 'rbac.authorization.k8s.io') problems.push(`${where}: roleRef.apiGroup must be rbac.authorization.k8s.io`);
  if (roleRef.kind !== 'ClusterRole' && !(roleRef.kind === 'Role' && binding.kind === 'RoleBinding')) problems.push(`${where}: roleRef.kind ${roleRef.kind} cannot be bound here`);
  const role = objects.find((object) => object.kind === roleRef.kind && object.metadata?.name === roleRef.name
    && (roleRef.kind === 'ClusterRole' || object.metadata?.namespace === binding.metadata?.namespace));
  if (!role) problems.push(`${where}: binds ${roleRef.kind} ${roleRef.name}, which is not among the objects`);
  if (!Array.isArray(binding.subjects) || binding.subjects.length === 0) problems.push(`${where}: no subjects`);
  for (const subject of binding.subjects ?? []) {
    if (subject.kind !== 'ServiceAccount') {
      problems.push(`${where}: subject ${subject.kind} ${subject.name} (only ServiceAccounts here)`);
      continue;
    }
    const namespace = subject.namespace ?? (binding.kind === 'RoleBinding' ? binding.metadata?.namespace : undefined);
    if (!objects.some((object) => object.kind === 'ServiceAccount' && object.metadata?.name === subject.name && object.metadata?.namespace === namespace)) {
      problems.push(`${where}: subject ServiceAccount ${namespace ?? '(no namespace)'}/${subject.name} is not among the objects`);
    }
  }
  return problems;
}

/** Minute, hour, day of month, month, day of week: the five fields of a standard schedule. */
const CRON_RANGES: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];

export function cronScheduleProblem(schedule: unknown): string | undefined {
  if (typeof schedule !== 'string') return 'no schedule';
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return `schedule "${schedule}" does not have five fields`;
  for (const [index, field] of fields.entries()) {
    const [low, high] = CRON_RANGES[index];
    for (const part of field.split(',')) {
      const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      const numbers = match ? [match[2], match[3], match[4]].filter((n) => n !== undefined).map(Number) : [];
      const inRange = match && [match[2], match[3]].filter((n) => n !== undefined).every((n) => Number(n) >= low && Number(n) <= high);
      if (!match || !inRange || numbers.some((n) => Number.isNaN(n)) || match[4] === '0') return `schedule "${schedule}": field ${index + 1} ("${field}") is not valid`;
    }
  }
  return undefined;
}

function cronJobProblems(cronJob: Obj, objects: Obj[]): string[] {
  const where = describe(cronJob);
  const spec = cronJob.spec ?? {};
  const job = spec.jobTemplate?.spec ?? {};
  const problems: string[] = [];
  const scheduleProblem = cronScheduleProblem(spec.schedule);
  if (scheduleProblem) problems.push(`${where}: ${scheduleProblem}`);
  if (spec.concurrencyPolicy !== 'Forbid') problems.push(`${where}: concurrencyPolicy is ${spec.concurrencyPolicy ?? 'Allow (the default)'}, not Forbid`);
  for (const [field, value] of [['startingDeadlineSeconds', spec.startingDeadlineSeconds], ['jobTemplate.spec.activeDeadlineSeconds', job.activeDeadlineSeconds]]) {
    if (!Number.isInteger(value) || value <= 0) problems.push(`${where}: ${field} must be a positive integer`);
  }
  for (const field of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
    if (!Number.isInteger(spec[field]) || spec[field] < 0) problems.push(`${where}: ${field} must be set`);
  }
  // Jobs generate their own selector from a controller-uid label; a hand-written one needs manualSelector.
  if (job.selector && !job.manualSelector) problems.push(`${where}: jobTemplate sets a selector without manualSelector`);
  return [...problems, ...podTemplateProblems(job.template, { where, namespace: cronJob.metadata?.namespace, objects }, ['Never', 'OnFailure'])];
}

/** A workload's selector must select its own pod template, or the API server refuses it. */
export function selectorProblem(selector: Obj | undefined, labels: Record<string, string> | undefined): string | undefined {
  if (!selector || (!selector.matchLabels && !selector.matchExpressions)) return 'spec.selector is required';
  const podLabels = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (podLabels[key] !== value) return `selector ${key}=${value} does not match the template's labels`;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = key in podLabels;
    const matches = operator === 'In' ? has && values.includes(podLabels[key]) : operator === 'NotIn' ? !has || !values.includes(podLabels[key])
      : operator === 'Exists' ? has : operator === 'DoesNotExist' ? !has : false;
    if (!matches) return `selector expression ${key} ${operator} ${values.join(',')} does not match the template's labels`;
  }
  return undefined;
}

function deploymentProblems(deployment: Obj, objects: Obj[]): string[] {
  const where = describe(deployment);
  const template = deployment.spec?.template;
  const selector = selectorProblem(deployment.spec?.selector, template?.metadata?.labels);
  return [...(selector ? [`${where}: ${selector}`] : []), ...podTemplateProblems(template, { where, namespace: deployment.metadata?.namespace, objects }, ['Always'])];
}

/** A StatefulSet is a Deployment's rules plus its governing Service: headless, in its namespace, selecting its pods. */
function statefulSetProblems(statefulSet: Obj, objects: Obj[]): string[] {
  const where = describe(statefulSet);
  const service = objects.find((object) => object.kind === 'Service' && object.metadata?.name === statefulSet.spec?.serviceName
    && object.metadata?.namespace === statefulSet.metadata?.namespace);
  const problems = deploymentProblems(statefulSet, objects);
  if (!service) return [...problems, `${where}: serviceName ${statefulSet.spec?.serviceName ?? '(none)'} is not a Service among the objects`];
  if (service.spec?.clusterIP !== 'None') problems.push(`${where}: its Service ${service.metadata.name} is not headless (clusterIP: None)`);
  const labels = statefulSet.spec?.template?.metadata?.labels ?? {};
  if (Object.entries(service.spec?.selector ?? {}).some(([key, value]) => labels[key] !== value)) problems.push(`${where}: its Service ${service.metadata.name} does not select its pods`);
  return problems;
}

function configMapProblems(configMap: Obj): string[] {
  return Object.keys({ ...configMap.data, ...configMap.binaryData })
    .filter((key) => !CONFIG_MAP_KEY.test(key))
    .map((key) => `${describe(configMap)}: data key ${key} is not valid`);
}

function duplicates(objects: Obj[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const object of objects) {
    const key = describe(object);
    if (seen.has(key)) problems.push(`${key}: rendered twice`);
    seen.add(key);
  }
  return problems;
}

/** Everything wrong with a set of rendered objects; [] when they pass. */
export function objectProblems(objects: Obj[], options: RuleOptions = {}): string[] {
  const problems = duplicates(objects);
  for (const object of objects) {
    problems.push(...metadataProblems(object), ...inExistingNamespace(object, objects));
    switch (object.kind) {
      case 'ClusterRole': case 'Role': problems.push(...roleProblems(object, options)); break;
      case 'ClusterRoleBinding': case 'RoleBinding': problems.push(...bindingProblems(object, objects)); break;
      case 'CronJob': problems.push(...cronJobProblems(object, objects)); break;
      case 'Deployment': problems.push(...deploymentProblems(object, objects)); break;
      case 'StatefulSet': problems.push(...statefulSetProblems(object, objects)); break;
      case 'ConfigMap': problems.push(...configMapProblems(object)); break;
    }
  }
  return problems;
}
