import { describe, expect, it } from 'vitest';
import { SENSITIVE, type Change } from '../../../src/report.js';
import { attributeChanges, KNOWN_AFTER_APPLY, type Orientation } from '../../../src/sources/terraform/attribute-diff.js';
import { childPath, formatPath } from '../../../src/sources/terraform/attribute-path.js';
import type { PlanChange } from '../../../src/sources/terraform/plan-model.js';
import { SensitiveValues } from '../../../src/sources/terraform/sensitive.js';

function diff(change: Omit<PlanChange, 'actions'>, orientation: Orientation = 'planned', secrets: string[] = [], replacePaths?: string[]): Change[] {
  const sensitiveValues = new SensitiveValues();
  for (const secret of secrets) sensitiveValues.add(secret);
  return attributeChanges({ actions: ['update'], ...change }, { orientation, sensitiveValues, replacePaths });
}

describe('attribute paths', () => {
  it.each([
    [['instance_type'], 'instance_type'],
    [['root_block_device', 0, 'volume_size'], 'root_block_device[0].volume_size'],
    [['tags', 'Name'], 'tags["Name"]'],
    [['tags', 'kubernetes.io/cluster'], 'tags["kubernetes.io/cluster"]'],
    [['labels', 'app'], 'labels.app'],
    [['a', 0, 1, 'b'], 'a[0][1].b'],
  ] as [(string | number)[], string][])('%j -> %s', (steps, expected) => {
    expect(formatPath(steps)).toBe(expected);
    expect(steps.reduce<string>((path, step) => childPath(path, step), '')).toBe(expected);
  });
});

describe('attributeChanges', () => {
  it.each<[string, Omit<PlanChange, 'actions'>, Change[]]>([
    ['a scalar update', { before: { instance_type: 't3.micro', ami: 'a' }, after: { instance_type: 't3.large', ami: 'a' } }, [{ path: 'instance_type', live: 't3.micro', declared: 't3.large' }]],
    [
      'a nested block',
      { before: { root_block_device: [{ volume_size: 8, type: 'gp3' }] }, after: { root_block_device: [{ volume_size: 20, type: 'gp3' }] } },
      [{ path: 'root_block_device[0].volume_size', live: 8, declared: 20 }],
    ],
    ['a map key', { before: { tags: { Name: 'web', env: 'prod' } }, after: { tags: { Name: 'api', env: 'prod' } } }, [{ path: 'tags["Name"]', live: 'web', declared: 'api' }]],
    ['an added map key', { before: { tags: {} }, after: { tags: { Owner: 'ops' } } }, [{ path: 'tags["Owner"]', live: undefined, declared: 'ops' }]],
    ['null and absent are the same', { before: { a: null, b: 1 }, after: { b: 1 } }, []],
    ['null becomes a value', { before: { a: null }, after: { a: 'x' } }, [{ path: 'a', live: undefined, declared: 'x' }]],
    ['a list of scalars that grew, whole', { before: { cidrs: ['10.0.0.0/8'] }, after: { cidrs: ['10.0.0.0/8', '192.168.0.0/16'] } }, [{ path: 'cidrs', live: ['10.0.0.0/8'], declared: ['10.0.0.0/8', '192.168.0.0/16'] }]],
    ['a list of blocks that grew, per element', { before: { rule: [{ port: 80 }] }, after: { rule: [{ port: 80 }, { port: 443 }] } }, [{ path: 'rule[1]', live: undefined, declared: { port: 443 } }]],
    ['an unknown attribute', { before: { id: 'i-1', arn: 'arn:1' }, after: { arn: 'arn:1' }, after_unknown: { id: true } }, [{ path: 'id', live: 'i-1', declared: KNOWN_AFTER_APPLY }]],
    ['an unknown attribute that was unset', { before: { ip: null }, after: { ip: null }, after_unknown: { ip: true } }, [{ path: 'ip', live: undefined, declared: KNOWN_AFTER_APPLY }]],
    [
      'an unknown value inside a map',
      { before: { tags: { a: '1', b: '2' } }, after: { tags: { a: '1' } }, after_unknown: { tags: { b: true } } },
      [{ path: 'tags.b', live: '2', declared: KNOWN_AFTER_APPLY }],
    ],
    [
      'a partly unknown added block',
      { before: { net: [] }, after: { net: [{ name: 'eth0' }] }, after_unknown: { net: [{ ip: true }] } },
      [
        { path: 'net[0].name', live: undefined, declared: 'eth0' },
        { path: 'net[0].ip', live: undefined, declared: KNOWN_AFTER_APPLY },
      ],
    ],
    [
      'a forced replacement',
      { before: { ami: 'a', name: 'x' }, after: { ami: 'b', name: 'y' } },
      [{ path: 'ami', live: 'a', declared: 'b', note: 'forces replacement' }, { path: 'name', live: 'x', declared: 'y' }],
    ],
  ])('%s', (_name, change, expected) => {
    const replacePaths = _name === 'a forced replacement' ? ['ami'] : undefined;
    expect(diff(change, 'planned', [], replacePaths)).toEqual(expected);
  });

  it('drift reads the state as Git\'s side and the refreshed object as live', () => {
    expect(diff({ before: { instance_type: 't3.micro' }, after: { instance_type: 't3.large' } }, 'drift')).toEqual([
      { path: 'instance_type', declared: 't3.micro', live: 't3.large' },
    ]);
  });
});

