// The one-line-per-host output of `kplay adhoc` (Ansible's "minimal" callback used by `ansible`):
// `host | CHANGED | rc=0 >>` and the output for commands, `host | SUCCESS => {...}` otherwise.
import { resultJson, warningText } from './console.js';
import type { Reporter, RunEvent } from '../runner/events.js';

const COMMAND_MODULES = new Set(['command', 'shell', 'raw', 'script']);

/** Writes adhoc results. */
export class AdhocReporter implements Reporter {
  constructor(
    private readonly write: (line: string) => void,
    private readonly module: string,
  ) {}

  emit(e: RunEvent): void {
    if (e.type === 'warning') this.write(warningText(e));
    else if (e.type === 'command') this.write(`<${e.host}> EXEC ${e.command}`);
    else if (e.type === 'display') this.write(e.text);
    if (e.type !== 'host_result') return;
    const r = e.result;
    const state = e.status === 'unreachable' ? 'UNREACHABLE!' : e.status === 'failed' ? 'FAILED' : e.status === 'changed' ? 'CHANGED' : e.status === 'skipped' ? 'SKIPPED' : 'SUCCESS';
    if (COMMAND_MODULES.has(this.module) && typeof r.rc === 'number' && e.status !== 'unreachable') {
      this.write(`${e.host} | ${state} | rc=${r.rc} >>\n${String(r.stdout ?? '')}${String(r.stderr ?? '')}${String(r.msg ?? '')}`);
      return;
    }
    const shown: Record<string, unknown> = {};
    // the status word says whether it failed (Ansible shows no `failed` key either way)
    for (const k of Object.keys(r)) if (k !== 'failed') shown[k] = r[k];
    // the callback's json.dumps: keys sorted at every level, Python's floats (1.0), text as it is
    this.write(`${e.host} | ${state === 'FAILED' ? 'FAILED!' : state} => ${resultJson(shown, 4)}`);
  }
}
