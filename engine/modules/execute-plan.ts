// The one executor of declared modules' plans: each step in order, files through the shared file core
// (validate before the move, failing as the line editors report it; backup, diff, attributes; nothing
// written in check mode), commands only outside check mode (dry runs in it too). The first failing step
// ends the module with its failure alone (as Ansible's fail_json: not the result the plan would report).
import { basename } from 'node:path';
import { shellQuote as q } from '../util/shell.js';
import { startJob } from './async-job.js';
import type { ExecStep, HandoffStep, Plan, RunStep, Step } from './declare.js';
import { ensureFile } from './file-content.js';
import { ranOutcome, stamp, timeDelta, withLines } from './run-command.js';
import type { FileDiff, FileStat, FileState, HostIO, ModuleContext, ModuleResult, PreparedDiff, RunResult } from './types.js';

/** Runs the module a hand-off step names with its arguments (the handing action's: package's package managers, service's init systems). */
export type HandOff = (module: string, args: Record<string, unknown>) => Promise<ModuleResult>;

/** The host with what the facts read remembered: each path's stat and inspection, until the path is written. */
export interface RememberingHost extends HostIO {
  /** The path's own stat (a link not followed) as the facts read it, if they did: undefined when they did not. */
  known(path: string): Promise<FileStat | undefined>;
}

/** The host with each path's stat and inspection remembered until it is written: the facts' reads serve the executor and the result. */
export function rememberingInspections(host: HostIO): RememberingHost {
  const seen = new Map<string, Promise<FileState>>();
  const stats = new Map<string, Promise<FileStat>>();
  return {
    run: (command, opts) => host.run(command, opts),
    stat(path, follow) {
      if (follow === true) return host.stat(path, true);
      const known = stats.get(path) ?? host.stat(path);
      stats.set(path, known);
      return known;
    },
    read: (path) => host.read(path),
    inspect(path) {
      const known = seen.get(path) ?? host.inspect(path);
      seen.set(path, known);
      return known;
    },
    write(path, content, attrs) {
      seen.delete(path);
      stats.delete(path);
      return host.write(path, content, attrs);
    },
    async known(path) {
      const own = stats.get(path);
      if (own) return own;
      // an inspection follows links: its stat is the path's own when the path is no link
      const inspected = await seen.get(path);
      return inspected && inspected.stat.linkTarget === undefined ? inspected.stat : undefined;
    },
  };
}

// a run step's outcome (its last attempt's): its output, or the module's failed result
async function ran(ctx: ModuleContext, step: RunStep): Promise<{ stdout: string; stderr: string; rc: number } | { failed: ModuleResult }> {
  const stdin = step.stdin === undefined ? undefined : step.stdinEncoding === 'base64' ? Buffer.from(step.stdin, 'base64') : step.stdin;
  const ok = (r: RunResult): boolean => r.rc === 0 && !(step.failOn !== undefined && new RegExp(step.failOn, 'm').test(r.stderr));
  const once = (): Promise<RunResult> => ctx.host.run(step.command, { ...(stdin === undefined ? {} : { stdin }), ...(step.env ? { env: step.env } : {}) });
  let r = await once();
  for (let tried = 1; !ok(r) && tried < (step.attempts ?? 1); tried++) r = await once();
  if (ok(r)) return r;
  const outcome: Record<string, unknown> = { rc: r.rc, stdout: r.stdout, stderr: r.stderr };
  const matched = step.failureIf && r.rc === step.failureIf.rc && r.stdout.includes(step.failureIf.stdoutHas) ? step.failureIf : undefined;
  const { failure, failKeys, failWith } = matched ?? step;
  const text = failure.replace(/\{(rc|stdout|stderr)\}/g, (_m, k: string) => String(outcome[k] ?? ''));
  const msg = step.trimFailure === true ? text.trimEnd() : text;
  const as = step.resultAs === undefined ? {} : { [step.resultAs]: { cmd: step.command, rc: r.rc, out: r.stdout, err: r.stderr } };
  return { failed: { changed: false, failed: true, ...failKeys, ...as, msg, ...Object.fromEntries((failWith ?? []).map((k) => [k, outcome[k]])) } };
}

