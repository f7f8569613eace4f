// The keywords a task inherits from its play (and blocks), as Ansible's parent attributes: check_mode,
// diff, ignore_errors, no_log, throttle, connection and remote_user set on a play apply to its tasks (each
// was accepted and ignored before); a play refuses when and delegate_to, as Ansible does. Rows checked
// against ansible-playbook 2.14 by hand (the same files left, the same diff shown, the same refusal).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { writeTree } from '../support/tree.js';

// a host with no local connection of its own, on a loopback port nothing answers: only a local connection reaches it
const INV = 'h1 ansible_host=127.0.0.1 ansible_port=1\n';

async function run(play: string, args: string[] = []): Promise<{ rc: number; text: string; root: string }> {
  const root = writeTree({ hosts: INV, 'site.yaml': play });
  let text = '';
  const rc = await main(['-i', 'hosts', 'site.yaml', ...args], { out: (t) => (text += t.endsWith('\n') ? t : t + '\n'), err: (t) => (text += t + '\n'), cwd: root, env: { HOME: root, PATH: process.env.PATH } });
  return { rc, text, root };
}

const play = (keywords: string, tasks: string): string => `- hosts: all\n  gather_facts: false\n${keywords}  tasks:\n${tasks}`;

describe("a play's keywords apply to its tasks", () => {
  it('connection: local on the play reaches a host whose variables name no connection', async () => {
    const { rc, text } = await run(play('  connection: local\n', '    - command: echo reached\n      register: r\n    - debug: var=r.stdout\n'));
    expect(text).toContain('"r.stdout": "reached"');
    expect(rc, text).toBe(0);
  });

  it("remote_user on the play (and a task's own) is the SSH user, under the host's ansible_user", async () => {
    const { text } = await run(play('  remote_user: deploy\n', '    - command: "true"\n      ignore_unreachable: true\n    - command: "true"\n      remote_user: other\n'), ['-vvv']);
    expect(text).toContain('ESTABLISH SSH CONNECTION FOR USER: deploy TO 127.0.0.1:1');
    expect(text).toContain('ESTABLISH SSH CONNECTION FOR USER: other TO 127.0.0.1:1');
    const own = await run(play('  remote_user: deploy\n', '    - command: "true"\n'), ['-vvv', '-e', 'ansible_user=admin']);
    expect(own.text).toContain('ESTABLISH SSH CONNECTION FOR USER: admin TO 127.0.0.1:1');
  });

  it('check_mode: true on the play changes nothing (the copy is only reported)', async () => {
    const { rc, text, root } = await run(play('  connection: local\n  check_mode: true\n', '    - copy: {content: "x\\n", dest: "{{ playbook_dir }}/made"}\n'));
    expect(text).toMatch(/changed: \[h1\]/);
    expect(existsSync(join(root, 'made'))).toBe(false);
    expect(rc, text).toBe(0);
  });

  it("diff: true on the play shows the diff; a task's diff: false hides it", async () => {
    const { text } = await run(play('  connection: local\n  diff: true\n', '    - copy: {content: "one\\n", dest: "{{ playbook_dir }}/f"}\n    - copy: {content: "two\\n", dest: "{{ playbook_dir }}/f"}\n      diff: false\n'));
    expect(text).toContain('+one');
    expect(text).not.toContain('+two');
  });

  it('ignore_errors and no_log on the play', async () => {
    const { rc, text } = await run(play('  connection: local\n  ignore_errors: true\n  no_log: true\n', '    - command: /bin/false\n    - debug: msg=secret-value\n'));
    expect(text).toContain('...ignoring');
    expect(text).toContain("the output has been hidden due to the fact that 'no_log: true' was specified for this result");
    expect(text).not.toContain('secret-value');
    expect(rc, text).toBe(0);
  });

  it("-c ssh on the command line gives way to a play's connection, a host's ansible_connection and the implicit localhost's local", async () => {
    const { rc, text } = await run(play('  connection: local\n', '    - command: echo by-keyword\n'), ['-c', 'ssh']);
    expect(text, text).toContain('changed: [h1]');
    expect(rc, text).toBe(0);
    const root = writeTree({ hosts: 'h1 ansible_host=127.0.0.1 ansible_port=1 ansible_connection=local\nh2 ansible_host=127.0.0.1 ansible_port=1\n', 'site.yaml': `${play('', '    - command: echo x\n')}- hosts: localhost\n  gather_facts: false\n  tasks:\n    - command: echo y\n` });
    let out = '';
    await main(['-i', 'hosts', 'site.yaml', '-c', 'ssh'], { out: (t) => (out += t + '\n'), err: (t) => (out += t + '\n'), cwd: root, env: { HOME: root, PATH: process.env.PATH } });
    expect(out).toContain('changed: [h1]');
    expect(out).toContain('changed: [localhost]');
    expect(out).toMatch(/fatal: \[h2\]: UNREACHABLE!/);
  });

  it.each([
    ['when', '  when: false\n'],
    ['delegate_to', '  delegate_to: localhost\n'],
  ])("a play's %s is refused before anything runs", async (word, keywords) => {
    const { rc, text } = await run(play(`  connection: local\n${keywords}`, '    - command: "true"\n'));
    expect(text).toContain(`'${word}' is not a valid attribute for a play`);
    expect(text).not.toContain('TASK [');
    expect(rc).not.toBe(0);
  });
});
