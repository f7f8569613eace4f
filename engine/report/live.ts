// The live view for a terminal: a region at the bottom of the screen, redrawn in place at most ten
// times a second, never taller than the terminal and never wider (lines are cut, not wrapped).
// An event only updates counters (O(1)); a frame is built from the last rows that fit. Failures,
// diffs, warnings and the recap are printed in Ansible's format below the final frame.
import type { HostStatus, Reporter, RunEvent } from '../runner/events.js';
import { ConsoleReporter } from './console.js';

/** The terminal the view draws on (process.stdout in production, a fake in tests). */
export interface Screen {
  write(chunk: string): void;
  columns(): number;
  rows(): number;
  /** Calls `fn` when the terminal is resized; returns how to stop listening. */
  onResize(fn: () => void): () => void;
}

/** The real terminal behind stdout. */
export function stdoutScreen(): Screen {
  const out = process.stdout;
  // the view hides the cursor; whatever ends the process, it comes back
  process.once('exit', () => void out.write('\u001b[?25h'));
  return {
    write: (chunk) => void out.write(chunk),
    columns: () => out.columns || 80,
    rows: () => out.rows || 24,
    onResize: (fn) => {
      out.on('resize', fn);
      return () => void out.off('resize', fn);
    },
  };
}

type Counts = Record<HostStatus, number>;

/** One task as the view shows it. */
export interface Row {
  name: string;
  counts: Counts;
  started: number;
  ended: number | undefined;
  /** Hosts that have not finished this task yet, in inventory order. */
  pending: Set<string>;
}

/** What a frame is drawn from. */
export interface ViewState {
  play: string | undefined;
  playStarted: number;
  playCounts: Counts;
  rows: Row[];
}

const KEEP_ROWS = 500; // more than any terminal shows
const FRAME_MS = 100; // at most ten redraws a second
const TICK_MS = 1000; // a long task's elapsed time still moves

function zero(): Counts {
  return { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0 };
}

function counters(c: Counts): string {
  return `ok=${c.ok} changed=${c.changed} failed=${c.failed} skipped=${c.skipped} unreachable=${c.unreachable}`;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
}

// Control characters (a task name from a template, say) would move the cursor and break the frame.
function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

/** Cuts a line to `width` characters (code points), marking the cut with `…`. */
export function cut(line: string, width: number): string {
  const chars = Array.from(line);
  if (chars.length <= width) return line;
  if (width <= 1) return chars.slice(0, Math.max(0, width)).join('');
  return chars.slice(0, width - 1).join('') + '…';
}

// `name ...... counters  time`: the name is cut first so the counters stay visible.
function rowLine(r: Row, width: number, now: number): string {
  const mark = r.ended === undefined ? '›' : r.counts.failed || r.counts.unreachable ? '✗' : '✓';
  const right = `${counters(r.counts)}  ${seconds((r.ended ?? now) - r.started).padStart(6)}`;
  const room = width - right.length - 4;
  if (room < 12) return cut(`${mark} ${r.name}  ${right}`, width);
  return `${mark} ${cut(r.name, room).padEnd(room)}  ${right}`;
}

// The hosts still running the current task: their names when they fit on the line, else a count.
function runningLine(r: Row, total: number, width: number): string | undefined {
  if (r.ended !== undefined || r.pending.size === 0) return undefined;
  const names = `  running: ${[...r.pending].join(', ')}`;
  if (names.length <= width) return names;
  const head = `  running on ${r.pending.size} of ${total} hosts: `;
  let shown = '';
  for (const h of r.pending) {
    const next = shown ? `${shown}, ${h}` : h;
    if (head.length + next.length + 12 > width) break;
    shown = next;
  }
  return cut(`${head}${shown}${shown ? ', …' : '…'}`, width);
}

/**
 * The lines of one frame: a header (play, current task, elapsed, the play's host counters), the
 * last task rows that fit, and the hosts still running. Never more than `height` lines, none
 * longer than `width`.
 */
export function frameLines(s: ViewState, width: number, height: number, now: number): string[] {
  if (height <= 0 || width <= 0) return [];
  const current = s.rows.at(-1);
  const task = current && current.ended === undefined ? ` › ${current.name}` : '';
  const header = cut(`${s.play ?? 'starting'}  ${seconds(now - s.playStarted)}  ${counters(s.playCounts)}${task}`, width);
  if (height === 1) return [header];
  const running = current ? runningLine(current, current.pending.size + current.counts.ok + current.counts.changed + current.counts.failed + current.counts.skipped + current.counts.unreachable, width) : undefined;
  const room = height - 1 - (running ? 1 : 0);
  const rows = room > 0 ? s.rows.slice(-room).map((r) => rowLine(r, width, now)) : [];
  return [header, ...rows, ...(running && room >= 0 ? [running] : [])];
}

/** Live progress for a TTY; call close() before the process prints anything else. */
export class LiveReporter implements Reporter {
  private readonly state: ViewState;
  private readonly deferred: RunEvent[] = [];
  private readonly console: ConsoleReporter;
  private lastBanner: Row | undefined;
  private drawn: number[] = []; // the lengths of the frame's lines on screen now
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly ticker: ReturnType<typeof setInterval>;
  private readonly stopResize: () => void;
  private closed = false;
  private held = false;
  /** Frames drawn (tests and the benchmark read it). */
  frames = 0;

  constructor(
    private readonly screen: Screen,
    private readonly now: () => number = Date.now,
  ) {
    this.state = { play: undefined, playStarted: now(), playCounts: zero(), rows: [] };
    this.console = new ConsoleReporter((l) => this.screen.write(l.endsWith('\n') ? l : l + '\n'));
    this.stopResize = screen.onResize(() => this.draw());
    this.ticker = setInterval(() => this.schedule(), TICK_MS);
    this.ticker.unref();
    this.screen.write('\u001b[?25l'); // no blinking cursor inside the frame
  }

