// ansible-playbook's own words, from its stderr: the `ERROR!` that stopped it
// (a playbook that does not parse, an inventory that leaves no host) and the
// `[WARNING]`s that explain an empty run. Messages wrap onto several lines.

/** Messages as ansible printed them, each with its continuation lines joined. */
export function stderrMessages(lines: string[]): { errors: string[][]; warnings: string[] } {
  const errors: string[][] = [];
  const warnings: string[] = [];
  let current: { kind: 'error'; lines: string[] } | { kind: 'warning'; text: string } | undefined;
  const close = () => {
    if (current?.kind === 'error') errors.push(current.lines);
    if (current?.kind === 'warning') warnings.push(current.text);
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
