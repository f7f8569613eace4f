import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../engine/errors.js';
import { loadPlaybook } from '../../engine/playbook/load.js';
import type { TaskNode } from '../../engine/playbook/model.js';
import { clearRoleCache } from '../../engine/playbook/roles.js';
import { writeTree } from '../support/tree.js';

function load(files: Record<string, string>) {
  clearRoleCache();
  const root = writeTree(files);
  return { root, plays: loadPlaybook(join(root, 'site.yaml'), { playbookDir: root, rolesPath: [], projectRoot: undefined }) };
}

function errorOf(files: Record<string, string>): ParseError {
  try {
    load(files);
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const play = (tasks: string) => `- hosts: all\n  tasks:\n${tasks}`;

describe('loading tasks', () => {
  it('normalises modules, free-form text and args', () => {
    const { plays } = load({
      'site.yaml': play(`    - command: echo "a  b" chdir=/tmp
    - ansible.builtin.copy: content=x dest=/tmp/f mode=0644
    - shell: cat /etc/hosts | grep x
      args:
        chdir: /etc
    - name: mapping args
      file:
        dest: /tmp/d
        state: directory
    - set_fact: a=1 b="two words"
    - meta: flush_handlers
`),
    });
    const tasks = plays[0]?.sections.find((s) => s.name === 'tasks')?.nodes as TaskNode[];
    expect(tasks.map((t) => [t.action, t.args])).toEqual([
      ['command', { _raw_params: 'echo "a  b"', chdir: '/tmp' }],
      ['copy', { content: 'x', dest: '/tmp/f', mode: '0644' }],
      ['shell', { _raw_params: 'cat /etc/hosts | grep x', chdir: '/etc' }],
      ['file', { path: '/tmp/d', state: 'directory' }],
      ['set_fact', { a: '1', b: 'two words' }],
      ['meta', { _raw_params: 'flush_handlers' }],
    ]);
    expect(tasks[1]?.actionWritten).toBe('ansible.builtin.copy');
  });

  // [tasks yaml, line, col, message, hint words]
  const errors: [string, number, number, string, string][] = [
    ['    - name: x\n      debugg: msg=hi\n', 4, 7, "couldn't resolve module/action 'debugg'", "did you mean 'debug'?"],
    ['    - name: x\n      command: ls\n      shell: ls\n', 5, 7, 'conflicting action statements: command, shell', 'split it'],
    ['    - name: x\n', 3, 7, 'no module/action detected in task', 'debug: msg=hi'],
    ['    - debug: msg=x\n      whenn: true\n', 4, 7, "couldn't resolve module/action 'whenn'", "did you mean 'when'?"],
    ['    - debug: msg=x\n      module_defaults:\n        group/kplay_no_such_group: {region: x}\n', 5, 9, 'Error loading module_defaults: could not resolve the module_defaults group ansible.builtin.kplay_no_such_group', "an installed collection's meta/runtime.yml"],
    ['    - debug: msg=x\n      module_defaults:\n        no_such_module: {a: 1}\n', 5, 9, "could not resolve the action 'no_such_module' in module_defaults", ''],
    ['    - debug: msg=x\n      module_defaults:\n        file: "{{ defaults }}"\n', 5, 9, "the module_defaults of 'file' must be a mapping of its arguments", 'templates go inside it'],
    ['    - block:\n        - file: {path: /x}\n      module_defaults:\n        file: {modee: "0600"}\n', 6, 16, "unsupported parameter 'modee' for module 'file'", "did you mean 'mode'?"],
    ['    - package: {name: x, state: present}\n      module_defaults:\n        apt: {update_cache: maybe}\n', 5, 15, "parameter 'update_cache' of module 'package' must be a boolean", ''],
    ['    - uri: {method: GET}\n      module_defaults: {uri: {method: POST}}\n', 3, 12, "missing required argument 'url' for module 'uri'", ''],
    ['    - copy: dest=/x\n', 3, 13, "copy' needs one of: src, content", ''],
    ['    - file:\n        path: /x\n        state: dir\n', 5, 9, 'value of \'state\' must be one of', "did you mean"],
    ['    - deb822_repository:\n        name: x\n        types: deb,debsrc\n', 5, 9, "value of 'types' must be one or more of: deb, deb-src; got no match for: debsrc", "did you mean 'deb-src'?"],
    ['    - file:\n        path: /x\n        modee: "0644"\n', 5, 9, "unsupported parameter 'modee' for module 'file'", "did you mean 'mode'?"],
    ['    - copy: src=a dest=b content=c\n', 3, 13, 'mutually exclusive: src, content', ''],
    ['    - stat: path=/x get_checksum=maybe\n', 3, 13, "parameter 'get_checksum' of module 'stat' must be a boolean", ''],
    ['    - copy: just some text\n', 3, 13, "module 'copy' does not take free-form text", ''],
    ['    - debug: msg=x\n      when: x ==\n', 4, 13, 'syntax error in condition "x ==" at column 5', ''],
    ['    - debug: msg=x\n      register: 1bad\n', 4, 17, "invalid value for 'register': must be a variable name", ''],
    ['    - debug: msg=x\n      loop_control:\n        loopvar: x\n', 5, 9, "without 'loopvar'", ''],
    ['    - meta: flush_handler\n', 3, 13, "invalid meta action 'flush_handler'", "did you mean 'flush_handlers'?"],
    ['    - debug: msg=x\n      notify: nobody\n', 4, 15, "The requested handler 'nobody' was not found", ''],
    ['    - block:\n        - debug: msg=x\n      notify: nobody\n', 5, 15, "The requested handler 'nobody' was not found", ''],
    ['    - import_tasks: missing.yaml\n', 3, 7, "could not find the task file 'missing.yaml'", 'looked in'],
    ['    - include_role: name=nosuchrole\n', 3, 7, "the role 'nosuchrole' was not found", ''],
    ['    - just a string\n', 3, 7, 'a task must be a mapping', ''],
    ['    - block:\n        - debug: msg=x\n      rescues: []\n', 5, 7, "'rescues' is not a valid attribute for a block", "did you mean 'rescue'?"],
  ];
  it.each(errors)('rejects %j at %i:%i', (tasks, line, col, message, hint) => {
    const e = errorOf({ 'site.yaml': play(tasks) });
    expect(e.message).toContain(message);
    expect(e.pos).toMatchObject({ line, col });
    expect(e.pos?.file).toMatch(/site\.yaml$/);
    if (hint) expect(e.hint).toContain(hint);
  });

  it.each([
    ['- hosts: all\n  taskss: []\n', 2, 3, "'taskss' is not a valid attribute for a play", "did you mean 'tasks'?"],
    ['- hosts: all\n  serial: [1, {}]\n', 2, 11, "invalid value for 'serial'", ''],
    ['- hosts: all\n  strategy: mitogen_linear\n', 2, 13, "'strategy': must be one of linear, free", ''],
    ['- hosts: all\n  vars_prompt:\n    - {name: pw, encrypt: sha512_crypt, salt_length: 8}\n', 3, 7, "invalid value for 'vars_prompt': must be without 'salt_length'", ''],
    ['- hosts: all\n  module_defaults: [file]\n', 2, 20, "invalid value for 'module_defaults': must be a mapping or a list of mappings", ''],
    ['- hosts: all\n  vars: [{a: 1}, 2]\n', 2, 9, "invalid value for 'vars': must be a mapping or a list of mappings", ''],
  ])('rejects play %j at %i:%i', (text, line, col, message, hint) => {
    const e = errorOf({ 'site.yaml': text });
    expect(e.message).toContain(message);
    expect(e.pos).toMatchObject({ line, col });
    if (hint) expect(e.hint).toContain(hint);
  });

  it('reports errors inside role files at their own location', () => {
    const e = errorOf({
      'site.yaml': '- hosts: all\n  roles: [web]\n',
      'roles/web/tasks/main.yml': '- name: ok\n  debug: msg=x\n- name: bad\n  servce: name=x\n',
    });
    expect(e.pos?.file).toMatch(/roles\/web\/tasks\/main\.yml$/);
    expect(e.pos).toMatchObject({ line: 4, col: 3 });
    expect(e.hint).toContain("did you mean 'service'?");
  });

  it("a role reached through a symbolic link is where the link leads (its tasks' files, role_path), named as it was found, as Ansible's unfrackpath makes it", () => {
    clearRoleCache();
    const real = writeTree({ 'web/tasks/main.yml': '- name: in the role\n  debug: msg=x\n' });
    const root = writeTree({ 'site.yaml': '- hosts: all\n  roles: [web]\n' });
    mkdirSync(join(root, 'roles'));
    symlinkSync(join(real, 'web'), join(root, 'roles', 'web'));
    const plays = loadPlaybook(join(root, 'site.yaml'), { playbookDir: root, rolesPath: [], projectRoot: undefined });
    expect(plays[0]!.roles.map((r) => [r.name, r.path])).toEqual([['web', realpathSync(join(real, 'web'))]]);
    // the role's task is read from the real file, never through the link
    const sections = JSON.stringify(plays[0]!.sections);
    expect(sections).toContain(JSON.stringify(join(realpathSync(real), 'web', 'tasks', 'main.yml')));
    expect(sections).not.toContain(join(root, 'roles', 'web', 'tasks'));
  });

  it('accepts notify targets of role handlers and listen topics', () => {
    const { plays } = load({
      'site.yaml': play('    - command: /bin/true\n      notify: [restart web, "web : reload"]\n') + '  roles: [web]\n',
      'roles/web/handlers/main.yml': '- name: reload\n  debug: msg=r\n- name: other\n  debug: msg=o\n  listen: restart web\n',
      'roles/web/tasks/main.yml': '- debug: msg=x\n',
    });
    expect(plays[0]?.handlers.map((h) => (h.kind === 'task' ? h.name : ''))).toEqual(['reload', 'other']);
  });

  it('inherits tags from play, role, block and import', () => {
    const { plays } = load({
      'site.yaml': `- hosts: all
  tags: p
  roles:
    - role: web
      tags: [r]
  tasks:
    - block:
        - import_tasks: more.yaml
          tags: i
      tags: b
`,
      'more.yaml': '- debug: msg=x\n  tags: own\n',
      'roles/web/tasks/main.yml': '- debug: msg=x\n',
    });
    const [roleBlock] = plays[0]?.sections.find((s) => s.name === 'roles')?.nodes ?? [];
    const [block] = plays[0]?.sections.find((s) => s.name === 'tasks')?.nodes ?? [];
    const roleTask = roleBlock?.kind === 'block' ? roleBlock.block[0] : undefined;
    const imported = block?.kind === 'block' && block.block[0]?.kind === 'block' ? block.block[0].block[0] : undefined;
    expect(roleTask?.tags.sort()).toEqual(['p', 'r']);
    expect(imported?.tags.sort()).toEqual(['b', 'i', 'own', 'p']);
  });
});
