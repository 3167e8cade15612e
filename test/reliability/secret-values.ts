// The secret values in test inputs, found independently of gitdiff's own
// masking code (a bug there must not hide itself here), and every form in
// which output could reveal them.
type Obj = Record<string, any>;

const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What a leak of `value` could look like in output: the value, its base64
 * (with and without padding), each long line of a multi-line value and each
 * long word of it (a password inside a config file, a token inside JSON).
 * Short fragments are left out: they occur in any text.
 */
export function revealingForms(value: string | Buffer): string[] {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value);
  const text = bytes.toString('utf8');
  const base64 = bytes.toString('base64');
  const forms = [base64, base64.replace(/=+$/, '')];
  if (text.trim().length >= 6 && !text.includes('\uFFFD')) forms.push(text);
  forms.push(...text.split('\n').map((line) => line.trim()).filter((line) => line.length >= 12));
  forms.push(...text.split(/[\s"':,{}[\]]+/).filter((word) => word.length >= 16));
  return [...new Set(forms.filter((form) => form.length >= 6))];
}

/** Every value the Secrets among `objects` hold: data (decoded), stringData. */
export function kubeSecretValues(objects: Obj[]): Buffer[] {
  const values: Buffer[] = [];
  for (const object of objects) {
    if (object?.kind === 'List' && Array.isArray(object.items)) values.push(...kubeSecretValues(object.items));
    if (object?.kind !== 'Secret') continue;
    for (const value of Object.values(object.data ?? {})) if (typeof value === 'string' && value !== '') values.push(Buffer.from(value, 'base64'));
    for (const value of Object.values(object.stringData ?? {})) if (typeof value === 'string' && value !== '') values.push(Buffer.from(value));
  }
  return values;
}

/** Strings a plan marks sensitive (before/after masks at any depth), and the values of sensitive variables and outputs. */
export function terraformSensitiveStrings(plan: Obj): string[] {
  const found = new Set<string>();
  const all = (value: unknown): void => {
    if (typeof value === 'string') found.add(value);
    else if (Array.isArray(value)) value.forEach(all);
    else if (isObject(value)) Object.values(value).forEach(all);
  };
  const marked = (value: unknown, mask: unknown): void => {
    if (mask === true) return all(value);
    if (!isObject(mask) && !Array.isArray(mask)) return;
    if (!isObject(value) && !Array.isArray(value)) return;
    for (const [key, child] of Object.entries(mask)) marked((value as Obj)[key], child);
  };
  const change = (entry: Obj | undefined): void => {
    if (!entry) return;
    marked(entry.before, entry.before_sensitive);
    marked(entry.after, entry.after_sensitive);
  };
  for (const entry of [...(plan.resource_changes ?? []), ...(plan.resource_drift ?? [])]) change(entry?.change);
  for (const entry of plan.deferred_changes ?? []) change(entry?.resource_change?.change);
  for (const entry of Object.values(plan.output_changes ?? {})) change(entry as Obj);
  const declared = plan.configuration?.root_module?.variables ?? {};
  for (const [name, variable] of Object.entries<Obj>(plan.variables ?? {})) if (declared[name]?.sensitive) all(variable?.value);
  for (const output of Object.values<Obj>(plan.planned_values?.outputs ?? {})) if (output?.sensitive) all(output.value);
  for (const output of Object.values<Obj>(plan.prior_state?.values?.outputs ?? {})) if (output?.sensitive) all(output.value);
  return [...found];
}

/** Fields that name things rather than hold values: never rewritten. */
const NAMING_FIELDS = new Set(['address', 'previous_address', 'name', 'type', 'mode', 'provider_name', 'module_address', 'index', 'deposed', 'action_reason', 'format_version', 'terraform_version']);

/**
 * The plan with every sensitive string replaced, wherever it occurs as a value
 * (Terraform copies values without their marks), by a long unique canary, so
 * that a scan of the output for it cannot match by chance ("bar" occurs
 * everywhere; `tf-canary-3-...` occurs only if leaked).
 */
export function withCanaries(plan: Obj, tag: string): { plan: Obj; canaries: string[] } {
  const canaryFor = new Map(terraformSensitiveStrings(plan).filter((value) => value !== '').map((value, index) => [value, `tf-canary-${tag}-${index}-${value.length}x`]));
  const rewrite = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') return key !== undefined && NAMING_FIELDS.has(key) ? value : canaryFor.get(value) ?? value;
    if (Array.isArray(value)) return value.map((element) => rewrite(element));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([childKey, child]) => [childKey, rewrite(child, childKey)]));
    return value;
  };
  return { plan: rewrite(plan) as Obj, canaries: [...canaryFor.values()] };
}
