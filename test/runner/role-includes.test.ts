// A role's files and import_role/include_role options that were accepted and ignored: vars and defaults
// given as directories (vars/main/*.yml); vars_from, defaults_from,
// handlers_from, public, apply (include_tasks' too), rolespec_validate and allow_duplicates; the handlers of
// a role only include_role names; and which handler a name reaches (Ansible 2.14's search: the last handler
// block first, the first of that name in a block, so two play handlers of one name run the first only).
// Each row's messages are ansible-playbook 2.14's (compared live where Ansible is installed).
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const ROLE = {
  'roles/r/tasks/main.yml': '- debug: msg="main {{ v }} {{ d }}"\n',
  'roles/r/tasks/other.yml': '- debug: msg="other {{ v }} {{ d }}"\n  changed_when: true\n  notify: h\n',
  'roles/r/vars/main.yml': 'v: main-vars\n',
  'roles/r/vars/alt.yml': 'v: alt-vars\n',
  'roles/r/vars/sub/sv.yml': 'v: sub-vars\n',
  'roles/r/defaults/main.yml': 'd: main-def\n',
  'roles/r/defaults/alt.yml': 'd: alt-def\n',
  'roles/r/handlers/main.yml': '- name: h\n  debug: msg=main-handler\n',
  'roles/r/handlers/alt.yml': '- name: h\n  debug: msg=alt-handler\n',
  'roles/s/tasks/main.yml': '- debug: msg="s {{ n }}"\n',
  'roles/s/meta/argument_specs.yml': 'argument_specs:\n  main:\n    options:\n      n: {type: int, required: true}\n',
  // a role whose defaults and vars are directories (Ansible's find_vars_files), besides a vars/main.yml
  'roles/t/defaults/main/a.yml': 'p: a\nq: a\n',
  'roles/t/defaults/main/b.yml': 'q: b\n',
  'roles/t/defaults/main/sub/c.yml': 'r: c\n',
  'roles/t/defaults/main/.hidden.yml': 'p: hidden\n',
  'roles/t/defaults/main/b.yml~': 'q: backup\n',
  'roles/t/defaults/main/skip.txt': 'p: txt\n',
  'roles/t/vars/main.yml': 'z: file\n',
  'roles/t/vars/main/x.yml': 'z: dir\n',
  'roles/t/vars/set/1.yml': 'w: one\n',
  'roles/t/vars/set/2.yml': 'w: two\n',
  'roles/t/tasks/main.yml': '- debug: msg="{{ p }} {{ q }} {{ r }} {{ z }} {{ w | default(\'now\') }}"\n',
  'roles/q/tasks/main.yml': '- command: "true"\n  notify: hq\n',
  // an import_role in a file include_tasks loads at run time
  'imp-q.yml': '- import_role: {name: q}\n',
  'roles/q/defaults/main.yml': 'qd: q-default\n',
  'roles/q/vars/main.yml': 'qv: q-var\n',
  'roles/q/handlers/main.yml': '- name: hq\n  debug: msg="handler {{ qd }} {{ qv }}"\n',
  // a role whose tasks import_role q, brought by include_role
  'roles/iq/tasks/main.yml': '- debug: msg="iq {{ qd | default(\'none\') }} {{ od }}"\n- import_role: {name: q}\n',
  'roles/iq/defaults/main.yml': 'od: iq-default\n',
  // iq's dependency imports q2: q2 joins the play too (iqdep itself, a dependency of the included role, does not)
  'roles/iq/meta/main.yml': 'dependencies: [iqdep]\n',
  'roles/iqdep/tasks/main.yml': '- import_role: {name: q2}\n',
  'roles/iqdep/defaults/main.yml': 'dd: dep-default\n',
  'roles/q2/defaults/main.yml': 'q2d: q2-default\n',
  'roles/q2/tasks/main.yml': '- debug: msg="q2 {{ q2d }}"\n',
  'roles/hr/tasks/main.yml': '- command: "true"\n  notify: [ph, rh, h]\n',
  'roles/hr/handlers/main.yml': '- name: rh\n  debug: msg=role-rh\n- name: h\n  debug: msg=role-h\n',
  'inc.yml': '- debug: msg="inc {{ q | default(\'none\') }}"\n',
  'roles/u/tasks/main.yml': '- debug: msg="u a={{ a | default(0) }}"\n',
  // role variables: pa's and pb's vars files set x; pd's sets y and depends on pa with a vars: keyword
  'roles/pa/tasks/main.yml': '- debug: msg="pa x={{ x }} y={{ y }}"\n',
  'roles/pa/vars/main.yml': 'x: pa-vars\n',
  'roles/pb/tasks/main.yml': '- debug: msg="pb x={{ x }} y={{ y }}"\n',
  'roles/pb/vars/main.yml': 'x: pb-vars\n',
  'roles/pd/tasks/main.yml': '- debug: msg="pd x={{ x }} y={{ y }}"\n',
  'roles/pd/vars/main.yml': 'y: pd-vars\n',
  'roles/pd/meta/main.yml': 'dependencies: [{role: pa, vars: {y: dep-kw}}]\n',
  'roles/ph/tasks/main.yml': '- command: "true"\n  notify: phh\n',
  'roles/ph/vars/main.yml': 'x: ph-vars\n',
  'roles/ph/handlers/main.yml': '- name: phh\n  debug: msg="ph handler x={{ x }}"\n',
  'roles/pv/tasks/main.yml': '- debug: msg="pv a={{ a | default(0) }} b={{ b | default(0) }}"\n',
  // ansible_parent_role_names and _paths: the roles whose include_role or import_role brought a role, nearest first
  'roles/pra/tasks/main.yml': '- debug: msg="pra {{ ansible_parent_role_names | default(\'none\') }} [{{ ansible_collection_name }}]"\n- include_role: {name: prb}\n',
  'roles/pra/meta/main.yml': 'dependencies: [prd]\n',
  'roles/prb/tasks/main.yml': '- debug: msg="prb {{ ansible_parent_role_names }} {{ ansible_parent_role_paths | map(\'basename\') | list }}"\n- import_role: {name: prc}\n',
  'roles/prc/tasks/main.yml': '- debug: msg="prc {{ ansible_parent_role_names | default(\'none\') }}"\n',
  'roles/prx/tasks/main.yml': '- import_role: {name: prc}\n',
  'roles/prd/tasks/main.yml': '- debug: msg="prd {{ ansible_parent_role_names | default(\'none\') }}"\n',
};

