// mount against Ansible's own module (ansible.posix.mount, from Debian's `ansible` package): the same
// tasks under kplay and ansible-playbook, each in its own sandbox — a copy of /etc (so /etc/fstab is a
// copy) in a private mount namespace, where tmpfs and bind mounts come and go with the run. Mount points
// live in the run's own directory. The end state compared: fstab, a second fstab, what is mounted where.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const tmpfs = (path: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ path, src: 'tmpfs', fstype: 'tmpfs', ...extra });

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ mount: tmpfs('@WORK@/mnt/a/b', { state: 'mounted' }) }, 'changed'],
  [{ mount: tmpfs('@WORK@/mnt/a/b', { state: 'mounted' }) }, 'ok'],
  [{ mount: tmpfs('@WORK@/mnt/a/b', { state: 'mounted', opts: 'size=1m' }) }, 'changed'],
  [{ mount: tmpfs('@WORK@/mnt/a/b', { state: 'mounted', opts: 'size=1m' }) }, 'ok'],
  [{ mount: tmpfs('@WORK@/mnt/c', { state: 'mounted' }), check_mode: true }, 'changed'],
  [{ 'ansible.posix.mount': { path: '@WORK@/mnt/p', src: '/dev/kplay-none', fstype: 'ext4', state: 'present', dump: '1', passno: '2' } }, 'changed'],
  [{ mount: { path: '@WORK@/mnt/p', src: '/dev/kplay-none', fstype: 'ext4', state: 'present', dump: '1', passno: '2' } }, 'ok'],
  [{ mount: { path: '@WORK@/mnt/a/b', state: 'unmounted' } }, 'changed'],
  [{ mount: { path: '@WORK@/mnt/a/b', state: 'unmounted' } }, 'ok'],
  [{ mount: tmpfs('@WORK@/mnt/a/b', { state: 'mounted', opts: 'size=1m' }) }, 'changed'],
  [{ mount: { path: '@WORK@/mnt/a/b', state: 'remounted' } }, 'changed'],
  [{ mount: { path: '@WORK@/mnt/p', state: 'absent' } }, 'changed'],
  [{ mount: { path: '@WORK@/mnt/p', state: 'absent' } }, 'ok'],
  [{ mount: { path: '@WORK@/srcdir', state: 'mounted', src: '/dev/kplay-missing', fstype: 'ext4' } }, 'failed'],
  [{ mount: { path: '@WORK@/mnt/bad/x', state: 'mounted', src: '/dev/kplay-missing', fstype: 'ext4' } }, 'failed'],
  [{ mount: { path: '@WORK@/mnt/bind', state: 'mounted', src: '@WORK@/srcdir', fstype: 'none', opts: 'bind' } }, 'changed'],
  [{ mount: { path: '@WORK@/mnt/bind', state: 'mounted', src: '@WORK@/srcdir', fstype: 'none', opts: 'bind' } }, 'ok'],
  [{ mount: tmpfs('@WORK@/mnt/e', { state: 'ephemeral', opts: 'size=2m' }) }, 'changed'],
  [{ mount: tmpfs('@WORK@/mnt/e', { state: 'ephemeral', opts: 'size=3m' }) }, 'changed'],
  [{ mount: { path: '@WORK@/mnt/e', state: 'ephemeral', src: '@WORK@/srcdir', fstype: 'none', opts: 'bind' } }, 'failed'],
  [{ mount: tmpfs('@WORK@/mnt/noboot', { state: 'present', boot: false, opts: 'size=1m' }) }, 'changed'],
  [{ mount: tmpfs('@WORK@/mnt/noboot2', { state: 'present', boot: 'no' }) }, 'changed'],
  [{ mount: { path: '@WORK@/mnt/f', src: 'tmpfs', state: 'mounted' } }, 'failed'],
  [{ mount: tmpfs('@WORK@/mnt/with space', { state: 'present', opts: 'size=1m,mode=0700' }) }, 'changed'],
  [{ mount: tmpfs('@WORK@/mnt/with space', { state: 'present', opts: 'size=1m,mode=0700' }) }, 'ok'],
  [{ mount: tmpfs('@WORK@/mnt/t', { state: 'mounted', fstab: '@WORK@/tab/d/fstab' }) }, 'changed'],
  [{ mount: tmpfs('@WORK@/mnt/t', { state: 'mounted', fstab: '@WORK@/tab/d/fstab' }) }, 'ok'],
  [{ mount: tmpfs('@WORK@/mnt/t', { state: 'present', fstab: '@WORK@/tab/d/fstab', opts: 'size=4m', backup: true }) }, 'changed'],
  [{ mount: { path: '@WORK@/mnt/a/b', state: 'absent' } }, 'changed'],
  [{ mount: { path: '@WORK@/mnt/t', state: 'absent_from_fstab', fstab: '@WORK@/tab/d/fstab' } }, 'changed'],
  [{ mount: { path: '/kplay-never', state: 'unmounted' } }, 'ok'],
  // the end state as the run's own processes see it (the mounts die with the sandbox's namespace)
  [{ shell: "grep -F ' @WORK@' /proc/self/mountinfo | awk '{print $5, $(NF-2)}' | sort; find @WORK@/mnt @WORK@/tab | sort" }, 'changed'],
];

