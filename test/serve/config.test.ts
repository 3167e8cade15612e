import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitdiffError } from '../../src/errors.js';
import { sources } from '../../src/sources/index.js';
import { loadServeConfig, parseServeConfig } from '../../src/serve/checks-file.js';
import { repoRoot } from '../support/run-cli.js';
import { commandLine, shownCommand } from '../../src/serve/check-command.js';

const FILE = '/srv/gitdiff/gitdiff.yaml';
const parse = (text: string) => parseServeConfig(text, FILE, sources, {});

function refusal(text: string): GitdiffError {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(GitdiffError);
    return error as GitdiffError;
  }
  throw new Error('the config was accepted');
}

describe('parseServeConfig', () => {
  it('reads checks with the subcommand’s own flag parsing, defaults and all', () => {
    const config = parse(`
concurrency: 3
checks:
  - name: example
    command: [kube, manifests/, --live-from, live.yaml, --metrics-per-object, --metrics-label, env=prod]
    interval: 30s
  - name: infra
    command: [terraform, infra, --var, size=3, --var, tier=web, --target, terraform_data.server]
    timeout: 1h
`);
    expect(config).toMatchObject({ file: FILE, dir: '/srv/gitdiff', concurrency: 3 });
    const [example, infra] = config.checks;
    // Each command is completed by its source's options(), from the config file's folder.
    expect(example).toMatchObject({
      name: 'example', interval: '30s', intervalMs: 30_000, timeoutMs: 600_000,
      options: { paths: ['manifests/'], liveFrom: 'live.yaml', requestTimeoutMs: 30_000, ignoreHpaReplicas: true }, labels: { env: 'prod' }, perObject: true,
    });
    expect(example.source.name).toBe('kube');
    // terraform's own --target stays terraform's: it is a plan target, not the metrics label.
    expect(infra).toMatchObject({
      interval: '5m', intervalMs: 300_000, timeoutMs: 3_600_000,
      options: { input: { kind: 'run', dir: '/srv/gitdiff/infra' }, vars: ['size=3', 'tier=web'], targets: ['terraform_data.server'] }, labels: {}, perObject: false,
    });
  });

  it.each([
    ['absent: the default, 5m', '', 300_000, '5m'],
    ['a duration', 'converge-within: 90s', 90_000, '90s'],
    ['0: off', 'converge-within: 0', 0, '0'],
    ['"0s": off', 'converge-within: 0s', 0, '0s'],
  ])('converge-within %s', (_case, line, ms, text) => {
    const [check] = parse(`checks:\n  - name: a\n    command: [kube, m]\n    ${line}\n`).checks;
    expect([check.convergeWithinMs, check.convergeWithin]).toEqual([ms, text]);
  });

  it.each([
    ['not YAML', 'checks: [', /invalid YAML/, 'fix the YAML syntax'],
    ['not a mapping', '- a\n- b\n', /expected a mapping with a `checks` list/, 'docs/serve.md'],
    ['an unknown top-level field', 'check: []\n', /unknown field "check"/, 'known fields: concurrency, checks'],
    ['no checks', 'checks: []\n', /checks: expected a non-empty list/, 'docs/serve.md'],
    ['a bad concurrency', 'concurrency: 0\nchecks: [{name: a, command: [kube]}]\n', /concurrency: expected a whole number from 1 to 64, got 0/, undefined],
    ['a missing name', 'checks: [{command: [kube]}]\n', /checks\[0\]: name: missing/, '1-63 letters'],
    ['a name with spaces', 'checks: [{name: "prod cluster", command: [kube]}]\n', /checks\[0\]: name: "prod cluster" is not a valid check name/, '1-63 letters'],
    ['a duplicate name', 'checks: [{name: a, command: [kube]}, {name: a, command: [terraform]}]\n', /checks\[1\]: name: "a" is used by an earlier check/, 'unique'],
    ['an unknown check field', 'checks: [{name: a, command: [kube], intervall: 5m}]\n', /checks\[0\] \(a\): unknown field "intervall"/, 'known fields: name, command, interval, timeout, watch, resync, converge-within'],
    ['a command that is a string', 'checks: [{name: a, command: "kube manifests"}]\n', /checks\[0\] \(a\): command: expected a list/, 'command: [kube'],
    ['a number in a command', 'checks: [{name: a, command: [kube, m, --request-timeout, 30]}]\n', /command\[3\]: expected a string, got 30/, 'quote it'],
    ['an unknown subcommand', 'checks: [{name: a, command: [helm, m]}]\n', /checks\[0\] \(a\): command: "helm" is not a gitdiff subcommand/, 'kube, terraform'],
    ['an unknown flag', 'checks: [{name: a, command: [kube, m, --bogus]}]\n', /command: unknown option --bogus$/, 'gitdiff kube --help'],
    ['an output flag', 'checks: [{name: a, command: [kube, m, -o, json]}]\n', /command: unknown option -o$/, "serve's own"],
    ['a flag without its value', 'checks: [{name: a, command: [kube, m, --context]}]\n', /command: --context needs a value: --context <name>$/, undefined],
    ['too many arguments', 'checks: [{name: a, command: [terraform, one, two]}]\n', /command: too many arguments/, undefined],
    ['stdin', 'checks: [{name: a, command: [kube, m, --live-from, "-"]}]\n', /command: "-" reads standard input/, 'name a file'],
    ['a textfile destination', 'checks: [{name: a, command: [kube, m, --metrics-textfile, x.prom]}]\n', /--metrics-textfile does not apply under serve/, '/metrics'],
    ['a Pushgateway', 'checks: [{name: a, command: [kube, m, --pushgateway, "http://p:9091"]}]\n', /--pushgateway does not apply under serve/, '/metrics'],
    ['a metrics target', 'checks: [{name: a, command: [kube, m, --target, x]}]\n', /--target does not apply under serve/, "the check's name is its target label"],
    ["terraform's metrics target", 'checks: [{name: a, command: [terraform, d, --metrics-target, x]}]\n', /--metrics-target does not apply under serve/, 'target label'],
    ['a reserved metrics label', 'checks: [{name: a, command: [kube, m, --metrics-label, job=x]}]\n', /--metrics-label job: gitdiff or Prometheus sets this label itself/, undefined],
    ['an interval without a unit', 'checks: [{name: a, command: [kube], interval: 5}]\n', /interval: expected a duration with a unit, got 5/, '30s, 5m'],
    ['a quoted interval without a unit', 'checks: [{name: a, command: [kube], interval: "5"}]\n', /interval: "5" has no unit/, '30s, 5m'],
    ['a bad interval', 'checks: [{name: a, command: [kube], interval: soon}]\n', /checks\[0\] \(a\): interval: invalid duration "soon"/, '30s, 5m'],
    ['a zero timeout', 'checks: [{name: a, command: [kube], timeout: 0s}]\n', /timeout: "0s" is shorter than 1s/, undefined],
    ['a watch that is not true or false', 'checks: [{name: a, command: [kube, m], watch: "no"}]\n', /checks\[0\] \(a\): watch: expected true or false, got "no"/, 'watch: false'],
    ['a resync of a snapshot, which cannot be watched', 'checks: [{name: a, command: [kube, m, --live-from, live.yaml], resync: 24h}]\n', /checks\[0\] \(a\): resync: this check cannot be watched/, 'drop resync'],
    ['a resync of a terraform check', 'checks: [{name: a, command: [terraform, d], resync: 24h}]\n', /resync: this check cannot be watched/, 'drop resync'],
    ['a resync with watch: false', 'checks: [{name: a, command: [kube, m], watch: false, resync: 24h}]\n', /resync: does not apply with watch: false/, 'drop resync'],
    ['a resync without a unit', 'checks: [{name: a, command: [kube, m], resync: 24}]\n', /resync: expected a duration with a unit, got 24/, '30s, 5m'],
    ['a converge-within without a unit', 'checks: [{name: a, command: [kube], converge-within: 5}]\n', /converge-within: expected a duration with a unit, got 5/, '0 to turn it off'],
    ['a bad converge-within', 'checks: [{name: a, command: [kube], converge-within: later}]\n', /checks\[0\] \(a\): converge-within: invalid duration "later"/, '0 to turn it off'],
    ['a converge-within under a second', 'checks: [{name: a, command: [kube], converge-within: 500ms}]\n', /converge-within: "500ms" is shorter than 1s/, '0 to turn it off'],
    // Flags that parse, in a combination the source itself refuses: refused at load, not on every run.
    ['kube flags that contradict', 'checks: [{name: a, command: [kube, m, --live-from, live.yaml, --server-side]}]\n', /checks\[0\] \(a\): command: --server-side asks the API server for a dry-run apply: it cannot compare with a snapshot/, 'drop --server-side'],
    ['a bad kube --ignore', 'checks: [{name: a, command: [kube, m, --ignore, replicas]}]\n', /checks\[0\] \(a\): command: --ignore replicas: expected KIND:PATH/, '--ignore Deployment:spec.replicas'],
    ['terraform flags that contradict', 'checks: [{name: a, command: [terraform, --plan-json, p.json, --plan, p.bin]}]\n', /checks\[0\] \(a\): command: --plan-json and --plan both name a saved plan; pass one/, 'gitdiff terraform --help'],
    ['a terraform --var without a value', 'checks: [{name: a, command: [terraform, d, --var, hunter2]}]\n', /command: --var expects NAME=VALUE/, undefined],
    ['an ansible check without a playbook', 'checks: [{name: a, command: [ansible, -i, hosts.ini]}]\n', /checks\[0\] \(a\): command: missing PLAYBOOK/, 'gitdiff ansible site.yml'],
    ['an ansible argument that prompts', 'checks: [{name: a, command: [ansible, site.yml, --, --step]}]\n', /command: refusing ansible-playbook argument --step/, 'read-only'],
    ['ansible extra vars that leave check mode', 'checks: [{name: a, command: [ansible, site.yml, -e, ansible_check_mode=false]}]\n', /command: refusing extra variables that set ansible_check_mode/, 'run for real'],
  ])('refuses %s, naming the file and the field', (_case, text, message, hint) => {
    const error = refusal(text);
    expect(error.message).toMatch(/^config \/srv\/gitdiff\/gitdiff\.yaml: /);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
    if (hint) expect(error.hint).toContain(hint);
  });
});

