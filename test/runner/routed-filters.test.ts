// A short or ansible.netcommon name of an ansible.utils filter (ipaddr, ansible.netcommon.ipsubnet) runs
// the ansible.utils filter, as Ansible 2.14 routes it when the collections are installed, with the
// collection's deprecation warning once per name as the template renders. Compared with ansible-playbook
// where it is installed (CI installs it) and with what it printed when this case was written.
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages, shownOutput } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const SITE = `- hosts: localhost
  gather_facts: false
  tasks:
    - debug: msg="{{ '10.0.0.1/24' | ipaddr('network') }} {{ '10.0.0.0/24' | ansible.netcommon.ipaddr('size') }}"
    - debug: msg="{{ '10.1.0.0/16' | ipsubnet(24, 3) }} {{ ['10.0.0.1', 'x'] | map('ipaddr') | list }}"
    - debug: msg="{{ '10.0.0.1' | ansible.utils.ipaddr }}"
      when: false
`;


describe('routed filter names', () => {
  it('are reported once a run, however many times a loop renders them (--json shows every event)', () => {
    const root = writeTree({ 'site.yaml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg="{{ item | ipaddr }}"\n      loop: [10.0.0.1, 10.0.0.2, 10.0.0.3]\n' });
    const kplay = playMessages(ENGINES.kplay, root, 'site.yaml', ['--json']);
    const warnings = kplay.text.split('\n').filter((l) => l.startsWith('{') && (JSON.parse(l) as { type: string }).type === 'warning');
    expect(warnings, kplay.text).toHaveLength(1);
    expect(warnings[0]).toContain("Use 'ansible.utils.ipaddr' module instead.");
  });

  it('run the ansible.utils filter and warn once per name, as Ansible does', () => {
    const root = writeTree({ 'site.yaml': SITE });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs, kplay.text).toEqual(['10.0.0.0 256', "10.1.3.0/24 ['10.0.0.1', False]"]);
    const heads = [...kplay.text.matchAll(/^\[DEPRECATION WARNING\]: Use '(\S+)' module instead\./gm)].map((m) => m[1]);
    expect(heads).toEqual(['ansible.utils.ipaddr', 'ansible.utils.ipsubnet']);
    expect(kplay.text).toContain("[DEPRECATION WARNING]: Use 'ansible.utils.ipaddr' module instead. This feature \nwill be removed from ansible.netcommon in a release after 2024-01-01. \n");
    if (hasAnsible) {
      // Ansible's filter loader warns in the worker running the task, whose Display does not remember what
      // an earlier worker said: it repeats a name's warning in each task (and host) that renders it; kplay,
      // like Ansible's own main process, says each once a run
      const once = (t: string): string => [...new Set(shownOutput(t).split(/\n(?=\[DEPRECATION|PLAY|TASK|ok:)/))].join('\n');
      expect(once(kplay.text)).toBe(once(playMessages(ENGINES.ansible, root).text));
    }
  });
});
