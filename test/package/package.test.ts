// gitdiff as a package, the way a user installs it: `npm pack`, then
// `npm install -g` of the tarball into a private prefix, run from a folder that
// is not the checkout; and a production install (`npm ci --omit=dev`) of the
// sources with a dist/ built elsewhere. npm reads packages from its cache when it
// has them (CI's `npm ci` filled it), so these installs rarely reach the registry.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWith } from '../support/binaries.js';
import { repoRoot } from '../support/run-cli.js';

const packageJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const npmEnv = { ...process.env, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' };
const EXAMPLE_ARGS = ['kube', 'fixtures/example/manifests', '--live-from', 'fixtures/example/live.yaml'];

let scratch: string;
let packedFiles: string[];
let prefix: string;
/** A folder that is not the checkout, where the installed gitdiff is run. */
let elsewhere: string;

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync('npm', args, { cwd, encoding: 'utf8', env: npmEnv });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${result.status} in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Runs the installed `gitdiff` found on PATH (the prefix's bin/ first), in `cwd`. */
function installedGitdiff(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync('gitdiff', args, {
    cwd, encoding: 'utf8', env: { PATH: `${path.join(prefix, 'bin')}:${process.env.PATH}`, HOME: scratch, LANG: 'C.UTF-8', ...env },
  });
}

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-package-'));
  // --ignore-scripts: `prepare` would rebuild dist/ under the other test files running now; `npm test` built it first.
  const pack = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], repoRoot);
  const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  packedFiles = packed.files.map((file) => file.path).sort();
  prefix = path.join(scratch, 'prefix');
  npm(['install', '--global', '--prefix', prefix, path.join(scratch, packed.filename)], scratch);
  elsewhere = path.join(scratch, 'elsewhere');
  mkdirSync(elsewhere);
}, 300_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the packed package holds what gitdiff needs and nothing else', () => {
  it.each([
    'package.json', 'README.md', 'LICENSE', 'bin/gitdiff', 'dist/cli.js', 'dist/sources/ansible/callback/gitdiff.py',
    'fixtures/example/manifests/redis.yaml', 'fixtures/example/live.yaml', 'fixtures/example/gitdiff-serve.yaml',
  ])('has %s', (file) => {
    expect(packedFiles).toContain(file);
  });

  it('has every page of docs/ (the README links them; the JSON schema is there too)', () => {
    const docs = readdirSync(path.join(repoRoot, 'docs'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile()).map((entry) => path.relative(repoRoot, path.join(entry.parentPath, entry.name)));
    expect(docs).toContain('docs/json.md');
    expect(docs.filter((file) => !packedFiles.includes(file))).toEqual([]);
  });

  it('has no source maps, sources, tests, test and bench tools, other fixtures, scripts or deployment files', () => {
    const strays = packedFiles.filter((file) => file.endsWith('.map') || /^(src|test|tools|bench|scripts|deploy|\.ci)\//.test(file)
      || (file.startsWith('fixtures/') && !file.startsWith('fixtures/example/')) || file.endsWith('.ts'));
    expect(strays).toEqual([]);
  });

  it('comes from a repository that tracks no node_modules (a committed symlink to another checkout\'s would be emptied by `npm ci` in a clone)', () => {
    const tracked = spawnSync('git', ['ls-files', '--', 'node_modules', '**/node_modules'], { cwd: repoRoot, encoding: 'utf8' });
    expect(tracked.status).toBe(0);
    expect(tracked.stdout).toBe('');
  });

  it('lists in `files` only folders that exist', () => {
    expect((packageJson.files as string[]).filter((entry) => !existsSync(path.join(repoRoot, entry)))).toEqual([]);
  });

  it('carries the Apache-2.0 license its package.json names, in full, and says where the project lives', () => {
    const license = readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8');
    expect(packageJson.license).toBe('Apache-2.0');
    expect(license).toMatch(/^\s*Apache License\n\s*Version 2\.0, January 2004\n/);
    expect(license).toContain('9. Accepting Warranty or Additional Liability.');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(packageJson.repository.url).toMatch(/github\.com\/gitdiff\/gitdiff/);
    expect(packageJson.homepage).toMatch(/^https:\/\//);
    expect(packageJson.bugs.url).toMatch(/^https:\/\/.*\/issues$/);
  });
});

