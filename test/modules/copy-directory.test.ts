// copy with a directory as src, against Ansible's copy: `tree` copies the directory into dest, `tree/`
// its contents; directory_mode for the directories made, mode for the files; a second run changes
// nothing; a changed file on the host is put back.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const steps: [Record<string, unknown>, string][] = [
  [{ file: { path: '@WORK@/d1', state: 'directory' } }, 'changed'],
  [{ copy: { src: 'tree', dest: '@WORK@/d1/', mode: '0640', directory_mode: '0750' } }, 'changed'],
  [{ copy: { src: 'tree', dest: '@WORK@/d1/', mode: '0640', directory_mode: '0750' } }, 'ok'],
  [{ copy: { dest: '@WORK@/d1/tree/sub/b.conf', content: 'edited\n' } }, 'changed'],
  [{ copy: { src: 'tree', dest: '@WORK@/d1/', mode: '0640', directory_mode: '0750' } }, 'changed'],
  [{ copy: { src: 'tree/', dest: '@WORK@/d2' } }, 'changed'],
  [{ copy: { src: 'tree/', dest: '@WORK@/d2' } }, 'ok'],
];

const tree = (run: EngineRun, dir: string): string =>
  execFileSync('find', [join(run.sandbox.dir, 'work', dir), '-printf', '%P %y %m %s\\n'], { encoding: 'utf8' }).split('\n').sort().join('\n');

describe.skipIf(!hasAnsible || !canSandbox())('copy of a directory, kplay vs ansible-playbook', () => {
  const run = bothEngines(
      steps.map(([t]) => t),
      { 'files/tree/a.conf': 'alpha\n', 'files/tree/sub/b.conf': 'beta\n', 'files/tree/sub/deeper/c.conf': 'gamma\n' },
    );

  it('every task reports what Ansible reports', () => {
    expect(run().kplay.results.map(outcome)).toEqual(run().ansible.results.map(outcome));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it('makes the same trees with the same modes', () => {
    for (const d of ['d1', 'd2']) expect(tree(run().kplay, d)).toBe(tree(run().ansible, d));
    expect(tree(run().kplay, 'd1')).toContain('tree/sub/deeper d 750');
    expect(tree(run().kplay, 'd1')).toContain('tree/sub/b.conf f 640 5');
  });
});
