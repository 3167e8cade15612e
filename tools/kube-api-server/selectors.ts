// Label and field selectors as the API server parses them (k8s.io/apimachinery
// labels.Parse and fields.ParseSelector), and list pagination with continue
// tokens shaped like the apiserver's (base64url JSON of {v, rv, start}).

export class SelectorError extends Error {}

type LabelRequirement =
  | { key: string; op: 'exists' | '!exists' }
  | { key: string; op: '=' | '!=' | 'gt' | 'lt'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] };

export type LabelSelector = LabelRequirement[];

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new SelectorError(`unable to parse requirement: invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value)) throw new SelectorError(`unable to parse requirement: invalid label value: "${value}"`);
  return value;
}

/** Splits on commas that are not inside a `(...)` set. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim());
}

function parseRequirement(text: string): LabelRequirement {
  if (text === '') throw new SelectorError('found \'\', expected: !, identifier, or \'end of string\'');
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (set) {
    const values = set[3].split(',').map((v) => checkValue(v.trim())).filter((v) => v !== '');
    return { key: checkKey(set[1]), op: set[2] as 'in' | 'notin', values };
  }
  const compare = /^([^!=<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(text);
  if (compare) {
    const op = compare[2] === '==' ? '=' : compare[2] === '>' ? 'gt' : compare[2] === '<' ? 'lt' : compare[2];
    if ((op === 'gt' || op === 'lt') && !/^-?\d+$/.test(compare[3])) {
      throw new SelectorError(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
    }
    return { key: checkKey(compare[1]), op: op as '=' | '!=' | 'gt' | 'lt', value: checkValue(compare[3].trim()) };
  }
  if (text.startsWith('!')) return { key: checkKey(text.slice(1).trim()), op: '!exists' };
  return { key: checkKey(text), op: 'exists' };
}

export function parseLabelSelector(selector: string): LabelSelector {
  if (selector.trim() === '') return [];
  return splitRequirements(selector).map(parseRequirement);
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> = {}): boolean {
  return selector.every((req) => {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const value = labels[req.key];
    switch (req.op) {
      case 'exists': return has;
      case '!exists': return !has;
      case '=': return has && value === req.value;
      case '!=': return !has || value !== req.value;
      case 'in': return has && req.values.includes(value);
      case 'notin': return !has || !req.values.includes(value);
      case 'gt': return has && /^-?\d+$/.test(value) && Number(value) > Number(req.value);
      case 'lt': return has && /^-?\d+$/.test(value) && Number(value) < Number(req.value);
    }
  });
}

/** A metav1.LabelSelector (matchLabels, matchExpressions) as parsed selector requirements. */
export function fromLabelSelector(selector: Record<string, any>): LabelSelector {
  const requirements: LabelSelector = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, op: '=', value: String(value) }));
  for (const expression of selector.matchExpressions ?? []) {
    const values: string[] = expression.values ?? [];
    switch (expression.operator) {
      case 'In': requirements.push({ key: expression.key, op: 'in', values }); break;
      case 'NotIn': requirements.push({ key: expression.key, op: 'notin', values }); break;
      case 'Exists': requirements.push({ key: expression.key, op: 'exists' }); break;
      case 'DoesNotExist': requirements.push({ key: expression.key, op: '!exists' }); break;
    }
  }
  return requirements;
}

export interface FieldRequirement { field: string; op: '=' | '!='; value: string }

/**
 * Every resource supports metadata.name and metadata.namespace; a few kinds add
 * their own fields (the registry's GetAttrs). Anything else is refused, as the
 * real server does ("field label not supported").
 */
const EXTRA_FIELDS: Record<string, string[]> = {
  Pod: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP'],
  Secret: ['type'],
  Namespace: ['status.phase'],
  Node: ['spec.unschedulable'],
  Job: ['status.successful'],
};

export function parseFieldSelector(selector: string, kind: string): FieldRequirement[] {
  if (selector.trim() === '') return [];
  return selector.split(',').map((part) => {
    const match = /^\s*([^!=\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!match) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const field = match[1];
    if (!['metadata.name', 'metadata.namespace', ...(EXTRA_FIELDS[kind] ?? [])].includes(field)) {
      throw new SelectorError(`field label not supported: ${field}`);
    }
    return { field, op: match[2] === '!=' ? '!=' : '=', value: match[3] };
  });
}

function fieldValue(object: Record<string, any>, field: string): string {
  const value = field.split('.').reduce<any>((node, key) => node?.[key], object);
  return value === undefined || value === null ? '' : String(value);
}

export function matchesFields(requirements: FieldRequirement[], object: Record<string, any>): boolean {
  return requirements.every(({ field, op, value }) => (fieldValue(object, field) === value) === (op === '='));
}

export interface Page<T> {
  items: T[];
  continueToken?: string;
  remainingItemCount?: number;
}

export function encodeContinue(resourceVersion: string, lastKey: string): string {
  const token = { v: 'meta.k8s.io/v1', rv: Number(resourceVersion), start: `${lastKey}\u0000` };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** The key to start after, from a continue token; SelectorError (400) when the token is not one of ours. */
export function decodeContinue(token: string): string {
  let parsed: any;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new SelectorError('continue key is not valid: illegal base64 data at input byte 0');
  }
  if (parsed?.v !== 'meta.k8s.io/v1' || typeof parsed.start !== 'string') {
    throw new SelectorError('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  return parsed.start.replace(/\u0000$/, '');
}

/**
 * One page of items already sorted by key. remainingItemCount is only known
 * (and only sent) when no selector filtered the list, as on a real server.
 */
export function paginate<T>(
  sorted: { key: string; item: T }[],
  options: { limit?: number; continueToken?: string; resourceVersion: string; filtered: boolean },
): Page<T> {
  const after = options.continueToken ? decodeContinue(options.continueToken) : undefined;
  const rest = after === undefined ? sorted : sorted.filter((entry) => entry.key > after);
  const limit = options.limit && options.limit > 0 ? options.limit : rest.length;
  const page = rest.slice(0, limit);
  if (page.length === rest.length) return { items: page.map((entry) => entry.item) };
  return {
    items: page.map((entry) => entry.item),
    continueToken: encodeContinue(options.resourceVersion, page[page.length - 1].key),
    ...(options.filtered ? {} : { remainingItemCount: rest.length - page.length }),
  };
}
