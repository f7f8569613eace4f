// The live view for a terminal (listr2): a spinner titled with the current play and task, and one
// row per recent task with host counters (ok/changed/failed/skipped/unreachable), so 100 hosts
// stay readable. Failures, warnings and the recap are printed in Ansible's format when it closes.
import { Listr, type ListrTaskWrapper } from 'listr2';
import type { HostStatus, Reporter, RunEvent } from '../runner/events.js';
import { ConsoleReporter } from './console.js';

interface Row {
  name: string;
  counts: Record<HostStatus, number>;
}

const ROWS = 12;

/** Formats one task row: `TASK [name]  ok=3 changed=1 failed=0 skipped=0 unreachable=0`. */
export function rowText(r: Row): string {
  const c = r.counts;
  return `${r.name.length > 60 ? r.name.slice(0, 57) + '...' : r.name.padEnd(60)}  ok=${c.ok} changed=${c.changed} failed=${c.failed} skipped=${c.skipped} unreachable=${c.unreachable}`;
}

/** Live progress for a TTY; call close() before the process prints anything else. */
export class LiveReporter implements Reporter {
  private readonly rows: Row[] = [];
  private title = 'starting';
  private readonly deferred: RunEvent[] = [];
  private task: ListrTaskWrapper<unknown, never, never> | undefined;
  private done: (() => void) | undefined;
  private closing = false;
  private lastDeferredTask: Row | undefined;
  private readonly running: Promise<void>;
  private readonly console: ConsoleReporter;

  constructor(write: (line: string) => void, renderer: 'default' | 'silent' = 'default') {
    this.console = new ConsoleReporter(write);
    const list = new Listr(
      [
        {
          title: this.title,
          task: (_ctx, task) =>
            new Promise<void>((resolve) => {
              this.task = task as unknown as ListrTaskWrapper<unknown, never, never>;
              this.done = resolve;
              // the run may already be over before listr starts this task
              if (this.closing) resolve();
              else this.refresh();
            }),
          rendererOptions: { outputBar: ROWS, persistentOutput: false },
        },
      ],
      { renderer, registerSignalListeners: false, exitOnError: false },
    );
    this.running = list.run().then(() => undefined);
  }

  emit(e: RunEvent): void {
    switch (e.type) {
      case 'play_start':
        this.title = `PLAY [${e.name}]`;
        break;
      case 'task_start':
        this.rows.push({ name: `${e.handler ? 'HANDLER' : 'TASK'} [${e.name}]`, counts: { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0 } });
        break;
      case 'host_result': {
        const row = this.rows.at(-1);
        if (row && !e.item) row.counts[e.status] += 1;
        if (e.status === 'failed' || e.status === 'unreachable' || e.result.diff !== undefined) {
          // keep the task banner with what is shown after the live view, for context
          const banner = this.rows.at(-1);
          if (banner && this.lastDeferredTask !== banner) {
            this.lastDeferredTask = banner;
            this.deferred.push({ type: 'task_start', name: banner.name.replace(/^(TASK|HANDLER) \[|\]$/g, ''), handler: banner.name.startsWith('HANDLER') });
          }
          this.deferred.push(e);
        }
        break;
      }
      case 'warning':
      case 'no_hosts':
        this.deferred.push(e);
        break;
      case 'play_recap':
        this.deferred.push(e);
        return;
      default:
        return;
    }
    this.refresh();
  }

  private refresh(): void {
    if (!this.task) return;
    const current = this.rows.at(-1);
    this.task.title = current ? `${this.title} › ${current.name}` : this.title;
    this.task.output = this.rows.slice(-ROWS).map(rowText).join('\n');
  }

  /** Stops the live view and prints what must stay on screen: failures, warnings, the recap. */
  async close(): Promise<void> {
    this.closing = true;
    this.done?.();
    await this.running;
    for (const e of this.deferred.splice(0)) this.console.emit(e);
  }
}
