// A variable whose template's text reads back as a dict or list is new at each use, as Ansible templates it
// again each time: a template may change it (kubespray's local volume provisioner ConfigMap pops and
// sets the keys of local_volume_provisioner_storage_classes), and the next use sees it unchanged.
// Compared with ansible-playbook where it is installed.
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
});
