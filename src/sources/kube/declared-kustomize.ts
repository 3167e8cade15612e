// Declared state rendered by kustomize (-k DIR): `kubectl kustomize DIR`, the
// renderer `kubectl apply -k` uses, so what is compared is what would be applied.
// The rendered stream has no lines in the user's files, so objects point back
// to the kustomization as `DIR (kustomize)`, without a line.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { GitdiffError } from '../../errors.js';
import { parseManifests } from './documents.js';
import type { DeclaredObject } from './objects.js';
import { failureReason, runTool, type ToolContext } from './tool.js';

export async function loadKustomization(dir: string, context: ToolContext): Promise<DeclaredObject[]> {
  const shownDir = dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
  const absolute = path.resolve(context.cwd, dir);
  const info = await stat(absolute).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new GitdiffError(`-k ${dir}: ${info ? 'not a directory' : 'no such directory'}`, { hint: 'name the folder that holds kustomization.yaml' });
  }
  const result = await runTool('kubectl', ['kustomize', absolute], context, 'install kubectl, which includes kustomize (https://kubernetes.io/docs/tasks/tools/)');
  if (result.exitCode !== 0) {
    throw new GitdiffError(`-k ${dir}: kubectl kustomize failed: ${failureReason(result.stderr)}`, { hint: `run \`kubectl kustomize ${dir}\` to see its full output` });
  }
  // Deprecation warnings (commonLabels, bases) do not change the result: debug output, not noise in CI logs.
  for (const line of result.stderr.split('\n')) if (line.trim()) context.log(`kubectl kustomize ${dir}: ${line.trim()}`);
  const shown = `${shownDir} (kustomize)`;
  return parseManifests(result.stdout.toString('utf8'), shown).map(({ object, generated }) => ({ object, file: shown, ...(generated ? { generated } : {}) }));
}
