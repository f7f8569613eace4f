// Ansible's line output (the default callback without a TTY): banners of 80 columns, ok/changed/
// skipping/fatal lines, `...ignoring`, loop items, PLAY RECAP in Ansible's column format, then a
// summary of the slowest tasks. Reporters only see events.
import type { HostStats, Reporter, RunEvent } from '../runner/events.js';
import { diffJson, pyJson } from '../template/expr/dump.js';
import { unifiedDiff } from './unified-diff.js';
import { textWrap } from './textwrap.js';

const COLUMNS = 79;

/** `\nTITLE ****...` padded as Ansible's display.banner does. */
export function banner(title: string): string {
  return `\n${title} ${'*'.repeat(Math.max(3, COLUMNS - title.length))}`;
}

// Ansible hides its internal keys from printed results, and `failed` and `skipped`, which the status
// word says (TaskResult.clean_copy); warnings were shown as warnings already.
const HIDDEN = new Set(['invocation', 'diff', 'warnings', 'failed', 'skipped']);
function printable(result: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(result).sort()) if (!k.startsWith('_ansible') && !HIDDEN.has(k)) out[k] = result[k];
  return out;
}

/** A result as Ansible's callbacks dump it: json.dumps with sorted keys, Python's separators, floats as Python prints them (1.0, 1e-07), text as it is. */
export function resultJson(v: unknown, indent?: number): string {
  return pyJson(v, { indent, sortKeys: true, ensureAscii: false });
}

const compactJson = (v: unknown): string => resultJson(v);
const indentedJson = (v: unknown): string => resultJson(v, 4);

// a registered diff as Ansible's callback reads it: a module's own rendering, or before/after with the
// reasons a side was skipped
type ShownDiff =
  | { prepared: string }
  | { before_header?: string; after_header?: string; before?: unknown; after?: unknown; dst_binary?: number; src_binary?: number; dst_larger?: number; src_larger?: number };

// the callback's lines for a side not diffed (a binary file, one over MAX_FILE_SIZE_FOR_DIFF)
function skipped(d: Exclude<ShownDiff, { prepared: string }>): string[] {
  const out: string[] = [];
  if (d.dst_binary !== undefined) out.push('diff skipped: destination file appears to be binary\n');
  if (d.src_binary !== undefined) out.push('diff skipped: source file appears to be binary\n');
  if (d.dst_larger !== undefined) out.push(`diff skipped: destination file size is greater than ${d.dst_larger}\n`);
  if (d.src_larger !== undefined) out.push(`diff skipped: source file size is greater than ${d.src_larger}\n`);
  return out;
}

// a before/after pair as the callback shows it: a unified diff and a line break after it (a blank line), none when equal
function unified(d: Exclude<ShownDiff, { prepared: string }>): string {
  if (d.before === undefined || d.after === undefined) return '';
  // a side that is a mapping (the file module's {path, state, mode}) is written as JSON, None as nothing
  const text = unifiedDiff(sideText(d.before), sideText(d.after), d.before_header, d.after_header);
  return text ? `${text.endsWith('\n') ? text : `${text}\n`}\n` : '';
}

const sideText = (v: unknown): string => (v === null ? '' : typeof v === 'object' ? diffJson(v as object) : String(v));

/** A warning or deprecation as Ansible's Display prints it: its header, wrapped at 79 columns (textwrap.wrap). */
export function warningText(e: { msg: string; deprecation?: boolean | undefined }): string {
  // a deprecation is wrapped keeping the space at each break (drop_whitespace=False), a warning without
  return textWrap(`${e.deprecation ? '[DEPRECATION WARNING]' : '[WARNING]'}: ${e.msg}`, COLUMNS, e.deprecation !== true).join('\n');
}

/** An error Ansible's Display prints and goes on (display.error): its header after the line break Python's textwrap makes a space, wrapped at 79 columns. */
export function errorText(msg: string): string {
  return textWrap(` [ERROR]: ${msg}`, COLUMNS, true).join('\n');
}

/** One recap line: host padded to 26, then `ok=N   ` columns. */
export function recapLine(host: string, s: HostStats): string {
  const col = (k: string, n: number): string => `${k}=${String(n).padEnd(4)}`;
  return `${host.padEnd(26)} : ${col('ok', s.ok)} ${col('changed', s.changed)} ${col('unreachable', s.unreachable)} ${col('failed', s.failed)} ${col('skipped', s.skipped)} ${col('rescued', s.rescued)} ${col('ignored', s.ignored)}`;
}

/** Writes Ansible-style lines to `write`. */
export class ConsoleReporter implements Reporter {
  // a free-strategy play's banners, by task, until shown; and the task whose banner was shown last
  private readonly lazyBanners = new Map<number, string>();
  private lastBanner: number | undefined;

  constructor(
    private readonly write: (line: string) => void,
    private readonly opts: { slowest?: number; warn?: (line: string) => void } = {},
  ) {}

