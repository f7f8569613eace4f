// uri: one HTTP request from the host (curl.ts), with Ansible's result: status, msg, the response headers
// as keys (content_type, ...), `json` when the body is JSON, `content` with return_content; a status not in
// status_code fails the task. It changes nothing on the host (changed is false, as in Ansible).
import { curl, hostTempDir } from './curl.js';
import { shellQuote as q } from '../util/shell.js';
import type { Module, ModuleResult } from './types.js';

// the body as sent: JSON for body_format json (a mapping or list), form fields for form-urlencoded
function encodeBody(body: unknown, format: string): { text: string; type?: string } {
  if (format === 'json') return { text: typeof body === 'string' ? body : JSON.stringify(body), type: 'application/json' };
  if (format === 'form-urlencoded') {
    const fields = body && typeof body === 'object' ? Object.entries(body as Record<string, unknown>) : [];
    return typeof body === 'string' ? { text: body, type: 'application/x-www-form-urlencoded' } : { text: new URLSearchParams(fields.map(([k, v]): [string, string] => [k, String(v)])).toString(), type: 'application/x-www-form-urlencoded' };
  }
  return { text: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** The uri module. */
export const uri: Module = async (ctx) => {
  const a = ctx.args;
  const url = String(a.url);
  const method = String(a.method ?? 'GET').toUpperCase();
  for (const [key, want] of [['creates', true], ['removes', false]] as const) {
    if (a[key] === undefined) continue;
    if ((await ctx.host.stat(String(a[key]), true)).exists === want) return { changed: false, msg: `skipped, since ${String(a[key])} ${want ? 'exists' : 'does not exist'}` };
  }
  if (ctx.check) return { changed: false, skipped: true, msg: 'uri does not make requests in check mode' };
  const statuses = (Array.isArray(a.status_code) ? a.status_code : [a.status_code ?? 200]).map(Number);
  // follow_redirects: safe (GET/HEAD only, the default), all, none
  const follow = String(a.follow_redirects ?? 'safe');
  const followIt = follow === 'all' || follow === 'yes' || (follow === 'safe' && ['GET', 'HEAD'].includes(method));
  const dir = await hostTempDir(ctx.host);
  if (!dir) return { changed: false, failed: true, msg: 'cannot create a temporary directory on the host' };
  const started = Date.now();
  try {
    const extra: Record<string, string> = {};
    let bodyFile: string | undefined;
    if (a.body !== undefined && a.body !== null) {
      const b = encodeBody(a.body, String(a.body_format ?? 'raw'));
      bodyFile = `${dir}/body`;
      await ctx.host.write(bodyFile, Buffer.from(b.text), { mode: '0600' });
      if (b.type) extra['Content-Type'] = b.type;
    }
    const out = `${dir}/out`;
    const r = await curl(ctx.host, a, url, { method, ...(bodyFile ? { bodyFile } : {}), follow: followIt, out, timeout: 30 }, extra);
    if (r.error) return { changed: false, failed: true, msg: `Status code was -1 and not [${statuses.join(', ')}]: Request failed: ${r.error}`, status: -1, url };
    const size = Number((await ctx.host.run(`wc -c < ${q(out)} 2>/dev/null || echo 0`)).stdout.trim()) || 0;
    const result: ModuleResult = { changed: false, status: r.code, url, redirected: r.redirects > 0, elapsed: Math.floor((Date.now() - started) / 1000) };
    for (const [k, v] of Object.entries(r.headers)) result[k.replace(/-/g, '_')] = v;
    const cookies = Object.fromEntries((r.headers['set-cookie'] ?? '').split(/,(?=[^;]+=)/).map((c) => c.split(';')[0]?.trim() ?? '').filter((c) => c.includes('=')).map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)]));
    result.cookies = cookies;
    result.cookies_string = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
    const isJson = /json/i.test(r.headers['content-type'] ?? '');
    if (a.return_content === true || isJson) {
      const content = (await ctx.host.read(out))?.toString('utf8') ?? '';
      if (a.return_content === true) result.content = content;
      if (isJson) {
        try {
          result.json = JSON.parse(content);
        } catch {
          // not JSON after all: no json key, as in Ansible
        }
      }
    }
    const ok = r.code >= 200 && r.code < 300;
    result.msg = ok ? `OK (${size} bytes)` : `HTTP Error ${r.code}: ${r.reason}`;
    if (!statuses.includes(r.code)) {
      result.failed = true;
      result.msg = `Status code was ${r.code} and not [${statuses.join(', ')}]: ${result.msg as string}`;
    }
    return result;
  } finally {
    await ctx.host.run(`rm -rf -- ${q(dir)}`);
  }
};
