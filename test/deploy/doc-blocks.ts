// The code blocks of a Markdown document, for tests that run what the docs
// show. A block whose first line is `# PATH` is a file at PATH; `# added to
// PATH` is a fragment to merge into that file.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface CodeBlock {
  language: string;
  text: string;
  /** The first line's `# ...` comment, if any. */
  label?: string;
}

export function codeBlocks(markdownFile: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const match of readFileSync(markdownFile, 'utf8').matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    const text = match[2];
    const label = /^# (.+)\n/.exec(text)?.[1];
    blocks.push({ language: match[1], text, label });
  }
  return blocks;
}

/** The one block with this label (a file path, or "added to PATH" with an identifying snippet). */
export function blockLabelled(blocks: CodeBlock[], label: string, containing = ''): CodeBlock {
  const found = blocks.filter((block) => block.label === label && block.text.includes(containing));
  if (found.length !== 1) throw new Error(`expected one block labelled "# ${label}"${containing ? ` containing ${containing}` : ''}, found ${found.length}`);
  return found[0];
}

/** The one block of `language` whose text contains `snippet`. */
export function blockContaining(blocks: CodeBlock[], language: string, snippet: string): CodeBlock {
  const found = blocks.filter((block) => block.language === language && block.text.includes(snippet));
  if (found.length !== 1) throw new Error(`expected one ${language} block containing ${snippet}, found ${found.length}`);
  return found[0];
}

/** Runs a one-line command block as written (split on spaces: keep such lines free of quotes). */
export function runCommandBlock(block: CodeBlock, cwd: string): SpawnSyncReturns<string> {
  const [program, ...args] = block.text.trim().split(/\s+/);
  return spawnSync(program, args, { cwd, encoding: 'utf8' });
}
