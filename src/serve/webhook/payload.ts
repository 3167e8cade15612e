// What a webhook delivery says: one drift event as JSON, for a chat bot or a
// deploy pipeline to act on. Pure: a stored event (and the run's report, for
// the items a `diverged` event names by title) in, a body out.
//
// Changes are sent as their paths only: which fields differ, never what they
// hold. Reports are masked already (Secret data, sensitive values, no_log), and
// a receiver is one more place data travels to; the page and the API have the
// values for whoever may read them.
import type { Report, Status } from '../../report.js';
import type { DriftEventKind, EventItem, StoredEvent } from '../drift/events.js';

export interface WebhookItem {
  title: string;
  status: Status;
  /** The paths of the fields that differ. */
  changes: string[];
  /** How many more the event left out (an item with very many changes). */
  changesOmitted?: number;
}

export interface WebhookBody {
  /** The event's id: increases, never reused, so a receiver can drop a repeated delivery. */
  id: number;
  check: string;
  event: DriftEventKind;
  /** The declared revision (a commit), when the check knows it. */
  revision: string | null;
  /** RFC 3339, UTC. */
  at: string;
  items: WebhookItem[];
  /** converged: seconds from the commit being first seen to the live side matching it; else null. */
  convergedInSeconds: number | null;
}

function fromEventItem(item: EventItem): WebhookItem {
  return {
    title: item.title,
    status: item.status,
    changes: item.changes.map((change) => change.path),
    ...(item.changesOmitted ? { changesOmitted: item.changesOmitted } : {}),
  };
}

/** A `diverged` event names its items by title; the run's report says how each differs. */
function fromReport(title: string, report: Report | undefined): WebhookItem {
  const item = report?.items.find((each) => each.title === title);
  if (!item) return { title, status: 'diverged', changes: [] };
  return { title, status: item.status, changes: item.changes.map((change) => change.path) };
}

export function webhookBody(event: StoredEvent, report?: Report): WebhookBody {
  const items = event.item ? [fromEventItem(event.item)] : (event.items ?? []).map((title) => fromReport(title, report));
  return {
    id: event.id,
    check: event.check,
    event: event.kind,
    revision: event.revision ?? report?.revision ?? null,
    at: new Date(event.at).toISOString(),
    items,
    convergedInSeconds: event.convergedInMs === undefined ? null : Math.round(event.convergedInMs) / 1000,
  };
}

/** The bodies a target receives for a run's events: the kinds it asked for, in order. */
export function bodiesFor(events: readonly StoredEvent[], wanted: readonly DriftEventKind[], report?: Report): WebhookBody[] {
  return events.filter((event) => wanted.includes(event.kind)).map((event) => webhookBody(event, report));
}
