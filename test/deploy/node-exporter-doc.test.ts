// docs/node-exporter.md, run as written where it does not change the system:
// its systemd units pass `systemd-analyze verify`, their ExecStart lines and
// the cron lines run (host paths replaced by folders holding the fixtures)
// against real terraform and ansible-playbook, and a real node_exporter serves
// what they wrote. useradd, setfacl and systemctl are not run.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALL as PROMETHEUS_INSTALL, scrape, startNodeExporter, valueOf } from '../support/prometheus.js';
import { makeHost, API_TOKEN, type TestHost } from '../sources/ansible/host-files.js';
import { itWith } from '../support/binaries.js';
import { gitdiffBin, repoRoot } from '../support/run-cli.js';
import { blockContaining, blockLabelled, codeBlocks, runCommandBlock } from './doc-blocks.js';
import { cronScheduleProblem } from './kubernetes-rules.js';

const blocks = codeBlocks(path.join(repoRoot, 'docs/node-exporter.md'));
const unitFile = (name: string) => blockLabelled(blocks, `/etc/systemd/system/${name}`).text;
const CHECKS = [
  { source: 'terraform', service: 'gitdiff-terraform.service', timer: 'gitdiff-terraform.timer', prom: 'gitdiff-terraform.prom', target: 'infra' },
  { source: 'ansible', service: 'gitdiff-ansible.service', timer: 'gitdiff-ansible.timer', prom: 'gitdiff-ansible.prom', target: 'site.yml' },
];
const itSystemd = itWith(['systemd-analyze'], 'apt-get install systemd');
const itEverything = itWith(['terraform', 'ansible-playbook', 'flock', 'prometheus-node-exporter'],
  `terraform (https://developer.hashicorp.com/terraform/install), apt-get install ansible-core util-linux; ${PROMETHEUS_INSTALL}`);

let scratch: string;
let host: TestHost;
/** The page's host paths and the folders standing for them in this test. */
let hostPaths: [string, string][];

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-node-exporter-doc-'));
  const infra = path.join(scratch, 'srv/infra');
  cpSync(path.join(repoRoot, 'fixtures/terraform/configs/basic'), infra, { recursive: true });
  // The ansible "site": the fixture playbook, an inventory/production.ini for this machine, and the
  // variables the playbook needs in the inventory's group_vars (as a site would keep them).
  host = makeHost('drifted');
  const site = path.join(scratch, 'srv/ansible');
  mkdirSync(path.join(site, 'inventory/group_vars'), { recursive: true });
  cpSync(path.join(repoRoot, 'fixtures/ansible/site.yml'), path.join(site, 'site.yml'));
  cpSync(path.join(repoRoot, 'fixtures/ansible/templates'), path.join(site, 'templates'), { recursive: true });
  cpSync(path.join(repoRoot, 'fixtures/ansible/local.ini'), path.join(site, 'inventory/production.ini'));
  writeFileSync(path.join(site, 'inventory/group_vars/web.yml'), `root: ${host.root}\napi_token: ${API_TOKEN}\n`);
  for (const folder of ['textfiles', 'lock', 'home']) mkdirSync(path.join(scratch, folder));
  hostPaths = [
    ['/usr/local/bin/gitdiff', gitdiffBin], ['/srv/infra', infra], ['/srv/ansible', site],
    ['/var/lib/prometheus/node-exporter', path.join(scratch, 'textfiles')], ['/run/lock', path.join(scratch, 'lock')],
  ];
});

