// Real third-party plans from ../shared/fixtures/terraform (see SOURCES.md
// there). Every `terraform show -json` plan gets the verdict its actions
// imply (written down below, with the reason), never an exception; files that
// are not show -json plans fail with exit 2 and say what they are; no
// sensitive value from any plan appears in any output. The folder sits beside
// the checkout in the project's workspace; on a user's clone it is absent and
// this file skips, saying so.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chalkFor } from '../../../src/color.js';
import { GitdiffError } from '../../../src/errors.js';
import { renderers } from '../../../src/render/index.js';
import { exitCode, type Report } from '../../../src/report.js';
import { parsePlanBytes } from '../../../src/sources/terraform/plan-input.js';
import type { Plan, PlanChange, ValueMask } from '../../../src/sources/terraform/plan-model.js';
import { planVerdict } from '../../../src/sources/terraform/verdict.js';
import { reportProblems } from '../../support/report-schema.js';
import { runGitdiff, sharedFixtures } from '../../support/run-cli.js';
import { sharedCorpus } from '../../support/shared-corpus.js';

const { dir: corpus, present } = sharedCorpus('terraform', 'the terraform corpus');

/** The verdict a careful operator gives each show -json plan, and why. */
const EXPECTED: Record<string, [exit: 0 | 1 | 2, reason: string]> = {
  'checkov-create-before-destroy': [1, 'a replace, create before destroy'],
  'checkov-updates-tf146': [1, 'two updates in place'],
  'checkov-utf16-encoded': [1, 'three creates (the file is UTF-16LE with BOM and CRLF)'],
  'eq-drift-refresh-only': [1, 'refresh-only plan: a resource changed outside Terraform'],
  'eq-drift-relevant-attributes': [1, 'drift and two updates'],
  'eq-drift-simple': [1, 'drift that the plan reverts with an update'],
  'eq-fully-populated-complex-destroy': [1, 'a destroy'],
  'eq-fully-populated-complex-update': [1, 'an update of a big nested object'],
  'eq-local-provider-update': [1, 'a replace'],
  'eq-moved-with-refresh-only': [0, 'refresh-only plan whose only entry is a move: nothing changed outside Terraform'],
  'eq-variables-and-outputs': [1, 'new root outputs only'],
  'infracost-drift-noise-all-noop': [0, 'drift the plan would not act on; every resource change is no-op'],
  'infracost-drift-plus-update-target': [1, 'drift and an update (a -target plan)'],
  'infracost-setup-terraform-wrapper-noise': [1, 'two creates (inside setup-terraform wrapper lines)'],
  'large-checkov-tf012-55-creates': [1, '55 creates'],
  'large-infracost-tf014': [1, '12 creates and an update'],
  'tf-basic-create': [1, 'three creates'],
  'tf-basic-delete': [1, 'an update and a destroy'],
  'tf-basic-update': [0, 'a no-op resource and a no-op output'],
  'tf-conditions': [1, 'two creates'],
  'tf-drift': [1, 'drift and two updates'],
  'tf-modules': [1, 'creates in child modules'],
  'tf-moved': [1, 'a moved resource that is also updated'],
  'tf-moved-drift': [1, 'a moved resource with drift, and updates'],
  'tf-multi-resource-update': [1, 'count grew: a create'],
  'tf-nested-modules': [1, 'a create in a nested module'],
  'tf-plan-error': [2, 'errored: true, the plan is incomplete'],
  'tf-provider-aliasing': [1, 'ten creates'],
  'tf-requires-replace': [1, 'a replace forced by an attribute'],
  'tf-sensitive-values': [1, 'a create and a new sensitive output'],
  'tf-unknown-output': [1, 'new outputs, values known after apply'],
  'tfc-redacted-plan-json-full': [1, "HCP Terraform's redacted plan format (read as a plan): drift and two creates"],
  'tfjson-012-replace-and-noop': [1, 'a replace (terraform 0.12, format 0.1)'],
  'tfjson-013-data-read': [1, 'two creates; the data source read does not count'],
  'tfjson-110-sensitive-values': [1, 'creates and new outputs'],
  'tfjson-120-basic': [1, 'creates and new outputs'],
  'tfjson-action-reason-replace': [1, 'a tainted resource replaced'],
  'tfjson-actions-invocation': [0, 'only provider action invocations: no resource or output changes'],
  'tfjson-has-checks': [1, 'two creates'],
  'tfjson-identity-update': [1, 'an import with an update'],
  'tfjson-invalid-json': [2, 'deliberately malformed JSON'],
  'tfjson-moved-block': [0, 'a move only: no change to infrastructure'],
  'tfjson-noop-resources-output-creates': [1, 'no-op resources but new outputs'],
};

/** What gitdiff must say each non-plan file is. */
const NOT_A_PLAN: [folder: string, message: RegExp][] = [
  ['plan-text', /found human-readable `terraform plan` output/],
  ['plan-json-ui', /found a `terraform plan -json` UI log/],
];

function files(folder: string, name?: string): string[] {
  const dir = path.join(corpus, folder);
  if (!present || !existsSync(dir)) return [];
  return readdirSync(dir).sort().map((entry) => path.join(dir, entry, name ?? '')).map((file) => file.replace(/\/$/, ''));
}

const showJson = files('show-json', 'plan.json');

type Outcome = { report: Report; text: string; json: string } | { error: unknown };

function run(file: string): Outcome {
  try {
    const { plan } = parsePlanBytes(readFileSync(file), file);
    const verdict = planVerdict(plan);
    const report: Report = { source: 'terraform', target: 'plan.json', items: verdict.items, errors: [], notes: verdict.notes, headline: verdict.headline, noun: 'resource', durationMs: 0 };
    const options = { chalk: chalkFor(0), verbose: true };
    return { report, text: renderers.text(report, options), json: renderers.json(report, options) };
  } catch (error) {
    return { error };
  }
}

