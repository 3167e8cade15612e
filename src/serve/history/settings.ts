// serve's history flags, resolved and checked in one pure step before anything
// opens: --state-dir, --history-retention, --history-max-events.
import { parseDuration } from '../../duration.js';
import { GitdiffError } from '../../errors.js';

export const DEFAULT_HISTORY_RETENTION = '30d';
export const DEFAULT_HISTORY_MAX_EVENTS = 10_000;
/** A bound on the bound: a million events of a few KB each is already a few GB. */
const MAX_HISTORY_MAX_EVENTS = 1_000_000;

export interface HistoryOptions {
  stateDir?: string;
  historyRetention: string;
  historyMaxEvents: string;
}

export interface HistorySettings {
  /** Where the history is kept; undefined: in memory, lost on restart. */
  stateDir?: string;
  retentionMs: number;
  maxEventsPerCheck: number;
}

export function historySettings(options: HistoryOptions): HistorySettings {
  if (options.stateDir !== undefined && options.stateDir.trim() === '') {
    throw new GitdiffError('--state-dir: empty path', { hint: 'name a directory serve may write its history to, e.g. --state-dir /var/lib/gitdiff' });
  }
  const retentionMs = parseDuration(options.historyRetention, '--history-retention');
  if (retentionMs <= 0) throw new GitdiffError(`--history-retention: must be more than 0, not "${options.historyRetention}"`, { hint: 'e.g. --history-retention 30d' });
  const text = options.historyMaxEvents.trim();
  const maxEventsPerCheck = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(maxEventsPerCheck >= 1 && maxEventsPerCheck <= MAX_HISTORY_MAX_EVENTS)) {
    throw new GitdiffError(`--history-max-events: expected a whole number from 1 to ${MAX_HISTORY_MAX_EVENTS}, not "${options.historyMaxEvents}"`, {
      hint: `the most events kept per check (default ${DEFAULT_HISTORY_MAX_EVENTS})`,
    });
  }
  return { stateDir: options.stateDir, retentionMs, maxEventsPerCheck };
}
