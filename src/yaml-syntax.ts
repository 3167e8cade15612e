// What is wrong with a YAML text, in gitdiff's words. js-yaml's messages quote
// the input: its snippet shows the source line, and its reasons name the
// offending token (`unknown tag !<!hunter2>`, `unidentified alias "hunter2"`),
// so an unquoted password starting with `!` or `*` would be printed in the
// error, in every output and on serve's page. Every YAML error gitdiff reports
// (manifests, snapshots, .gitdiff.yaml, serve's config, kubeconfigs) is built here from the
// position and one phrase of a fixed vocabulary; nothing of the input is kept.
import { YAMLException } from 'js-yaml';

export interface YamlSyntaxProblem {
  /** 1-based, within the text that was parsed; undefined when js-yaml gave no position. */
  line?: number;
  column?: number;
  reason: string;
}

/** js-yaml's reason (its start, before any quoted token) -> what gitdiff says. The first match wins. */
const REASONS: readonly [string, string][] = [
  ['unknown tag', 'a tag gitdiff does not read (an explicit !tag, or an unquoted value starting with "!")'],
  ['unidentified alias', 'an alias with no anchor (or an unquoted value starting with "*")'],
  ['cannot resolve a node with', 'a value its explicit tag cannot read'],
  ['unacceptable node kind for', 'a tag on the wrong kind of node'],
  ['duplicated mapping key', 'a key that appears twice in one mapping'],
  ['duplication of', 'a repeated anchor, tag or %YAML directive'],
  ['tab characters must not be used', 'a tab character in the indentation'],
  ['bad indentation', 'bad indentation'],
  ['deficient indentation', 'bad indentation'],
  ['end of the stream or a document separator is expected', 'text where the document should end (bad indentation?)'],
  ['unexpected end of the stream', 'the text ends inside a quoted value or a [...] / {...} collection (cut short?)'],
  ['unexpected end of the document', 'the document ends inside a quoted value'],
  ['can not read a block mapping entry', 'a malformed mapping entry (a missing ":" or bad indentation?)'],
  ['can not read an implicit mapping pair', 'a malformed mapping entry (a missing ":" or bad indentation?)'],
  ['incomplete explicit mapping pair', 'a malformed mapping entry (a missing ":" or bad indentation?)'],
  ['a whitespace character is expected after the key-value separator', 'a ":" not followed by a space'],
  ['missed comma between flow collection entries', 'a missing comma in a [...] or {...} collection'],
  ['expected the node content', 'a misplaced comma'],
  ['unknown escape sequence', 'an invalid escape in a double-quoted string'],
  ['expected hexadecimal character', 'an invalid escape in a double-quoted string'],
  ['expected valid JSON character', 'a control character inside a quoted string'],
  ['the stream contains non-printable characters', 'non-printable characters (a binary file?)'],
  ['null byte is not allowed', 'non-printable characters (a binary file?)'],
  ['nesting exceeded maxDepth', 'nesting too deep'],
  ['merge keys exceeded', 'too many merge keys (<<)'],
  ['cannot merge mappings', 'an invalid merge key (<<)'],
  ['abnormal merge sequence', 'an invalid merge key (<<)'],
  ['name of an alias node', 'an alias without a name'],
  ['name of an anchor node', 'an anchor without a name'],
  ['alias node should not have any properties', 'an alias with a tag or anchor of its own'],
  ['bad explicit indentation width', 'a malformed block scalar header (| or >)'],
  ['repeat of a', 'a malformed block scalar header (| or >)'],
  ['missing indentation for block scalar', 'a block scalar (| or >) without indented content'],
  ['expected a single document', 'more than one document where one is expected'],
  ['tag', 'a malformed tag'],
  ['undeclared tag handle', 'a malformed tag'],
  ['named tag handle', 'a malformed tag'],
  ['there is a previously declared suffix', 'a malformed %TAG directive'],
  ['ill-formed', 'a malformed directive'],
  ['directive', 'a malformed directive'],
  ['TAG directive', 'a malformed %TAG directive'],
  ['YAML directive', 'a malformed %YAML directive'],
  ['unacceptable YAML version', 'an unsupported %YAML version'],
  ['directives end mark is expected', 'a directive without a following "---"'],
  ['a line break is expected', 'a missing line break'],
  ['nested arrays are not supported inside keys', 'a list used as a key'],
];

/** The phrase for a js-yaml reason; never any part of the reason itself. */
export function yamlReason(reason: string): string {
  for (const [start, phrase] of REASONS) if (reason.startsWith(start)) return phrase;
  return 'invalid YAML syntax';
}

/** What went wrong and where, for an error thrown while parsing YAML; undefined when it is not a YAML error. */
export function yamlSyntaxProblem(error: unknown): YamlSyntaxProblem | undefined {
  // By name too: the Kubernetes client (reading a kubeconfig) throws from its own copy of js-yaml.
  const isYaml = error instanceof YAMLException || (error instanceof Error && error.name === 'YAMLException' && typeof (error as { reason?: unknown }).reason === 'string');
  if (!isYaml) return undefined;
  const mark = (error as { mark?: { line?: number; column?: number } }).mark;
  const positioned = typeof mark?.line === 'number' && typeof mark.column === 'number';
  return { reason: yamlReason(String((error as { reason?: unknown }).reason ?? '')), ...(positioned ? { line: mark.line! + 1, column: mark.column! + 1 } : {}) };
}

/** `invalid YAML at line L, column C: reason`, for a message that names the file before it. */
export function yamlErrorText(problem: YamlSyntaxProblem): string {
  return `invalid YAML${problem.line === undefined ? '' : ` at line ${problem.line}, column ${problem.column}`}: ${problem.reason}`;
}
