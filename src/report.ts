// The report model: the one contract between comparing and showing.
// Sources (kube, terraform, ansible) build a Report; renderers and metric
// exporters only read it. Nothing secret may ever be put into a Report:
// sources replace sensitive values with SENSITIVE before they get here.

/** What one compared thing (an object, a resource, a host's task) turned out to be. */
export type Status =
  | 'in-sync' // declared and live agree
  | 'diverged' // both exist, and they differ
  | 'missing' // declared, absent from the live side (would be created)
  | 'extra' // live, declared nowhere (an orphan, or a resource to destroy)
  | 'unchecked' // the tool could not evaluate it (ansible tasks without check-mode support): not drift, not in sync
  | 'error'; // could not be checked: the run can not tell

export const STATUSES: readonly Status[] = ['in-sync', 'diverged', 'missing', 'extra', 'unchecked', 'error'];

/** Printed in place of every Secret / sensitive / no_log value, in every format. */
export const SENSITIVE = '(sensitive value)';

/** One field-level difference. `declared` is Git's side, `live` the running system's side. */
export interface Change {
  /** Where the difference is, e.g. `spec.template.spec.containers[name=app].image`. */
  path: string;
  /** Git's value; undefined when Git does not declare the field. */
  declared?: unknown;
  /** The live value; undefined when the live side lacks the field. */
  live?: unknown;
  /** True when the values were masked: show that they differ, never what they hold. */
  sensitive?: boolean;
  /** Who last set the live value, when the live side knows (Kubernetes managedFields). */
  manager?: string;
  time?: string;
  /** Extra explanation for this change (a terraform action_reason, the rule that set it aside): words to show, never read as logic. */
  note?: string;
  /** For a change in `Item.ignored`: which kind of rule set it aside, as data (its words are in `note`). */
  setAsideBy?: RuleSource;
}

/** Where a rule that sets differences aside is written: the team's config file, a command-line flag, or gitdiff itself (autoscalers, --strict's platform fields). */
export type RuleSource = 'config-file' | 'flag' | 'built-in';

/** One compared thing. `ref` holds the fields that identify it in JSON output. */
export interface Item {
  /** Identity fields, emitted first in JSON: {apiVersion, kind, namespace, name} or {address} or {host, task}. */
  ref: Record<string, string | undefined>;
  /** How a person names it in text output: `apps/v1 Deployment cache/redis`. */
  title: string;
  status: Status;
  /** The file that declares it, as the user gave it, and the line where it starts, when known. */
  file?: string;
  line?: number;
  changes: Change[];
  /**
   * Differences an ignore rule set aside: they do not count toward the verdict,
   * but are counted in the summary and listed with -v, never silently dropped.
   * Each carries the rule in `note` (its words) and `setAsideBy` (its kind).
   */
  ignored?: Change[];
  /** Why an item is 'missing', 'extra' or 'unchecked', when the source knows: not a failure. */
  reason?: string;
  /** What failed, for status 'error' only. */
  error?: string;
  /** What the user can do about the error. */
  hint?: string;
  /** Source-specific facts a renderer may show under the title (action, module, reason). */
  details?: Record<string, string>;
  /** Lines of information that do not affect the verdict. */
  notes?: string[];
  /** The tool's own symbol for what it is, shown instead of the status mark (terraform: `+`, `~`, `-/+`, `-`). */
  symbol?: string;
  /** A heading the text renderer groups consecutive items under (terraform: drift vs planned changes; ansible: host). */
  group?: string;
}

export interface Summary {
  total: number;
  inSync: number;
  diverged: number;
  missing: number;
  extra: number;
  unchecked: number;
  errors: number;
  /** Differences (not items: no part of `total`) set aside by ignore rules, across all items. */
  ignored: number;
}

export interface Report {
  /** Which subcommand made it: 'kube', 'terraform', 'ansible'. */
  source: string;
  /** What was compared (the kube context or snapshot, the terraform dir, the playbook): the `target` metric label. */
  target: string;
  items: Item[];
  /** Run-level failures that belong to no item (a server that could not be reached at all, a failed plan). */
  errors: ReportError[];
  /** Run-level information lines (e.g. terraform drift the plan would not act on). */
  notes: string[];
  /** Extra summary sentence a source wants shown (terraform: `Plan: 1 to add, ...`). */
  headline?: string;
  /** The Git commit the declared side was read at (the manifests' work tree HEAD, or --rev), when the source knows it. */
  revision?: string;
  /** What one item is, for the summary line: 'object', 'resource', 'task' (plural adds an s). */
  noun?: string;
  durationMs: number;
}

/** What a source's run returns: the Report without what the caller stamps (the source's name, the run's duration). */
export type Findings = Omit<Report, 'source' | 'durationMs'>;

export interface ReportError {
  message: string;
  hint?: string;
}

export function summarize(report: Pick<Report, 'items' | 'errors'>): Summary {
  const summary: Summary = { total: report.items.length, inSync: 0, diverged: 0, missing: 0, extra: 0, unchecked: 0, errors: 0, ignored: 0 };
  for (const item of report.items) {
    summary.ignored += item.ignored?.length ?? 0;
    switch (item.status) {
      case 'in-sync': summary.inSync++; break;
      case 'diverged': summary.diverged++; break;
      case 'missing': summary.missing++; break;
      case 'extra': summary.extra++; break;
      case 'unchecked': summary.unchecked++; break;
      case 'error': summary.errors++; break;
    }
  }
  summary.errors += report.errors.length;
  return summary;
}

/** True when the run could tell: nothing failed. */
export function couldTell(report: Pick<Report, 'items' | 'errors'>): boolean {
  return report.errors.length === 0 && !report.items.some((item) => item.status === 'error');
}

/**
 * What counts as drift, the one place it is said: an item that differs, is not
 * live, or is live but declared nowhere. Unchecked and error items are not
 * drift (nor in sync): they make a run that could not tell.
 */
export function isDrift(status: Status): boolean {
  return status === 'diverged' || status === 'missing' || status === 'extra';
}

/** True when something declared differs from what is live. */
export function hasDivergence(report: Pick<Report, 'items'>): boolean {
  return report.items.some((item) => isDrift(item.status));
}

export const EXIT_IN_SYNC = 0;
export const EXIT_DIVERGED = 1;
export const EXIT_ERROR = 2;

/**
 * The one place a Report becomes an exit status: 2 when anything could not be
 * checked (even if other items diverged: a partial answer is not an answer),
 * else 1 when anything diverged, else 0.
 */
export function exitCode(report: Pick<Report, 'items' | 'errors'>, options: { errorOnDiff?: boolean } = {}): number {
  if (!couldTell(report)) return EXIT_ERROR;
  if (hasDivergence(report)) return options.errorOnDiff === false ? EXIT_IN_SYNC : EXIT_DIVERGED;
  return EXIT_IN_SYNC;
}
