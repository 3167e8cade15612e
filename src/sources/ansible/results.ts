// What an ansible-playbook --check --diff run said, per play, task and host,
// whichever way it was recorded (gitdiff's callback events, the ansible.posix
// json callback, a default-callback text log). The three parsers produce this;
// verdict.ts turns it into a Report. Values of no_log results never get here.

/** How ansible reported one task on one host (its callback's event). */
export type Outcome = 'ok' | 'changed' | 'failed' | 'unreachable' | 'skipped';

/** One diff a module returned: before/after texts (a file) or mappings (attributes), or text it prepared. */
export interface DiffEntry {
  before?: unknown;
  after?: unknown;
  beforeHeader?: string;
  afterHeader?: string;
  prepared?: string;
}

/** One loop item of a looped task. */
export interface LoopItemResult {
  label?: string;
  outcome: Outcome;
  msg?: string;
  skipReason?: string;
  dest?: string;
  diffs: DiffEntry[];
  noLog?: boolean;
}

export interface HostTaskResult {
  host: string;
  play: string;
  task: string;
  /** `file:line` of the task, as ansible gives it (task.get_path()). */
  path?: string;
  /** The module or action plugin (`copy`, `ansible.builtin.command`). */
  action?: string;
  outcome: Outcome;
  /** The result's `changed` flag: also set on failures that changed something before failing. */
  changed: boolean;
  handler?: boolean;
  /** Whether the task ran in check mode; false for `check_mode: false` tasks; undefined when the record does not say. */
  checkMode?: boolean;
  /** no_log: only the outcome is known (and kept). */
  noLog: boolean;
  /** A failure the playbook ignores (`ignore_errors`). */
  ignored?: boolean;
  msg?: string;
  /** Why it was skipped (a false condition, an empty loop), when the record says. */
  skipReason?: string;
  /** The file the task manages, when the module returned it (`dest`, `path`). */
  dest?: string;
  diffs: DiffEntry[];
  /** The task sets `diff: false`: its author hid the content. */
  diffHidden?: boolean;
  items?: LoopItemResult[];
}

/** One host's line of the PLAY RECAP (ansible's own counters). */
export interface HostRecap {
  ok: number;
  changed: number;
  failures: number;
  unreachable: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export interface PlaybookResults {
  /** The playbook file, when the record names it. */
  playbook?: string;
  results: HostTaskResult[];
  /** Per-host counters from the end of the run; undefined when the run did not get there. */
  recap?: Record<string, HostRecap>;
  /** Plays that matched no host. */
  playsWithoutHosts: string[];
  /** Reasons the record cannot be trusted as a whole (truncated, inconsistent): each makes the run exit 2. */
  problems: string[];
  notes: string[];
}

export function emptyResults(): PlaybookResults {
  return { results: [], playsWithoutHosts: [], problems: [], notes: [] };
}

/** A non-empty string field of a record, cut at `limit` characters (ansible messages can be whole stderr dumps). */
export function textField(value: unknown, limit = 2000): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.length <= limit ? value : `${value.slice(0, limit)}...`;
}

const OUTCOMES: readonly Outcome[] = ['ok', 'changed', 'failed', 'unreachable', 'skipped'];

export function isOutcome(value: unknown): value is Outcome {
  return typeof value === 'string' && (OUTCOMES as readonly string[]).includes(value);
}

/** A diff in either of ansible's shapes (one mapping or a list of them), keeping only the diff keys. */
export function diffEntries(raw: unknown): DiffEntry[] {
  if (raw === undefined || raw === null || raw === false) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  const entries: DiffEntry[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const source = entry as Record<string, unknown>;
    const diff: DiffEntry = {};
    if ('before' in source) diff.before = source.before;
    if ('after' in source) diff.after = source.after;
    if (typeof source.before_header === 'string') diff.beforeHeader = source.before_header;
    if (typeof source.after_header === 'string') diff.afterHeader = source.after_header;
    if (typeof source.prepared === 'string') diff.prepared = source.prepared;
    if (Object.keys(diff).length > 0) entries.push(diff);
  }
  return entries;
}

/** Counts the stats/recap objects of the json callback and of gitdiff's callback use (ansible's stats.summarize()). */
export function recapFrom(raw: unknown): HostRecap | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const counts = raw as Record<string, unknown>;
  const number = (key: string) => (typeof counts[key] === 'number' ? (counts[key] as number) : 0);
  if (!['ok', 'changed', 'failures', 'unreachable'].some((key) => typeof counts[key] === 'number')) return undefined;
  return {
    ok: number('ok'),
    changed: number('changed'),
    failures: number('failures'),
    unreachable: number('unreachable'),
    skipped: number('skipped'),
    rescued: number('rescued'),
    ignored: number('ignored'),
  };
}

/**
 * Ansible's stats count every changed result, so more changes in the recap
 * than in the results, a failed host without a failed task, or more hidden
 * (ignored, rescued) failures than failed tasks, means results
 * were lost (a callback crash, a cut file, failures logged to stderr): the
 * record cannot be trusted to be complete.
 */
export function checkAgainstRecap(results: PlaybookResults): string[] {
  if (!results.recap) return [];
  const problems: string[] = [];
  for (const [host, recap] of Object.entries(results.recap)) {
    const mine = results.results.filter((result) => result.host === host);
    const changed = mine.filter(isChanged).length;
    if (recap.changed > changed) {
      problems.push(`incomplete results: ansible counted ${recap.changed} changed tasks on ${host}, the results show ${changed}`);
    }
    // Failures the play hid (ignore_errors, rescue) checked nothing: ansible counts them apart, and a
    // record that shows fewer failed tasks lost them (a log whose failures went to stderr).
    const hidden = recap.ignored + recap.rescued;
    const failedShown = mine.filter((result) => result.outcome === 'failed').length;
    if (hidden > failedShown) {
      problems.push(`incomplete results: ansible counted ${hidden} failures the play hid on ${host} (ignore_errors, rescue), the results show ${failedShown} failed tasks`);
    }
    for (const [outcome, counted] of [['failed', recap.failures], ['unreachable', recap.unreachable]] as const) {
      if (counted > 0 && !mine.some((result) => result.outcome === outcome)) {
        problems.push(`incomplete results: ansible counted ${host} as ${outcome}, the results show no ${outcome} task`);
      }
    }
  }
  return problems;
}

export function isChanged(result: Pick<HostTaskResult, 'outcome' | 'changed' | 'items'>): boolean {
  return result.changed || result.outcome === 'changed' || Boolean(result.items?.some((item) => item.outcome === 'changed'));
}