// appends a reported command's output to the result's
function report(result: ModuleResult, out: { stdout: string; stderr: string }): void {
  for (const k of ['stdout', 'stderr'] as const) if (out[k]) result[k] = `${typeof result[k] === 'string' ? result[k] : ''}${out[k]}`;
}

// puts back what earlier steps did, as well as it can: a failure here must not hide the one being reported
async function undo(ctx: ModuleContext, steps: Step[]): Promise<void> {
  for (const step of steps) {
    if (step.kind === 'write') await ctx.host.write(step.path, Buffer.from(step.content, step.encoding ?? 'utf8'), step.attrs ?? {}).catch(() => undefined);
    else if (step.kind === 'run') await ctx.host.run(step.command, step.stdin === undefined ? {} : { stdin: step.stdin }).catch(() => undefined);
  }
}

// an exec step's line, run in its directory when it has one
const inDir = (step: ExecStep, line: string): string => (step.chdir === undefined ? line : `cd ${q(step.chdir)} && ${line}`);

// the module's own command run (its script copied to the host first and removed after): what it adds to
// the result, or the module's failure when the program could not be started at all
async function exec(ctx: ModuleContext, step: ExecStep): Promise<{ adds: Record<string, unknown> } | { failure: ModuleResult }> {
  let line = step.command;
  let dir: string | undefined;
  if (step.script) {
    const mk = await ctx.host.run('mktemp -d "${TMPDIR:-/tmp}/kplay-script.XXXXXX"');
    if (mk.rc !== 0) return { failure: { changed: false, failed: true, msg: `cannot create a temporary directory: ${mk.stderr.trim()}` } };
    dir = mk.stdout.trim();
    // the copy keeps the script's name ($0 ends as it does under Ansible); the line names it unquoted, as Ansible's does
    const copy = `${dir}/${basename(step.script.name)}`;
    await ctx.host.write(copy, Buffer.from(step.script.base64, 'base64'), { mode: '0700' });
    line = `${step.script.executable ? `${step.script.executable} ` : ''}${line.split(step.script.name).join(copy)}`;
  }
  try {
    const start = new Date();
    const r = await ctx.host.run(inDir(step, line), step.stdin === undefined ? {} : { stdin: step.stdin });
    const end = new Date();
    if (step.execs && (r.rc === 127 || r.rc === 126) && /exec: .*: (not found|Permission denied)\s*$/.test(r.stderr)) {
      const [errno, text] = r.rc === 127 ? [2, 'No such file or directory'] : [13, 'Permission denied'];
      return { failure: { changed: false, failed: true, rc: errno, stdout: '', stderr: '', cmd: step.execs.cmd, msg: `[Errno ${errno}] ${text}: b'${step.execs.program}'` } };
    }
    const timing = step.timed ? { start: stamp(start), end: stamp(end), delta: timeDelta(end.getTime() - start.getTime()) } : {};
    return { adds: { ...timing, ...ranOutcome(r.rc, r.stdout, r.stderr, step.strip === true) } };
  } finally {
    if (dir !== undefined) await ctx.host.run(`rm -rf -- ${q(dir)}`);
  }
}

// a task started in the background (async with poll: 0): the module's command as a job on the host, or
// the result it has without running one (a creates guard's) kept for async_status
function backgrounded(ctx: ModuleContext, plan: Plan, job: NonNullable<ModuleContext['background']>): Promise<ModuleResult> {
  const step = plan.steps.find((s): s is ExecStep => s.kind === 'exec');
  if (!step || plan.result.failed) return startJob(ctx, job, { result: withLines(plan.result) });
  return startJob(ctx, job, { line: inDir(step, step.command), stdin: step.stdin, shown: plan.result.cmd });
}

