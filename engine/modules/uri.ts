// uri, declared: the facts are whether creates/removes exist; the plan skips in check mode (Ansible's
// module does not support it), spares the request when creates/removes say so (on stdout, as Ansible's
// module says it), or asks the executor for one request (http-request.ts) with the body encoded as
// Ansible encodes it and the header values as Python's str. It changes nothing on the host.
import { requestSettings } from './curl.js';
import { declareModule, existing, failPlan, type Plan } from './declare.js';
import { pyJson } from '../template/expr/dump.js';
import { pyStr } from '../util/python-repr.js';

/** What uri reads before it asks: whether `creates` and `removes` exist (as os.path.exists). */
export interface UriFacts {
  creates?: boolean | undefined;
  removes?: boolean | undefined;
}

const OPTIONS = {
  url: { type: 'str', required: true },
  method: { type: 'str' },
  body: { type: 'raw' },
  // (form-multipart runs as Ansible's module: by-ansible.ts)
  body_format: { type: 'str', choices: ['form-urlencoded', 'json', 'raw', 'form-multipart'] },
  status_code: { type: 'list' },
  return_content: { type: 'bool' },
  headers: { type: 'dict' },
  timeout: { type: 'int' },
  validate_certs: { type: 'bool' },
  follow_redirects: { type: 'str', choices: ['all', 'no', 'none', 'safe', 'urllib2', 'yes'], only: ['all', 'no', 'none', 'safe', 'yes'] },
  url_username: { type: 'str', aliases: ['user'] },
  url_password: { type: 'str', aliases: ['password'] },
  force_basic_auth: { type: 'bool' },
  http_agent: { type: 'str' },
  use_proxy: { type: 'bool' },
  ca_path: { type: 'path' },
  client_cert: { type: 'path' },
  client_key: { type: 'path' },
  creates: { type: 'path' },
  removes: { type: 'path' },
  unix_socket: { type: 'path' },
} as const;

// Python's urllib.parse.quote_plus: letters, digits and _.-~ kept, a space as +
const quotePlus = (s: string): string =>
  encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');

// Ansible's form_urlencoded: a mapping (or list of pairs) as key=value&..., a list value as the key repeated, None left out
function formUrlencoded(body: unknown): string {
  if (typeof body === 'string') return body;
  const pairs: [unknown, unknown][] = Array.isArray(body) ? body.map((p) => (Array.isArray(p) ? [p[0], p[1]] : [p, undefined])) : Object.entries((body ?? {}) as Record<string, unknown>);
  return pairs
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).filter((x) => x !== null && x !== undefined).map((x) => `${quotePlus(pyStr(k))}=${quotePlus(pyStr(x))}`))
    .join('&');
}

// the body as sent and the content type it brings (unless a header names one): JSON as Python's json.dumps
// writes it (a string as it is), form fields for form-urlencoded
function encodeBody(body: unknown, format: string): { text: string; type?: string } {
  if (format === 'json') return { text: typeof body === 'string' ? body : pyJson(body, { sortKeys: false, ensureAscii: true }), type: 'application/json' };
  if (format === 'form-urlencoded') return { text: formUrlencoded(body), type: 'application/x-www-form-urlencoded' };
  return { text: String(body) };
}

// the result when creates/removes spares the request
const spared = (text: string): Plan => ({ steps: [], result: { changed: false, stdout: text } });

/** The uri module. */
export const uriModule = declareModule({
  spec: { options: OPTIONS },
  async facts(o, host, _local, mode): Promise<UriFacts> {
    // (in check mode the module does not run at all)
    const paths = mode.check ? [] : [o.creates, o.removes].filter((p): p is string => p !== undefined);
    const there = await existing(host, paths);
    const facts: UriFacts = {};
    if (!mode.check && o.creates !== undefined) facts.creates = there[0];
    if (!mode.check && o.removes !== undefined) facts.removes = there[o.creates !== undefined ? 1 : 0];
    return facts;
  },
  plan(o, f, mode): Plan {
    const url = o.url ?? '';
    const method = (o.method ?? 'GET').toUpperCase();
    if (!/^[A-Z]+$/.test(method)) return failPlan("Parameter 'method' needs to be a single word in uppercase, like GET or POST.");
    const statuses = (o.status_code ?? [200]).map((s) => Number(s));
    const bad = (o.status_code ?? []).find((s) => !/^\s*-?\d+\s*$/.test(pyStr(s)));
    if (bad !== undefined) return failPlan("Elements value for option 'status_code' is of type <class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted to an int");
    if (mode.check) return { steps: [], result: { changed: false, skipped: true, msg: 'remote module (ansible.legacy.uri) does not support check mode' } };
    if (f.creates === true) return spared(`skipped, since '${o.creates ?? ''}' exists`);
    if (f.removes === false) return spared(`skipped, since '${o.removes ?? ''}' does not exist`);
    const headers = Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, v]) => [k, pyStr(v)]));
    let body: string | undefined;
    if (o.body !== undefined && o.body !== null) {
      const raw = (o.body_format ?? 'raw') === 'raw';
      // a raw body must be text: Python's HTTP client fails on a number; a mapping or list is not sent as text either
      if (raw && (typeof o.body === 'number' || typeof o.body === 'boolean')) {
        const type = typeof o.body === 'boolean' ? 'bool' : Number.isInteger(o.body) ? 'int' : 'float';
        return failPlan(`Status code was -1 and not [${statuses.join(', ')}]: An unknown error occurred: message_body should be a bytes-like object or an iterable, got <class '${type}'>`, { status: -1, url, redirected: false, elapsed: 0 });
      }
      if (raw && typeof o.body !== 'string') return failPlan('uri: a mapping or list as body needs body_format json or form-urlencoded (kplay does not send one as raw text)');
      const b = encodeBody(o.body, o.body_format ?? 'raw');
      body = b.text;
      if (b.type && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = b.type;
    }
    // follow_redirects: safe (GET and HEAD only, the default), all or yes, none or no
    const follow = o.follow_redirects ?? 'safe';
    const request = requestSettings(o, headers);
    return {
      steps: [{ kind: 'request', url, method, request, ...(body === undefined ? {} : { body }), follow: follow === 'all' || follow === 'yes' || (follow === 'safe' && ['GET', 'HEAD'].includes(method)), statuses, returnContent: o.return_content === true }],
      result: { changed: false },
    };
  },
});
