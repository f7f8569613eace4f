// What command, shell, raw and script share: creates/removes guards, check mode, timing and
// Ansible's result shape (rc, stdout/stderr without the final newline, *_lines, start/end/delta).
import { startJob } from './async-job.js';
import type { ModuleContext, ModuleResult } from './types.js';
import { shellQuote as q } from '../util/shell.js';

function stamp(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)}`;
}

function delta(ms: number): string {
  const s = Math.floor(ms / 1000);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${Math.floor(s / 3600)}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}.${p(Math.round((ms % 1000) * 1000), 6)}`;
}

function lines(s: string): string[] {
  return s === '' ? [] : s.split(/\r?\n/);
}

/** Runs a shell command line as the command-like modules do. */
export async function runCommandModule(ctx: ModuleContext, shellLine: string, shown: unknown): Promise<ModuleResult> {
  // Ansible's action plugin refuses this pair before the module runs
  if (ctx.check && ctx.background) return { changed: false, failed: true, msg: 'check mode and async cannot be used on same task.' };
  const guard = await guarded(ctx, shown);
  // a job whose guard said "do not run" has that as its result, as the module's run in Ansible's job would
  if (guard) return ctx.background ? startJob(ctx, ctx.background, { result: guard }) : guard;
  return ran(ctx, shellLine, shown);
}

// creates/removes: the result of a command that is not run, or undefined to run it
async function guarded(ctx: ModuleContext, shown: unknown): Promise<ModuleResult | undefined> {
  const a = ctx.args;
  if (a.creates !== undefined && (await ctx.host.stat(String(a.creates), true)).exists) {
    return { changed: false, cmd: shown, rc: 0, stdout: `skipped, since ${String(a.creates)} exists`, stdout_lines: [`skipped, since ${String(a.creates)} exists`], stderr: '', stderr_lines: [], msg: 'Did not run command since \'' + String(a.creates) + '\' exists' };
  }
  if (a.removes !== undefined && !(await ctx.host.stat(String(a.removes), true)).exists) {
    return { changed: false, cmd: shown, rc: 0, stdout: `skipped, since ${String(a.removes)} does not exist`, stdout_lines: [`skipped, since ${String(a.removes)} does not exist`], stderr: '', stderr_lines: [], msg: 'Did not run command since \'' + String(a.removes) + '\' does not exist' };
  }
  return undefined;
}

async function ran(ctx: ModuleContext, shellLine: string, shown: unknown): Promise<ModuleResult> {
  const a = ctx.args;
  if (ctx.check) {
    // Ansible's shape: every key a real run registers; with creates/removes the guard said "run", so it reports changed
    const guarded = a.creates !== undefined || a.removes !== undefined;
    const would: ModuleResult = { changed: guarded, cmd: shown, rc: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], start: null, end: null, delta: null, msg: 'Command would have run if not in check mode' };
    if (!guarded) would.skipped = true;
    return would;
  }
  const stdin = a.stdin === undefined ? undefined : String(a.stdin) + (a.stdin_add_newline === false ? '' : '\n');
  const line = a.chdir !== undefined ? `cd ${q(String(a.chdir))} && ${shellLine}` : shellLine;
  // async with poll: 0: the command starts on the host as a job, async_status reads it later
  if (ctx.background) return startJob(ctx, ctx.background, { line, stdin, shown });
  const start = new Date();
  const r = await ctx.host.run(line, stdin === undefined ? {} : { stdin });
  const end = new Date();
  return commandResult(shown, r.rc, r.stdout, r.stderr, stamp(start), stamp(end), end.getTime() - start.getTime(), a.strip_empty_ends !== false);
}

/** A command's result in Ansible's shape, from what it printed, its exit code and when it ran. */
export function commandResult(shown: unknown, rc: number, out: string, err: string, start: string, end: string, ms: number, strip: boolean): ModuleResult {
  const stdout = strip ? out.replace(/[\r\n]+$/, '') : out;
  const stderr = strip ? err.replace(/[\r\n]+$/, '') : err;
  const result: ModuleResult = { changed: true, cmd: shown, rc, stdout, stderr, stdout_lines: lines(stdout), stderr_lines: lines(stderr), start, end, delta: delta(ms), msg: '' };
  if (rc !== 0) {
    result.failed = true;
    result.msg = 'non-zero return code';
  }
  return result;
}
