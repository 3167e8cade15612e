// What every bench scenario returns: measured rows (for the table) and target
// checks (each says whether the target is met, and why not).
import type { RepeatPlan, Stats } from './measure.js';

export interface BenchContext {
  /** The small CI configuration: tiny inputs, one run, no warm-up. Checks that nothing errors, not timing. */
  quick: boolean;
  plan: RepeatPlan;
  /** A scratch folder for generated inputs, removed after the run. */
  workDir: string;
  /** ../shared/fixtures when present (real third-party data); undefined on a user's clone. */
  sharedFixtures?: string;
  log(line: string): void;
}

export interface Row {
  scenario: string;
  /** What was run: "gitdiff", "kubectl get per object (kubediff)", ... */
  subject: string;
  wallMs?: Stats;
  cpuMs?: Stats;
  peakRssMb?: Stats;
  /** HTTP requests the API server received for one run. */
  requests?: number;
  /** Anything else worth a column: a ratio, an output size. */
  note?: string;
}

export interface Target {
  scenario: string;
  /** The target as the issue states it. */
  target: string;
  /** What was measured, in the target's terms. */
  measured: string;
  met: boolean;
  /** When not met (or measured another way than the target says): why, plainly. */
  why?: string;
}

export interface ScenarioResult {
  rows: Row[];
  targets: Target[];
  /** Sentences for docs/benchmarks.md: how inputs were made, what was extrapolated. */
  notes: string[];
  /** Set when the scenario could not run (a missing binary): said loudly, never silently dropped. */
  skipped?: string;
}

export interface Scenario {
  id: string;
  title: string;
  run(context: BenchContext): Promise<ScenarioResult>;
}

export function ratio(value: number, base: number): string {
  return `${(value / base).toFixed(2)}x`;
}
