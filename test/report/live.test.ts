import { describe, expect, it } from 'vitest';
import { cut, frameLines, LiveReporter, type Row, type Screen, type ViewState } from '../../engine/report/live.js';
import { emptyStats } from '../../engine/runner/events.js';

const zero = () => ({ ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0 });

function state(tasks: number, hosts: string[], pendingLast: number): ViewState {
  const rows: Row[] = [];
  for (let i = 0; i < tasks; i++) {
    const last = i === tasks - 1;
    rows.push({ name: `TASK [task ${i}]`, counts: { ...zero(), ok: last ? hosts.length - pendingLast : hosts.length }, started: i * 1000, ended: last ? undefined : i * 1000 + 500, pending: new Set(last ? hosts.slice(hosts.length - pendingLast) : []) });
  }
  return { play: 'PLAY [all]', playStarted: 0, playCounts: { ...zero(), ok: tasks * hosts.length }, rows };
}

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `node${String(i + 1).padStart(3, '0')}.cluster.example`);

describe('live view frames', () => {
  it.each([
    [100, 20, 5, 2],
    [100, 20, 100, 97],
    [40, 6, 100, 50],
    [80, 3, 10, 10],
    [20, 1, 10, 3],
  ])('%ix%i screen, %i hosts (%i still running): never taller or wider than the screen', (cols, rows, n, pending) => {
    const lines = frameLines(state(60, hosts(n), pending), cols, rows, 60_000);
    expect(lines.length).toBeLessThanOrEqual(rows);
    for (const l of lines) expect(Array.from(l).length).toBeLessThanOrEqual(cols);
  });

  it('shows the header, the last rows that fit and the hosts still running by name when they fit', () => {
    const lines = frameLines(state(60, ['h1', 'h2', 'h3'], 2), 100, 6, 60_000);
    expect(lines[0]).toMatch(/^PLAY \[all\]  1m00s  ok=180 changed=0 failed=0 skipped=0 unreachable=0 › TASK \[task 59\]$/);
    expect(lines.slice(1, 5).map((l) => l.slice(0, 16).trim())).toEqual(['✓ TASK [task 56]', '✓ TASK [task 57]', '✓ TASK [task 58]', '› TASK [task 59]']);
    expect(lines[4]).toMatch(/ok=1 changed=0 .* 1\.0s$/); // the running task's elapsed time
    expect(lines[5]).toBe('  running: h2, h3');
  });

  it('at 100 hosts the running line is a count with the first names that fit', () => {
    const lines = frameLines(state(10, hosts(100), 97), 100, 20, 12_000);
    expect(lines.at(-1)).toMatch(/^  running on 97 of 100 hosts: node004\.cluster\.example, .*, …$/);
  });

  it('cuts long lines with an ellipsis instead of wrapping them', () => {
    expect(cut('abcdef', 4)).toBe('abc…');
    expect(cut('abc', 4)).toBe('abc');
    expect(cut('✓ xyz', 3)).toBe('✓ …');
  });
});

function fakeScreen(cols: number, rows: number): Screen & { out: string } {
  const s = { out: '', write: (c: string) => void (s.out += c), columns: () => cols, rows: () => rows, onResize: () => () => undefined };
  return s;
}

describe('live reporter', () => {
  it('draws no frame per event: events only update counters until the next tick', async () => {
    const screen = fakeScreen(100, 20);
    const r = new LiveReporter(screen);
    r.emit({ type: 'play_start', name: 'p', pattern: 'all' });
    for (let t = 0; t < 200; t++) {
      r.emit({ type: 'task_start', name: `t${t}`, handler: false, hosts: ['h1', 'h2'] });
      for (const h of ['h1', 'h2']) r.emit({ type: 'host_done', host: h, status: 'ok' });
    }
    expect(r.frames).toBe(0);
    await new Promise((res) => setTimeout(res, 250));
    expect(r.frames).toBe(1);
    await r.close();
    expect(r.frames).toBe(2);
    expect(screen.out).toContain('ok=400 changed=0');
    expect(screen.out.endsWith('\u001b[?25h')).toBe(true);
  });

  it("counts in its header what the recap counts: a meta task's hosts are not", async () => {
    const screen = fakeScreen(100, 20);
    const r = new LiveReporter(screen);
    r.emit({ type: 'play_start', name: 'p', pattern: 'all' });
    r.emit({ type: 'task_start', name: 'work', handler: false, hosts: ['h1'] });
    r.emit({ type: 'host_done', host: 'h1', status: 'changed' });
    r.emit({ type: 'task_start', name: 'meta', handler: false, hosts: ['h1'] });
    r.emit({ type: 'host_done', host: 'h1', status: 'ok', counted: false });
    await r.close();
    expect(screen.out).toContain('ok=0 changed=1');
    expect(screen.out).not.toContain('ok=1 changed=1');
  });

  it('closes even when the run ends before the first frame, then prints failures and the recap', async () => {
    const screen = fakeScreen(100, 20);
    const r = new LiveReporter(screen);
    r.emit({ type: 'play_start', name: 'p', pattern: 'all' });
    r.emit({ type: 'task_start', name: 'breaks', handler: false, hosts: ['h1', 'h2'] });
    r.emit({ type: 'host_result', host: 'h1', status: 'failed', result: { msg: 'boom' }, ignored: false, verbose: false, showResult: true, indent: false });
    r.emit({ type: 'host_done', host: 'h1', status: 'failed' });
    r.emit({ type: 'host_result', host: 'h2', status: 'ok', result: {}, ignored: false, verbose: false, showResult: false, indent: false });
    r.emit({ type: 'host_done', host: 'h2', status: 'ok' });
    r.emit({ type: 'play_recap', stats: { h1: { ...emptyStats(), failed: 1 }, h2: { ...emptyStats(), ok: 1 } }, timings: [] });
    await r.close();
    const text = screen.out;
    expect(text).toMatch(/✗ TASK \[breaks\] +ok=1 changed=0 failed=1/);
    expect(text).toContain('\nTASK [breaks] ***');
    expect(text).toContain('fatal: [h1]: FAILED! => {"msg": "boom"}');
    expect(text).not.toContain('ok: [h2]');
    expect(text.indexOf('PLAY RECAP')).toBeGreaterThan(text.indexOf('fatal: [h1]'));
  });

  it("prints debug output (a plan) above the view as it comes, and steps aside while a prompt waits", async () => {
    const screen = fakeScreen(100, 20);
    const r = new LiveReporter(screen);
    r.emit({ type: 'play_start', name: 'p', pattern: 'all' });
    r.emit({ type: 'task_start', name: 'the plan', handler: false, hosts: ['h1'] });
    r.emit({ type: 'host_result', host: 'h1', status: 'ok', result: { msg: ['master1: drained'] }, ignored: false, verbose: false, showResult: true, indent: true, debug: true });
    expect(screen.out).toMatch(/TASK \[the plan\] \*+\u001b\[K\nok: \[h1\] => \{\u001b\[K\n    "msg": \[\u001b\[K\n        "master1: drained"/);
    r.suspend();
    const frames = r.frames;
    const shown = screen.out.length;
    r.emit({ type: 'host_done', host: 'h1', status: 'ok' });
    await new Promise((res) => setTimeout(res, 250));
    expect(r.frames).toBe(frames); // nothing drawn over the prompt
    expect(screen.out.length).toBe(shown);
    r.resume();
    await new Promise((res) => setTimeout(res, 250));
    expect(r.frames).toBe(frames + 1);
    await r.close();
  });
});
