// Which proxy a request to the API server goes through, as kubectl decides it:
// the cluster's `proxy-url` when the kubeconfig sets one (for every request),
// else HTTPS_PROXY (for https servers) or HTTP_PROXY (for http), upper case
// before lower case, unless NO_PROXY names the host, and never for localhost or
// a loopback address (Go's net/http ProxyFromEnvironment, which client-go uses).
// gitdiff speaks to http and https proxies with CONNECT: the TLS session with
// the API server runs inside the tunnel, so the proxy sees neither the token
// nor the client certificate. A SOCKS or unknown proxy is refused with an
// error rather than silently bypassed.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { GitdiffError } from '../../../errors.js';
import { connectionProblem } from '../../../system-errors.js';

/** The proxy to use, and where the choice came from (for messages). */
export interface ProxyRoute {
  proxy: URL;
  /** `proxy-url of cluster "c"`, `HTTPS_PROXY`. */
  source: string;
}

const SUPPORTED = new Set(['http:', 'https:']);
/** How long a proxy may take to open a tunnel. */
const TUNNEL_TIMEOUT_MS = 30_000;

/** The route to `server`, or undefined to go direct. Throws for a proxy gitdiff cannot use. */
export function proxyRoute(server: URL, clusterName: string, proxyUrl: unknown, env: NodeJS.ProcessEnv): ProxyRoute | undefined {
  if (typeof proxyUrl === 'string' && proxyUrl !== '') return usable(proxyUrl, `proxy-url of cluster "${clusterName}"`, false);
  const names = server.protocol === 'https:' ? ['HTTPS_PROXY', 'https_proxy'] : ['HTTP_PROXY', 'http_proxy'];
  const name = names.find((candidate) => env[candidate]);
  if (!name || !proxiedHost(server, env.NO_PROXY || env.no_proxy || '')) return undefined;
  return usable(env[name]!, name, true);
}

/** Go's parseProxy: a value without a scheme (`proxy:3128`) means http. */
function usable(value: string, source: string, fromEnvironment: boolean): ProxyRoute {
  let proxy: URL | undefined;
  try {
    proxy = new URL(value);
    if (fromEnvironment && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) proxy = new URL(`http://${value}`);
  } catch {
    try {
      if (fromEnvironment) proxy = new URL(`http://${value}`);
    } catch { /* not a URL either way */ }
  }
  // The value may carry proxy credentials: messages name the source and the scheme, never the value.
  if (!proxy || proxy.hostname === '') {
    throw new GitdiffError(`the ${source} is not a URL`, { hint: 'a proxy looks like http://HOST:3128' });
  }
  if (!SUPPORTED.has(proxy.protocol)) {
    throw new GitdiffError(`the ${source} is a ${proxy.protocol.replace(/:$/, '')} proxy, which gitdiff cannot use (http and https proxies only)`, {
      hint: 'use an http(s) proxy that allows CONNECT to the API server, or run gitdiff where the cluster is reachable',
    });
  }
  return { proxy, source };
}

/** Go's httpproxy useProxy: loopback and localhost never; NO_PROXY entries are `*`, IPs, CIDRs, domains (with subdomains), with an optional port. */
export function proxiedHost(server: URL, noProxy: string): boolean {
  const host = server.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = server.port || (server.protocol === 'https:' ? '443' : '80');
  if (host === 'localhost' || isLoopback(host)) return false;
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return false;
    if (entry.includes('/')) {
      if (net.isIP(host) && inCidr(host, entry)) return false;
      continue;
    }
    const [entryHost, entryPort] = splitHostPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (net.isIP(entryHost)) {
      if (net.isIP(host) && sameIp(host, entryHost)) return false;
      continue;
    }
    // `example.com` matches it and its subdomains; `.example.com` and `*.example.com` only subdomains. Never an IP host.
    if (net.isIP(host)) continue;
    const domain = entryHost.replace(/^\*\./, '.');
    if (domain.startsWith('.') ? host.endsWith(domain) : host === domain || host.endsWith(`.${domain}`)) return false;
  }
  return true;
}

function splitHostPort(entry: string): [string, string | undefined] {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1], bracketed[2]];
  const colons = entry.split(':').length - 1;
  if (colons === 1) {
    const [host, port] = entry.split(':');
    return [host, port];
  }
  return [entry, undefined];
}

function isLoopback(host: string): boolean {
  if (net.isIPv4(host)) return host.startsWith('127.');
  return net.isIPv6(host) && (sameIp(host, '::1') || /^::ffff:127\./.test(host));
}

