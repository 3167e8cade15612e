// A large `terraform show -json` plan, made from a real one: every resource
// change of the base plan is copied into instances of a `module "copy"` with
// for_each, so addresses stay unique (module.copy["7"].aws_instance.web), and
// planned_values and prior_state gain the matching resources. Actions are
// mixed the way a big estate's plan looks: mostly no-op, some updates,
// replaces and creates, drift (resource_drift) the plan reverts and drift it
// would not act on, and sensitive attributes. Written in pieces, compact (as
// terraform writes it), so the generator never holds the whole text.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../measure.js';

type Json = Record<string, unknown>;

export interface GeneratedPlan {
  file: string;
  bytes: number;
  resources: number;
  drift: number;
  /** Every sensitive string written into the plan: none may appear in gitdiff's output. */
  secretMarker: string;
  source: string;
}

/** The sensitive values all start with this, so a leak check is one search. */
const SECRET_MARKER = 'bench-secret-';

function basePlanFile(sharedFixtures?: string): string {
  if (sharedFixtures) return path.join(sharedFixtures, 'terraform/show-json/large-infracost-tf014/plan.json');
  return path.join(repoRoot, 'fixtures/terraform/plans/drift-and-changes.json');
}

const clone = <T>(value: T): T => structuredClone(value);

/** A string attribute to change, so an update has a visible difference. */
function changeOneString(values: Json, suffix: string): string | undefined {
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string' && key !== 'id' && key !== 'arn') {
      values[key] = `${value}-${suffix}`;
      return key;
    }
  }
  values.description = `bench ${suffix}`;
  return 'description';
}

interface Copied {
  change: Json;
  drift?: Json;
  before: Json | null;
  after: Json | null;
  afterSensitive: Json;
}

/** One base resource change as copy `copy`, with an action chosen by `slot` (0..19). */
function copiedChange(base: Json, prefix: string, slot: number, tag: string): Copied {
  const baseChange = base.change as Json;
  const values = clone((baseChange.before ?? baseChange.after ?? {}) as Json);
  // One resource in four holds a secret: in state and plan, marked sensitive as terraform marks it.
  const secret = slot % 4 === 0 ? `${SECRET_MARKER}${tag}` : undefined;
  if (secret) values.master_password = secret;
  const sensitive: Json = secret ? { master_password: true } : {};
  let before: Json | null = values;
  let after: Json | null = clone(values);
  let actions = ['no-op'];
  const extra: Json = {};
  if (slot === 14 || slot === 15) {
    actions = ['update'];
    changeOneString(after, 'updated');
  } else if (slot === 16) {
    actions = ['delete', 'create'];
    const key = changeOneString(after, 'replaced');
    extra.replace_paths = [[key]];
    extra.action_reason = 'replace_because_cannot_update';
  } else if (slot === 17) {
    actions = ['create'];
    before = null;
  } else if (slot === 4 && secret) {
    // A secret rotated in Git: the difference must show as (sensitive value).
    actions = ['update'];
    after.master_password = `${secret}-rotated`;
  }
  const address = `${prefix}.${base.address as string}`;
  const moduleAddress = base.module_address ? `${prefix}.${base.module_address as string}` : prefix;
  const change: Json = {
    ...base,
    address,
    module_address: moduleAddress,
    change: {
      actions,
      before,
      after,
      after_unknown: slot === 17 ? { id: true } : {},
      before_sensitive: before ? sensitive : false,
      after_sensitive: sensitive,
    },
    ...extra,
  };
  let drift: Json | undefined;
  if (slot === 14 || slot === 19) {
    // Changed outside Terraform: reverted by the update (14), or already matching Git (19: the plan is no-op).
    const live = clone(values);
    changeOneString(live, 'console-edit');
    drift = { ...base, address, module_address: moduleAddress, change: { actions: ['update'], before: values, after: live, after_unknown: {}, before_sensitive: sensitive, after_sensitive: sensitive } };
  }
  return { change, drift, before, after, afterSensitive: sensitive };
}

function stateResource(base: Json, address: string, values: Json, sensitive: Json): Json {
  return { address, mode: base.mode, type: base.type, name: base.name, index: base.index, provider_name: base.provider_name, schema_version: 0, values, sensitive_values: sensitive };
}

