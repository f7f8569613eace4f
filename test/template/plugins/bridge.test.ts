// The synchronous bridge to a Python process: answers in order, Python's death and silence reported as
// errors (never a hang), and nothing further asked of a process that stopped answering.
import { describe, expect, it } from 'vitest';
import { PythonBridge } from '../../../engine/template/plugins/bridge.js';

const ECHO = `
import json, sys, time
for line in sys.stdin:
    req = json.loads(line)
    if req.get('sleep'):
        time.sleep(req['sleep'])
    if req.get('exit') is not None:
        sys.stderr.write('going away\\n')
        sys.exit(req['exit'])
    sys.stdout.write(json.dumps({'ok': req['n'] * 2}) + '\\n')
    sys.stdout.flush()
`;

describe('PythonBridge', () => {
  it('answers each request in turn, synchronously', () => {
    const b = new PythonBridge('python3', ECHO);
    expect([1, 2, 3].map((n) => b.call({ n }))).toEqual([{ ok: 2 }, { ok: 4 }, { ok: 6 }]);
  });

  it("reports Python's exit with its last words, for this request and the next", () => {
    const b = new PythonBridge('python3', ECHO);
    expect(b.call({ n: 1 })).toEqual({ ok: 2 });
    const gone = b.call({ exit: 3 }) as { error: { msg: string } };
    expect(gone.error.msg).toBe('python3 exited (3): going away');
    expect(b.call({ n: 1 })).toEqual(gone);
  });

  it('reports a Python that cannot start', () => {
    const b = new PythonBridge('/nonexistent/python3', ECHO);
    expect((b.call({ n: 1 }) as { error: { msg: string } }).error.msg).toMatch(/^\/nonexistent\/python3 could not start: .*ENOENT/);
  });

  it('gives up on a request with no answer in time, and asks that process nothing more', () => {
    const b = new PythonBridge('python3', ECHO);
    expect(b.call({ sleep: 5, n: 1 }, 300)).toEqual({ error: { type: 'TimeoutError', msg: 'no answer from Python in 0.3 s', ansible: false } });
    expect(b.call({ n: 1 })).toEqual({ error: { type: 'RuntimeError', msg: 'no answer from Python in 0.3 s', ansible: false } });
  });
});