// a module-specific step carried out: what it adds to the result, or the module's failure (each kind's code
// is loaded when a plan first takes such a step, not with every run)
async function special(ctx: ModuleContext, step: Exclude<Step, RunStep | ExecStep | HandoffStep | { kind: 'write' }>): Promise<{ adds: Record<string, unknown> } | { failure: ModuleResult }> {
  switch (step.kind) {
    case 'download':
      return (await import('./download.js')).download(ctx, step);
    case 'request':
      return (await import('./http-request.js')).request(ctx, step);
    case 'wait':
      return (await import('./wait-step.js')).waitFor(ctx, step);
    case 'fetch':
      return (await import('./fetch-step.js')).fetchCopy(ctx, step);
    case 'reboot':
      return (await import('./connection-steps.js')).rebootHost(ctx, step);
    case 'reconnect':
      return (await import('./connection-steps.js')).reconnect(ctx, step);
    case 'pause':
      return (await import('./pause-step.js')).pauseFor(ctx, step);
    case 'rsync':
      return (await import('./sync-step.js')).rsync(ctx, step);
  }
}

/** Carries out a plan on the host (or only shows it in check mode) and returns the module's result. */
export async function executePlan(ctx: ModuleContext, plan: Plan, handOff?: HandOff): Promise<ModuleResult> {
  for (const w of plan.warnings ?? []) ctx.warn(w);
  // a diff the plan reports itself (hostname's, the file module's) is shown only with --diff, as the file core's
  const { diff: own, ...planned } = plan.result;
  const result: ModuleResult = ctx.diff && own !== undefined ? { ...planned, diff: own } : planned;
  if (ctx.background) return backgrounded(ctx, { ...plan, result }, ctx.background);
  const diffs: (FileDiff | PreparedDiff)[] = [];
  let mapping: FileDiff | undefined;
  for (const step of plan.steps) {
    if (step.kind === 'write') {
      const w = await ensureFile(ctx, step.path, Buffer.from(step.content, step.encoding ?? 'utf8'), step.attrs ?? {}, { backup: step.backup === true, diffHeader: step.diffHeader, diffSource: step.diffSource, validate: step.validate, validateFailure: step.validateStyle ?? 'editor' });
      if (Array.isArray(w.diff) && !step.noDiff) {
        const first = w.diff[0];
        if (step.diffAsMapping) mapping ??= first && !('prepared' in first) ? first : undefined;
        else diffs.push(...w.diff);
      }
      if (w.backup_file !== undefined) result[step.backupAs ?? 'backup_file'] = w.backup_file;
      if (w.failed) {
        const { path: _path, dest: _dest, diff: _diff, ...failure } = w;
        return { ...failure, ...step.failKeys, changed: false };
      }
    } else if (step.kind === 'handoff') {
      // the module handed the task reports the result, in check mode too (it honours check mode itself)
      if (!handOff) throw new Error(`a plan hands the task to '${step.module}' and no module takes it`);
      return handOff(step.module, step.args);
    } else if (step.kind === 'exec') {
      if (ctx.check) continue;
      const ran = await exec(ctx, step);
      if ('failure' in ran) return ran.failure;
      Object.assign(result, ran.adds);
      if (result.failed) return result;
    } else if (step.kind !== 'run') {
      // (a download in check mode only asks for the headers, as Ansible's get_url does; the others' plans skip check mode)
      const got = await special(ctx, step);
      if ('failure' in got) return got.failure;
      Object.assign(result, got.adds);
    } else if (!ctx.check || step.inCheck) {
      const r = await ran(ctx, step);
      if ('failed' in r) {
        await undo(ctx, step.undo ?? []);
        return r.failed;
      }
      if (step.reportOutput) report(result, r);
      if (step.resultAs !== undefined) result[step.resultAs] = { cmd: step.command, rc: r.rc, out: r.stdout, err: r.stderr };
      if (step.changedIf !== undefined) result.changed = r.stdout.includes(step.changedIf);
      if (step.changedUnless !== undefined) result.changed = !r.stdout.includes(step.changedUnless);
    }
  }
  if (diffs.length) result.diff = [...(Array.isArray(result.diff) ? result.diff : []), ...diffs];
  else if (mapping) result.diff = mapping;
  return result;
}
