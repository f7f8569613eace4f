// wait_for, as Ansible's module waits on Linux: until a TCP port opens (started) or closes (stopped),
// or a file appears (present/started, optionally holding a match of `search_regex`, a Python expression
// in MULTILINE mode) or disappears (absent); with neither port nor path it sleeps `timeout` seconds. The
// condition is checked, then `sleep` seconds waited, until `timeout`; the result has Ansible's keys
// (match_groups, match_groupdict...; a path's owner, mode and kind as AnsibleModule adds them) and its
// timeout messages. Each check is one command on the host.
import { pyRegex } from '../template/expr/pyregex.js';
import { shellQuote as q } from '../util/shell.js';
import { pathInfo } from './path-info.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const wait = (seconds: number): Promise<void> => new Promise((r) => setTimeout(r, seconds * 1000));

// whether a TCP connection to host:port opens within `seconds`
async function portOpen(ctx: ModuleContext, host: string, port: number, seconds: number): Promise<boolean> {
  const probe = `if command -v bash >/dev/null 2>&1; then timeout ${seconds} bash -c 'exec 3<>/dev/tcp/'${q(host)}'/${port}' 2>/dev/null; else nc -z -w ${seconds} ${q(host)} ${port}; fi`;
  return (await ctx.host.run(probe)).rc === 0;
}

/** A path's state for wait_for: missing, there (its text when a search is asked), or stat's error. */
type PathState = { missing: true } | { text: string | undefined } | { error: string };

async function pathState(ctx: ModuleContext, path: string, read: boolean): Promise<PathState> {
  const r = await ctx.host.run(`p=${q(path)}; e=$(LC_ALL=C stat -L -c %F -- "$p" 2>&1) || { case "$e" in *'No such file or directory') echo kplay-missing; exit 0;; esac; printf '%s' "\${e##*: }"; exit 3; }; echo kplay-here${read ? '; cat -- "$p" 2>/dev/null' : ''}`);
  if (r.rc === 3) return { error: r.stdout.trim() };
  if (r.stdout.startsWith('kplay-missing')) return { missing: true };
  return { text: read ? r.stdout.slice('kplay-here\n'.length) : undefined };
}

/** The wait_for module. */
export const waitFor: Module = async (ctx) => {
  const a = ctx.args;
  const num = (v: unknown, d: number): number => (v === undefined || v === null ? d : Number(v));
  const [timeout, sleep, delay, connectTimeout] = [num(a.timeout, 300), num(a.sleep, 1), num(a.delay, 0), num(a.connect_timeout, 5)];
  const state = String(a.state ?? 'started');
  const host = String(a.host ?? '127.0.0.1');
  const port = a.port === undefined || a.port === null ? null : Number(a.port);
  const path = a.path === undefined || a.path === null ? null : String(a.path);
  const searchRegex = a.search_regex === undefined || a.search_regex === null ? null : String(a.search_regex);
  const msg = a.msg === undefined || a.msg === null ? undefined : String(a.msg);
  const fail = (m: string, elapsed: number): ModuleResult => ({ changed: false, failed: true, msg: msg ?? m, elapsed });
  let re: RegExp | undefined;
  if (searchRegex !== null) {
    try {
      re = pyRegex(searchRegex, 0, { multiline: true });
    } catch (e) {
      return { changed: false, failed: true, msg: `Invalid regular expression: ${(e as Error).message}` };
    }
  }
  if (path !== null && state === 'stopped') return fail('state=stopped should only be used for checking a port in the wait_for module', 0);
  if (port !== null && re) return { changed: false, failed: true, msg: 'wait_for: kplay does not read a port for search_regex yet; wait for the port alone, or for a file' };
  // Ansible's module does not support check mode: it is skipped there
  if (ctx.check) return { changed: false, skipped: true, msg: 'remote module (wait_for) does not support check mode' };

  const start = Date.now();
  const elapsed = (): number => Math.floor((Date.now() - start) / 1000);
  const end = start + timeout * 1000;
  if (delay) await wait(delay);
  let groups: unknown[] = [];
  let named: Record<string, unknown> = {};
  if (port === null && path === null) await wait(timeout);
  else if (state === 'absent' || state === 'stopped') {
    let done = false;
    while (Date.now() < end) {
      if (path !== null ? 'missing' in (await pathState(ctx, path, false)) : !(await portOpen(ctx, host, port as number, connectTimeout))) {
        done = true;
        break;
      }
      await wait(sleep);
    }
    if (!done) return fail(port !== null ? `Timeout when waiting for ${host}:${port} to stop.` : `Timeout when waiting for ${path} to be absent.`, elapsed());
  } else {
    let done = false;
    while (Date.now() < end) {
      if (path !== null) {
        const s = await pathState(ctx, path, re !== undefined);
        if ('error' in s) return fail(`Failed to stat ${path}, ${s.error}`, elapsed());
        if ('text' in s) {
          const m = re ? re.exec(s.text ?? '') : null;
          if (!re || m) {
            if (m) {
              groups = m.slice(1).map((g) => g ?? null);
              named = { ...(m.groups ?? {}) };
            }
            done = true;
            break;
          }
        }
      } else if (await portOpen(ctx, host, port as number, Math.max(1, Math.min(connectTimeout, Math.ceil((end - Date.now()) / 1000))))) {
        done = true;
        break;
      }
      await wait(sleep);
    }
    if (!done) {
      if (port !== null) return fail(`Timeout when waiting for ${host}:${port}`, elapsed());
      return fail(re ? `Timeout when waiting for search string ${searchRegex} in ${path}` : `Timeout when waiting for file ${path}`, elapsed());
    }
  }
  const result = { changed: false, state, port, search_regex: searchRegex, match_groups: groups, match_groupdict: named, path, elapsed: elapsed() };
  // (a path that cannot be looked at is described by nothing, as a missing one)
  return path === null ? result : { ...result, ...(await pathInfo(ctx.host, path).catch(() => ({}))) };
};
