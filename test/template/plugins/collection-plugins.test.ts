// Filters and tests of installed collections that kplay has no native code for (ansible.utils' cidr_merge,
// hwaddr, in_network, community.general's dict_kv, ...) run as Ansible runs them: the collection's own
// Python on the controller, a short name Ansible routes there with its deprecation, kplay's native filter
// still first where it has one. A name the collection does not define is refused before any host is touched.
// Compared with ansible-playbook where it and the collections are installed (CI installs both).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../../support/oracle.js';
import { ENGINES, playMessages, shownOutput } from '../../support/play-messages.js';
import { writeTree } from '../../support/tree.js';

const COLLECTIONS = '/usr/lib/python3/dist-packages/ansible_collections';
const installed = existsSync(`${COLLECTIONS}/ansible/utils`) && existsSync(`${COLLECTIONS}/community/general`);

const SITE = `- hosts: localhost
  gather_facts: false
  tasks:
    - debug:
        msg: "{{ ['10.0.0.0/24', '10.0.1.0/24'] | ansible.utils.cidr_merge }} {{ ['192.168.0.0/24', '192.168.1.0/24'] | cidr_merge('span') }}"
    - debug:
        msg: "{{ '1a:2b:3c:4d:5e:6f' | ansible.utils.hwaddr('unix') }} {{ 'value' | community.general.dict_kv('key') }} {{ '192.168.1.5' | ansible.utils.ip4_hex }}"
    - debug:
        msg: "{{ '10.1.2.3' is ansible.utils.in_network('10.0.0.0/8') }} {{ '8.8.8.8' is ansible.utils.private }} {{ ['10.0.0.1', '8.8.8.8'] | select('ansible.utils.private') | list }}"
    - debug:
        msg: "{{ '10.0.0.0/8' | ansible.utils.ipaddr('network') }} {{ 'nonsense' | ansible.utils.cidr_merge }}"
      ignore_errors: true
`;

describe.skipIf(!installed)("installed collections' Python filters and tests", () => {
  it("give what Ansible's give, with the routed name's deprecation", () => {
    const root = writeTree({ 'site.yaml': SITE });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs.slice(0, 3), kplay.text).toEqual(["['10.0.0.0/23'] 192.168.0.0/23", "1a:2b:3c:4d:5e:6f {'key': 'value'} c0a80105", "True False ['10.0.0.1']"]);
    // the collection's own error words, the task failed
    expect(kplay.msgs[3]).toContain(String.raw`cidr_merge: error in netaddr:\ninvalid IPNetwork nonsense in template`);
    expect(kplay.text).toContain("[DEPRECATION WARNING]: Use 'ansible.utils.cidr_merge' module instead.");
    if (hasAnsible) {
      const ansible = playMessages(ENGINES.ansible, root);
      expect(kplay.msgs.slice(0, 3)).toEqual(ansible.msgs.slice(0, 3));
      expect(ansible.text).toContain(String.raw`{"msg": "cidr_merge: error in netaddr:\ninvalid IPNetwork nonsense"}`);
      // the whole output but the failed task's message (kplay's names the file, line and template)
      const same = (t: string): string => shownOutput(t).replace(/fatal: .*\n(.*\n)*?\.\.\.ignoring/, 'FATAL');
      expect(same(kplay.text)).toBe(same(ansible.text));
    }
  });

  it("refuses before any host is touched a name the collection does not define", () => {
    const root = writeTree({ 'site.yaml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg=first\n    - debug: msg="{{ 'x' | community.general.nosuchfilter }}"\n` });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs).toEqual([]);
    expect(kplay.text).toContain(`${root}/site.yaml:5:21: no filter named 'community.general.nosuchfilter'`);
    expect(kplay.text).toContain('hint: kplay has no filter of that name, and the collection community.general installed here defines none');
  });
});
