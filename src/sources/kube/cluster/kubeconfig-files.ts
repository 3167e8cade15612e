// Which kubeconfig, and what it says: client-go's loading rules, so that
// gitdiff checks the cluster kubectl would. `--kubeconfig FILE` is that one
// file; otherwise $KUBECONFIG lists files (missing ones skipped, each counted
// once), else ~/.kube/config. Several files merge as clientcmd merges them:
// the FIRST file to set current-context wins, and the FIRST definition of each
// cluster, user and context name wins whole (a later file adds names, never
// fields). Relative paths are resolved against the folder of the file that
// wrote them (clientcmd.ResolveLocalPaths), before merging.
// https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/#merging-kubeconfig-files
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { yamlErrorText, yamlSyntaxProblem } from '../../../yaml-syntax.js';
import { GitdiffError, messageOf } from '../../../errors.js';
import { fileProblem } from '../../../system-errors.js';
import { readTextFile } from '../../../files.js';
import { isRecord } from '../objects.js';
import { YAML_OPTIONS } from '../documents.js';
import { aliasExpansion, expandsTooFar } from '../input-limits.js';

export type KubeconfigEntry = Record<string, unknown>;

/** The merged kubeconfig: named entries by name (first definition wins), and the current context. */
export interface Kubeconfig {
  /** The files that were read, in order (for messages). */
  files: string[];
  currentContext?: string;
  clusters: Map<string, KubeconfigEntry>;
  users: Map<string, KubeconfigEntry>;
  contexts: Map<string, KubeconfigEntry>;
}

const LISTS = [['clusters', 'cluster'], ['users', 'user'], ['contexts', 'context']] as const;

