// What the command family (command, shell, raw, script) and the executor's exec step share: a command's
// outcome in Ansible's shape (rc, stdout/stderr with or without the final newlines, *_lines,
// start/end/delta as Python prints datetimes) and the creates/removes/chdir facts command and shell read.
import { shellQuote as q } from '../util/shell.js';
import type { ExecStep, Plan } from './declare.js';
import { expansionReads, expansionScript, parseExpansions, withLaterHomes, type Expansions } from './expand-args.js';
import type { HostIO, ModuleResult } from './types.js';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** A time as Python's str(datetime) prints it (microseconds left out when 0): command's start and end. */
export function stamp(d: Date): string {
  const micro = d.getMilliseconds() * 1000;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${micro ? `.${pad(micro, 6)}` : ''}`;
}

/** A duration in milliseconds as Python's str(timedelta) prints it: command's delta. */
export function timeDelta(ms: number): string {
  const s = Math.floor(ms / 1000);
  const micro = Math.round((ms % 1000) * 1000);
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${micro ? `.${pad(micro, 6)}` : ''}`;
}

/** A text split as Python's str.splitlines splits it (the *_lines Ansible's action adds). */
export const splitLines = (s: string): string[] => (s === '' ? [] : s.replace(/(\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])$/, '').split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/));

/** The result with its stdout and stderr split into lines, as Ansible's action adds them to any module's result that has them. */
export function withLines(r: ModuleResult): ModuleResult {
  const out = { ...r };
  for (const k of ['stdout', 'stderr'] as const) if (typeof r[k] === 'string' && !(`${k}_lines` in r)) out[`${k}_lines`] = splitLines(r[k] as string);
  return out;
}

/** Output without its trailing newlines, as command's strip_empty_ends (Python's rstrip("\r\n")). */
const stripEnds = (s: string): string => s.replace(/[\r\n]+$/, '');

/** What a command's run adds to a result: its exit status and output, and Ansible's failure when the status is not 0. */
export function ranOutcome(rc: number, out: string, err: string, strip: boolean): Record<string, unknown> {
  const outcome = { rc, stdout: strip ? stripEnds(out) : out, stderr: strip ? stripEnds(err) : err };
  return rc === 0 ? outcome : { ...outcome, failed: true, msg: 'non-zero return code' };
}

/** A finished command's result in the command module's shape, from what it printed, its exit code and when it ran (an async job's). */
export function commandResult(shown: unknown, rc: number, out: string, err: string, start: string, end: string, ms: number, strip: boolean): ModuleResult {
  return withLines({ changed: true, cmd: shown, msg: '', start, end, delta: timeDelta(ms), ...ranOutcome(rc, out, err, strip) });
}

/** What command and shell read before they decide (in the task's become, as the module runs): whether chdir can be entered (else Python's errno), and whether creates/removes match a file there. */
export interface CommandFacts {
  chdir?: 'ok' | 2 | 13 | 20 | undefined;
  creates?: boolean | undefined;
  removes?: boolean | undefined;
  /** The variables and homes command's words name (read only when a word has $ or a leading ~). */
  expand?: Expansions | undefined;
}

// whether a glob (Python's glob.glob: a literal path that lexists, or a pattern matching some entry) matches, as y or n
const globbed = (key: string, pattern: string): string =>
  `(IFS=''; p=${q(pattern)}; for f in $p; do if [ -e "$f" ] || [ -L "$f" ]; then echo ${key}=y; exit; fi; done; echo ${key}=n)`;