afterAll(() => {
  host?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

/** The page's paths replaced by the test's folders, wherever they start a path. */
function onThisMachine(text: string): string {
  return hostPaths.reduce((result, [from, to]) => result.replace(new RegExp(`${from.replace(/[.]/g, '\\.')}(?=[/\\s]|$)`, 'g'), to), text);
}

function serviceSetting(unit: string, key: string): string {
  const line = unit.split('\n').find((each) => each.startsWith(`${key}=`));
  if (!line) throw new Error(`no ${key}= in the unit`);
  return line.slice(key.length + 1);
}

/** What the runs get: systemd's default PATH plus node's folder (bin/gitdiff runs `env node`), and a HOME of their own. */
function runEnvironment(pathValue: string): Record<string, string> {
  return { PATH: `${pathValue}:${path.dirname(process.execPath)}`, HOME: path.join(scratch, 'home'), LANG: 'C.UTF-8', CHECKPOINT_DISABLE: '1' };
}

async function expectServedByNodeExporter(): Promise<void> {
  const nodeExporter = await startNodeExporter(path.join(scratch, 'textfiles'));
  try {
    const families = await scrape(nodeExporter);
    expect(valueOf(families, 'node_textfile_scrape_error')).toBe(0);
    for (const check of CHECKS) {
      const labels = { source: check.source, target: check.target };
      expect(valueOf(families, 'gitdiff_run_success', labels), `${check.source} run_success`).toBe(1);
      expect(valueOf(families, 'gitdiff_diverged', labels), `${check.source} diverged`).toBe(1);
    }
  } finally {
    await nodeExporter.stop();
  }
}

describe('docs/node-exporter.md', () => {
  itSystemd('each service and its timer pass systemd-analyze verify, and the timers\' OnCalendar parses', () => {
    const units = path.join(scratch, 'units');
    mkdirSync(units, { recursive: true });
    for (const { service, timer } of CHECKS) {
      // verify insists that ExecStart's program exists; everything else is verified as written.
      writeFileSync(path.join(units, service), unitFile(service).replace('ExecStart=/usr/local/bin/gitdiff', `ExecStart=${gitdiffBin}`));
      writeFileSync(path.join(units, timer), unitFile(timer));
      const verified = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(units, timer), path.join(units, service)], { encoding: 'utf8' });
      expect(verified.stderr, service).toBe('');
      expect(verified.status, service).toBe(0);
      const calendar = spawnSync('systemd-analyze', ['calendar', serviceSetting(unitFile(timer), 'OnCalendar')], { encoding: 'utf8' });
      expect(calendar.stdout).toContain('Normalized form: *-*-* *:00/30:00');
      expect(calendar.status).toBe(0);
    }
  });

  itEverything('the services\' ExecStart lines run, exit 0 on drift, and write files node_exporter serves', async () => {
    for (const { service } of CHECKS) {
      const unit = unitFile(service);
      const command = serviceSetting(unit, 'ExecStart');
      expect(command, 'systemd splits ExecStart on spaces and quotes: keep it plain').not.toMatch(/["'\\$%]/);
      const [program, ...args] = onThisMachine(command).split(/\s+/);
      const result = await execa(program, args, {
        cwd: onThisMachine(serviceSetting(unit, 'WorkingDirectory')), env: runEnvironment('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin'),
        extendEnv: false, reject: false, timeout: 120_000,
      });
      expect(result.stderr, service).toBe('');
      // Drift (terraform: resources to create; ansible: the drifted host), and still exit 0.
      expect(result.stdout, service).toMatch(/^\d+ (diverged|missing), /m);
      expect(result.exitCode, service).toBe(0);
    }
    await expectServedByNodeExporter();
  }, 240_000);

  itEverything('the cron lines run as written (sh -c, the file\'s PATH) and keep quiet on drift', async () => {
    const cron = blockLabelled(blocks, '/etc/cron.d/gitdiff').text.split('\n').filter((line) => line.trim() && !line.startsWith('#'));
    const environment = Object.fromEntries(cron.filter((line) => /^[A-Z_]+=/.test(line)).map((line) => line.split('=', 2)));
    const jobs = cron.filter((line) => !/^[A-Z_]+=/.test(line)).map((line) => {
      const fields = line.split(/\s+/);
      return { schedule: fields.slice(0, 5).join(' '), user: fields[5], command: fields.slice(6).join(' ') };
    });
    expect(jobs.map((job) => job.user)).toEqual(['gitdiff', 'gitdiff']);
    rmSync(path.join(scratch, 'textfiles'), { recursive: true, force: true });
    mkdirSync(path.join(scratch, 'textfiles'));
    for (const job of jobs) {
      expect(cronScheduleProblem(job.schedule)).toBeUndefined();
      // cron runs the command with /bin/sh -c.
      const result = await execa('/bin/sh', ['-c', onThisMachine(job.command)], {
        env: runEnvironment(environment.PATH), extendEnv: false, reject: false, timeout: 120_000,
      });
      expect(result.stdout, job.command).toBe('');
      expect(result.stderr, job.command).toBe('');
      expect(result.exitCode, job.command).toBe(0);
    }
    await expectServedByNodeExporter();
  }, 240_000);

  it('the cron lines and the services run the same checks', () => {
    const cron = blockLabelled(blocks, '/etc/cron.d/gitdiff').text;
    for (const { service } of CHECKS) {
      const command = serviceSetting(unitFile(service), 'ExecStart').replace('--no-error-on-diff', '--quiet --no-error-on-diff');
      expect(cron).toContain(`cd ${serviceSetting(unitFile(service), 'WorkingDirectory')} && flock -n `);
      expect(cron).toContain(command);
    }
  });

  itWith(['promtool'], 'apt-get install prometheus')('its promtool line passes on the shipped rules', () => {
    const result = runCommandBlock(blockContaining(blocks, 'sh', 'promtool check rules'), repoRoot);
    expect(result.stdout).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});
