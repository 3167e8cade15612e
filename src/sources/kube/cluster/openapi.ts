// Reading the cluster's published schemas, once per run and only for the
// group-versions being compared: the OpenAPI v3 index (`/openapi/v3`), then one
// document per group-version (`/openapi/v3/apis/apps/v1?hash=...`), a bounded
// number in flight. Servers without v3 (before 1.24, or with it disabled)
// answer 404: then the single v2 document. Any other failure is not an error
// of the run: the comparison falls back to gitdiff's built-in rules.
import { GitdiffError } from '../../../errors.js';
import { isRecord } from '../objects.js';
import type { OpenApiRead } from '../schema/schema-set.js';
import type { Connection } from './connect.js';
import { runBounded } from './pool.js';
import { getJson, type RequestSettings } from './request.js';

const CONCURRENCY = 8;

/** `api/v1`, `apis/apps/v1`: how the v3 index names a group-version. */
export function openApiV3Key(apiVersion: string): string {
  return apiVersion.includes('/') ? `apis/${apiVersion}` : `api/${apiVersion}`;
}

export async function readOpenApi(connection: Connection, apiVersions: string[], settings: RequestSettings): Promise<OpenApiRead> {
  try {
    const index = await getJson(connection, '/openapi/v3', settings);
    if (index.status === 200 && isRecord(index.body) && isRecord(index.body.paths)) {
      return await readV3Documents(connection, index.body.paths, apiVersions, settings);
    }
    if (index.status !== 404) return { unavailable: `GET /openapi/v3 answered HTTP ${index.status}` };
    const v2 = await getJson(connection, '/openapi/v2', settings);
    if (v2.status === 200 && isRecord(v2.body) && isRecord(v2.body.definitions)) return { documents: { version: 2, document: v2.body }, failed: new Map() };
    return { unavailable: `GET /openapi/v3 answered HTTP 404, and GET /openapi/v2 HTTP ${v2.status}` };
  } catch (error) {
    if (error instanceof GitdiffError) return { unavailable: error.message };
    throw error;
  }
}

async function readV3Documents(connection: Connection, paths: Record<string, unknown>, apiVersions: string[], settings: RequestSettings): Promise<OpenApiRead> {
  const documents = new Map<string, unknown>();
  const failed = new Map<string, string>();
  const tasks = apiVersions.map((apiVersion) => async () => {
    const entry = paths[openApiV3Key(apiVersion)];
    const url = isRecord(entry) && typeof entry.serverRelativeURL === 'string' && entry.serverRelativeURL.startsWith('/openapi/v3/')
      ? entry.serverRelativeURL
      : undefined;
    if (!url) {
      failed.set(apiVersion, 'not in the /openapi/v3 index');
      return;
    }
    try {
      const response = await getJson(connection, url, settings);
      if (response.status === 200 && isRecord(response.body)) documents.set(apiVersion, response.body);
      else failed.set(apiVersion, `GET ${url.split('?')[0]} answered HTTP ${response.status}`);
    } catch (error) {
      if (!(error instanceof GitdiffError)) throw error;
      failed.set(apiVersion, error.message);
    }
  });
  await runBounded(tasks, CONCURRENCY);
  return { documents: { version: 3, documents }, failed };
}
