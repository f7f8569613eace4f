// What a user reads, against ansible-playbook's own output: small playbooks run by both engines on
// the local connection, without and with -v, compared line by line from the first task to the recap
// (timestamps, durations and Ansible's discovered interpreter taken out). Covers the lines for
// skipped tasks and loop items, debug and assert results, registered keys, meta tasks and the recap.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';

const KPLAY = fileURLToPath(new URL('../../bin/kplay.js', import.meta.url));
const head = '- hosts: all\n  gather_facts: false\n  tasks:\n';

const PLAYS: Record<string, string> = {
  'skipped loops':
    head +
    '    - command: echo {{ item }}\n      loop: [1, 2]\n      when: item == 3\n      register: r\n    - debug: msg="{{ r.msg }} {{ r.skipped }}"\n' +
    '    - command: echo {{ item }}\n      loop: [1, 2]\n      when: item == 2\n    - command: echo {{ item }}\n      loop: []\n    - command: "true"\n      when: false\n' +
    '    - debug: msg=x\n      when: false\n    - debug: var=item\n      loop: [1, 2]\n      when: item == 5\n',
  'debug and assert':
    head +
    '    - debug: msg=hi\n    - debug: var=item\n      loop: [1]\n    - assert: {that: true}\n    - assert: {that: true, quiet: true}\n    - assert: {that: false}\n      ignore_errors: true\n' +
    '    - assert: {that: "{{ item }}"}\n      loop: [true]\n    - command: echo {{ item }}\n      loop: [a]\n      loop_control: {index_var: i}\n      register: r\n    - debug: var=r.results[0].ansible_index_var\n',
  'registered keys':
    head +
    '    - command: "true"\n      register: a\n    - command: "true"\n      register: b\n      when: false\n    - command: echo {{ item }}\n      loop: [1]\n      register: c\n' +
    '    - command: "false"\n      register: d\n      failed_when: false\n    - set_fact: {x: 1}\n      register: f\n    - debug: msg=hi\n      register: g\n    - command: "true"\n      register: i\n      check_mode: true\n' +
    '    - assert: {that: true}\n      register: j\n    - debug:\n        msg: "{{ [a, b, c.results[0], d, f, g, i, j] | map(\'dict2items\') | map(\'map\', attribute=\'key\') | map(\'sort\') | map(\'join\', \',\') | list }}"\n',
  'meta tasks': head + '    - debug: msg=x\n    - meta: noop\n    - meta: reset_connection\n      when: false\n    - meta: end_host\n      when: false\n    - meta: flush_handlers\n    - meta: clear_host_errors\n' +
    '    - meta: clear_facts\n      when: false\n    - meta: flush_handlers\n      when: false\n    - meta: end_play\n      when: false\n    - debug: msg=after\n',
};

// changed_when, failed_when and until see the result's facts: set_fact's as variables, another module's by
// its names (under ansible_facts only as ansible_facts.ansible_facts, as Ansible 2.14 merges them)
PLAYS['result facts'] =
  head +
  '    - set_fact: {n: "{{ (n | default(0) | int) + 1 }}"}\n      until: n | int >= 2\n      retries: 2\n      delay: 0\n      ignore_errors: true\n' +
  '    - set_fact: {m: 5}\n      changed_when: m == 5\n      failed_when: m != 5\n' +
  '    - getent: {database: passwd, key: root}\n      changed_when: getent_passwd.root[0] == "x" and ansible_facts.getent_passwd is not defined\n';

// pause prints its own lines when it waits seconds (a prompt given with them is only shown)
PLAYS['timed pause'] = head + '    - pause: {seconds: 1}\n    - name: wait a bit\n      pause: {seconds: 1, prompt: look at this, echo: false}\n    - pause: {minutes: 0}\n';

// a host nothing was counted for has no recap line
PLAYS['only meta tasks'] = head + '    - meta: noop\n    - meta: flush_handlers\n';

const work = mkdtempSync(join(tmpdir(), 'kplay-console-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// the task lines and the recap, with what differs from run to run (or is Python's own) taken out
function lines(out: string): string {
  const from = out.indexOf('\nTASK [');
  const to = out.indexOf('\n', out.indexOf('PLAY RECAP') + 1);
  return out
    .slice(from, out.indexOf('\n', to + 1))
    .replace(/"(delta|end|start|stop)": "[^"]*"/g, '"$1": "-"')
    .replace(/Paused for [\d.]+/g, 'Paused for -')
    .replace(/"ansible_facts": \{"discovered_interpreter_python": "[^"]*"\}, /g, '')
    .replace(/"discovered_interpreter_python": "[^"]*",?\s*/g, '')
    .replace(/ansible_facts,/g, '')
    // Ansible registers the arguments of a Python module's loop items (invocation), kplay's native modules have none
    .replace(/invocation,/g, '');
}

function run(engine: 'kplay' | 'ansible', play: string, verbose: boolean): string {
  const file = join(work, `${engine}.yml`);
  writeFileSync(file, play);
  const argv = ['-i', 'n1,', '-c', 'local', ...(verbose ? ['-v'] : []), file];
  const r = engine === 'kplay' ? spawnSync(process.execPath, [KPLAY, ...argv], { encoding: 'utf8', env: { ...process.env, KPLAY_NO_LIVE: '1' } }) : spawnSync('ansible-playbook', argv, { encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' } });
  return lines(r.stdout);
}

describe.skipIf(!hasAnsible)('console output is ansible-playbook\'s', () => {
  it.each(Object.keys(PLAYS).flatMap((name) => [[name, false] as const, [name, true] as const]))('%s (-v: %s)', (name, verbose) => {
    const play = PLAYS[name] as string;
    expect(run('kplay', play, verbose)).toBe(run('ansible', play, verbose));
  });
});
