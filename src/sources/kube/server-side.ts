// --server-side: instead of checking the manifest as a subset of the live
// object, ask the API server what a server-side apply of it would produce (a
// dry run, see cluster/dry-run.ts) and compare that with the live object on
// every field but server-managed metadata. Only the server knows some of it:
// defaults and mutating webhooks, fields it would prune or drop, what the
// merge of lists by the schema's keys gives. Both sides are the server's own
// output, defaults included: only what decodes to the same Go object as an
// absent field stands for it (compare.ts, AbsenceRule). Pure: two objects in, Changes out.
import type { Change } from '../../report.js';
import { compareDeclared } from './compare.js';
import { normalize, SERVER_SIDE_STEPS } from './normalize.js';
import type { KubeObject } from './objects.js';
import type { FieldSchema } from './schema/field-schema.js';
import { compareSecretData, isSecret, secretExtras } from './secrets.js';

/** What the apply would remove from the live object (fields Git's field manager owned and dropped). */
export const REMOVED_BY_APPLY = 'removed by the apply';

/**
 * The differences between the dry run's result (`declared`: what Git would make
 * of the object) and the live object, both ways. Secret values are compared by
 * key and masked, as in the default mode.
 */
export function serverSideChanges(predicted: KubeObject, live: KubeObject, schema?: FieldSchema): Change[] {
  const predictedView = normalize(predicted, SERVER_SIDE_STEPS);
  const liveView = normalize(live, SERVER_SIDE_STEPS);
  const types = { schema, apiVersion: predicted.apiVersion, kind: predicted.kind };
  const changes = compareDeclared(predictedView, liveView, types, 'server-output');
  const reported = new Set(changes.map((change) => change.path));
  // The other way round: what live has that the result would not (a removed key, item or set element).
  for (const change of compareDeclared(liveView, predictedView, types, 'server-output')) {
    if (!reported.has(change.path)) changes.push({ path: change.path, declared: change.live, live: change.declared, note: REMOVED_BY_APPLY });
  }
  if (isSecret(predicted)) changes.push(...compareSecretData(predicted, live), ...secretExtras(predicted, live, REMOVED_BY_APPLY));
  return changes;
}
