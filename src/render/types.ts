import type { ChalkInstance } from 'chalk';
import type { Report } from '../report.js';

export interface RenderOptions {
  chalk: ChalkInstance;
  /** -v: also list in-sync and unchanged items. */
  verbose: boolean;
}

/** A renderer turns a Report into the exact text written to stdout. It reads; it never compares. */
export type Renderer = (report: Report, options: RenderOptions) => string;
