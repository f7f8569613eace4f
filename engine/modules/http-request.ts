// The executor's request step (uri's): one HTTP request from the host (curl.ts) and Ansible's result for
// it: status, msg, url and redirected, the response headers as keys (content_type, ...), cookies on a
// success, `json` for a JSON body, `content` with return_content, `body` for an accepted error status;
// a status not in status_code fails the module with Ansible's message.
import { shellQuote as q } from '../util/shell.js';
import { curl, hostTempDir } from './curl.js';
import type { RequestStep } from './declare.js';
import type { ModuleContext, ModuleResult } from './types.js';

// a JSON response, as Ansible's module tells one: its subtype (or the suffix after +) is json or javascript
function isJson(contentType: string | undefined): boolean {
  const sub = (contentType ?? '').split(';')[0]?.split(',')[0]?.trim().toLowerCase().split('/')[1] ?? '';
  const kind = sub.includes('+') ? sub.slice(sub.indexOf('+') + 1) : sub;
  return kind === 'json' || kind === 'javascript';
}

// the cookies a response set, by name (the first part of each Set-Cookie)
function cookiesOf(setCookie: string | undefined): Record<string, string> {
  const pairs = (setCookie ?? '').split(/,(?=[^;]+=)/).map((c) => c.split(';')[0]?.trim() ?? '');
  return Object.fromEntries(pairs.filter((c) => c.includes('=')).map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)]));
}

/** Makes the request: the keys it adds to the result, or the module's failure. */
export async function request(ctx: ModuleContext, step: RequestStep): Promise<{ adds: Record<string, unknown> } | { failure: ModuleResult }> {
  const { url, statuses } = step;
  const dir = await hostTempDir(ctx.host);
  if (!dir) return { failure: { changed: false, failed: true, msg: 'cannot create a temporary directory on the host' } };
  const started = Date.now();
  try {
    const bodyFile = step.body === undefined ? undefined : `${dir}/body`;
    if (bodyFile !== undefined) await ctx.host.write(bodyFile, Buffer.from(step.body ?? ''), { mode: '0600' });
    const out = `${dir}/out`;
    const r = await curl(ctx.host, step.request, url, { method: step.method, ...(bodyFile ? { bodyFile } : {}), follow: step.follow, out, timeout: 30 });
    const elapsed = Math.floor((Date.now() - started) / 1000);
    const list = `[${statuses.join(', ')}]`;
    if (r.error) return { failure: { changed: false, failed: true, msg: `Status code was -1 and not ${list}: ${r.error}`, status: -1, url, redirected: false, elapsed } };
    // a response urllib raises as an error (an error status, or a redirect not followed) keeps the URL asked and has no cookies
    const error = r.code < 200 || r.code >= 300;
    const result: Record<string, unknown> = { status: r.code, url: error ? url : r.url, redirected: !error && r.url !== url, elapsed };
    for (const [k, v] of Object.entries(r.headers)) result[k.replace(/-/g, '_')] = v;
    // (as urljoin makes it absolute; a location no URL can be made of stays as the server sent it)
    if (typeof result.location === 'string') result.location = URL.canParse(result.location, url) ? new URL(result.location, url).href : result.location;
    if (!error) {
      const cookies = cookiesOf(r.headers['set-cookie']);
      result.cookies = cookies;
      result.cookies_string = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
    }
    const json = isJson(r.headers['content-type']);
    const accepted = statuses.includes(r.code);
    // the body is read for JSON, return_content or a failure; an accepted error's body is its `body` key
    const read = json || step.returnContent || !accepted;
    if (read || error) {
      const text = (await ctx.host.read(out))?.toString('utf8') ?? '';
      if (!read) result.body = text;
      if (step.returnContent) result.content = text;
      if (json) {
        try {
          result.json = JSON.parse(text);
        } catch {
          // not JSON after all: no json key, as in Ansible
        }
      }
    }
    const msg = error ? `HTTP Error ${r.code}: ${r.reason}` : `OK (${r.headers['content-length'] ?? 'unknown'} bytes)`;
    if (!accepted) return { failure: { ...result, changed: false, failed: true, msg: `Status code was ${r.code} and not ${list}: ${msg}` } };
    return { adds: { ...result, msg } };
  } finally {
    await ctx.host.run(`rm -rf -- ${q(dir)}`);
  }
}
