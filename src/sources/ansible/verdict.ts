// The verdict per host and task: a task that would change is
// `diverged`; one check mode cannot evaluate (a module without check support, a
// command that "would have run", a raw task) is `unchecked`; a failed or
// unreachable host is an `error`. ansible-playbook itself exits 0 whether or not
// something would change, so the results are the only source of the verdict.
//
// What ansible lets pass is not a check either. A failure the play
// hides (ignore_errors, rescue) and a host it lets be unreachable
// (ignore_unreachable) checked nothing; a task that ran outside check mode
// (check_mode: false) and changed the host made the host differ from what was
// checked. Each is an `error`, so such a run is never in sync (exit 2).
import path from 'node:path';
import type { Change, Findings, Item, ReportError, Status } from '../../report.js';
import { changesFromDiffs } from './changes.js';
import { isChanged, type HostRecap, type HostTaskResult, type LoopItemResult, type PlaybookResults } from './results.js';

const CHECK_MODE_TEXT = /check mode/i;
/** Actions that never run in check mode and say so only by skipping (raw has no message at all). */
const NEVER_IN_CHECK_MODE = new Set(['raw', 'ansible.builtin.raw', 'ansible.legacy.raw']);

/** The verdict of one task on one host (an item of the report, before its changes are attached). */
export interface TaskVerdict {
  status: Status;
  /** Why, for error and unchecked items (and skipped in-sync ones, as a note). */
  reason?: string;
  /** What the user can do, for error items. */
  hint?: string;
}

const FAILED_HINT = 'a task that fails in check mode often depends on an earlier one that check mode did not really run';
const HIDDEN_HINT = `${FAILED_HINT}; ignore_errors and rescue hide a failure from ansible's verdict, not from gitdiff's`;

export function verdictFor(result: HostTaskResult, recap: HostRecap | undefined): TaskVerdict {
  const why = result.noLog ? undefined : result.msg;
  const withWhy = (text: string) => (why ? `${text}: ${why}` : text);
  switch (result.outcome) {
    case 'unreachable':
      // ignore_unreachable: ansible counts the host as ok and goes on; the task was not evaluated all the same.
      if (recap && recap.unreachable === 0) return { status: 'error', reason: withWhy('unreachable, hidden by ignore_unreachable: not checked'), hint: UNREACHABLE_HINT };
      return { status: 'error', reason: withWhy('unreachable'), hint: UNREACHABLE_HINT };
    case 'failed':
      if (result.ignored) return { status: 'error', reason: withWhy('failed, hidden by ignore_errors: not checked'), hint: HIDDEN_HINT };
      // The recap counts rescued and ignored failures apart from failures: none means the play went on.
      if (recap && recap.failures === 0) {
        const how = recap.rescued > 0 ? 'hidden by a rescue' : 'and the play went on (ignore_errors or rescue)';
        return { status: 'error', reason: withWhy(`failed, ${how}: not checked`), hint: HIDDEN_HINT };
      }
      return { status: 'error', reason: withWhy('failed'), hint: FAILED_HINT };
    case 'skipped': {
      const unchecked = checkModeSkip(result);
      if (unchecked) return { status: 'unchecked', reason: unchecked };
      return { status: 'in-sync', reason: `skipped: ${result.skipReason ?? result.items?.find((item) => item.skipReason)?.skipReason}` };
    }
    case 'changed':
    case 'ok': {
      if (result.checkMode === false && isChanged(result)) {
        return {
          status: 'error',
          reason: 'ran outside check mode (check_mode: false): changed the host, so the run is no check of it',
          hint: 'a check_mode: false task must not change anything: give it changed_when: false if it only reads',
        };
      }
      if (result.outcome === 'changed') return { status: 'diverged' };
      const skippedItem = result.items?.find((item) => item.outcome === 'skipped' && isCheckModeText(item));
      if (skippedItem) return { status: 'unchecked', reason: `an item was skipped: ${skippedItem.msg ?? skippedItem.skipReason}` };
      return { status: 'in-sync' };
    }
  }
}

const UNREACHABLE_HINT = 'check that the host is up and reachable with the inventory connection settings';

function isCheckModeText(entry: Pick<LoopItemResult, 'msg' | 'skipReason'>): boolean {
  return CHECK_MODE_TEXT.test(entry.msg ?? '') || CHECK_MODE_TEXT.test(entry.skipReason ?? '');
}

/**
 * Why a skipped task counts as unchecked, or undefined when it was skipped for
 * a reason that is not check mode (a false `when`, an empty loop). A skip whose
 * reason the record does not give is unchecked too: it may be check mode.
 */
function checkModeSkip(result: HostTaskResult): string | undefined {
  if (result.noLog) return result.skipReason ? undefined : 'skipped (no_log hides why)';
  if (isCheckModeText(result)) return result.msg ?? result.skipReason;
  const item = result.items?.find(isCheckModeText);
  if (item) return item.msg ?? item.skipReason;
  if (result.action && NEVER_IN_CHECK_MODE.has(result.action)) return `${result.action} does not run in check mode`;
  if (result.skipReason) return undefined;
  if (result.items && result.items.length > 0 && result.items.every((entry) => entry.skipReason)) return undefined;
  return 'skipped, and the results do not say why (check mode?)';
}

export interface ReportInput {
  target: string;
  /** Task paths under it are shown relative to it. */
  cwd: string;
  /** Run-level failures found outside the results (ansible-playbook's own error). */
  errors?: ReportError[];
  /** ansible-playbook's warnings: they explain a run without results (an inventory that did not parse). */
  warnings?: string[];
}

