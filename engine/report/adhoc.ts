// The one-line-per-host output of `kplay adhoc` (Ansible's "minimal" callback used by `ansible`):
// `host | CHANGED | rc=0 >>` and the output for commands, `host | SUCCESS => {...}` otherwise; with -o
// Ansible's "oneline" callback, and with -t its "tree" callback (each host's result in a file).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultJson, warningText } from './console.js';
import type { Reporter, RunEvent } from '../runner/events.js';

// Ansible's MODULE_NO_JSON: the modules whose result is shown as their output, not as JSON
const COMMAND_MODULES = new Set(['command', 'shell', 'raw']);

type HostResult = Extract<RunEvent, { type: 'host_result' }>;

/** How `kplay adhoc` shows results: -o (one line each) and -t (a directory that gets each host's result). */
export interface AdhocOutput {
  oneLine?: boolean | undefined;
  tree?: string | undefined;
  verbosity?: number | undefined;
  /** Where warnings go (stderr, as Ansible's); the results' writer when not given. */
  warn?: ((line: string) => void) | undefined;
}

/** Writes adhoc results. */
export class AdhocReporter implements Reporter {
  constructor(
    private readonly write: (line: string) => void,
    private readonly module: string,
    private readonly output: AdhocOutput = {},
  ) {}

  emit(e: RunEvent): void {
    // (Ansible's oneline callback does not print a module's warnings: they are in its result's JSON)
    if (e.type === 'warning' && !(this.output.oneLine && e.fromResult)) (this.output.warn ?? this.write)(warningText(e));
    else if (e.type === 'command') this.write(`<${e.host}> EXEC ${e.command}`);
    else if (e.type === 'display') this.write(e.text);
    if (e.type !== 'host_result') return;
    if (this.output.tree !== undefined && e.status !== 'skipped') this.toTree(e);
    if (this.output.oneLine) this.oneLine(e);
    else this.minimal(e);
  }

  private minimal(e: HostResult): void {
    const r = e.result;
    const state = stateOf(e);
    if (e.status === 'failed') this.exceptionLine(r);
    if (this.commandShown(e)) {
      this.write(`${e.host} | ${state} | rc=${String(r.rc ?? -1)} >>\n${String(r.stdout ?? '')}${String(r.stderr ?? '')}${String(r.msg ?? '')}`);
      return;
    }
    const shown: Record<string, unknown> = {};
    // the status word says whether it failed (Ansible shows no `failed` key either way)
    for (const k of Object.keys(r)) if (k !== 'failed' && k !== 'exception') shown[k] = r[k];
    // the callback's json.dumps: keys sorted at every level, Python's floats (1.0), text as it is
    this.write(`${e.host} | ${state === 'FAILED' ? 'FAILED!' : state} => ${resultJson(shown, 4)}`);
  }

  // Ansible's oneline callback: a command's output on the line with its line breaks as \n, anything else as
  // JSON without line breaks (json.dumps with indent 0, or 4 for debug and assert, then joined); a failure
  // always as JSON, after its traceback's line (a command's output instead of that line)
  private oneLine(e: HostResult): void {
    const r = e.result;
    if (e.status === 'unreachable') return this.write(`${e.host} | UNREACHABLE!: ${String(r.msg ?? '')}`);
    if (e.status === 'skipped') return this.write(`${e.host} | SKIPPED`);
    const flat = (v: unknown): string => String(v ?? '').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
    const output = (): string => `${e.host} | ${stateOf(e)} | rc=${String(r.rc ?? -1)} | (stdout) ${flat(r.stdout)}${typeof r.stderr === 'string' && r.stderr ? ` (stderr) ${flat(r.stderr)}` : ''}`;
    if (e.status === 'failed' && typeof r.exception === 'string') {
      if (this.commandShown(e)) this.write(output());
      else this.exceptionLine(r);
    }
    if (e.status !== 'failed' && this.commandShown(e)) return this.write(output());
    const word = e.status === 'failed' ? 'FAILED!' : stateOf(e);
    this.write(`${e.host} | ${word} => ${resultJson(dumped(e, this.output.verbosity ?? 0), e.indent ? 4 : 0).replace(/\n/g, '')}`);
  }

  // Ansible's tree callback: the host's result as compact JSON (indented for debug and assert) in DIR/HOST
  private toTree(e: HostResult): void {
    const dir = this.output.tree as string;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      this.write(`[WARNING]: Unable to access or create the configured directory (${dir}): ${(err as Error).message}`);
    }
    try {
      writeFileSync(join(dir, e.host), resultJson(dumped(e, this.output.verbosity ?? 0), e.indent ? 4 : undefined));
    } catch (err) {
      this.write(`[WARNING]: Unable to write to ${e.host}'s file: ${(err as Error).message}`);
    }
  }

  // a command's result is shown as its output: a success unless it is a background job's, a failure unless
  // the module itself broke (module_stderr)
  private commandShown(e: HostResult): boolean {
    if (!COMMAND_MODULES.has(this.module) || e.status === 'unreachable') return false;
    return e.status === 'failed' ? !('module_stderr' in e.result) : !('ansible_job_id' in e.result);
  }

  // a failed module's traceback, as the callbacks' _handle_exception shows it (its last line below -vvv)
  private exceptionLine(r: Record<string, unknown>): void {
    if (typeof r.exception !== 'string') return;
    const last = r.exception.trim().split('\n').pop() ?? '';
    this.write((this.output.verbosity ?? 0) < 3 ? `An exception occurred during task execution. To see the full traceback, use -vvv. The error was: ${last}` : `An exception occurred during task execution. The full traceback is:\n${r.exception}`);
  }
}

function stateOf(e: HostResult): string {
  return e.status === 'unreachable' ? 'UNREACHABLE!' : e.status === 'failed' ? 'FAILED' : e.status === 'changed' ? 'CHANGED' : e.status === 'skipped' ? 'SKIPPED' : 'SUCCESS';
}

// a result as the callbacks' _dump_results gives it to oneline and tree: without the internal keys, failed
// and skipped, the traceback, and below -vvv the invocation and diff; debug's `changed`, which the other
// callbacks hide, is there
function dumped(e: HostResult, verbosity: number): Record<string, unknown> {
  const out: Record<string, unknown> = e.debug && !('changed' in e.result) ? { changed: false } : {};
  for (const [k, v] of Object.entries(e.result)) {
    if (k.startsWith('_ansible') || ['failed', 'skipped', 'exception'].includes(k) || (verbosity < 3 && (k === 'invocation' || k === 'diff'))) continue;
    out[k] = v;
  }
  return out;
}