describe('sensitive values, at any depth', () => {
  const secret = 'hunter2-very-secret';
  const other = 'correct-horse-battery';
  it.each<[string, Omit<PlanChange, 'actions'>, Change[]]>([
    [
      'a sensitive attribute',
      { before: { password: secret }, after: { password: other }, before_sensitive: { password: true }, after_sensitive: { password: true } },
      [{ path: 'password', live: SENSITIVE, declared: SENSITIVE, sensitive: true }],
    ],
    [
      'a sensitive value three levels down',
      {
        before: { config: [{ auth: { token: secret, user: 'a' } }] },
        after: { config: [{ auth: { token: other, user: 'b' } }] },
        before_sensitive: { config: [{ auth: { token: true } }] },
        after_sensitive: { config: [{ auth: { token: true } }] },
      },
      [
        { path: 'config[0].auth.token', live: SENSITIVE, declared: SENSITIVE, sensitive: true },
        { path: 'config[0].auth.user', live: 'a', declared: 'b' },
      ],
    ],
    [
      'a whole sensitive block',
      { before: { auth: { token: secret } }, after: { auth: { token: other } }, before_sensitive: { auth: true }, after_sensitive: { auth: true } },
      [{ path: 'auth', live: SENSITIVE, declared: SENSITIVE, sensitive: true }],
    ],
    ['an unchanged sensitive value', { before: { password: secret, n: 1 }, after: { password: secret, n: 2 }, before_sensitive: { password: true }, after_sensitive: { password: true } }, [{ path: 'n', live: 1, declared: 2 }]],
    [
      'a value that became sensitive',
      { before: { password: secret }, after: { password: secret }, before_sensitive: {}, after_sensitive: { password: true } },
      [{ path: 'password', live: SENSITIVE, declared: SENSITIVE, sensitive: true }],
    ],
    [
      'a sensitive value that will be known after apply',
      { before: { password: secret }, after: {}, before_sensitive: { password: true }, after_sensitive: { password: true }, after_unknown: { password: true } },
      [{ path: 'password', live: SENSITIVE, declared: SENSITIVE, sensitive: true }],
    ],
    [
      'an added block with a sensitive leaf',
      { before: { auth: null }, after: { auth: { token: other, user: 'bob' } }, before_sensitive: {}, after_sensitive: { auth: { token: true } } },
      [
        { path: 'auth.token', live: undefined, declared: SENSITIVE, sensitive: true },
        { path: 'auth.user', live: undefined, declared: 'bob' },
      ],
    ],
    [
      'a sensitive element of a list',
      { before: { keys: ['pub', secret] }, after: { keys: ['pub', other] }, before_sensitive: { keys: [false, true] }, after_sensitive: { keys: [false, true] } },
      [{ path: 'keys[1]', live: SENSITIVE, declared: SENSITIVE, sensitive: true }],
    ],
  ])('%s', (_name, change, expected) => {
    const changes = diff(change);
    expect(changes).toEqual(expected);
    expect(JSON.stringify(changes)).not.toContain(secret);
    expect(JSON.stringify(changes)).not.toContain(other);
  });

  it('masks an unmarked copy of a marked value (terraform_data output mirrors input without the mark)', () => {
    const changes = diff(
      { before: { output: { password: secret, user: 'admin' } }, after: {}, after_unknown: { output: true }, before_sensitive: { output: {} } },
      'planned',
      [secret],
    );
    expect(changes).toEqual([{ path: 'output', live: { password: SENSITIVE, user: 'admin' }, declared: KNOWN_AFTER_APPLY, sensitive: true }]);
  });

  it('masks a longer string that contains a marked value', () => {
    const changes = diff({ before: { url: 'https://example.com' }, after: { url: `https://user:${secret}@example.com` } }, 'planned', [secret]);
    expect(changes).toEqual([{ path: 'url', live: 'https://example.com', declared: SENSITIVE, sensitive: true }]);
  });
});
