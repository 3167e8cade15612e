// The webhook body of each kind of drift event, built from events as the
// tracker stores them (converged and diverged ones constructed here: the
// tracker emits them once convergence tracking lands).
import { describe, expect, it } from 'vitest';
import { SENSITIVE, type Report } from '../../src/report.js';
import type { StoredEvent } from '../../src/serve/drift/events.js';
import { bodiesFor, webhookBody } from '../../src/serve/webhook/payload.js';

const AT = Date.UTC(2026, 11, 6, 1, 2, 3);

const report: Report = {
  source: 'kube', target: 'prod', revision: 'c0ffee1', errors: [], notes: [], durationMs: 5,
  items: [
    { ref: { kind: 'Deployment', name: 'api' }, title: 'apps/v1 Deployment web/api', status: 'diverged', changes: [{ path: 'spec.replicas', declared: 4, live: 3 }] },
    { ref: { kind: 'Secret', name: 'db' }, title: 'v1 Secret web/db', status: 'diverged', changes: [{ path: 'data.password', declared: SENSITIVE, live: SENSITIVE, sensitive: true }] },
    { ref: { kind: 'ConfigMap', name: 'new' }, title: 'v1 ConfigMap web/new', status: 'missing', changes: [] },
  ],
};

describe('webhookBody', () => {
  it('diverged: the items the event names, with their status and changed paths from the run\'s report, values never', () => {
    const event: StoredEvent = { id: 9, check: 'web', kind: 'diverged', at: AT, revision: 'c0ffee1', items: ['apps/v1 Deployment web/api', 'v1 Secret web/db', 'v1 ConfigMap web/new', 'v1 Service web/gone'] };
    const body = webhookBody(event, report);
    expect(body).toEqual({
      id: 9, check: 'web', event: 'diverged', revision: 'c0ffee1', at: '2026-12-06T01:02:03.000Z', convergedInSeconds: null,
      items: [
        { title: 'apps/v1 Deployment web/api', status: 'diverged', changes: ['spec.replicas'] },
        { title: 'v1 Secret web/db', status: 'diverged', changes: ['data.password'] },
        { title: 'v1 ConfigMap web/new', status: 'missing', changes: [] },
        // Not in the report (it changed since): named, as the event has it.
        { title: 'v1 Service web/gone', status: 'diverged', changes: [] },
      ],
    });
    expect(JSON.stringify(body)).not.toContain(SENSITIVE);
  });

  it('converged: the revision and how long it took, in seconds', () => {
    const event: StoredEvent = { id: 10, check: 'web', kind: 'converged', at: AT, revision: 'c0ffee1', convergedInMs: 93_250 };
    expect(webhookBody(event, report)).toMatchObject({ event: 'converged', revision: 'c0ffee1', items: [], convergedInSeconds: 93.25 });
  });

  it('an item event: its one item, the changes the event kept and how many it left out; the revision from the report', () => {
    const event: StoredEvent = {
      id: 11, check: 'web', kind: 'changed', at: AT,
      item: { key: 'k', title: 'apps/v1 Deployment web/api', status: 'diverged', changes: [{ path: 'spec.replicas', declared: 4, live: 2 }], changesOmitted: 60 },
    };
    expect(webhookBody(event, report)).toMatchObject({
      event: 'changed', revision: 'c0ffee1', items: [{ title: 'apps/v1 Deployment web/api', status: 'diverged', changes: ['spec.replicas'], changesOmitted: 60 }],
    });
    expect(webhookBody(event).revision).toBeNull();
  });
});

describe('bodiesFor', () => {
  it('keeps the kinds the webhook asked for, in the order they happened', () => {
    const events: StoredEvent[] = [
      { id: 1, check: 'web', kind: 'committed', at: AT, revision: 'c0ffee1' },
      { id: 2, check: 'web', kind: 'appeared', at: AT, item: { key: 'a', title: 'a', status: 'extra', changes: [] } },
      { id: 3, check: 'web', kind: 'diverged', at: AT, items: [] },
      { id: 4, check: 'web', kind: 'converged', at: AT, convergedInMs: 1000 },
    ];
    expect(bodiesFor(events, ['converged', 'diverged']).map((body) => [body.id, body.event])).toEqual([[3, 'diverged'], [4, 'converged']]);
    expect(bodiesFor(events, ['resolved'])).toEqual([]);
  });
});