// a play of roles and tasks on localhost, with play vars x and y
const rolesPlay = (roles: string, tasks: string): string => `- hosts: localhost\n  gather_facts: false\n  vars: {x: play, y: play}\n  roles: [${roles}]\n  tasks:\n${tasks}`;

const play = (tasks: string, handlers = ''): string => `- hosts: localhost\n  gather_facts: false\n  vars: {v: play, n: 1}\n  tasks:\n${tasks}${handlers ? `  handlers:\n${handlers}` : ''}`;

const names = '{{ ansible_play_role_names }} {{ ansible_role_names | sort }} {{ ansible_dependent_role_names }} {{ role_names }}';

const rows: [string, string, string[]][] = [
  [
    "ansible_play_role_names, role_names, ansible_dependent_role_names and ansible_role_names: roles: entries and import_roles (after the roles they import), their dependencies, and the roles includes bring",
    rolesPlay('pra', `    - debug: msg="before ${names}"\n    - include_role: {name: prc}\n    - include_role: {name: prd, public: true}\n    - import_role: {name: prx}\n    - debug: msg="after ${names}"\n`),
    // (prb, which pra includes, loads for the first time when it runs: its import of prc appends prc again)
    ['prd none', 'pra none []', "prb ['pra'] ['pra']", "prc ['prb', 'pra']", "before ['pra', 'prc', 'prx', 'prc'] ['pra', 'prc', 'prd', 'prx'] ['prd'] ['pra', 'prc', 'prx', 'prc']", 'prc none', 'prd none', "prc ['prx']", "after ['pra', 'prc', 'prx', 'prc', 'prd'] ['pra', 'prc', 'prd', 'prx'] ['prd'] ['pra', 'prc', 'prx', 'prc', 'prd']"],
  ],
  ['ansible_parent_role_names and _paths name the roles that brought a role by include_role or import_role, nearest first', rolesPlay('pra', '    - include_role: {name: prc}\n'), ['prd none', 'pra none []', "prb ['pra'] ['pra']", "prc ['prb', 'pra']", 'prc none']],
  ['vars_from, defaults_from and handlers_from on import_role and include_role', play('    - import_role: {name: r, tasks_from: other, vars_from: alt, defaults_from: alt, handlers_from: alt}\n    - include_role: {name: r, tasks_from: other, vars_from: sub/sv}\n'), ['other alt-vars alt-def', 'other sub-vars main-def', 'alt-handler', 'main-handler']],
  ["include_role's handlers, notified by its own tasks", play('    - include_role: {name: r, tasks_from: other}\n'), ['other main-vars main-def', 'main-handler']],
  ["a private include's handlers see its role's defaults and vars", play('    - include_role: {name: q}\n    - debug: msg="after {{ qd | default(\'none\') }}"\n'), ['after none', 'handler q-default q-var']],
  ["include_role's variables are its tasks' alone unless public", play('    - include_role: {name: r}\n    - debug: msg="after {{ v }} {{ d | default(\'nod\') }}"\n    - include_role: {name: r, public: true, vars_from: alt}\n    - debug: msg="after2 {{ v }} {{ d }}"\n'), ['main main-vars main-def', 'after play nod', 'main alt-vars main-def', 'after2 alt-vars main-def']],
  ['apply gives the included tasks its keywords (when) and vars', play('    - include_tasks: {file: inc.yml, apply: {vars: {q: applied}, when: false}}\n    - include_tasks: {file: inc.yml, apply: {vars: {q: second}}}\n'), ['inc second']],
  ['rolespec_validate: false skips the argument spec check', play('    - include_role: {name: s, rolespec_validate: false}\n      vars: {n: not-a-number}\n'), ['s not-a-number']],
  ['allow_duplicates: false runs an included role once', play('    - include_role: {name: r}\n    - include_role: {name: r, allow_duplicates: false}\n    - include_role: {name: r}\n'), ['main main-vars main-def', 'main main-vars main-def']],
  ["a role's defaults in a directory (sorted, recursive, no hidden, backup or other files); vars/main.yml over vars/main/; vars_from a directory", play('    - import_role: {name: t}\n    - include_role: {name: t, vars_from: set}\n'), ['a b c file now', 'a b c file two']],
  ["the roles' handlers run before the play's, and a name both have is the play's", '- hosts: localhost\n  gather_facts: false\n  roles: [hr]\n  handlers:\n    - name: ph\n      debug: msg=play-ph\n    - name: h\n      debug: msg=play-h\n', ['role-rh', 'play-ph', 'play-h']],
  [
    "allow_duplicates: false on include_role: a role's identity is the include's vars and *_from files, never a roles: entry's",
    rolesPlay('u', '    - include_role: {name: u, allow_duplicates: false}\n    - include_role: {name: u}\n      vars: {a: 1}\n    - include_role: {name: u, allow_duplicates: false}\n      vars: {a: 1}\n    - include_role: {name: u, allow_duplicates: false}\n      vars: {a: 2}\n    - include_role: {name: u, allow_duplicates: false, tasks_from: main}\n      vars: {a: 1}\n'),
    ['u a=0', 'u a=0', 'u a=1', 'u a=2', 'u a=1'],
  ],
  [
    "allow_duplicates: false on import_role skips an identity that ran (an include's with the same vars too); import_role's vars are the play's",
    `${rolesPlay('u', '    - import_role: {name: u}\n    - import_role: {name: u, allow_duplicates: false}\n    - import_role: {name: u, allow_duplicates: false}\n      vars: {a: 3}\n    - include_role: {name: u, allow_duplicates: false}\n      vars: {a: 3}\n')}${rolesPlay('', '    - import_role: {name: u, allow_duplicates: false}\n    - import_role: {name: u}\n')}`,
    ['u a=3', 'u a=3', 'u a=3', 'u a=0', 'u a=0'],
  ],
  [
    "a role's tasks see its own vars over other roles'; a roles: entry's vars: keyword is below its vars files, and the play's",
    rolesPlay('pa, pb, {role: pd, vars: {x: pd-kw}}', '    - debug: msg="task x={{ x }} y={{ y }}"\n'),
    ['pa x=pa-vars y=pd-vars', 'pb x=pb-vars y=pd-vars', 'pa x=pa-vars y=dep-kw', 'pd x=pd-kw y=pd-vars', 'task x=pd-kw y=pd-vars'],
  ],
  [
    "an import's or include's vars: are over the role's vars files; a public include's are the play's",
    rolesPlay('{role: pd, vars: {y: pd-kw}}', '    - import_role: {name: pd}\n      vars: {y: imp-kw}\n    - include_role: {name: pd}\n      vars: {y: inc-kw}\n    - include_role: {name: pd, public: true}\n      vars: {y: inc-pub-kw}\n    - debug: msg="task y={{ y }}"\n'),
    ['pa x=pa-vars y=dep-kw', 'pd x=pa-vars y=pd-vars', 'pd x=pa-vars y=imp-kw', 'pd x=pa-vars y=inc-kw', 'pd x=pa-vars y=inc-pub-kw', 'task y=pd-vars'],
  ],
  [
    "the vars: of a roles: entry and of an import_role reach every task of the play, a private include's do not",
    "- hosts: localhost\n  gather_facts: false\n  roles: [pv, {role: u, vars: {a: 1}}]\n  tasks:\n    - debug: msg=\"task a={{ a | default(0) }} b={{ b | default(0) }}\"\n    - import_role: {name: pv}\n      vars: {b: 2}\n    - include_role: {name: pv}\n      vars: {b: 3}\n    - debug: msg=\"task2 a={{ a | default(0) }} b={{ b | default(0) }}\"\n",
    ['pv a=1 b=2', 'u a=1', 'task a=1 b=2', 'pv a=1 b=2', 'pv a=1 b=3', 'task2 a=1 b=2'],
  ],
  [
    'a public include included again (another item, later) puts its variables last, once',
    rolesPlay('', '    - include_role: {name: pa, public: true}\n      loop: [1, 2]\n    - include_role: {name: pb, public: true}\n    - debug: msg="after pb x={{ x }}"\n    - include_role: {name: pa, public: true}\n    - debug: msg="after pa again x={{ x }}"\n'),
    ['pa x=pa-vars y=play', 'pa x=pa-vars y=play', 'pb x=pb-vars y=play', 'after pb x=pb-vars', 'pa x=pa-vars y=play', 'after pa again x=pa-vars'],
  ],
  ["a role's handler sees its role's vars over a later role's", rolesPlay('ph, pb', ''), ['pb x=pb-vars y=play', 'ph handler x=ph-vars']],
  [
    "an import_role in a file include_tasks loads: its role's defaults, vars and handlers are the play's once the include runs, not before",
    play('    - debug: msg="before {{ qd | default(\'none\') }} {{ qv | default(\'none\') }}"\n    - include_tasks: imp-q.yml\n    - debug: msg="after {{ qd }} {{ qv }}"\n'),
    ['before none none', 'after q-default q-var', 'handler q-default q-var'],
  ],
  [
    'the same where the file name is a template (the file is read only when the include runs)',
    play('    - include_tasks: "{{ \'imp-q.yml\' }}"\n    - debug: msg="after {{ qd }} {{ qv }}"\n'),
    ['after q-default q-var', 'handler q-default q-var'],
  ],
  [
    "an import_role in a role include_role loads: its role's defaults, vars and handlers are the play's once the include runs (the included role's own stay its own)",
    play('    - debug: msg="before {{ qd | default(\'none\') }}"\n    - include_role: {name: iq}\n    - debug: msg="after {{ qd }} {{ qv }} {{ od | default(\'none\') }} {{ q2d }} {{ dd | default(\'none\') }}"\n'),
    ['before none', 'q2 q2-default', 'iq q-default iq-default', 'after q-default q-var none q2-default none', 'handler q-default q-var'],
  ],
  ['a name reaches one handler (the first of two in the play), a topic every listener', play('    - command: "true"\n      notify: h\n', '    - name: h\n      debug: msg=first\n    - name: h\n      debug: msg=second\n    - name: other\n      debug: msg=listener\n      listen: h\n'), ['first', 'listener']],
];