describe('npm install -g of the packed package', () => {
  it('gitdiff --version runs from another folder', () => {
    const result = installedGitdiff(['--version'], elsewhere);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(packageJson.version);
    expect(result.status).toBe(0);
  });

  it('runs the built-in example it ships, copied elsewhere: the scaled Deployment diverges (exit 1)', () => {
    const installed = path.join(prefix, 'lib/node_modules', packageJson.name);
    cpSync(path.join(installed, 'fixtures/example'), path.join(elsewhere, 'fixtures/example'), { recursive: true });
    const result = installedGitdiff(EXAMPLE_ARGS, elsewhere);
    expect(result.stdout).toContain('~ apps/v1 Deployment cache/redis (fixtures/example/manifests/redis.yaml:8)');
    expect(result.stdout).toMatch(/^1 diverged, 3 in sync \(4 objects, /m);
    expect(result.status).toBe(1);
  });

  itWith(['ansible-playbook'], 'apt-get install --no-install-recommends ansible-core')('gitdiff ansible finds its callback plugin in the installed package', () => {
    const play = path.join(scratch, 'play');
    mkdirSync(play, { recursive: true });
    writeFileSync(path.join(play, 'hosts.ini'), 'local-01 ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n');
    writeFileSync(path.join(play, 'site.yml'), [
      '- hosts: all', '  gather_facts: false', '  tasks:', '    - name: write motd',
      '      ansible.builtin.copy:', `        dest: ${path.join(play, 'motd')}`, '        content: "hello\\n"', '',
    ].join('\n'));
    const result = installedGitdiff(['ansible', 'site.yml', '-i', 'hosts.ini'], play, { HOME: play });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('local-01: 1 would change, 0 ok, 0 failed, 0 unreachable');
    expect(result.status).toBe(1);
    expect(existsSync(path.join(play, 'motd'))).toBe(false);
  }, 120_000);
});

describe('a production install of the sources (npm ci --omit=dev)', () => {
  let app: string;
  let install: SpawnSyncReturns<string>;

  beforeAll(() => {
    app = path.join(scratch, 'production');
    for (const entry of ['package.json', 'package-lock.json', 'scripts', 'bin']) cpSync(path.join(repoRoot, entry), path.join(app, entry), { recursive: true });
    install = npm(['ci', '--omit=dev'], app);
  }, 300_000);

  it('succeeds without the compiler, saying it did not build, and installs no dev dependency', () => {
    expect(install.stderr).toContain('typescript is not installed (a production install, --omit=dev): dist/ was not built here');
    expect(existsSync(path.join(app, 'node_modules/typescript'))).toBe(false);
    expect(existsSync(path.join(app, 'node_modules/commander'))).toBe(true);
  });

  it('without dist/, gitdiff says it is not built and how to build it (exit 2, no stack trace)', () => {
    const result = spawnSync(process.execPath, [path.join(app, 'bin/gitdiff'), ...EXAMPLE_ARGS], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.stderr).toBe(`gitdiff: error: ${path.join(app, 'dist/cli.js')} is missing: gitdiff is not built\n`
      + `  hint: run \`npm ci\` (with the dev dependencies) or \`npm run build\` in ${app}/\n`);
    expect(result.status).toBe(2);
  });

  it('with a dist/ built elsewhere (an image build stage, a CI artifact), runs the example', () => {
    cpSync(path.join(repoRoot, 'dist'), path.join(app, 'dist'), { recursive: true });
    const result = spawnSync(process.execPath, [path.join(app, 'bin/gitdiff'), ...EXAMPLE_ARGS], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.stdout).toMatch(/^1 diverged, 3 in sync \(4 objects, /m);
    expect(result.status).toBe(1);
  });
});
