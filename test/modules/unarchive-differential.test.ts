// unarchive against Ansible's own: tar.gz and zip archives made by the play itself, unpacked from the
// host (remote_src) and from the controller, again (nothing to do), after a file in dest changed, with
// list_files, creates, mode, check mode and a missing dest; same outcomes and the same trees.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { httpChild } from '../support/http-child.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const runnable = hasAnsible && canSandbox();
// a tar.gz the host downloads (a URL src with remote_src)
const server = runnable ? await httpChild() : { base: 'http://127.0.0.1:1', tls: 'https://127.0.0.1:1', stop: () => undefined };

const ux = (args: Record<string, unknown>, more: Record<string, unknown> = {}): Record<string, unknown> => ({ unarchive: args, ...more });
const steps: [Record<string, unknown>, string][] = [
  [{ file: { path: '@WORK@/src/app/sub', state: 'directory' } }, 'changed'],
  [{ copy: { dest: '@WORK@/src/app/a.txt', content: 'alpha\n' } }, 'changed'],
  [{ copy: { dest: '@WORK@/src/app/sub/b.txt', content: 'beta\n' } }, 'changed'],
  [{ shell: 'cd @WORK@/src && tar -czf @WORK@/a.tgz app && zip -qr @WORK@/a.zip app' }, 'changed'],
  [{ file: { path: '@WORK@/out1', state: 'directory' } }, 'changed'],
  [{ file: { path: '@WORK@/out2', state: 'directory' } }, 'changed'],
  [{ file: { path: '@WORK@/out3', state: 'directory' } }, 'changed'],
  [{ file: { path: '@WORK@/out4', state: 'directory' } }, 'changed'],
  [ux({ src: '@WORK@/a.tgz', dest: '@WORK@/out1', remote_src: true }), 'changed'],
  [ux({ src: '@WORK@/a.tgz', dest: '@WORK@/out1', remote_src: true }), 'ok'],
  // (a time of its own: tar --diff's "Contents differ" alone is no difference to Ansible's module, and a fast run stays within the archive's second)
  [{ shell: 'echo changed > @WORK@/out1/app/a.txt && touch -d 2020-01-01 @WORK@/out1/app/a.txt' }, 'changed'],
  [ux({ src: '@WORK@/a.tgz', dest: '@WORK@/out1', remote_src: true }), 'changed'],
  [ux({ src: '@WORK@/a.zip', dest: '@WORK@/out2', remote_src: true, list_files: true }), 'changed'],
  [ux({ src: '@WORK@/a.zip', dest: '@WORK@/out2', remote_src: true }), 'ok'],
  [ux({ src: 'a.tgz', dest: '@WORK@/out3' }), 'changed'],
  [ux({ src: '@WORK@/a.tgz', dest: '@WORK@/out3', remote_src: true, creates: '@WORK@/out3/app' }), 'ok'],
  [ux({ src: '@WORK@/a.tgz', dest: '@WORK@/out4', remote_src: true }, { check_mode: true }), 'ok'],
  [ux({ src: '@WORK@/a.zip', dest: '@WORK@/out4', remote_src: true }, { check_mode: true }), 'changed'],
  [ux({ src: '@WORK@/a.tgz', dest: '@WORK@/nowhere', remote_src: true }), 'failed'],
  [{ file: { path: '@WORK@/out5', state: 'directory' } }, 'changed'],
  [{ file: { path: '@WORK@/out6', state: 'directory' } }, 'changed'],
  [{ file: { path: '@WORK@/out7', state: 'directory' } }, 'changed'],
  [ux({ src: `${server.base}/app.tgz`, dest: '@WORK@/out5', remote_src: true }), 'changed'],
  [ux({ src: `${server.base}/app.tgz`, dest: '@WORK@/out5', remote_src: true }), 'ok'],
  [ux({ src: '@WORK@/a.tgz', dest: '@WORK@/out6', remote_src: true, mode: '0750', list_files: true }), 'changed'],
  [ux({ src: '@WORK@/a.tgz', dest: '@WORK@/out6', remote_src: true, mode: '0750' }), 'ok'],
  [ux({ src: '@WORK@/a.tgz', dest: '@WORK@/out6', remote_src: true, mode: '0700' }), 'changed'],
  [ux({ src: '@WORK@/a.tgz', dest: '@WORK@/out7', remote_src: true, exclude: ['app/sub'] }), 'changed'],
  [ux({ src: 'a.zip', dest: '@WORK@/out7' }), 'changed'],
  [ux({ src: '@WORK@/a.tgz', dest: '@WORK@/out7', remote_src: true, exclude: ['app/sub'] }), 'ok'],
  // a download that fails: fetch_url's words after unarchive's (a self-signed certificate; Python's `(_ssl.c:LINE)` left out)
  [ux({ src: `${server.tls}/app.tgz`, dest: '@WORK@/out7', remote_src: true }), 'failed'],
];

const tree = (run: EngineRun, dir: string): string =>
  execFileSync('find', [join(run.sandbox.dir, 'work', dir), '-printf', '%P %y %s %m\\n'], { encoding: 'utf8' }).split('\n').sort().join('\n');

describe.skipIf(!runnable)('unarchive, kplay vs ansible-playbook', () => {
  afterAll(() => server.stop());
  const run = bothEngines(steps.map(([t]) => t));

  it('every task reports what Ansible reports', () => {
    const shown = (run: EngineRun): string[] => run.results.map((r, i) => `${i} ${outcome(r)} ${r.failed ? String(r.msg) : ''}`.replace(/sandbox-\w+/g, '').replace(/ \(_ssl\.c:\d+\)/g, ''));
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it('unpacks the same trees; check mode and creates unpacked nothing', () => {
    for (const d of ['out1', 'out2', 'out3', 'out4', 'out5', 'out6', 'out7']) expect(tree(run().kplay, d)).toBe(tree(run().ansible, d));
    expect(tree(run().kplay, 'out1')).toContain('app/sub/b.txt f 5');
    expect(tree(run().kplay, 'out4').trim()).toBe('d 4096 755');
  });

  it("describes dest as Ansible's AnsibleModule does (add_path_info: owner, mode, size, state)", () => {
    const info = (r: EngineRun): unknown[] =>
      r.results.flatMap((x, i) => (steps[i]?.[0].unarchive ? [{ i, ...Object.fromEntries(['uid', 'gid', 'owner', 'group', 'mode', 'state', 'size'].map((k) => [k, x[k]])) }] : []));
    expect(info(run().kplay)).toEqual(info(run().ansible));
    expect(info(run().kplay)).toContainEqual(expect.objectContaining({ i: 8, state: 'directory', mode: '0755', owner: 'root' }));
  });

  it("lists the archive's files, names the handler and says why a dest is refused", () => {
    const k = run().kplay.results;
    const a = run().ansible.results;
    expect([...((k[12]?.files as string[]) ?? [])].sort()).toEqual([...((a[12]?.files as string[]) ?? [])].sort());
    expect(k[12]?.handler).toBe(a[12]?.handler);
    expect(k[8]?.handler).toBe(a[8]?.handler);
    expect(k[18]?.msg?.toString().replace(/sandbox-\w+/, '')).toBe(a[18]?.msg?.toString().replace(/sandbox-\w+/, ''));
    expect(k[15]?.skipped).toBe(a[15]?.skipped);
  });
});