/** Writes a plan of about `targetBytes` to `file`. */
export function writeLargePlan(file: string, targetBytes: number, sharedFixtures?: string): GeneratedPlan {
  const baseFile = basePlanFile(sharedFixtures);
  const base = JSON.parse(readFileSync(baseFile, 'utf8')) as Json;
  const templates = (base.resource_changes as Json[]).filter((entry) => entry.mode !== 'data');
  const fd = openSync(file, 'w');
  let bytes = 0;
  const write = (text: string) => {
    writeSync(fd, text);
    bytes += Buffer.byteLength(text);
  };
  // Three streams of array elements are written in turn, so each goes to its own temporary section.
  const changes: string[] = [];
  const drifts: string[] = [];
  const planned: string[] = [];
  const prior: string[] = [];
  let resources = 0;
  let drift = 0;
  let sectionBytes = 0;
  for (let copy = 0; sectionBytes * 1.02 < targetBytes; copy++) {
    const prefix = `module.copy["${copy}"]`;
    const plannedResources: Json[] = [];
    const priorResources: Json[] = [];
    templates.forEach((template, index) => {
      const slot = (copy * templates.length + index) % 20;
      const copied = copiedChange(template, prefix, slot, `${copy}-${index}`);
      const address = copied.change.address as string;
      const text = JSON.stringify(copied.change);
      changes.push(text);
      sectionBytes += text.length;
      resources++;
      if (copied.drift) {
        const driftText = JSON.stringify(copied.drift);
        drifts.push(driftText);
        sectionBytes += driftText.length;
        drift++;
      }
      if (copied.after) plannedResources.push(stateResource(template, address, copied.after, copied.afterSensitive));
      if (copied.before) priorResources.push(stateResource(template, address, copied.before, copied.afterSensitive));
    });
    const plannedText = JSON.stringify({ address: prefix, resources: plannedResources });
    const priorText = JSON.stringify({ address: prefix, resources: priorResources });
    planned.push(plannedText);
    prior.push(priorText);
    sectionBytes += plannedText.length + priorText.length;
  }
  const configuration = (base.configuration ?? {}) as Json;
  const sensitiveOutput = `${SECRET_MARKER}output`;
  write('{"format_version":"1.2","terraform_version":"1.5.7",');
  write(`"variables":{"region":{"value":"us-east-1"},"db_password":{"value":"${SECRET_MARKER}variable"}},`);
  write(`"planned_values":{"outputs":{"db_password":{"sensitive":true,"value":"${sensitiveOutput}"}},"root_module":{"child_modules":[`);
  planned.forEach((text, index) => write(index ? `,${text}` : text));
  write(']}},"resource_drift":[');
  drifts.forEach((text, index) => write(index ? `,${text}` : text));
  write('],"resource_changes":[');
  changes.forEach((text, index) => write(index ? `,${text}` : text));
  write('],"output_changes":{');
  write(`"db_password":{"actions":["update"],"before":"${sensitiveOutput}-old","after":"${sensitiveOutput}","after_unknown":false,"before_sensitive":true,"after_sensitive":true},`);
  write('"region":{"actions":["no-op"],"before":"us-east-1","after":"us-east-1","after_unknown":false,"before_sensitive":false,"after_sensitive":false}},');
  write('"prior_state":{"format_version":"1.0","terraform_version":"1.5.7","values":{"root_module":{"child_modules":[');
  prior.forEach((text, index) => write(index ? `,${text}` : text));
  write(']}}},"configuration":');
  write(JSON.stringify({
    provider_config: (configuration as Json).provider_config ?? {},
    root_module: {
      variables: { region: {}, db_password: { sensitive: true } },
      outputs: { db_password: { sensitive: true, expression: { references: ['var.db_password'] } }, region: { expression: { references: ['var.region'] } } },
      module_calls: { copy: { source: './copy', for_each_expression: { references: ['local.copies'] }, module: (configuration as Json).root_module ?? {} } },
    },
  }));
  write('}\n');
  closeSync(fd);
  return { file, bytes, resources, drift, secretMarker: SECRET_MARKER, source: path.relative(repoRoot, baseFile) };
}
