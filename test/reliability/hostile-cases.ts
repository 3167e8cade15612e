// The hostile-input corpus as a table: what each case runs and what a user must
// see. Files live in fixtures/hostile (see its README); the cases that need a
// link, a permission, a named pipe or a 20 MB value are made by the test in a
// temporary folder, passed here as `dir`.
import path from 'node:path';

export type Expectation =
  /** Exit 2 with an error line naming `file` and matching `error`; `partial`: the report of what could be read is printed too. */
  | { error: RegExp; file: string; partial?: boolean }
  /** A verdict: the exit status and the report. */
  | { code: 0 | 1; stdout: RegExp };

export interface HostileCase {
  name: string;
  args: string[] | ((dir: string) => string[]);
  expect: Expectation | ((dir: string) => Expectation);
  /** Needs a file the process cannot read (run as another user when the tests run as root). */
  unreadable?: boolean;
}

const HOSTILE = 'fixtures/hostile';
const MANIFESTS = `${HOSTILE}/kube/manifests`;
const SNAPSHOTS = `${HOSTILE}/kube/snapshots`;
const LIVE = `${HOSTILE}/kube/live.yaml`;
const PAIRS = `${HOSTILE}/kube/pairs`;

const IN_SYNC = /^1 in sync \(1 object, /m;
const fails = (file: string, error: RegExp, partial = false): Expectation => ({ error, file, partial });

/** A manifest compared with the live snapshot of the corpus. */
const manifest = (file: string, expect: Expectation | RegExp): HostileCase => ({
  name: `kube manifest ${file}`,
  args: ['kube', `${MANIFESTS}/${file}`, '--live-from', LIVE],
  expect: expect instanceof RegExp ? fails(`${MANIFESTS}/${file}`, expect) : expect,
});

/** A manifest compared with the live snapshot of the corpus under --strict. */
const strict = (file: string, expect: Expectation): HostileCase => ({
  name: `kube --strict manifest ${file}`,
  args: ['kube', `${MANIFESTS}/${file}`, '--live-from', LIVE, '--strict'],
  expect,
});

/** A hostile snapshot as the live side of a plain manifest. */
const snapshot = (file: string, expect: Expectation | RegExp): HostileCase => ({
  name: `kube snapshot ${file}`,
  args: ['kube', `${HOSTILE}/kube/declared.yaml`, '--live-from', `${SNAPSHOTS}/${file}`],
  expect: expect instanceof RegExp ? fails(`${SNAPSHOTS}/${file}`, expect) : expect,
});

/** A manifest and the live snapshot made for it: `NAME.yaml` against `NAME-live.EXT`. */
const pair = (name: string, liveExtension: 'yaml' | 'json', expect: Expectation): HostileCase => ({
  name: `kube pair ${name}`,
  args: ['kube', `${PAIRS}/${name}.yaml`, '--live-from', `${PAIRS}/${name}-live.${liveExtension}`],
  expect,
});

/** A hostile .gitdiff.yaml named with --config, for a manifest that matches its snapshot. */
const config = (file: string, error: RegExp): HostileCase => ({
  name: `kube config ${file}`,
  args: ['kube', `${HOSTILE}/kube/declared.yaml`, '--live-from', `${HOSTILE}/kube/declared.yaml`, '--config', `${HOSTILE}/kube/config/${file}`],
  expect: fails(`${HOSTILE}/kube/config/${file}`, error),
});

const plan = (file: string, expect: Expectation | RegExp): HostileCase => ({
  name: `terraform plan ${file}`,
  args: ['terraform', '--plan-json', `${HOSTILE}/terraform/${file}`],
  expect: expect instanceof RegExp ? fails(`${HOSTILE}/terraform/${file}`, expect) : expect,
});

const results = (file: string, error: RegExp, partial = false): HostileCase => ({
  name: `ansible results ${file}`,
  args: ['ansible', '--results', `${HOSTILE}/ansible/${file}`],
  expect: fails(`${HOSTILE}/ansible/${file}`, error, partial),
});

/** A hostile kubeconfig: refused before any request, the error naming `where` (the file, or the context or cluster in it). */
const kubeconfig = (file: string, where: string | undefined, error: RegExp): HostileCase => ({
  name: `kube kubeconfig ${file}`,
  args: ['kube', `${HOSTILE}/kube/declared.yaml`, '--kubeconfig', `${HOSTILE}/kube/kubeconfigs/${file}`],
  expect: fails(where ?? `${HOSTILE}/kube/kubeconfigs/${file}`, error),
});

/** A manifest folder made by the test, compared with a one-object snapshot. */
const folder = (name: string, expect: (dir: string) => Expectation, unreadable = false): HostileCase => ({
  name: `kube folder with ${name}`,
  args: (dir) => ['kube', path.join(dir, name), '--live-from', `${HOSTILE}/kube/declared.yaml`],
  expect,
  unreadable,
});

export const hostileCases: HostileCase[] = [
  // Kubernetes manifests: syntax, encodings, bombs, shapes, types.
  manifest('malformed-indentation.yaml', /:5:13: invalid YAML: bad indentation/),
  manifest('unclosed-quote.yaml', /:9:1: invalid YAML: the text ends inside a quoted value/),
  manifest('tab-indentation.yaml', /:4:1: invalid YAML: a tab character in the indentation/),
  manifest('truncated.json', /truncated\.json:\d+:\d+: invalid YAML: the text ends inside/),
  manifest('binary.yaml', /:1: not UTF-8 text/),
  manifest('invalid-utf8.yaml', /:8: not UTF-8 text/),
  manifest('latin1.yaml', /:7: not UTF-8 text .*Latin-1/),
  manifest('utf16-bom.yaml', { code: 0, stdout: IN_SYNC }),
  manifest('utf8-bom.yaml', { code: 0, stdout: IN_SYNC }),
  manifest('duplicate-keys.yaml', /:8:3: invalid YAML: a key that appears twice in one mapping/),
  // JSON keeps the last of duplicate keys, as kubectl's JSON decoding (Go's encoding/json) does.
  manifest('duplicate-keys.json', { code: 0, stdout: IN_SYNC }),
  manifest('alias-bomb.yaml', /YAML aliases expand to 4\.4e\+9 values .*refused \(an alias bomb\?\)/),
  manifest('alias-cycle.yaml', /YAML aliases expand without end/),
  manifest('aliases-and-merge-keys.yaml', { code: 0, stdout: IN_SYNC }),
  manifest('nested-20000.yaml', /nested more than 1000 levels deep: refused/),
  manifest('nested-20000.json', /nested more than 1000 levels deep: refused/),
  manifest('nested-900.json', { code: 1, stdout: /^~ example\.com\/v1 Widget hostile\/deep-but-allowed[\s\S]*^-\s+2\n\+\s+1\n/m }),
  manifest('scalar-document.yaml', /not a Kubernetes object \(found a string\)/),
  manifest('array-document.yaml', /not a Kubernetes object \(found a list\)/),
  manifest('array.json', /not a Kubernetes object \(found a list\)/),
  manifest('number.json', /not a Kubernetes object \(found a number\)/),
  manifest('null-document.yaml', /no Kubernetes objects found in /),
  manifest('kind-number.yaml', /not a Kubernetes object: no kind \(as a string\)/),
  manifest('apiversion-list.yaml', /not a Kubernetes object: no apiVersion \(as a string\)/),
  manifest('missing-name.yaml', /not a Kubernetes object: no metadata\.name/),
  manifest('name-number.yaml', /not a Kubernetes object: no metadata\.name \(as a string\)/),
  manifest('metadata-null.yaml', /no metadata\.name/),
  manifest('metadata-list.yaml', /no metadata\.name/),
  manifest('generate-name.yaml', /nothing to compare in .*: every object uses metadata\.generateName/),
  manifest('namespace-number.yaml', /metadata\.namespace must be a string/),
  manifest('list-with-scalar-item.yaml', /items\[1\]: not a Kubernetes object/),
  manifest('empty.yaml', /no Kubernetes objects found in /),
  manifest('comments-only.yaml', /no Kubernetes objects found in /),
  manifest('separators-only.yaml', /no Kubernetes objects found in /),
  manifest('binary-tag.yaml', /binary-tag\.yaml:7:\d+: invalid YAML: a tag gitdiff does not read/),
  manifest('js-function-tag.yaml', /js-function-tag\.yaml:7:\d+: invalid YAML: a tag gitdiff does not read/),
  // YAML 1.1 as kubectl reads it: 0644 is 420, yes/off are booleans, dates stay strings.
  manifest('yaml11-scalars.yaml', { code: 0, stdout: IN_SYNC }),
  manifest('proto-keys.yaml', { code: 1, stdout: /^ {4}data\.__proto__:\n-\s+live\n\+\s+declared\n/m }),
  // Keys named like JavaScript object members are data: compared, shown, never read from Object.prototype.
  manifest('member-keys.yaml', { code: 1, stdout: /^ {4}data\.toString:\n\s+\(absent from the live side\)\n\+\s+b\n[\s\S]*^ {4}data\.__proto__:\n\s+\(absent from the live side\)\n/m }),
  strict('member-keys-strict.yaml', { code: 1, stdout: /^(?=[\s\S]*^ {4}metadata\.labels\.constructor: \(not in Git)(?=[\s\S]*^ {4}data\.toString: \(not in Git)(?=[\s\S]*^ {4}data\.__proto__: \(not in Git)/m }),
  // --strict: a data map Git does not declare at all; a label a client wrote under a platform-like manager name.
  strict('undeclared-data.yaml', { code: 1, stdout: /^ {4}data\.injected: \(not in Git \(--strict\)\)\n-\s+'yes'\n/m }),
  strict('platform-manager.yaml', { code: 1, stdout: /^ {4}metadata\.labels\.backdoor: \(changed by kube-controller-manager at 2026-12-01 00:00 UTC\)/m }),
  // An object being deleted, held by a finalizer, is not in sync.
  manifest('deleting.yaml', { code: 1, stdout: /^ {4}metadata\.deletionTimestamp: \(being deleted since 2026-12-05T10:00:00Z\)\n[\s\S]*^-\s+- example\.com\/protect$/m }),
  // Live text shown outside a value (who changed it and when, since when it is deleted) cannot drive a terminal or forge a CI line.
  manifest('forged-live-text.yaml', { code: 1, stdout: /^ {4}data\.a: \(changed by evil\\x1b\[2J\\x0a::error::x at \\x1b\[31mlater\\x0a::warning::y\)\n[\s\S]*^ {4}metadata\.deletionTimestamp: \(being deleted\)$/m }),
  // Terminal escapes in a value are shown escaped, never sent to the terminal.
  // A name that would drive a terminal or forge a GitHub Actions command line is refused, shown escaped.
  manifest('escapes-in-name.yaml', /metadata\.name "evil\\u001b\]0;owned\\u0007\\n::error::forged" holds spaces or control characters/),
  manifest('control-characters.yaml', { code: 1, stdout: /^\+\s+"\\e\[2J\\e\[31mred\\a"$/m }),

  // Snapshots (the live side).
  snapshot('truncated-list.json', /truncated-list\.json:\d+:\d+: invalid YAML: the text ends inside/),
  snapshot('malformed.yaml', /:6:2: invalid YAML: bad indentation/),
  snapshot('scalar.yaml', /not a Kubernetes object: no apiVersion, no kind, no metadata\.name/),
  snapshot('item-without-name.yaml', /items\[0\]: not a Kubernetes object: no metadata\.name/),
  snapshot('empty.yaml', /--live-from .*: empty, no snapshot in it/),
  // A List holds no kinds: nothing declared can be checked against it (exit 2), not everything missing.
  snapshot('empty-list.yaml', { error: /holds no ConfigMap objects: not checked/, file: `${SNAPSHOTS}/empty-list.yaml`, partial: true }),
  // A typed list reads its kind: an empty ConfigMapList says there are none, so the ConfigMap is missing.
  snapshot('empty-typed-list.json', { code: 1, stdout: /^\+ v1 ConfigMap hostile\/settings .*: missing \(not in the snapshot empty-typed-list\.json\)/m }),
  snapshot('no-configmaps.yaml', { error: /holds no ConfigMap objects: not checked/, file: `${SNAPSHOTS}/no-configmaps.yaml`, partial: true }),
  snapshot('duplicate-object.yaml', /v1 ConfigMap hostile\/settings is in the snapshot twice: document 1 \(line 3\) and document 2 \(line 11\)/),
  snapshot('duplicate-in-nested-list.json', /is in the snapshot twice: items\[0\]\.items\[0\] and items\[1\]\.items\[0\]/),
  snapshot('list-of-lists.json', { code: 0, stdout: IN_SYNC }),
  snapshot('invalid-utf8.yaml', /:10: not UTF-8 text/),
  snapshot('alias-bomb.yaml', /YAML aliases expand to/),
  snapshot('nested-20000.json', /nested more than 1000 levels deep/),

  // .gitdiff.yaml: an unknown key at any level stops the run, naming the file.
  config('unknown-top-key.yaml', /the file has unknown field Kube \(known: kube\)/),
  config('unknown-kube-key.yaml', /`kube` has unknown field ignoreHPAReplicas/),
  config('proto-key.yaml', /`kube` has unknown field __proto__/),
  config('unknown-rule-key.yaml', /rule 1 has unknown field namespaces/),
  // Kubeconfigs: which cluster, which server, which credentials (none over plain http).
  kubeconfig('http-token.yaml', 'context "http-token"', /refusing to send credentials \(token\) over plain http to http:\/\/127\.0\.0\.1:9$/),
  kubeconfig('http-userinfo.yaml', 'context "http-userinfo"', /refusing to send credentials \(a user and password in the server URL\) over plain http to http:\/\/127\.0\.0\.1:9$/),
  kubeconfig('http-client-certificate.yaml', 'context "http-client-certificate"', /refusing to send credentials \(client-certificate-data, client-key-data\)/),
  kubeconfig('socks-proxy.yaml', 'cluster "socks-proxy"', /is a socks5 proxy, which gitdiff cannot use/),
  kubeconfig('unparsable-proxy.yaml', 'cluster "unparsable-proxy"', /proxy-url .* is not a URL/),
  kubeconfig('ftp-server.yaml', 'context "ftp-server"', /the cluster server is not an http\(s\) URL/),
  kubeconfig('not-a-url.yaml', 'context "not-a-url"', /the cluster server is not an http\(s\) URL/),
  kubeconfig('duplicate-cluster.yaml', undefined, /clusters has the name "dup" twice/),
  kubeconfig('not-a-mapping.yaml', undefined, /not a kubeconfig \(a YAML mapping\)/),
  kubeconfig('clusters-not-a-list.yaml', undefined, /clusters is not a list/),
  // `name: yes` is a boolean to kubectl's YAML 1.1 reader, which refuses the file too.
  kubeconfig('yaml11-name.yaml', undefined, /clusters has an entry without a name/),
  kubeconfig('no-current-context.yaml', undefined, /sets no current context/),
  kubeconfig('unknown-context.yaml', 'no context "ghost"', /kubeconfig \S+unknown-context\.yaml has no context "ghost" \(contexts: c\)/),
  kubeconfig('context-without-cluster.yaml', 'context "lonely"', /names no cluster server/),
  kubeconfig('alias-bomb.yaml', undefined, /YAML aliases expand too far: refused/),
  kubeconfig('malformed.yaml', undefined, /invalid YAML at line 4, column 4: bad indentation$/),

  // Manifest folders made at test time.
  folder('link-loop', () => ({ code: 0, stdout: IN_SYNC })),
  folder('dangling-link', () => ({ code: 0, stdout: IN_SYNC })),
  folder('self-link', (dir) => fails(path.join(dir, 'self-link', 'self.yaml'), /too many levels of symbolic links/)),
  folder('unreadable-file', (dir) => fails(path.join(dir, 'unreadable-file', 'secret.yaml'), /permission denied/), true),
  folder('unreadable-folder', (dir) => fails(path.join(dir, 'unreadable-folder', 'closed'), /permission denied/), true),
  folder('named-pipe', (dir) => fails(path.join(dir, 'named-pipe', 'pipe.yaml'), /not a regular file \(a named pipe, socket or device\)/)),
  folder('newline-name', (dir) => fails(path.join(dir, 'newline-name', 'bad'), /bad$/)),
  // A file name is shown with its control characters escaped: it can neither clear the terminal nor start a line.
  folder('escapes-in-file-name', () => ({ code: 1, stdout: /^~ v1 ConfigMap hostile\/settings \(.*escapes-in-file-name\/\\x1b\[2J\\x0a::error::x\.yaml:1\)$/m })),
  folder('mixed', (dir) => fails(path.join(dir, 'mixed', 'zz-bomb.yaml'), /YAML aliases expand/)),
  {
    name: 'kube: a 20 MB value on both sides',
    args: (dir) => ['kube', path.join(dir, 'big-declared.yaml'), '--live-from', path.join(dir, 'big-live.json')],
    expect: { code: 0, stdout: IN_SYNC },
  },

  // Terraform plans of the wrong shape, encoding or depth.
  plan('truncated.json', /not valid JSON \(unexpected end of input \(cut short\?\) at line \d+, column \d+\)/),
  plan('resource-changes-not-a-list.json', /not a valid plan: resource_changes is not a list/),
  plan('change-null.json', /resource_changes\[0\] \(aws_instance\.web\) has no change\.actions list/),
  plan('actions-not-a-list.json', /resource_changes\[0\] \(aws_instance\.web\) has no change\.actions list/),
  plan('address-number.json', /resource_changes\[0\] has no address/),
  plan('array.json', /found JSON an array, not a Terraform plan/),
  plan('scalar.json', /found JSON a string, not a Terraform plan/),
  plan('state-file.json', /found a Terraform state file/),
  plan('ui-log.json', /found a `terraform plan -json` UI log/),
  plan('text-plan.txt', /found human-readable `terraform plan` output/),
  plan('binary-plan.tfplan', /found a binary plan file/),
  plan('random-bytes.json', /not valid JSON/),
  plan('empty.json', /is empty, expected the output of `terraform show -json PLANFILE`/),
  plan('future-format.json', /plan format_version 9\.0 is not supported/),
  plan('errored.json', /the plan is marked errored/),
  // JSON terraform prints that is not a plan: read as one, each would be an empty plan, in sync.
  plan('show-json-no-state.json', /found an empty Terraform state .*, not a plan/),
  plan('validate-output.json', /found `terraform validate -json` output .*, not a plan/),
  plan('version-output.json', /found `terraform version -json` output, not a plan/),
  plan('no-planned-values.json', /found JSON without planned_values, which every plan has .*, not a plan/),
  plan('planned-values-null.json', /found JSON without planned_values/),
  plan('redacted-without-provider-format.json', /found JSON without provider_format_version/),
  plan('nested-20000.json', /values nested more than 1000 levels deep: refused/),
  plan('proto-keys.json', { code: 1, stdout: /^ {4}input\.__proto__:\n-\s+old\n\+\s+new\n/m }),
  // Invalid bytes inside a value do not matter to the verdict: the actions say no-op.
  plan('invalid-utf8-no-op.json', { code: 0, stdout: /^1 in sync \(1 resource, /m }),
  {
    name: 'terraform: a 20 MB value changed by one character',
    args: (dir) => ['terraform', '--plan-json', path.join(dir, 'big-plan.json')],
    expect: { code: 1, stdout: /^~ terraform_data\.big\n/m },
  },

  // Ansible results cut short, corrupted or of the wrong shape.
  results('truncated.events.jsonl', /: line 10 is not complete JSON \(the file was cut short or corrupted\)/, true),
  results('corrupt-line.events.jsonl', /: line 5 is not complete JSON/, true),
  results('no-stats.events.jsonl', /: incomplete results: the run ended before ansible's final stats/, true),
  // A complete run, then one killed half-way, appended to the same file: the first run's stats must not vouch for the second.
  results('two-runs.events.jsonl', /: holds 2 runs \(one start event each\): a results file must hold one run/, true),
  results('future-format.events.jsonl', /: unsupported events format gitdiff-ansible-events\/9/, true),
  results('nested-20000.events.jsonl', /: line 5 nests more than 1000 levels deep: not read/, true),
  results('truncated.json', / is cut short: the json callback's output does not parse/),
  results('not-results.json', / is JSON, but not ansible results/),
  results('wrong-shapes.json', /: plays\[0\] has no tasks list/, true),
  results('nested-20000.json', / nests more than 1000 levels deep: not ansible results/),
  results('truncated.log', /: no PLAY RECAP: the log is incomplete/, true),
  // A log captured with 2>&1: ansible could not parse one inventory source, skipped the play whose hosts were there, and exited 0.
  results('unparsed-inventory.log', /: ansible-playbook could not parse inventory source \/srv\/inventory\/db-hosts\.ini: its hosts were not checked/, true),
  results('empty.log', / is empty: no results/),
  results('binary.log', / is not ansible results/),
  results('shell-noise.log', / is not ansible results/),
  {
    name: 'ansible: a 20 MB file diff',
    args: (dir) => ['ansible', '--results', path.join(dir, 'big.events.jsonl')],
    expect: { code: 1, stdout: /^web-01: 1 would change, 0 ok, 0 failed, 0 unreachable$/m },
  },
  // Zero values and absence: a pointer or custom resource field the server keeps, gone live, is a difference;
  // a value field at its zero is not. int64 values one apart beyond 2^53 are a difference.
  pair('zero-pointers', 'yaml', { code: 1, stdout: /automountServiceAccountToken[\s\S]*enableServiceLinks[\s\S]*allowPrivilegeEscalation[\s\S]*readOnlyRootFilesystem[\s\S]*PodDisruptionBudget hostile\/everything[\s\S]*spec\.selector:/ }),
  pair('zero-values', 'yaml', { code: 0, stdout: IN_SYNC }),
  pair('custom-resource-zero', 'json', { code: 1, stdout: /spec\.enabled:[\s\S]*spec\.replicas:/ }),
  pair('int64-last-digit', 'json', { code: 1, stdout: /-\s+9223372036854775806\n\+\s+9223372036854775807\n[\s\S]*-\s+9007199254740992\n\+\s+9007199254740993\n/ }),
];
