// --strict: also report what the cluster holds beyond the manifest, where an
// addition is meaningful: keys of labels, annotations and other data maps
// (declared or not: a ConfigMap without `data` that gains a key, a pod
// template that gains a nodeSelector), items of keyed lists (an extra
// container, env var, port) and elements of sets (a finalizer). Plain struct
// fields are left alone: the API server fills dozens of them with defaults.
// What the platform adds on its own is set aside by the field, with its reason
// (platform-fields.ts), never dropped and never judged by who wrote it.
import type { Change } from '../../report.js';
import { sameElement } from './compare.js';
import { childPath, indexPath, keyedPath } from './paths.js';
import { keyOf, sameKey, spelledKey } from './merge-keys.js';
import { isRecord, ownValue } from './objects.js';
import { platformReason, type Addition, type Position } from './platform-fields.js';
import type { FieldSchema } from './schema/field-schema.js';
import { rulesFor, type FieldRules } from './schema/rules.js';

export const NOT_IN_GIT = 'not in Git (--strict)';

/** What live holds beyond Git: additions to report, and the platform's own, set aside with the reason in `note`. */
export interface StrictExtras {
  extras: Change[];
  setAside: Change[];
}

/** The object an addition belongs to: its kind, and a Secret's type. */
export type StrictObject = Omit<Position, 'trail'>;

export function strictExtras(declared: unknown, live: unknown, object: StrictObject, schema?: FieldSchema): StrictExtras {
  const found: StrictExtras = { extras: [], setAside: [] };
  walk(declared, live, { path: '', trail: [] }, rulesFor({ schema }), { object, found });
  return found;
}

/** Splits additions by platformReason: the one place --strict decides what is not drift. */
export function setAsidePlatformAdditions(object: StrictObject, trail: readonly string[], additions: { change: Change; addition: Addition }[], found: StrictExtras): void {
  for (const { change, addition } of additions) {
    const reason = platformReason({ ...object, trail }, addition);
    if (reason === undefined) found.extras.push(change);
    else found.setAside.push({ ...change, note: reason, setAsideBy: 'built-in' });
  }
}

interface Where {
  path: string;
  /** Field names from the root, `[]` for a list item: what platform-fields.ts matches. */
  trail: readonly string[];
}

interface Walk {
  object: StrictObject;
  found: StrictExtras;
}

function walk(declared: unknown, live: unknown, where: Where, rules: FieldRules, context: Walk): void {
  if (isRecord(declared) && isRecord(live)) walkRecord(declared, live, where, rules, context);
  else if (Array.isArray(declared) && Array.isArray(live)) walkList(declared, live, where, rules, context);
}

function walkRecord(declared: Record<string, unknown>, live: Record<string, unknown>, where: Where, rules: FieldRules, context: Walk): void {
  if (rules.isDataMap) {
    const added = Object.entries(live).filter(([key, value]) => !Object.hasOwn(declared, key) && value !== null);
    const additions = added.map(([key, value]) => ({ change: { path: childPath(where.path, key), live: value, note: NOT_IN_GIT }, addition: { key } }));
    setAsidePlatformAdditions(context.object, where.trail, additions, context.found);
  }
  for (const [key, value] of Object.entries(declared)) walk(value, ownValue(live, key), child(where, key), rules.child(key), context);
  // Data maps Git does not declare at all (labels on an object whose manifest has none, a nodeSelector) are additions too.
  for (const key of Object.keys(live)) {
    if (Object.hasOwn(declared, key)) continue;
    const value = live[key];
    if (!isRecord(value)) continue;
    const keyRules = rules.child(key);
    if (keyRules.isDataMap) walk({}, value, child(where, key), keyRules, context);
  }
}

function walkList(declared: unknown[], live: unknown[], where: Where, rules: FieldRules, context: Walk): void {
  const semantics = rules.list(declared.length > 0 ? declared : live);
  const items: Where = { path: where.path, trail: [...where.trail, '[]'] };
  if (semantics.type === 'map' && declared.every((item) => keyOf(item, semantics.key)) && live.every((item) => keyOf(item, semantics.key))) {
    const additions: { change: Change; addition: Addition }[] = [];
    for (const item of live) {
      const key = keyOf(item, semantics.key)!;
      const match = declared.find((candidate) => sameKey(keyOf(candidate, semantics.key)!, key));
      if (match === undefined) additions.push({ change: { path: keyedPath(where.path, spelledKey(item, key)), live: item, note: NOT_IN_GIT }, addition: { item } });
      else walk(match, item, { ...items, path: keyedPath(where.path, spelledKey(match, keyOf(match, semantics.key)!)) }, rules.item(), context);
    }
    setAsidePlatformAdditions(context.object, where.trail, additions, context.found);
  } else if (semantics.type === 'set') {
    const itemRules = rules.item();
    const position = { ...context.object, trail: where.trail };
    const added = live.filter((element) => !declared.some((candidate) => sameElement(candidate, element, itemRules)))
      .map((element) => ({ element, reason: platformReason(position, { element }) }));
    const platform = added.filter((addition) => addition.reason !== undefined);
    // A set is reported whole (both lists); the platform's own elements alone are set aside, with their reasons.
    if (platform.length < added.length) context.found.extras.push({ path: where.path, declared, live, note: NOT_IN_GIT });
    if (platform.length > 0) context.found.setAside.push({ path: where.path, live: platform.map((addition) => addition.element), note: [...new Set(platform.map((addition) => addition.reason))].join('; '), setAsideBy: 'built-in' });
  } else if (declared.length === live.length) {
    declared.forEach((item, index) => walk(item, live[index], { ...items, path: indexPath(where.path, index) }, rules.item(), context));
  }
}

function child(where: Where, key: string): Where {
  return { path: childPath(where.path, key), trail: [...where.trail, key] };
}
