// The team's settings for `gitdiff kube`, in `.gitdiff.yaml` beside the
// manifests or in a parent folder up to the repository's root (as
// .gitignore-style tools look), or named with --config. Today: ignore rules
// and the built-in autoscaler rule. The file can set drift aside, so it must be
// one the repository's reviewers see: never one above the repository (a
// shared CI runner's home, /tmp), never a key gitdiff does not know (a typo
// would silently do nothing), and its name is printed whenever it set a
// difference aside.
//
//   kube:
//     ignoreHpaReplicas: true          # default
//     ignore:
//       - kind: Deployment
//         name: "web-*"
//         paths: [spec.replicas, 'metadata.annotations["sidecar.istio.io/status"]']
//       - managers: [vpa-recommender]
import { existsSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { GitdiffError } from '../../errors.js';
import { isDirectory, readTextFile } from '../../files.js';
import { isRecord } from './objects.js';
import { yamlErrorText, yamlSyntaxProblem } from '../../yaml-syntax.js';
import type { IgnoreRule } from './ignore.js';
import type { Item } from '../../report.js';

export const IGNORE_FILE = '.gitdiff.yaml';

export interface IgnoreFile {
  file?: string;
  ignore: IgnoreRule[];
  ignoreHpaReplicas: boolean;
}

/**
 * The nearest .gitdiff.yaml at or above the first manifest path, up to the repository root
 * (the folder holding `.git`: a folder, or a file in a worktree or submodule); outside any
 * repository, only the manifests' own folder. Undefined when there is none.
 */
export function findIgnoreFile(paths: string[], cwd: string): string | undefined {
  const first = paths.find((given) => given !== '-');
  let start = path.resolve(cwd, first ?? '.');
  if (existsSync(start) && !isDirectory(start)) start = path.dirname(start);
  const folders = [start];
  for (let parent = path.dirname(start); parent !== folders[folders.length - 1]; parent = path.dirname(parent)) folders.push(parent);
  const root = folders.findIndex((dir) => existsSync(path.join(dir, '.git')));
  const searched = root === -1 ? folders.slice(0, 1) : folders.slice(0, root + 1);
  return searched.map((dir) => path.join(dir, IGNORE_FILE)).find((candidate) => existsSync(candidate));
}

export function readIgnoreFile(file: string | undefined): IgnoreFile {
  if (!file) return { ignore: [], ignoreHpaReplicas: true };
  const text = readTextFile(file, 'config', `--config names a ${IGNORE_FILE} file (ignore rules and settings)`);
  let document: unknown;
  try {
    document = load(text);
  } catch (error) {
    const problem = yamlSyntaxProblem(error);
    if (!problem) throw error;
    throw new GitdiffError(`config ${file}: ${yamlErrorText(problem)}`, { hint: `fix the YAML of ${IGNORE_FILE}` });
  }
  if (document === null || document === undefined) return { file, ignore: [], ignoreHpaReplicas: true };
  if (!isRecord(document)) throw invalid(file, 'the file must be a mapping');
  rejectUnknownKeys(document, ['kube'], 'the file', file);
  const kube = document.kube;
  if (kube === undefined || kube === null) return { file, ignore: [], ignoreHpaReplicas: true };
  if (!isRecord(kube)) throw invalid(file, '`kube` must be a mapping');
  rejectUnknownKeys(kube, ['ignoreHpaReplicas', 'ignore'], '`kube`', file);
  const rules = kube.ignore ?? [];
  if (!Array.isArray(rules)) throw invalid(file, '`kube.ignore` must be a list of rules');
  const hpa = kube.ignoreHpaReplicas ?? true;
  if (typeof hpa !== 'boolean') throw invalid(file, '`kube.ignoreHpaReplicas` must be true or false');
  return { file, ignore: rules.map((rule, index) => parseRule(rule, `${path.basename(file)} rule ${index + 1}`, file)), ignoreHpaReplicas: hpa };
}

/** Every level is checked: a misspelt key (`ignoreHPAReplicas`) would otherwise be a setting that silently does nothing. */
function rejectUnknownKeys(mapping: Record<string, unknown>, known: string[], what: string, file: string): void {
  const unknown = Object.keys(mapping).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw invalid(file, `${what} has unknown field ${unknown.join(', ')} (known: ${known.join(', ')})`);
}

/** How many differences the config file's rules set aside in these items (each set-aside change says which kind of rule). */
export function setAsideByIgnoreFile(items: readonly Pick<Item, 'ignored'>[]): number {
  let count = 0;
  for (const item of items) for (const change of item.ignored ?? []) if (change.setAsideBy === 'config-file') count++;
  return count;
}

function parseRule(rule: unknown, origin: string, file: string): IgnoreRule {
  if (!isRecord(rule)) throw invalid(file, `${origin} must be a mapping`);
  rejectUnknownKeys(rule, ['apiVersion', 'kind', 'namespace', 'name', 'paths', 'managers'], origin, file);
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
  const parsed: IgnoreRule = { apiVersion: text('apiVersion'), kind: text('kind'), namespace: text('namespace'), name: text('name'), paths: list('paths'), managers: list('managers'), origin, source: 'config-file' };
  if (!parsed.paths?.length && !parsed.managers?.length) throw invalid(file, `${origin} ignores nothing: give it paths or managers`);
  return parsed;
}

function invalid(file: string, message: string): GitdiffError {
  return new GitdiffError(`config ${file}: ${message}`, { hint: `see docs/kube.md, "Ignore rules"` });
}
