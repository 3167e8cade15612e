// Reads a log of ansible-playbook's default stdout callback: PLAY / TASK
// banners, one status line per host (`ok:`, `changed:`, `skipping:`,
// `fatal: [h]: FAILED!`, `fatal: [h]: UNREACHABLE!`, loop items), the
// unified diffs printed before a host's status line, and the PLAY RECAP.
// A text log says less than the structured formats: the module is not named,
// and a skip's reason only shows with -v; see verdict.ts for how that is read.
import { checkAgainstRecap, emptyResults, type DiffEntry, type HostTaskResult, type Outcome, type PlaybookResults } from './results.js';
import { inventoryErrors, stderrMessages } from './stderr.js';
import { parseUnifiedDiff } from './unified-diff.js';

const ANSI = /\u001b\[[0-9;]*m/g;
const BANNER = /^(PLAY|TASK|RUNNING HANDLER) \[(.*)\]$/;
const STATUS = /^(ok|changed|skipping): \[([^\]]+)\](.*)$/;
const FATAL = /^fatal: \[([^\]]+)\]: (FAILED|UNREACHABLE)! =>(.*)$/;
const ITEM_FAILED = /^failed: \[([^\]]+)\] \(item=(.*?)\) =>(.*)$/;
const STATUS_REST = /^(?:\s*=>\s*\(item=(.*?)\))?\s*(?:=>\s*)?(.*)$/;
const RECAP_LINE = /^(\S.*?)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)(?:\s+skipped=(\d+))?(?:\s+rescued=(\d+))?(?:\s+ignored=(\d+))?/;
const CENSORED = 'censored due to no_log';