  emit(e: RunEvent): void {
    if (this.closed) return void this.console.emit(e);
    switch (e.type) {
      case 'play_start':
        this.endPlay();
        this.state.play = `PLAY [${e.name}]`;
        this.state.playStarted = this.now();
        this.state.playCounts = zero();
        break;
      case 'task_start': {
        if (e.again) return;
        const last = this.state.rows.at(-1);
        if (last && last.ended === undefined) last.ended = this.now();
        this.state.rows.push({ name: printable(`${e.handler ? 'HANDLER' : 'TASK'} [${e.name}]`), counts: zero(), started: this.now(), ended: undefined, pending: new Set(e.hosts ?? []) });
        if (this.state.rows.length > KEEP_ROWS * 2) this.state.rows.splice(0, KEEP_ROWS);
        break;
      }
      case 'host_done': {
        const row = this.state.rows.at(-1);
        if (row) {
          row.counts[e.status] += 1;
          if (row.pending.delete(e.host) && row.pending.size === 0) row.ended = this.now();
        }
        // the header counts what the recap counts: a meta task is in neither
        if (e.counted !== false) this.state.playCounts[e.status] += 1;
        break;
      }
      case 'host_result':
        // debug output (a lifecycle playbook's plan and verification table) is read while the run goes on
        if (e.debug && e.status === 'ok') return this.printResult(e);
        // (a diff is shown for a change only: the file module's diff of nothing changed is not)
        if (e.status === 'failed' || e.status === 'unreachable' || (e.result.diff !== undefined && e.result.changed === true)) this.defer(e);
        return;
      case 'warning':
      case 'display':
      case 'no_hosts':
      case 'no_hosts_remaining':
      case 'play_recap':
        this.deferred.push(e);
        return;
      default:
        return;
    }
    this.schedule();
  }

  // a failure or a diff keeps its task banner, for context, when printed after the view
  private defer(e: RunEvent): void {
    const row = this.state.rows.at(-1);
    if (row && this.lastBanner !== row) {
      this.lastBanner = row;
      const handler = row.name.startsWith('HANDLER');
      this.deferred.push({ type: 'task_start', name: row.name.replace(/^(TASK|HANDLER) \[/, '').replace(/\]$/, ''), handler });
    }
    this.deferred.push(e);
  }

  // a finished play leaves one line above the view, so the scrollback keeps what each play did
  private endPlay(): void {
    const s = this.state;
    if (s.play === undefined) return;
    const last = s.rows.at(-1);
    if (last && last.ended === undefined) last.ended = this.now();
    this.print(cut(`${s.play}  ${seconds(this.now() - s.playStarted)}  ${counters(s.playCounts)}`, this.screen.columns() - 1));
  }

  // one result in Ansible's format above the view, under its task's banner
  private printResult(e: RunEvent): void {
    const lines: string[] = [];
    const out = new ConsoleReporter((l) => void lines.push(...l.replace(/\n$/, '').split('\n')));
    const row = this.state.rows.at(-1);
    if (row) out.emit({ type: 'task_start', name: row.name.replace(/^(TASK|HANDLER) \[/, '').replace(/\]$/, ''), handler: row.name.startsWith('HANDLER') });
    out.emit(e);
    this.paint(lines);
    this.drawn = [];
    this.schedule();
  }

  /** Takes the view off the screen while the user types an answer (pause's prompt); resume() brings it back. */
  suspend(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.held = true;
    this.paint([]);
    this.drawn = [];
    this.screen.write('\u001b[?25h');
  }

  /** Draws the view again below whatever the prompt left on the screen. */
  resume(): void {
    this.held = false;
    this.screen.write('\u001b[?25l');
    this.schedule();
  }

  /** Prints a line above the live region (which is redrawn below it). */
  print(line: string): void {
    this.paint([line]);
    this.drawn = [];
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closed || this.held) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, FRAME_MS);
  }

  // Overwrites the frame on screen with `lines`: back to its first line, each line written then
  // cleared to its end, and what is left of a taller old frame erased. (No erase of the whole screen
  // from its top-left corner: tmux would scroll that screen into the scrollback, a stale frame.)
  // After a resize a terminal may have re-wrapped the old lines: each takes what the new width needs.
  private paint(lines: string[]): void {
    const cols = Math.max(1, this.screen.columns());
    const taken = this.drawn.reduce((n, len) => n + Math.max(1, Math.ceil(len / cols)), 0);
    const up = Math.min(taken, Math.max(0, this.screen.rows() - 1));
    const tail = taken > lines.length ? '\u001b[J' : '';
    this.screen.write(`\r${up > 0 ? `\u001b[${up}A` : ''}${lines.map((l) => `${l}\u001b[K\n`).join('')}${tail}`);
    this.drawn = lines.map((l) => Array.from(l).length);
  }

  private draw(): void {
    // one line is kept free for the cursor: a frame as tall as the screen would scroll it
    const width = Math.max(1, this.screen.columns() - 1);
    this.paint(frameLines(this.state, width, this.screen.rows() - 1, this.now()));
    this.frames += 1;
  }

  /** Draws the final frame, stops the view and prints what must stay: failures, diffs, warnings, the recap. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const last = this.state.rows.at(-1);
    if (last && last.ended === undefined) last.ended = this.now();
    this.draw();
    this.closed = true;
    clearInterval(this.ticker);
    this.stopResize();
    this.screen.write('\u001b[?25h');
    for (const e of this.deferred.splice(0)) this.console.emit(e);
  }
}
