// When init, plan or show fails, the user needs terraform's own diagnostic
// (a state lock, a missing provider, an uninitialised directory), trimmed to
// what matters, and one thing to try. Pure: captured output in, error out.
import { GitdiffError } from '../../errors.js';

export interface TerraformFailure {
  /** The terraform subcommand that failed: init, plan, show. */
  step: string;
  /** The directory as the user gave it. */
  dir: string;
  /** Terraform's exit status; undefined when it was killed. */
  exitCode?: number;
  signal?: string;
  stderr: string;
  stdout: string;
  /** Whether gitdiff ran `terraform init` first (--init). */
  initRan: boolean;
}

/** Terraform's diagnostics after the summary line, at most this many. */
const DETAIL_LINES = 12;
/** A quoted line longer than this is cut: one line of a flood must not become a 30 MB error. */
const LINE_CHARS = 400;

function clipped(line: string): string {
  return line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)} ... (${line.length - LINE_CHARS} more characters)` : line;
}

export function terraformFailureError(failure: TerraformFailure): GitdiffError {
  // `plan -json` reports its diagnostics as JSON lines on stdout; anything else (init, show, crashes) is text.
  const fromJson = jsonDiagnosticLines(failure.stdout);
  const text = diagnosticLines(failure.stderr.trim() === '' && fromJson.length === 0 ? failure.stdout : failure.stderr);
  const lines = [...fromJson, ...text];
  const errorAt = lines.findIndex((line) => /^Error:/.test(line));
  const shown = errorAt >= 0 ? lines.slice(errorAt) : lines.slice(-DETAIL_LINES);
  const summary = shown.length > 0 ? clipped(shown[0].replace(/^Error:\s*/, '')) : 'no error message';
  const details = shown.slice(1, 1 + DETAIL_LINES).map((line) => `  ${clipped(line)}`);
  const status = failure.exitCode !== undefined ? `exit ${failure.exitCode}` : `killed by ${failure.signal ?? 'a signal'}`;
  const message = [`terraform ${failure.step} failed in ${failure.dir} (${status}): ${summary}`, ...details].join('\n');
  return new GitdiffError(message, { hint: hintFor(lines.join('\n'), failure) });
}

/** Plain text lines: no colour codes, no diagnostic box (│ ╷ ╵), no blank lines, no CLI-config warnings. */
export function diagnosticLines(output: string): string[] {
  const lines: string[] = [];
  let skipping = false;
  for (const raw of output.replace(/\x1b\[[0-9;]*m/g, '').split(/\r?\n/)) {
    const line = raw.replace(/^[\s│╷╵]+/, '').trimEnd();
    if (line === '') continue;
    // TF_CLI_CONFIG_FILE pointing nowhere prints a warning before every command; it is not the failure.
    if (/^There are some problems with the CLI configuration/.test(line)) { skipping = true; continue; }
    if (skipping && /^(Warning:|The CLI configuration file)/.test(line)) continue;
    skipping = false;
    lines.push(line);
  }
  return lines;
}

/** Error diagnostics from terraform's machine-readable UI (`-json`): summary, where, detail. */
export function jsonDiagnosticLines(output: string): string[] {
  const lines: string[] = [];
  for (const raw of output.split('\n')) {
    if (!raw.startsWith('{')) continue;
    let message: { type?: string; diagnostic?: Diagnostic };
    try {
      message = JSON.parse(raw) as typeof message;
    } catch {
      continue;
    }
    const diagnostic = message.diagnostic;
    if (message.type !== 'diagnostic' || diagnostic?.severity !== 'error') continue;
    lines.push(`Error: ${diagnostic.summary ?? 'unknown error'}`);
    const range = diagnostic.range;
    if (range?.filename) lines.push(`on ${range.filename}${range.start?.line ? ` line ${range.start.line}` : ''}`);
    for (const line of (diagnostic.detail ?? '').split('\n')) if (line.trim() !== '') lines.push(line.trim());
  }
  return lines;
}

interface Diagnostic {
  severity?: string;
  summary?: string;
  detail?: string;
  range?: { filename?: string; start?: { line?: number } };
}

const NEEDS_INIT = /Module not installed|Backend initialization required|required plugins? (are|is) not installed|Inconsistent dependency lock file|Missing required provider|Plugin reinitialization required|Module source has changed|missing or corrupted provider plugins|please run "terraform init"|Run "terraform init"/i;

function hintFor(text: string, failure: TerraformFailure): string {
  if (NEEDS_INIT.test(text)) {
    return failure.initRan
      ? `terraform init ran, yet ${failure.dir} still needs it: run \`terraform -chdir=${failure.dir} init\` and read its errors`
      : `${failure.dir} is not initialised: add --init (runs \`terraform init -input=false\` first)`;
  }
  if (/Error acquiring the state lock/i.test(text)) return 'another terraform run holds the state lock: wait for it to finish, then run gitdiff again';
  if (/No configuration files/i.test(text)) return `${failure.dir} holds no *.tf files: pass the directory of the root module`;
  if (/No value for required variable/i.test(text)) return 'pass it with --var NAME=VALUE or --var-file FILE (gitdiff runs terraform with -input=false)';
  if (/Failed to query available provider packages|Failed to install provider|no such host|dial tcp|connection refused/i.test(text)) {
    return 'terraform could not reach a provider registry: check the network, or use a provider mirror or plugin cache (TF_PLUGIN_CACHE_DIR)';
  }
  if (failure.exitCode === undefined) return 'terraform was stopped before it finished; run gitdiff again';
  return `run \`terraform -chdir=${failure.dir} ${failure.step}\` to see its full output, or rerun gitdiff with -v`;
}
