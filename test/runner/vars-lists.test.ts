// vars: written as a list of mappings (older playbooks: ansible-examples' get_url.yml) is their merge, a
// later mapping's names over an earlier's, on a play, a block, a task and a role entry, as Ansible's
// _load_vars takes it.
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const SITE =
  '- hosts: localhost\n  gather_facts: false\n  vars:\n    - {a: 1, b: 1}\n    - {b: 2}\n  roles:\n    - {role: r, vars: [{e: 5}, {e: 6}]}\n  tasks:\n' +
  '    - debug: msg="{{ a }} {{ b }} {{ c }}"\n      vars: [{c: 3}]\n    - block:\n        - debug: msg="d={{ d }}"\n      vars: [{d: 4}]\n';

describe('vars as a list of mappings', () => {
  it('is merged in order on a play, a role entry, a task and a block', () => {
    const root = writeTree({ 'site.yaml': SITE, 'roles/r/tasks/main.yml': '- debug: msg="r {{ e }}"\n' });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs, kplay.text).toEqual(['r 6', '1 2 3', 'd=4']);
    if (hasAnsible) expect(playMessages(ENGINES.ansible, root).msgs).toEqual(kplay.msgs);
  });
});