/** True when the text looks like a default-callback log. */
export function looksLikeTextLog(text: string): boolean {
  return /^(PLAY \[|PLAY RECAP|TASK \[)/m.test(text.replace(ANSI, ''));
}

interface Banner {
  kind: 'TASK' | 'RUNNING HANDLER';
  name: string;
  checkMarker: boolean;
}

interface Parser {
  parsed: PlaybookResults;
  markersOn: boolean;
  play: string;
  task?: Banner;
  /** Results of the current task by host: loop items add to the same result. */
  current: Map<string, HostTaskResult>;
  /** The result the indented lines below a status line belong to. */
  last?: { result: HostTaskResult; itemIndex?: number };
  body: string[];
  pendingDiff: string[];
  inDiff: boolean;
  inRecap: boolean;
  errors: string[];
}

export function parseTextLog(text: string): PlaybookResults {
  const lines = text.replace(ANSI, '').split(/\r?\n/);
  const state: Parser = {
    parsed: emptyResults(),
    // With check_mode_markers on, a task without `[CHECK MODE]` ran for real (check_mode: false).
    markersOn: lines.some((line) => /^DRY RUN \*/.test(line) || / \[CHECK MODE\] \*+$/.test(line)),
    play: '',
    current: new Map(),
    body: [],
    pendingDiff: [],
    inDiff: false,
    inRecap: false,
    errors: [],
  };
  for (const line of lines) readLine(state, line);
  flushBody(state);
  const { parsed } = state;
  if (state.markersOn && !lines.some((line) => /^DRY RUN \*/.test(line))) {
    parsed.notes.push('this log is not from a --check run (check-mode markers but no DRY RUN banner): tasks without [CHECK MODE] really ran');
  }
  for (const error of state.errors) parsed.problems.push(`the log reports an error: ${error}`);
  // A log captured with 2>&1 holds ansible's warnings: an inventory it could not parse left hosts unchecked.
  for (const error of inventoryErrors(stderrMessages(lines).warnings)) parsed.problems.push(error.message);
  if (!parsed.recap) parsed.problems.push('no PLAY RECAP: the log is incomplete (the run was interrupted, or the log cut short)');
  parsed.problems.push(...checkAgainstRecap(parsed));
  return parsed;
}

function readLine(state: Parser, raw: string): void {
  const line = raw.trimEnd();
  if (state.inDiff) {
    // A diff ends at the blank line ansible prints after it (an empty context line is a single space).
    if (raw !== '') return void state.pendingDiff.push(raw);
    state.inDiff = false;
    return;
  }
  if (state.last && /^\s/.test(raw) && line !== '') return void state.body.push(line);
  if (state.last && (line === '}' || line === ']')) return void state.body.push(line);
  flushBody(state);
  if (line === '') return;
  if (state.inRecap) {
    const match = RECAP_LINE.exec(line);
    if (match) return recordRecap(state, match);
    if (/^\S/.test(line) && !line.startsWith('[')) state.inRecap = false;
  }
  const banner = line.replace(/\s*\*{3,}$/, '');
  if (banner !== line) return readBanner(state, banner);
  if (line.startsWith('--- before') || (line.startsWith('--- ') && state.task)) {
    state.inDiff = true;
    state.pendingDiff.push(raw);
    return;
  }
  if (line.startsWith('ERROR! ')) return void state.errors.push(line);
  if (line === 'skipping: no hosts matched') return void state.parsed.playsWithoutHosts.push(state.play);
  if (line === '...ignoring') {
    if (state.last?.result.outcome === 'failed') state.last.result.ignored = true;
    return;
  }
  if (!readStatus(state, line)) state.last = undefined;
}

function readBanner(state: Parser, banner: string): void {
  const checkMarker = banner.endsWith(' [CHECK MODE]');
  const name = checkMarker ? banner.slice(0, -' [CHECK MODE]'.length) : banner;
  if (name === 'PLAY RECAP') {
    state.inRecap = true;
    state.parsed.recap ??= {};
    return;
  }
  const match = BANNER.exec(name);
  if (!match) return;
  state.last = undefined;
  state.current = new Map();
  state.pendingDiff = [];
  if (match[1] === 'PLAY') {
    state.play = match[2];
    state.task = undefined;
  } else {
    state.task = { kind: match[1] as Banner['kind'], name: match[2], checkMarker };
  }
}

/** Records a host status line; false when the line is none. */
function readStatus(state: Parser, line: string): boolean {
  let match: RegExpExecArray | null;
  if ((match = FATAL.exec(line))) {
    const outcome: Outcome = match[2] === 'UNREACHABLE' ? 'unreachable' : 'failed';
    record(state, match[1], outcome, undefined, match[3]);
  } else if ((match = ITEM_FAILED.exec(line))) {
    record(state, match[1], 'failed', match[2], match[3]);
  } else if ((match = STATUS.exec(line))) {
    const outcome: Outcome = match[1] === 'skipping' ? 'skipped' : (match[1] as Outcome);
    // ` => (item=LABEL) => {body}`, ` => (item=LABEL)`, ` => {body}`
    const rest = STATUS_REST.exec(match[3]);
    record(state, match[2], outcome, rest?.[1], rest?.[2] ?? '');
  } else {
    return false;
  }
  return true;
}

const RANK: Record<Outcome, number> = { skipped: 0, ok: 1, changed: 2, failed: 3, unreachable: 4 };

function record(state: Parser, hostField: string, outcome: Outcome, label: string | undefined, inlineBody: string): void {
  if (!state.task) return; // `included:` lines and the like outside a task
  const host = hostField.split(' -> ')[0].trim();
  const diffs = takeDiffs(state);
  let result = state.current.get(host);
  if (!result) {
    result = {
      host,
      play: state.play,
      task: state.task.name,
      outcome,
      changed: false,
      handler: state.task.kind === 'RUNNING HANDLER' || undefined,
      checkMode: state.markersOn ? state.task.checkMarker : undefined,
      noLog: false,
      diffs: [],
    };
    state.current.set(host, result);
    state.parsed.results.push(result);
  } else if (RANK[outcome] > RANK[result.outcome]) {
    // A loop prints one line per item, then a final `fatal:` when an item failed: the worst line wins.
    result.outcome = outcome;
  }
  if (outcome === 'changed') result.changed = true;
  if (label !== undefined) {
    result.items ??= [];
    if (label.includes(CENSORED)) result.noLog = true;
    result.items.push({ label, outcome, diffs });
    state.last = { result, itemIndex: result.items.length - 1 };
  } else {
    result.diffs.push(...diffs);
    state.last = { result };
  }
  if (inlineBody.trim() !== '') state.body.push(inlineBody.trim());
}

function takeDiffs(state: Parser): DiffEntry[] {
  if (state.pendingDiff.length === 0) return [];
  const diffs = parseUnifiedDiff(state.pendingDiff.join('\n'));
  state.pendingDiff = [];
  return diffs;
}

/** The JSON or YAML printed after `=>`: where msg, skip reasons and no_log censoring show. */
function flushBody(state: Parser): void {
  const target = state.last;
  const body = state.body;
  state.body = [];
  if (!target || body.length === 0) return;
  const fields = bodyFields(body);
  const { result, itemIndex } = target;
  if (fields.censored) {
    result.noLog = true;
    return;
  }
  const item = itemIndex === undefined ? undefined : result.items?.[itemIndex];
  const holder = item ?? result;
  if (fields.msg) holder.msg = fields.msg;
  if (fields.skipReason) holder.skipReason = fields.skipReason;
}

function bodyFields(body: string[]): { msg?: string; skipReason?: string; censored?: boolean } {
  const joined = body.join('\n');
  try {
    const json = JSON.parse(joined) as Record<string, unknown>;
    return {
      msg: typeof json.msg === 'string' ? json.msg : undefined,
      skipReason: skipReasonOf(json.skip_reason ?? json.skipped_reason, json.false_condition),
      censored: 'censored' in json,
    };
  } catch {
    // result_format=yaml: `    key: value` lines
    const yaml = (key: string) => body.map((line) => new RegExp(`^\\s*${key}: (.*)$`).exec(line)?.[1]).find((v) => v !== undefined);
    const unquote = (value: string | undefined) => value?.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
    return {
      msg: unquote(yaml('msg')),
      skipReason: skipReasonOf(unquote(yaml('skip_reason') ?? yaml('skipped_reason')), yaml('false_condition')),
      censored: yaml('censored') !== undefined,
    };
  }
}

function skipReasonOf(reason: unknown, falseCondition: unknown): string | undefined {
  if (typeof reason === 'string' && reason !== '') return reason;
  if (falseCondition !== undefined) return 'Conditional result was False';
  return undefined;
}

function recordRecap(state: Parser, match: RegExpExecArray): void {
  const count = (index: number) => Number(match[index] ?? 0);
  state.parsed.recap![match[1].trim()] = {
    ok: count(2),
    changed: count(3),
    unreachable: count(4),
    failures: count(5),
    skipped: count(6),
    rescued: count(7),
    ignored: count(8),
  };
}
