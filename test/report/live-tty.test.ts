// The live view as a person sees it: kplay in a real pseudo-terminal (tmux) of a fixed size, the
// screen sampled while it runs, then the final screen and the whole scrollback read back.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openTerminal, tmuxAvailable, type Terminal } from '../support/tmux.js';
import { writeTree } from '../support/tree.js';
import { sleep } from '../support/until.js';

const bin = fileURLToPath(new URL('../../bin/kplay.js', import.meta.url));
const ROW = /^[✓✗›] (TASK|HANDLER) \[/;

function playbook(tasks: number, failAt?: number): string {
  const lines = ['- hosts: all', '  gather_facts: false', '  tasks:'];
  for (let i = 0; i < tasks; i++) {
    if (i === failAt) lines.push('    - name: boom on h3', '      fail: msg=boom', "      when: inventory_hostname == 'h3'");
    lines.push(`    - name: step ${i} runs a short command on every host of the lab`, '      command: sleep 0.05', '      changed_when: false');
  }
  return lines.join('\n') + '\n';
}

const hosts = '[web]\nh[1:5] ansible_connection=local\n';
let term: Terminal | undefined;
afterEach(() => term?.kill());

// waits (up to 10 s) until the screen shows `text`
async function shows(t: Terminal, text: string): Promise<void> {
  for (let i = 0; i < 100 && !t.screen().join('\n').includes(text); i++) await sleep(100);
}

// Samples the screen until the command ends; every sample must hold one frame, within the screen.
async function watch(t: Terminal, rows: number, cols: number): Promise<{ rc: number; samples: number }> {
  let samples = 0;
  const done = t.exited(120_000);
  let finished = false;
  void done.then(() => (finished = true), () => (finished = true));
  while (!finished) {
    const screen = t.screen();
    expect(screen.length).toBeLessThanOrEqual(rows);
    const frameRows = screen.filter((l) => ROW.test(l));
    expect(frameRows.length).toBeLessThan(rows);
    const names = frameRows.map((l) => l.slice(2, 60));
    expect(new Set(names).size, `a task row twice on one screen:\n${screen.join('\n')}`).toBe(names.length);
    for (const l of screen) expect(Array.from(l).length).toBeLessThanOrEqual(cols);
    samples += 1;
    await sleep(150);
  }
  return { rc: await done, samples };
}

// Every task row in the scrollback and on screen appears once: no stale frames were left behind.
function rowsOnce(t: Terminal, cols: number): string[] {
  const all = t.history().filter((l) => ROW.test(l));
  const names = all.map((l) => l.slice(2, 60));
  expect(new Set(names).size, `a task row left twice in the scrollback`).toBe(names.length);
  for (const l of all) expect(Array.from(l).length, `a wrapped row: ${l}`).toBeLessThan(cols);
  return all;
}

describe.skipIf(!tmuxAvailable())('live view in a real terminal (tmux, 100x20)', () => {
  it('60 tasks x 5 hosts: one bounded frame at a time, every row once, the recap below, exit 0', async () => {
    const root = writeTree({ hosts, 'p.yaml': playbook(60) });
    term = openTerminal([process.execPath, bin, '-i', 'hosts', 'p.yaml'], { cols: 100, rows: 20, cwd: root, env: { HOME: root } });
    const { rc, samples } = await watch(term, 20, 100);
    expect(rc).toBe(0);
    expect(samples).toBeGreaterThan(3);
    rowsOnce(term, 100);
    const history = term.history().join('\n');
    expect(history).toContain('PLAY RECAP');
    expect(history).toMatch(/h5\s+: ok=60\s+changed=0/);
    expect(history).toContain('Slowest tasks:');
    expect(history).not.toContain('ok: [h1]'); // per-host lines belong to the plain output
    const screen = term.screen().join('\n');
    expect(screen).toContain('PLAY RECAP');
    expect(history.match(/PLAY \[all\]/g)?.length).toBe(1);
  });

  it('a failing host: its failure with the task banner once below the frame, recap, exit 2', async () => {
    const root = writeTree({ hosts, 'p.yaml': playbook(60, 30) });
    term = openTerminal([process.execPath, bin, '-i', 'hosts', 'p.yaml'], { cols: 100, rows: 20, cwd: root, env: { HOME: root } });
    const { rc } = await watch(term, 20, 100);
    expect(rc).toBe(2);
    rowsOnce(term, 100);
    const history = term.history().join('\n');
    // the final frame's header counts the play's hosts: 5 x 60 steps ok, h3 failed once and stopped
    expect(history).toMatch(/^PLAY \[all\] +[\d.]+s +ok=270 changed=0 failed=1 skipped=4 unreachable=0 *$/m);
    expect(history.match(/fatal: \[h3\]: FAILED! => \{"changed": false, "msg": "boom"\}/g)?.length).toBe(1);
    expect(history).toMatch(/\nTASK \[boom on h3\] \*+\nfatal: \[h3\]/);
    expect(history).toMatch(/h3\s+: ok=30\s+changed=0\s+unreachable=0\s+failed=1/);
    expect(history).toMatch(/h1\s+: ok=60\s/);
  });

  it('follows a resize: the frame shrinks with the terminal and nothing is left above it', async () => {
    const root = writeTree({ hosts, 'p.yaml': playbook(60) });
    term = openTerminal([process.execPath, bin, '-i', 'hosts', 'p.yaml'], { cols: 100, rows: 20, cwd: root, env: { HOME: root } });
    await sleep(1500);
    term.resize(70, 10);
    const { rc } = await watch(term, 10, 70);
    expect(rc).toBe(0);
    expect(term.history().join('\n')).toContain('PLAY RECAP');
  });

  it('a prompt (a confirmation) waits for the typed answer with the plan above it, then the view goes on', async () => {
    const play = [
      '- hosts: all',
      '  gather_facts: false',
      '  tasks:',
      '    - name: the plan',
      '      debug: {msg: [h1 drained, h1 reset]}',
      '      run_once: true',
      '    - name: confirmation on the terminal',
      '      pause: {prompt: Type the node names (h1) to go on}',
      '      register: answer',
      '      run_once: true',
      '    - name: confirmed',
      '      assert: {that: ["answer.user_input == \'h1\'"]}',
      '      run_once: true',
      '',
    ].join('\n');
    const root = writeTree({ hosts, 'p.yaml': play });
    term = openTerminal([process.execPath, bin, '-i', 'hosts', 'p.yaml'], { cols: 100, rows: 20, cwd: root, env: { HOME: root } });
    await shows(term, 'to go on:');
    const asking = term.screen().join('\n');
    // under the task's name, as Ansible's pause asks
    expect(asking).toMatch(/\[confirmation on the terminal\]\nType the node names \(h1\) to go on:/);
    expect(asking).toContain('"h1 drained"');
    await sleep(1500); // the view must not draw over the prompt meanwhile
    expect(term.screen().join('\n')).toBe(asking);
    term.type('h1');
    expect(await term.exited(30_000)).toBe(0);
    const history = term.history().join('\n');
    expect(history).toMatch(/Type the node names \(h1\) to go on: h1\n/);
    expect(history).toMatch(/h1\s+: ok=3\s+changed=0/);
  });
  it("a timed pause shows Ansible's lines; Ctrl+C then C ends it early, Ctrl+C then A aborts the task", async () => {
    const play = [
      '- hosts: all',
      '  gather_facts: false',
      '  tasks:',
      '    - name: let it settle',
      '      pause: {seconds: 60, prompt: Watch the nodes}',
      '      register: early',
      '      run_once: true',
      '    - name: waited briefly',
      '      assert: {that: ["early.delta < 30", "early.user_input == \'\'"]}',
      '      run_once: true',
      '    - name: second wait',
      '      pause: {minutes: 1}',
      '      run_once: true',
      '    - debug: {msg: never}',
      '      run_once: true',
      '',
    ].join('\n');
    const root = writeTree({ hosts, 'p.yaml': play });
    term = openTerminal([process.execPath, bin, '-i', 'hosts', 'p.yaml'], { cols: 100, rows: 20, cwd: root, env: { HOME: root } });
    await shows(term, 'Watch the nodes:');
    const waiting = term.screen().join('\n');
    expect(waiting).toMatch(/Pausing for 60 seconds\n\(ctrl\+C then 'C' = continue early, ctrl\+C then 'A' = abort\)\n\[let it settle\]\nWatch the nodes:/);
    term.key('x'); // a key other than Ctrl+C changes nothing
    term.key('C-c');
    await shows(term, "Press 'C' to continue the play or 'A' to abort");
    term.key('c');
    // the second pause (60 seconds, from minutes: 1) starts: its lines are there twice
    for (let i = 0; i < 100 && term.history().join('\n').split('Pausing for 60 seconds').length < 3; i++) await sleep(100);
    term.key('C-c');
    await sleep(300);
    term.key('a');
    expect(await term.exited(30_000)).toBe(2);
    const history = term.history().join('\n');
    expect(history).toMatch(/✓ TASK \[waited briefly\]/);
    expect(history).toContain('user requested abort!');
    expect(history).not.toContain('never');
  });

  it('vars_prompt asks on the terminal when the play starts: the default for an empty answer, a private answer unseen, confirm asks twice', async () => {
    const play = [
      '- hosts: all',
      '  gather_facts: false',
      '  vars_prompt:',
      '    - {name: who, prompt: Who runs this, default: nobody, private: false}',
      '    - {name: word, prompt: Secret word, confirm: true}',
      '  tasks:',
      '    - debug: {msg: "{{ who }} typed {{ word | length }} letters: {{ word }}"}',
      '      run_once: true',
      '',
    ].join('\n');
    const root = writeTree({ hosts, 'p.yaml': play });
    term = openTerminal([process.execPath, bin, '-i', 'hosts', 'p.yaml'], { cols: 100, rows: 20, cwd: root, env: { HOME: root } });
    await shows(term, 'Who runs this [nobody]:');
    term.type('');
    await shows(term, 'Secret word:');
    term.type('hunter2');
    await shows(term, 'confirm Secret word:');
    term.type('hunter2');
    expect(await term.exited(30_000)).toBe(0);
    const history = term.history().join('\n');
    expect(history).toContain('"msg": "nobody typed 7 letters: <redacted: secret>"');
    expect(history).not.toContain('hunter2');
  });

  it('Ctrl-C while vars_prompt asks ends the run as interrupted, before any task', async () => {
    const play = ['- hosts: all', '  gather_facts: false', '  vars_prompt:', '    - {name: word, prompt: Word}', '  tasks:', '    - debug: {msg: never}', ''].join('\n');
    const root = writeTree({ hosts, 'p.yaml': play });
    term = openTerminal([process.execPath, bin, '-i', 'hosts', 'p.yaml'], { cols: 100, rows: 20, cwd: root, env: { HOME: root } });
    await shows(term, 'Word:');
    term.key('C-c');
    expect(await term.exited(30_000)).toBe(99);
    expect(term.history().join('\n')).not.toContain('never');
  });
});
