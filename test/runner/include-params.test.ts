// An include's `vars:` (and its loop variable) are Ansible's include params: over set_fact, registered
// results and role params, where import_tasks' and import_role's vars are task vars under them. And an
// include counts in the recap as Ansible's strategy counts it: include_role never as ok, include_tasks
// once for each file it loaded. Compared with ansible-playbook where it is installed (CI installs it).
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const SITE = `- hosts: localhost
  gather_facts: false
  tasks:
    - set_fact: {x: fact, item: fact-item}
    - include_tasks: a.yml
      vars: {x: it-vars}
    - import_tasks: a.yml
      vars: {x: imp-vars}
    - include_role: {name: r, tasks_from: p}
      vars: {x: ir-vars}
    - import_role: {name: r, tasks_from: p}
      vars: {x: imr-vars}
    - include_tasks: b.yml
      loop: [one]
    - include_role: {name: r, tasks_from: p}
      loop: [1, 2]
      vars: {x: "ir-{{ item }}"}
`;

const FILES = {
  'site.yaml': SITE,
  'a.yml': '- debug: msg="a {{ x }}"\n',
  'b.yml': '- debug: msg="b {{ item }}"\n',
  'roles/r/tasks/p.yml': '- debug: msg="p {{ x }}"\n',
};

describe('include params', () => {
  it('are over set_fact for include_tasks and include_role, under it for the imports; includes count as Ansible counts them', () => {
    const root = writeTree(FILES);
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs, kplay.text).toEqual(['a it-vars', 'a fact', 'p ir-vars', 'p fact', 'b one', 'p ir-1', 'p ir-2']);
    // set_fact and the seven debug results: 8; the two include_tasks, one file each; no include_role
    expect(kplay.text).toMatch(/localhost\s+: ok=10\s+changed=0/);
    if (hasAnsible) {
      const ansible = playMessages(ENGINES.ansible, root);
      expect(kplay.msgs).toEqual(ansible.msgs);
      expect(/ok=\d+/.exec(kplay.text)?.[0]).toBe(/ok=\d+/.exec(ansible.text)?.[0]);
    }
  });
});
