// Every subcommand over every fixture that holds secrets, in every output
// format (whatever src/render registers) plus the metrics textfile, with -v:
// the bytes gitdiff writes are scanned for every Secret value, Terraform
// sensitive value and Ansible no_log value of the inputs, plain and base64.
// Zero hits. Inputs read from files run in-process (hundreds of runs); real
// terraform and ansible-playbook runs are processes.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderers } from '../../src/render/index.js';
import { itWith } from '../support/binaries.js';
import { repoRoot, runGitdiff, sharedFixtures, type CliResult } from '../support/run-cli.js';
import { sharedCorpus } from '../support/shared-corpus.js';
import { startKubeApiServer } from '../../tools/kube-api-server/index.js';
import { API_TOKEN, OLD_TOKEN, ansibleEnv, fixtures as ansibleFixtures, install as installAnsible, makeHost } from '../sources/ansible/host-files.js';
import { startServe } from '../support/serve-process.js';
import { runInProcess } from '../support/in-process.js';
import { kubeSecretValues, revealingForms, terraformSensitiveStrings, withCanaries } from './secret-values.js';

type Obj = Record<string, any>;
const FORMATS = Object.keys(renderers);
const { present: haveShared } = sharedCorpus('.', 'the shared-fixture secret scans');
const itShared = haveShared ? it : it.skip;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-secrets-scan-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `run` once per output format with -v and the metrics textfile (per
 * object too), and returns each leaked form with the format that leaked it.
 */
async function leaksAcrossFormats(run: (extra: string[]) => Promise<CliResult>, secrets: string[]): Promise<string[]> {
  expect(secrets.length).toBeGreaterThan(0);
  const leaks: string[] = [];
  for (const format of FORMATS) {
    const textfile = path.join(dir, `scan-${format}.prom`);
    rmSync(textfile, { force: true });
    const result = await run(['-o', format, '-v', '--metrics-textfile', textfile, '--metrics-per-object']);
    expect(result.code, `${format}: ${result.stderr}`).not.toBeNull();
    const bytes = result.stdout + result.stderr + (existsSync(textfile) ? readFileSync(textfile, 'utf8') : '');
    expect(bytes.length).toBeGreaterThan(0);
    for (const secret of secrets) if (bytes.includes(secret)) leaks.push(`${format}: ${JSON.stringify(secret.slice(0, 40))}`);
  }
  return leaks;
}

const formsOf = (values: (string | Buffer)[]) => [...new Set(values.flatMap((value) => revealingForms(value)))];
const readObjects = (file: string): Obj[] => {
  const text = readFileSync(file, 'utf8');
  return file.endsWith('.json') ? [JSON.parse(text)] : (loadAll(text) as Obj[]).filter(Boolean);
};

