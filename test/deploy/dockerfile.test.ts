// The image's contents, proven without a container engine: the Dockerfile's
// stages performed in folders (image-steps.ts follows its WORKDIR, COPY, RUN,
// ENV, USER and ENTRYPOINT lines, with the build context filtered by
// .dockerignore), then the result run through its ENTRYPOINT.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/run-cli.js';
import { dockerignoreMatcher, parseDockerfile } from './dockerfile.js';
import { performStage, resolveOnImagePath, type StageResult } from './image-steps.js';

const dockerfile = parseDockerfile(readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'));
const ignored = dockerignoreMatcher(readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8'));
const packageJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const runtime = dockerfile[dockerfile.length - 1];

let scratch: string;
let image: StageResult;

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-image-'));
  const stages = new Map<string, StageResult>();
  // npm reads packages from its cache when it has them (the registry is the same); the installs are unchanged.
  const npmEnv = { npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' };
  for (const [index, stage] of dockerfile.entries()) {
    const result = performStage(stage, { root: path.join(scratch, `stage-${index}`), context: repoRoot, ignored, stages, npmEnv });
    if (stage.name) stages.set(stage.name, result);
    image = result;
  }
}, 300_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** The ENTRYPOINT's init (tini) and the command it starts: `tini -- COMMAND...`. */
function initAndCommand(): { init: string; command: string[] } {
  const [init, separator, ...command] = image.entrypoint!;
  expect(separator, 'ENTRYPOINT [INIT, "--", COMMAND...]').toBe('--');
  return { init, command };
}

/**
 * Runs the image's ENTRYPOINT with `args`, as `docker run IMAGE args` would: the host's node stands for
 * the image's, and the command runs without its init (tini, an apt package here, execs it unchanged).
 */
function runImage(args: string[]) {
  const { command } = initAndCommand();
  const entrypoint = resolveOnImagePath(image, command[0]);
  expect(entrypoint, `${command[0]} on the image's PATH`).toBeDefined();
  const imagePath = image.env.PATH.split(':').map((folder) => path.join(image.root, folder)).join(':');
  return spawnSync(entrypoint!, [...command.slice(1), ...args], {
    cwd: repoRoot, encoding: 'utf8', env: { PATH: `${imagePath}:${path.dirname(process.execPath)}`, HOME: scratch, LANG: 'C.UTF-8' },
  });
}

describe('the Dockerfile', () => {
  it('has a build stage and a runtime stage on the same Node image', () => {
    expect(dockerfile.map((stage) => stage.name)).toEqual(['build', undefined]);
    expect(dockerfile[0].base).toBe(runtime.base);
    // Node.js 24 in the image; package.json's engines still allow 20 for installs elsewhere.
    expect(runtime.base).toMatch(/^node:24-[a-z]+-slim$/);
  });

  it('runs gitdiff under tini as PID 1 (signals forwarded, orphaned children reaped), installed in the image', () => {
    const { init, command } = initAndCommand();
    expect(init).toBe('/usr/bin/tini');
    expect(command[0]).toBe('gitdiff');
    const install = image.systemSteps.find((step) => step[0] === 'apt-get' && step[1] === 'install');
    expect(install).toContain('tini');
  });

  it('holds no npm, npx or corepack: they are removed after the production install', () => {
    const removed = image.systemSteps.filter((step) => step[0] === 'rm').flatMap((step) => step.slice(1));
    for (const tool of ['/usr/local/lib/node_modules/npm', '/usr/local/lib/node_modules/corepack', '/usr/local/bin/npm', '/usr/local/bin/npx', '/usr/local/bin/corepack']) {
      expect(removed, tool).toContain(tool);
    }
    // Removed after the runtime stage's last npm command (the image's npm is gone from there on).
    const commands = runtime.instructions.filter((instruction) => instruction.keyword === 'RUN')
      .flatMap((instruction) => instruction.args.split('&&').map((command) => command.trim().split(/\s+/)));
    const lastNpm = commands.findLastIndex((command) => command[0] === 'npm');
    const removal = commands.findIndex((command) => command[0] === 'rm' && command.includes('/usr/local/bin/npm'));
    expect(lastNpm).toBeGreaterThanOrEqual(0);
    expect(removal).toBeGreaterThan(lastNpm);
  });

  it('runs as a numeric non-root user, the one the image creates and the CronJob runs as', () => {
    const [user, group] = image.user!.split(':').map(Number);
    expect(user).toBeGreaterThan(0);
    expect(image.systemSteps).toContainEqual(expect.arrayContaining(['useradd', '--uid', String(user), '--gid', String(group)]));
    const cronJob = load(readFileSync(path.join(repoRoot, 'deploy/kubernetes/cronjob/cronjob.yaml'), 'utf8')) as Record<string, any>;
    const podSecurity = cronJob.spec.jobTemplate.spec.template.spec.securityContext;
    expect([podSecurity.runAsUser, podSecurity.runAsGroup]).toEqual([user, group]);
  });

  it('installs git (the init container clones with it) and CA certificates (https remotes), without recommends', () => {
    const install = image.systemSteps.find((step) => step[0] === 'apt-get' && step[1] === 'install');
    expect(install).toEqual(expect.arrayContaining(['--no-install-recommends', 'git', 'ca-certificates']));
  });

  it('has production dependencies only, and the built dist/', () => {
    const app = path.join(image.root, '/opt/gitdiff');
    // The lockfile marks what only the dev dependencies need ("dev": true); some @types are production dependencies of the Kubernetes client.
    const locked = Object.entries(JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')).packages as Record<string, { dev?: boolean }>)
      .filter(([location]) => location.startsWith('node_modules/'));
    const installed = (location: string) => existsSync(path.join(app, location));
    expect(locked.filter(([location, entry]) => entry.dev && installed(location)).map(([location]) => location)).toEqual([]);
    expect(locked.filter(([location, entry]) => !entry.dev && !installed(location)).map(([location]) => location)).toEqual([]);
    expect([installed('node_modules/typescript'), installed('node_modules/vitest'), installed('node_modules/@kubernetes/client-node')]).toEqual([false, false, true]);
    expect(existsSync(path.join(app, 'dist/cli.js'))).toBe(true);
    expect(existsSync(path.join(app, 'src'))).toBe(false);
  });

  it('starts: gitdiff --version through the ENTRYPOINT', () => {
    const result = runImage(['--version']);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(packageJson.version);
    expect(result.status).toBe(0);
  });

  it('works: gitdiff kube on the built-in example finds the scaled Deployment (exit 1)', () => {
    const result = runImage(['kube', 'fixtures/example/manifests', '--live-from', 'fixtures/example/live.yaml']);
    expect(result.stdout).toContain('~ apps/v1 Deployment cache/redis (fixtures/example/manifests/redis.yaml:8)');
    expect(result.stdout).toMatch(/^1 diverged, 3 in sync \(4 objects, /m);
    expect(result.status).toBe(1);
  });

  it('prints the help by default (CMD)', () => {
    const result = runImage(image.cmd!);
    expect(result.stdout).toContain('Usage: gitdiff');
    expect(result.status).toBe(0);
  });
});

describe('.dockerignore', () => {
  it.each([
    ['package.json', false], ['package-lock.json', false], ['tsconfig.build.json', false], ['src/cli.ts', false],
    ['src/sources/kube/run.ts', false], ['bin/gitdiff', false],
    ['node_modules/chalk/package.json', true], ['dist/cli.js', true], ['.git/config', true], ['test/deploy/dockerfile.test.ts', true],
    ['fixtures/example/live.yaml', true], ['kubeconfig', true], ['gitdiff.prom', true], ['.env', true],
  ])('%s excluded: %s', (file, excluded) => {
    expect(ignored(file)).toBe(excluded);
  });

  it.each([
    ['*\n!src\n', 'src/a/b.ts', false],
    ['src\n!src/keep.ts\n', 'src/keep.ts', false],
    ['src\n!src/keep.ts\n', 'src/drop.ts', true],
    ['**/*.prom\n', 'a/b/c.prom', true],
    ['**/*.prom\n', 'c.prom', true],
    ['/dist/\n', 'dist/cli.js', true],
    ['d?st\n', 'dist/x', true],
    ['# a comment\n\nnode_modules\n', 'src/node_modules.ts', false],
  ])('patterns %j: %s excluded: %s', (patterns, file, excluded) => {
    expect(dockerignoreMatcher(patterns)(file)).toBe(excluded);
  });
});
