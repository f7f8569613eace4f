// A lookup inside a file the template module renders also searches that file's own directory, as Ansible's
// template action adds it to ansible_search_path (a template in templates/sub/ finds lookup('template',
// 'b.j2') beside it); a lookup('template') elsewhere does not. Compared with ansible-playbook where installed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const FILES = {
  'templates/sub/a.j2': 'A {{ lookup("template", "b.j2") }} {{ lookup("file", "c.txt") }}\n',
  'templates/sub/b.j2': 'B {{ 1 + 1 }}',
  'templates/sub/c.txt': 'C\n',
  'site.yaml':
    '- hosts: localhost\n  gather_facts: false\n  tasks:\n' +
    '    - template: {src: sub/a.j2, dest: "{{ playbook_dir }}/out"}\n' +
    "    - debug: msg=\"{{ lookup('template', 'sub/a.j2') }}\"\n      ignore_errors: true\n",
};

describe("lookups in a template module's file", () => {
  it("search the template's own directory; a lookup('template') outside the module does not", () => {
    for (const engine of hasAnsible ? [ENGINES.kplay, ENGINES.ansible] : [ENGINES.kplay]) {
      const root = writeTree(FILES);
      const run = playMessages(engine, root);
      expect(existsSync(join(root, 'out')), run.text).toBe(true);
      expect(readFileSync(join(root, 'out'), 'utf8')).toBe('A B 2 C\n');
      // the nested lookup from a lookup-rendered template finds nothing there, in both engines
      expect(run.text).toMatch(/fatal: \[localhost\]: FAILED![\s\S]*b\.j2/);
    }
  });
});