const messages = (argv: readonly string[], root: string, flags: string[] = []): { msgs: string[]; text: string } => playMessages(argv, root, 'site.yaml', flags);

describe('role includes', () => {
  it.each(rows)('%s', (_name, site, expected) => {
    const root = writeTree({ ...ROLE, 'site.yaml': site });
    const kplay = messages(ENGINES.kplay, root);
    expect(kplay.msgs, kplay.text).toEqual(expected);
    if (hasAnsible) expect(messages(['ansible-playbook'], root).msgs).toEqual(expected);
  });

  it("apply's tags reach the included tasks (the include's own do not): --tags x runs them", () => {
    const root = writeTree({ ...ROLE, 'tagged.yml': '- debug: msg="tagged {{ n }}"\n', 'site.yaml': play('    - include_tasks: {file: tagged.yml, apply: {tags: [x]}}\n      tags: [x]\n    - include_tasks: {file: tagged.yml}\n      vars: {n: 2}\n      tags: [x]\n') });
    const kplay = messages(ENGINES.kplay, root, ['--tags', 'x']);
    expect(kplay.msgs, kplay.text).toEqual(['tagged 1']);
    if (hasAnsible) expect(messages(['ansible-playbook'], root, ['--tags', 'x']).msgs).toEqual(['tagged 1']);
  });

  it.each([
    ['a vars_from file the role does not have', '    - import_role: {name: r, vars_from: nosuch}\n', 'Could not find specified file in role: vars/nosuch'],
    ['a vars_from outside the role', '    - import_role: {name: r, vars_from: ../../../inc.yml}\n', 'as it is not inside the expected role path'],
    ['public on import_role', '    - import_role: {name: r, public: true}\n', 'public'],
    ['an apply keyword no block takes', '    - include_tasks: {file: inc.yml, apply: {nosuch: 1}}\n', "'nosuch' is not a valid attribute for a block (apply)"],
  ])('%s is refused before anything runs', (_name, tasks, words) => {
    const root = writeTree({ ...ROLE, 'site.yaml': play(tasks) });
    const { text } = messages(ENGINES.kplay, root);
    expect(text).toContain(words);
    expect(text).not.toContain('TASK [');
  });
});
