// Saved plans arrive in the forms users have: plain JSON; UTF-8 with a byte
// order mark or UTF-16 with CRLF (PowerShell's `>` writes those); JSON with
// wrapper lines around it (hashicorp/setup-terraform's wrapper prints a
// `[command]...` line before and `::debug::` / `::set-output` lines after).
// Those are accepted. Everything else fails with a message that says what was
// found: a text plan, a `plan -json` UI log, a state file, a binary plan file.
// The happy path is one decode and one JSON.parse: no copies of a 100 MB plan.
import { GitdiffError } from '../../errors.js';
import { findJsonSyntaxError } from '../../json-syntax.js';
import { notAPlan } from './document-kind.js';
import { SUPPORTED_FORMAT_MAJORS, type Plan } from './plan-model.js';

export interface ParsedPlan {
  plan: Plan;
  /** How the bytes were encoded: UTF-8, UTF-8 with BOM, UTF-16LE... (for --debug). */
  encoding: string;
  /** Lines around the JSON that were not part of it and were skipped (a CI wrapper's). */
  skippedLines: number;
}

const SAVE_AS_JSON_HINT = 'save the plan with `terraform plan -out=tfplan`, then run `terraform show -json tfplan > plan.json` (or pass --plan tfplan)';

/** The text of a saved plan, decoded; the bytes are not kept. */
export interface DecodedPlan {
  text: string;
  encoding: string;
}

/**
 * Reads plan bytes as `terraform show -json` output. Convenient, but it holds
 * the bytes while it parses: the command's own paths decode first (in the
 * function that owns the bytes) and call parsePlanText, so a 100 MB plan is
 * not in memory twice while JSON.parse builds it a third time.
 */
export function parsePlanBytes(bytes: Buffer, name: string): ParsedPlan {
  return parsePlanText(decodePlanBytes(bytes), name);
}

/** Reads decoded plan text; `name` says where it came from in errors. */
export function parsePlanText({ text, encoding }: DecodedPlan, name: string): ParsedPlan {
  if (encoding === BINARY_PLAN) {
    throw new GitdiffError(`${name}: found a binary plan file (what terraform plan -out writes), not JSON`, {
      hint: 'pass it with --plan FILE: gitdiff runs `terraform show -json` on it',
    });
  }
  // Only a blank text can be empty; testing its start first avoids trimming (copying) a 100 MB string.
  if (/^\s*$/.test(text.slice(0, 1024)) && text.trim() === '') {
    throw new GitdiffError(`${name}: is empty, expected the output of \`terraform show -json PLANFILE\``, { hint: SAVE_AS_JSON_HINT });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const wrapped = extractWrappedJson(text);
    if (!wrapped) throw notJsonError(text, name, error);
    return { plan: checkPlanShape(wrapped.value, name), encoding, skippedLines: wrapped.skippedLines };
  }
  return { plan: checkPlanShape(value, name), encoding, skippedLines: 0 };
}

const BINARY_PLAN = 'binary plan file';

/** Decodes by byte-order mark (UTF-8, UTF-16LE, UTF-16BE), or spots BOM-less UTF-16 by its zero bytes. */
export function decodePlanBytes(bytes: Buffer): DecodedPlan {
  // A saved binary plan is a zip archive: say so instead of decoding it.
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return { text: '', encoding: BINARY_PLAN };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: bytes.toString('utf8', 3), encoding: 'UTF-8 with BOM' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: bytes.toString('utf16le', 2), encoding: 'UTF-16LE' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: utf16be(bytes.subarray(2)), encoding: 'UTF-16BE' };
  if (bytes.length >= 2 && bytes[0] !== 0 && bytes[1] === 0) return { text: bytes.toString('utf16le'), encoding: 'UTF-16LE (no BOM)' };
  if (bytes.length >= 2 && bytes[0] === 0 && bytes[1] !== 0) return { text: utf16be(bytes), encoding: 'UTF-16BE (no BOM)' };
  return { text: bytes.toString('utf8'), encoding: 'UTF-8' };
}

function utf16be(bytes: Buffer): string {
  const swapped = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return swapped.swap16().toString('utf16le');
}

/**
 * Finds one JSON object that starts a line and ends a line, with other lines
 * before or after it. Refuses anything that looks like a broken document
 * instead (text after the closing brace on its line, or lines that continue
 * JSON after it), so a malformed plan is never read as a shorter valid one.
 */
export function extractWrappedJson(text: string): { value: unknown; skippedLines: number } | undefined {
  const start = text.startsWith('{') ? 0 : text.indexOf('\n{') + 1;
  if (start <= 0 && !text.startsWith('{')) return undefined;
  const end = matchingBrace(text, start);
  if (end < 0) return undefined;
  const lineEnd = text.indexOf('\n', end);
  const restOfLine = text.slice(end + 1, lineEnd < 0 ? text.length : lineEnd);
  if (restOfLine.trim() !== '') return undefined;
  const before = text.slice(0, start);
  const after = lineEnd < 0 ? '' : text.slice(lineEnd + 1);
  if (before.trim() === '' && after.trim() === '') return undefined;
  if (/^\s*[}\]",]/m.test(after)) return undefined;
  try {
    const value = JSON.parse(text.slice(start, end + 1));
    return { value, skippedLines: countLines(before) + countLines(after) };
  } catch {
    return undefined;
  }
}

function countLines(text: string): number {
  return text.split('\n').filter((line) => line.trim() !== '').length;
}