function sameIp(a: string, b: string): boolean {
  const list = new net.BlockList();
  list.addAddress(b, net.isIPv6(b) ? 'ipv6' : 'ipv4');
  return list.check(a, net.isIPv6(a) ? 'ipv6' : 'ipv4');
}

function inCidr(host: string, cidr: string): boolean {
  const [network, bits] = cidr.split('/');
  const family = net.isIPv6(network) ? 'ipv6' : net.isIPv4(network) ? 'ipv4' : undefined;
  const prefix = Number(bits);
  if (!family || !Number.isInteger(prefix)) return false;
  try {
    const list = new net.BlockList();
    list.addSubnet(network, prefix, family);
    return list.check(host, net.isIPv6(host) ? 'ipv6' : 'ipv4');
  } catch {
    return false;
  }
}

type TlsOptions = https.AgentOptions;

/**
 * An agent whose every connection is a CONNECT tunnel through the proxy: plain
 * for an http server, TLS inside it (with the cluster's CA and client
 * certificate) for an https one. The tunnel to an https proxy is verified
 * against the system's CAs and never carries the client certificate.
 */
export function tunnelingAgent(server: URL, route: ProxyRoute, options: TlsOptions): http.Agent {
  type Done = (error: Error | null, stream: Duplex) => void;
  const open = (target: http.ClientRequestArgs, done: (error: Error | null, socket?: net.Socket) => void): void => {
    openTunnel(route.proxy, `${formatHost(target.host ?? server.hostname)}:${target.port}`, done);
  };
  if (server.protocol === 'https:') {
    return new (class extends https.Agent {
      override createConnection(connectOptions: http.ClientRequestArgs, callback?: Done): undefined {
        open(connectOptions, (error, socket) => {
          if (error || !socket) callback?.(error ?? new Error('no tunnel'), undefined as unknown as Duplex);
          else callback?.(null, tls.connect({ ...(connectOptions as tls.ConnectionOptions), socket }));
        });
        return undefined;
      }
    })(options);
  }
  return new (class extends http.Agent {
    override createConnection(connectOptions: http.ClientRequestArgs, callback?: Done): undefined {
      open(connectOptions, (error, socket) => callback?.(error, socket as Duplex));
      return undefined;
    }
  })({ keepAlive: options.keepAlive, maxSockets: options.maxSockets });
}

function formatHost(host: string): string {
  return net.isIPv6(host) ? `[${host}]` : host;
}

/** An error of the tunnel, worded with the proxy's address (never its credentials) and no errno code: not retried as a server blip. */
function proxyError(proxy: URL, reason: string): Error {
  return new Error(`through proxy ${proxy.protocol}//${proxy.host}: ${reason}`);
}

function openTunnel(proxy: URL, target: string, done: (error: Error | null, socket?: net.Socket) => void): void {
  const port = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
  const socket: net.Socket = proxy.protocol === 'https:'
    ? tls.connect({ host: proxy.hostname, port, servername: net.isIP(proxy.hostname) ? undefined : proxy.hostname })
    : net.connect(port, proxy.hostname);
  let settled = false;
  const finish = (error: Error | null): void => {
    if (settled) return;
    settled = true;
    socket.removeAllListeners('data');
    socket.setTimeout(0);
    if (error) {
      socket.destroy();
      done(error);
    } else {
      done(null, socket);
    }
  };
  socket.setTimeout(TUNNEL_TIMEOUT_MS, () => finish(proxyError(proxy, `no tunnel within ${TUNNEL_TIMEOUT_MS / 1000} s`)));
  socket.once('error', (error: NodeJS.ErrnoException) => finish(proxyError(proxy, connectionProblem(error, 'trust the CA that signed the proxy\'s certificate').reason)));
  socket.once(proxy.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
    const credentials = proxy.username || proxy.password
      ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}\r\n`
      : '';
    socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${credentials}\r\n`);
  });
  let head = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (head.length > 16_384) finish(proxyError(proxy, 'an answer to CONNECT that never ends'));
      return;
    }
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'));
    if (!status || status[1] !== '200') {
      finish(proxyError(proxy, status ? `it refused the tunnel (HTTP ${status[1]}${status[1] === '407' ? ': proxy authentication required' : ''})` : 'not an HTTP proxy'));
      return;
    }
    const rest = head.subarray(end + 4);
    finish(null);
    if (rest.length > 0) socket.unshift(rest);
  });
}
