// Reads the output of the ansible.posix `json` stdout callback:
// {plays: [{play: {name}, tasks: [{task: {name, path?}, hosts: {HOST: result}}]}], stats: {HOST: counters}}.
// Each host result is ansible's raw module result plus `action`; only the
// fields gitdiff needs are copied out (never `invocation`), and a no_log
// (censored) result keeps only its outcome.
import {
  checkAgainstRecap,
  diffEntries,
  emptyResults,
  recapFrom,
  textField,
  type HostTaskResult,
  type LoopItemResult,
  type Outcome,
  type PlaybookResults,
} from './results.js';
import { isRecord } from '../../record.js';

type Json = Record<string, unknown>;


/** The json callback's document: an object with a `plays` list. */
export function isJsonCallbackOutput(document: unknown): document is Json {
  return isRecord(document) && Array.isArray(document.plays);
}

export function parseJsonCallback(document: Json): PlaybookResults {
  const parsed = emptyResults();
  for (const [playIndex, playEntry] of (document.plays as unknown[]).entries()) {
    if (!isRecord(playEntry) || !Array.isArray(playEntry.tasks)) {
      parsed.problems.push(`plays[${playIndex}] has no tasks list`);
      continue;
    }
    const play = isRecord(playEntry.play) ? String(playEntry.play.name ?? '') : '';
    for (const taskEntry of playEntry.tasks as unknown[]) {
      if (!isRecord(taskEntry) || !isRecord(taskEntry.task) || !isRecord(taskEntry.hosts)) {
        parsed.problems.push(`plays[${playIndex}] (${play}) has a task without task/hosts`);
        continue;
      }
      const task = String(taskEntry.task.name ?? '');
      const path = typeof taskEntry.task.path === 'string' ? taskEntry.task.path : undefined;
      for (const [host, raw] of Object.entries(taskEntry.hosts)) {
        if (!isRecord(raw)) continue;
        parsed.results.push(hostResult(raw, { host, play, task, path }));
      }
    }
  }
  if (isRecord(document.stats)) {
    parsed.recap = {};
    for (const [host, counts] of Object.entries(document.stats)) {
      const recap = recapFrom(counts);
      if (recap) parsed.recap[host] = recap;
    }
  } else {
    parsed.problems.push('no stats: the json callback writes them at the end of the run; the run did not finish');
  }
  parsed.problems.push(...checkAgainstRecap(parsed));
  return parsed;
}

function outcomeOf(raw: Json): Outcome {
  if (raw.unreachable === true) return 'unreachable';
  if (raw.failed === true) return 'failed';
  if (raw.skipped === true) return 'skipped';
  return raw.changed === true ? 'changed' : 'ok';
}

function isNoLog(raw: Json): boolean {
  return raw._ansible_no_log === true || 'censored' in raw;
}


/** Why a result failed: its msg, else the last line of its stderr. */
export function failureMessage(raw: Json): string | undefined {
  const msg = textField(raw.msg) ?? textField(raw.reason);
  if (msg) return msg;
  for (const key of ['stderr', 'module_stderr']) {
    const lines = String(raw[key] ?? '').split('\n').filter((line) => line.trim() !== '');
    if (lines.length > 0) return textField(lines[lines.length - 1]);
  }
  return undefined;
}

function messageOf(raw: Json, outcome: Outcome): string | undefined {
  return outcome === 'failed' || outcome === 'unreachable' ? failureMessage(raw) : textField(raw.msg);
}

/** The managed file; a check-mode copy of a missing file names it only in its arguments (nothing else of `invocation` is read). */
function destOf(raw: Json): string | undefined {
  const args = isRecord(raw.invocation) && isRecord(raw.invocation.module_args) ? raw.invocation.module_args : {};
  return textField(raw.dest) ?? textField(raw.path) ?? textField(args.dest) ?? textField(args.path);
}

function hostResult(raw: Json, where: { host: string; play: string; task: string; path?: string }): HostTaskResult {
  const outcome = outcomeOf(raw);
  const result: HostTaskResult = {
    ...where,
    action: textField(raw.action),
    outcome,
    changed: raw.changed === true,
    noLog: isNoLog(raw),
    diffs: [],
  };
  if (result.noLog) return result;
  result.msg = messageOf(raw, outcome);
  result.skipReason = textField(raw.skip_reason) ?? textField(raw.skipped_reason);
  result.dest = destOf(raw);
  result.diffs = diffEntries(raw.diff);
  if (Array.isArray(raw.results)) result.items = raw.results.filter(isRecord).map(loopItem);
  return result;
}

function loopItem(raw: Json): LoopItemResult {
  const outcome = outcomeOf(raw);
  if (isNoLog(raw)) return { outcome, diffs: [], noLog: true };
  const label = raw._ansible_item_label ?? raw.item;
  return {
    label: label === undefined ? undefined : typeof label === 'string' ? label : JSON.stringify(label),
    outcome,
    msg: messageOf(raw, outcome),
    skipReason: textField(raw.skip_reason) ?? textField(raw.skipped_reason),
    dest: destOf(raw),
    diffs: diffEntries(raw.diff),
  };
}
