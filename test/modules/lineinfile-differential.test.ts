// lineinfile against Ansible's own module: the same tasks under kplay and ansible-playbook (with --diff),
// each in its own sandboxed /etc. Compared: each task's outcome, message, `found` and whether a backup was
// named, its diff (content, file attributes) and the lines --diff prints, the files' text and mode. (Content rules are also compared case by case in text-edits.test.ts.)
import { describe, expect, it } from 'vitest';
import { bothEngines, expectAnsibleDiffs, outcome, sandboxMode, sandboxText, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const F = '/etc/kplay-lines';
const NEW = '/etc/kplay-lines.d/new.conf';
const line = (args: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ lineinfile: { path: F, ...args }, ...extra });

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ copy: { dest: F, content: '127.0.0.1 localhost\n10.0.0.1 old-master\n', mode: '0644' } }, 'changed'],
  [line({ line: '10.0.0.100 k8s-api' }), 'changed'],
  [line({ line: '10.0.0.100 k8s-api' }), 'ok'],
  [line({ regexp: 'old-master$', line: '10.0.0.2 new-master', backup: true }), 'changed'],
  [line({ line: '10.0.0.100 k8s-api', mode: '0600' }), 'changed'],
  [line({ regexp: '', line: 'last' }, { check_mode: true }), 'changed'],
  [line({ line: 'never', validate: '/bin/false %s' }), 'failed'],
  [line({ state: 'absent', regexp: '^10\\.' }), 'changed'],
  [line({ state: 'absent', search_string: 'nothing' }), 'ok'],
  [line({ regexp: 'x' }), 'failed'],
  [line({ line: 'x', backrefs: true }), 'failed'],
  [line({ state: 'absent' }), 'failed'],
  [{ lineinfile: { path: '/etc/kplay-missing', state: 'absent', line: 'x' } }, 'ok'],
  [{ lineinfile: { path: '/etc/kplay-missing', line: 'x' } }, 'failed'],
  [{ lineinfile: { path: '/etc', line: 'x' } }, 'failed'],
  [{ lineinfile: { path: NEW, line: 'x = 1', create: true } }, 'changed'],
  [{ lineinfile: { path: NEW, line: 'x = 1', create: true } }, 'ok'],
  [{ lineinfile: { path: NEW, line: 'x = 1', mode: '+x' } }, 'changed'],
  [{ lineinfile: { path: NEW, line: 'x = 1', mode: '+x' } }, 'ok'],
  // a file made now: its attributes compared with what it was made with (the umask's mode, the user's owner)
  [{ lineinfile: { path: `${NEW}.2`, line: 'y', create: true, mode: '0600' } }, 'changed'],
  [{ lineinfile: { path: `${NEW}.3`, line: 'y', create: true, mode: '0644', owner: 'nobody' } }, 'changed'],
  [{ lineinfile: { path: `${NEW}.4`, line: 'y', create: true, mode: '0600' }, check_mode: true }, 'changed'],
  [{ lineinfile: { path: `${NEW}.3`, line: 'y', group: 'adm' } }, 'changed'],
];

const text = sandboxText;
const mode = sandboxMode;
// what a result says, the backup file's name reduced to whether there is one
const said = (r: Record<string, unknown>): unknown => ({ msg: r.msg, found: r.found, backup: typeof r.backup === 'string' ? r.backup !== '' : r.backup });

describe.skipIf(!hasAnsible || !canSandbox())('lineinfile, kplay vs ansible-playbook', () => {
  const run = bothEngines(steps.map(([t]) => t), {}, ['--diff']);

  it('every task reports what Ansible reports: outcome, message, found, backup', () => {
    expect(run().kplay.results.map(outcome)).toEqual(run().ansible.results.map(outcome));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
    expect(run().kplay.results.slice(1).map(said)).toEqual(run().ansible.results.slice(1).map(said));
  });

  it("registers Ansible's diff, the content's and the file attributes', and prints the same lines", () => {
    const k = expectAnsibleDiffs(run().kplay, run().ansible, steps.map(([t]) => t));
    expect(JSON.stringify(k)).toContain('"before":{"mode":"0644"},"after":{"mode":"0600"}');
  });

  it('leaves the same files and modes', () => {
    for (const p of [F, NEW]) expect(text(run().kplay, p)).toBe(text(run().ansible, p));
    expect(mode(run().kplay, F)).toBe(mode(run().ansible, F));
    expect(text(run().kplay, F)).toBe('127.0.0.1 localhost\n');
  });

  it('warns as Ansible does of an empty regexp', () => {
    const warning = 'The regular expression is an empty string, which will match every line in the file.';
    expect(run().ansible.output.replace(/\s+/g, ' ')).toContain(warning);
    expect(run().kplay.output.replace(/\s+/g, ' ')).toContain(warning);
  });
});
