// The task `include:` Ansible 2.14 still runs (deprecated): static where its file is fixed, it has no loop
// and nothing above it was included at run time, dynamic otherwise; its name=value arguments are
// variables under its vars:; a dynamic one runs whatever --tags say; both deprecation warnings once.
// Each case is compared with ansible-playbook where it is installed (CI installs it) and with the
// messages, counts and warnings it printed when these cases were written.
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages, shownOutput } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const SITE = `- hosts: localhost
  gather_facts: false
  roles: [r]
  tasks:
    - set_fact: {x: fact}
    - include: a.yml x=arg
    - include: a.yml x=arg
      vars: {x: kwvar}
    - include_tasks: sub/s.yml
      vars: {z: zz}
    - include: a.yml
      tags: [t1]
      when: false
    - include: "a.yml"
      loop: [1, 2]
      tags: t3
    - command: "true"
      changed_when: true
      notify: h
  handlers:
    - include: h.yml
`;

const FILES = {
  'site.yaml': SITE,
  'a.yml': '- debug: msg="a {{ x | default(1) }}"\n',
  'h.yml': '- name: h\n  debug: msg=handler\n',
  'sub/s.yml': '- include: s2.yml\n- debug: msg="s {{ z }}"\n',
  'sub/s2.yml': '- debug: msg="s2 {{ z }}"\n',
  'roles/r/tasks/main.yml': '- include: inner.yml y=from-role\n- include: "{{ \'inner.yml\' }}"\n',
  'roles/r/tasks/inner.yml': '- debug: msg="inner {{ y | default(\'none\') }}"\n',
};

const count = (text: string, part: string): number => text.split(part).length - 1;

describe('the bare include', () => {
  it('runs static and dynamic includes with their variables, counts and warnings as Ansible does', () => {
    const root = writeTree(FILES);
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs, kplay.text).toEqual(['inner from-role', 'inner none', 'a fact', 'a kwvar', 's2 zz', 's zz', 'a fact', 'a fact', 'handler']);
    // a dynamic include counts an ok for each file it loaded (each loop item's), as Ansible's strategy does
    expect(kplay.text).toMatch(/localhost\s+: ok=16\s+changed=1\s+unreachable=0\s+failed=0\s+skipped=1 /);
    expect(kplay.text).toContain('included: ' + root + '/a.yml for localhost => (item=2)');
    // each deprecation once: the load one (also for the files included at run time), the run one
    expect(count(kplay.text, '[DEPRECATION WARNING]: "include" is deprecated, use include_tasks/import_tasks \ninstead.')).toBe(1);
    expect(count(kplay.text, '[DEPRECATION WARNING]: "include" is deprecated, use \ninclude_tasks/import_tasks/import_playbook instead.')).toBe(1);
    if (hasAnsible) expect(shownOutput(kplay.text)).toBe(shownOutput(playMessages(ENGINES.ansible, root).text));
  });

  it('warns of nothing where the config sets deprecation_warnings = False', () => {
    const root = writeTree({ ...FILES, 'ansible.cfg': '[defaults]\ndeprecation_warnings = False\n' });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs).toHaveLength(9);
    expect(kplay.text).not.toContain('DEPRECATION');
  });

  it.each([[['--tags', 't3']], [['--skip-tags', 't1']], [['--list-tasks']], [['--list-tasks', '--tags', 't1']], [['--list-tags']]])('selects and lists as Ansible does with %j', (flags: string[]) => {
    const root = writeTree(FILES);
    const kplay = playMessages(ENGINES.kplay, root, 'site.yaml', flags);
    if (flags[1] === 't3') {
      // the role's dynamic include runs though its tags do not match, the tasks it brings do not
      expect(kplay.msgs, kplay.text).toEqual([]);
      expect(kplay.text).toContain('included: ' + root + '/roles/r/tasks/inner.yml for localhost');
      expect(kplay.text).toMatch(/localhost\s+: ok=3 /);
    }
    if (hasAnsible) expect(shownOutput(kplay.text)).toBe(shownOutput(playMessages(ENGINES.ansible, root, 'site.yaml', flags).text));
  });

  it.each([
    ['    - include: {file: a.yml, apply: {tags: [x]}}\n', 'Invalid options for include: apply'],
    ['    - include:\n      when: true\n', 'No file specified for include'],
  ])('refuses %j as Ansible does', (task, words) => {
    const root = writeTree({ ...FILES, 'bad.yaml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n${task}` });
    const kplay = playMessages(ENGINES.kplay, root, 'bad.yaml');
    expect(kplay.text).toMatch(new RegExp(`bad\\.yaml:4:\\d+: ${words}`));
    expect(kplay.text).not.toContain('PLAY [');
    if (hasAnsible) expect(playMessages(ENGINES.ansible, root, 'bad.yaml').text).toContain(words);
  });
});
