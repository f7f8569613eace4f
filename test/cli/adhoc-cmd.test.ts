// `kplay adhoc --playbook-dir DIR` reads what Ansible's adhoc reads there: DIR's group_vars/, its library/
// modules and its filter_plugins/, and `playbook_dir` is DIR; without the flag the current directory's
// group_vars/ count but not its plugin directories, as in Ansible (ansible.cfg's `library` counts in both).
// Compared with `ansible` where it is installed (CI installs it) and with what it printed when this was written.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { KPLAY_BIN } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const TREE = {
  'pd/library/mymod.py': "#!/usr/bin/python\nfrom ansible.module_utils.basic import AnsibleModule\nm = AnsibleModule(argument_spec=dict(x=dict(type='str')))\nm.exit_json(changed=False, got=m.params['x'])\n",
  'pd/filter_plugins/f.py': "class FilterModule(object):\n    def filters(self):\n        return {'shout': lambda s: s.upper() + '!'}\n",
  'pd/group_vars/all.yml': 'gv: pd-group-vars\n',
  'group_vars/all.yml': 'gv: cwd-group-vars\n',
  'cfglib/cfgmod.py': "#!/usr/bin/python\nfrom ansible.module_utils.basic import AnsibleModule\nAnsibleModule(argument_spec={}).exit_json(changed=False, where='configured library')\n",
  'mlib/mmod.py': "#!/usr/bin/python\nfrom ansible.module_utils.basic import AnsibleModule\nAnsibleModule(argument_spec={}).exit_json(changed=False, where='-M mlib')\n",
  'mlib/mymod.py': "#!/usr/bin/python\nfrom ansible.module_utils.basic import AnsibleModule\nm = AnsibleModule(argument_spec=dict(x=dict(type='str')))\nm.exit_json(changed=False, got='-M ' + m.params['x'])\n",
  'mlib2/mmod.py': "#!/usr/bin/python\nfrom ansible.module_utils.basic import AnsibleModule\nAnsibleModule(argument_spec={}).exit_json(changed=False, where='-M mlib2')\n",
  'ansible.cfg': '[defaults]\nlibrary = cfglib\n',
  hosts: 'localhost ansible_connection=local\n',
};

type Engine = 'kplay' | 'ansible';

// one adhoc run in `root`: whether it succeeded and the JSON-ish lines it printed (without the
// interpreter discovery Ansible adds)
function adhoc(engine: Engine, root: string, args: string[]): { ok: boolean; text: string } {
  const argv = engine === 'kplay' ? [process.execPath, KPLAY_BIN, 'adhoc'] : ['ansible'];
  const r = spawnSync(argv[0] as string, [...argv.slice(1), 'localhost', '-i', 'hosts', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, KPLAY_NO_LIVE: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: '0' } });
  const text = r.stdout + r.stderr;
  return { ok: /localhost \| SUCCESS/.test(text), text };
}

// what both engines must agree on: success, and the named values printed
function shown(r: { ok: boolean; text: string }): Record<string, unknown> {
  const values = Object.fromEntries([...r.text.matchAll(/^ {4}"(got|msg|where|playbook_dir)": "(.*)"/gm)].map((m) => [m[1], m[2]]));
  return { ok: r.ok, ...values };
}

