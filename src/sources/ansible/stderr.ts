// ansible-playbook's own words, from its stderr: the `ERROR!` that stopped it
// (a playbook that does not parse, an inventory that leaves no host), the
// `[WARNING]`s that explain an empty run, and the inventory sources it could
// not parse. Messages wrap onto several lines. What ansible prints may quote an
// inventory script's stderr: control characters are escaped as they are read,
// so no message can recolor a terminal or start a line of its own.
import type { ReportError } from '../../report.js';
import { visibleText } from '../../visible-text.js';

/** Messages as ansible printed them, each with its continuation lines joined. */
export function stderrMessages(lines: string[]): { errors: string[][]; warnings: string[] } {
  const errors: string[][] = [];
  const warnings: string[] = [];
  let current: { kind: 'error'; lines: string[] } | { kind: 'warning'; text: string } | undefined;
  const close = () => {
    if (current?.kind === 'error') errors.push(current.lines.map(printable));
    if (current?.kind === 'warning') warnings.push(printable(current.text.trim()));
    current = undefined;
  };
  for (const line of lines) {
    if (line.startsWith('ERROR! ')) {
      close();
      current = { kind: 'error', lines: [line.slice('ERROR! '.length)] };
    } else if (/^\[(WARNING|DEPRECATION WARNING)\]:/.test(line)) {
      close();
      current = line.startsWith('[WARNING]: ') ? { kind: 'warning', text: line.slice('[WARNING]: '.length) } : undefined;
    } else if (current?.kind === 'error') {
      current.lines.push(line);
    } else if (current?.kind === 'warning' && line.trim() !== '' && !line.startsWith('[')) {
      // ansible wraps at hyphens too: `missing-` + `inventory.ini` is one word.
      current.text += current.text.endsWith('-') ? line.trim() : ` ${line.trim()}`;
    } else {
      close();
    }
  }
  close();
  return { errors, warnings };
}

/**
 * One line for an ansible ERROR! block: its first line, the YAML parser's
 * reason when it gives one, and the place it points at.
 */
export function summarizeError(block: string[]): string {
  let message = block[0].trim();
  const syntax = block.findIndex((line) => line.startsWith('Syntax Error while loading YAML.'));
  if (syntax >= 0 && block[syntax + 1]?.trim()) message = `${message.replace(/:$/, '')}: ${block[syntax + 1].trim()}`;
  for (const line of block) {
    const where = /^The error appears to be in '(.+)': line (\d+), column (\d+)/.exec(line);
    if (where) {
      message += ` (${where[1]}:${where[2]}:${where[3]})`;
      break;
    }
  }
  return message;
}

/** Control characters escaped: text from ansible (and what it quotes) shown as it is, never acted on. */
function printable(text: string): string {
  return visibleText(text);
}

/** How much of ansible's words about an unparsed inventory a hint carries. */
const INVENTORY_SAID_LIMIT = 600;

/**
 * The run-level errors for the inventory sources ansible could not parse: a
 * run (its stderr) or a log (2>&1) that shows one could not tell.
 */
export function inventoryErrors(warnings: string[]): ReportError[] {
  return inventoryFailures(warnings).map((failure) => {
    const said = failure.said.join('; ');
    return {
      message: `ansible-playbook could not parse inventory source ${failure.source}: its hosts were not checked`,
      hint: `ansible said: ${said.length > INVENTORY_SAID_LIMIT ? `${said.slice(0, INVENTORY_SAID_LIMIT)}...` : said}`,
    };
  });
}

/** An inventory source ansible could not parse, and what it said about it. */
interface InventoryFailure {
  source: string;
  /** ansible's warnings about the source: each plugin's reason, then "Unable to parse". */
  said: string[];
}

const UNPARSED = /^Unable to parse (.+) as an inventory source$/;
const PLUGIN_FAILED = /^\* Failed to parse (.+?) with [\w.]+ plugin: /;

/**
 * The inventory sources ansible could not parse. ansible only warns, goes on
 * without their hosts, skips the plays that target them ("no hosts matched")
 * and exits 0, so each is a run that could not tell. The absent
 * default /etc/ansible/hosts gets no such warning: a localhost-only playbook
 * run without -i is not one.
 */
function inventoryFailures(warnings: string[]): InventoryFailure[] {
  const failures: InventoryFailure[] = [];
  const reasons = new Map<string, string[]>();
  for (const warning of warnings) {
    const plugin = PLUGIN_FAILED.exec(warning);
    if (plugin) reasons.set(plugin[1], [...(reasons.get(plugin[1]) ?? []), warning.replace(/^\* /, '')]);
    const unparsed = UNPARSED.exec(warning);
    if (unparsed) failures.push({ source: unparsed[1], said: [...(reasons.get(unparsed[1]) ?? []), warning] });
  }
  return failures;
}
