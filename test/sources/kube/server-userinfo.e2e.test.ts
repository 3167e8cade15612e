// A kubeconfig whose server URL carries credentials with characters that end
// the URL parser's authority early (`/`, `#`, `?`): `http://admin:6443/pw@host`
// would parse as host `admin`, port 6443, with the password in the path of
// every message. gitdiff splits the userinfo at the last `@`: the credentials
// go to basic auth as written and are never printed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../../tools/kube-api-server/index.js';
import { repoRoot, runGitdiff } from '../../support/run-cli.js';

const manifests = path.join(repoRoot, 'fixtures/example/manifests');
let scratch: string;
let kube: KubeApiServer;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-server-userinfo-'));
  // Over TLS: gitdiff sends no credentials over plain http (issue 14, class 16).
  kube = await startKubeApiServer({ objects: [], tls: true });
});
afterAll(async () => {
  await kube?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('credentials in the API server URL', () => {
  it.each([['6443/pw-K7'], ['pa/ss-K7'], ['pa#ss-K7'], ['pa?ss-K7']])('password %j: sent as basic auth, never printed', async (password) => {
    const kubeconfig = kube.writeKubeconfig(mkdtempSync(path.join(scratch, 'kc-')));
    const withUserinfo = `${kubeconfig}.userinfo`;
    writeFileSync(withUserinfo, readFileSync(kubeconfig, 'utf8').replace('https://', `https://admin:${password}@`));
    const before = kube.requests.length;
    const result = await runGitdiff(['kube', manifests, '--kubeconfig', withUserinfo, '--debug']);
    expect(result.code).toBe(1); // the manifests are not in this cluster: diverged, so it was reached
    expect(kube.requests.length).toBeGreaterThan(before);
    expect(kube.requests.slice(before).every((request) => request.headers.authorization === `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`)).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(password.slice(0, 4));
  });
});
