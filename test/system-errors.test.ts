// The words for Node's system errors, from real failures: the table's codes, and
// Node's own sentence (its code and call cut off) for a code the table lacks.
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionProblem, fileProblem } from '../src/system-errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gitdiff-system-errors-'));
writeFileSync(path.join(dir, 'file'), 'x');
mkdirSync(path.join(dir, 'full'));
writeFileSync(path.join(dir, 'full', 'inside'), 'x');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('fileProblem', () => {
  it.each([
    ['a missing file', () => readFileSync(path.join(dir, 'nosuch')), 'no such file or directory'],
    ['a directory read as a file', () => readFileSync(dir), 'is a directory'],
    ['a path through a file', () => readFileSync(path.join(dir, 'file', 'x')), 'a part of the path is not a directory'],
    ['a directory that exists already', () => mkdirSync(dir), 'already exists'],
    // Not in the table: Node's sentence, without "ENOTEMPTY: " and ", rmdir '/tmp/...'".
    ['a code the table lacks', () => rmdirSync(path.join(dir, 'full')), 'directory not empty'],
  ])('%s: %j', (_case, action, words) => {
    expect(fileProblem(thrownBy(action))).toBe(words);
  });

  it('is total: a thrown non-error still gives words', () => {
    expect(fileProblem('a string')).toBe('a string');
  });
});

describe('connectionProblem', () => {
  it('finds the code under fetch\'s TypeError("fetch failed")', () => {
    const wrapped = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    expect(connectionProblem(wrapped, 'trust it')).toEqual({ reason: 'connection refused', tls: false, transient: true });
  });

  it("reads OpenSSL's reason when Node gives only EPROTO", () => {
    const openssl = Object.assign(new Error('write EPROTO 80DC:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/ssl/record/ssl3_record.c:350:'), { code: 'EPROTO' });
    expect(connectionProblem(openssl, 'trust it')).toMatchObject({ reason: 'answered in plain HTTP, not TLS', tls: true, transient: false });
  });

  it('names another OpenSSL failure by its reason, not its whole string', () => {
    const openssl = Object.assign(new Error('write EPROTO 80DC:error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:../deps/x.c:1:'), { code: 'EPROTO' });
    expect(connectionProblem(openssl, 'trust it').reason).toBe('TLS failed: sslv3 alert handshake failure');
  });

  it('says how to trust a CA where the caller says so', () => {
    const selfSigned = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(connectionProblem(selfSigned, 'set NODE_EXTRA_CA_CERTS')).toEqual({
      reason: 'TLS certificate not trusted: it is self-signed', hint: 'set NODE_EXTRA_CA_CERTS', tls: true, transient: false,
    });
  });
});