describe.skipIf(!hasAnsible || !canSandbox() || spawnSync('ansible-doc', ['-t', 'module', 'ansible.posix.mount']).status !== 0)('mount, kplay vs ansible-playbook (ansible.posix.mount)', () => {
  const run = bothEngines(
    steps.map(([t]) => t),
    { 'srcdir/marker': 'bound\n' },
  );
  const work = (r: EngineRun): string => join(r.sandbox.dir, 'work');
  // the two runs' directories and backup names differ: one name for each
  const norm = (r: EngineRun, v: unknown): unknown => JSON.parse(JSON.stringify(v).split(work(r)).join('@WORK@').replace(/\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~/g, '.BACKUP~'));
  const file = (r: EngineRun, p: string): string | undefined => {
    const at = p.startsWith('@WORK@') ? p.replace('@WORK@', work(r)) : r.sandbox.path(p);
    return existsSync(at) ? String(norm(r, readFileSync(at, 'utf8'))) : undefined;
  };

  it('every task reports what Ansible reports', () => {
    expect(run().kplay.results.map(outcome)).toEqual(run().ansible.results.map(outcome));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it('the same messages and result keys', () => {
    const shown = (r: EngineRun): unknown[] =>
      r.results.slice(0, -1).map((x) => {
        // Ansible's own additions (interpreter discovery, failed: false) and kplay's diff aside
        const { backup_file, diff, ansible_facts, failed, ...rest } = norm(r, x) as Record<string, unknown>;
        return { ...rest, failed: failed === true, backup: typeof backup_file === 'string' && backup_file !== '' };
      });
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    for (const w of ["Ignore the 'boot' due to 'opts' contains 'defaults'."]) {
      expect(run().ansible.output).toContain(w);
      expect(run().kplay.output).toContain(w);
    }
  });

  it('the same fstab lines, the same mounts and mount points', () => {
    for (const p of ['/etc/fstab', '@WORK@/tab/d/fstab']) expect(file(run().kplay, p)).toBe(file(run().ansible, p));
    const fstab = file(run().kplay, '/etc/fstab') ?? '';
    expect(fstab).toContain('tmpfs @WORK@/mnt/with\\040space tmpfs size=1m,mode=0700 0 0\n');
    expect(fstab).toContain('tmpfs @WORK@/mnt/noboot tmpfs size=1m,noauto 0 0\n');
    expect(fstab).not.toContain('@WORK@/mnt/p ');
    const end = (r: EngineRun): unknown => norm(r, r.results.at(-1)?.stdout);
    expect(end(run().kplay)).toEqual(end(run().ansible));
    expect(end(run().kplay)).toContain('@WORK@/mnt/bind');
    expect(end(run().kplay)).not.toContain('@WORK@/mnt/bad');
  });
});
