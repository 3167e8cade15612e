// Reads the JSON lines written by gitdiff's own callback (callback/gitdiff.py).
// Lines that are not JSON objects are ansible's own text (a saved stdout with
// -v output mixed in) and are skipped; a line that starts like an object but
// does not parse means the file was cut or corrupted.
import {
  checkAgainstRecap,
  diffEntries,
  emptyResults,
  isOutcome,
  recapFrom,
  textField,
  type HostTaskResult,
  type LoopItemResult,
  type Outcome,
  type PlaybookResults,
} from './results.js';
import { MAX_NESTING, nestingWithin } from '../../limits.js';

export const EVENTS_FORMAT = 'gitdiff-ansible-events/1';

type Json = Record<string, unknown>;

/** True when the text starts with the callback's `start` event. */
export function looksLikeEvents(text: string): boolean {
  const first = text.split('\n', 50).find((line) => line.trimStart().startsWith('{'));
  if (!first) return false;
  try {
    const event = JSON.parse(first) as Json;
    return event.event === 'start' && typeof event.format === 'string' && event.format.startsWith('gitdiff-ansible-events/');
  } catch {
    return false;
  }
}

export function parseEvents(text: string): PlaybookResults {
  const parsed = emptyResults();
  let starts = 0;
  let sawStats = false;
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (!line.trimStart().startsWith('{')) return;
    let event: Json;
    try {
      event = JSON.parse(line) as Json;
    } catch {
      parsed.problems.push(`line ${index + 1} is not complete JSON (the file was cut short or corrupted)`);
      return;
    }
    if (!nestingWithin(event)) {
      // Diffs and results are walked recursively later: a value this deep would overflow the stack there.
      parsed.problems.push(`line ${index + 1} nests more than ${MAX_NESTING} levels deep: not read`);
      return;
    }
    switch (event.event) {
      case 'start':
        starts++;
        if (event.format !== EVENTS_FORMAT) {
          // Named only when it is a format name: the file's text is not repeated otherwise.
          const format = typeof event.format === 'string' && /^gitdiff-ansible-events\/\d{1,4}$/.test(event.format) ? event.format : 'of another shape';
          parsed.problems.push(`unsupported events format ${format} (this gitdiff reads ${EVENTS_FORMAT})`);
        }
        break;
      case 'playbook':
        if (typeof event.file === 'string' && !parsed.playbook) parsed.playbook = event.file;
        break;
      case 'no_hosts':
        parsed.playsWithoutHosts.push(String(event.play ?? ''));
        break;
      case 'result': {
        const result = resultFrom(event);
        if (result) parsed.results.push(result);
        else parsed.problems.push(`line ${index + 1}: a result without host, task or status`);
        break;
      }
      case 'stats': {
        sawStats = true;
        parsed.recap = {};
        for (const [host, counts] of Object.entries((event.hosts ?? {}) as Json)) {
          const recap = recapFrom(counts);
          if (recap) parsed.recap[host] = recap;
        }
        break;
      }
      case 'callback_error':
        parsed.problems.push(`gitdiff's callback lost the result of ${String(event.task)} on ${String(event.host)}: ${String(event.msg)}`);
        break;
      default:
        break; // play/task starts only drive progress
    }
  });
  if (starts === 0) parsed.problems.push('no start event: not the output of gitdiff\'s ansible callback');
  // The callback writes its file afresh for each run; several runs in one file
  // (appended by hand, or by an older callback) would let one run's final stats
  // vouch for another's results.
  if (starts > 1) parsed.problems.push(`holds ${starts} runs (one start event each): a results file must hold one run`);
  if (!sawStats) parsed.problems.push('incomplete results: the run ended before ansible\'s final stats (interrupted, or a callback error?)');
  parsed.problems.push(...checkAgainstRecap(parsed));
  return parsed;
}


function resultFrom(event: Json): HostTaskResult | undefined {
  const host = textField(event.host);
  const task = typeof event.task === 'string' ? event.task : undefined;
  if (!host || task === undefined || !isOutcome(event.status)) return undefined;
  const noLog = event.no_log === true;
  const result: HostTaskResult = {
    host,
    play: String(event.play ?? ''),
    task,
    path: textField(event.path),
    action: textField(event.action),
    outcome: event.status,
    changed: event.changed === true,
    handler: event.handler === true || undefined,
    checkMode: typeof event.check_mode === 'boolean' ? event.check_mode : undefined,
    noLog,
    ignored: event.ignore_errors === true || undefined,
    diffs: [],
  };
  // A no_log result keeps its outcome only, whatever else the file holds.
  if (noLog) return result;
  result.msg = textField(event.msg);
  result.skipReason = textField(event.skip_reason);
  result.dest = textField(event.dest);
  result.diffHidden = event.diff_hidden === true || undefined;
  result.diffs = diffEntries(event.diff);
  if (Array.isArray(event.items)) result.items = event.items.map((item) => loopItemFrom(item as Json));
  return result;
}

function loopItemFrom(item: Json): LoopItemResult {
  const outcome: Outcome = item.unreachable ? 'unreachable' : item.failed ? 'failed' : item.skipped ? 'skipped' : item.changed ? 'changed' : 'ok';
  if (item.no_log === true) return { outcome, diffs: [], noLog: true };
  return {
    label: textField(item.label),
    outcome,
    msg: textField(item.msg),
    skipReason: textField(item.skip_reason),
    dest: textField(item.dest),
    diffs: diffEntries(item.diff),
  };
}
