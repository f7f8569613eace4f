// A play that import_playbook brought from another directory runs from that directory, as Ansible's
// loader basedir is the imported playbook's while its plays load and run: its roles (roles: and
// include_role), its group_vars/ (and not the first playbook's), playbook_dir, and files next to it.
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const TREE = {
  'site.yml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg="top {{ gv_top | default(\'-\') }} {{ gv_sub | default(\'-\') }} {{ playbook_dir | basename }}"\n- import_playbook: sub/p.yml\n',
  'group_vars/all.yml': 'gv_top: top\n',
  'sub/group_vars/all.yml': 'gv_sub: sub\n',
  'sub/roles/sr/tasks/main.yml': '- debug: msg="sr {{ playbook_dir | basename }}"\n',
  'sub/files/f.txt': 'subfile\n',
  'sub/vf.yml': 'vf: sub-vf\n',
  'sub/p.yml':
    '- hosts: localhost\n  gather_facts: false\n  vars_files: [vf.yml]\n  roles: [sr]\n  tasks:\n' +
    '    - debug: msg="sub {{ gv_top | default(\'-\') }} {{ gv_sub | default(\'-\') }} {{ vf }} {{ lookup(\'file\', \'f.txt\') }}"\n' +
    '    - include_role: {name: sr}\n',
  'vars-only.yml': '- import_playbook: sub/vars.yml\n',
  'sub/vars.yml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg="{{ gv_top | default(\'-\') }} {{ gv_sub | default(\'-\') }} {{ playbook_dir | basename }}"\n',
};

const EXPECTED = ['top top - ', 'sr sub', 'sub - sub sub-vf subfile', 'sr sub'];

describe('a play from an imported playbook in another directory', () => {
  it("finds its roles there, reads that directory's group_vars (not the first playbook's) and names it playbook_dir", () => {
    const root = writeTree(TREE);
    const kplay = playMessages(ENGINES.kplay, root, 'site.yml');
    // the first play's playbook_dir is the temporary root: its name is not fixed, so it is cut off here
    expect(kplay.msgs.map((m) => m.replace(/^(top \S+ \S+ ).*$/, '$1')), kplay.text).toEqual(EXPECTED);
    if (hasAnsible) expect(playMessages(ENGINES.ansible, root, 'site.yml').msgs).toEqual(kplay.msgs);
  });

  it("without roles: that directory's group_vars and playbook_dir", () => {
    const root = writeTree(TREE);
    const kplay = playMessages(ENGINES.kplay, root, 'vars-only.yml');
    expect(kplay.msgs, kplay.text).toEqual(['- sub sub']);
    if (hasAnsible) expect(playMessages(ENGINES.ansible, root, 'vars-only.yml').msgs).toEqual(kplay.msgs);
  });
});
