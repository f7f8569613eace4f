// blockinfile against Ansible's own module: the same tasks under kplay and ansible-playbook (with --diff),
// each in its own sandboxed /etc. Compared: each task's outcome and message, its diff (content, file
// attributes) and the lines --diff prints, the files' text and mode, and that a backup was made where one
// was asked for.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bothEngines, expectAnsibleDiffs, outcome, sandboxMode, sandboxText, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const HOSTS = '/etc/kplay-hosts';
const NEW = '/etc/kplay-new/cluster.conf';
const block = (args: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ blockinfile: { path: HOSTS, ...args }, ...extra });

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ copy: { dest: HOSTS, content: '127.0.0.1 localhost\n10.0.0.1 old-master\n', mode: '0644' } }, 'changed'],
  [block({ block: '10.0.0.100 k8s-api\n10.0.0.11 m1' }), 'changed'],
  [block({ block: '10.0.0.100 k8s-api\n10.0.0.11 m1' }), 'ok'],
  [block({ block: '10.0.0.100 k8s-api\n10.0.0.11 m1', mode: '0600' }), 'changed'],
  [block({ block: 'top', marker: '## {mark} kplay ##', marker_begin: 'START', marker_end: 'STOP', insertbefore: 'BOF', mode: '0640' }), 'changed'],
  [block({ block: 'after', marker: '# {mark} second', insertafter: '^127\\.' }), 'changed'],
  [block({ state: 'absent' }), 'changed'],
  [block({ block: 'x' }, { check_mode: true }), 'changed'],
  [block({ block: 'checked', validate: '/bin/false %s' }), 'failed'],
  [block({ block: 'kept', validate: 'grep -q kept %s', backup: true }), 'changed'],
  [{ blockinfile: { path: '/etc/kplay-missing.conf', state: 'absent' } }, 'failed'],
  [{ blockinfile: { path: '/etc/kplay-missing.conf', state: 'absent', create: true } }, 'ok'],
  [{ blockinfile: { path: '/etc/kplay-missing.conf', block: 'x' } }, 'failed'],
  [{ blockinfile: { path: '/etc', block: 'x' } }, 'failed'],
  [{ blockinfile: { path: NEW, block: 'x = 1', create: true } }, 'changed'],
  [{ blockinfile: { path: NEW, block: 'x = 1', create: true } }, 'ok'],
  // a file made now: its attributes compared with what it was made with (the umask's mode, the user's owner)
  [{ blockinfile: { path: `${NEW}.2`, block: 'y', create: true, mode: '0600' } }, 'changed'],
  [{ blockinfile: { path: `${NEW}.3`, block: 'y', create: true, owner: 'nobody' } }, 'changed'],
  [{ blockinfile: { path: `${NEW}.4`, block: 'y', create: true, mode: '0600' }, check_mode: true }, 'changed'],
  [{ blockinfile: { path: `${NEW}.3`, block: 'y', mode: 'go-r' } }, 'changed'],
];

const text = sandboxText;
const mode = sandboxMode;
const backups = (run: EngineRun): number => readdirSync(run.sandbox.path('/etc')).filter((f) => f.startsWith('kplay-hosts.') && f.endsWith('~')).length;

describe.skipIf(!hasAnsible || !canSandbox())('blockinfile, kplay vs ansible-playbook', () => {
  const run = bothEngines(steps.map(([t]) => t), {}, ['--diff']);

  it('every task reports what Ansible reports, with its message', () => {
    expect(run().kplay.results.map(outcome)).toEqual(run().ansible.results.map(outcome));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
    const msgs = (r: EngineRun): unknown[] => r.results.slice(1).map((x) => x.msg);
    expect(msgs(run().kplay)).toEqual(msgs(run().ansible));
  });

  it("registers Ansible's diff, the content's and the file attributes', and prints the same lines", () => {
    const k = expectAnsibleDiffs(run().kplay, run().ansible, steps.map(([t]) => t));
    expect(JSON.stringify(k)).toContain('"before":{"owner":0},"after":{"owner":65534}');
  });

  it('leaves the same files, modes and backups', () => {
    for (const p of [HOSTS, NEW]) expect(text(run().kplay, p)).toBe(text(run().ansible, p));
    expect(mode(run().kplay, HOSTS)).toBe(mode(run().ansible, HOSTS));
    expect(mode(run().kplay, HOSTS)).toBe('640');
    expect(text(run().kplay, HOSTS)).toBe('## START kplay ##\ntop\n## STOP kplay ##\n127.0.0.1 localhost\n# BEGIN second\nafter\n# END second\n10.0.0.1 old-master\n# BEGIN ANSIBLE MANAGED BLOCK\nkept\n# END ANSIBLE MANAGED BLOCK\n');
    expect(backups(run().kplay)).toBe(1);
    expect(backups(run().ansible)).toBe(1);
  });
});
