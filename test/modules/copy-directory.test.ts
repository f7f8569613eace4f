// copy with a directory as src, against Ansible's copy: `tree` copies the directory into dest, `tree/`
// its contents; directory_mode for the directories made, mode for the files; a second run changes
// nothing; a changed file on the host is put back.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcome, runBoth, type EngineRun } from '../support/differential-play.js';
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
  let both: ReturnType<typeof runBoth>;
  beforeAll(() => {
    both = runBoth(
      steps.map(([t]) => t),
      { 'files/tree/a.conf': 'alpha\n', 'files/tree/sub/b.conf': 'beta\n', 'files/tree/sub/deeper/c.conf': 'gamma\n' },
    );
  }, 120_000);
  afterAll(() => both?.done());

  it('every task reports what Ansible reports', () => {
    expect(both.kplay.results.map(outcome)).toEqual(both.ansible.results.map(outcome));
    expect(both.kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it('makes the same trees with the same modes', () => {
    for (const d of ['d1', 'd2']) expect(tree(both.kplay, d)).toBe(tree(both.ansible, d));
    expect(tree(both.kplay, 'd1')).toContain('tree/sub/deeper d 750');
    expect(tree(both.kplay, 'd1')).toContain('tree/sub/b.conf f 640 5');
  });
});
