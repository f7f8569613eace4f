// Lookups kplay has no native code for run as Ansible's own (ansible-core's lookup loader on the
// controller): its built-in ones (lines, csvfile), a playbook's lookup_plugins/, installed collections'
// (community.general.cartesian, merge_variables, which techno-tim's k3s role uses), with the task's
// variables as written (the plugin's templar renders what it reads); with_<lookup> too. Compared with
// ansible-playbook where it and the collections are installed (CI installs both).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../../support/oracle.js';
import { ENGINES, playMessages } from '../../support/play-messages.js';
import { writeTree } from '../../support/tree.js';

const installed = hasAnsible && existsSync('/usr/lib/python3/dist-packages/ansible_collections/community/general');

const FILES = {
  'lookup_plugins/twice.py': `from ansible.plugins.lookup import LookupBase
from ansible.errors import AnsibleError

class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if kwargs.get('fail'):
            raise AnsibleError('twice failed on %s' % terms)
        return [t * 2 for t in terms] + [self._templar.template(variables['greeting'])]
`,
  'files/ports.csv': 'name,port\nweb,80\ndb,5432\n',
  'site.yaml': `- hosts: localhost
  gather_facts: false
  vars:
    who: world
    greeting: "hello {{ who }}"
    peers__a: [1, 2]
    peers__b: [3]
    initial: [0]
  tasks:
    - debug: msg="{{ lookup('lines', 'printf \\"a\\\\nb\\\\n\\"') }} {{ query('community.general.cartesian', [1, 2], ['x']) }}"
    - debug: msg="{{ lookup('ansible.builtin.csvfile', 'db file=ports.csv delimiter=,') }} {{ query('twice', 'ab', 'c') }}"
    - debug: msg="{{ lookup('community.general.merge_variables', '^peers__.+$', initial_value=initial) | join(',') }}"
    - debug: msg="{{ item }}"
      with_lines: printf "l1\\nl2\\n"
    - debug: msg="{{ lookup('twice', 'x', fail=true) }}"
      ignore_errors: true
`,
};

describe.skipIf(!installed)("Ansible's own lookups", () => {
  it('run where kplay has none, with the variables as written, as ansible-playbook runs them', () => {
    const root = writeTree(FILES);
    const expected = ["a,b [[1, 'x'], [2, 'x']]", "5432 ['abab', 'cc', 'hello world']", '0,1,2,3', 'l1', 'l2'];
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs.slice(0, 5), kplay.text).toEqual(expected);
    // the plugin's own error words fail the task
    expect(kplay.msgs[5]).toBe(`${root}/site.yaml:15:16: twice failed on ['x'] in template \\"{{ lookup('twice', 'x', fail=true) }}\\"`);
    const ansible = playMessages(ENGINES.ansible, root);
    expect(ansible.msgs.slice(0, 5)).toEqual(expected);
    expect(ansible.text).toContain("original message: twice failed on ['x']");
  });

  it("a lookup_plugins/ file wins over a built-in lookup of its name (kplay's own too); the ansible.builtin name stays the built-in", () => {
    const root = writeTree({
      'lookup_plugins/env.py': 'from ansible.plugins.lookup import LookupBase\nclass LookupModule(LookupBase):\n    def run(self, terms, variables=None, **kwargs):\n        return ["mine-" + t for t in terms]\n',
      'site.yaml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg="{{ lookup('env', 'HOME') }} {{ lookup('ansible.builtin.env', 'HOME') }}"\n`,
    });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs, kplay.text).toEqual([`mine-HOME ${root}`]);
    expect(playMessages(ENGINES.ansible, root).msgs).toEqual(kplay.msgs);
  });

  it('a lookup neither has is refused before any host is touched', () => {
    const root = writeTree({ 'site.yaml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg=first\n    - debug: msg="{{ lookup('community.general.nosuchlookup') }}"\n` });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs).toEqual([]);
    expect(kplay.text).toContain("lookup plugin 'community.general.nosuchlookup' is not supported by kplay");
    expect(kplay.text).toContain("ansible-core's lookup loader here finds none of that name either");
  });
});