describe('watch and resync', () => {
  it('a kube check against a cluster is watched unless it says watch: false; resync is read as a duration', () => {
    const config = parse(`
checks:
  - name: watched
    command: [kube, manifests/, --context, prod]
    resync: 24h
  - name: polled
    command: [kube, manifests/, --context, prod]
    watch: false
`);
    expect(config.checks[0]).toMatchObject({ resync: '24h', resyncMs: 86_400_000 });
    expect(config.checks[0].watch).toBeUndefined();
    expect(config.checks[1].watch).toBe(false);
  });
});

describe('the configs the documentation shows', () => {
  it('fixtures/example/gitdiff-serve.yaml is valid, its paths relative to its folder', () => {
    const config = loadServeConfig(path.join(repoRoot, 'fixtures/example/gitdiff-serve.yaml'), sources, {});
    expect(config.dir).toBe(path.join(repoRoot, 'fixtures/example'));
    expect(config.checks.map((check) => check.command)).toEqual([['kube', 'manifests', '--live-from', 'live.yaml']]);
  });

  it('the example of docs/serve.md is valid', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs/serve.md'), 'utf8');
    const example = /## The config file\n\n```yaml\n([^]*?)```/.exec(doc)![1];
    expect(parse(example).checks.map((check) => `${check.name} ${check.source.name} ${check.intervalMs}`)).toEqual([
      'prod-cluster kube 300000', 'infra terraform 900000', 'web-hosts ansible 1800000',
    ]);
  });
});

