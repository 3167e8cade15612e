// Turning manifest text into Kubernetes objects, one YAML document at a time,
// so that every error names the file, the document number and its line.
import { load, YAMLException } from 'js-yaml';
import { GitdiffError } from '../../errors.js';
import { isRecord, type KubeObject } from './objects.js';

export interface ParsedObject {
  object: KubeObject;
  /** 1-based line where the object's document starts. */
  line: number;
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
 * is where errors and CI annotations point.
 */
export function splitDocuments(text: string): Document[] {
  const chunks: { lines: string[]; first: number }[] = [{ lines: [], first: 1 }];
  text.split(/\r?\n/).forEach((line, index) => {
    if (/^---(\s|$)/.test(line)) chunks.push({ lines: [line.slice(3)], first: index + 1 });
    else chunks[chunks.length - 1].lines.push(line);
  });
  const documents: Document[] = [];
  for (const chunk of chunks) {
    const offset = chunk.lines.findIndex((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
    if (offset === -1) continue;
    documents.push({ text: chunk.lines.join('\n'), line: chunk.first + offset, firstLine: chunk.first, number: documents.length + 1 });
  }
  return documents;
}

/**
 * Parses a manifest file's text (YAML documents, or JSON) into objects,
 * expanding `kind: List` and `*List` documents. Empty and comment-only
 * documents are skipped; anything else that is not a Kubernetes object is an error.
 */
export function parseManifests(text: string, file: string): ParsedObject[] {
  const objects: ParsedObject[] = [];
  const json = parseJson(text);
  if (json !== undefined) {
    for (const object of expandList(json, file)) objects.push({ object, line: 1 });
    return objects;
  }
  const documents = splitDocuments(text);
  for (const document of documents) {
    const value = parseDocument(document, file, documents.length > 1);
    if (value === undefined || value === null) continue;
    const where = documents.length > 1 ? `${file}: document ${document.number} (line ${document.line})` : file;
    for (const object of expandList(value, where)) objects.push({ object, line: document.line });
  }
  return objects;
}

/** JSON files (and `kubectl get -o json` output) parse several times faster with JSON.parse than as YAML. */
function parseJson(text: string): unknown {
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // flow-style YAML, or broken JSON: the YAML parser gives the precise error
  }
}

function parseDocument(document: Document, file: string, many: boolean): unknown {
  try {
    // json: false keeps js-yaml's duplicate-key check: two `name:` keys are an error, not "last one wins".
    return load(document.text, { filename: file });
  } catch (error) {
    if (error instanceof YAMLException) {
      // Only the reason and position: js-yaml's snippet would quote the source line, which may hold a Secret value.
      const line = error.mark ? document.firstLine + error.mark.line : document.line;
      const column = error.mark ? error.mark.column + 1 : 1;
      const which = many ? ` document ${document.number},` : '';
      throw new GitdiffError(`${file}:${line}:${column}:${which} invalid YAML: ${error.reason}`, {
        hint: 'fix the manifest; `kubectl apply --dry-run=client -f FILE` shows the same parse',
      });
    }
    throw error;
  }
}

function expandList(value: unknown, where: string): KubeObject[] {
  if (!isRecord(value)) {
    const what = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    throw new GitdiffError(`${where}: not a Kubernetes object (found ${what})`, { hint: 'each YAML document must be a mapping with apiVersion, kind and metadata.name' });
  }
  if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
    // A List from `kubectl get -o yaml` carries apiVersion/kind per item; an API `DeploymentList` does not.
    const itemKind = value.kind === 'List' ? undefined : value.kind.slice(0, -'List'.length);
    return value.items.map((item, index) => {
      const object = isRecord(item) && itemKind && item.kind === undefined ? { apiVersion: value.apiVersion, kind: itemKind, ...item } : item;
      return checkObject(object, `${where}: items[${index}]`);
    });
  }
  return [checkObject(value, where)];
}

function checkObject(value: unknown, where: string): KubeObject {
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
  return value as KubeObject;
}