export function buildReport(results: PlaybookResults, input: ReportInput): Findings {
  const hosts = hostOrder(results);
  const byHost = new Map(hosts.map((host, index) => [host, index]));
  const entries: Entry[] = results.results.map((result) => ({ result, item: itemFor(result, results.recap?.[result.host], input.cwd) }));
  // Group per host (the text renderer prints one heading per host), keeping the play order inside.
  const order = entries.map((entry, index) => ({ entry, index, host: byHost.get(entry.result.host) ?? 0 }));
  order.sort((a, b) => a.host - b.host || a.index - b.index);

  const errors: ReportError[] = [...(input.errors ?? [])];
  for (const problem of results.problems) errors.push({ message: problem, hint: 'check the results file, or run the playbook again' });
  const notes = [...results.notes];
  if (results.results.length === 0 && errors.length === 0) {
    const noHosts = results.playsWithoutHosts.length > 0 ? ` (no hosts matched: ${results.playsWithoutHosts.join(', ')})` : '';
    const said = input.warnings?.length ? `ansible said: ${input.warnings.join('; ')}` : "check the inventory (-i), the plays' hosts, --limit and --tags";
    errors.push({ message: `no results: no task ran on any host${noHosts}`, hint: said });
  } else {
    for (const play of results.playsWithoutHosts) notes.push(`play "${play}" matched no hosts`);
  }
  return {
    target: input.target,
    items: order.map(({ entry }) => entry.item),
    errors,
    notes,
    headline: hosts.map((host) => recapLine(host, entries)).join('\n') || undefined,
    noun: 'task',
  };
}

interface Entry {
  result: HostTaskResult;
  item: Item;
}

function hostOrder(results: PlaybookResults): string[] {
  const hosts = new Set(results.results.map((result) => result.host));
  for (const host of Object.keys(results.recap ?? {})) hosts.add(host);
  return [...hosts];
}

function itemFor(result: HostTaskResult, recap: HostRecap | undefined, cwd: string): Item {
  const verdict = verdictFor(result, recap);
  const where = taskLocation(result.path, cwd);
  const details: Record<string, string> = { play: result.play };
  if (result.action) details.module = result.action;
  const item: Item = {
    ref: { host: result.host, play: result.play, task: result.task },
    title: `${result.host}: ${result.handler ? 'RUNNING HANDLER' : 'TASK'} [${result.task}]`,
    status: verdict.status,
    ...where,
    changes: [],
    details,
    group: result.host,
  };
  const notes: string[] = [];
  if (verdict.status === 'error') item.error = verdict.reason;
  else if (verdict.status === 'unchecked') item.reason = verdict.reason;
  else if (verdict.reason) notes.push(verdict.reason);
  if (result.noLog) {
    notes.push('no_log: its values and diff are hidden');
  } else {
    const found = resultChanges(result);
    item.changes = found.changes;
    notes.push(...found.notes);
    if (result.diffHidden && isChangeVerdict(verdict.status)) notes.push('diff hidden by the task (diff: false)');
    else if (verdict.status === 'diverged' && found.changes.length === 0 && found.notes.length === 0) {
      notes.push(result.msg ? `no diff recorded; the module says: ${result.msg}` : 'no diff recorded for this change');
    }
  }
  if (verdict.hint) item.hint = verdict.hint;
  if (notes.length > 0) item.notes = notes;
  return item;
}

function isChangeVerdict(status: Status): boolean {
  return status === 'diverged' || status === 'unchecked';
}

function resultChanges(result: HostTaskResult): { changes: Change[]; notes: string[] } {
  const own = changesFromDiffs(result.diffs, { dest: result.dest });
  for (const item of result.items ?? []) {
    if (item.noLog) continue;
    const found = changesFromDiffs(item.diffs, { dest: item.dest, label: item.label });
    own.changes.push(...found.changes);
    own.notes.push(...found.notes);
  }
  return own;
}

/** `/repo/site.yml:12` -> {file: 'site.yml', line: 12}, relative to the working directory when inside it. */
export function taskLocation(taskPath: string | undefined, cwd: string): { file?: string; line?: number } {
  if (!taskPath) return {};
  const match = /^(.*):(\d+)$/.exec(taskPath);
  const file = match ? match[1] : taskPath;
  const relative = path.isAbsolute(file) ? path.relative(cwd, file) : file;
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  return match ? { file: shown, line: Number(match[2]) } : { file: shown };
}

/** Like ansible's PLAY RECAP line, in gitdiff's terms: `web-01: 2 would change, 14 ok, 0 failed, 0 unreachable`. */
function recapLine(host: string, entries: Entry[]): string {
  const mine = entries.filter((entry) => entry.result.host === host);
  const count = (test: (entry: Entry) => boolean) => mine.filter(test).length;
  const status = (wanted: Status) => (entry: Entry) => entry.item.status === wanted;
  const outcome = (wanted: HostTaskResult['outcome']) => (entry: Entry) => entry.result.outcome === wanted;
  const unchecked = count(status('unchecked'));
  // The other errors: tasks that ran outside check mode and changed the host.
  const ranForReal = count((entry) => entry.item.status === 'error' && !outcome('failed')(entry) && !outcome('unreachable')(entry));
  const parts = [
    `${count(status('diverged'))} would change`,
    `${count(status('in-sync'))} ok`,
    `${count(outcome('failed'))} failed`,
    `${count(outcome('unreachable'))} unreachable`,
  ];
  if (unchecked > 0) parts.push(`${unchecked} unchecked`);
  if (ranForReal > 0) parts.push(`${ranForReal} changed the host outside check mode`);
  return `${host}: ${parts.join(', ')}`;
}
