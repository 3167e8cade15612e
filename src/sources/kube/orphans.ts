// Orphans: objects the cluster runs under the team's label that no manifest
// declares any more (deleted from Git, never pruned). With --prune-selector,
// every declared kind (or --prune-kinds) is listed by that label, metadata
// only, in the declared namespaces (or all with -A); what Git does not
// declare becomes an `extra` item: a divergence, shown as a removal.
import { GitdiffError } from '../../errors.js';
import type { Item, ReportError } from '../../report.js';
import { preferredApiVersion } from './kinds.js';
import type { LiveSide } from './live.js';
import { objectKey, titleOf, type DeclaredObject, type KubeObject, type ResolvedObject } from './objects.js';
import { parseLabelSelector } from './selector.js';

export interface OrphanOptions {
  selector: string;
  /** `Kind` or `apiVersion/Kind` (`apps/v1/Deployment`); default: the declared kinds. */
  kinds?: string[];
  allNamespaces: boolean;
}

/** Which kinds to look through: `--prune-kinds` entries resolved to apiVersion + kind. */
export function pruneKinds(declared: DeclaredObject[], requested: string[] | undefined): { apiVersion: string; kind: string }[] {
  const declaredKinds = new Map<string, string>();
  for (const { object } of declared) declaredKinds.set(object.kind, object.apiVersion);
  if (!requested) return [...declaredKinds].map(([kind, apiVersion]) => ({ apiVersion, kind }));
  return requested.map((entry) => {
    const slash = entry.lastIndexOf('/');
    if (slash > 0) return { apiVersion: entry.slice(0, slash), kind: entry.slice(slash + 1) };
    const apiVersion = declaredKinds.get(entry) ?? preferredApiVersion(entry);
    if (!apiVersion) throw new GitdiffError(`--prune-kinds ${entry}: unknown kind`, { hint: 'name it with its API version, e.g. monitoring.coreos.com/v1/ServiceMonitor' });
    return { apiVersion, kind: entry };
  });
}

export async function findOrphans(declared: ResolvedObject[], live: LiveSide, options: OrphanOptions): Promise<{ items: Item[]; errors: ReportError[] }> {
  parseLabelSelector(options.selector); // a bad selector fails here, before any request
  const declaredKeys = new Set(declared.map(({ object, namespace }) => objectKey(object.apiVersion, object.kind, namespace, object.metadata.name)));
  const namespaces = options.allNamespaces ? undefined : [...new Set(declared.map((object) => object.namespace).filter((namespace): namespace is string => namespace !== undefined))];
  const items: Item[] = [];
  const errors: ReportError[] = [];
  for (const { apiVersion, kind } of pruneKinds(declared, options.kinds)) {
    // The live side applies the namespaces to namespaced kinds only: cluster-scoped ones are listed whole.
    const listed = await live.list(apiVersion, kind, namespaces, options.selector, true);
    if ('error' in listed) {
      errors.push({ message: `looking for orphaned ${kind} objects: ${listed.error}`, hint: listed.hint });
      continue;
    }
    // "None in the snapshot" is not "no orphans" when the snapshot never saved the kind.
    if (listed.unread) {
      errors.push({ message: `looking for orphaned ${kind} objects: ${listed.unread.message}`, hint: listed.unread.hint });
      continue;
    }
    for (const object of listed.objects) {
      const namespace = object.metadata.namespace || undefined;
      if (declaredKeys.has(objectKey(apiVersion, kind, namespace, object.metadata.name))) continue;
      items.push(orphanItem(object, apiVersion, kind, namespace, options.selector));
    }
  }
  return { items, errors };
}

function orphanItem(object: KubeObject, apiVersion: string, kind: string, namespace: string | undefined, selector: string): Item {
  const { name, labels } = object.metadata;
  return {
    ref: { apiVersion, kind, namespace, name },
    title: titleOf(apiVersion, kind, namespace, name),
    status: 'extra',
    reason: `live with ${selector}, declared in no manifest`,
    // The whole object would be removed; metadata is what was read, and all a person needs to find it.
    changes: [{ path: 'metadata', live: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) } }],
  };
}
