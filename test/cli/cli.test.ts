import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { tempDir, writeTree } from '../support/tree.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'bin/kplay.js');
// HOME is the working directory, sometimes the repository: the code cache goes elsewhere
const cacheHome = tempDir('kplay-cli-cache-');

function kplay(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, HOME: cwd, XDG_CACHE_HOME: cacheHome, ...env } });
  return { rc: r.status, out: r.stdout, err: r.stderr };
}

const INVENTORY = `[primary-master]
m1 ansible_host=10.10.0.11
[secondary-masters]
m[2:3]
[masters:children]
primary-master
secondary-masters
[minions]
w1
[nodes:children]
masters
minions
[all:vars]
KUBERNETES_VERSION=1.20
`;

describe('kplay CLI', () => {
  it('prints help and version and exits 0', () => {
    const help = kplay(['--help'], repo);
    expect(help.rc).toBe(0);
    expect(help.out).toContain('--list-hosts');
    expect(help.out).toContain('-i INVENTORY');
    const v = kplay(['--version'], repo);
    expect(v.rc).toBe(0);
    expect(v.out).toMatch(/^kplay \d+\.\d+\.\d+/);
  });

  it('runs as `npx kplay` from the repo root', () => {
    const out = execFileSync('npx', ['--no-install', 'kplay', '--version'], { cwd: repo, encoding: 'utf8' });
    expect(out).toMatch(/^kplay /);
  });

  it('rejects an unknown option with exit 2 and no stack trace', () => {
    const r = kplay(['--frobnicate', 'x.yaml'], repo);
    expect(r.rc).toBe(2);
    expect(r.err).toContain('kplay: error: unrecognized arguments: --frobnicate');
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('reports a broken inventory as file:line:col with a hint, exit 4, no stack trace', () => {
    const root = writeTree({ 'bad.inventory': '[masters]\nm1\n[masters:childs]\nx\n', 'site.yaml': '- hosts: all\n  tasks: []\n' });
    for (const args of [['inventory', '-i', 'bad.inventory', '--list'], ['-i', 'bad.inventory', 'site.yaml', '--list-hosts']]) {
      const r = kplay(args, root);
      expect(r.rc).toBe(4);
      expect(r.err).toContain(`ERROR! ${join(root, 'bad.inventory')}:3:1: Section [masters:childs] has unknown type: childs`);
      expect(r.err).toContain('hint:');
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('lists hosts per play with --list-hosts, honouring --limit', () => {
    const root = writeTree({
      'inventories/my-cluster.inventory': INVENTORY,
      'playbooks/site.yaml': '- name: masters\n  hosts: masters\n  tags: [masters]\n  tasks: []\n- hosts: nodes:!masters\n  tasks: []\n',
      'roles/.keep': '',
    });
    const r = kplay(['-i', 'my-cluster.inventory', 'site.yaml', '--list-hosts', '-l', 'm2,w1'], root);
    expect(r.rc).toBe(0);
    expect(r.out).toBe(
      [
        '',
        'playbook: site.yaml',
        '',
        '  play #1 (masters): masters\tTAGS: [masters]',
        "    pattern: ['masters']",
        '    hosts (1):',
        '      m2',
        '',
        '  play #2 (nodes:!masters): nodes:!masters\tTAGS: []',
        "    pattern: ['nodes:!masters']",
        '    hosts (1):',
        '      w1',
        '',
      ].join('\n'),
    );
    // (wrapped at 79 columns as Ansible's warnings are: where depends on the temporary directory's name)
    expect(r.err.replace(/\s+/g, ' ')).toContain('KUBERNETES_VERSION=1.20 is read as the number 1.2');
  });

  it('fails with exit 1 when --limit leaves no hosts', () => {
    const root = writeTree({ 'hosts': INVENTORY, 'site.yaml': '- hosts: all\n  tasks: []\n' });
    const r = kplay(['-i', 'hosts', 'site.yaml', '--list-hosts', '--limit', 'nosuch'], root);
    expect(r.rc).toBe(1);
    expect(r.err).toContain('[WARNING]: Could not match supplied host pattern, ignoring: nosuch');
    expect(r.err).toContain('ERROR! Specified inventory, host pattern and/or --limit leaves us with no hosts to target.');
  });

  it("warns of a play's pattern that matches nothing as ansible-playbook does: in listings and syntax checks, and before the play's banner in a run; of an empty inventory at the start", () => {
    const long = 'a_group_name_long_enough_to_wrap_the_line_x';
    const root = writeTree({ hosts: '[web]\nw1\n', 'site.yaml': `- hosts: nosuch\n  gather_facts: false\n  tasks: [{debug: {msg: x}}]\n- hosts: ${long}\n  tasks: []\n` });
    const warning = '[WARNING]: Could not match supplied host pattern, ignoring: nosuch';
    for (const flag of ['--syntax-check', '--list-tasks', '--list-tags']) {
      const r = kplay(['-i', 'hosts', 'site.yaml', flag], root);
      expect(r.rc).toBe(0);
      // once each, wrapped at 79 columns as Ansible's Display wraps it
      expect(r.err).toBe(`${warning}\n[WARNING]: Could not match supplied host pattern, ignoring:\n${long}\n`);
    }
    const run = spawnSync('sh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} -i hosts site.yaml 2>&1`], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, XDG_CACHE_HOME: cacheHome, KPLAY_NO_LIVE: '1' } });
    expect(run.stdout.split('\n').slice(0, 4)).toEqual([warning, '', 'PLAY [nosuch] ******************************************************************', 'skipping: no hosts matched']);
    expect(run.stdout.split(warning).length).toBe(2);
    const empty = writeTree({ 'site.yaml': '- hosts: localhost\n  gather_facts: false\n  tasks: []\n' });
    const e = kplay(['site.yaml', '--syntax-check'], empty);
    expect(e.err).toBe("[WARNING]: No inventory was parsed, only implicit localhost is available\n[WARNING]: provided hosts list is empty, only localhost is available. Note that\nthe implicit localhost does not match 'all'\n");
    expect(kplay(['site.yaml', '--syntax-check'], empty, { ANSIBLE_LOCALHOST_WARNING: 'false' }).err).toBe('[WARNING]: No inventory was parsed, only implicit localhost is available\n');
  });

  it.each([
    [['-f', '0'], 2, 'The number of processes (--forks) must be >= 1'],
    [['-f', 'ten'], 2, "invalid int value: 'ten'"],
    [['-e', './vars.yaml'], 5, "Please prepend extra_vars filename './vars.yaml' with '@'"],
  ])('rejects bad option values %j', (extra, rc, message) => {
    const root = writeTree({ 'hosts': 'h1\n', 'site.yaml': '- hosts: all\n  tasks: []\n' });
    const r = kplay(['-i', 'hosts', 'site.yaml', '--list-hosts', ...extra], root);
    expect(r.rc).toBe(rc);
    expect(r.err).toContain(message);
  });

  it.each([['-K'], ['-k'], ['--ask-become-pass']])('%s without a terminal stops before any host is touched (playbook and adhoc)', (flag) => {
    const root = writeTree({ 'hosts': 'h1 ansible_connection=local\n', 'site.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch asked\n' });
    for (const args of [['-i', 'hosts', 'site.yaml', flag], ['adhoc', 'all', '-i', 'hosts', '-a', 'touch asked', flag]]) {
      const r = kplay(args, root);
      expect(r.rc).toBe(5);
      expect(r.err).toContain(`${flag === '-k' ? '-k' : '-K'} needs a terminal to ask for the password on`);
      expect(existsSync(join(root, 'asked'))).toBe(false);
    }
  });

  // a password file that cannot give a password: Ansible's error (exit 1) before any host is touched, the
  // file named, for the playbook and adhoc commands alike, from the flag or from the configuration
  it.each([
    ['a missing file', ['--become-password-file', 'missing.pw'], 'The password file <root>/missing.pw was not found'],
    ['a missing file (short flag, connection)', ['--conn-pass-file', 'missing.pw'], 'The password file <root>/missing.pw was not found'],
    ['an empty file', ['--become-pass-file', 'empty.pw'], 'Empty password was provided from file (<root>/empty.pw)'],
    ['a blank file', ['--connection-password-file', 'blank.pw'], 'Empty password was provided from file (<root>/blank.pw)'],
    ['a failing script', ['--become-password-file', 'fail.sh'], 'The password script <root>/fail.sh returned an error (rc=3)'],
    ['the configuration', ['--config', 'cfg/ansible.cfg'], 'The password file <root>/cfg/nope.pw was not found'],
  ])('%s: an error naming the password file, nothing touched', (_what, flags, message) => {
    const root = writeTree({
      hosts: 'h1 ansible_connection=local\n',
      'site.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch asked\n',
      'empty.pw': '',
      'blank.pw': ' \n\n',
      'fail.sh': '#!/bin/sh\necho boom >&2\nexit 3\n',
      'cfg/ansible.cfg': '[defaults]\nbecome_password_file = nope.pw\n',
    });
    chmodSync(join(root, 'fail.sh'), 0o755);
    const config = flags[0] === '--config';
    const extra = config ? [] : flags;
    const env: Record<string, string> = config ? { ANSIBLE_CONFIG: join(root, 'cfg/ansible.cfg') } : {};
    const want = message.replace(/<root>/g, root);
    for (const args of [['-i', 'hosts', 'site.yaml', ...extra], ['adhoc', 'all', '-i', 'hosts', '-a', 'touch asked', ...extra]]) {
      const r = kplay(args, root, env);
      expect({ rc: r.rc, err: r.err }).toEqual({ rc: 1, err: expect.stringContaining(`ERROR! ${want}`) as unknown });
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(existsSync(join(root, 'asked'))).toBe(false);
    }
    if (hasAnsible) {
      const a = spawnSync('ansible-playbook', ['-i', 'hosts', 'site.yaml', ...extra], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, ...env } });
      expect({ rc: a.status, err: a.stderr }).toEqual({ rc: 1, err: expect.stringContaining(`ERROR! ${want}`) as unknown });
      expect(existsSync(join(root, 'asked'))).toBe(false);
    }
  });

  it("-M/--module-path: a module in the directories given is found (after the playbook's library/), as ansible-playbook finds it", () => {
    const mod = (where: string): string => `#!/usr/bin/python\nfrom ansible.module_utils.basic import AnsibleModule\nAnsibleModule(argument_spec={}).exit_json(changed=False, where='${where}')\n`;
    const root = writeTree({
      hosts: 'h1 ansible_connection=local ansible_python_interpreter=python3\n',
      'site.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - mmod:\n      register: r\n    - pbmod:\n      register: p\n    - debug: msg="{{ r.where }} {{ p.where }}"\n',
      'mlib/mmod.py': mod('mlib'),
      'mlib/pbmod.py': mod('mlib'),
      'library/pbmod.py': mod('library'),
      'other/mmod.py': mod('other'),
    });
    const printed = (r: { out: string }): string | undefined => /"msg": "([^"]*)"/.exec(r.out)?.[1];
    // without -M, mmod is found nowhere: an error at load naming it
    const none = kplay(['-i', 'hosts', 'site.yaml'], root);
    expect(none.rc).toBe(4);
    expect(none.err).toContain("couldn't resolve module/action 'mmod'");
    for (const [flags, want] of [
      [['-M', 'mlib'], 'mlib library'],
      [['--module-path', `${root}/other:mlib`], 'other library'],
      [['-M', 'mlib', '-M', 'other'], 'other library'],
    ] as [string[], string][]) {
      const r = kplay(['-i', 'hosts', 'site.yaml', ...flags], root);
      expect({ rc: r.rc, msg: printed(r) }, r.out + r.err).toEqual({ rc: 0, msg: want });
      if (hasAnsible) {
        const a = spawnSync('ansible-playbook', ['-i', 'hosts', 'site.yaml', ...flags], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root } });
        expect({ rc: a.status, msg: printed({ out: a.stdout }) }, a.stdout + a.stderr).toEqual({ rc: 0, msg: want });
      }
    }
  });

  it.each([
    // (the = form: for `ansible`, as for kplay adhoc, a value starting with -o is the -o/--one-line option)
    [['--ssh-common-args=-o VisualHostKey=yes -o LogLevel=ERROR'], {}, '--ssh-common-args: the ssh option VisualHostKey is not supported by kplay'],
    [['--ssh-common-args=-o ForwardAgent=maybe'], {}, "--ssh-common-args: -o ForwardAgent 'maybe' is not yes, no, an agent socket path or $VARIABLE"],
    [['--ssh-extra-args', '-p 0'], {}, "--ssh-extra-args: -p '0' is not a port (1 to 65535)"],
    [['--sftp-extra-args=-l 8192'], {}, "--sftp-extra-args: '-l' is not supported by kplay: it copies files over its own SSH session, not with sftp"],
    [[], { 'ansible.cfg': '[ssh_connection]\nscp_extra_args = -l 100\n' }, "/ansible.cfg: scp_extra_args: '-l' is not supported by kplay"],
    [[], { 'ansible.cfg': '[ssh_connection]\nssh_args = -C -o ControlMaster=auto -o HostKeyAlgorithms=ssh-ed25519,ssh-dsa\n' }, "/ansible.cfg: ssh_args: -o HostKeyAlgorithms=ssh-ed25519,ssh-dsa: 'ssh-dsa' is not a host key algorithm OpenSSH knows"],
  ] as [string[], Record<string, string>, string][])('ssh arguments kplay cannot honour, or ssh would refuse, are refused before any host is touched: %j', (flags, files, message) => {
    const root = writeTree({ hosts: 'h1 ansible_connection=local\n', 'site.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch asked\n', ...files });
    for (const args of [['-i', 'hosts', 'site.yaml', ...flags], ['adhoc', 'all', '-i', 'hosts', '-a', 'touch asked', ...flags]]) {
      const r = kplay(args, root);
      expect({ rc: r.rc, err: r.err }).toEqual({ rc: 5, err: expect.stringContaining(message) as unknown });
      expect(existsSync(join(root, 'asked'))).toBe(false);
    }
  });

  it("ansible.cfg's task_timeout bounds every task that sets no timeout, as in Ansible; a task's own timeout wins", () => {
    const root = writeTree({
      hosts: 'h1 ansible_connection=local\n',
      'ansible.cfg': '[defaults]\ntask_timeout = 1\n',
      'site.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: sleep 3\n      ignore_errors: true\n      register: short\n    - command: sleep 2\n      timeout: 4\n      register: own\n    - debug: msg="{{ short.msg }} / {{ own.rc }}"\n',
    });
    const want = 'The command action failed to execute in the expected time frame (1) and was terminated / 0';
    const msg = (out: string): string | undefined => /"msg": "(.*)"\n\}/.exec(out)?.[1];
    const r = kplay(['-i', 'hosts', 'site.yaml'], root);
    expect({ rc: r.rc, msg: msg(r.out) }, r.out + r.err).toEqual({ rc: 0, msg: want });
    if (hasAnsible) {
      const a = spawnSync('ansible-playbook', ['-i', 'hosts', 'site.yaml'], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, ANSIBLE_NOCOLOR: '1' } });
      expect({ rc: a.status, msg: msg(a.stdout) }, a.stdout + a.stderr).toEqual({ rc: 0, msg: want });
    }
  });

  // every option of ansible-playbook's, ansible's and ansible-inventory's --help is one of kplay's
  it.skipIf(!hasAnsible)('takes every option ansible-playbook, ansible and ansible-inventory list', () => {
    const optionsOf = (help: string): string[] => [...new Set([...help.matchAll(/^ {2}((?:-{1,2}[\w-]+(?: [A-Z_]+)?(?:, )?)+)/gm)].flatMap((m) => (m[1] as string).split(', ').map((o) => o.split(' ')[0] as string)))].sort();
    for (const [ansible, ours] of [
      ['ansible-playbook', []],
      ['ansible', ['adhoc']],
      ['ansible-inventory', ['inventory']],
    ] as [string, string[]][]) {
      const theirs = optionsOf(execFileSync(ansible, ['--help'], { encoding: 'utf8' }));
      const mine = optionsOf(kplay([...ours, '--help'], repo).out);
      expect(theirs.length, ansible).toBeGreaterThan(20);
      expect(theirs.filter((o) => !mine.includes(o)), ansible).toEqual([]);
    }
    const root = writeTree({ hosts: 'h1 ansible_connection=local\n', 'site.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch ran\n' });
    const r = kplay(['-i', 'hosts', 'site.yaml', '--flush-cache', '--scp-extra-args=-C', '--sftp-extra-args=-q'], root);
    expect(r.rc, r.out + r.err).toBe(0);
    expect(existsSync(join(root, 'ran'))).toBe(true);
  });

  it('says clearly when a playbook is missing', () => {
    const r = kplay(['-i', 'localhost,', 'nosuch.yaml'], writeTree({}));
    expect(r.rc).toBe(1);
    expect(r.err).toContain('ERROR! the playbook: nosuch.yaml could not be found');
  });

  it('reports a playbook error with its location', () => {
    const root = writeTree({ 'hosts': 'h1\n', 'site.yaml': '- name: x\n  tasks: []\n' });
    const r = kplay(['-i', 'hosts', 'site.yaml', '--list-hosts'], root);
    expect(r.rc).toBe(4);
    expect(r.err).toContain(`${join(root, 'site.yaml')}:1:3: the field 'hosts' is required but was not set`);
  });

  it('templates play hosts with extra vars', () => {
    const root = writeTree({ 'hosts': INVENTORY, 'site.yaml': '- hosts: "{{ target }}"\n  tasks: []\n' });
    const r = kplay(['-i', 'hosts', 'site.yaml', '--list-hosts', '-e', 'target=minions'], root);
    expect(r.out).toContain('hosts (1):\n      w1');
  });

  it('checks a playbook with --syntax-check and reports the first problem with its location', () => {
    const root = writeTree({ 'hosts': 'h1\n', 'ok.yaml': '- hosts: all\n  tasks:\n    - debug: msg=hi\n', 'bad.yaml': '- hosts: all\n  tasks:\n    - servce: name=x state=started\n' });
    const ok = kplay(['-i', 'hosts', 'ok.yaml', '--syntax-check'], root);
    expect(ok.rc).toBe(0);
    expect(ok.out).toBe('\nplaybook: ok.yaml\n');
    const bad = kplay(['-i', 'hosts', 'bad.yaml', '--syntax-check'], root);
    expect(bad.rc).toBe(4);
    expect(bad.err).toContain(`ERROR! ${join(root, 'bad.yaml')}:3:7: couldn't resolve module/action 'servce'`);
    expect(bad.err).toContain("hint: did you mean 'service'?");
  });

  it.each([
    ['a .j2 file', 'conf.j2', 'a\n{% for x in y %}\n{{ x }}\n', "conf.j2:2:3: '{% for %}' is never closed"],
    ['a .j2 file with an unknown filter', 'conf.j2', 'a\nb\n  {{ x | no_such_filter }}\n', "conf.j2:3:8: no filter named 'no_such_filter'"],
    ['a .hbs file', 'conf.hbs', 'a\n{{#if x}}\n', 'conf.hbs:3:11: Handlebars syntax error'],
  ])('%s that does not parse stops the run before any host is touched, with its line', (_what, name, text, where) => {
    const marker = join(tempDir('kplay-tpl-'), 'touched');
    const play = `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch ${marker}\n    - template: {src: ${name}, dest: /tmp/x}\n`;
    const root = writeTree({ hosts: 'h1 ansible_connection=local\n', 'site.yaml': play, [`templates/${name}`]: text });
    for (const args of [['--syntax-check'], []]) {
      const r = kplay(['-i', 'hosts', 'site.yaml', ...args], root);
      expect(r.rc, r.out + r.err).toBe(4);
      expect(r.err).toContain(`ERROR! ${join(root, 'templates', name)}:${where.replace(/^[^:]*:/, '')}`);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('runs local hosts and reports hosts it cannot reach as UNREACHABLE, exit 4', () => {
    // a closed port on loopback: nothing outside this machine is contacted
    const root = writeTree({ 'hosts': 'local1 ansible_connection=local\nremote1 ansible_host=127.0.0.1 ansible_port=1\n', 'site.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: echo hi\n    - debug: msg=after\n' });
    const r = kplay(['-i', 'hosts', 'site.yaml'], root);
    expect(r.rc).toBe(4);
    expect(r.out).toContain('fatal: [remote1]: UNREACHABLE! => {"changed": false, "msg": "Failed to connect to the host via ssh: connect ECONNREFUSED 127.0.0.1:1');
    expect(r.out).toMatch(/TASK \[debug\] \*+\nok: \[local1\] => \{\n    "msg": "after"\n\}/);
    expect(r.out).toContain('local1                     : ok=2    changed=1    unreachable=0    failed=0');
    expect(r.out).toContain('remote1                    : ok=0    changed=0    unreachable=1    failed=0');
  });

  it('ignore_unreachable: the result is registered, the host stays in the play and counts ok and ignored, as in Ansible', () => {
    const root = writeTree({ 'hosts': 'remote1 ansible_host=127.0.0.1 ansible_port=1\n', 'site.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n      register: r\n      ignore_unreachable: true\n    - debug: var=r.unreachable\n      delegate_to: localhost\n' });
    const r = kplay(['-i', 'hosts', 'site.yaml'], root);
    expect(r.rc, r.out).toBe(0);
    expect(r.out).toMatch(/fatal: \[remote1\]: UNREACHABLE! => .*\n\.\.\.ignoring/);
    expect(r.out).toMatch(/ok: \[remote1 -> localhost\] => \{\n    "r.unreachable": true\n\}/);
    expect(r.out).toContain('remote1                    : ok=2    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=1');
  });
});

describe('kplay inventory', () => {
  it('prints --list, --host and --graph, and exit 5 for a bad --host', () => {
    const root = writeTree({ hosts: INVENTORY, 'group_vars/masters.yaml': 'role: control-plane\n' });
    const list = kplay(['inventory', '-i', 'hosts', '--list'], root);
    expect(list.rc).toBe(0);
    const json = JSON.parse(list.out) as { _meta: { hostvars: Record<string, Record<string, unknown>> }; masters: unknown };
    expect(json.masters).toEqual({ children: ['primary-master', 'secondary-masters'] });
    expect(json._meta.hostvars.m1).toEqual({ KUBERNETES_VERSION: 1.2, ansible_host: '10.10.0.11', role: 'control-plane' });
    const host = kplay(['inventory', '-i', 'hosts', '--host', 'w1', '-e', 'x=1'], root);
    expect(JSON.parse(host.out)).toEqual({ KUBERNETES_VERSION: 1.2, x: '1' });
    const graph = kplay(['inventory', '-i', 'hosts', '--graph', 'masters'], root);
    expect(graph.out).toBe('@masters:\n  |--@primary-master:\n  |  |--m1\n  |--@secondary-masters:\n  |  |--m2\n  |  |--m3\n');
    const bad = kplay(['inventory', '-i', 'hosts', '--host', 'nosuch'], root);
    expect(bad.rc).toBe(5);
    expect(bad.err).toContain('You must pass a single valid host to --host parameter');
  });

  it('never prints secrets unless --show-secrets is given', () => {
    const root = writeTree({ hosts: 'h1 ansible_become_password=hunter2\n', 'group_vars/all.yaml': 'KEEPALIVED_AUTH_PASS: s3cret\n' });
    const list = kplay(['inventory', '-i', 'hosts', '--list'], root);
    expect(list.out).not.toContain('hunter2');
    expect(list.out).not.toContain('s3cret');
    expect(list.out).toContain('<redacted: secret>');
    expect(kplay(['inventory', '-i', 'hosts', '--graph', '--vars'], root).out).not.toContain('hunter2');
    expect(kplay(['inventory', '-i', 'hosts', '--host', 'h1', '--show-secrets'], root).out).toContain('hunter2');
  });

  it('reads the example inventories of the repo identically (INI and YAML), by bare name', () => {
    const ini = kplay(['inventory', '-i', 'my-cluster.inventory', '--list'], repo);
    const yaml = kplay(['inventory', '-i', 'my-cluster.yaml', '--list'], repo);
    expect(ini.rc).toBe(0);
    expect(JSON.parse(ini.out)).toEqual(JSON.parse(yaml.out));
    expect(JSON.parse(ini.out).masters).toEqual({ children: ['primary-master', 'secondary-masters'] });
  });

  it('requires exactly one action', () => {
    const root = writeTree({ hosts: 'h\n' });
    expect(kplay(['inventory', '-i', 'hosts'], root)).toMatchObject({ rc: 5 });
    expect(kplay(['inventory', '-i', 'hosts', '--list', '--graph'], root)).toMatchObject({ rc: 5 });
  });
});

describe('kplay adhoc', () => {
  it('runs one module on a pattern with Ansible\'s one-line output', () => {
    const root = writeTree({ hosts: '[web]\nn1 ansible_connection=local\nn2 ansible_connection=local\n' });
    const ok = kplay(['adhoc', 'web', '-i', 'hosts', '-m', 'shell', '-a', 'echo hi'], root);
    expect(ok.rc).toBe(0);
    expect(ok.out).toContain('n1 | CHANGED | rc=0 >>\nhi\n');
    expect(ok.out).toContain('n2 | CHANGED | rc=0 >>\nhi\n');
    const failed = kplay(['adhoc', 'n1', '-i', 'hosts', '-a', 'false'], root);
    expect(failed.rc).toBe(2);
    expect(failed.out).toContain('n1 | FAILED | rc=1 >>\nnon-zero return code');
    const bad = kplay(['adhoc', 'all', '-i', 'hosts', '-m', 'copyy', '-a', 'x'], root);
    expect(bad.rc).toBe(5);
    expect(bad.err).toContain("hint: did you mean 'copy'?");
    const badArg = kplay(['adhoc', 'all', '-i', 'hosts', '-m', 'file', '-a', 'path=/tmp state=dir'], root);
    expect(badArg.rc).toBe(4);
    expect(badArg.err).toContain("value of 'state' must be one of");
  });

  it("takes a JSON object as -a, as Ansible's adhoc does (a mapping as copy's content among them)", () => {
    const root = writeTree({ hosts: 'n1 ansible_connection=local\n' });
    const r = kplay(['adhoc', 'n1', '-i', 'hosts', '-m', 'copy', '-a', `{"content": {"a": 1}, "dest": "${join(root, 'out.json')}", "mode": "0600"}`], root);
    expect(r.rc).toBe(0);
    expect(readFileSync(join(root, 'out.json'), 'utf8')).toBe('{"a": 1}');
    // text that only looks like JSON is name=value text
    const kv = kplay(['adhoc', 'n1', '-i', 'hosts', '-m', 'debug', '-a', 'msg={x}'], root);
    expect(kv.out).toContain('"msg": "{x}"');
  });

  it.each([
    [['-f', 'abc'], 2, "argument -f/--forks: invalid int value: 'abc'"],
    [['-f', '0'], 2, 'The number of processes (--forks) must be >= 1'],
    [['-c', 'winrm'], 5, "unknown connection type 'winrm'"],
  ])('checks option values as kplay does (%j): one error, no stack trace', (extra, rc, message) => {
    const root = writeTree({ hosts: 'n1 ansible_connection=local\n' });
    const r = kplay(['adhoc', 'all', '-i', 'hosts', '-a', 'true', ...extra], root);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/unexpected error|this is a bug|    at /);
    expect(r.rc).toBe(rc);
  });
});
