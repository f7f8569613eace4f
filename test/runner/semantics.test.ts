// Execution semantics, one small playbook per row: what must (and must not) appear in the output,
// and the exit code. Hosts use the local connection; files go to a fresh directory per row.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { writeTree } from '../support/tree.js';

const INV = '[web]\nn1 ansible_connection=local\nn2 ansible_connection=local\nn3 ansible_connection=local\n';

interface Row {
  name: string;
  play: string;
  args?: string[];
  rc: number;
  has?: (string | RegExp)[];
  hasNot?: (string | RegExp)[];
  files?: Record<string, string>;
  /** How many times a text appears. */
  count?: Record<string, number>;
}

const header = (extra = ''): string => `- hosts: web\n  gather_facts: false\n${extra}  tasks:\n`;

const rows: Row[] = [
  // become's precedence, as Ansible's (checked against ansible-playbook 2.14 by hand): the host's variables,
  // then the keywords, then -b/--become-user/--become-method, then kplay.cfg (these four were ignored before)
  {
    name: '-b --become-user: every task becomes that user',
    play: header() + '    - command: id -un\n      register: r\n      run_once: true\n    - debug: var=r.stdout\n      run_once: true\n',
    args: ['-b', '--become-user', 'nobody'],
    rc: 0,
    has: ['"r.stdout": "nobody"'],
  },
  {
    name: "kplay.cfg's [privilege_escalation] become and become_user",
    play: header() + '    - command: id -un\n      register: r\n      run_once: true\n    - debug: var=r.stdout\n      run_once: true\n',
    files: { 'kplay.cfg': '[privilege_escalation]\nbecome = True\nbecome_user = nobody\n' },
    rc: 0,
    has: ['"r.stdout": "nobody"'],
  },
  {
    name: "the host's ansible_become_user over the become_user keyword; ansible_become: false over become: true",
    play:
      header('  become: true\n  become_user: root\n') +
      '    - command: id -un\n      register: r\n      vars: {ansible_become_user: nobody}\n      run_once: true\n    - debug: var=r.stdout\n      run_once: true\n' +
      '    - command: id -un\n      register: r2\n      become_user: nobody\n      vars: {ansible_become: false}\n      run_once: true\n    - debug: var=r2.stdout\n      run_once: true\n',
    rc: 0,
    has: ['"r.stdout": "nobody"', '"r2.stdout": "root"'],
  },
  {
    name: 'a become method kplay does not have fails the task, naming it',
    play: header() + '    - command: id -un\n      become: true\n      vars: {ansible_become_method: doas}\n      run_once: true\n',
    rc: 2,
    has: ["become method 'doas' is not supported by kplay (sudo, su)"],
  },
  // checked against ansible-playbook 2.14: a later play whose hosts all failed before shows its banner and
  // nothing else; "no hosts matched" is for a pattern that matched none
  {
    name: "a play whose hosts all failed earlier is not 'no hosts matched'",
    play: header() + '    - fail: msg=x\n      when: inventory_hostname == "n1"\n- hosts: n1\n  tasks:\n    - debug: msg=not-reached\n- hosts: web\n  gather_facts: false\n  tasks:\n    - debug: msg=reached\n',
    rc: 2,
    has: ['PLAY [n1]', '"msg": "reached"'],
    hasNot: ['no hosts matched', 'not-reached'],
  },
  // checked against ansible-playbook 2.14: past max_fail_percentage the hosts left stop after that task (kplay went
  // on to the batch's end before), and both stops print NO MORE HOSTS LEFT
  {
    name: 'max_fail_percentage stops the hosts left right after the task that passes it',
    play: '- hosts: web\n  gather_facts: false\n  max_fail_percentage: 30\n  tasks:\n    - fail: msg=x\n      when: inventory_hostname != "n1"\n    - debug: msg=not-reached\n',
    rc: 2,
    hasNot: ['not-reached'],
    count: { 'NO MORE HOSTS LEFT': 2 },
  },
  {
    name: 'a failure a rescue clears does not count toward max_fail_percentage',
    play: '- hosts: web\n  gather_facts: false\n  max_fail_percentage: 30\n  tasks:\n    - block:\n        - fail: msg=x\n          when: inventory_hostname != "n1"\n        - debug: msg=in-block\n      rescue:\n        - debug: msg=rescued\n    - debug: msg=after\n',
    rc: 0,
    count: { '"msg": "after"': 3, '"msg": "rescued"': 2 },
    hasNot: ['NO MORE HOSTS LEFT'],
  },
  {
    name: "kplay.cfg's any_errors_fatal stops every host at the first failure; it warns of a setting it does not read",
    play: header() + '    - fail: msg=x\n      when: inventory_hostname == "n2"\n    - debug: msg=not-reached\n',
    files: { 'kplay.cfg': '[defaults]\nany_errors_fatal = True\nhash_behaviour = merge\n' },
    rc: 2,
    hasNot: ['not-reached'],
    has: ['kplay.cfg sets [defaults] hash_behaviour,'],
    count: { 'NO MORE HOSTS LEFT': 1 },
  },
  {
    name: "kplay.cfg's force_handlers runs the handlers of a host that failed",
    play: header() + '    - command: "true"\n      notify: h\n    - fail: msg=x\n  handlers:\n    - name: h\n      debug: msg=handled\n',
    files: { 'kplay.cfg': '[defaults]\nforce_handlers = True\n' },
    rc: 2,
    count: { '"msg": "handled"': 3 },
  },
  {
    name: 'gathering = smart gathers a host once per run (meta: clear_facts makes it gather again)',
    play: '- hosts: web\n  tasks:\n    - debug: msg=one\n      run_once: true\n- hosts: web\n  tasks:\n    - meta: clear_facts\n      run_once: true\n- hosts: web\n  tasks:\n    - debug: msg=three\n      run_once: true\n- hosts: web\n  tasks:\n    - debug: msg=four\n      run_once: true\n',
    files: { 'kplay.cfg': '[defaults]\ngathering = smart\n' },
    rc: 0,
    count: { 'TASK [Gathering Facts]': 2 },
  },
  {
    name: 'gathering = explicit gathers only where a play says gather_facts: true',
    play: '- hosts: web\n  tasks:\n    - debug: msg="{{ ansible_facts.hostname | default(\'none\') }}"\n      run_once: true\n- hosts: web\n  gather_facts: true\n  tasks: []\n',
    files: { 'kplay.cfg': '[defaults]\ngathering = explicit\n' },
    rc: 0,
    has: ['"msg": "none"'],
    count: { 'TASK [Gathering Facts]': 1 },
  },
  {
    name: "loop_control's extended gives ansible_loop (allitems unless extended_allitems: false), registered with each item; pause waits between items",
    play:
      header() +
      '    - debug: msg="{{ ansible_loop.index }}/{{ ansible_loop.length }} {{ ansible_loop.first }} {{ ansible_loop.last }} {{ ansible_loop.revindex0 }} {{ ansible_loop.previtem | default(\'-\') }} {{ ansible_loop.nextitem | default(\'-\') }} {{ ansible_loop.allitems }}"\n      loop: [a, b]\n      loop_control: {extended: true, pause: 1}\n      register: r\n      run_once: true\n' +
      '    - debug: msg="{{ ansible_loop.allitems | default(\'none\') }} {{ r.results[1].ansible_loop.previtem }}"\n      loop: [x]\n      loop_control: {extended: true, extended_allitems: false}\n      run_once: true\n',
    rc: 0,
    has: ['"msg": "1/2 True False 1 - b [\'a\', \'b\']"', '"msg": "2/2 False True 0 a - [\'a\', \'b\']"', '"msg": "none a"', /\n +1\.\d\ds +debug\n/],
  },
  {
    name: 'a loop variable already in use is warned of once per task, as Ansible warns',
    play: '- hosts: web\n  gather_facts: false\n  vars: {item: preset}\n  tasks:\n    - name: named one\n      debug: msg="{{ item }}"\n      loop: [b]\n',
    rc: 0,
    count: { "[WARNING]: TASK: named one: The loop variable 'item' is already in use.": 1 },
  },
  {
    name: "a play's order: reverse_sorted runs the hosts by name, backwards",
    play: '- hosts: web\n  gather_facts: false\n  order: reverse_sorted\n  tasks:\n    - debug: msg="at {{ inventory_hostname }}"\n',
    args: ['-f', '1'],
    rc: 0,
    has: [/ok: \[n3\][^]*ok: \[n2\][^]*ok: \[n1\]/],
  },
  {
    name: "a play's force_handlers: true runs a notified handler on a host that failed later",
    play: header('  force_handlers: true\n') + '    - command: "true"\n      notify: h\n    - fail: msg=stop\n      when: inventory_hostname == "n2"\n  handlers:\n    - name: h\n      debug: msg="handled on {{ inventory_hostname }}"\n',
    rc: 2,
    has: ['"msg": "handled on n2"', '"msg": "handled on n1"'],
  },
  {
    name: "a block's notify notifies for each task of the block that changed",
    play: header() + '    - block:\n        - command: "true"\n      notify: h\n  handlers:\n    - name: h\n      debug: msg=handled\n',
    rc: 0,
    count: { '"msg": "handled"': 3 },
  },
  {
    name: 'delegate_facts: true gives the delegate the facts set_fact sets (the host itself gets none); a delegated task skipped by when names no delegate',
    play: header() + '    - set_fact: {marker: "from {{ inventory_hostname }}"}\n      delegate_to: n1\n      delegate_facts: true\n      when: inventory_hostname == "n3"\n    - debug: msg="{{ inventory_hostname }} {{ marker | default(\'none\') }}"\n',
    rc: 0,
    has: ['"msg": "n1 from n3"', '"msg": "n3 none"', '"msg": "n2 none"', 'ok: [n3 -> n1]', 'skipping: [n2]'],
    hasNot: ['skipping: [n2 -> n1]'],
  },
  {
    // checked against ansible-playbook 2.14: the same task name, messages (but for Python's class name of a YAML string) and order
    name: "a role's meta/argument_specs.yml: its variables are checked first, in a task of its own tagged always",
    play:
      '- hosts: web\n  gather_facts: false\n  roles:\n    - {role: app, app_port: "8080", app_mode: a, app_opts: {level: 3}}\n' +
      '- hosts: web\n  gather_facts: false\n  roles:\n    - {role: app, app_port: http, app_mode: c, app_list: [x], app_opts: {}}\n',
    args: ['--tags', 'none-of-these'],
    files: {
      'roles/app/meta/argument_specs.yml': 'argument_specs:\n  main:\n    short_description: An app\n    options:\n      app_port: {type: int, required: true}\n      app_mode: {type: str, choices: [a, b]}\n      app_list: {type: list, elements: int}\n      app_opts:\n        type: dict\n        options:\n          level: {type: int, required: true}\n',
      'roles/app/tasks/main.yml': '- debug: msg="port {{ app_port }}"\n',
    },
    rc: 2,
    has: [
      "TASK [app : Validating arguments against arg spec 'main' - An app]",
      /TASK \[app : Validating arguments against arg spec 'main' - An app\] \*+\nok: \[n1\]/,
      "Validation of arguments failed:\\nargument 'app_port' is of type <class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted to an int\\nElements value for option 'app_list' is of type <class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted to an int\\nvalue of app_mode must be one of: a, b, got: c\\nmissing required arguments: level found in app_opts",
    ],
    hasNot: ['port 8080'],
  },
  {
    // checked against ansible-playbook 2.14: an import_tasks in the handlers imports handlers (listen
    // included), and the import's when applies to each of them
    name: 'handlers imported with import_tasks listen to their topics and inherit the import\'s when',
    play:
      '- hosts: web\n  gather_facts: false\n  handlers:\n    - import_tasks: more-handlers.yaml\n      when: inventory_hostname != "n3"\n  tasks:\n    - command: "true"\n      notify: restart all\n',
    files: { 'more-handlers.yaml': '- name: first\n  debug: msg="first on {{ inventory_hostname }}"\n  listen: restart all\n- name: second\n  debug: msg="second on {{ inventory_hostname }}"\n  listen: restart all\n' },
    rc: 0,
    has: ['RUNNING HANDLER [first]', 'RUNNING HANDLER [second]', '"msg": "first on n1"', '"msg": "second on n2"'],
    hasNot: ['first on n3', 'second on n3'],
  },
  {
    name: 'a task file that includes itself (a retry loop) loads, and runs as deep as its condition lets it',
    play: header() + '    - include_tasks: again.yaml\n    - debug: var=n\n      run_once: true\n',
    files: { 'again.yaml': '- set_fact: {n: "{{ (n | default(0) | int) + 1 }}"}\n- include_tasks: again.yaml\n  when: n | int < 3\n' },
    rc: 0,
    has: ['"n": "3"'],
  },
  {
    // checked against ansible-playbook 2.14 (--list-tasks and a run)
    name: "import_role with tasks_from runs the role's dependencies first; a dependency is also found next to the role that needs it",
    play: header() + '    - import_role: {name: apps/ctrl, tasks_from: extra}\n      run_once: true\n',
    files: {
      'roles/apps/ctrl/meta/main.yml': 'dependencies:\n  - role: ctrl/sub\n',
      'roles/apps/ctrl/tasks/main.yml': '- debug: msg=ctrl-main\n',
      'roles/apps/ctrl/tasks/extra.yml': '- debug: msg=ctrl-extra\n',
      'roles/apps/ctrl/sub/tasks/main.yml': '- debug: msg=sub-ran\n',
    },
    rc: 0,
    has: [/sub-ran[\s\S]*ctrl-extra/],
    hasNot: ['ctrl-main'],
  },
  {
    name: 'with_inventory_hostnames: the hosts a pattern names, from the groups (add_host included)',
    play: header() + '    - add_host: {name: extra1, groups: web}\n      run_once: true\n    - debug: msg="{{ item }}"\n      with_inventory_hostnames: "web:!n2"\n      run_once: true\n',
    rc: 0,
    has: ['(item=n1)', '(item=n3)', '(item=extra1)'],
    hasNot: ['(item=n2)'],
  },
  {
    name: "SELinux file options on a host without SELinux are accepted and do nothing, as in Ansible",
    play: header() + '    - copy: {content: "x\\n", dest: "{{ playbook_dir }}/se.txt", setype: etc_t, seuser: system_u}\n      run_once: true\n',
    rc: 0,
    has: ['changed: [n1]'],
  },
  {
    name: 'vars_prompt without a terminal: the default, or the value given with -e; none of either stops the run before any host is touched',
    play: '- hosts: web\n  gather_facts: false\n  vars_prompt:\n    - {name: who, default: nobody, private: false}\n    - {name: word}\n  tasks:\n    - debug: msg="{{ who }}/{{ word }}"\n      run_once: true\n',
    args: ['-e', 'word=given'],
    rc: 0,
    has: ['"msg": "nobody/given"'],
  },
  {
    // checked against ansible-playbook 2.14: the same modes and working directory
    name: 'module_defaults: play, block and task defaults merge per module (inner wins), the task\'s own arguments win, an include inherits them, values are templated',
    play:
      '- hosts: web\n  gather_facts: false\n  module_defaults:\n    ansible.builtin.file: {mode: "0600"}\n    command: {chdir: "{{ playbook_dir }}/{{ sub }}"}\n  vars: {sub: d}\n  tasks:\n' +
      '    - file: {path: "{{ playbook_dir }}/d/a", state: touch}\n      run_once: true\n' +
      '    - block:\n        - file: {path: "{{ playbook_dir }}/d/b", state: touch}\n          run_once: true\n        - include_tasks: inc.yaml\n      module_defaults:\n        file: {mode: "0640"}\n' +
      '    - file: {path: "{{ playbook_dir }}/d/c", state: touch, mode: "0644"}\n      module_defaults: {file: {mode: "0604"}}\n      run_once: true\n' +
      '    - file: {path: "{{ playbook_dir }}/d/d", state: touch}\n      module_defaults: [{file: {mode: "0606"}}, {ansible.builtin.file: {mode: "0660"}}]\n      run_once: true\n' +
      "    - command: stat -c '%n %a' a b c d e\n      register: m\n      run_once: true\n    - debug: var=m.stdout_lines\n      run_once: true\n",
    files: { 'd/.keep': '', 'inc.yaml': '- file: {path: "{{ playbook_dir }}/d/e", state: touch}\n  run_once: true\n' },
    rc: 0,
    has: [/"a 600",\s+"b 640",\s+"c 644",\s+"d 660",\s+"e 640"/],
  },
  {
    name: 'module_defaults give a required argument; the play\'s defaults for setup are its fact gathering\'s arguments',
    play: '- hosts: web\n  module_defaults:\n    setup: {filter: ["ansible_hostname"]}\n    stat: {path: "{{ playbook_dir }}/site.yaml"}\n  tasks:\n    - stat: {}\n      register: s\n      run_once: true\n    - debug: msg="{{ s.stat.exists }} {{ ansible_hostname is defined }} {{ ansible_kernel is defined }}"\n      run_once: true\n',
    rc: 0,
    has: ['"msg": "True True False"'],
  },
  {
    // as ansible-playbook 2.14 prints it: no per-host line for an include, one `included:` line per file
    // and item (all of them before the files run), nothing for include_role
    name: 'include_tasks says `included: FILE for HOSTS` (per item in a loop); include_role prints no line of its own',
    play: header() + '    - include_tasks: inc.yaml\n    - include_tasks: inc.yaml\n      loop: [1, two]\n    - include_role: {name: r}\n',
    files: { 'inc.yaml': '- debug: msg="in {{ item | default(0) }}"\n  run_once: true\n', 'roles/r/tasks/main.yaml': '- debug: msg=role\n  run_once: true\n' },
    rc: 0,
    has: [/included: \S+\/inc\.yaml for n1, n2, n3\n/, /included: \S+\/inc\.yaml for n1, n2, n3 => \(item=1\)\nincluded: \S+\/inc\.yaml for n1, n2, n3 => \(item=two\)\n/, /TASK \[include_role : r\][^\n]*\n\nTASK \[r : debug\]/],
    hasNot: [/TASK \[include_tasks\][^\n]*\nok:/],
  },
  {
    // checked against ansible-playbook 2.14 on the same playbook: every registered result says `failed`
    // (a when-skipped task's does not), printed results leave `failed` and `skipped` out
    name: 'registered results carry failed: false (commands, check mode, set_fact, debug, assert, loop items); printed ones do not',
    play:
      header() +
      '    - command: "true"\n      register: a\n    - command: "true"\n      register: b\n      when: false\n    - command: echo {{ item }}\n      loop: [1]\n      register: c\n' +
      '    - command: "false"\n      register: d\n      failed_when: false\n    - set_fact: {x: 1}\n      register: f\n    - debug: msg=hi\n      register: g\n    - command: "true"\n      register: i\n      check_mode: true\n    - assert: {that: true}\n      register: j\n' +
      '    - debug:\n        msg: "{{ [a, b, c.results[0], d, f, g, i, j] | map(attribute=\'failed\', default=\'-\') | join(\',\') }}"\n      run_once: true\n',
    args: ['-v'],
    rc: 0,
    has: ['"msg": "False,-,False,False,False,False,False,False"'],
    hasNot: ['"failed": false', '"skipped": true'],
  },
  {
    // as ansible-playbook 2.14: meta tasks are not counted, noop and reset_connection run whatever `when` says
    name: 'meta tasks are not in the recap; noop and reset_connection warn that they do not support when',
    play: header() + '    - debug: msg=x\n    - meta: noop\n    - meta: reset_connection\n      when: false\n    - meta: end_host\n      when: false\n    - meta: flush_handlers\n',
    rc: 0,
    has: [/n1\s+: ok=1\s+changed=0\s+unreachable=0\s+failed=0\s+skipped=0 /, '[WARNING]: reset_connection task does not support when conditional', '[WARNING]: Reset is not implemented for this connection'],
  },
  {
    // as ansible-playbook 2.14 gathers them (test/modules/setup-subset.test.ts compares each subset)
    name: "the play's gather_subset chooses the facts gathered (min: no network facts); an unknown subset fails the gathering as in Ansible",
    play: '- hosts: web\n  gather_subset: [min]\n  tasks:\n    - debug: msg="{{ ansible_hostname is defined }} {{ ansible_default_ipv4 is defined }} {{ ansible_facts.gather_subset }}"\n      run_once: true\n' +
      // the play keyword takes a string as one item (\'!all,network\' excludes an unknown name: min only)
      '- hosts: n1\n  gather_subset: "!all,network"\n  tasks:\n    - debug: msg="{{ ansible_default_ipv4 is defined }} {{ ansible_facts.gather_subset }}"\n' +
      '- hosts: n1\n  gather_subset: [network]\n  tasks:\n    - debug: msg="{{ ansible_default_ipv4 is defined }}"\n- hosts: n1\n  gather_subset: [bogus]\n  tasks:\n    - debug: msg=never\n',
    rc: 2,
    has: ['"msg": "True False [\'min\']"', '"msg": "False [\'!all,network\']"', '"msg": true', "Bad subset 'bogus' given to Ansible. gather_subset options allowed: all, "],
    hasNot: ['"msg": "never"'],
  },
  {
    name: 'a module\'s warnings are shown and registered with its result, as Ansible registers them',
    play: header() + '    - mount: {path: /mnt/kplay-x, src: tmpfs, fstype: tmpfs, state: present, boot: false, fstab: "{{ playbook_dir }}/fstab"}\n      register: m\n      run_once: true\n    - debug: var=m.warnings\n      run_once: true\n',
    rc: 0,
    has: ["[WARNING]: [n1] Ignore the 'boot' due to 'opts' contains 'defaults'.", /"m\.warnings": \[\n\s+"Ignore the 'boot' due to 'opts' contains 'defaults'\."\n\s+\]/],
  },
  {
    name: 'vars_prompt: a private answer (the default) is a secret whatever its name; private: false is shown',
    play: '- hosts: web\n  gather_facts: false\n  vars_prompt:\n    - {name: word, default: swordfish}\n    - {name: who, default: visible, private: false}\n  tasks:\n    - debug: msg="{{ who }} {{ word }}"\n      run_once: true\n    - command: echo {{ word }}\n      run_once: true\n      register: r\n    - debug: var=r.stdout\n      run_once: true\n',
    rc: 0,
    has: ['"msg": "visible <redacted: secret>"', '"r.stdout": "<redacted: secret>"'],
    hasNot: ['swordfish'],
  },
  {
    // the hashes ansible-playbook 2.14 printed for the same entries (passlib)
    name: 'vars_prompt encrypt: the answer (here the default) is hashed with the passlib scheme, salt and salt_size given',
    play:
      '- hosts: web\n  gather_facts: false\n  vars_prompt:\n    - {name: a, default: secret, encrypt: sha512_crypt, salt: abcdefgh, private: false}\n' +
      '    - {name: b, default: secret, encrypt: md5_crypt, salt_size: 7, salt: foo, private: false}\n    - {name: c, default: secret, encrypt: sha256_crypt, private: false}\n' +
      '  tasks:\n    - debug: msg="{{ a }} {{ b }} {{ c | length }} {{ c[:3] }}"\n      run_once: true\n',
    rc: 0,
    has: ['"msg": "$6$rounds=656000$abcdefgh$/Ei/7YaGhLUaj/.Vzhbn8/qTav7snBIiSWc4ltNfH/h5CKGCnV8KtAzHxd56WDXc3DF7SfbULGkU/EoGIlOV70 $1$foo$ygQElgzdVoe51UiGBN5TV/ 77 $5$"'],
  },
  {
    name: "vars_prompt encrypt: the password_hash filter's short name is no passlib scheme, as Ansible says",
    play: '- hosts: web\n  gather_facts: false\n  vars_prompt:\n    - {name: a, default: secret, encrypt: sha512}\n  tasks:\n    - command: touch {{ playbook_dir }}/touched\n',
    rc: 4,
    has: [/site\.yaml:4:43: vars_prompt 'a': passlib does not support 'sha512' algorithm/, 'sha512_crypt, sha256_crypt, md5_crypt'],
    hasNot: ['PLAY ['],
  },
  {
    name: 'vars_prompt: a value nobody can type is refused at the start',
    play: '- hosts: web\n  gather_facts: false\n  vars_prompt:\n    - {name: word, prompt: Word}\n  tasks:\n    - command: touch {{ playbook_dir }}/touched\n',
    rc: 4,
    has: [/site\.yaml:1:3: vars_prompt 'word' needs a terminal to ask on/, 'give the value: -e word=...'],
    hasNot: ['TASK ['],
  },
  {
    name: 'async with poll > 0: the task runs to its end within async seconds and registers the job keys',
    play: header() + '    - command: sleep 1\n      async: 20\n      poll: 2\n      register: r\n      run_once: true\n    - debug: msg="{{ r.rc }}-{{ r.finished }}-{{ r.ansible_job_id is defined }}"\n      run_once: true\n',
    rc: 0,
    has: ['"msg": "0-1-True"'],
  },
  {
    name: 'async: a task that outlives its async seconds fails with Ansible\'s message',
    play: header() + '    - command: sleep 5\n      async: 1\n      poll: 1\n      run_once: true\n',
    rc: 2,
    has: ['async task did not complete within the requested time - 1s'],
  },
  {
    // compared with ansible-playbook 2.14: the same message
    name: "hostvars has the implicit localhost (one host whichever of its names asks): a fact a localhost play set reaches the next play",
    play:
      '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - set_fact: {join_cmd: kubeadm join x}\n' +
      header() +
      '    - debug: msg="{{ hostvars[\'localhost\'].join_cmd }} {{ hostvars[\'127.0.0.1\'].inventory_hostname }} {{ \'localhost\' in hostvars }} {{ hostvars | list | last }}"\n      run_once: true\n',
    rc: 0,
    has: ['"msg": "kubeadm join x localhost True localhost"'],
  },
  {
    // compared with ansible-playbook 2.14: the same messages
    name: 'set_fact with cacheable puts the facts under ansible_facts too; meta: clear_facts forgets the facts of every host of the play but set_fact\'s own; a meta task registers nothing',
    play:
      header() +
      '    - set_fact: {plain_fact: 1}\n    - set_fact: {cached_fact: 2, cacheable: true}\n' +
      '    - debug: msg="{{ ansible_facts.plain_fact | default(\'none\') }} {{ ansible_facts.cached_fact | default(\'none\') }} {{ hostvars[inventory_hostname].ansible_facts.cached_fact | default(\'none\') }}"\n' +
      '    - meta: clear_facts\n      register: cleared\n      run_once: true\n' +
      '    - debug: msg="after {{ plain_fact }} {{ cached_fact }} {{ ansible_facts.cached_fact | default(\'none\') }} {{ cleared | default(\'unregistered\') }}"\n',
    rc: 0,
    has: ['"msg": "none 2 2"', '"msg": "after 1 2 none unregistered"'],
  },
  {
    // compared with ansible-playbook 2.14: the same words (started/finished there 1/0)
    name: 'async with poll: 0 on another module runs it as a job from the controller: async_status gets its result, past its seconds "Timeout exceeded"; an action without async support refuses it; the run waits for a job still going',
    play:
      header() +
      '    - file: {path: "{{ playbook_dir }}/bg-marker", state: touch}\n      async: 30\n      poll: 0\n      register: job\n      run_once: true\n' +
      '    - async_status: {jid: "{{ job.ansible_job_id }}"}\n      register: st\n      until: st.finished\n      retries: 20\n      delay: 1\n      run_once: true\n' +
      '    - wait_for: {path: /nonexistent-kplay-marker, timeout: 60}\n      async: 1\n      poll: 0\n      register: slow\n      run_once: true\n' +
      '    - async_status: {jid: "{{ slow.ansible_job_id }}"}\n      register: sl\n      until: sl.finished\n      retries: 10\n      delay: 1\n      ignore_errors: true\n      run_once: true\n' +
      '    - copy: {content: x, dest: "{{ playbook_dir }}/never"}\n      async: 10\n      poll: 0\n      register: cp\n      ignore_errors: true\n      run_once: true\n' +
      '    - debug: msg="{{ job.started }} {{ job.finished }} {{ job.changed }} / {{ st.changed }} {{ st.state }} {{ st.finished }} / {{ sl.msg }} {{ sl.failed }} / {{ cp.msg }}"\n      run_once: true\n' +
      '    - wait_for: {timeout: 2}\n      async: 20\n      poll: 0\n      run_once: true\n',
    rc: 0,
    has: ['"msg": "True False True / True file True / Timeout exceeded True / async is not supported for this task."', 'waiting for 1 background job(s)'],
  },
  {
    // compared with ansible-playbook 2.14 (which gives started/finished as 1/0; 2.19 and kplay as booleans)
    name: 'async with poll: 0 starts a command as a job on the host; async_status polls it to its result, cleans it up, reports an unknown job',
    play:
      header() +
      '    - shell: sleep 1; echo out; echo err >&2; exit 3\n      async: 30\n      poll: 0\n      register: job\n      run_once: true\n' +
      '    - async_status: {jid: "{{ job.ansible_job_id }}"}\n      register: st\n      until: st.finished\n      retries: 20\n      delay: 1\n      ignore_errors: true\n      run_once: true\n' +
      '    - debug: msg="{{ job.started }} {{ job.finished }} {{ job.changed }} {{ job.results_file is match(\'.*/[.]ansible_async/j[0-9]+[.][0-9]+$\') }} / {{ st.rc }} {{ st.stdout }} {{ st.stderr }} {{ st.failed }} {{ st.finished }} {{ st.attempts > 1 }} {{ st.cmd }}"\n      run_once: true\n' +
      '    - async_status: {jid: "{{ job.ansible_job_id }}", mode: cleanup}\n      register: cl\n      run_once: true\n    - stat: {path: "{{ job.results_file }}"}\n      register: gone\n      run_once: true\n' +
      '    - async_status: {jid: nope}\n      ignore_errors: true\n      run_once: true\n    - debug: msg="{{ cl.erased == job.results_file }} {{ gone.stat.exists }}"\n      run_once: true\n',
    rc: 0,
    has: ['"msg": "True False True True / 3 out err True True True sleep 1; echo out; echo err >&2; exit 3"', /"msg": "could not find job"/, '"msg": "True False"'],
  },
  {
    name: 'async with poll: 0: a job outliving its async seconds is killed and reported as Timeout exceeded; a creates guard is the job\'s result; check mode refuses',
    play:
      header() +
      '    - command: sleep 30\n      async: 1\n      poll: 0\n      register: slow\n      run_once: true\n' +
      '    - async_status: {jid: "{{ slow.ansible_job_id }}"}\n      register: st\n      until: st.finished\n      retries: 10\n      delay: 1\n      ignore_errors: true\n      run_once: true\n' +
      '    - command: touch x\n      args: {creates: /}\n      async: 10\n      poll: 0\n      register: guarded\n      run_once: true\n' +
      '    - async_status: {jid: "{{ guarded.ansible_job_id }}"}\n      register: g\n      run_once: true\n' +
      '    - command: "true"\n      async: 10\n      poll: 0\n      check_mode: true\n      ignore_errors: true\n      run_once: true\n' +
      '    - debug: msg="{{ st.msg }} {{ st.failed }} / {{ g.changed }} {{ g.msg }} {{ g.finished }}"\n      run_once: true\n',
    rc: 0,
    has: ['"msg": "Timeout exceeded True / False Did not run command since \'/\' exists True"', 'check mode and async cannot be used on same task.'],
  },
  {
    // ActionBase.run refuses async in check mode for every module, not only a background command
    name: 'async with poll > 0 in check mode fails before the module runs, for any module, as in Ansible',
    play: header() + '    - file: {path: /tmp/kplay-async-check, state: touch}\n      async: 10\n      poll: 2\n      check_mode: true\n      register: r\n      ignore_errors: true\n    - debug: msg="{{ r.failed }} {{ r.msg }}"\n',
    rc: 0,
    has: ['"msg": "True check mode and async cannot be used on same task."'],
  },
  {
    name: 'a command skipped in check mode is not judged by changed_when/failed_when (its stdout does not exist), as in Ansible',
    play: header() + '    - command: echo hi\n      register: r\n      changed_when: r.stdout is search("hi")\n      failed_when: r.stdout is search("nothing")\n',
    args: ['--check'],
    rc: 0,
    has: [/TASK \[command\] \*+\nskipping: \[n1\]/],
  },
  {
    name: 'a command skipped in check mode registers stdout, rc and the rest, so a later condition on them works, as in Ansible',
    play: header() + '    - command: echo hi\n      register: r\n    - debug: msg="{{ \'x\' in r.stdout }} {{ r.rc }} {{ r.stdout_lines | length }}"\n      when: "\'hi\' not in r.stdout"\n',
    args: ['--check'],
    rc: 0,
    has: ['"msg": "False 0 0"'],
  },
  {
    name: 'ignore_errors is templated when the task fails with an error (an undefined variable), as on a module failure',
    play: header('  vars:\n    tolerate: true\n') + '    - debug: msg="{{ nope }}"\n      ignore_errors: "{{ tolerate }}"\n    - debug: msg=after\n',
    rc: 0,
    has: ['...ignoring', '"msg": "after"', /n1\s+: ok=2 .* ignored=1/],
  },
  {
    name: 'module options are converted after templating: lineinfile create: "yes" (or "{{ flag }}") creates the file',
    play: header('  vars:\n    flag: "on"\n') + '    - lineinfile: {path: "{{ playbook_dir }}/a-{{ inventory_hostname }}.txt", line: one, create: "yes"}\n    - lineinfile: {path: "{{ playbook_dir }}/b-{{ inventory_hostname }}.txt", line: two, create: "{{ flag }}"}\n    - lineinfile: {path: "{{ playbook_dir }}/c.txt", line: three, create: "{{ \'maybe\' }}"}\n      run_once: true\n',
    rc: 2,
    has: [/changed: \[n1\]/, /fatal: \[n1\]: FAILED! .*site\.yaml:8:7: parameter 'create' of module 'lineinfile' must be a boolean \(yes\/no, true\/false, on\/off, 1\/0\), got \\"maybe\\"/],
    hasNot: ['does not exist'],
  },
  {
    name: 'an option kplay honours only in part stops the run before any host with another value (follow: false is fine)',
    play: header() + '    - ini_file: {path: /tmp/kplay-never, section: s, option: o, value: v, follow: false}\n    - ini_file: {path: /tmp/kplay-never, section: s, option: o, value: v, follow: true}\n',
    rc: 4,
    has: [/site\.yaml:5:\d+: module 'ini_file': kplay does not support 'follow' with the value true/s, 'kplay honours follow: false'],
    hasNot: ['TASK [ini_file]'],
  },
  {
    name: 'an argument that templates to omit is left out, also inside mappings (list items stay), as in Ansible',
    play: header() + '    - copy: {content: "x\\n", dest: "{{ playbook_dir }}/o-{{ inventory_hostname }}", mode: "{{ nothing | default(omit) }}"}\n    - debug:\n        msg: "{{ {\'a\': omit, \'b\': 1} }}"\n      run_once: true\n',
    rc: 0,
    has: [/changed: \[n1\]/, /"msg": \{\n        "b": 1\n    \}/],
    hasNot: ['omit_place_holder'],
  },
  {
    name: 'with_together, with_nested, with_sequence, with_subelements, with_indexed_items and with_fileglob loop as in Ansible (items as Ansible prints them)',
    play:
      header('  vars:\n    users: [{name: alice, keys: [k1, k2]}, {name: bob, keys: [k3]}, {name: eve}]\n') +
      '    - debug: msg="{{ item }}"\n      with_together: [[1, 2, 3], [a, b]]\n      run_once: true\n' +
      '    - debug: msg="{{ item | join(\'-\') }}"\n      with_nested: [[1, 2], [x, y]]\n      run_once: true\n' +
      '    - debug: msg="{{ item }}"\n      with_sequence: start=1 end=10 stride=4 format=node%02d\n      run_once: true\n' +
      '    - debug: msg="{{ item.0.name }} {{ item.1 }}"\n      with_subelements: ["{{ users }}", keys, {skip_missing: true}]\n      run_once: true\n' +
      '    - debug: msg="{{ item.0 }}={{ item.1 }}"\n      with_indexed_items: [a, b]\n      run_once: true\n' +
      '    - debug: msg="{{ item | basename }}"\n      with_fileglob: ["*.conf"]\n      run_once: true\n' +
      '    - debug: msg="{{ lookup(\'sequence\', \'2-6/2:x%d\') }} {{ query(\'sequence\', \'count=2\') }}"\n      run_once: true\n',
    files: { 'files/a.conf': '', 'files/b.conf': '', 'files/c.txt': '' },
    rc: 0,
    has: [
      /\(item=\[3, None\]\) => \{\n    "msg": \[\n        3,\n        null\n    \]/,
      '"msg": "1-x"', '"msg": "2-y"', '"msg": "node01"', '"msg": "node05"', '"msg": "node09"',
      "(item=[{'name': 'alice'}, 'k2']) => {\n    \"msg\": \"alice k2\"", '"msg": "bob k3"',
      '"msg": "0=a"', '"msg": "1=b"', '"msg": "a.conf"', '"msg": "b.conf"', '"msg": "x2,x4,x6 [\'1\', \'2\']"',
    ],
    hasNot: ['eve', 'c.txt', 'node13'],
  },
  {
    name: 'group_by and add_host change the inventory for later plays: groups, group_names, group_vars, host variables (checked against ansible-playbook)',
    play:
      header() +
      '    - group_by: key=kind_{{ "a" if inventory_hostname == "n1" else "b" }}\n' +
      '    - add_host: name=newbie:2222 groups=extra,kind_a foo=bar ansible_connection=local\n      register: ah\n' +
      '    - debug: msg="{{ ah.add_host | default(\'none\') }}"\n' +
      '- hosts: kind_a\n  gather_facts: false\n  tasks:\n    - debug: msg="{{ inventory_hostname }} {{ groups[\'kind_a\'] }} {{ group_names }} {{ foo | default(\'-\') }} {{ from_group_vars | default(\'-\') }}"\n' +
      '- hosts: extra:kind_b\n  gather_facts: false\n  tasks:\n    - debug: msg="{{ inventory_hostname }} {{ groups.ungrouped }} {{ ansible_port | default(\'-\') }}"\n',
    files: { 'group_vars/kind_a.yaml': 'from_group_vars: ga\n' },
    rc: 0,
    has: [
      /TASK \[add_host\] \*+\nchanged: \[n1\]\n\n/,
      '"msg": {\n        "groups": [\n            "extra",\n            "kind_a"\n        ],\n        "host_name": "newbie",',
      /ok: \[n2\] => \{\n    "msg": "none"/,
      '"msg": "n1 [\'n1\', \'newbie\'] [\'kind_a\', \'web\'] - ga"',
      '"msg": "newbie [\'n1\', \'newbie\'] [\'extra\', \'kind_a\'] bar ga"',
      '"msg": "newbie [] 2222"', '"msg": "n2 [] -"', '"msg": "n3 [] -"',
      /newbie\s+: ok=2 /,
    ],
  },
  {
    name: "group_by makes a key's spaces dashes, as Ansible's action does, and warns of a group name a variable cannot hold (checked against ansible-playbook)",
    play:
      header() +
      '    - group_by: key="os {{ inventory_hostname }}" parents="by os"\n      register: g\n' +
      '    - debug: msg="{{ g.add_group }} {{ g.parent_groups }}"\n      when: inventory_hostname == "n1"\n' +
      '- hosts: os-n1\n  gather_facts: false\n  tasks:\n    - debug: msg="{{ group_names }} {{ groups[\'by-os\'] | sort }}"\n',
    rc: 0,
    has: [
      /\[WARNING\]: Invalid characters were found in group names but not replaced, use\n-vvvv to see details/,
      '"msg": "os-n1 [\'by-os\']"',
      '"msg": "[\'by-os\', \'os-n1\', \'web\'] [\'n1\', \'n2\', \'n3\']"',
    ],
    hasNot: ['os n1'],
  },
  {
    name: "a play's hosts: may name hosts from facts an earlier play set (hostvars, groups), as in Ansible",
    play: header() + '    - set_fact: {picked: "n1,n3"}\n      run_once: true\n- hosts: "{{ hostvars[groups.web[0]].picked }}"\n  gather_facts: false\n  tasks:\n    - debug: msg="here {{ inventory_hostname }}"\n',
    rc: 0,
    has: ['"msg": "here n1"', '"msg": "here n3"', /PLAY \[\{\{ hostvars\[groups.web\[0\]\].picked \}\}\]|PLAY \[n1,n3\]/],
    hasNot: ['here n2'],
  },
  {
    name: 'hostvars shows set_fact and register values of other hosts (not play vars)',
    play: header('  vars:\n    pv: play\n') + '    - set_fact: {tok: "t-{{inventory_hostname}}"}\n      when: inventory_hostname == "n1"\n    - command: echo hi\n      register: reg\n    - assert:\n        that: ["hostvars[\'n1\'].tok == \'t-n1\'", "hostvars[\'n2\'].tok is undefined", "hostvars[\'n1\'].reg.stdout == \'hi\'", "hostvars[\'n1\'].pv is undefined"]\n    - debug: msg="{{ hostvars.n1.tok }}"\n      when: inventory_hostname == "n3"\n',
    rc: 0,
    has: [/ok: \[n3\] => \{\n    "msg": "t-n1"/],
  },
  {
    name: 'a role runs once per play, again in the next play (also when tags skipped it before)',
    play: '- hosts: web\n  gather_facts: false\n  tags: [one]\n  roles: [r]\n- hosts: web\n  gather_facts: false\n  tags: [two]\n  roles: [r, r]\n',
    args: ['--tags', 'two'],
    files: { 'roles/r/tasks/main.yaml': '- debug: msg="r on {{ inventory_hostname }}"\n  run_once: true\n' },
    rc: 0,
    has: [/TASK \[r : debug\] \*+\nok: \[n1\] => \{\n    "msg": "r on n1"\n\}\n\nPLAY RECAP/],
  },
  {
    name: "a .j2 template sees the template module's variables (ansible_managed, template_path, ...)",
    play: header() + '    - template: {src: t.j2, dest: "{{ playbook_dir }}/out-{{ inventory_hostname }}.txt"}\n      run_once: true\n    - command: cat out-n1.txt\n      args: {chdir: "{{ playbook_dir }}"}\n      register: r\n      run_once: true\n    - debug: var=r.stdout\n      run_once: true\n',
    files: { 't.j2': '# {{ ansible_managed }}: {{ template_path }} -> {{ template_destpath | basename }} ({{ template_fullpath is abs }}, {{ template_host | length > 0 }})\n' },
    rc: 0,
    has: ['"r.stdout": "# Ansible managed: t.j2 -> out-n1.txt (True, True)"'],
  },
  {
    name: 'with_first_found: include_vars takes the first file found in the role\'s vars/ (a template task its templates/)',
    play: '- hosts: web\n  gather_facts: false\n  roles: [r]\n',
    files: {
      'roles/r/tasks/main.yaml': '- include_vars: "{{ item }}"\n  with_first_found:\n    - files: ["{{ os_name }}.yml", default.yml]\n      paths: [osvars]\n- debug: msg="{{ picked }}"\n  run_once: true\n- template: {src: "{{ item }}", dest: "{{ playbook_dir }}/out.txt"}\n  with_first_found: [missing.j2, t.j2]\n  run_once: true\n- command: cat "{{ playbook_dir }}/out.txt"\n  register: out\n  run_once: true\n- debug: var=out.stdout\n  run_once: true\n- debug: msg=never\n  with_first_found: [{files: [none.yml], skip: true}]\n',
      'roles/r/vars/osvars/default.yml': 'picked: default\n',
      'roles/r/vars/osvars/debian.yml': 'picked: debian\n',
      'roles/r/templates/t.j2': 'from {{ picked }}\n',
      'group_vars/all.yml': 'os_name: debian\n',
    },
    rc: 0,
    has: [/"msg": "debian"/, /"out.stdout": "from debian"/, /TASK \[r : debug\] \*+\nskipping: \[n1\]/],
    hasNot: ['never'],
  },
  {
    name: 'task vars may use the loop variable',
    play: header() + '    - debug: msg="{{ label }}"\n      loop: [a, b]\n      vars:\n        label: "x-{{ item }}"\n      run_once: true\n',
    rc: 0,
    has: [/"msg": "x-a"/, /"msg": "x-b"/],
  },
  {
    name: 'until/retries retries and then succeeds',
    play: header() + '    - shell: "n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo $n"\n      args: {chdir: "{{ playbook_dir }}"}\n      register: r\n      until: r.stdout | int >= 3\n      retries: 5\n      delay: 0\n      run_once: true\n',
    rc: 0,
    has: ['FAILED - RETRYING: [n1]: shell (5 retries left).', 'FAILED - RETRYING: [n1]: shell (4 retries left).'],
    hasNot: ['3 retries left'],
  },
  {
    // ansible-playbook 2.14 makes two attempts here and reports "attempts": 1 (retries, not retries + 1)
    name: 'until gives up after retries',
    play: header() + '    - command: /bin/false\n      register: r\n      until: r.rc == 0\n      retries: 1\n      delay: 0\n      run_once: true\n',
    rc: 2,
    has: ['FAILED - RETRYING: [n1]: command (1 retries left).', /"attempts": 1/],
  },
  {
    name: 'run_once runs on the first host and registers for all',
    play: header() + '    - command: echo once\n      register: r\n      run_once: true\n    - debug: msg="{{ r.stdout }}"\n',
    rc: 0,
    has: [/TASK \[command\] \*+\nchanged: \[n1\]\n\nTASK/, /ok: \[n3\] => \{\n    "msg": "once"/],
  },
  {
    name: 'any_errors_fatal stops every host after the failing task',
    play: header('  any_errors_fatal: true\n') + '    - command: "{{ \'/bin/false\' if inventory_hostname == \'n2\' else \'/bin/true\' }}"\n    - debug: msg=after\n',
    rc: 2,
    hasNot: ['msg": "after'],
  },
  {
    name: 'a failed host leaves the play, the others go on',
    play: header() + '    - command: /bin/false\n      when: inventory_hostname == "n2"\n    - debug: msg=after\n',
    rc: 2,
    has: [/ok: \[n1\] => \{\n    "msg": "after"/, /n2\s+: ok=0\s+changed=0\s+unreachable=0\s+failed=1/],
    hasNot: [/ok: \[n2\] => \{\n    "msg": "after"/],
  },
  {
    name: 'max_fail_percentage stops the run when exceeded',
    play: header('  max_fail_percentage: 30\n') + '    - command: /bin/false\n      when: inventory_hostname == "n2"\n- hosts: web\n  gather_facts: false\n  tasks:\n    - debug: msg=second-play\n',
    rc: 2,
    hasNot: ['second-play'],
  },
  {
    name: 'serial runs the play batch by batch',
    play: header('  serial: 2\n') + '    - debug: msg="{{ ansible_play_batch | join(\',\') }}"\n',
    rc: 0,
    has: [/"msg": "n1,n2"/, /"msg": "n3"/, /PLAY \[web\][^\n]*\n(.|\n)*PLAY RECAP/],
  },
  {
    name: 'handlers do not run on failed hosts unless --force-handlers',
    play: header() + '    - command: echo x\n      notify: h\n    - command: /bin/false\n      when: inventory_hostname == "n1"\n  handlers:\n    - name: h\n      debug: msg=handled\n',
    rc: 2,
    has: [/RUNNING HANDLER \[h\] \*+\nok: \[n2\]/],
    hasNot: [/ok: \[n1\] => \{\n    "msg": "handled"/],
  },
  {
    name: '--force-handlers runs them on failed hosts too',
    play: header() + '    - command: echo x\n      notify: h\n    - command: /bin/false\n      when: inventory_hostname == "n1"\n  handlers:\n    - name: h\n      debug: msg=handled\n',
    args: ['--force-handlers'],
    rc: 2,
    has: [/ok: \[n1\] => \{\n    "msg": "handled"/],
  },
  {
    name: 'meta: flush_handlers runs notified handlers at that point',
    play: header() + '    - command: echo x\n      notify: h\n    - meta: flush_handlers\n    - debug: msg=after-flush\n  handlers:\n    - name: h\n      debug: msg=handled\n',
    rc: 0,
    has: [/"msg": "handled"(.|\n)*"msg": "after-flush"/],
  },
  {
    name: 'environment reaches commands',
    play: header('  environment: {A: play}\n') + '    - shell: echo $A-$B\n      environment: {B: task}\n      register: r\n    - debug: var=r.stdout\n',
    rc: 0,
    has: ['"r.stdout": "play-task"'],
  },
  {
    name: 'timeout stops a slow task',
    play: header() + '    - command: sleep 5\n      timeout: 1\n      run_once: true\n',
    rc: 2,
    has: ['failed to execute in the expected time frame (1)'],
  },
  {
    name: 'include_tasks with a loop runs the file per item',
    play: header() + '    - include_tasks: inc.yaml\n      loop: [a, b]\n',
    files: { 'inc.yaml': '- debug: msg="item {{ item }} on {{ inventory_hostname }}"\n' },
    rc: 0,
    has: ['"msg": "item a on n1"', '"msg": "item b on n3"'],
  },
  {
    name: 'hosts that include the same file run its tasks together: one banner per task, as in Ansible',
    play: header() + '    - include_tasks: inc.yaml\n    - include_role:\n        name: r\n      vars: {who: role-var}\n',
    files: { 'inc.yaml': '- name: first included\n  debug: msg=one\n- name: second included\n  debug: msg=two\n', 'roles/r/tasks/main.yaml': '- name: in the role\n  debug: msg="{{ who }}"\n' },
    rc: 0,
    has: ['"msg": "role-var"'],
    count: { 'TASK [first included]': 1, 'TASK [second included]': 1, 'TASK [include_role : r]': 1, 'TASK [r : in the role]': 1, '"msg": "one"': 3, '"msg": "role-var"': 3 },
  },
  {
    name: "a task's banner shows its name templated (play vars, an include's loop variable), as Ansible's does",
    play: header('  vars:\n    pv: P\n') + '    - include_tasks: one.yaml\n      loop: [a, b]\n      loop_control:\n        loop_var: sp\n    - name: "plain {{ pv }} {{ nowhere }}"\n      debug: msg=x\n',
    files: { 'one.yaml': '- name: "{{ sp }}: step"\n  debug: msg="{{ sp }}"\n' },
    rc: 0,
    has: [/TASK \[a: step\][\s\S]*TASK \[b: step\]/, 'TASK [plain {{ pv }} {{ nowhere }}]'],
  },
  {
    name: "a role included by another role's task sees the outer role's params, as in Ansible",
    play: '- hosts: web\n  gather_facts: false\n  roles:\n    - role: outer\n      p: from-outer\n',
    files: { 'roles/outer/tasks/main.yaml': '- include_role:\n    name: inner\n  vars:\n    x: "{{ p }}"\n', 'roles/inner/tasks/main.yaml': '- debug: msg="inner x={{ x }} p={{ p }}"\n' },
    rc: 0,
    count: { '"msg": "inner x=from-outer p=from-outer"': 3 },
  },
  {
    name: "include_role runs the role's dependencies first and their defaults apply to its tasks, as in Ansible",
    play: header() + '    - include_role:\n        name: r\n        tasks_from: other\n',
    files: { 'roles/r/meta/main.yaml': 'dependencies:\n  - d\n', 'roles/r/tasks/other.yaml': '- debug: msg="r sees {{ dep_var }}"\n', 'roles/d/defaults/main.yaml': 'dep_var: from-d\n', 'roles/d/tasks/main.yaml': '- debug: msg="d runs"\n' },
    rc: 0,
    count: { 'TASK [d : debug]': 1, '"msg": "d runs"': 3, '"msg": "r sees from-d"': 3 },
    has: [/d runs[\s\S]*r sees from-d/],
  },
  {
    name: 'include_role in a loop runs the role once per item with the item visible, in order',
    play: header() + '    - include_role:\n        name: r\n      loop: [a, b, a]\n',
    files: { 'roles/r/tasks/main.yaml': '- debug: msg="role {{ item }} on {{ inventory_hostname }}"\n' },
    rc: 0,
    count: { '"msg": "role a on n1"': 2, '"msg": "role b on n2"': 1 },
    has: [/"role a on n3"[\s\S]*"role b on n3"[\s\S]*"role a on n3"/],
  },
  {
    name: 'delegate_to in a loop is templated per item; a rescue sees ansible_failed_task and ansible_failed_result',
    play: header() + '    - command: echo hi\n      delegate_to: "{{ item }}"\n      loop: [localhost]\n      run_once: true\n    - block:\n        - name: breaks\n          command: "false"\n      rescue:\n        - debug: msg="{{ ansible_failed_task.name }} rc={{ ansible_failed_result.rc }}"\n',
    rc: 0,
    has: ['changed: [n1 -> localhost] => (item=localhost)', '"msg": "breaks rc=1"'],
  },
  {
    name: 'any_errors_fatal lets a rescue section handle a failure (the play goes on), as in Ansible',
    play: header('  any_errors_fatal: true\n') + '    - block:\n        - command: "false"\n          when: inventory_hostname == "n2"\n      rescue:\n        - debug: msg="rescued {{ inventory_hostname }}"\n    - debug: msg="after on {{ inventory_hostname }}"\n',
    rc: 0,
    has: ['"msg": "rescued n2"', '"msg": "after on n1"', '"msg": "after on n3"', /n2 +: ok=2 .* rescued=1/],
  },
  {
    name: "an included file's tasks inherit the play's tags, not the include's own, as in Ansible",
    play: '- hosts: n1\n  gather_facts: false\n  tags: [x]\n  tasks:\n    - include_tasks: inc.yaml\n- hosts: n1\n  gather_facts: false\n  tasks:\n    - include_tasks: inc.yaml\n      tags: [always]\n',
    files: { 'inc.yaml': '- debug: msg=included-ran\n' },
    args: ['--tags', 'x'],
    rc: 0,
    count: { '"msg": "included-ran"': 1, 'TASK [include_tasks]': 2 },
  },
  {
    name: 'delegate_to localhost runs there and reports [host -> localhost]',
    play: header() + '    - command: echo hi\n      delegate_to: localhost\n      run_once: true\n',
    rc: 0,
    has: ['changed: [n1 -> localhost]'],
  },
  {
    name: '--start-at-task skips the tasks before it',
    play: header() + '    - debug: msg=first\n    - name: second\n      debug: msg=second\n',
    args: ['--start-at-task', 'second'],
    rc: 0,
    has: ['"msg": "second"'],
    hasNot: ['"msg": "first"'],
  },
  {
    name: 'set_fact then a condition on it; registered loop results',
    play: header() + '    - set_fact: {big: "{{ inventory_hostname != \'n1\' }}"}\n    - command: echo {{ item }}\n      loop: [1, 2]\n      register: out\n      when: big | bool\n    - debug: msg="{{ out.results | length }} {{ out.skipped | default(false) }}"\n',
    rc: 0,
    has: [/skipping: \[n1\] => \(item=1\)/, /ok: \[n2\] => \{\n    "msg": "2 False"/],
  },
  {
    name: 'failed_when and changed_when decide the status',
    play: header() + '    - command: echo ERROR here\n      register: r\n      failed_when: "\'ERROR\' in r.stdout"\n      changed_when: false\n      ignore_errors: true\n      run_once: true\n',
    rc: 0,
    has: ['...ignoring', /n1\s+: ok=1\s+changed=0\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=1/],
  },
  {
    name: 'a template error in a task argument stops the run before any host is touched',
    play: header() + "    - command: echo {{ x | default('y' }}\n",
    rc: 4,
    hasNot: ['PLAY ['],
  },
  {
    name: 'an undefined variable fails the host with the variable named',
    play: header() + '    - command: echo {{ nope }}\n      run_once: true\n',
    rc: 2,
    has: ["'nope' is undefined"],
  },
  {
    name: 'no_log hides results',
    play: header() + '    - command: echo s3cret\n      no_log: true\n      run_once: true\n      register: r\n      failed_when: true\n',
    rc: 2,
    has: ["the output has been hidden due to the fact that 'no_log: true' was specified"],
    hasNot: ['s3cret'],
  },
  {
    name: 'secret variables never appear in output',
    play: header('  vars: {db_password: hunter2hunter2}\n') + '    - debug: msg="pw is {{ db_password }}"\n      run_once: true\n',
    args: ['-vv'],
    rc: 0,
    has: ['pw is <redacted: secret>'],
    hasNot: ['hunter2'],
  },
  {
    // results indented from -vvv on, as Ansible's callback does
    name: '-vvv shows the connection and the commands',
    play: header() + '    - command: echo visible\n      run_once: true\n',
    args: ['-vvv'],
    rc: 0,
    has: [/<n1> ESTABLISH LOCAL CONNECTION FOR USER: \S+/, "<n1> EXEC echo visible", /changed: \[n1\] => \{\n {4}"changed": true,\n {4}"cmd": \[\n {8}"echo",\n {8}"visible"\n {4}\]/],
  },
];

describe('execution semantics', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const root = writeTree({ hosts: INV, 'site.yaml': row.play, ...(row.files ?? {}) });
    let out = '';
    let err = '';
    const rc = await main(['-i', 'hosts', 'site.yaml', ...(row.args ?? [])], { out: (t) => (out += t.endsWith('\n') ? t : t + '\n'), err: (t) => (err += t + '\n'), cwd: root, env: { HOME: root, PATH: process.env.PATH } });
    const text = out + err;
    for (const h of row.has ?? []) expect(text).toMatch(h);
    for (const h of row.hasNot ?? []) expect(text).not.toMatch(h);
    for (const [t, n] of Object.entries(row.count ?? {})) expect(text.split(t).length - 1, `${t} in\n${text}`).toBe(n);
    expect(rc, text).toBe(row.rc);
  });
});

describe("Ansible's unsafe rule: what came from a host is data, never a template", () => {
  it('a registered output holding template text is shown as text and runs nothing on the controller', async () => {
    const marker = `${writeTree({})}/pwned`;
    const payload = `{{ lookup('pipe', 'touch ${marker}') }} {% if true %}x{% endif %}`;
    const play =
      header() +
      '    - command: cat payload.txt\n      args: {chdir: "{{ playbook_dir }}"}\n      register: r\n      run_once: true\n' +
      '    - set_fact: {copied: "{{ r.stdout }}", lines: "{{ r.stdout_lines }}"}\n' +
      '    - debug: msg="{{ copied }}"\n      run_once: true\n' +
      '    - debug: msg="{{ item }}"\n      loop: "{{ lines }}"\n      run_once: true\n' +
      '    - debug: msg="{{ hostvars[\'n2\'].copied | length }}"\n      vars: {again: "{{ copied }}"}\n      run_once: true\n';
    const root = writeTree({ hosts: INV, 'site.yaml': play, 'payload.txt': payload + '\n' });
    let out = '';
    const rc = await main(['-i', 'hosts', 'site.yaml'], { out: (t) => (out += t.endsWith('\n') ? t : t + '\n'), err: (t) => (out += t + '\n'), cwd: root, env: { HOME: root, PATH: process.env.PATH } });
    expect(rc, out).toBe(0);
    expect(out).toContain(`"msg": ${JSON.stringify(payload)}`);
    expect(out).toContain(`"msg": "${payload.length}"`);
    expect(existsSync(marker)).toBe(false);
  });
});