/** The kubeconfig files to read, in order, as kubectl chooses them; empty when there is none (in a pod, say). */
export function kubeconfigFiles(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string[] {
  // An explicit file must exist: a typo is an error, not a silent fall-back to another cluster.
  if (explicit) return [path.resolve(cwd, explicit)];
  const listed = env.KUBECONFIG;
  if (listed) {
    const files = [...new Set(listed.split(path.delimiter).filter(Boolean).map((file) => path.resolve(cwd, file)))];
    return files.filter((file) => existsSync(file));
  }
  const home = path.join(env.HOME ?? os.homedir(), '.kube', 'config');
  return existsSync(home) ? [home] : [];
}

/** Reads and merges the files. A file that cannot be read or parsed, or repeats a name, is an error, as in kubectl. */
export function loadKubeconfig(files: string[]): Kubeconfig {
  const merged: Kubeconfig = { files, clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const file of files) {
    const config = readKubeconfigFile(file);
    const current = config['current-context'];
    if (merged.currentContext === undefined && typeof current === 'string' && current !== '') merged.currentContext = current;
    for (const [list, field] of LISTS) {
      for (const [name, entry] of namedEntries(file, config[list], list, field)) {
        if (!merged[list].has(name)) merged[list].set(name, entry);
      }
    }
  }
  return merged;
}

/**
 * A file a kubeconfig names (certificate-authority, client-certificate,
 * client-key, token-file) that cannot be read: named with its context, in words.
 */
export function unreadableReferencedFile(contextName: string, file: string, error: unknown, key?: string): GitdiffError {
  return new GitdiffError(`kubeconfig context "${contextName}": ${key ? `${key} ` : ''}${file}: ${fileProblem(error)}`, {
    hint: "fix the path in the kubeconfig (a relative path is read from the kubeconfig's folder)",
  });
}

/** One file, parsed as kubectl parses YAML (1.1 scalars: `name: yes` is not a name), nesting and aliases bounded. */
function readKubeconfigFile(file: string): KubeconfigEntry {
  const hint = 'check the file (kubectl config view --kubeconfig FILE)';
  const text = readTextFile(file, 'kubeconfig', 'point --kubeconfig (or $KUBECONFIG) at a kubeconfig file');
  let parsed: unknown;
  try {
    parsed = load(text, YAML_OPTIONS);
  } catch (error) {
    // In gitdiff's words: js-yaml's message quotes the file (its snippet, an unknown tag's text), tokens included.
    const problem = yamlSyntaxProblem(error);
    throw new GitdiffError(`kubeconfig ${file}: ${problem ? yamlErrorText(problem) : messageOf(error).split('\n')[0]}`, { hint });
  }
  if (expandsTooFar(aliasExpansion(parsed))) throw new GitdiffError(`kubeconfig ${file}: YAML aliases expand too far: refused (an alias bomb?)`, { hint });
  if (parsed === undefined || parsed === null) return {};
  if (!isRecord(parsed)) throw new GitdiffError(`kubeconfig ${file}: not a kubeconfig (a YAML mapping)`, { hint });
  return parsed;
}

/** One file's list of named entries, paths made absolute; a repeated name is an error (clientcmd refuses it too). */
function namedEntries(file: string, list: unknown, listName: string, field: string): Map<string, KubeconfigEntry> {
  const entries = new Map<string, KubeconfigEntry>();
  if (list === undefined || list === null) return entries;
  const malformed = (what: string): GitdiffError =>
    new GitdiffError(`kubeconfig ${file}: ${listName} ${what}`, { hint: 'check the file (kubectl config view --kubeconfig FILE)' });
  if (!Array.isArray(list)) throw malformed('is not a list');
  for (const element of list) {
    if (!isRecord(element) || typeof element.name !== 'string') throw malformed('has an entry without a name');
    if (entries.has(element.name)) throw malformed(`has the name "${element.name}" twice`);
    const body = element[field] ?? {};
    if (!isRecord(body)) throw malformed(`entry "${element.name}" has no ${field} mapping`);
    entries.set(element.name, withAbsolutePaths(body, field, path.dirname(file)));
  }
  return entries;
}

/** clientcmd's GetClusterFileReferences and GetAuthInfoFileReferences: the paths resolved against the file's folder. */
function withAbsolutePaths(body: KubeconfigEntry, field: string, folder: string): KubeconfigEntry {
  const keys = field === 'cluster' ? ['certificate-authority'] : field === 'user' ? ['client-certificate', 'client-key', 'token-file'] : [];
  const resolved: KubeconfigEntry = { ...body };
  for (const key of keys) {
    const value = body[key];
    if (typeof value === 'string' && value !== '') resolved[key] = path.resolve(folder, value);
  }
  // An exec command with a path separator is a file beside the kubeconfig; a bare name is looked up on PATH.
  const exec = body.exec;
  if (field === 'user' && isRecord(exec) && typeof exec.command === 'string' && exec.command.includes(path.sep)) {
    resolved.exec = { ...exec, command: path.resolve(folder, exec.command) };
  }
  return resolved;
}

/** The merged kubeconfig in its file form (lists of named entries), for the Kubernetes client to load. */
export function kubeconfigDocument(config: Kubeconfig, currentContext: string): object {
  const list = (entries: Map<string, KubeconfigEntry>, field: string) => [...entries].map(([name, body]) => ({ name, [field]: body }));
  return {
    apiVersion: 'v1', kind: 'Config', 'current-context': currentContext,
    clusters: list(config.clusters, 'cluster'), users: list(config.users, 'user'), contexts: list(config.contexts, 'context'),
  };
}

/** The context a run uses, with its cluster and user entries (an absent user is anonymous). */
export interface ChosenContext {
  name: string;
  context: KubeconfigEntry;
  clusterName: string;
  cluster: KubeconfigEntry;
  /** The cluster's server URL, as written. */
  server: string;
  userName?: string;
  user: KubeconfigEntry;
}

const CHECK_HINT = 'kubectl config view shows the contexts, clusters and users';

/** `--context NAME`, else the current context, validated as kubectl's ConfirmUsable does. */
export function chooseContext(config: Kubeconfig, requested: string | undefined): ChosenContext {
  const name = requested ?? config.currentContext;
  if (name === undefined) {
    throw new GitdiffError(`kubeconfig ${config.files.join(path.delimiter)} sets no current context`, {
      hint: 'give --context NAME (kubectl config get-contexts lists them), or kubectl config use-context NAME',
    });
  }
  const context = config.contexts.get(name);
  if (!context) {
    const known = [...config.contexts.keys()].join(', ') || 'none';
    throw new GitdiffError(`kubeconfig ${config.files.join(path.delimiter)} has no context "${name}" (contexts: ${known})`, {
      hint: 'pass --context with one of them (kubectl config get-contexts lists them)',
    });
  }
  const clusterName = typeof context.cluster === 'string' ? context.cluster : '';
  const cluster = config.clusters.get(clusterName);
  const server = cluster?.server;
  if (!cluster || typeof server !== 'string' || server === '') {
    throw new GitdiffError(`kubeconfig context "${name}" names no cluster server`, { hint: CHECK_HINT });
  }
  const userName = typeof context.user === 'string' && context.user !== '' ? context.user : undefined;
  const user = userName === undefined ? {} : config.users.get(userName);
  if (!user) throw new GitdiffError(`kubeconfig context "${name}" names the user "${userName}", which no kubeconfig file defines`, { hint: CHECK_HINT });
  return { name, context, clusterName, cluster, server, userName, user };
}
