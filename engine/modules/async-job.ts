// async with poll: 0 and async_status. A command or shell task with poll: 0 starts on the host as a
// job in its own session (it outlives the connection and kplay, as Ansible's jobs do), under
// ~/.ansible_async/JID: its stdin, cmd (keep-ends for strip_empty_ends: false), start, then out, err,
// end and rc when it ends; after `async`
// seconds it is killed (timeout(1)) and marked so. async_status reads that directory and answers as
// Ansible's does (async-status.ts): still running, the command's result, "Timeout exceeded", or (mode=cleanup) erased.
// `started` and `finished` are booleans, as ansible-core 2.19 gives them (2.14: 1 and 0), so that
// `until: job.finished` is a boolean condition, which kplay requires as 2.19 does.
// A job whose creates/removes guard said "do not run" holds its result as result.json.
import type { BackgroundJob, ModuleContext, ModuleResult } from './types.js';
import { shellQuote as q } from '../util/shell.js';

/** The modules kplay starts as jobs on the host with poll: 0 (others it runs from the controller: runner/held-job.ts). */
export const BACKGROUND_MODULES = ['command', 'shell'];

/** The actions Ansible's action plugins run that refuse async ("async is not supported for this task."), as their plugins' _supports_async. */
export const NO_ASYNC_ACTIONS = ['add_host', 'assemble', 'assert', 'async_status', 'copy', 'debug', 'fail', 'fetch', 'gather_facts', 'group_by', 'include_vars', 'pause', 'raw', 'script', 'set_fact', 'set_stats', 'synchronize', 'template', 'unarchive', 'validate_argument_spec', 'wait_for_connection'];

/** The job's directory on the host, as shell words ($HOME expanded there). */
export const dirOf = (id: string): string => `"$HOME/.ansible_async/"${q(id)}`;
/** A shell command printing now as Python's datetime str (microseconds). */
export const STAMP = `date '+%Y-%m-%d %H:%M:%S.%N' | cut -c1-26`;

/** What a job runs: a shell line with its stdin and the `cmd` to report, or a result known already. */
export type JobWork = { line: string; stdin: string | undefined; shown: unknown } | { result: ModuleResult };

/** Starts the job on the host and answers at once, as Ansible's async_wrapper does. */
export async function startJob(ctx: ModuleContext, job: BackgroundJob, work: JobWork): Promise<ModuleResult> {
  const known = 'result' in work;
  const runner = [
    'j=$1; n=$2',
    `${STAMP} > "$j/start"`,
    's=$(date +%s)',
    'timeout -s KILL "$n" sh -c "$3" < "$j/stdin" > "$j/out" 2> "$j/err"; rc=$?',
    `${STAMP} > "$j/end"`,
    // killed by timeout(1) after its seconds, not by something else
    'if { [ $rc = 137 ] || [ $rc = 124 ]; } && [ $(( $(date +%s) - s )) -ge "$n" ]; then : > "$j/timeout"; fi',
    'echo $rc > "$j/rc.tmp" && mv "$j/rc.tmp" "$j/rc"',
  ].join('\n');
  const script = [
    'set -e',
    `j=${dirOf(job.id)}`,
    'mkdir -p "$j" && chmod 700 "$HOME/.ansible_async"',
    'cat > "$j/stdin"',
    known
      ? `printf '%s' ${q(JSON.stringify(work.result))} > "$j/result.json"`
      : [`printf '%s' ${q(JSON.stringify(work.shown))} > "$j/cmd"`, ctx.args.strip_empty_ends === false ? ': > "$j/keep-ends"' : ':', `setsid sh -c ${q(runner)} kplay-job "$j" ${job.seconds} ${q(work.line)} </dev/null >/dev/null 2>&1 &`].join('\n'),
    'echo "$j"',
  ].join('\n');
  const r = await ctx.host.run(script, { stdin: known ? '' : (work.stdin ?? '') });
  if (r.rc !== 0) return { changed: false, failed: true, msg: `could not start the job: ${r.stderr.trim()}` };
  return startedResult(job.id, r.stdout.trim());
}

/** What a task started in the background registers, as Ansible's async_wrapper answers. */
export const startedResult = (id: string, dir: string): ModuleResult => ({ changed: true, failed: false, started: true, finished: false, ansible_job_id: id, results_file: dir });

/** The output keys of a job that has none (yet). */
export const EMPTY_OUTPUT = { stdout: '', stderr: '', stdout_lines: [], stderr_lines: [] };

/** Microseconds between two of Python's datetime strings. */
export function between(start: string, end: string): number {
  const t = (s: string): number => Date.parse(s.slice(0, 23).replace(' ', 'T') + 'Z') + Number(s.slice(23, 26) || 0) / 1000;
  return Math.max(0, t(end) - t(start));
}
