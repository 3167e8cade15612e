// The textfile as a real node_exporter (textfile collector only) serves it.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportMetrics } from '../../src/metrics/export.js';
import type { MetricsOptions } from '../../src/metrics/options.js';
import type { Report } from '../../src/report.js';
import { itWith } from '../support/binaries.js';
import { expectPromtoolAccepts, INSTALL, scrape, startNodeExporter, valueOf, type Component } from '../support/prometheus.js';
import { cacheDeployment, divergedReport, failedReport, inSyncReport, reportOf } from '../support/sample-reports.js';

const itNodeExporter = itWith(['prometheus-node-exporter', 'promtool'], INSTALL);
const prod = { source: 'kube', target: 'prod' };
let directory: string;
let nodeExporter: Component | undefined;

beforeAll(async () => {
  directory = mkdtempSync(path.join(tmpdir(), 'gitdiff-node-exporter-'));
  if (itNodeExporter === it) nodeExporter = await startNodeExporter(directory);
});
afterAll(async () => {
  await nodeExporter?.stop();
  rmSync(directory, { recursive: true, force: true });
});

function optionsFor(name: string, perObject = false): MetricsOptions {
  return { textfile: path.join(directory, name), job: 'gitdiff', labels: {}, perObject };
}

async function write(name: string, input: Report, perObject = false): Promise<void> {
  const now = Date.now();
  expect(await exportMetrics({ source: input.source, report: input, startedAt: now - input.durationMs, endedAt: now }, optionsFor(name, perObject))).toEqual([]);
}

describe('node_exporter textfile collector', () => {
  itNodeExporter('serves a divergence as gitdiff_diverged 1, with no scrape error', async () => {
    await write('check.prom', divergedReport(), true);
    expectPromtoolAccepts(readFileSync(path.join(directory, 'check.prom'), 'utf8'));
    const families = await scrape(nodeExporter!);
    expect(valueOf(families, 'node_textfile_scrape_error')).toBe(0);
    expect(valueOf(families, 'gitdiff_diverged', prod)).toBe(1);
    expect(valueOf(families, 'gitdiff_objects', { ...prod, status: 'diverged' })).toBe(1);
    expect(valueOf(families, 'gitdiff_object_diverged', { ...prod, kind: 'Deployment', namespace: 'cache', name: 'redis' })).toBe(1);
    expect(valueOf(families, 'node_textfile_mtime_seconds', { file: path.join(directory, 'check.prom') })).toBeGreaterThan(0);
  });

  itNodeExporter('keeps serving the divergence after a failed run, with run_success 0; then 0 after an in-sync run', async () => {
    await write('check.prom', divergedReport());
    await write('check.prom', failedReport());
    let families = await scrape(nodeExporter!);
    expect(valueOf(families, 'node_textfile_scrape_error')).toBe(0);
    expect([valueOf(families, 'gitdiff_diverged', prod), valueOf(families, 'gitdiff_run_success', prod)]).toEqual([1, 0]);
    await write('check.prom', inSyncReport());
    families = await scrape(nodeExporter!);
    expect([valueOf(families, 'gitdiff_diverged', prod), valueOf(families, 'gitdiff_run_success', prod)]).toEqual([0, 1]);
  });

  itNodeExporter('serves label values with quotes, backslashes, newlines and slashes as written', async () => {
    const awkward = 'infra/"prod"\\eu\nwest';
    await write('awkward.prom', inSyncReport({ source: 'terraform', target: awkward }));
    const families = await scrape(nodeExporter!);
    expect(valueOf(families, 'node_textfile_scrape_error')).toBe(0);
    expect(valueOf(families, 'gitdiff_diverged', { source: 'terraform', target: awkward })).toBe(0);
  });

  itNodeExporter('never shows a scrape error or half a file while gitdiff rewrites it, scraped in a loop', async () => {
    // Two large reports (per-object series make the file ~100 KB), written alternately: a scrape must see one or the other, whole.
    const big = (diverged: number) => reportOf(Array.from({ length: 1000 }, (_, index) => cacheDeployment(index < diverged ? 'diverged' : 'in-sync', `app-${index}`)));
    const versions = [big(600), big(400)];
    let writing = true;
    const writer = (async () => {
      for (let round = 0; round < 150; round++) {
        await write('busy.prom', versions[round % 2], true);
        await sleep(round % 3); // vary the moment of the rename relative to the scrapes
      }
      writing = false;
    })();
    let scrapes = 0;
    while (writing && scrapes < 2000) {
      const families = await scrape(nodeExporter!);
      scrapes++;
      expect(valueOf(families, 'node_textfile_scrape_error')).toBe(0);
      const diverged = valueOf(families, 'gitdiff_objects', { ...prod, status: 'diverged' });
      const perObject = families.find((each) => each.name === 'gitdiff_object_diverged')!.samples.filter((each) => each.labels.target === 'prod');
      expect([600, 400]).toContain(diverged);
      expect(perObject, 'the per-object series match the counts of the same file').toHaveLength(diverged!);
    }
    await writer;
    expect(scrapes).toBeGreaterThan(5);
    expect(readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
