// Credentials written into a URL (https://user:password@host), split off
// before the URL is parsed, so they are sent as basic auth and never printed.
// Split by where a person means them to end, the last `@`, not by the URL
// parser: a password with a `/`, `#` or `?` ends the parser's authority early,
// so `http://u:pa/ss@host` fails to parse (and a message would quote it) and
// `http://u:9091/pw@host` parses as host `u`, port 9091, with the password in
// the path of every message and log line. The cost: a URL whose path holds an
// `@` and that has no credentials is misread; neither a Pushgateway's base URL
// nor an API server's has one.

export interface SplitUrl {
  /** The text without its userinfo: safe to parse and to print. */
  bare: string;
  username?: string;
  password?: string;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

export function splitUserinfo(text: string): SplitUrl {
  const scheme = SCHEME.exec(text)?.[0] ?? '';
  const rest = text.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  if (at < 0) return { bare: text };
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  return {
    bare: scheme + rest.slice(at + 1),
    username: decodeEscapes(colon < 0 ? userinfo : userinfo.slice(0, colon)),
    password: colon < 0 ? undefined : decodeEscapes(userinfo.slice(colon + 1)),
  };
}

/** The text as messages show it: userinfo, user name included, as `***`. */
export function maskUserinfo(text: string): string {
  const scheme = SCHEME.exec(text)?.[0] ?? '';
  const at = text.lastIndexOf('@');
  return at < scheme.length ? text : `${scheme}***${text.slice(at)}`;
}

/** Percent-escapes (`%40` for `@`) decoded; a `%` that starts none is a literal `%`, not an error. */
function decodeEscapes(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (escapes) => {
    try {
      return decodeURIComponent(escapes);
    } catch {
      return escapes; // not UTF-8: kept as written
    }
  });
}
