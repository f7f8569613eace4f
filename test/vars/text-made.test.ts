// A variable whose template's text reads back as a dict or list is new at each use, as Ansible templates it
// again each time: a template may change it (kubespray's local volume provisioner ConfigMap pops and
// sets the keys of local_volume_provisioner_storage_classes), and the next use sees it unchanged.
// A play's vars and set_fact's values likewise: a template that changes one changes its own copy, seen in
// the rest of that template only. Compared with ansible-playbook where it is installed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const TEMPLATE = `{% macro camel(d) -%}
{% for key in d.keys() | list -%}
{% set parts = key.split('_') -%}
{% set value = d.pop(key) -%}
{{ d.__setitem__(parts[0] + parts[1:] | map('capitalize') | join, value) -}}
{{ camel(value) if value is mapping else None -}}
{% endfor -%}
{% endmacro -%}
{% for name, cls in classes.items() %}
{{ name }}:{{ camel(cls) }}
{{ cls | to_nice_yaml(indent=2) | indent(2, true) }}
{%- endfor %}
`;

const SITE = `- hosts: localhost
  gather_facts: false
  vars:
    dir: /mnt/disks
    classes: |
      {"local": {"host_dir": "{{ dir }}", "volume_mode": "Filesystem", "extra_opts": {"fs_type": "ext4"}}}
  tasks:
    - template: {src: cm.j2, dest: "{{ playbook_dir }}/out1"}
    - template: {src: cm.j2, dest: "{{ playbook_dir }}/out2"}
    - debug: msg="{{ classes.local.keys() | list | sort | join(',') }}"
`;

describe('a variable read back from its template text', () => {
  it('is new at each use: a template may change it, and the next use sees it as it was', () => {
    const root = writeTree({ 'site.yaml': SITE, 'cm.j2': TEMPLATE });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs, kplay.text).toEqual(['extra_opts,host_dir,volume_mode']);
    const first = readFileSync(join(root, 'out1'), 'utf8');
    expect(first).toBe('local:\n  extraOpts:\n    fsType: ext4\n  hostDir: /mnt/disks\n  volumeMode: Filesystem\n');
    expect(readFileSync(join(root, 'out2'), 'utf8')).toBe(first);
    if (hasAnsible) {
      const theirs = writeTree({ 'site.yaml': SITE, 'cm.j2': TEMPLATE });
      expect(playMessages(ENGINES.ansible, theirs).msgs).toEqual(kplay.msgs);
      expect(readFileSync(join(theirs, 'out1'), 'utf8')).toBe(first);
      expect(readFileSync(join(theirs, 'out2'), 'utf8')).toBe(first);
    }
  });

  it("a play's vars and set_fact's values: a template changes its own copy, which the rest of that template sees", () => {
    const site =
      '- hosts: localhost\n  gather_facts: false\n  vars:\n    d: {a: 1, n: {x: [1]}}\n    l: [1]\n  tasks:\n' +
      '    - set_fact:\n        sd: {a: 1}\n        sl: [1]\n' +
      "    - debug:\n        msg: \"{{ d.update({'b': 2}) }}{{ l.append(2) }}{{ sd.update({'b': 2}) }}{{ sl.append(2) }}{{ d }} {{ l }} {{ sd }} {{ sl }}\"\n" +
      '    - debug:\n        msg: "{{ d.n.x.append(5) }}{{ d.n }} {% for i in [1, 2] %}{{ l.append(i) }}{% endfor %}{{ l }} {% set l = [9] %}{{ l.append(3) }}{{ l }}"\n' +
      "    - debug:\n        msg: \"{% macro m() %}{{ sl.append(7) }}{% endmacro %}{{ m() }}{{ m() }}{{ sl }} {{ d.pop('a') }} {{ d.__setitem__('z', 1) }}{{ d | dictsort }}\"\n" +
      '    - template: {src: t.j2, dest: "{{ playbook_dir }}/out"}\n' +
      '    - debug:\n        msg: "{{ d }} {{ l }} {{ sd }} {{ sl }}"\n';
    const files = { 'site.yaml': site, 't.j2': "{{ sd.setdefault('c', 3) }} {{ sd }}\n" };
    const root = writeTree(files);
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs, kplay.text).toEqual([
      "{'a': 1, 'n': {'x': [1]}, 'b': 2} [1, 2] {'a': 1, 'b': 2} [1, 2]",
      "{'x': [1, 5]} [1, 1, 2] [9, 3]",
      "[1, 7, 7] 1 [('n', {'x': [1]}), ('z', 1)]",
      "{'a': 1, 'n': {'x': [1]}} [1] {'a': 1} [1]",
    ]);
    expect(readFileSync(join(root, 'out'), 'utf8')).toBe("3 {'a': 1, 'c': 3}\n");
    if (hasAnsible) {
      const theirs = writeTree(files);
      expect(playMessages(ENGINES.ansible, theirs).msgs).toEqual(kplay.msgs);
      expect(readFileSync(join(theirs, 'out'), 'utf8')).toBe(readFileSync(join(root, 'out'), 'utf8'));
    }
  });
});
