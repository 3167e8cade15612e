// serve's log line for each commit-level drift event (committed, converged,
// diverged): the GitOps loop's "change committed" / "converged" / "diff" alerts
// as one line on stderr, whether a run or the grace-period timer made them.
// Item events (appeared, changed, resolved) are not logged: the run's own line
// and the page say what differs.
import { formatMs } from '../../duration.js';
import type { DriftEvent } from './events.js';

/** Titles a diverged line names before it counts the rest: a line, not a report. */
const TITLES_SHOWN = 3;

function shortRevision(revision: string | undefined): string {
  return revision === undefined ? 'an unknown revision' : `revision ${revision.slice(0, 12)}`;
}

export function eventLogLine(event: DriftEvent): string | undefined {
  switch (event.kind) {
    case 'committed':
      return `${shortRevision(event.revision)} committed (was ${event.previousRevision?.slice(0, 12) ?? 'unknown'}): waiting for the live side to converge`;
    case 'converged':
      return `converged to ${shortRevision(event.revision)} in ${formatMs(Math.max(0, Math.round((event.convergedInMs ?? 0) / 1000) * 1000))}`;
    case 'diverged': {
      const titles = event.items ?? [];
      const rest = titles.length > TITLES_SHOWN ? ` and ${titles.length - TITLES_SHOWN} more` : '';
      return `diverged from ${shortRevision(event.revision)}: ${titles.slice(0, TITLES_SHOWN).join(', ')}${rest}`;
    }
    default:
      return undefined;
  }
}
