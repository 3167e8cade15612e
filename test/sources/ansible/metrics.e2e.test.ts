// The metrics of issue 5 for `gitdiff ansible`: a drifted playbook sets
// gitdiff_diverged 1 under the playbook's name; results that cannot be trusted
// never turn it to 0; no no_log value becomes a label.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runGitdiff } from '../../support/run-cli.js';
import { API_TOKEN, OLD_TOKEN, fixtures } from './host-files.js';

const events = path.join(fixtures, 'results/site-drifted.events.jsonl');
let folder: string | undefined;
afterEach(() => folder && rmSync(folder, { recursive: true, force: true }));

describe('gitdiff ansible metrics', () => {
  it('a drift: gitdiff_diverged 1 for the playbook, one series per drifted host and task, no secret', async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'gitdiff-ansible-metrics-'));
    const textfile = path.join(folder, 'ansible.prom');
    const result = await runGitdiff(['ansible', 'site.yml', '--results', events, '--metrics-textfile', textfile, '--metrics-per-object']);
    expect(result.code).toBe(1);
    const metrics = readFileSync(textfile, 'utf8');
    expect(metrics).toContain('gitdiff_diverged{source="ansible",target="site.yml"} 1');
    expect(metrics).toContain('gitdiff_objects{source="ansible",target="site.yml",status="diverged"} 6');
    expect(metrics).toContain('gitdiff_objects{source="ansible",target="site.yml",status="unchecked"} 1');
    expect(metrics).toMatch(/gitdiff_object_diverged\{[^}]*host="web-01"[^}]*task="write motd"[^}]*\} 1/);
    expect(metrics).not.toMatch(/task="reload app"/);
    for (const secret of [API_TOKEN, OLD_TOKEN]) expect(metrics).not.toContain(secret);
  });

  it('results cut short: exit 2, run_success 0, and the earlier verdict is kept', async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'gitdiff-ansible-metrics-'));
    const textfile = path.join(folder, 'ansible.prom');
    await runGitdiff(['ansible', 'site.yml', '--results', events, '--metrics-textfile', textfile]);
    const cut = readFileSync(events, 'utf8').split('\n').filter((line) => !line.includes('"stats"')).join('\n');
    const result = await runGitdiff(['ansible', 'site.yml', '--results', '-', '--metrics-textfile', textfile], { input: cut });
    expect(result.code).toBe(2);
    const metrics = readFileSync(textfile, 'utf8');
    expect(metrics).toContain('gitdiff_run_success{source="ansible",target="site.yml"} 0');
    expect(metrics).toContain('gitdiff_diverged{source="ansible",target="site.yml"} 1');
  });
});
