// A multi-play playbook with roles, handlers, tags, loops and block/rescue, run on the local
// connection through the CLI; then run again (idempotent: changed=0) and in check mode.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { writeTree } from '../support/tree.js';

async function kplay(cwd: string, args: string[]): Promise<{ rc: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const rc = await main(args, { out: (t) => (out += t.endsWith('\n') ? t : t + '\n'), err: (t) => (err += t + '\n'), cwd, env: { HOME: cwd, PATH: process.env.PATH } });
  return { rc, out, err };
}

function project(): string {
  const root = writeTree({
    'inventories/lab.inventory': '[web]\nnode1 ansible_connection=local\nnode2 ansible_connection=local\n[all:vars]\nAPP=demo\n',
    'playbooks/site.yaml': `- name: configure
  hosts: web
  gather_facts: false
  vars:
    base: "{{ playbook_dir }}/../out/{{ inventory_hostname }}"
  roles:
    - role: app
      tags: [app]
  tasks:
    - name: settings (loop over a list)
      lineinfile:
        path: "{{ base }}/settings.conf"
        line: "{{ item }}"
        create: true
      loop: "{{ setting_lines }}"
      notify: settings changed
      tags: [settings]
    - name: look at the file
      stat:
        path: "{{ base }}/settings.conf"
      register: st
    - name: only when it exists
      debug:
        msg: "settings has {{ st.stat.size }} bytes"
      when: st.stat.exists and inventory_hostname == 'node1'
    - name: recoverable block
      block:
        - name: fails on purpose
          command: /bin/false
          changed_when: false
        - name: never reached
          file:
            path: "{{ base }}/unreachable-marker"
            state: touch
      rescue:
        - name: rescued
          copy:
            content: "rescued\\n"
            dest: "{{ base }}/rescued"
      always:
        - name: always runs
          file:
            path: "{{ base }}/always"
            state: directory
    - name: tagged never
      file:
        path: "{{ base }}/never"
        state: touch
      tags: [never]
  handlers:
    - name: settings changed
      copy:
        content: "notified\\n"
        dest: "{{ base }}/handler-ran"
- name: second play
  hosts: node1
  gather_facts: false
  tasks:
    - name: a fact from the first play is still there
      assert:
        that:
          - app_port | int == 8080
          - groups['web'] | length == 2
`,
    'playbooks/group_vars/web.yaml': 'setting_lines:\n  - "a=1"\n  - "b=2"\nsettings: {}\n',
    'roles/app/defaults/main.yml': 'app_port: 8080\napp_name: "{{ APP }}"\n',
    'roles/app/meta/main.yml': 'dependencies:\n  - role: base\n',
    'roles/base/tasks/main.yml': '- name: base directory\n  file:\n    path: "{{ base }}"\n    state: directory\n',
    'roles/app/tasks/main.yml': '- name: app config\n  template:\n    src: app.conf.j2\n    dest: "{{ base }}/app.conf"\n  notify: restart app\n- name: remember the port\n  set_fact:\n    app_port: "{{ app_port }}"\n',
    'roles/app/templates/app.conf.j2': 'name={{ app_name }}\nport={{ app_port }}\nhost={{ inventory_hostname }}\n',
    'roles/app/handlers/main.yml': '- name: restart app\n  copy:\n    content: "restarted\\n"\n    dest: "{{ base }}/restarted"\n',
  });
  return root;
}

describe('running a playbook on the local connection', () => {
  it('runs plays, roles, handlers, loops, tags and block/rescue, then is idempotent', async () => {
    const root = project();
    const out = (h: string, f: string): string => join(root, 'out', h, f);
    const first = await kplay(root, ['-i', 'lab.inventory', 'site.yaml', '--skip-tags', 'nothing']);
    expect(first.err).toBe('');
    expect(first.rc).toBe(0);
    for (const h of ['node1', 'node2']) {
      expect(readFileSync(out(h, 'app.conf'), 'utf8')).toBe(`name=demo\nport=8080\nhost=${h}\n`);
      expect(readFileSync(out(h, 'settings.conf'), 'utf8')).toBe('a=1\nb=2\n');
      expect(readFileSync(out(h, 'restarted'), 'utf8')).toBe('restarted\n');
      expect(readFileSync(out(h, 'handler-ran'), 'utf8')).toBe('notified\n');
      expect(readFileSync(out(h, 'rescued'), 'utf8')).toBe('rescued\n');
      expect(existsSync(out(h, 'always'))).toBe(true);
      expect(existsSync(out(h, 'unreachable-marker'))).toBe(false);
      expect(existsSync(out(h, 'never'))).toBe(false);
    }
    expect(first.out).toContain('TASK [app : app config] ***');
    expect(first.out).toContain('TASK [base : base directory] ***');
    expect(first.out).toContain('RUNNING HANDLER [app : restart app] ***');
    expect(first.out).toContain('ok: [node1] => {\n    "msg": "settings has 8 bytes"\n}');
    expect(first.out).toMatch(/node1\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0\s+skipped=\d+\s+rescued=1\s+ignored=0/);
    const second = await kplay(root, ['-i', 'lab.inventory', 'site.yaml']);
    expect(second.rc).toBe(0);
    // the rescue copy and handler files already exist: nothing changes on the second run
    expect(second.out).toMatch(/node1\s+: ok=\d+\s+changed=0 /);
    expect(second.out).toMatch(/node2\s+: ok=\d+\s+changed=0 /);
    expect(second.out).not.toContain('RUNNING HANDLER');
  });

  it('changes nothing in check mode and shows diffs', async () => {
    const root = project();
    const r = await kplay(root, ['-i', 'lab.inventory', 'site.yaml', '--check', '--diff', '--skip-tags', 'settings']);
    expect(existsSync(join(root, 'out'))).toBe(false);
    expect(r.out).toContain('+name=demo');
    expect(r.out).toContain('changed: [node1]');
  });

  it('runs only tagged tasks with --tags, and exits 2 when a host fails', async () => {
    const root = project();
    const r = await kplay(root, ['-i', 'lab.inventory', 'site.yaml', '--tags', 'app', '-l', 'node2']);
    expect(r.out).toContain('TASK [app : app config]');
    expect(r.out).not.toContain('TASK [settings (loop over a list)]');
    expect(r.out).toContain('skipping: no hosts matched');
    const bad = writeTree({ 'hosts': 'h ansible_connection=local\n', 'p.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: /bin/false\n    - debug: msg=never\n' });
    const failed = await kplay(bad, ['-i', 'hosts', 'p.yaml']);
    expect(failed.rc).toBe(2);
    expect(failed.out).toContain('fatal: [h]: FAILED! =>');
    expect(failed.out).not.toContain('never');
    expect(failed.out).toMatch(/h\s+: ok=0\s+changed=0\s+unreachable=0\s+failed=1 /);
  });
});
