// with_<lookup> loops over any lookup kplay has (not only the common ones that are keywords of their own),
// compared with ansible-playbook; a lookup kplay has not, in lookup()/query() or with_, is refused before
// any host is touched (Ansible fails the task when it runs).
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const LOOPS = `- hosts: localhost
  gather_facts: false
  vars: {a_x: 1, a_y: 2}
  tasks:
    - debug: msg="{{ item }}"
      with_env: [KPLAY_LOOKUP_TEST]
    - debug: msg="{{ item }}"
      with_varnames: '^a_'
    - debug: msg="{{ item | length }}"
      with_password: /dev/null length=5
    - debug: msg="{{ item }}"
      with_ansible.builtin.pipe: echo hi
    - debug: msg="{{ item }}"
      with_template: t.j2
`;

describe('lookups', () => {
  it('with_<lookup> runs any lookup kplay has over its terms, as Ansible does', () => {
    const root = writeTree({ 'site.yaml': LOOPS, 'templates/t.j2': '{{ a_x + a_y }}\n' });
    process.env.KPLAY_LOOKUP_TEST = 'from-env';
    try {
      const expected = ['from-env', 'a_x', 'a_y', '5', 'hi', '3\\n'];
      const kplay = playMessages(ENGINES.kplay, root);
      expect(kplay.msgs, kplay.text).toEqual(expected);
      if (hasAnsible) expect(playMessages(ENGINES.ansible, root).msgs).toEqual(expected);
    } finally {
      delete process.env.KPLAY_LOOKUP_TEST;
    }
  });

  // the template lookup's template_vars and delimiters, Ansible's template variables, and the file lookup's strips
  const OPTIONS = `- hosts: localhost
  gather_facts: false
  vars: {tv: play}
  tasks:
    - debug:
        msg: "{{ lookup('template', 'lk.j2', template_vars={'tv': 5}) }}"
    - debug:
        msg: "{{ lookup('template', 'lk.j2', variable_start_string='[%', variable_end_string='%]', comment_start_string='<#', comment_end_string='#>') }}"
    - debug:
        msg: "{{ lookup('template', 'vars.j2', convert_data='yes', jinja2_native=false) }}"
    - debug:
        msg: "{{ lookup('template', 'vars.j2', template_vars={'template_path': 'given'}) }}"
    - debug:
        msg: "{{ lookup('file', 'f.txt') }}|{{ lookup('file', 'f.txt', lstrip='yes') }}|{{ lookup('file', 'f.txt', lstrip=true, rstrip=false) }}"
`;

  it('the template lookup takes template_vars and the variable and comment delimiters, the file lookup lstrip and rstrip, as Ansible', () => {
    const root = writeTree({ 'site.yaml': OPTIONS, 'templates/lk.j2': 'tv={{ tv }} [% tv %] {# c #}<# d #>\n', 'templates/vars.j2': '{{ template_path }} {{ template_destpath }} {{ ansible_managed }}', 'files/f.txt': '  text \n\n' });
    const expected = ['tv=5 [% tv %] <# d #>\\n', 'tv={{ tv }} play {# c #}\\n', 'vars.j2  Ansible managed', 'given  Ansible managed', '  text|text|text \\n\\n'];
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs, kplay.text).toEqual(expected);
    if (hasAnsible) expect(playMessages(ENGINES.ansible, root).msgs).toEqual(expected);
  });

  it.each([
    ["lookup('template', 'lk.j2', convert_data=False)", "kplay's template lookup does not take convert_data=False"],
    ["lookup('template', 'lk.j2', template_vars=[1])", 'template_vars: [1] is not a dictionary'],
    ["lookup('file', 'lk.j2', lstrip='maybe')", "lstrip: 'maybe' is not a valid boolean"],
  ])('%s fails its task, naming the option', (expr, words) => {
    const root = writeTree({ 'site.yaml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug:\n        msg: "{{ ${expr} }}"\n`, 'templates/lk.j2': 'x\n' });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.text).toContain('FAILED!');
    expect(kplay.text).toContain(words);
  });

  it.each([
    ['    - debug: msg="{{ lookup(\'nosuchlookup\', \'x\') }}"\n', "5:23: lookup plugin 'nosuchlookup' is not supported by kplay"],
    ['    - debug: msg="{{ q(\'ansible.builtin.nosuch\') }}"\n', "5:18: lookup plugin 'ansible.builtin.nosuch' is not supported by kplay"],
    ['    - debug: msg=x\n      with_nosuchlookup: [1]\n', "6:7: lookup plugin 'nosuchlookup' is not supported by kplay (with_nosuchlookup)"],
  ])('%j is refused before any task runs', (task, words) => {
    const root = writeTree({ 'site.yaml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg=first\n${task}` });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs).toEqual([]);
    expect(kplay.text).toContain(`${root}/site.yaml:${words}`);
    expect(kplay.text).toContain("hint: kplay's lookups: env, file, template");
  });
});
