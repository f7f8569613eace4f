// synchronize against Ansible's own (ansible.posix) on the local connection, where rsync copies between
// two of the machine's directories: each row's options must give Ansible's rsync command line, result
// and outcome, and the same trees. The lab test (test/transport/ssh-lab.test.ts) covers the ssh side.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const sy = (args: Record<string, unknown>, more: Record<string, unknown> = {}): Record<string, unknown> => ({ 'ansible.posix.synchronize': args, ...more });
const steps: [Record<string, unknown>, string][] = [
  [{ shell: 'mkdir -p @WORK@/files/tree/sub @WORK@/extra && echo a > @WORK@/files/tree/a.txt && echo b > @WORK@/files/tree/sub/b.txt && ln -s a.txt @WORK@/files/tree/link && echo x > @WORK@/extra/x.txt && touch -d 2020-01-01T00:00:00 @WORK@/files/tree' }, 'changed'],
  // a relative src is the playbook's files/ (the trailing slash kept); again: nothing to do
  [sy({ src: 'tree/', dest: '@WORK@/out1/' }), 'changed'],
  [sy({ src: 'tree/', dest: '@WORK@/out1/' }), 'ok'],
  // check mode lists what delete would do and does nothing
  [{ copy: { dest: '@WORK@/out1/stale.txt', content: 'old\n' } }, 'changed'],
  [sy({ src: 'tree/', dest: '@WORK@/out1/', delete: true }, { check_mode: true }), 'changed'],
  [sy({ src: 'tree/', dest: '@WORK@/out1/', delete: true, checksum: true }), 'changed'],
  // archive's parts turned off, and asked for alone without archive
  [sy({ src: '@WORK@/files/tree', dest: '@WORK@/out2', links: false, perms: false, times: false, owner: false, group: false, recursive: true }), 'changed'],
  [sy({ src: '@WORK@/files/tree/', dest: '@WORK@/out3', archive: false, recursive: true, links: true, times: true, compress: false, delay_updates: false }), 'changed'],
  [sy({ src: '@WORK@/files/tree/', dest: '@WORK@/out4', copy_links: true, dirs: true, partial: true, rsync_timeout: 30, rsync_opts: ['--exclude=sub', '--no-motd'] }), 'changed'],
  [sy({ src: '@WORK@/files/tree/', dest: '@WORK@/out4', existing_only: true }), 'changed'],
  // pull on the local connection is a local copy the other way; rsync_path is passed along as written
  [sy({ src: '@WORK@/extra/', dest: '@WORK@/out5', mode: 'pull', rsync_path: 'rsync' }), 'changed'],
  [sy({ src: '@WORK@/files/tree/', dest: '@WORK@/out6/', link_dest: ['@WORK@/out1'] }), 'changed'],
  [sy({ src: '@WORK@/files/tree/', dest: '@WORK@/out1/sub/', link_dest: ['@WORK@/out1'] }), 'failed'],
  [sy({ src: 'no-such-dir/', dest: '@WORK@/out7/' }), 'failed'],
  [sy({ src: '@WORK@/files/tree/', dest: 'rsync://a/x', mode: 'pull' }), 'failed'],
];

const tree = (run: EngineRun, dir: string): string =>
  execFileSync('find', [join(run.sandbox.dir, 'work', dir), '-printf', '%P %y %s %l\\n'], { encoding: 'utf8' }).split('\n').sort().join('\n');

// the sandbox's directory and rsync's transfer statistics (-vv, bytes and speed) are what two runs' text may differ in
const plain = (v: unknown): string =>
  String(v ?? '')
    .replace(/\/[^ '"]*sandbox-\w+\/work/g, 'WORK')
    .replace(/^sent \d+ bytes .*$/m, 'sent ...');

describe.skipIf(!hasAnsible || !canSandbox())('synchronize, kplay vs ansible-playbook', () => {
  const run = bothEngines(steps.map(([t]) => t));

  it("every task gives Ansible's outcome, rsync command line and output", () => {
    const shown = (r: EngineRun): string[] => r.results.slice(1).map((x, i) => `${i + 1} ${outcome(x)} rc=${String(x.rc)}\n${plain(x.cmd)}\n${plain(x.msg)}`);
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
    expect(run().kplay.results[4]?.stdout_lines).toContain('*deleting   stale.txt');
  });

  it('leaves the same trees', () => {
    for (const d of ['out1', 'out2', 'out3', 'out4', 'out5', 'out6']) expect(tree(run().kplay, d)).toBe(tree(run().ansible, d));
    expect(tree(run().kplay, 'out1')).not.toContain('stale.txt');
  });
});
