// The team's settings for `gitdiff kube`, in `.gitdiff.yaml` beside the
// manifests (or in a parent folder, as .gitignore-style tools look), or named
// with --config. Today: ignore rules and the built-in autoscaler rule.
//
//   kube:
//     ignoreHpaReplicas: true          # default
//     ignore:
//       - kind: Deployment
//         name: "web-*"
//         paths: [spec.replicas, 'metadata.annotations["sidecar.istio.io/status"]']
//       - managers: [vpa-recommender]
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { GitdiffError, messageOf } from '../../errors.js';
import { isRecord } from './objects.js';
import { yamlErrorText, yamlSyntaxProblem } from '../../yaml-syntax.js';
import type { IgnoreRule } from './ignore.js';

export const CONFIG_FILE = '.gitdiff.yaml';

export interface KubeConfigFile {
  file?: string;
  ignore: IgnoreRule[];
  ignoreHpaReplicas: boolean;
}

/** The nearest .gitdiff.yaml at or above the first manifest path, or undefined. */
export function findConfigFile(paths: string[], cwd: string): string | undefined {
  const first = paths.find((given) => given !== '-');
  let dir = path.resolve(cwd, first ?? '.');
  if (existsSync(dir) && !isDirectory(dir)) dir = path.dirname(dir);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

export function readKubeConfigFile(file: string | undefined): KubeConfigFile {
  if (!file) return { ignore: [], ignoreHpaReplicas: true };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new GitdiffError(`config ${file}: ${messageOf(error).split('\n')[0]}`, { hint: `fix the YAML of ${CONFIG_FILE}` });
  }
  let document: unknown;
  try {
    document = load(text);
  } catch (error) {
    const problem = yamlSyntaxProblem(error);
    if (!problem) throw error;
    throw new GitdiffError(`config ${file}: ${yamlErrorText(problem)}`, { hint: `fix the YAML of ${CONFIG_FILE}` });
  }
  const kube = isRecord(document) ? document.kube : undefined;
  if (document !== null && document !== undefined && !isRecord(document)) throw invalid(file, 'the file must be a mapping');
  if (kube === undefined || kube === null) return { file, ignore: [], ignoreHpaReplicas: true };
  if (!isRecord(kube)) throw invalid(file, '`kube` must be a mapping');
  const rules = kube.ignore ?? [];
  if (!Array.isArray(rules)) throw invalid(file, '`kube.ignore` must be a list of rules');
  const hpa = kube.ignoreHpaReplicas ?? true;
  if (typeof hpa !== 'boolean') throw invalid(file, '`kube.ignoreHpaReplicas` must be true or false');
  return { file, ignore: rules.map((rule, index) => parseRule(rule, `${path.basename(file)} rule ${index + 1}`, file)), ignoreHpaReplicas: hpa };
}

function parseRule(rule: unknown, origin: string, file: string): IgnoreRule {
  if (!isRecord(rule)) throw invalid(file, `${origin} must be a mapping`);
  const known = new Set(['apiVersion', 'kind', 'namespace', 'name', 'paths', 'managers']);
  const unknown = Object.keys(rule).filter((key) => !known.has(key));
  if (unknown.length > 0) throw invalid(file, `${origin} has unknown field ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  const text = (key: string) => {
    const value = rule[key];
    if (value !== undefined && typeof value !== 'string') throw invalid(file, `${origin}: ${key} must be a string`);
    return value as string | undefined;
  };
  const list = (key: string) => {
    const value = rule[key];
    if (value !== undefined && !(Array.isArray(value) && value.every((entry) => typeof entry === 'string'))) throw invalid(file, `${origin}: ${key} must be a list of strings`);
    return value as string[] | undefined;
  };
  const parsed: IgnoreRule = { apiVersion: text('apiVersion'), kind: text('kind'), namespace: text('namespace'), name: text('name'), paths: list('paths'), managers: list('managers'), origin };
  if (!parsed.paths?.length && !parsed.managers?.length) throw invalid(file, `${origin} ignores nothing: give it paths or managers`);
  return parsed;
}

function invalid(file: string, message: string): GitdiffError {
  return new GitdiffError(`config ${file}: ${message}`, { hint: `see docs/kube.md, "Ignore rules"` });
}
