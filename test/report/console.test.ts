// The console reporter's rendering of one host's result with --diff, as Ansible's callback renders it: the
// diffs a module gives, whether in a list (file modules, synchronize) or as one registered mapping (apt's
// {prepared}, the file module's {before, after}); headers absent shown bare, skipped sides with their
// reason, a blank line after each unified diff, nothing for a result that did not change or failed.
import { describe, expect, it } from 'vitest';
import { ConsoleReporter } from '../../engine/report/console.js';
import type { RunEvent } from '../../engine/runner/events.js';

const shown = (diff: unknown, status: 'changed' | 'ok' | 'failed' = 'changed'): string[] => {
  const out: string[] = [];
  const event = { type: 'host_result', host: 'n1', status, result: { changed: status === 'changed', diff }, ignored: false, verbose: false, showResult: false, indent: false } as RunEvent;
  new ConsoleReporter((l) => out.push(l)).emit(event);
  return out;
};

describe('console: a result with --diff', () => {
  it.each([
    ['a prepared diff in a list', [{ prepared: 'Inst kubelet (1.30.5-1.1)' }]],
    ["apt's one prepared diff, registered as a mapping", { prepared: 'Inst kubelet (1.30.5-1.1)' }],
  ])('%s is shown before the status line', (_why, diff) => {
    expect(shown(diff)).toEqual(['Inst kubelet (1.30.5-1.1)', 'changed: [n1]']);
  });

  it('a file diff is shown as a unified diff, then a blank line', () => {
    expect(shown([{ before_header: '/etc/a', after_header: '/etc/a', before: 'x\n', after: 'y\n' }])).toEqual(['--- before: /etc/a\n+++ after: /etc/a\n@@ -1 +1 @@\n-x\n+y\n\n', 'changed: [n1]']);
  });

  it('a header not given is shown bare, as for a new file', () => {
    expect(shown([{ before: '', after_header: '/srv/files/a', after: 'x\n' }])[0]).toMatch(/^--- before\n\+\+\+ after: \/srv\/files\/a\n/);
  });

  it('a side skipped is shown with its reason, and no unified diff', () => {
    expect(shown([{ before: '', src_binary: 1 }])).toEqual(['diff skipped: source file appears to be binary\n', 'changed: [n1]']);
    expect(shown([{ dst_larger: 104448, src_larger: 104448 }])[0]).toBe('diff skipped: destination file size is greater than 104448\ndiff skipped: source file size is greater than 104448\n');
  });

  it("the file module's mapping sides are shown as sorted JSON", () => {
    const text = shown({ before: { path: '/etc/x', state: 'absent' }, after: { state: 'directory', path: '/etc/x' } })[0];
    expect(text).toBe('--- before\n+++ after\n@@ -1,4 +1,4 @@\n {\n     "path": "/etc/x",\n-    "state": "absent"\n+    "state": "directory"\n }\n\n');
  });

  it('nothing is shown for a result that did not change, or failed', () => {
    const diff = { before: { path: '/etc/x', mode: '0644' }, after: { path: '/etc/x', mode: '0600' } };
    expect(shown(diff, 'ok')).toEqual(['ok: [n1]']);
    expect(shown(diff, 'failed')[0]).toMatch(/^fatal: /);
  });
});
