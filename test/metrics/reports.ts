// Reports built by hand, shaped like the ones the sources produce, for testing
// the exporter on its own (no source has to run).
import type { Item, Report, Status } from '../../src/report.js';

export function kubeItem(status: Status, name: string, extra: Partial<Item> = {}): Item {
  return {
    ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'cache', name },
    title: `apps/v1 Deployment cache/${name}`,
    status,
    changes: status === 'diverged' ? [{ path: 'spec.replicas', declared: 4, live: 3 }] : [],
    ...extra,
  };
}

export function report(items: Item[], overrides: Partial<Report> = {}): Report {
  return { source: 'kube', target: 'prod', items, errors: [], notes: [], durationMs: 1234, ...overrides };
}

export const inSyncReport = (overrides: Partial<Report> = {}) => report([kubeItem('in-sync', 'redis'), kubeItem('in-sync', 'web')], overrides);
export const divergedReport = (overrides: Partial<Report> = {}) =>
  report([kubeItem('diverged', 'redis'), kubeItem('missing', 'queue'), kubeItem('in-sync', 'web')], overrides);
/** Could not tell: one object errored (exit 2), another diverged. */
export const failedReport = (overrides: Partial<Report> = {}) =>
  report([kubeItem('error', 'redis', { error: 'connection refused' }), kubeItem('diverged', 'web')], overrides);
