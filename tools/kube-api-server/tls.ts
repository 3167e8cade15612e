// A self-signed certificate for 127.0.0.1, made by the openssl CLI (Node cannot
// create X.509 certificates). TLS matters for fidelity: kubectl (client-go's
// clientcmd) only sends a kubeconfig's credentials to https servers, so a token
// can only be tested with the real kubectl over TLS.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export interface ServerCertificate {
  /** PEM; also the CA a client must trust. */
  cert: string;
  key: string;
}

export async function selfSignedCertificate(): Promise<ServerCertificate> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gitdiff-apiserver-tls-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=gitdiff-test-apiserver', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', keyFile, '-out', certFile,
    ]).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`test API server: could not make a TLS certificate with openssl (${error.code === 'ENOENT' ? 'openssl not installed' : error.message})`);
    });
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
