// Magic variables as Ansible 2.14 sets them, compared with ansible-playbook where it is installed:
// ansible_version (2.14's, whose behaviour kplay follows; it said 0.0.0 and had no major or minor),
// ansible_limit only with --limit (kubespray's preinstall asks `ansible_limit is defined`),
// ansible_playbook_python, and hostvars[h] without hostvars itself. Then kubespray's lists of
// addresses and hostnames, which keep undefined items from map('extract') until select('defined').
// Last, the interpreter discovery's fact, and the implicit localhost's interpreter (the controller's).
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const INVENTORY = '[kube_control_plane]\nm1\nm2\n[etcd]\nm1\n';
const HOST_VARS = {
  'host_vars/m1.yml': 'ansible_default_ipv4: {address: 10.0.0.1}\nansible_default_ipv6: {}\nansible_hostname: m1\n',
  'host_vars/m2.yml': 'ansible_default_ipv4: {address: 10.0.0.2}\nansible_default_ipv6: {address: "fd00::2"}\n',
};

const MAGIC =
  '- hosts: m1\n  gather_facts: false\n  tasks:\n' +
  '    - debug: msg="{{ ansible_limit | default(\'no limit\') }} {{ ansible_playbook_python is defined }} {{ hostvars[inventory_hostname].hostvars is defined }}"\n' +
  '    - debug: msg="{{ hostvars[inventory_hostname].keys() | list | sort | join(\',\') }}"\n' +
  // roles gate features on the Ansible release: kplay follows 2.14's behaviour and says so
  '    - debug: msg="{{ ansible_version.full is version(\'2.12\', \'>=\') }} {{ ansible_version.major }}.{{ ansible_version.minor }} {{ ansible_version.keys() | sort | join(\',\') }}"\n';

// kubespray: roles/kubernetes/control-plane/tasks/kubeadm-setup.yml and roles/network_facts/tasks/main.yaml
const KUBESPRAY =
  '- hosts: m1\n  gather_facts: false\n  vars:\n' +
  '    groups_with_no_proxy: [kube_control_plane, "", etcd, calico_rr]\n' +
  '    hosts_with_no_proxy: "{{ groups_with_no_proxy | select | map(\'extract\', groups) | select(\'defined\') | flatten }}"\n' +
  '    _hostnames: "{{ (hosts_with_no_proxy + (hosts_with_no_proxy | map(\'extract\', hostvars, morekeys=[\'ansible_hostname\']) | select(\'defined\'))) | unique }}"\n' +
  '  tasks:\n' +
  '    - set_fact:\n        sans:\n' +
  '          - "{{ groups[\'kube_control_plane\'] | map(\'extract\', hostvars, [\'ansible_default_ipv4\', \'address\']) | select(\'defined\') }}"\n' +
  '          - "{{ groups[\'kube_control_plane\'] | map(\'extract\', hostvars, [\'ansible_default_ipv6\', \'address\']) | select(\'defined\') }}"\n' +
  '    - debug: msg="{{ sans | flatten | join(\' \') }}"\n' +
  '    - debug: msg="{{ _hostnames | join(\' \') }}"\n' +
  '    - debug: msg="{{ groups[\'kube_control_plane\'] | map(\'extract\', hostvars, [\'ansible_default_ipv6\', \'address\']) | join(\' \') }}"\n' +
  '      ignore_errors: true\n';

describe('magic variables', () => {
  it.each([
    ['without --limit', [], 'no limit'],
    ['with --limit', ['-l', 'm1'], 'm1'],
  ])('%s: ansible_limit, ansible_playbook_python and the keys of hostvars[h]', (_name, limit, shown) => {
    const root = writeTree({ 'site.yaml': MAGIC, 'inv.ini': INVENTORY, ...HOST_VARS });
    const kplay = playMessages(ENGINES.kplay, root, 'site.yaml', ['-i', 'inv.ini', ...limit]);
    expect(kplay.msgs[0], kplay.text).toBe(`${shown} True False`);
    expect(kplay.msgs[1]?.split(',')).not.toContain('hostvars');
    expect(kplay.msgs[1]?.split(',').includes('ansible_limit')).toBe(limit.length > 0);
    expect(kplay.msgs[2]).toBe('True 2.14 full,major,minor,revision,string');
    if (hasAnsible) expect(playMessages(ENGINES.ansible, root, 'site.yaml', ['-i', 'inv.ini', ...limit]).msgs).toEqual(kplay.msgs);
  });

  it("kubespray's address and hostname lists drop the hosts map('extract') finds nothing for; using such a list whole fails", () => {
    const root = writeTree({ 'site.yaml': KUBESPRAY, 'inv.ini': INVENTORY, ...HOST_VARS });
    const kplay = playMessages(ENGINES.kplay, root, 'site.yaml', ['-i', 'inv.ini']);
    expect(kplay.msgs.slice(0, 2), kplay.text).toEqual(['10.0.0.1 10.0.0.2 fd00::2', 'm1 m2']);
    expect(kplay.text).toMatch(/fatal: \[m1\]: FAILED! => \{\s*"msg": "[^"]*site\.yaml:\d+:\d+: 'dict object' has no attribute 'address'/);
    if (hasAnsible) {
      const ansible = playMessages(ENGINES.ansible, root, 'site.yaml', ['-i', 'inv.ini']);
      expect(ansible.msgs.slice(0, 2)).toEqual(kplay.msgs.slice(0, 2));
      expect(ansible.text).toMatch(/fatal: \[m1\]: FAILED! => \{\s*"msg": "[^"]*'dict object' has no attribute 'address'/);
    }
  });

  it("the interpreter Ansible's discovery found is a fact, reported once; the inventory's and the implicit localhost's are not discovered", () => {
    const facts = "{{ inventory_hostname }} {{ ansible_facts.discovered_interpreter_python | default('none') }} {{ discovered_interpreter_python | default('none') }}";
    const setup = '    - setup: {gather_subset: ["!all"], filter: [nothing]}\n      register: r\n    - debug: msg="{{ inventory_hostname }} {{ r.ansible_facts.keys() | list }}"\n';
    const play =
      `- hosts: h,g\n  gather_facts: true\n  tasks:\n    - debug: msg="${facts}"\n${setup}    - meta: clear_facts\n${setup}    - debug: msg="${facts}"\n` +
      "- hosts: localhost\n  gather_facts: true\n  tasks:\n    - debug: msg=\"{{ ansible_facts.discovered_interpreter_python | default('none') }} {{ ansible_python_interpreter == ansible_playbook_python }}\"\n";
    const root = writeTree({ 'site.yaml': play, 'inv.ini': 'h ansible_connection=local\ng ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' });
    const run = (argv: readonly string[]): string[] => playMessages(argv, root, 'site.yaml', [], ['-i', 'inv.ini']).msgs.sort();
    const py = '/usr/bin/python3';
    expect(run(ENGINES.kplay)).toEqual(
      [`h ${py} ${py}`, 'g none none', 'h []', 'g []', `h ['discovered_interpreter_python']`, 'g []', `h ${py} ${py}`, 'g none none', 'none True'].sort(),
    );
    if (hasAnsible) expect(run(ENGINES.ansible)).toEqual(run(ENGINES.kplay));
  });
});
