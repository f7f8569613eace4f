// Installed collections' roles and the `collections:` keyword, as Ansible resolves them: a role named
// NS.COLL.ROLE (in the playbook's collections/ or in collections_path), its own collection's modules and
// roles first for its unqualified names, the play's, a block's and a task's `collections:` for theirs, a
// role's meta/main `collections:` for its tasks (the play's list does not reach a role). Each run is
// compared with ansible-playbook where it is installed (CI installs it) and with what it printed when this
// was written.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages, shownOutput } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const module = (said: string): string => `#!/usr/bin/python\nfrom ansible.module_utils.basic import AnsibleModule\nm = AnsibleModule(argument_spec=dict(x=dict(type='str'), data=dict(type='str')))\nm.exit_json(changed=False, msg='${said} ' + str(m.params['x']))\n`;

// a collection my.coll (in the playbook's collections/, or in `dir`) with a module, a module named like a
// built-in one (ping), two roles; and a role of the playbook's own
const collection = (dir = 'collections'): Record<string, string> => ({
  [`${dir}/ansible_collections/my/coll/galaxy.yml`]: 'namespace: my\nname: coll\nversion: 1.0.0\n',
  [`${dir}/ansible_collections/my/coll/plugins/modules/mymod.py`]: module('mymod'),
  [`${dir}/ansible_collections/my/coll/plugins/modules/ping.py`]: module('collection-ping'),
  [`${dir}/ansible_collections/my/coll/roles/r1/tasks/main.yml`]: '- mymod: x=r1\n  register: m\n- ping:\n  register: p\n- debug: msg="{{ m.msg }} {{ p.msg }}"\n- include_role: name=r2\n- include_role: name=legacy\n',
  [`${dir}/ansible_collections/my/coll/roles/r2/tasks/main.yml`]: `- debug: msg="r2 {{ r2d }} {{ role_name }} {{ ansible_role_name }}"\n`,
  [`${dir}/ansible_collections/my/coll/roles/r2/defaults/main.yml`]: 'r2d: defaults-of-r2\n',
  'roles/legacy/tasks/main.yml': `- debug: msg="legacy {{ role_name }} {{ ansible_role_name }}"\n`,
  // a role of the playbook's whose meta/main names the collection: its tasks find mymod there
  'roles/withmeta/meta/main.yml': 'collections:\n  - my.coll\n',
  'roles/withmeta/tasks/main.yml': '- mymod: x=meta\n  register: m\n- debug: msg="{{ m.msg }}"\n',
});

const SITE = `- hosts: localhost
  gather_facts: false
  roles: [my.coll.r1, withmeta]
- hosts: localhost
  gather_facts: false
  collections: [my.coll]
  roles: [r2]
  tasks:
    - mymod: x=play
      register: m
    - ping:
      register: p
    - debug: msg="{{ m.msg }} {{ p.msg }}"
- hosts: localhost
  gather_facts: false
  tasks:
    - block:
        - mymod: x=block
          register: m
        - debug: msg="{{ m.msg }}"
      collections: [my.coll]
    - mymod: x=task
      collections: my.coll
      register: m
    - debug: msg="{{ m.msg }}"
    - ping:
      register: p
    - debug: msg="{{ p.ping }}"
`;

const MESSAGES = [
  'mymod r1 collection-ping None',
  'r2 defaults-of-r2 r2 my.coll.r2',
  'legacy legacy legacy',
  'mymod meta',
  'r2 defaults-of-r2 r2 my.coll.r2',
  'mymod play collection-ping None',
  'mymod block',
  'mymod task',
  'pong',
];

describe('collections: their roles and the collections keyword', () => {
  it("resolve roles and modules as Ansible does, the run's output the same", () => {
    const root = writeTree({ ...collection(), 'site.yaml': SITE });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs, kplay.text).toEqual(MESSAGES);
    expect(kplay.text).toContain('TASK [my.coll.r1 : mymod]');
    expect(kplay.text).toContain('TASK [my.coll.r2 : debug]');
    if (hasAnsible) {
      const ansible = playMessages(ENGINES.ansible, root);
      expect(ansible.msgs).toEqual(MESSAGES);
      expect(shownOutput(kplay.text).split('\n').filter((l) => !/^\s+\d+\.\d+s\s/.test(l))).toEqual(shownOutput(ansible.text).split('\n'));
    }
  });

  it('finds collections in collections_path (ansible.cfg) and lists the tasks as Ansible lists them', () => {
    const root = writeTree({ ...collection('elsewhere'), 'ansible.cfg': '[defaults]\ncollections_path = ./elsewhere\n', 'site.yaml': SITE });
    const list = (argv: readonly string[]): string => spawnSync(argv[0] as string, [...argv.slice(1), '-i', 'localhost,', 'site.yaml', '--list-tasks'], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root } }).stdout;
    const kplay = list(ENGINES.kplay);
    expect(kplay).toContain('play #3 (localhost): localhost\tTAGS: []\n    tasks:\n      mymod\tTAGS: []');
    if (hasAnsible) expect(kplay).toBe(list(ENGINES.ansible));
    expect(playMessages(ENGINES.kplay, root).msgs).toEqual(MESSAGES);
  });

  it.each([
    ['the play\'s list does not reach a role', { 'roles/plain/tasks/main.yml': '- mymod: x=1\n', 'site.yaml': '- hosts: localhost\n  gather_facts: false\n  collections: [my.coll]\n  roles: [plain]\n' }, "couldn't resolve module/action 'mymod'"],
    ['a collection role that is not there', { 'site.yaml': '- hosts: localhost\n  gather_facts: false\n  roles: [my.coll.nope]\n' }, "the role 'my.coll.nope' was not found"],
  ])('%s: refused before any task runs', (_what, files, words) => {
    const root = writeTree({ ...collection(), ...files });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.text).toContain(words);
    expect(kplay.text).not.toContain('TASK [');
    if (hasAnsible) expect(playMessages(ENGINES.ansible, root).text).toMatch(/ERROR! (couldn't resolve module\/action 'mymod'|the role 'my.coll.nope' was not found)/);
  });
});
