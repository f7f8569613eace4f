// What command, shell, raw and script share: creates/removes guards, check mode, timing and
// Ansible's result shape (rc, stdout/stderr without the final newline, *_lines, start/end/delta).
import type { ModuleContext, ModuleResult } from './types.js';
import { shellQuote as q } from '../util/shell.js';

function stamp(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)}`;
}

function delta(ms: number): string {
  const s = Math.floor(ms / 1000);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${Math.floor(s / 3600)}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}.${p((ms % 1000) * 1000, 6)}`;
}

function lines(s: string): string[] {
  return s === '' ? [] : s.split(/\r?\n/);
}

/** Runs a shell command line as the command-like modules do. */
export async function runCommandModule(ctx: ModuleContext, shellLine: string, shown: unknown): Promise<ModuleResult> {
  const a = ctx.args;
  if (a.creates !== undefined && (await ctx.host.stat(String(a.creates), true)).exists) {
    return { changed: false, cmd: shown, rc: 0, stdout: `skipped, since ${String(a.creates)} exists`, stdout_lines: [`skipped, since ${String(a.creates)} exists`], stderr: '', stderr_lines: [], msg: 'Did not run command since \'' + String(a.creates) + '\' exists' };
  }
  if (a.removes !== undefined && !(await ctx.host.stat(String(a.removes), true)).exists) {
    return { changed: false, cmd: shown, rc: 0, stdout: `skipped, since ${String(a.removes)} does not exist`, stdout_lines: [`skipped, since ${String(a.removes)} does not exist`], stderr: '', stderr_lines: [], msg: 'Did not run command since \'' + String(a.removes) + '\' does not exist' };
  }
  if (ctx.check) {
    // Ansible's shape: every key a real run registers; with creates/removes the guard said "run", so it reports changed
    const guarded = a.creates !== undefined || a.removes !== undefined;
    const would: ModuleResult = { changed: guarded, cmd: shown, rc: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], start: null, end: null, delta: null, msg: 'Command would have run if not in check mode' };
    if (!guarded) would.skipped = true;
    return would;
  }
  const stdin = a.stdin === undefined ? undefined : String(a.stdin) + (a.stdin_add_newline === false ? '' : '\n');
  const start = new Date();
  const line = a.chdir !== undefined ? `cd ${q(String(a.chdir))} && ${shellLine}` : shellLine;
  const r = await ctx.host.run(line, stdin === undefined ? {} : { stdin });
  const end = new Date();
  const strip = a.strip_empty_ends !== false;
  const stdout = strip ? r.stdout.replace(/[\r\n]+$/, '') : r.stdout;
  const stderr = strip ? r.stderr.replace(/[\r\n]+$/, '') : r.stderr;
  const result: ModuleResult = {
    changed: true,
    cmd: shown,
    rc: r.rc,
    stdout,
    stderr,
    stdout_lines: lines(stdout),
    stderr_lines: lines(stderr),
    start: stamp(start),
    end: stamp(end),
    delta: delta(end.getTime() - start.getTime()),
    msg: '',
  };
  if (r.rc !== 0) {
    result.failed = true;
    result.msg = 'non-zero return code';
  }
  return result;
}
