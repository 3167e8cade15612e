// Turning manifest text into Kubernetes objects, one YAML document at a time,
// so that every error names the file, the document number and its line.
import { load, YAMLException, type LoadOptions } from 'js-yaml';
import { GitdiffError } from '../../errors.js';
import { parseJsonExact } from '../../exact-integers.js';
import { isPlainName, isRecord, type KubeObject } from './objects.js';
import { KUBECTL_YAML_SCHEMA } from './yaml-schema.js';
import { aliasExpansion, expandsTooFar } from './input-limits.js';
import { MAX_NESTING, nestingWithin } from '../../limits.js';
import { yamlSyntaxProblem } from '../../yaml-syntax.js';

export interface ParsedObject {
  object: KubeObject;
  /** 1-based line where the object's document starts. */
  line: number;
  /**
   * The manifest has metadata.generateName and no metadata.name (helm hook Jobs): the server
   * chooses the name when it creates the object, so no live object can be matched with it.
   * `object.metadata.name` holds the generateName prefix, for its title only.
   */
  generated?: true;
}

interface Document {
  text: string;
  /** The file line of the document's first content line, and of its text's first line. */
  line: number;
  firstLine: number;
  number: number;
}

/**
 * Splits a YAML stream at `---` lines. Each document keeps its number (counting
 * only documents with content) and the line of its first content line, which
 * is where errors and CI annotations point. One scan over the text, slicing
 * each document out of it: splitting a 50 MB stream into lines and joining
 * them again cost a quarter of the parse, mostly in garbage. CRLF line ends
 * are read as LF, as js-yaml reads them.
 */
export function splitDocuments(source: string): Document[] {
  const text = source.includes('\r\n') ? source.replaceAll('\r\n', '\n') : source;
  const documents: Document[] = [];
  let chunkStart = 0;
  let chunkFirstLine = 1;
  let contentLine = 0;
  const closeChunk = (end: number) => {
    if (contentLine > 0) documents.push({ text: text.slice(chunkStart, end), line: contentLine, firstLine: chunkFirstLine, number: documents.length + 1 });
  };
  for (let lineStart = 0, lineNumber = 1; ; lineNumber++) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    let contentFrom = lineStart;
    if (text.charCodeAt(lineStart) === 0x2d /* - */ && isSeparatorAt(text, lineStart)) {
      closeChunk(lineStart - 1);
      // The rest of the `---` line is the new document's first line (`--- # comment`, `--- {}`).
      chunkStart = contentFrom = lineStart + 3;
      chunkFirstLine = lineNumber;
      contentLine = 0;
    }
    if (contentLine === 0 && isContentLine(text.slice(contentFrom, lineEnd))) contentLine = lineNumber;
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  closeChunk(text.length);
  return documents;
}

const SEPARATOR = /---(?:\s|$)/y;

function isSeparatorAt(text: string, index: number): boolean {
  SEPARATOR.lastIndex = index;
  return SEPARATOR.test(text);
}

