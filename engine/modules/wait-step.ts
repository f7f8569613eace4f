// The executor's wait step (wait_for's): until a TCP port opens or closes, or a file appears (holding a
// match of the search regex, a Python expression in MULTILINE mode) or disappears, or only `timeout`
// seconds. The condition is checked, then `sleep` seconds waited, until `timeout`; each check is one
// command on the host. It adds elapsed and the match's groups, or fails with Ansible's timeout messages.
import { pyRegex } from '../template/expr/pyregex.js';
import { shellQuote as q } from '../util/shell.js';
import type { WaitStep } from './declare.js';
import type { ModuleContext, ModuleResult } from './types.js';

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

/** Waits as the step says: the keys it adds to the result, or the module's failure. */
export async function waitFor(ctx: ModuleContext, step: WaitStep): Promise<{ adds: Record<string, unknown> } | { failure: ModuleResult }> {
  const start = Date.now();
  const elapsed = (): number => Math.floor((Date.now() - start) / 1000);
  const end = start + step.timeout * 1000;
  const fail = (m: string): { failure: ModuleResult } => ({ failure: { changed: false, failed: true, msg: step.msg ?? m, elapsed: elapsed() } });
  const on = step.on;
  // (the plan has checked the expression)
  const re = 'path' in on && on.regex !== undefined ? pyRegex(on.regex, 0, { multiline: true }) : undefined;
  if (step.delay) await wait(step.delay);
  if ('time' in on) {
    await wait(step.timeout);
    return { adds: { elapsed: elapsed() } };
  }
  let groups: unknown[] = [];
  let named: Record<string, unknown> = {};
  // whether the condition holds now (a path that cannot be looked at ends the wait with a failure)
  const holds = async (): Promise<boolean | { failure: ModuleResult }> => {
    if ('port' in on) {
      const seconds = step.gone ? step.connectTimeout : Math.max(1, Math.min(step.connectTimeout, Math.ceil((end - Date.now()) / 1000)));
      return (await portOpen(ctx, on.host, on.port, seconds)) !== step.gone;
    }
    const s = await pathState(ctx, on.path, !step.gone && re !== undefined);
    if (step.gone) return 'missing' in s;
    if ('error' in s) return fail(`Failed to stat ${on.path}, ${s.error}`);
    if (!('text' in s)) return false;
    if (!re) return true;
    const m = re.exec(s.text ?? '');
    if (!m) return false;
    groups = m.slice(1).map((g) => g ?? null);
    named = { ...(m.groups ?? {}) };
    return true;
  };
  while (Date.now() < end) {
    const now = await holds();
    if (typeof now === 'object') return now;
    if (now) return { adds: { match_groups: groups, match_groupdict: named, elapsed: elapsed() } };
    await wait(step.sleep);
  }
  if ('port' in on) return fail(step.gone ? `Timeout when waiting for ${on.host}:${on.port} to stop.` : `Timeout when waiting for ${on.host}:${on.port}`);
  if (step.gone) return fail(`Timeout when waiting for ${on.path} to be absent.`);
  return fail(re ? `Timeout when waiting for search string ${on.regex ?? ''} in ${on.path}` : `Timeout when waiting for file ${on.path}`);
}
