// The console reporter's rendering of one host's result: the diffs a module gives, whether in a list
// (file modules, synchronize) or as one registered mapping (apt's {prepared}, as Ansible's apt registers it).
import { describe, expect, it } from 'vitest';
import { ConsoleReporter } from '../../engine/report/console.js';
import type { RunEvent } from '../../engine/runner/events.js';

const shown = (diff: unknown): string[] => {
  const out: string[] = [];
  const event = { type: 'host_result', host: 'n1', status: 'changed', result: { changed: true, diff }, ignored: false, verbose: false, showResult: false, indent: false } as RunEvent;
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

  it('a file diff is shown as a unified diff', () => {
    expect(shown([{ before_header: '/etc/a', after_header: '/etc/a', before: 'x\n', after: 'y\n' }])[0]).toContain('--- before: /etc/a\n+++ after: /etc/a');
  });
});
