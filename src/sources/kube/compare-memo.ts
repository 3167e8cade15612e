// A watch session's memory of its previous run: the Item each declared object
// became, reused when nothing it was made from changed. An Item is a pure
// function of the declared object, its namespace, the live lookup, the ignore
// rules and the kind's schema (items.ts compareItem); a watch cache hands out
// the same live object instance until the object changes, and the declared
// side the same parsed object until its file changes. So "the same instances
// and the same rules" means "the same Item", and a run after one live change
// compares one object instead of ten thousand.
import type { Item } from '../../report.js';
import type { LiveLookup } from './live.js';
import type { IgnoreRule } from './ignore.js';
import type { KubeObject, ResolvedObject } from './objects.js';
import type { FieldSchema } from './schema/field-schema.js';
import { SchemaSet, type OpenApiDocuments } from './schema/schema-set.js';

interface Compared {
  file: string;
  line: number | undefined;
  namespace: string | undefined;
  lookup: LiveLookup;
  outcome: LiveLookup;
  rules: string;
  schema: FieldSchema | undefined;
  item: Item;
}

export class ComparedItems {
  private previous = new Map<KubeObject, Compared>();
  private current = new Map<KubeObject, Compared>();
  private schemaSource: OpenApiDocuments | undefined;
  private schemaSet: SchemaSet | undefined;
  /** How many items the last run reused and compared: for --debug. */
  reused = 0;
  compared = 0;

  /** Starts a run: what the previous run compared is what this one may reuse. */
  begin(): void {
    this.previous = this.current;
    this.current = new Map();
    this.reused = 0;
    this.compared = 0;
  }

  /**
   * The previous run's Item for this declared object when it was made from the same things; else
   * `compare()`'s, remembered for the next run. `rules` is the run's rules as text (rulesKey).
   */
  item(object: ResolvedObject, outcome: LiveLookup, lookup: LiveLookup, rules: string, schema: FieldSchema | undefined, compare: () => Item): Item {
    const before = this.previous.get(object.object);
    const same = before !== undefined && before.file === object.file && before.line === object.line && before.namespace === object.namespace &&
      before.rules === rules && before.schema === schema && sameLookup(before.lookup, lookup) && sameLookup(before.outcome, outcome);
    const item = same ? before.item : compare();
    if (same) this.reused++;
    else this.compared++;
    this.current.set(object.object, { file: object.file, line: object.line, namespace: object.namespace, lookup, outcome, rules, schema, item });
    return item;
  }

  /**
   * The schemas of this run: the previous run's set when the server's documents are the very same
   * (a cached read), so that each kind's FieldSchema is the same instance and items can be reused.
   */
  schemas(documents: OpenApiDocuments): SchemaSet {
    if (!this.schemaSet || !this.schemaSource || !sameDocuments(this.schemaSource, documents)) {
      this.schemaSet = SchemaSet.from(documents);
      this.schemaSource = documents;
    }
    return this.schemaSet;
  }
}

/** The rules as text: rules are rebuilt each run (the autoscalers' from live objects), equal rules give equal text. */
export function rulesKey(rules: IgnoreRule[]): string {
  return JSON.stringify(rules);
}

function sameLookup(a: LiveLookup, b: LiveLookup): boolean {
  if (a.state === 'found') return b.state === 'found' && a.object === b.object;
  if (a.state === 'absent') return b.state === 'absent' && a.reason === b.reason;
  return b.state === 'error' && a.message === b.message && a.hint === b.hint;
}

function sameDocuments(a: OpenApiDocuments, b: OpenApiDocuments): boolean {
  if (a.version === 2) return b.version === 2 && a.document === b.document;
  if (b.version === 2) return false;
  if (a.documents.size !== b.documents.size) return false;
  for (const [apiVersion, document] of a.documents) if (b.documents.get(apiVersion) !== document) return false;
  return true;
}