/** Every string a plan marks sensitive, and the values of sensitive variables. */
function sensitiveValues(plan: Plan): string[] {
  const found = new Set<string>();
  const all = (value: unknown): void => {
    if (value === null || value === undefined) return;
    if (typeof value === 'object') Object.values(value).forEach(all);
    // Strings only: a sensitive 42 or true cannot be told apart from every other 42 in an output.
    else if (typeof value === 'string' && value !== '') found.add(value);
  };
  const marked = (value: unknown, mask: ValueMask): void => {
    if (mask === true) return all(value);
    if (mask && typeof mask === 'object' && value && typeof value === 'object') {
      for (const key of Object.keys(mask)) marked((value as Record<string, unknown>)[key], (mask as Record<string, ValueMask>)[key]);
    }
  };
  const change = (c: PlanChange) => {
    marked(c.before, c.before_sensitive);
    marked(c.after, c.after_sensitive);
  };
  for (const entry of [...(plan.resource_changes ?? []), ...(plan.resource_drift ?? [])]) change(entry.change);
  for (const c of Object.values(plan.output_changes ?? {})) change(c);
  const declared = plan.configuration?.root_module?.variables ?? {};
  for (const [name, variable] of Object.entries(plan.variables ?? {})) if (declared[name]?.sensitive) all(variable.value);
  return [...found];
}

/** True when the rendered text shows `secret` as (part of) a value: addresses are names, not values. */
function showsValue(text: string, secret: string, addresses: string[]): boolean {
  let rest = text;
  for (const address of [...addresses].sort((a, b) => b.length - a.length)) rest = rest.split(address).join('');
  if (secret.length >= 4) return rest.includes(secret);
  return rest.split('\n').some((line) => /^[-+ ] {5}/.test(line) && [secret, `'${secret}'`, `"${secret}"`].includes(line.slice(6).trim()));
}

describe.skipIf(!present)('terraform corpus: show -json plans', () => {
  it('knows every plan in the corpus (a new one needs its expected verdict written down)', () => {
    expect(showJson.map((file) => path.basename(path.dirname(file))).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(showJson.map((file) => [path.basename(path.dirname(file)), file]))('%s', (name, file) => {
    const [exit, reason] = EXPECTED[name] ?? [undefined, 'unknown'];
    const outcome = run(file);
    if ('error' in outcome) {
      expect(outcome.error, `${name} (${reason}) threw`).toBeInstanceOf(GitdiffError);
      expect(exit, `${name}: ${reason}`).toBe(2);
      return;
    }
    expect(exitCode(outcome.report), `${name}: ${reason}`).toBe(exit);
    // Consistent with its actions: a changed resource (anything but no-op / read) is never in sync.
    const plan = parsePlanBytes(readFileSync(file), file).plan;
    const refreshOnly = !plan.resource_changes?.length && Boolean(plan.resource_drift?.length);
    for (const entry of refreshOnly ? [] : plan.resource_changes ?? []) {
      const item = outcome.report.items.find((candidate) => candidate.ref.address === entry.address && candidate.ref.deposed === entry.deposed);
      const changed = !['no-op', 'read'].includes(entry.change.actions.join());
      expect(item?.status === 'in-sync', `${entry.address} ${entry.change.actions.join()}`).toBe(!changed);
    }
    expect(JSON.parse(outcome.json).summary.total).toBe(outcome.report.items.length);
    const addresses = outcome.report.items.map((item) => item.title);
    for (const secret of sensitiveValues(plan)) {
      expect(showsValue(outcome.text, secret, addresses), `${name}: sensitive value in text`).toBe(false);
      expect(outcome.json.includes(JSON.stringify(secret)), `${name}: sensitive value in JSON`).toBe(false);
    }
  });

  it('the command agrees: exit codes through bin/gitdiff, and no sensitive value in its bytes', async () => {
    for (const file of showJson) {
      const name = path.basename(path.dirname(file));
      const result = await runGitdiff(['terraform', '--plan-json', file, '-o', 'json']);
      expect(result.code, `${name}: ${result.stderr}`).toBe(EXPECTED[name][0]);
      if (result.code === 2) {
        expect(result.stderr).toMatch(/^gitdiff: error: .*\n {2}hint: /);
        continue;
      }
      expect(reportProblems(JSON.parse(result.stdout)), `${name}: against docs/report.schema.json`).toEqual([]);
      const plan = parsePlanBytes(readFileSync(file), file).plan;
      for (const secret of sensitiveValues(plan)) expect(result.stdout.includes(JSON.stringify(secret)), `${name}: ${secret}`).toBe(false);
    }
  });
});

describe.skipIf(!present)('terraform corpus: files that are not show -json plans', () => {
  const cases = NOT_A_PLAN.flatMap(([folder, message]) => files(folder).map((file) => [`${folder}/${path.basename(file)}`, file, message] as const));

  it.each(cases)('%s: exit 2, saying what was found', (_name, file, message) => {
    const outcome = run(file);
    expect('error' in outcome).toBe(true);
    const error = (outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(GitdiffError);
    expect((error as GitdiffError).message).toMatch(message);
    expect((error as GitdiffError).hint).toMatch(/terraform show -json/);
  });

  it('a text plan and a UI log through bin/gitdiff', async () => {
    for (const [file, message] of [[cases[0][1], cases[0][2]], [cases[cases.length - 1][1], cases[cases.length - 1][2]]] as const) {
      const result = await runGitdiff(['terraform', '--plan-json', file]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
    }
  });
});
