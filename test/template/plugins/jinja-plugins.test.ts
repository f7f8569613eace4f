// Python filter and test plugins (a playbook's and a role's filter_plugins/ and test_plugins/, the
// configured paths) run as in Ansible: a plugin's name wins over a built-in one, the playbook's directory
// before the roles', the first file in name order; their errors fail the task; a name no plugin defines, or
// one kplay cannot call as Ansible would, is refused before any host is touched. Each run is compared with
// ansible-playbook where it is installed (CI installs it) and with what it printed when this was written.
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../../support/oracle.js';
import { ENGINES, playMessages, shownOutput } from '../../support/play-messages.js';
import { writeTree } from '../../support/tree.js';

const PLUGINS = {
  'filter_plugins/a_mine.py': `from ansible.errors import AnsibleFilterError

def answer(value, extra=0, scale=1):
    return (len(value) + extra) * scale

def boom(value):
    raise AnsibleFilterError("cannot boom %s" % value)

class FilterModule(object):
    def filters(self):
        return {'answer': answer, 'boom': boom, 'crash': lambda v: 1 / 0, 'upper': lambda v: 'plugin-upper', 'rolef': lambda v: 'playbook-' + v, 'dup': lambda v: 'a',
                'pairs': lambda d: sorted(d.items())}
`,
  // (what a plugin prints, itself or through a command it runs, is not its answer)
  'filter_plugins/b_more.py': "import os, subprocess\nclass FilterModule(object):\n    def filters(self):\n        print('stray')\n        os.write(1, b'stray\\n')\n        subprocess.call(['echo', 'stray'])\n        return {'dup': lambda v: 'b'}\n",
  'test_plugins/t.py': "class TestModule(object):\n    def tests(self):\n        return {'answer': lambda v, n=42: v == n}\n",
  'roles/r/filter_plugins/r.py': "class FilterModule:\n    def filters(self):\n        return {'rolef': lambda v: 'role-' + v, 'onlyrole': lambda v: 'role-only'}\n",
  'roles/r/tasks/main.yml': '- debug: msg="{{ \'x\' | onlyrole }} {{ \'x\' | rolef }}"\n',
};

const SITE = `- hosts: localhost
  gather_facts: false
  roles: [r]
  tasks:
    - debug: msg="{{ 'abc' | answer(2, scale=3) }} {{ 'q' | upper }} {{ 'q' | dup }} {{ 'q' | ansible.legacy.dup }}"
    - debug: msg="{{ 42 is answer }} {{ 4 is answer(4) }} {{ [1, 42, 3] | select('answer') | list }}"
    - debug:
        msg: "{{ {'b': 2, 'a': [1]} | pairs }} {{ ['', 'ab'] | map('answer', 1) | list }}"
    - debug: msg="{{ 'q' | boom }}"
      ignore_errors: true
    - debug: msg="{{ 'q' | crash }}"
      ignore_errors: true
`;