/** The index of the `}` closing the object that opens at `start`, or -1. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const TEXT_PLAN = /Terraform will perform the following actions|Terraform used the selected providers|No changes\. (Your infrastructure|Infrastructure is up-to-date)|Plan: \d+ to add|Changes to Outputs:|Saved the plan to:|An execution plan has been generated|Objects have changed outside of Terraform|Refreshing Terraform state|Refreshing state\.\.\.|^Terraform v\d+\.\d+/m;

/** Says what the bytes are when they are not JSON: a text plan, a UI log, or broken JSON (with line and column). */
function notJsonError(text: string, name: string, error: unknown): GitdiffError {
  const firstLine = text.slice(0, Math.min(text.length, 4096)).trimStart().split('\n', 1)[0].trim();
  if (firstLine.startsWith('{') && looksLikeUiMessage(firstLine)) return uiLogError(name);
  const head = text.slice(0, 65536).replace(/\x1b\[[0-9;]*m/g, '');
  if (TEXT_PLAN.test(head)) {
    // Where terraform's error is, not its text: an error may quote a value of the configuration.
    const failure = /^Error: /m.exec(head);
    const found = failure ? `, ending in an error at line ${head.slice(0, failure.index).split('\n').length}` : '';
    return new GitdiffError(`${name}: found human-readable \`terraform plan\` output (text${found}), not \`terraform show -json\` output`, { hint: SAVE_AS_JSON_HINT });
  }
  // V8's own message may quote the file (a secret, in a plan): say where, in our words.
  const syntax = findJsonSyntaxError(text);
  const where = syntax ? `${syntax.reason} at line ${syntax.line}, column ${syntax.column}` : `${error instanceof Error ? error.name : 'error'} from the JSON parser`;
  return new GitdiffError(`${name}: not valid JSON (${where})`, {
    hint: 'the file is not what `terraform show -json PLANFILE` prints; was it cut short or edited?',
  });
}

function looksLikeUiMessage(line: string): boolean {
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    return value !== null && typeof value === 'object' && ('@message' in value || '@level' in value);
  } catch {
    return false;
  }
}

function uiLogError(name: string): GitdiffError {
  return new GitdiffError(`${name}: found a \`terraform plan -json\` UI log (JSON Lines of progress messages), not \`terraform show -json\` output`, {
    hint: SAVE_AS_JSON_HINT,
  });
}

/** Checks that a parsed value is a plan this reader understands; says what it is otherwise. */
export function checkPlanShape(value: unknown, name: string): Plan {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new GitdiffError(`${name}: found JSON ${found}, not a Terraform plan (an object with format_version and planned_values)`, { hint: SAVE_AS_JSON_HINT });
  }
  const object = value as Record<string, unknown>;
  if (Object.hasOwn(object, '@message') || Object.hasOwn(object, '@level')) throw uiLogError(name);
  const version = object.format_version ?? object.plan_format_version;
  // A version this reader does not know may also move the members that make a plan: say so first.
  if (typeof version === 'string' && !(SUPPORTED_FORMAT_MAJORS as readonly string[]).includes(version.split('.')[0])) {
    throw new GitdiffError(`${name}: plan format_version ${/^\d{1,4}(\.\d{1,4}){0,2}$/.test(version) ? version : '(not a version number)'} is not supported (gitdiff reads ${SUPPORTED_FORMAT_MAJORS.map((m) => `${m}.x`).join(' and ')})`, {
      hint: 'a new major version may change the meaning of fields; check for a newer gitdiff',
    });
  }
  const instead = notAPlan(object);
  if (instead) throw new GitdiffError(`${name}: found ${instead.found}, not a plan`, { hint: SAVE_AS_JSON_HINT });
  // A plan that failed says so with `errored: true`; any other value than a boolean cannot be trusted to mean "no".
  if (object.errored !== undefined && typeof object.errored !== 'boolean') throw shapeError(name, 'errored', 'is neither true nor false');
  if (object.errored === true) {
    throw new GitdiffError(`${name}: the plan is marked errored: terraform failed while planning, so it does not show every change`, {
      hint: 'run `terraform plan` and fix the errors it reports',
    });
  }
  checkChangeLists(object, name);
  return object as Plan;
}

/** Light structural checks, so a wrong-shaped plan fails here with a path instead of deep in the comparison. */
function checkChangeLists(object: Record<string, unknown>, name: string): void {
  for (const key of ['resource_changes', 'resource_drift'] as const) {
    const list = object[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw shapeError(name, key, 'is not a list');
    for (let i = 0; i < list.length; i++) {
      const entry = list[i] as Record<string, unknown> | null;
      if (!entry || typeof entry !== 'object' || typeof entry.address !== 'string') throw shapeError(name, `${key}[${i}]`, 'has no address');
      if (!isActions((entry.change as Record<string, unknown> | undefined)?.actions)) throw shapeError(name, `${key}[${i}] (${entry.address})`, 'has no change.actions list');
    }
  }
  const outputs = object.output_changes;
  if (outputs === undefined || outputs === null) return;
  if (typeof outputs !== 'object' || Array.isArray(outputs)) throw shapeError(name, 'output_changes', 'is not an object');
  for (const [output, change] of Object.entries(outputs as Record<string, unknown>)) {
    if (!isActions((change as Record<string, unknown> | null)?.actions)) throw shapeError(name, `output_changes.${output}`, 'has no actions list');
  }
}

function isActions(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((action) => typeof action === 'string');
}

function shapeError(name: string, where: string, what: string): GitdiffError {
  return new GitdiffError(`${name}: not a valid plan: ${where} ${what}`, { hint: 'the file is not what `terraform show -json PLANFILE` prints' });
}
