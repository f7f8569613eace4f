// Ctrl-C: the first lets running commands finish and starts no new task, then the recap and exit
// code 99; a second kills the running commands at once.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeTree } from '../support/tree.js';

const bin = fileURLToPath(new URL('../../bin/kplay.js', import.meta.url));

function run(signals: number): Promise<{ rc: number | null; out: string }> {
  const root = writeTree({ hosts: 'h ansible_connection=local\n', 'p.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: sleep 2; echo finished\n    - debug: msg=next-task\n' });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, '-i', 'hosts', 'p.yaml'], { cwd: root, env: { ...process.env, HOME: root } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const started = setInterval(() => {
      if (!out.includes('TASK [shell]')) return;
      clearInterval(started);
      setTimeout(() => {
        for (let i = 0; i < signals; i++) setTimeout(() => child.kill('SIGINT'), i * 200);
      }, 300);
    }, 50);
    child.on('close', (rc) => resolve({ rc, out }));
  });
}

describe('Ctrl-C', () => {
  it('once: the running command finishes, no new task starts, recap, exit 99', async () => {
    const r = await run(1);
    expect(r.rc).toBe(99);
    expect(r.out).toContain('changed: [h]');
    expect(r.out).not.toContain('next-task');
    expect(r.out).toContain('PLAY RECAP');
  });

  it('twice: running commands are killed', async () => {
    const r = await run(2);
    expect(r.rc).toBe(99);
    expect(r.out).toContain('"rc": 137');
    expect(r.out).toContain('"stdout": ""');
  });
});
