// Server-side mode's one write-shaped request: a server-side apply of the
// manifest with dryRun=All, which the API server runs through defaulting,
// admission (mutating webhooks included), merging and validation, then answers
// with the object it would store, storing nothing. The same request
// `kubectl diff --server-side` sends, as gitdiff's field manager, forcing
// conflicts (gitdiff never owns fields, so without force any field another
// manager set would conflict).
import { GitdiffError } from '../../../errors.js';
import { jsonText } from '../../../exact-integers.js';
import type { LiveLookup } from '../live.js';
import { isRecord, type KubeObject } from '../objects.js';
import type { Connection } from './connect.js';
import { requestJson, type RequestSettings } from './request.js';
import { apiFailure, isKubernetesNotFound, NotKubernetesApiServer } from './status.js';

export const FIELD_MANAGER = 'gitdiff';
export const APPLY_PATCH = 'application/apply-patch+yaml';

export interface DryRunTarget {
  /** The object's URL path: `/apis/apps/v1/namespaces/shop/deployments/web`. */
  path: string;
  /** `deployments.apps`, for messages. */
  resource: string;
  namespace?: string;
}

export async function dryRunApply(connection: Connection, target: DryRunTarget, manifest: KubeObject, settings: RequestSettings): Promise<LiveLookup> {
  const query = new URLSearchParams({ dryRun: 'All', fieldManager: FIELD_MANAGER, force: 'true' });
  try {
    // JSON is YAML: the apply-patch+yaml content type takes it as it is, as kubectl sends it.
    const response = await requestJson(connection, `${target.path}?${query}`, settings, { method: 'PATCH', contentType: APPLY_PATCH, body: jsonText(manifest) });
    if ((response.status === 200 || response.status === 201) && isRecord(response.body)) return { state: 'found', object: response.body as KubeObject };
    if (response.status === 404) {
      if (!isKubernetesNotFound(response.body)) throw new NotKubernetesApiServer(connection, `PATCH ${target.path} answered 404 without a Kubernetes Status`);
      return { state: 'absent' };
    }
    const failure = apiFailure(connection, response, {
      verb: 'patch', path: target.path, resource: target.resource, namespace: target.namespace, name: manifest.metadata.name,
      withoutServerMessage: manifest.kind === 'Secret',
    });
    return { state: 'error', ...failure };
  } catch (error) {
    if (error instanceof GitdiffError && !(error instanceof NotKubernetesApiServer)) return { state: 'error', message: error.message, hint: error.hint };
    throw error;
  }
}
