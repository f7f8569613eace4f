// ansible_search_path and the lookups that search it, as Ansible 2.14's: a role's task searches its role,
// the roles depending on it (a dependency finds its parent's files), the task file's directory and the
// playbook's; the template module adds the template's directory while it renders; fileglob's bare
// pattern takes the first directory where it matches; errors='warn' and 'ignore'. Compared with ansible-playbook where installed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const rel = "ansible_search_path | map('relpath', playbook_dir) | join(',')";

const TREE = {
  'site.yaml': '- hosts: localhost\n  gather_facts: false\n  roles: [parent]\n  tasks:\n    - include_tasks: tasks/other.yml\n',
  'files/top.txt': 'T\n',
  'roles/parent/meta/main.yml': 'dependencies: [child]\n',
  'roles/parent/tasks/main.yml': '- debug: msg=parent\n',
  'roles/parent/files/p.txt': 'P\n',
  'roles/parent/files/g1.conf': 'g\n',
  'roles/child/files/readme.txt': 'r\n',
  'roles/child/tasks/main.yml':
    `- debug: msg="{{ ${rel} }}"\n` +
    "- debug: msg=\"{{ lookup('file', 'p.txt') }} {{ lookup('file', 'top.txt') }}\"\n" +
    "- debug: msg=\"{{ lookup('fileglob', '*.conf', wantlist=True) | map('relpath', playbook_dir) | join(',') }}\"\n" +
    '- include_tasks: sub/x.yml\n' +
    '- template: {src: t.j2, dest: "{{ playbook_dir }}/out.txt"}\n',
  'roles/child/tasks/sub/x.yml': `- debug: msg="{{ ${rel} }} {{ lookup('file', 'local.txt') }}"\n`,
  'roles/child/tasks/sub/local.txt': 'L\n',
  'roles/child/templates/t.j2': `{{ ${rel} }} {{ lookup('file', 'p.txt') }}\n`,
  'tasks/other.yml':
    `- debug: msg="{{ ${rel} }} {{ lookup('file', 'top.txt') }}"\n` +
    // a directory found nowhere: a warning and no files
    "- debug: msg=\"{{ lookup('fileglob', 'g/*.txt', wantlist=True) | length }}\"\n" +
    "- debug: msg=\"{{ lookup('file', 'nope.txt') }}\"\n  ignore_errors: true\n" +
    // errors=: warn and ignore give no result (lookup None, query []), warn with Ansible's words
    "- debug: msg=\"{{ lookup('file', 'nope2.txt', errors='warn') is none }} {{ query('first_found', ['zz'], errors='ignore') | length }}\"\n",
};

describe('ansible_search_path', () => {
  it("is the role chain's, the task file's and the playbook's directories; lookups search it", () => {
    const root = writeTree(TREE);
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs.slice(0, 7), kplay.text).toEqual([
      'roles/child,roles/parent,roles/child/tasks,.',
      'P T',
      'roles/parent/files/g1.conf',
      'roles/child,roles/parent,roles/child/tasks/sub,. L',
      'parent',
      'tasks,. T',
      '0',
    ]);
    expect(readFileSync(join(root, 'out.txt'), 'utf8')).toBe('roles/child,roles/parent,roles/child/tasks,.,.,roles/child/templates P\n');
    const failure = "original message: could not locate file in lookup: nope.txt. could not locate file in lookup: nope.txt";
    const warnings = (t: string): string[] => [...t.matchAll(/\[WARNING\]: (Unable to find '[^']+')/g)].map((m) => m[1] as string);
    expect(kplay.msgs[8]).toBe('True 0');
    expect(warnings(kplay.text)).toEqual(["Unable to find 'g'", "Unable to find 'nope.txt'", "Unable to find 'nope2.txt'"]);
    expect(kplay.text).toContain(failure);
    const unhandled = /\[WARNING\]: An unhandled exception occurred while running the lookup plugin\s+'file'\. Error was a <class\s+'ansible\.errors\.AnsibleError'>, original message:\s+could not locate file in lookup: nope2\.txt\n/;
    expect(kplay.text).toMatch(unhandled);
    if (hasAnsible) {
      const theirs = writeTree(TREE);
      const ansible = playMessages(ENGINES.ansible, theirs);
      expect(ansible.msgs).toEqual([...kplay.msgs.slice(0, 7), kplay.msgs[8]]);
      expect(ansible.text).toMatch(unhandled);
      expect(warnings(ansible.text)).toEqual(warnings(kplay.text));
      expect(ansible.text).toContain(failure);
      expect(readFileSync(join(theirs, 'out.txt'), 'utf8')).toBe(readFileSync(join(root, 'out.txt'), 'utf8'));
    }
  });
});
