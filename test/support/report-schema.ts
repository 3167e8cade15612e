// docs/report.schema.json, the published contract of `-o json` and of serve's
// /api/checks, as a validator for tests. ajv was chosen by measurement over
// @cfworker/json-schema: in strict mode it refuses a schema with an unknown
// keyword (a typo such as `minLenght` would otherwise make a rule silently
// absent), and it names the failing instance path and property, where
// @cfworker/json-schema reports "#: does not match 'then' schema". Its 0.26 s
// compile is paid once per test file. Only tests import it: the CLI never does.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { repoRoot } from './run-cli.js';

// ajv-formats is CommonJS with `exports.default`: under NodeNext its default import types as the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export const reportSchemaFile = path.join(repoRoot, 'docs/report.schema.json');

function compile(): { report: ValidateFunction; apiChecks: ValidateFunction; apiHistory: ValidateFunction } {
  const schema = JSON.parse(readFileSync(reportSchemaFile, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addSchema(schema, 'report.schema.json');
  return { report: ajv.getSchema('report.schema.json')!, apiChecks: ajv.getSchema('report.schema.json#/$defs/apiChecks')!, apiHistory: ajv.getSchema('report.schema.json#/$defs/apiHistory')! };
}

let compiled: ReturnType<typeof compile> | undefined;
const validators = () => (compiled ??= compile());

function problems(errors: ErrorObject[] | null | undefined): string[] {
  // "must match then schema" only repeats the specific errors it wraps.
  return (errors ?? []).filter((error) => error.keyword !== 'if').map((error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
}

/** What is wrong with `value` as an `-o json` report: empty when it follows docs/report.schema.json. */
export function reportProblems(value: unknown): string[] {
  const validate = validators().report;
  return validate(value) ? [] : problems(validate.errors);
}

/** What is wrong with `value` as a GET /api/checks body. */
export function apiChecksProblems(value: unknown): string[] {
  const validate = validators().apiChecks;
  return validate(value) ? [] : problems(validate.errors);
}

/** What is wrong with `value` as a GET /api/checks/NAME/history body. */
export function apiHistoryProblems(value: unknown): string[] {
  const validate = validators().apiHistory;
  return validate(value) ? [] : problems(validate.errors);
}
