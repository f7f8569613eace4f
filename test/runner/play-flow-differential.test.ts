// How a play flows over its hosts, against ansible-playbook's own output: meta tasks (end_host, end_play,
// end_batch, clear_host_errors, clear_facts: which host's condition counts, what they end, their banners),
// serial batches (a banner each; a host failed in an earlier play keeps its place), the play's host lists
// (ansible_play_hosts_all, ansible_play_hosts, ansible_play_batch), a free play's banners, ansible_failed_task,
// a batch that failed whole ending the run, vars_files read for each host and --start-at-task. Both engines run
// each playbook on four local hosts; the output is compared from the first play to the recap, with the
// results inside one banner compared as a set (hosts finish a task in no fixed order, in either engine).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';

const KPLAY = fileURLToPath(new URL('../../bin/kplay.js', import.meta.url));
const INV = '[web]\nw1\nw2\nw3\n[db]\nd1\n[all:vars]\nansible_connection=local\nansible_python_interpreter=/usr/bin/python3\n';

const work = mkdtempSync(join(tmpdir(), 'kplay-flow-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const play = (hosts: string, tasks: string, extra = ''): string => `- hosts: ${hosts}\n  gather_facts: false\n${extra}  tasks:\n${tasks}`;
const fails = (host: string): string => `    - assert: {that: "inventory_hostname != '${host}'"}\n`;

interface Row {
  play: string;
  args?: string[];
  /** Files next to the playbook (its vars files). */
  files?: Record<string, string>;
}

const PLAYS: Record<string, string | Row> = {
  'end_host ends the host in its play, not in the later ones; a meta task has its banner for each host':
    play('web', "    - meta: end_host\n      when: inventory_hostname == 'w2'\n    - debug: msg=after\n") + play('web', '    - debug: msg=play-2\n'),
  "end_play follows the first host's condition alone, and ends the play's later batches too":
    play('web', "    - meta: end_play\n      when: inventory_hostname == 'w2'\n    - debug: msg=on\n") +
    play('web', "    - debug: msg=first\n    - meta: end_play\n      when: inventory_hostname == 'w1'\n    - debug: msg=never\n", '  serial: 1\n') +
    play('web', '    - debug: msg=next-play\n'),
  'end_batch ends its batch; the next batch runs':
    play('web', "    - meta: end_batch\n      when: inventory_hostname in ['w1', 'w3']\n    - debug: msg=rest-of-batch\n", '  serial: [1, 2]\n'),
  'clear_host_errors brings the failed hosts back in the next play (not this one); clear_facts with the first host\'s condition':
    play('web', `${fails('w2')}    - meta: clear_host_errors\n    - debug: msg=after-clear\n`) +
    play('web', "    - set_fact: {f: 1}\n    - meta: clear_facts\n      when: inventory_hostname == 'w2'\n    - debug: msg=\"{{ f is defined }}\"\n    - meta: clear_facts\n    - debug: msg=\"{{ f is defined }}\"\n"),
  "serial batches: the play's banner for each; a host that failed in an earlier play keeps its place (an empty batch)":
    play('web', fails('w2')) + play('web', '    - debug: msg="{{ ansible_play_batch }}"\n', '  serial: 1\n') + play('all', '    - debug: msg="{{ ansible_play_batch }}"\n', '  serial: 2\n'),
  "the play's host lists: all in the pattern's order, those still in the play, the batch in the play's order":
    play('web', fails('w2')) +
    play('web:db', `${fails('d1')}    - debug: msg="{{ ansible_play_hosts_all }} {{ ansible_play_hosts }} {{ ansible_play_batch }} {{ play_hosts }}"\n`, '  order: reverse_inventory\n'),
  // (one task a play: which host reaches which task first is not fixed in a free play, in either engine)
  "a free-strategy play's task banner is shown with its first result, once while its results follow": play('web', '    - debug: msg=free\n', '  strategy: free\n') + play('all', "    - fail: msg=x\n      when: inventory_hostname == 'd1'\n      ignore_errors: true\n", '  strategy: free\n'),
  'ansible_failed_task names an unnamed task by its empty name':
    play('web', '    - block:\n        - assert: {that: false}\n      rescue:\n        - debug: msg="[{{ ansible_failed_task.name }}] {{ ansible_failed_task.action }}"\n    - block:\n        - name: named {{ inventory_hostname }}\n          assert: {that: false}\n      rescue:\n        - debug: msg="[{{ ansible_failed_task.name }}]"\n'),
  // a batch whose every host failed in it ends the run (the later batches and plays too), as Ansible's
  // playbook executor ends it; a batch with a survivor does not
  'a serial batch that failed whole ends the run; one with a host left goes on':
    play('web', fails('w1') + '    - debug: msg=next\n', '  serial: 1\n') + play('all', '    - debug: msg=never\n'),
  'a play whose hosts all failed ends the run; a later play does not start': play('web', '    - fail: msg=x\n') + play('db', '    - debug: msg=never\n'),
  'a batch with a survivor goes on': play('all', fails('w1') + '    - debug: msg=next\n', '  serial: 2\n') + play('all', '    - debug: msg=last\n'),
  // vars_files: each name templated for each host (its inventory name, its facts once gathered: skipped
  // before), a list's first file found; an unnamed play's ansible_play_name is its pattern
  "vars_files templated for each host, a list's first file found; ansible_play_name of an unnamed play": {
    play: '- hosts: web\n  vars_files:\n    - [missing.yaml, "{{ inventory_hostname }}.yaml", common.yaml]\n    - "os-{{ ansible_system }}.yaml"\n  tasks:\n    - debug: msg="{{ who }} {{ os }} {{ ansible_play_name }}"\n',
    files: { 'vars/w1.yaml': 'who: first\n', 'common.yaml': 'who: everyone\n', 'vars/os-Linux.yaml': 'os: linux\n' },
  },
  '--start-at-task: an unnamed task by its action; a name no task has is an error after the recap, exit 0': {
    play: play('web', '    - debug: msg=one\n    - name: second\n      debug: msg=two\n    - debug: msg=three\n'),
    args: ['--start-at-task', 'sec*'],
  },
  '--start-at-task naming no task': { play: play('web', '    - debug: msg=one\n'), args: ['--start-at-task', 'nothing'] },
};

// the output from the first play to the end of the recap; inside each banner, each host's result (its
// lines, and an ...ignoring after it) sorted
function normalized(out: string): string {
  const from = out.indexOf('PLAY [');
  const recap = out.indexOf('PLAY RECAP');
  const body = out
    .slice(from, out.indexOf('\n\n', recap) + 1)
    .replace(/"(delta|end|start)": "[^"]*"/g, '"$1": "-"')
    .replace(/\n\n+/g, '\n');
  const sections: string[] = [];
  for (const section of body.split(/\n(?=PLAY \[|TASK \[|RUNNING HANDLER \[|PLAY RECAP)/)) {
    const [banner = '', ...rest] = section.split('\n');
    const results: string[] = [];
    for (const line of rest) {
      if (/^(ok|changed|skipping|fatal|failed|included): /.test(line) || results.length === 0) results.push(line);
      else results[results.length - 1] += `\n${line}`;
    }
    sections.push([banner, ...results.sort()].join('\n'));
  }
  return sections.join('\n');
}

function run(engine: 'kplay' | 'ansible', row: Row): { out: string; err: string; rc: number | null } {
  writeFileSync(join(work, 'inv.ini'), INV);
  for (const [name, text] of Object.entries(row.files ?? {})) {
    mkdirSync(dirname(join(work, name)), { recursive: true });
    writeFileSync(join(work, name), text);
  }
  const file = join(work, `${engine}.yml`);
  writeFileSync(file, row.play);
  const argv = ['-i', join(work, 'inv.ini'), file, ...(row.args ?? [])];
  const r =
    engine === 'kplay'
      ? spawnSync(process.execPath, [KPLAY, ...argv], { cwd: work, encoding: 'utf8', env: { ...process.env, KPLAY_NO_LIVE: '1' } })
      : spawnSync('ansible-playbook', argv, { cwd: work, encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' } });
  return { out: normalized(r.stdout), err: r.stderr, rc: r.status };
}

describe.skipIf(!hasAnsible)("a play's flow over its hosts is ansible-playbook's", () => {
  it.each(Object.keys(PLAYS))('%s', (name) => {
    const given = PLAYS[name] as string | Row;
    const row = typeof given === 'string' ? { play: given } : given;
    const k = run('kplay', row);
    const a = run('ansible', row);
    expect(k.out).toBe(a.out);
    expect(k.rc).toBe(a.rc);
    // (what both print on stderr: Ansible's [ERROR] after the recap)
    expect(k.err.split('\n').filter((l) => /ERROR/.test(l))).toEqual(a.err.split('\n').filter((l) => /ERROR/.test(l)));
  });
});
