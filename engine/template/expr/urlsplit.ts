// Ansible's urlsplit filter: Python's urllib.parse.urlsplit (no normalising, unlike WHATWG URLs), as a
// dict of its parts or the one part asked for.
import { ExprError } from './pyops.js';

const SCHEME_CHARS = /^[A-Za-z][A-Za-z0-9+.-]*$/;

// the parts urlsplit's SplitResult gives, computed as CPython 3.11 computes them
function split(url: string, col: number): Record<string, unknown> {
  let rest = url.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  let scheme = '';
  const colon = rest.indexOf(':');
  if (colon > 0 && SCHEME_CHARS.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end === -1 ? rest.slice(2) : rest.slice(2, end + 2);
    rest = end === -1 ? '' : rest.slice(end + 2);
    if ((netloc.includes('[') && !netloc.includes(']')) || (netloc.includes(']') && !netloc.includes('['))) throw new ExprError('Invalid IPv6 URL', col);
  }
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash !== -1) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q !== -1) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const at = netloc.lastIndexOf('@');
  const userinfo = at === -1 ? undefined : netloc.slice(0, at);
  const hostport = at === -1 ? netloc : netloc.slice(at + 1);
  let host: string;
  let port: string | undefined;
  if (hostport.includes('[')) {
    const close = hostport.indexOf(']');
    host = hostport.slice(hostport.indexOf('[') + 1, close);
    const after = hostport.slice(close + 1);
    port = after.startsWith(':') ? after.slice(1) : undefined;
  } else {
    const c = hostport.indexOf(':');
    host = c === -1 ? hostport : hostport.slice(0, c);
    port = c === -1 ? undefined : hostport.slice(c + 1);
  }
  let portNumber: number | null = null;
  if (port) {
    if (!/^\d+$/.test(port) || Number(port) > 65535) throw new ExprError(`Port could not be cast to integer value as '${port}'`, col);
    portNumber = Number(port);
  }
  const uc = userinfo === undefined ? -1 : userinfo.indexOf(':');
  return {
    fragment,
    hostname: host ? (host.includes('%') ? host : host.toLowerCase()) : null,
    netloc,
    password: userinfo === undefined || uc === -1 ? null : userinfo.slice(uc + 1),
    path: rest,
    port: portNumber,
    query,
    scheme,
    username: userinfo === undefined ? null : uc === -1 ? userinfo : userinfo.slice(0, uc),
  };
}

/** The urlsplit filter: every part, or the one named. */
export function urlsplit(value: unknown, part: unknown, col: number): unknown {
  const parts = split(String(value), col);
  if (part === undefined || part === null || part === '') return parts;
  if (!Object.prototype.hasOwnProperty.call(parts, String(part))) throw new ExprError(`urlsplit: unknown URL component: ${String(part)}`, col);
  return parts[String(part)];
}
