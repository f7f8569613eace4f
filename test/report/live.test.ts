import { describe, expect, it } from 'vitest';
import { LiveReporter, rowText } from '../../engine/report/live.js';
import { emptyStats } from '../../engine/runner/events.js';

describe('live view', () => {
  it('formats one row per task with host counters', () => {
    expect(rowText({ name: 'TASK [x]', counts: { ok: 3, changed: 1, failed: 0, skipped: 2, unreachable: 0 } })).toMatch(/^TASK \[x\]\s+ok=3 changed=1 failed=0 skipped=2 unreachable=0$/);
  });

  it('closes even when the run ends before the view started, then prints failures and the recap', async () => {
    const lines: string[] = [];
    const r = new LiveReporter((l) => lines.push(l), 'silent');
    r.emit({ type: 'play_start', name: 'p', pattern: 'all' });
    r.emit({ type: 'task_start', name: 'breaks', handler: false });
    r.emit({ type: 'host_result', host: 'h1', status: 'failed', result: { msg: 'boom' }, ignored: false, verbose: false, showResult: true, indent: false });
    r.emit({ type: 'host_result', host: 'h2', status: 'ok', result: {}, ignored: false, verbose: false, showResult: false, indent: false });
    r.emit({ type: 'play_recap', stats: { h1: { ...emptyStats(), failed: 1 }, h2: { ...emptyStats(), ok: 1 } }, timings: [] });
    await Promise.race([r.close(), new Promise((_, reject) => setTimeout(() => reject(new Error('close() hung')), 2000))]);
    const text = lines.join('\n');
    expect(text).toContain('TASK [breaks]');
    expect(text).toContain('fatal: [h1]: FAILED! => {"msg": "boom"}');
    expect(text).not.toContain('ok: [h2]');
    expect(text).toContain('PLAY RECAP');
  });
});
