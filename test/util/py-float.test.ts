// Whole-number floats stay floats from the vars file to what a play writes and prints: a config file
// templated from `ratio: 1.0` says 1.0 (kubespray's containerd sampling_ratio), as ansible-playbook's does.
// Checked against ansible-playbook 2.14 (live where it is installed; the fixed texts are what it wrote).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PyFloat, asFloat, floatWire, isFloat, isNumber } from '../../engine/util/py-float.js';
import { isMapping } from '../../engine/util/mapping.js';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages, shownOutput } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

describe('PyFloat', () => {
  it.each([
    [1, true, true],
    [2.5, false, true],
    [-0, true, true],
    [Number.NaN, false, true],
  ])('asFloat(%s): marked %s, a float %s', (n, marked, float) => {
    const f = asFloat(n);
    expect(f instanceof PyFloat).toBe(marked);
    expect(isFloat(f)).toBe(float);
    expect(isNumber(f)).toBe(true);
  });

  it('is a number to JavaScript, a float to Python over JSON, and not a mapping', () => {
    const f = new PyFloat(3);
    expect(Number(f) + 1).toBe(4);
    expect(JSON.stringify({ f })).toBe('{"f":3}');
    expect(String(f)).toBe('3.0');
    expect(isMapping(f)).toBe(false);
    expect(isFloat(3)).toBe(false);
    expect(JSON.stringify({ a: [f, 2.5], b: 1 }, floatWire)).toBe('{"a":[{"__kplay_float__":3},2.5],"b":1}');
  });
});

const SITE = `- hosts: localhost
  gather_facts: false
  vars_files: [vars.yaml]
  tasks:
    - template: {src: conf.j2, dest: "{{ playbook_dir }}/out/conf.toml"}
    - copy: {content: "{{ ratio }}", dest: "{{ playbook_dir }}/out/ratio.txt"}
    - lineinfile: {path: "{{ playbook_dir }}/out/line.txt", line: 1.0, create: 1.0}
    - set_fact: {doubled: "{{ ratio * 2 }}", halves: "{{ [weight / 4, weight / 5] }}"}
    - debug: var=ratio
    - debug: var=halves
    - debug: var=weights
    - debug: msg="{{ ratio }} {{ doubled }} {{ halves }} {{ ratio | to_json }} {{ (weight / 5) | int }} {{ ratio is float }} {{ 3 | float }}"
    - float_kind: {value: "{{ ratio }}", values: "{{ weights.b }}"}
      register: kind
    - debug: msg="{{ kind.kinds }}"
    - debug: var=kind.back
`;
// a playbook's own Python module (run as Ansible runs it): the types its arguments arrive as
const FLOAT_KIND = `from ansible.module_utils.basic import AnsibleModule
m = AnsibleModule(argument_spec=dict(value=dict(type='raw'), values=dict(type='raw')))
m.exit_json(changed=False, kinds=' '.join(type(v).__name__ for v in [m.params['value']] + m.params['values']), back=m.params['values'])
`;
const FILES = {
  'site.yaml': SITE,
  'vars.yaml': 'ratio: 1.0\nweight: 10.0\nweights: {a: 2.0, b: [0.0, 1.5]}\n',
  'templates/conf.j2': 'sampling_ratio = {{ ratio }}\nweight = {{ weight }}\nshare = {{ weight / 20 }}\nparts = {{ weights | to_json }}\n',
  'out/.keep': '',
  'library/float_kind.py': FLOAT_KIND,
};

describe('whole-number floats in a play', () => {
  it('are written and printed as floats, as ansible-playbook writes and prints them', () => {
    const root = writeTree(FILES);
    const kplay = playMessages(ENGINES.kplay, root);
    expect(readFileSync(join(root, 'out/conf.toml'), 'utf8')).toBe('sampling_ratio = 1.0\nweight = 10.0\nshare = 0.5\nparts = {"a": 2.0, "b": [0.0, 1.5]}\n');
    expect(readFileSync(join(root, 'out/ratio.txt'), 'utf8')).toBe('1.0');
    expect(readFileSync(join(root, 'out/line.txt'), 'utf8')).toBe('1.0\n');
    expect(kplay.msgs, kplay.text).toEqual(['1.0 2.0 [2.5, 2.0] 1.0 2 True 3.0', 'float float float']);
    expect(kplay.text).toContain('"ratio": 1.0\n');
    expect(kplay.text).toMatch(/"halves": \[\n\s+2\.5,\n\s+2\.0\n\s+\]/);
    // and a module's result keeps them floats
    expect(kplay.text).toMatch(/"kind.back": \[\n\s+0\.0,\n\s+1\.5\n\s+\]/);
    if (!hasAnsible) return;
    const theirs = writeTree(FILES);
    const ansible = playMessages(ENGINES.ansible, theirs);
    for (const f of ['out/conf.toml', 'out/ratio.txt', 'out/line.txt']) expect(readFileSync(join(root, f), 'utf8')).toBe(readFileSync(join(theirs, f), 'utf8'));
    expect(shownOutput(kplay.text)).toBe(shownOutput(ansible.text));
  });
});
