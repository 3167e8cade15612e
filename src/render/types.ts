import type { ChalkInstance } from 'chalk';
import type { Report } from '../report.js';

export interface RenderOptions {
  chalk: ChalkInstance;
  /** -v: also list in-sync and unchanged items. */
  verbose: boolean;
}

/** A renderer turns a Report into the exact text written to stdout. It reads; it never compares. */
export type Renderer = (report: Report, options: RenderOptions) => string;

/** The same text in pieces, for formats whose whole text need not be in memory at once (a large plan's -o json). */
export type ChunkedRenderer = (report: Report, options: RenderOptions) => Iterable<string>;
