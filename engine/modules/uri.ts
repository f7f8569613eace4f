// uri: one HTTP request from the host (curl.ts), with Ansible's result: status, msg, the response headers
// as keys (content_type, ...), `json` when the body is JSON, `content` with return_content, cookies on a
// success, `body` on an accepted error status; a status not in status_code fails the task. It changes
// nothing on the host (changed is false, as in Ansible), and is skipped in check mode, as Ansible's module
// does not support it.
import { curl, hostTempDir } from './curl.js';
import { pyJson } from '../template/expr/dump.js';
import { pyStr } from '../util/python-repr.js';
import { shellQuote as q } from '../util/shell.js';
import type { Module, ModuleResult } from './types.js';

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
  return { text: typeof body === 'string' ? body : pyStr(body) };
}

// a JSON response, as Ansible's module tells one: its subtype (or the suffix after +) is json or javascript
function isJson(contentType: string | undefined): boolean {
  const sub = (contentType ?? '').split(';')[0]?.split(',')[0]?.trim().toLowerCase().split('/')[1] ?? '';
  const kind = sub.includes('+') ? sub.slice(sub.indexOf('+') + 1) : sub;
  return kind === 'json' || kind === 'javascript';
}

// the result when creates/removes spares the request: Ansible's module says it on stdout
const spared = (text: string): ModuleResult => ({ changed: false, stdout: text, stdout_lines: [text] });

/** The uri module. */
export const uri: Module = async (ctx) => {
  const a = ctx.args;
  const url = String(a.url);
  const method = String(a.method ?? 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method)) return { changed: false, failed: true, msg: "Parameter 'method' needs to be a single word in uppercase, like GET or POST." };
  // (the module does not run in check mode at all: its creates/removes are not looked at either)
  if (ctx.check) return { changed: false, skipped: true, msg: 'remote module (ansible.legacy.uri) does not support check mode' };
  if (a.creates !== undefined && (await ctx.host.stat(String(a.creates), true)).exists) return spared(`skipped, since '${String(a.creates)}' exists`);
  if (a.removes !== undefined && !(await ctx.host.stat(String(a.removes), true)).exists) return spared(`skipped, since '${String(a.removes)}' does not exist`);
  const statuses = (Array.isArray(a.status_code) ? a.status_code : [a.status_code ?? 200]).map(Number);
  // follow_redirects: safe (GET/HEAD only, the default), all, none
  const follow = String(a.follow_redirects ?? 'safe');
  const followIt = follow === 'all' || follow === 'yes' || (follow === 'safe' && ['GET', 'HEAD'].includes(method));
  const dir = await hostTempDir(ctx.host);
  if (!dir) return { changed: false, failed: true, msg: 'cannot create a temporary directory on the host' };
  const started = Date.now();
  try {
    const headers = Object.fromEntries(Object.entries((a.headers as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, pyStr(v)]));
    let bodyFile: string | undefined;
    if (a.body !== undefined && a.body !== null) {
      const b = encodeBody(a.body, String(a.body_format ?? 'raw'));
      bodyFile = `${dir}/body`;
      await ctx.host.write(bodyFile, Buffer.from(b.text), { mode: '0600' });
      if (b.type && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = b.type;
    }
    const out = `${dir}/out`;
    const r = await curl(ctx.host, { ...a, headers }, url, { method, ...(bodyFile ? { bodyFile } : {}), follow: followIt, out, timeout: 30 });
    const elapsed = Math.floor((Date.now() - started) / 1000);
    if (r.error) return { changed: false, failed: true, msg: `Status code was -1 and not [${statuses.join(', ')}]: Request failed: ${r.error}`, status: -1, url, redirected: false, elapsed };
    // a response urllib raises as an error (an error status, or a redirect not followed) keeps the URL asked and has no cookies
    const error = r.code < 200 || r.code >= 300;
    const result: ModuleResult = { changed: false, status: r.code, url: error ? url : r.url, redirected: !error && r.url !== url, elapsed };
    for (const [k, v] of Object.entries(r.headers)) result[k.replace(/-/g, '_')] = v;
    if (typeof result.location === 'string') result.location = new URL(result.location, url).href;
    if (!error) {
      const cookies = Object.fromEntries((r.headers['set-cookie'] ?? '').split(/,(?=[^;]+=)/).map((c) => c.split(';')[0]?.trim() ?? '').filter((c) => c.includes('=')).map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)]));
      result.cookies = cookies;
      result.cookies_string = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
    }
    const json = isJson(r.headers['content-type']);
    const accepted = statuses.includes(r.code);
    // the body is read for JSON, return_content or a failure; an accepted error's body is its `body` key
    const read = json || a.return_content === true || !accepted;
    if (read || error) {
      const text = (await ctx.host.read(out))?.toString('utf8') ?? '';
      if (!read) result.body = text;
      if (a.return_content === true) result.content = text;
      if (json) {
        try {
          result.json = JSON.parse(text);
        } catch {
          // not JSON after all: no json key, as in Ansible
        }
      }
    }
    result.msg = error ? `HTTP Error ${r.code}: ${r.reason}` : `OK (${r.headers['content-length'] ?? 'unknown'} bytes)`;
    if (!accepted) {
      result.failed = true;
      result.msg = `Status code was ${r.code} and not [${statuses.join(', ')}]: ${result.msg as string}`;
    }
    return result;
  } finally {
    await ctx.host.run(`rm -rf -- ${q(dir)}`);
  }
};
