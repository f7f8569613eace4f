// module_defaults groups against ansible-playbook: a collection of the test's own (its meta/runtime.yml
// action_groups, one group extending another and a group of a collection that is not installed) on
// ANSIBLE_COLLECTIONS_PATH, defaults given to groups and to modules at the play and at the task; both
// engines must leave the same file modes in a directory of their own. Ansible merges every level into
// one mapping, then applies the groups holding the module (in the order written), then the module's own.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';

const KPLAY = fileURLToPath(new URL('../../bin/kplay.js', import.meta.url));
const RUNTIME = 'action_groups:\n  files:\n    - ansible.builtin.file\n    - copy\n  more:\n    - metadata:\n        extend_group: [files, kplaytest.absent.group]\n    - ansible.builtin.lineinfile\n';
const FILES = ['a', 'b', 'c', 'd', 'e'];

const play = [
  '- hosts: localhost',
  '  gather_facts: false',
  '  module_defaults:',
  "    group/kplaytest.grp.files: {mode: '0600'}",
  "    copy: {mode: '0640'}",
  '  tasks:',
  '    - file: {path: "{{ playbook_dir }}/out/a", state: touch}',
  '    - copy: {dest: "{{ playbook_dir }}/out/b", content: b}',
  '    - file: {path: "{{ playbook_dir }}/out/c", state: touch}',
  '      module_defaults:',
  "        group/kplaytest.grp.more: {mode: '0604'}",
  '    - copy: {dest: "{{ playbook_dir }}/out/d", content: d}',
  '      module_defaults:',
  "        group/kplaytest.grp.more: {mode: '0604'}",
  '    - lineinfile: {path: "{{ playbook_dir }}/out/e", line: e, create: true}',
  '      module_defaults:',
  "        group/kplaytest.grp.more: {mode: '0604'}",
].join('\n');

let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kplay-groups-'));
  mkdirSync(join(root, 'collections/ansible_collections/kplaytest/grp/meta'), { recursive: true });
  writeFileSync(join(root, 'collections/ansible_collections/kplaytest/grp/meta/runtime.yml'), RUNTIME);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

// one engine's run in a directory of its own: its exit status, output and the modes it left
function run(engine: 'kplay' | 'ansible', text: string): { status: number; output: string; modes: string[] } {
  const dir = join(root, engine);
  mkdirSync(join(dir, 'out'), { recursive: true });
  writeFileSync(join(dir, 'play.yaml'), `${text}\n`);
  const argv = ['-i', 'localhost,', '-c', 'local', join(dir, 'play.yaml')];
  const r = engine === 'kplay' ? spawnSync(process.execPath, [KPLAY, ...argv], { encoding: 'utf8', env: { ...process.env, ANSIBLE_COLLECTIONS_PATH: join(root, 'collections'), NO_COLOR: '1' } }) : spawnSync('ansible-playbook', argv, { encoding: 'utf8', env: { ...process.env, ANSIBLE_COLLECTIONS_PATH: join(root, 'collections'), ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: '0' } });
  const modes = FILES.map((f) => {
    try {
      return (statSync(join(dir, 'out', f)).mode & 0o777).toString(8);
    } catch {
      return 'missing';
    }
  });
  rmSync(dir, { recursive: true, force: true });
  return { status: r.status ?? 1, output: r.stdout + r.stderr, modes };
}

describe.skipIf(!hasAnsible)('module_defaults groups, kplay vs ansible-playbook', () => {
  it('give the same modes: groups in order, then the module\'s own, whatever level each was written at', () => {
    const k = run('kplay', play);
    const a = run('ansible', play);
    expect(k.status, k.output).toBe(0);
    expect(a.status, a.output).toBe(0);
    expect(k.modes).toEqual(a.modes);
    expect(k.modes).toEqual(['600', '640', '604', '640', '604']);
  });

  it('a group that does not resolve stops the run before any host is touched, as in Ansible', () => {
    const bad = play.replace('group/kplaytest.grp.files', 'group/kplaytest.grp.nothing');
    const k = run('kplay', bad);
    const a = run('ansible', bad);
    expect(a.status).not.toBe(0);
    expect(a.output).toContain('could not resolve the module_defaults group kplaytest.grp.nothing');
    expect(k.status).toBe(4);
    expect(k.output).toContain('Error loading module_defaults: could not resolve the module_defaults group kplaytest.grp.nothing');
    expect(k.output).toMatch(/play\.yaml:4:5/);
    expect(k.modes).toEqual(['missing', 'missing', 'missing', 'missing', 'missing']);
  });
});
