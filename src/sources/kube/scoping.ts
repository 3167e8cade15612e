// Where each declared object lives, once the live side has said how each of
// their kinds is scoped: a namespaced kind's object lives in its
// metadata.namespace or the default namespace (as kubectl apply would put it),
// a cluster-scoped kind's object in none. Pure: new objects are returned,
// the declared ones are left as they were read.
import { GitdiffError } from '../../errors.js';
import type { ReportError } from '../../report.js';
import { kindKey, type KindScope, type ServedObject } from './live.js';
import { declaredAt, objectKey, titleOf, type DeclaredObject, type ResolvedObject } from './objects.js';

/** A declared object with its namespace and its kind's scope: served (to fetch), or why it cannot be. */
export type ScopedObject = ResolvedObject & { scope: KindScope };

export function uniqueKinds(declared: DeclaredObject[]): { apiVersion: string; kind: string }[] {
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const { object } of declared) kinds.set(kindKey(object.apiVersion, object.kind), { apiVersion: object.apiVersion, kind: object.kind });
  return [...kinds.values()];
}

/** Each declared object, in order, with the scope of its kind (`scopes` has every declared kind). */
export function scopeObjects(declared: DeclaredObject[], scopes: Map<string, KindScope>, defaultNamespace: string): ScopedObject[] {
  return declared.map((object) => {
    const scope = scopes.get(kindKey(object.object.apiVersion, object.object.kind))!;
    const declaredNamespace = object.object.metadata.namespace || undefined;
    // A kind whose scope is unknown keeps what the manifest says, for its title.
    const namespace = scope.state !== 'served' ? declaredNamespace : scope.namespaced ? declaredNamespace ?? defaultNamespace : undefined;
    return { ...object, namespace, scope };
  });
}

export function isServed(object: ScopedObject): object is ServedObject {
  return object.scope.state === 'served';
}

/**
 * The one failure of a server that could not be reached at all: every declared
 * kind's discovery failed for the server as a whole (no connection, TLS, DNS,
 * credentials refused), none for a reason of its own. Said once for the run,
 * instead of once per object. Undefined when anything was reached.
 */
export function unreachableServer(scopes: Map<string, KindScope>): ReportError | undefined {
  const all = [...scopes.values()];
  const first = all[0];
  if (!first || first.state !== 'error' || !all.every((scope) => scope.state === 'error' && scope.unreachable)) return undefined;
  return { message: first.message, hint: first.hint };
}

/** Two manifests declaring the same object make the answer depend on which one wins: refuse to guess. */
export function rejectDuplicates(resolved: ResolvedObject[]): void {
  const seen = new Map<string, ResolvedObject>();
  for (const object of resolved) {
    const { apiVersion, kind, metadata } = object.object;
    const key = objectKey(apiVersion, kind, object.namespace, metadata.name);
    const first = seen.get(key);
    if (first) {
      throw new GitdiffError(`${titleOf(apiVersion, kind, object.namespace, metadata.name)} is declared twice: ${declaredAt(first)} and ${declaredAt(object)}`, {
        hint: 'keep one declaration of each object',
      });
    }
    seen.set(key, object);
  }
}
