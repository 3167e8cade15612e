// Ignore rules: differences a team has decided are not drift (replicas owned
// by an autoscaler, a sidecar's annotation, fields a VPA writes). A rule sets
// a difference aside; it never deletes it: set-aside changes are counted and
// listed with -v, each naming the rule that matched.
import type { Change, RuleSource } from '../../report.js';
import { groupOf } from './kinds.js';

export interface IgnoreRule {
  /** Globs (`*` matches anything) on the object's identity, as a person wrote them; absent means any. */
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  /**
   * The one object a rule built from live data names (an autoscaler's scaleTargetRef): matched by
   * group, kind, namespace and exact name, never as a pattern, because a value from the cluster
   * (`name: "*"`) must not decide which objects a rule reaches. Rules with a target have no globs.
   */
  target?: ExactTarget;
  /** Change paths to ignore: a path and everything under it; `*` matches anything. */
  paths?: string[];
  /** Ignore every difference in fields that these field managers set (globs). */
  managers?: string[];
  /** Where the rule came from, shown beside what it ignored: `.gitdiff.yaml rule 2`, `--ignore Deployment:spec.replicas`. */
  origin: string;
  /** Which kind of rule it is, as data: what counting reads (origin is only words). */
  source: RuleSource;
}

export interface ExactTarget {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

const globCache = new Map<string, RegExp>();

function glob(pattern: string, anchoredEnd = true): RegExp {
  const cacheKey = `${anchoredEnd}:${pattern}`;
  let regex = globCache.get(cacheKey);
  if (!regex) {
    const body = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    // A path pattern also matches everything under it: `spec.template` covers `spec.template.spec.x` and `...[name=a]`.
    regex = new RegExp(anchoredEnd ? `^${body}$` : `^${body}(?:$|[.[])`);
    globCache.set(cacheKey, regex);
  }
  return regex;
}

function matchesObject(rule: IgnoreRule, object: ObjectIdentity): boolean {
  if (rule.target) {
    const { group, kind, namespace, name } = rule.target;
    return groupOf(object.apiVersion) === group && object.kind === kind && (object.namespace ?? '') === namespace && object.name === name;
  }
  const fields: [string | undefined, string | undefined][] = [
    [rule.apiVersion, object.apiVersion],
    [rule.kind, object.kind],
    [rule.namespace, object.namespace ?? ''],
    [rule.name, object.name],
  ];
  return fields.every(([pattern, value]) => pattern === undefined || glob(pattern).test(value ?? ''));
}

function matchesChange(rule: IgnoreRule, change: Change): boolean {
  if (rule.paths?.some((pattern) => glob(pattern, false).test(change.path))) return true;
  if (change.manager && rule.managers?.some((pattern) => glob(pattern).test(change.manager!))) return true;
  return false;
}

/** Splits changes into those that count and those a rule set aside (with the rule in `note` and `setAsideBy`). */
export function applyIgnoreRules(object: ObjectIdentity, changes: Change[], rules: IgnoreRule[]): { changes: Change[]; ignored: Change[] } {
  const applicable = rules.filter((rule) => matchesObject(rule, object));
  if (applicable.length === 0) return { changes, ignored: [] };
  const kept: Change[] = [];
  const ignored: Change[] = [];
  for (const change of changes) {
    const rule = applicable.find((candidate) => matchesChange(candidate, change));
    if (rule) ignored.push({ ...change, note: rule.origin, setAsideBy: rule.source });
    else kept.push(change);
  }
  return { changes: kept, ignored };
}

/** `--ignore KIND:PATH` (KIND may be a glob, `*` for every kind). */
export function parseIgnoreFlag(value: string): IgnoreRule | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) return undefined;
  return { kind: value.slice(0, colon), paths: [value.slice(colon + 1)], origin: `--ignore ${value}`, source: 'flag' };
}