describe('shownCommand', () => {
  it.each([
    [['terraform', 'd', '--var', 'password=hunter2'], ['terraform', 'd', '--var', 'password=***']],
    [['terraform', 'd', '--var=password=hunter2'], ['terraform', 'd', '--var=password=***']],
    [['ansible', 'site.yml', '-e', '{"token": "abc"}'], ['ansible', 'site.yml', '-e', '***']],
    [['ansible', 'site.yml', '-e', '@vars/prod.yml'], ['ansible', 'site.yml', '-e', '@vars/prod.yml']],
    [['ansible', 'site.yml', '--extra-vars', 'token=abc user=me'], ['ansible', 'site.yml', '--extra-vars', 'token=***']],
    [['ansible', 'site.yml', '-etoken=abc'], ['ansible', 'site.yml', '-etoken=***']],
    [['ansible', 'site.yml', '--', '-e', 'token=abc'], ['ansible', 'site.yml', '--', '-e', 'token=***']],
    [['kube', 'm', '--context', 'prod', '--live-from', 'live.yaml'], ['kube', 'm', '--context', 'prod', '--live-from', 'live.yaml']],
  ])('masks the values of variable flags: %j', (command, shown) => {
    expect(shownCommand(command)).toEqual(shown);
  });

  it('prints a command line a shell reads back the same', () => {
    expect(commandLine(['kube', 'my manifests', "it's", '--context=prod'])).toBe(`gitdiff kube 'my manifests' 'it'\\''s' --context=prod`);
  });
});