describe('Python filter and test plugins', () => {
  it("run with Ansible's precedence: plugin over built-in, playbook before role, first file first", () => {
    const root = writeTree({ ...PLUGINS, 'site.yaml': SITE });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs.slice(0, 4), kplay.text).toEqual([
      'role-only playbook-x',
      '15 plugin-upper a a',
      'True True [42]',
      // (a tuple Python gives stays one)
      "[('a', [1]), ('b', 2)] [1, 3]",
    ]);
    // an AnsibleFilterError's words, another exception's type and words
    expect(kplay.msgs.slice(4)).toEqual([`${root}/site.yaml:9:14: cannot boom q in template \\"{{ 'q' | boom }}\\"`, `${root}/site.yaml:11:14: ZeroDivisionError: division by zero in template \\"{{ 'q' | crash }}\\"`]);
    expect(kplay.text).toMatch(/localhost\s+: ok=6\s+changed=0\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=2/);
    if (hasAnsible) {
      const ansible = playMessages(ENGINES.ansible, root);
      expect(kplay.msgs.slice(0, 4)).toEqual(ansible.msgs.slice(0, 4));
      expect(ansible.text).toContain('"msg": "cannot boom q"');
      expect(ansible.text).toContain('The error was: ZeroDivisionError: division by zero');
      expect(kplay.text.match(/ok=\d+ .*/)?.[0]).toBe(ansible.text.match(/ok=\d+ .*/)?.[0]);
    }
  });

  it('takes plugins from the configured paths, ~/.ansible/plugins/filter by default', () => {
    const one = "class FilterModule(object):\n    def filters(self):\n        return {'NAME': lambda v: 'NAME:' + str(v)}\n";
    const site = '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg="{{ 1 | fromhome }} {{ 2 | fromcfg }}"\n';
    const root = writeTree({ 'site.yaml': site, '.ansible/plugins/filter/h.py': one.replace(/NAME/g, 'fromhome'), 'ansible.cfg': '[defaults]\nfilter_plugins = ./mine:~/.ansible/plugins/filter\n', 'mine/c.py': one.replace(/NAME/g, 'fromcfg') });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs, kplay.text).toEqual(['fromhome:1 fromcfg:2']);
    if (hasAnsible) expect(playMessages(ENGINES.ansible, root).msgs).toEqual(kplay.msgs);
  });

  it("warns of a plugin file that cannot load, in Ansible's words, and names it where a filter is missing", () => {
    const broken = { 'filter_plugins/broken.py': "import nosuchmodule_kplay\nclass FilterModule(object):\n    def filters(self):\n        return {'gone': lambda v: v}\n", 'filter_plugins/ok.py': "class FilterModule(object):\n    def filters(self):\n        return {'fine': lambda v: 'fine'}\n" };
    const good = writeTree({ ...broken, 'site.yaml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg="{{ 1 | fine }}"\n' });
    const kplay = playMessages(ENGINES.kplay, good);
    expect(kplay.msgs).toEqual(['fine']);
    const warning = `[WARNING]: Skipping plugin (${good}/filter_plugins/broken.py), cannot load:`;
    expect(kplay.text.replace(/\n/g, ' ')).toContain(`${warning} No module named 'nosuchmodule_kplay'`.replace(/\n/g, ' '));
    if (hasAnsible) expect(shownOutput(playMessages(ENGINES.ansible, good).text).replace(/\n/g, ' ')).toContain(`${warning} No module named 'nosuchmodule_kplay'`);
    const missing = writeTree({ ...broken, 'site.yaml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg=first\n    - debug: msg="{{ 1 | gone }}"\n' });
    const refused = playMessages(ENGINES.kplay, missing);
    // refused before any task ran
    expect(refused.msgs).toEqual([]);
    expect(refused.text).toContain(`site.yaml:5:19: no filter named 'gone'`);
    expect(refused.text).toContain(`Skipping plugin (${missing}/filter_plugins/broken.py), cannot load: No module named 'nosuchmodule_kplay'`);
  });

  it("refuses at load a plugin that needs Jinja's context, and one named as a filter kplay evaluates itself", () => {
    const ctx = "from jinja2 import pass_context\n@pass_context\ndef withctx(ctx, v):\n    return v\nclass FilterModule(object):\n    def filters(self):\n        return {'withctx': withctx, 'default': lambda v, d='': v}\n";
    const site = (expr: string): string => `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg=first\n    - debug: msg="{{ ${expr} }}"\n`;
    const a = writeTree({ 'filter_plugins/c.py': ctx, 'site.yaml': site('1 | withctx') });
    const ra = playMessages(ENGINES.kplay, a);
    expect(ra.msgs).toEqual([]);
    expect(ra.text).toContain(`site.yaml:5:19: the filter 'withctx' of ${a}/filter_plugins/c.py asks for Jinja's context`);
    const b = writeTree({ 'filter_plugins/c.py': ctx, 'site.yaml': site('x | default(1)') });
    const rb = playMessages(ENGINES.kplay, b);
    expect(rb.msgs).toEqual([]);
    expect(rb.text).toContain(`site.yaml:5:19: the filter 'default' of ${b}/filter_plugins/c.py replaces one kplay evaluates itself`);
  });
});
