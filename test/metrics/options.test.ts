import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addMetricsOptions, metricsOptionsFrom } from '../../src/metrics/options.js';
import { maskUserinfo } from '../../src/url-credentials.js';

/** Parses `args` the way the CLI does: the source's own options first, then the common ones. */
function parse(args: string[], env: NodeJS.ProcessEnv = {}, defineSource: (command: Command) => void = () => {}) {
  const command = new Command('kube').exitOverride();
  defineSource(command);
  addMetricsOptions(command);
  command.parse(args, { from: 'user' });
  return metricsOptionsFrom(command.opts(), '/work/dir', env);
}

describe('metrics flags', () => {
  it('asks for no export when no destination is given', () => {
    expect(parse([])).toBeUndefined();
  });

  it('reads every flag', () => {
    expect(parse([
      '--metrics-textfile', 'out/gitdiff.prom', '--pushgateway', 'http://pgw:9091/base', '--metrics-job', 'drift',
      '--target', 'prod', '--metrics-label', 'env=prod', '--metrics-label', 'team=a=b', '--metrics-label', 'empty=', '--metrics-per-object',
    ])).toEqual({
      textfile: '/work/dir/out/gitdiff.prom',
      pushgateway: { url: new URL('http://pgw:9091/base'), username: undefined, password: undefined },
      job: 'drift', target: 'prod', labels: { env: 'prod', team: 'a=b', empty: '' }, perObject: true,
    });
  });

  it('defaults the job to gitdiff and leaves the target to the report', () => {
    expect(parse(['--pushgateway', 'http://pgw:9091'])).toMatchObject({ job: 'gitdiff', target: undefined, labels: {}, perObject: false });
  });

  it.each([
    [['--metrics-textfile', 'gitdiff.txt'], '--metrics-textfile gitdiff.txt: the file name must end in .prom'],
    [['--metrics-textfile', 'dir/'], 'must end in .prom'],
    [['--pushgateway', 'not a url'], '--pushgateway not a url: not a URL'],
    [['--pushgateway', 'ftp://pgw'], 'ftp: is not supported'],
    [['--pushgateway', 'http://pgw', '--metrics-label', 'novalue'], '--metrics-label novalue: expected NAME=VALUE'],
    [['--pushgateway', 'http://pgw', '--metrics-label', '1abc=x'], 'expected NAME=VALUE with a Prometheus label name'],
    [['--pushgateway', 'http://pgw', '--metrics-label', 'a-b=x'], 'expected NAME=VALUE'],
    [['--pushgateway', 'http://pgw', '--metrics-label', '__name__=x'], 'expected NAME=VALUE'],
    [['--pushgateway', 'http://pgw', '--metrics-label', 'target=x'], '--metrics-label target: gitdiff or Prometheus sets this label itself'],
    [['--pushgateway', 'http://pgw', '--metrics-label', 'job=x'], 'sets this label itself'],
    [['--pushgateway', 'http://pgw', '--metrics-label', 'status=x'], 'sets this label itself'],
    [['--pushgateway', 'http://pgw', '--metrics-job', ' '], '--metrics-job: the job name is empty'],
    [['--metrics-per-object'], '--metrics-per-object given, but no metrics destination'],
    [['--target', 'x', '--metrics-label', 'a=b'], '--target, --metrics-label given, but no metrics destination'],
  ])('%j is refused: %s', (args, message) => {
    expect(() => parse(args)).toThrow(message);
  });

  it.each([
    ['userinfo in the URL', 'http://alice:s3cr%40t@pgw:9091', {}, 'alice', 's3cr@t'],
    ['a user without a password', 'http://alice@pgw:9091', { GITDIFF_PUSHGATEWAY_PASSWORD: 'ignored' }, 'alice', ''],
    ['the environment', 'http://pgw:9091', { GITDIFF_PUSHGATEWAY_USERNAME: 'bob', GITDIFF_PUSHGATEWAY_PASSWORD: 'pw' }, 'bob', 'pw'],
    ['no credentials at all', 'http://pgw:9091', {}, undefined, undefined],
  ])('credentials from %s, and a URL that is safe to print', (_name, url, env, username, password) => {
    const endpoint = parse(['--pushgateway', url], env)!.pushgateway!;
    expect([endpoint.username, endpoint.password]).toEqual([username, password]);
    expect(endpoint.url.href).toBe('http://pgw:9091/');
  });

  it('never echoes the credentials of a URL it cannot parse', () => {
    expect(() => parse(['--pushgateway', 'http://alice:hunter2@pgw:notaport'])).toThrow(/^--pushgateway http:\/\/\*\*\*@pgw:notaport: not a URL$/);
    expect(maskUserinfo('https://a:b@c/d@e')).toBe('https://***@e');
  });

  it('keeps a source\'s own --target (terraform plan -target) and names the label flag --metrics-target', () => {
    const terraform = (command: Command) => command.option('--target <addr...>', 'terraform -target');
    const command = new Command('terraform').exitOverride();
    terraform(command);
    addMetricsOptions(command);
    command.parse(['--target', 'aws_vpc.main', '--metrics-target', 'infra', '--metrics-textfile', 'x.prom'], { from: 'user' });
    expect(command.opts().target).toEqual(['aws_vpc.main']);
    expect(metricsOptionsFrom(command.opts(), '/', {})!.target).toBe('infra');
  });
});
