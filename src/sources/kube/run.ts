// `gitdiff kube`, the pipeline: load declared -> set aside what cannot be
// matched -> resolve scope -> fetch live -> normalize -> compare -> Report.
// Each stage is its own module; this file only wires them (compare-live.ts
// runs the live side's stages, items.ts turns each declared object into one report Item).
import { GitdiffError } from '../../errors.js';
import type { Findings } from '../../report.js';
import type { RunContext } from '../types.js';
import { loadDeclared } from './declared.js';
import type { LiveSide } from './live.js';
import { declaredAt, type DeclaredObject } from './objects.js';
import { readSnapshot } from './snapshot.js';
import { findIgnoreFile, readIgnoreFile } from './ignore-file.js';
import type { KubeOptions } from './options.js';
import { generatedItem } from './items.js';
import { rejectInvalidSecretData } from './secrets.js';
import { compareWithLive } from './compare-live.js';
import { workTreeRevision } from './revision.js';
import { existsSync } from 'node:fs';
import path from 'node:path';


export async function runKube(options: KubeOptions, context: RunContext): Promise<Findings> {
  const started = performance.now();
  // The config is found beside the first path or kustomization, in the working tree (also with --rev).
  const configPath = options.configFile ? path.resolve(context.cwd, options.configFile) : findIgnoreFile([...options.paths, ...options.kustomize], context.cwd);
  if (options.configFile && !existsSync(configPath!)) throw new GitdiffError(`--config ${options.configFile}: no such file or directory`, { hint: '--config names a .gitdiff.yaml of ignore rules: check the path, or drop --config to use the nearest one' });
  const config = readIgnoreFile(configPath);
  if (configPath) context.log(`config: ${configPath}`);
  // Asked while the manifests are read; --rev reads a commit of its own, not the work tree.
  const revision = options.rev === undefined ? workTreeRevision([...options.paths, ...options.kustomize], context.cwd, context.env) : undefined;
  const { declared, notes } = await loadDeclaredObjects(options, context);
  const { comparable, generated } = setAsideGenerated(declared, options);
  rejectInvalidSecretData(comparable);
  // Each stage's time since the start, so that --debug shows where a slow run spends it.
  const since = (): string => `${Math.round(performance.now() - started)} ms`;
  context.log(`read ${declared.length} declared objects (${since()})`);

  const live = await openLiveSide(options, context);
  try {
    const findings = await compareWithLive(comparable, live, { options, config, configPath, context, since });
    const commit = await revision;
    return {
      ...(commit ? { revision: commit } : {}),
      target: live.target,
      items: [...findings.items, ...generated.map(generatedItem)],
      errors: findings.errors,
      notes: [...notes, ...findings.notes],
      noun: 'object',
    };
  } finally {
    live.close();
  }
}

/**
 * Objects with metadata.generateName cannot be matched with a live one: set aside (shown as not
 * compared, generatedItem). A run that has nothing else to compare cannot say anything: an error.
 */
function setAsideGenerated(declared: DeclaredObject[], options: KubeOptions): { comparable: DeclaredObject[]; generated: DeclaredObject[] } {
  const comparable = declared.filter((object) => !object.generated);
  const generated = declared.filter((object) => object.generated);
  const inputs = [...options.paths, ...options.kustomize.map((dir) => `${dir} (kustomize)`)].join(', ');
  const at = options.rev ? ` at ${options.rev}` : '';
  if (declared.length === 0) {
    throw new GitdiffError(`no Kubernetes objects found in ${inputs}${at}`, { hint: 'name files or folders with *.yaml, *.yml or *.json manifests' });
  }
  if (comparable.length === 0) {
    const named = generated.slice(0, 3).map(declaredAt).join(', ') + (generated.length > 3 ? ` and ${generated.length - 3} more` : '');
    throw new GitdiffError(`nothing to compare in ${inputs}${at}: every object uses metadata.generateName (${named}), so the server chooses its name and no live object can be matched with it`, {
      hint: 'give an object a fixed metadata.name to compare it',
    });
  }
  return { comparable, generated };
}

/** The working tree (or stdin), or the files at --rev; then each -k kustomization, rendered. */
async function loadDeclaredObjects(options: KubeOptions, context: RunContext): Promise<{ declared: DeclaredObject[]; notes: string[] }> {
  const declared: DeclaredObject[] = [];
  const notes: string[] = [];
  // git and kubectl are run through execa: its modules load only when one of them is needed.
  if (options.rev !== undefined) {
    const { loadDeclaredAtRevision } = await import('./declared-git.js');
    const revision = await loadDeclaredAtRevision(options.rev, options.paths, context);
    declared.push(...revision.declared);
    notes.push(`manifests read at Git revision ${options.rev} (${revision.commit.slice(0, 12)}), not from the working tree`);
  } else if (options.paths.length > 0) {
    declared.push(...(await loadDeclared(options.paths, context.cwd, context.stdin)));
  }
  if (options.kustomize.length > 0) {
    const { loadKustomization } = await import('./declared-kustomize.js');
    for (const dir of options.kustomize) declared.push(...(await loadKustomization(dir, context)));
  }
  return { declared, notes };
}

async function openLiveSide(options: KubeOptions, context: RunContext): Promise<LiveSide> {
  if (options.liveFrom !== undefined) return readSnapshot(options.liveFrom, context.cwd, context.stdin, options.namespace);
  // The Kubernetes client is loaded only here: snapshot runs and --version never pay for it.
  const { connectLiveCluster } = await import('./cluster/index.js');
  return connectLiveCluster({
    kubeconfig: options.kubeconfig,
    context: options.context,
    namespace: options.namespace,
    env: context.env,
    cwd: context.cwd,
    settings: { timeoutMs: options.requestTimeoutMs, signal: context.signal, log: context.log },
  });
}