describe('kube: Secret values', () => {
  const manifests = path.join(repoRoot, 'fixtures/secrets/kube/manifests.yaml');
  const live = path.join(repoRoot, 'fixtures/secrets/kube/live.json');
  const secrets = () => formsOf(kubeSecretValues([...readObjects(manifests), ...readObjects(live)]));

  it('fixtures/secrets against its snapshot, with --strict', async () => {
    const leaks = await leaksAcrossFormats((extra) => runInProcess(['kube', manifests, '--live-from', live, '--strict', ...extra]), secrets());
    expect(leaks).toEqual([]);
  });

  it('fixtures/secrets against the test API server, applied with kubectl (values in last-applied-configuration)', async () => {
    const server = await startKubeApiServer();
    try {
      for (const object of readObjects(live)[0].items as Obj[]) {
        const { uid: _u, resourceVersion: _r, creationTimestamp: _c, managedFields: _m, annotations: _a, ...metadata } = object.metadata;
        server.apply({ ...object, metadata });
      }
      const kubeconfig = server.writeKubeconfig(mkdtempSync(path.join(dir, 'kc-')));
      const leaks = await leaksAcrossFormats((extra) => runInProcess(['kube', manifests, '--kubeconfig', kubeconfig, '--strict', ...extra]), secrets());
      expect(leaks).toEqual([]);
    } finally {
      await server.close();
    }
  });

  /** Shared fixtures with Secrets: real pairs where there are, else the same Secrets live with every value changed. */
  const sharedSecretFiles: [string, string | undefined][] = [
    ['kubernetes/live/kubectl-neat/secret1-neat.json', 'kubernetes/live/kubectl-neat/secret1-raw.yaml'],
    ['kubernetes/live/kubectl-neat/secret1-raw.json', 'kubernetes/live/kubectl-neat/secret1-neat.json'],
    ['kubernetes/live/argocd-gitops-engine-diff/wordpress-config.json', 'kubernetes/live/argocd-gitops-engine-diff/wordpress-live.json'],
    ['kubernetes/manifests/kube-prometheus/alertmanager-secret.yaml', undefined],
    ['kubernetes/manifests/kube-prometheus/grafana-config.yaml', undefined],
    ['kubernetes/manifests/kube-prometheus/grafana-dashboardDatasources.yaml', undefined],
    ['kubernetes/manifests/large/argo-cd-install.yaml', undefined],
  ];

  itShared.each(sharedSecretFiles)('shared %s', async (declaredFile, liveFile) => {
    const onlySecrets = (objects: Obj[]) => objects.flatMap((object) => (object.kind === 'List' ? object.items : [object])).filter((object: Obj) => object?.kind === 'Secret');
    const declared = onlySecrets(readObjects(path.join(sharedFixtures, declaredFile)));
    const liveObjects = liveFile ? onlySecrets(readObjects(path.join(sharedFixtures, liveFile))) : declared.map(changedValues);
    const declaredPath = path.join(dir, 'shared-declared.json');
    const livePath = path.join(dir, 'shared-live.json');
    const withNamespace = (object: Obj) => ({ ...object, metadata: { namespace: 'default', ...object.metadata } });
    writeFileSync(declaredPath, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: declared.map(withNamespace) }));
    writeFileSync(livePath, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: liveObjects.map(withNamespace) }));
    const leaks = await leaksAcrossFormats((extra) => runInProcess(['kube', declaredPath, '--live-from', livePath, '--strict', ...extra]), formsOf(kubeSecretValues([...declared, ...liveObjects])));
    expect(leaks).toEqual([]);
  });
});

/** The Secret as the cluster might hold it: every value different (and distinctive), one key more. */
function changedValues(secret: Obj, index: number): Obj {
  const keys = [...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})];
  const data = Object.fromEntries(keys.map((key) => [key, Buffer.from(`live-canary-${index}-${key}-9d8s7f`).toString('base64')]));
  data['extra-key'] = Buffer.from(`live-canary-${index}-extra-4k2m1`).toString('base64');
  const { stringData: _s, ...rest } = secret;
  return { ...rest, data };
}

