// wait_for: waits until a TCP port opens or closes, or a file (optionally with matching content)
// appears or disappears, on the host; fails after `timeout` seconds.
import { shellQuote as q } from '../util/shell.js';
import type { Module, ModuleContext } from './types.js';

async function portOpen(ctx: ModuleContext, host: string, port: number, connectTimeout: number): Promise<boolean> {
  const probe = `if command -v bash >/dev/null 2>&1; then timeout ${connectTimeout} bash -c 'exec 3<>/dev/tcp/'${q(host)}'/${port}' 2>/dev/null; else nc -z -w ${connectTimeout} ${q(host)} ${port}; fi`;
  return (await ctx.host.run(probe)).rc === 0;
}

async function pathMatches(ctx: ModuleContext, path: string, regex: string | undefined): Promise<boolean> {
  if (regex === undefined) return (await ctx.host.stat(path, true)).exists;
  const content = await ctx.host.read(path);
  return content !== undefined && new RegExp(regex, 'm').test(content.toString('utf8'));
}

/** The wait_for module. */
export const waitFor: Module = async (ctx) => {
  const a = ctx.args;
  const timeout = Number(a.timeout ?? 300);
  const sleep = Number(a.sleep ?? 1);
  const state = String(a.state ?? 'started');
  const start = Date.now();
  if (ctx.check) return { changed: false, skipped: true, msg: 'wait_for does not wait in check mode' };
  await new Promise((r) => setTimeout(r, Number(a.delay ?? 0) * 1000));
  const wantPresent = ['started', 'present'].includes(state);
  for (;;) {
    let present: boolean;
    if (a.port !== undefined) present = await portOpen(ctx, String(a.host ?? '127.0.0.1'), Number(a.port), Number(a.connect_timeout ?? 5));
    else if (a.path !== undefined) present = await pathMatches(ctx, String(a.path), a.search_regex === undefined ? undefined : String(a.search_regex));
    else present = true; // only a delay was asked for
    if (present === wantPresent) return { changed: false, elapsed: Math.round((Date.now() - start) / 1000), state, ...(a.port !== undefined ? { port: Number(a.port) } : {}), ...(a.path !== undefined ? { path: a.path } : {}) };
    if ((Date.now() - start) / 1000 >= timeout) {
      const what = a.port !== undefined ? `${String(a.host ?? '127.0.0.1')}:${String(a.port)}` : String(a.path);
      return { changed: false, failed: true, elapsed: Math.round((Date.now() - start) / 1000), msg: a.msg ?? `Timeout when waiting for ${what} to be ${wantPresent ? 'present' : 'absent'}` };
    }
    await new Promise((r) => setTimeout(r, sleep * 1000));
  }
};
