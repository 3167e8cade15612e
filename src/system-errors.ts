// Node's system errors and OpenSSL's TLS errors in gitdiff's words. Node
// writes for programmers ("ENOENT: no such file or directory, open '/x'"), and
// OpenSSL for itself ("write EPROTO 80DC...:error:0A00010B:SSL routines:
// ssl3_get_record:wrong version number:../deps/openssl/..."), when https meets
// a plain http server. Issue 15: a person should read what went wrong and what
// to do. Every place that reads a file or talks to a server names the file or
// the server itself and takes the reason (and, for TLS, the hint) from here.
import { messageOf } from './errors.js';

/** Why a file could not be read or written, by Node's error code. */
const FILE_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many levels of symbolic links (a link loop?)',
  ENAMETOOLONG: 'the name is too long',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'input/output error',
  ENXIO: 'no such device (a named pipe without a writer?)',
  EBUSY: 'busy (in use by another process)',
  EEXIST: 'already exists',
  ETXTBSY: 'busy (a program being run)',
};

/** The error's code, or its cause's: fetch wraps the socket's error in a TypeError('fetch failed'). */
function codeOf(error: unknown): string | undefined {
  for (let at = error, depth = 0; at instanceof Object && depth < 4; at = (at as { cause?: unknown }).cause, depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return undefined;
}

/**
 * Node's own sentence without its code and call ("ENOENT: no such file or
 * directory, open '/x'" -> "no such file or directory"), first line only; the
 * caller names the file. Anything else: its message.
 */
function plainMessage(error: unknown): string {
  const first = messageOf(error).split('\n')[0];
  return /^[A-Z][A-Z0-9_]+: (.*?)(?:, [a-z]+ '.*')?$/.exec(first)?.[1] ?? first;
}

/** Why a file could not be read or written, in words: the caller says which file and what it was for. */
export function fileProblem(error: unknown): string {
  const code = codeOf(error);
  return (code && FILE_PROBLEMS[code]) || plainMessage(error);
}

/** Whether the error is Node's report of a file it could not use (it carries the path), not a problem inside the file. */
export function isFileError(error: unknown): error is NodeJS.ErrnoException & { path: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).path === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

export interface ConnectionProblem {
  /** What went wrong, to follow the server's name: "connection refused", "answered in plain HTTP, not TLS". */
  reason: string;
  /** What to do, for TLS problems, where the cause is rarely the server being down; else the caller's own. */
  hint?: string;
  /** Whether the connection was made and TLS failed: the server is there, it is the wrong one or not trusted. */
  tls: boolean;
  /** Whether another attempt may succeed (a refused or reset connection, a DNS hiccup), not a wrong address or certificate. */
  transient: boolean;
}

const NETWORK_PROBLEMS: Readonly<Record<string, { reason: string; transient: boolean }>> = {
  ECONNREFUSED: { reason: 'connection refused', transient: true },
  ECONNRESET: { reason: 'connection reset', transient: true },
  EPIPE: { reason: 'the connection was closed while sending', transient: true },
  ECONNABORTED: { reason: 'the connection was aborted', transient: true },
  ETIMEDOUT: { reason: 'the connection timed out', transient: true },
  EAI_AGAIN: { reason: 'the host name could not be looked up just now (DNS)', transient: true },
  ENOTFOUND: { reason: 'host not found', transient: false },
  EHOSTUNREACH: { reason: 'no route to the host', transient: false },
  ENETUNREACH: { reason: 'the network is unreachable', transient: false },
  UND_ERR_SOCKET: { reason: 'the connection was closed before an answer (an https server on an http:// URL?)', transient: true },
  UND_ERR_CONNECT_TIMEOUT: { reason: 'the connection timed out', transient: true },
};

/** OpenSSL's reason inside its error string: "...:SSL routines:ssl3_get_record:wrong version number:../deps/..." -> "wrong version number". */
function opensslReason(error: unknown): string | undefined {
  for (let at = error, depth = 0; at instanceof Object && depth < 4; at = (at as { cause?: unknown }).cause, depth++) {
    const reason = /error:[0-9A-Fa-f]+:[^:]*:[^:]*:([^:]+)/.exec(messageOf(at))?.[1];
    if (reason) return reason.trim();
  }
  return undefined;
}

/**
 * Why a connection to a server failed, in words. `trust` is how this caller's
 * user makes gitdiff trust a server's CA (a kubeconfig's certificate-authority,
 * NODE_EXTRA_CA_CERTS), said when a certificate is not trusted.
 */
export function connectionProblem(error: unknown, trust: string): ConnectionProblem {
  const code = codeOf(error) ?? '';
  const openssl = opensslReason(error);
  const tls = (reason: string, hint: string): ConnectionProblem => ({ reason, hint, tls: true, transient: false });
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || openssl === 'wrong version number' || openssl === 'packet length too long') {
    return tls('answered in plain HTTP, not TLS', 'is the URL http://, not https://?');
  }
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return tls('TLS certificate not trusted: it is self-signed', trust);
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_SIGNATURE_FAILURE':
      return tls('TLS certificate not trusted: no trusted CA signed it', trust);
    case 'CERT_HAS_EXPIRED':
      return tls('TLS certificate has expired', "renew the server's certificate (or check this machine's clock)");
    case 'CERT_NOT_YET_VALID':
      return tls('TLS certificate is not valid yet', "check this machine's clock");
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return tls('TLS certificate is for another host name', "use a host name the server's certificate lists (a kubeconfig can set tls-server-name)");
  }
  if (/CERT|^ERR_TLS|^ERR_SSL|^EPROTO$/.test(code) || openssl) {
    return tls(`TLS failed: ${openssl ?? code}`, 'is this the https server you meant?');
  }
  const network = NETWORK_PROBLEMS[code];
  if (network) return { ...network, tls: false };
  return { reason: plainMessage(error), tls: false, transient: false };
}