describe('terraform: sensitive values', () => {
  /** Plans to scan: the repository's, and the shared show-json corpus. */
  function planFiles(): string[] {
    const files = readdirSync(path.join(repoRoot, 'fixtures/terraform/plans')).map((name) => path.join(repoRoot, 'fixtures/terraform/plans', name));
    files.push(path.join(repoRoot, 'fixtures/hostile/terraform/proto-keys.json'));
    const shared = path.join(sharedFixtures, 'terraform/show-json');
    if (existsSync(shared)) for (const name of readdirSync(shared)) files.push(path.join(shared, name, 'plan.json'));
    return files.filter(existsSync);
  }

  it('every saved plan, its sensitive values replaced by canaries, in every format', async () => {
    let scanned = 0;
    for (const file of planFiles()) {
      let plan: Obj;
      try {
        plan = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        continue; // the encodings and wrappers corpus: no sensitive marks to rewrite (terraform/corpus.test.ts reads them)
      }
      const { plan: rewritten, canaries } = withCanaries(plan, String(scanned));
      if (canaries.length === 0) continue;
      const planFile = path.join(dir, `plan-${scanned++}.json`);
      writeFileSync(planFile, JSON.stringify(rewritten));
      const leaks = await leaksAcrossFormats((extra) => runInProcess(['terraform', '--plan-json', planFile, ...extra]), canaries);
      expect(leaks, file).toEqual([]);
    }
    // The repository's own plans hold sensitive values (drift-and-changes.json); the shared corpus adds more.
    expect(scanned).toBeGreaterThanOrEqual(haveShared ? 5 : 1);
  });

  it('finds the values it scans for the way gitdiff must mask them: nested, in outputs, in variables', () => {
    const plan = JSON.parse(readFileSync(path.join(repoRoot, 'fixtures/terraform/plans/drift-and-changes.json'), 'utf8'));
    expect(terraformSensitiveStrings(plan).length).toBeGreaterThan(0);
  });

  itWith(['terraform'], 'terraform 1.x on PATH')('a real plan whose sensitive variable changed, in every format', async () => {
    const work = mkdtempSync(path.join(dir, 'tf-'));
    await cp(path.join(repoRoot, 'fixtures/terraform/configs/basic'), work, { recursive: true });
    const env = { HOME: work, TMPDIR: work, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    const terraform = (...args: string[]) => execFileSync('terraform', [`-chdir=${work}`, ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
    terraform('init', '-input=false', '-no-color');
    terraform('apply', '-auto-approve', '-input=false', '-no-color');
    const changed = 'changed-secret-canary-7c1e5d';
    const leaks = await leaksAcrossFormats((extra) => runGitdiff(['terraform', work, '--var', `secret=${changed}`, ...extra], { env }), formsOf(['initial-secret-3f9a2c', changed]));
    expect(leaks).toEqual([]);
  }, 180_000);
});

describe('ansible: no_log values', () => {
  const noLogValues = () => formsOf([API_TOKEN, OLD_TOKEN]);

  it('saved results of the no_log run, in the three shapes, and the shared text logs', async () => {
    const files = readdirSync(path.join(ansibleFixtures, 'results')).filter((name) => !name.endsWith('.sh')).map((name) => path.join(ansibleFixtures, 'results', name));
    const sharedLogs = path.join(sharedFixtures, 'ansible/text');
    if (existsSync(sharedLogs)) files.push(...readdirSync(sharedLogs).filter((name) => name.endsWith('.stdout')).map((name) => path.join(sharedLogs, name)));
    for (const file of files) {
      const leaks = await leaksAcrossFormats((extra) => runInProcess(['ansible', '--results', file, ...extra]), noLogValues());
      expect(leaks, file).toEqual([]);
    }
  });

  itWith(['ansible-playbook'], installAnsible)('a real run with a no_log task whose value drifted, in every format', async () => {
    const host = makeHost('drifted');
    try {
      const leaks = await leaksAcrossFormats(
        (extra) => runGitdiff(['ansible', 'site.yml', '-i', 'local.ini', '-e', `root=${host.root}`, '-e', `api_token=${API_TOKEN}`, ...extra], { cwd: ansibleFixtures, env: ansibleEnv(host) }),
        noLogValues(),
      );
      expect(leaks).toEqual([]);
    } finally {
      host.cleanup();
    }
  }, 180_000);
});

describe('serve: the status page, /api/checks and /metrics', () => {
  it('hold no Secret, sensitive or no_log value of the checks they show', async () => {
    const kubeFixtures = path.join(repoRoot, 'fixtures/secrets/kube');
    const plan = JSON.parse(readFileSync(path.join(repoRoot, 'fixtures/terraform/plans/drift-and-changes.json'), 'utf8'));
    const { plan: rewritten, canaries } = withCanaries(plan, 'serve');
    expect(canaries.length).toBeGreaterThan(0);
    const planFile = path.join(dir, 'serve-plan.json');
    writeFileSync(planFile, JSON.stringify(rewritten));
    const config = path.join(dir, 'serve.yaml');
    writeFileSync(config, dump({ checks: [
      { name: 'secrets', command: ['kube', path.join(kubeFixtures, 'manifests.yaml'), '--live-from', path.join(kubeFixtures, 'live.json'), '--strict'], interval: '1h' },
      { name: 'plan', command: ['terraform', '--plan-json', planFile], interval: '1h' },
      { name: 'hosts', command: ['ansible', '--results', path.join(ansibleFixtures, 'results/site-drifted.events.jsonl')], interval: '1h' },
    ] }));
    const secrets = [
      ...formsOf(kubeSecretValues([...readObjects(path.join(kubeFixtures, 'manifests.yaml')), ...readObjects(path.join(kubeFixtures, 'live.json'))])),
      ...canaries,
      ...formsOf([API_TOKEN, OLD_TOKEN]),
    ];
    const serve = await startServe(['--config', config, '-v']);
    try {
      await serve.waitForChecks((body) => body.ready, 'every check to have run', 60_000);
      const pages = await Promise.all(['/', '/api/checks', '/metrics'].map((pathname) => serve.get(pathname)));
      const bytes = pages.map((page) => page.body).join('\n') + serve.stderr();
      expect(pages.map((page) => page.status)).toEqual([200, 200, 200]);
      expect(bytes).toContain('data.password'); // the page shows the diverged Secret key, not its value
      expect(secrets.filter((secret) => bytes.includes(secret))).toEqual([]);
    } finally {
      await serve.stop();
    }
  });
});