  emit(e: RunEvent): void {
    switch (e.type) {
      case 'play_start':
        this.lazyBanners.clear();
        this.lastBanner = undefined;
        this.write(banner(`PLAY [${e.name}]`));
        return;
      case 'no_hosts':
        this.write('skipping: no hosts matched');
        return;
      case 'no_hosts_remaining':
        this.write(banner('NO MORE HOSTS LEFT'));
        return;
      case 'task_start': {
        const text = banner(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.name}]`);
        // a free-strategy task's banner waits for its first result
        if (e.lazy && e.id !== undefined) this.lazyBanners.set(e.id, text);
        else {
          this.write(text);
          this.lastBanner = e.id;
        }
        return;
      }
      case 'retry':
        this.write(`FAILED - RETRYING: [${e.host}]: ${e.task} (${e.retriesLeft} retries left).`);
        return;
      case 'warning':
        // Ansible prints warnings on stderr, wrapped as its Display wraps them (once each: warningsShown)
        (this.opts.warn ?? this.write)(warningText(e));
        return;
      case 'display':
        this.write(e.text);
        return;
      case 'included':
        this.write(`included: ${e.file} for ${e.hosts.join(', ')}${e.item !== undefined ? ` => (item=${e.item})` : ''}`);
        return;
      case 'command':
        if (e.kind === 'connection') this.write(`<${e.host}> ${e.command}`);
        else this.write(`<${e.host}> EXEC ${e.command.length > 400 ? e.command.slice(0, 400) + ' ...' : e.command}`);
        return;
      case 'host_result': {
        // shown again when results of another task came between, as Ansible's callback shows it
        const waiting = e.taskId === undefined ? undefined : this.lazyBanners.get(e.taskId);
        if (waiting !== undefined && this.lastBanner !== e.taskId) {
          this.write(waiting);
          this.lastBanner = e.taskId;
        }
        this.hostResult(e);
        return;
      }
      case 'play_recap':
        this.write(banner('PLAY RECAP'));
        // a host nothing was counted for (only meta tasks, no tasks) has no line, as in Ansible's recap
        for (const host of Object.keys(e.stats).sort()) if (Object.values(e.stats[host] as HostStats).some((n) => n > 0)) this.write(recapLine(host, e.stats[host] as HostStats));
        // (Ansible's callback ends the recap with an empty line)
        this.write('');
        this.timings(e.timings);
    }
  }

  private hostResult(e: Extract<RunEvent, { type: 'host_result' }>): void {
    // (a module's one diff may be registered as itself, not in a list: apt's {prepared}, as Ansible's apt registers it)
    const diffs = e.result.diff !== null && typeof e.result.diff === 'object' && !Array.isArray(e.result.diff) ? [e.result.diff] : e.result.diff;
    // shown for a change only (changed_when: false hides it), never for a failure, as Ansible's v2_on_file_diff
    if (Array.isArray(diffs) && e.result.changed === true && e.status !== 'failed' && e.status !== 'unreachable') {
      // one text as the callback's _get_diff joins it: a unified diff ends in a blank line, a skip line or a module's
      // own rendering (synchronize's itemized changes) is printed as it is
      const text = (diffs as ShownDiff[]).map((d) => ('prepared' in d ? d.prepared : [...skipped(d), unified(d)].join(''))).join('');
      // (a text ending in a line break is printed as it is, as Display prints it: the writers add one only when missing)
      if (text) this.write(text);
    }
    const who = e.delegatedTo ? `[${e.host} -> ${e.delegatedTo}]` : `[${e.host}]`;
    const item = e.item ? ` => (item=${e.item.label})` : '';
    const result = printable(e.result);
    if (e.status === 'failed' || e.status === 'unreachable') {
      this.write(`fatal: ${who}: ${e.status === 'failed' ? 'FAILED!' : 'UNREACHABLE!'}${item} => ${e.indent ? indentedJson(result) : compactJson(result)}`);
      if (e.ignored) this.write('...ignoring');
      return;
    }
    const dump = (): string => (e.indent ? indentedJson(result) : compactJson(result));
    if (e.status === 'skipped') {
      // Ansible's skipped item line ends in a space, and its result follows after another (-v)
      const line = `skipping: ${who}${e.item ? ` => (item=${e.item.label}) ` : ''}`;
      this.write(e.verbose ? `${line} => ${dump()}` : line);
      return;
    }
    this.write(e.showResult ? `${e.status}: ${who}${item} => ${dump()}` : `${e.status}: ${who}${item}`);
  }

  private timings(t: { task: string; seconds: number }[]): void {
    const n = this.opts.slowest ?? 5;
    if (!t.length || n <= 0) return;
    this.write('Slowest tasks:');
    for (const x of [...t].sort((a, b) => b.seconds - a.seconds).slice(0, n)) this.write(`  ${x.seconds.toFixed(2).padStart(8)}s  ${x.task}`);
  }
}

/** Newline-delimited JSON, one object per event (--json). */
export class JsonReporter implements Reporter {
  constructor(private readonly write: (line: string) => void) {}
  emit(e: RunEvent): void {
    this.write(JSON.stringify(e));
  }
}