/** Reads command's facts in one command: the directory entered first, so relative creates/removes are globbed in it, as the module does. */
export async function commandFacts(host: HostIO, o: { chdir?: string | undefined; creates?: string | undefined; removes?: string | undefined }, words: readonly string[] = []): Promise<CommandFacts> {
  const parts: string[] = [];
  const reads = expansionReads(words);
  if (o.chdir !== undefined) {
    const d = q(o.chdir);
    parts.push(`if cd -- ${d} 2>/dev/null; then echo chdir=ok; elif [ ! -e ${d} ]; then echo chdir=2; elif [ ! -d ${d} ]; then echo chdir=20; else echo chdir=13; fi`);
  }
  if (o.creates !== undefined) parts.push(globbed('creates', o.creates));
  if (o.removes !== undefined) parts.push(globbed('removes', o.removes));
  const expanding = reads.vars.length + reads.users.length > 0;
  if (expanding) parts.push(...expansionScript(reads));
  if (!parts.length) return {};
  const r = await host.run(parts.join('\n'));
  const said = new Map(r.stdout.split('\n').flatMap((l) => (l.includes('=') ? [l.split('=', 2) as [string, string]] : [])));
  const chdir = said.get('chdir');
  const yes = (k: string): boolean | undefined => (said.has(k) ? said.get(k) === 'y' : undefined);
  return {
    ...(chdir === undefined ? {} : { chdir: chdir === 'ok' ? 'ok' : (Number(chdir) as 2 | 13 | 20) }),
    ...(said.has('creates') ? { creates: yes('creates') } : {}),
    ...(said.has('removes') ? { removes: yes('removes') } : {}),
    ...(expanding ? { expand: await withLaterHomes(host, words, parseExpansions(r.stdout.split('\n'))) } : {}),
  };
}

/** The options command and shell decide by (after their own: the words or the line to run). */
export interface CommandOptions {
  chdir?: string | undefined;
  creates?: string | undefined;
  removes?: string | undefined;
  stdin?: string | undefined;
  stdin_add_newline?: boolean | undefined;
  strip_empty_ends?: boolean | undefined;
}

/** The module's failure when there is nothing to run (an empty line or argv), with its keys as Ansible's gives them. */
export const noCommand = (): Plan => ({ steps: [], result: { changed: false, failed: true, stdout: '', stderr: '', rc: 256, cmd: null, start: null, end: null, delta: null, msg: 'no command given' } });

const ERRNO: Record<number, string> = { 2: 'No such file or directory', 13: 'Permission denied', 20: 'Not a directory' };

/**
 * command's and shell's plan, as Ansible's command module decides: the directory first, then creates and
 * removes ("Did"/"Would not run"), then check mode ("would have run"), else the command runs (`line`, with
 * `shown` as its cmd). Every result has the module's keys, null where it did not run.
 */
export function commandPlan(o: CommandOptions, f: CommandFacts, check: boolean, line: string, shown: unknown, execs?: ExecStep['execs']): Plan {
  const r: ModuleResult = { changed: false, stdout: '', stderr: '', rc: null, cmd: shown, start: null, end: null, delta: null, msg: '' };
  if (o.chdir !== undefined && f.chdir !== undefined && f.chdir !== 'ok') {
    return { steps: [], result: { ...r, failed: true, msg: `Unable to change directory before execution: [Errno ${f.chdir}] ${ERRNO[f.chdir] ?? ''}: b'${o.chdir}'` } };
  }
  const should = check ? 'Would' : 'Did';
  if (o.creates !== undefined && f.creates === true) return { steps: [], result: { ...r, rc: 0, stdout: `skipped, since ${o.creates} exists`, msg: `${should} not run command since '${o.creates}' exists` } };
  if (o.removes !== undefined && f.removes === false) return { steps: [], result: { ...r, rc: 0, stdout: `skipped, since ${o.removes} does not exist`, msg: `${should} not run command since '${o.removes}' does not exist` } };
  if (check) {
    // with creates/removes the guard said "run", so it reports changed; without, it is skipped
    const guarded = o.creates !== undefined || o.removes !== undefined;
    return { steps: [], result: { ...r, changed: guarded, rc: 0, msg: 'Command would have run if not in check mode', ...(guarded ? {} : { skipped: true }) } };
  }
  const stdin = o.stdin === undefined ? undefined : o.stdin + (o.stdin_add_newline === false ? '' : '\n');
  return {
    steps: [{ kind: 'exec', command: line, ...(o.chdir === undefined ? {} : { chdir: o.chdir }), ...(stdin === undefined ? {} : { stdin }), strip: o.strip_empty_ends !== false, timed: true, ...(execs ? { execs } : {}) }],
    result: { ...r, changed: true },
  };
}