/** Not blank and not a comment: where a document's content starts. */
function isContentLine(line: string): boolean {
  return line.trim() !== '' && !line.trimStart().startsWith('#');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * A manifest's bytes as text. Invalid UTF-8 is refused, not replaced: two
 * different broken bytes would both become U+FFFD and compare equal, and
 * kubectl refuses such a file too. A byte-order mark is honoured (UTF-16 is
 * what PowerShell's `>` writes).
 */
export function decodeManifest(bytes: Uint8Array, file: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return utf8.decode(bytes);
  } catch {
    const line = lineOfFirstInvalidByte(bytes);
    throw new GitdiffError(`${file}:${line}: not UTF-8 text (a binary file, or another encoding such as Latin-1?)`, {
      hint: 'manifests are UTF-8; convert the file (iconv -f LATIN1 -t UTF-8) or keep it out of the manifest paths',
    });
  }
}

/** Where decoding with replacement first differs from the bytes: the first invalid sequence (only on the error path). */
function lineOfFirstInvalidByte(bytes: Uint8Array): number {
  const reencoded = Buffer.from(Buffer.from(bytes).toString('utf8'), 'utf8');
  let index = 0;
  while (index < bytes.length && bytes[index] === reencoded[index]) index++;
  let line = 1;
  for (let i = 0; i < index; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/**
 * Parses a manifest file's text (YAML documents, or JSON) into objects,
 * expanding `kind: List` and `*List` documents. Empty and comment-only
 * documents are skipped; anything else that is not a Kubernetes object is an error.
 */
export function parseManifests(text: string, file: string): ParsedObject[] {
  return parseDocuments(text, file).flatMap(({ value, line, where }) => expandList(value, where).map((item) => {
    const prefix = generateNameOf(item.value);
    if (prefix === undefined) return { object: checkObject(item.value, item.where), line };
    // Held to every rule of a name (the prefix is shown as one), then set aside by run.ts.
    const named = { ...(item.value as Record<string, unknown>), metadata: { ...((item.value as Record<string, unknown>).metadata as Record<string, unknown>), name: prefix } };
    return { object: checkObject(named, item.where), line, generated: true as const };
  }));
}

/** metadata.generateName of an object that has no metadata.name; undefined otherwise. */
function generateNameOf(value: unknown): string | undefined {
  if (!isRecord(value) || !isRecord(value.metadata)) return undefined;
  const { name, generateName } = value.metadata;
  return (name === undefined || name === '') && typeof generateName === 'string' && generateName !== '' ? generateName : undefined;
}

/** One document with content (or a whole JSON text), parsed but not yet taken apart. */
export interface ParsedDocument {
  value: unknown;
  /** 1-based line where it starts. */
  line: number;
  /** How messages name it: the file, or `FILE: document 2 (line 14)` in a stream of several. */
  where: string;
  /** The same without the file: `document 2 (line 14)`, or '' when the file holds one document. */
  position: string;
}

/** The documents of a manifest or snapshot file, parsed and bounded (depth, aliases); empty documents skipped. */
export function parseDocuments(text: string, file: string): ParsedDocument[] {
  const json = parseJson(text);
  if (json !== undefined) {
    if (!nestingWithin(json)) throw tooDeep(`${file}:`);
    return [{ value: json, line: 1, where: file, position: '' }];
  }
  const parsed: ParsedDocument[] = [];
  const documents = splitDocuments(text);
  for (const document of documents) {
    const value = parseDocument(document, file, documents.length > 1);
    if (value === undefined || value === null) continue;
    const position = documents.length > 1 ? `document ${document.number} (line ${document.line})` : '';
    parsed.push({ value, line: document.line, where: position ? `${file}: ${position}` : file, position });
  }
  return parsed;
}

/** JSON files (and `kubectl get -o json` output) parse several times faster with JSON.parse than as YAML. */
function parseJson(text: string): unknown {
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return parseJsonExact(text);
  } catch {
    return undefined; // flow-style YAML, or broken JSON: the YAML parser gives the precise error
  }
}

// json: false keeps js-yaml's duplicate-key check: two `name:` keys are an error, not "last one wins".
// maxDepth is js-yaml's own nesting limit (its types lack it).
/** YAML as kubectl reads it (1.1 scalars), with a bound on nesting. */
export const YAML_OPTIONS = { schema: KUBECTL_YAML_SCHEMA, maxDepth: MAX_NESTING } as LoadOptions;

function parseDocument(document: Document, file: string, many: boolean): unknown {
  const which = many ? ` document ${document.number},` : '';
  const at = `${file}:${document.line}:${many ? ` document ${document.number}:` : ''}`;
  let value: unknown;
  try {
    value = load(document.text, { ...YAML_OPTIONS, filename: file });
  } catch (error) {
    const problem = yamlSyntaxProblem(error);
    if (!problem) throw error;
    if (error instanceof YAMLException && /maxDepth/.test(error.reason)) throw tooDeep(at);
    // A position and a phrase of gitdiff's own (yaml-syntax.ts): js-yaml's text quotes the input, which may hold a Secret value.
    const line = problem.line === undefined ? document.line : document.firstLine + problem.line - 1;
    throw new GitdiffError(`${file}:${line}:${problem.column ?? 1}:${which} invalid YAML: ${problem.reason}`, {
      hint: 'fix the manifest; `kubectl apply --dry-run=client -f FILE` shows the same parse',
    });
  }
  // Aliases need an anchor: a document without `&` cannot expand, and is not walked.
  if (document.text.includes('&')) {
    const expansion = aliasExpansion(value);
    if (expandsTooFar(expansion)) {
      const how = Number.isFinite(expansion.expanded)
        ? `to ${expansion.expanded.toExponential(1)} values from ${expansion.distinct}`
        : 'without end (an alias inside its own anchor)';
      throw new GitdiffError(`${at} YAML aliases expand ${how}: refused (an alias bomb?)`, {
        hint: 'write the repeated blocks out, or nest fewer aliases',
      });
    }
  }
  return value;
}

/** `where` ends with a colon. */
function tooDeep(where: string): GitdiffError {
  return new GitdiffError(`${where} nested more than ${MAX_NESTING} levels deep: refused`, {
    hint: 'no Kubernetes object nests that deep; was the file generated by mistake?',
  });
}

/** A document's objects (a List's items), each with where it is, not yet checked. */
function expandList(value: unknown, where: string): { value: unknown; where: string }[] {
  if (!isRecord(value)) {
    const what = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    throw new GitdiffError(`${where}: not a Kubernetes object (found ${what})`, { hint: 'each YAML document must be a mapping with apiVersion, kind and metadata.name' });
  }
  const list = listOf(value);
  if (list) return list.items.map((item, index) => ({ value: item, where: `${where}: items[${index}]` }));
  return [{ value, where }];
}

/**
 * A List from `kubectl get -o yaml` (`kind: List`, each item carrying its own
 * apiVersion and kind) or a typed list from the API (`ConfigMapList`, whose
 * items carry neither): its items, each given the list's apiVersion and item
 * kind when it lacks them, and that item kind (undefined for `List`). Not a list: undefined.
 */
export function listOf(value: Record<string, unknown>): { itemKind?: string; items: unknown[] } | undefined {
  if (typeof value.kind !== 'string' || !value.kind.endsWith('List') || !Array.isArray(value.items)) return undefined;
  const itemKind = value.kind === 'List' ? undefined : value.kind.slice(0, -'List'.length);
  const items = value.items.map((item) => (isRecord(item) && itemKind && item.kind === undefined ? { apiVersion: value.apiVersion, kind: itemKind, ...item } : item));
  return { itemKind, items };
}

/** The value as a Kubernetes object (apiVersion, kind, metadata.name as strings; printable names), or an error naming `where`. */
export function checkObject(value: unknown, where: string): KubeObject {
  if (!isRecord(value)) throw new GitdiffError(`${where}: not a Kubernetes object`, { hint: 'each item must be a mapping with apiVersion, kind and metadata.name' });
  const metadata = value.metadata;
  const problems: string[] = [];
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') problems.push('apiVersion');
  if (typeof value.kind !== 'string' || value.kind === '') problems.push('kind');
  if (!isRecord(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
    if (isRecord(metadata) && typeof metadata.generateName === 'string') {
      throw new GitdiffError(`${where}: ${String(value.kind)} uses metadata.generateName: its name is chosen by the server, so there is nothing to compare`, {
        hint: 'give it a fixed metadata.name, or keep it out of the compared paths',
      });
    }
    problems.push('metadata.name');
  }
  if (problems.length > 0) {
    throw new GitdiffError(`${where}: not a Kubernetes object: no ${problems.join(', no ')} (as a string)`, {
      hint: 'each document must have apiVersion, kind and metadata.name',
    });
  }
  if (isRecord(metadata) && metadata.namespace !== undefined && typeof metadata.namespace !== 'string') {
    throw new GitdiffError(`${where}: metadata.namespace must be a string`);
  }
  // The API refuses them too; refused here because they reach every output as titles, and
  // a hostile manifest in a pull request must not drive a terminal or forge a CI log line.
  const { name, namespace, generateName } = metadata as Record<string, unknown>;
  // generateName first: an object set aside for it (parseManifests) carries it as its name too.
  const identity = { apiVersion: value.apiVersion, kind: value.kind, 'metadata.generateName': generateName, 'metadata.name': name, 'metadata.namespace': namespace };
  for (const [field, text] of Object.entries(identity)) {
    if (typeof text === 'string' && !isPlainName(text)) {
      throw new GitdiffError(`${where}: ${field} ${JSON.stringify(text)} holds spaces or control characters, which no Kubernetes name may`, {
        hint: 'names are lowercase letters, digits, "-" and "."',
      });
    }
  }
  // `/v1` is the core group's v1 to Kubernetes' ParseGroupVersion, which kubectl and the API server read
  // apiVersion with: the same object as `v1`, so it is matched, scoped and masked as one.
  const apiVersion = value.apiVersion as string;
  if (/^\/[^/]+$/.test(apiVersion)) return { ...value, apiVersion: apiVersion.slice(1) } as KubeObject;
  return value as KubeObject;
}