const CASES: [string, string[], Record<string, unknown>][] = [
  ['a library/ module', ['--playbook-dir', 'pd', '-m', 'mymod', '-a', 'x=1'], { ok: true, got: '1' }],
  ['a filter_plugins/ filter', ['--playbook-dir', 'pd', '-m', 'debug', '-a', "msg={{ 'a' | shout }}"], { ok: true, msg: 'A!' }],
  ['its group_vars/', ['--playbook-dir', 'pd', '-m', 'debug', '-a', 'msg={{ gv }}'], { ok: true, msg: 'pd-group-vars' }],
  ['playbook_dir', ['--playbook-dir', 'pd', '-m', 'debug', '-a', 'var=playbook_dir'], { ok: true, playbook_dir: '<root>/pd' }],
  ['no flag: the current group_vars/', ['-m', 'debug', '-a', 'msg={{ gv }}'], { ok: true, msg: 'cwd-group-vars' }],
  ['no flag: playbook_dir', ['-m', 'debug', '-a', 'var=playbook_dir'], { ok: true, playbook_dir: '<root>' }],
  ['the configured library', ['-m', 'cfgmod'], { ok: true, where: 'configured library' }],
  // -M: colon-separated, repeatable, the later flag's directories first; relative to the current directory
  ['-M', ['-M', 'mlib', '-m', 'mmod'], { ok: true, where: '-M mlib' }],
  ['-M a:b (a missing directory skipped)', ['-M', 'nothere:mlib2', '-m', 'mmod'], { ok: true, where: '-M mlib2' }],
  ['-M twice', ['-M', 'mlib', '--module-path', 'mlib2', '-m', 'mmod'], { ok: true, where: '-M mlib2' }],
  ['-M with --playbook-dir (its library/ first, as in Ansible)', ['--playbook-dir', 'pd', '-M', 'mlib', '-m', 'mymod', '-a', 'x=1'], { ok: true, got: '1' }],
];

describe('kplay adhoc --playbook-dir', () => {
  it.each(CASES)('reads %s as Ansible does', (_what, args, want) => {
    const root = writeTree(TREE);
    const expected = JSON.parse(JSON.stringify(want).replace(/<root>/g, root)) as Record<string, unknown>;
    const k = adhoc('kplay', root, args);
    expect(shown(k), k.text).toEqual(expected);
    if (hasAnsible) {
      const a = adhoc('ansible', root, args);
      expect(shown(a), a.text).toEqual(expected);
    }
  });

  it('without it, a library/ module in the current directory is not found (as in Ansible); the hint names the flag', () => {
    const root = writeTree({ ...TREE, 'library/here.py': TREE['pd/library/mymod.py'] });
    const k = adhoc('kplay', root, ['-m', 'here', '-a', 'x=1']);
    expect(k.ok).toBe(false);
    expect(k.text).toContain("hint: ./library/here.py is looked at with --playbook-dir . (as in Ansible's adhoc)");
    expect(k.text).not.toMatch(/    at /);
    expect(shown(adhoc('kplay', root, ['--playbook-dir', '.', '-m', 'here', '-a', 'x=1']))).toEqual({ ok: true, got: '1' });
    if (hasAnsible) expect(adhoc('ansible', root, ['-m', 'here', '-a', 'x=1']).text).toContain('The module here was not found in configured module paths');
  });

  it("prints a result as Ansible's minimal callback does: keys sorted at every level, no failed key, floats as Python's", () => {
    const root = writeTree({ ...TREE, hosts: 'localhost ansible_connection=local ratio=1.0\n' });
    const runs = [
      ['-m', 'debug', '-a', 'var=ratio'],
      ['-m', 'set_fact', '-a', '{"x": {"z": 1, "a": 2.0}}'],
    ];
    const k = runs.map((args) => adhoc('kplay', root, args).text);
    expect(k[0]).toBe('localhost | SUCCESS => {\n    "ratio": 1.0\n}\n');
    expect(k[1]).toBe('localhost | SUCCESS => {\n    "ansible_facts": {\n        "x": {\n            "a": 2.0,\n            "z": 1\n        }\n    },\n    "changed": false\n}\n');
    if (hasAnsible) expect(runs.map((args) => adhoc('ansible', root, args).text)).toEqual(k);
  });

  it('refuses a directory that does not exist before any host is touched', () => {
    const root = writeTree(TREE);
    const r = spawnSync(process.execPath, [KPLAY_BIN, 'adhoc', 'localhost', '-i', 'hosts', '--playbook-dir', 'nope', '-m', 'file', '-a', `path=${root}/made state=touch`], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root } });
    expect(r.stderr).toContain('--playbook-dir nope: no such directory');
    expect(r.status).toBe(2);
    expect(spawnSync('test', ['-e', `${root}/made`]).status).toBe(1);
  });
});
