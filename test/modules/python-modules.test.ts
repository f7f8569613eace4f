// Modules kplay has no native code for run as Ansible runs them: ansible-core's own modules and a
// playbook's library/ modules, packed by ansible-core on the controller and run by the host's Python.
// The same tasks under kplay and ansible-playbook give the same results and files; a module that needs
// an action plugin, or that is nowhere on the controller, stops the run before any host is touched.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';
import { writeTree } from '../support/tree.js';

const KPLAY = fileURLToPath(new URL('../../bin/kplay.js', import.meta.url));

// a module of our own, as a role's or playbook's library/ would ship one
const LIBRARY_MODULE = `#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule
import os

def main():
    m = AnsibleModule(argument_spec=dict(path=dict(type='path', required=True), content=dict(type='str', required=True),
                                         token=dict(type='str', no_log=True)), supports_check_mode=True)
    p, want = m.params['path'], m.params['content']
    cur = open(p).read() if os.path.exists(p) else None
    changed = cur != want
    if changed and not m.check_mode:
        with open(p, 'w') as f:
            f.write(want)
    m.exit_json(changed=changed, path=p, diff=dict(before=cur or '', after=want))

main()
`;

const KEY = 'example.test ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBkB3m7n4hGY1OyH8ZPxvXv7j8sG0rhwV0sXhWcV2Ioq';
const steps: Record<string, unknown>[] = [
  { kp_write: { path: '@WORK@/out.txt', content: 'hello', token: 'tok-s3cr3t-value' } },
  { kp_write: { path: '@WORK@/out.txt', content: 'hello' } },
  { kp_write: { path: '@WORK@/out.txt', content: 'bye' }, check_mode: true },
  { 'ansible.builtin.known_hosts': { path: '@WORK@/known_hosts', name: 'example.test', key: KEY } },
  { known_hosts: { path: '@WORK@/known_hosts', name: 'example.test', key: KEY } },
  { 'ansible.builtin.known_hosts': { path: '@WORK@/known_hosts', key: KEY } },
  { 'ansible.builtin.getent': { database: 'passwd', key: 'root' } },
  { 'ansible.builtin.debug': { msg: '{{ getent_passwd.root[1] }}' } },
  { kp_nolog: { x: 'y' }, no_log: true },
];

// tells whether the module was run under no_log (it then logs nothing to the host's syslog)
const NOLOG_MODULE = `#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule
m = AnsibleModule(argument_spec=dict(x=dict(type='str')), supports_check_mode=True)
m.exit_json(changed=False, no_log_seen=m.no_log)
`;


describe.skipIf(!hasAnsible || !canSandbox())('Ansible Python modules, kplay vs ansible-playbook', () => {
  const run = bothEngines(steps, { 'library/kp_write.py': LIBRARY_MODULE, 'library/kp_nolog.py': NOLOG_MODULE });

  const file = (run: EngineRun, name: string): string => readFileSync(join(run.sandbox.dir, 'work', name), 'utf8');

  it('every task reports what Ansible reports, with the same messages', () => {
    expect(run().kplay.results.map(outcome)).toEqual(run().ansible.results.map(outcome));
    expect(run().kplay.results.map(outcome)).toEqual(['changed', 'ok', 'changed', 'changed', 'ok', 'failed', 'ok', 'ok', 'ok']);
    expect(run().kplay.results[5]?.msg).toBe(run().ansible.results[5]?.msg);
    expect(run().kplay.results[7]?.msg).toBe('0');
  });

  it('leaves the same files; check mode wrote nothing', () => {
    expect(file(run().kplay, 'out.txt')).toBe('hello');
    expect(file(run().kplay, 'known_hosts')).toBe(file(run().ansible, 'known_hosts'));
  });

  it("registers the module's result as Ansible does, and never an option's secret value", () => {
    expect(run().kplay.results[0]?.invocation).toEqual(run().ansible.results[0]?.invocation);
    // the first module run reports the interpreter discovery found, as a fact; later ones use it
    const discovered = (r: EngineRun): unknown[] => r.results.map((x) => (x.ansible_facts as Record<string, unknown> | undefined)?.discovered_interpreter_python ?? null);
    expect(discovered(run().kplay)).toEqual(discovered(run().ansible));
    expect(discovered(run().kplay)[0]).toMatch(/python/);
    expect(JSON.stringify(run().kplay.results)).not.toContain('tok-s3cr3t-value');
    expect(run().kplay.output).not.toContain('tok-s3cr3t-value');
    // a no_log task's module knows it (and so keeps its arguments out of the host's syslog)
    expect([run().kplay.results[8]?.no_log_seen, run().ansible.results[8]?.no_log_seen]).toEqual([true, true]);
  });
});

describe.skipIf(!hasAnsible)('modules kplay cannot run', () => {
  const check = (task: Record<string, unknown>): { status: number | null; out: string } => {
    const dir = writeTree({});
    writeFileSync(join(dir, 'p.yaml'), JSON.stringify([{ hosts: 'localhost', gather_facts: false, tasks: [task] }]));
    const r = spawnSync(process.execPath, [KPLAY, '-i', 'localhost,', '-c', 'local', join(dir, 'p.yaml'), '--syntax-check'], { encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
  };

  it('a module that needs its action plugin is refused before any host is touched', () => {
    const r = check({ 'ansible.builtin.assemble': { src: 'parts', dest: '/tmp/whole' } });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("'ansible.builtin.assemble' runs through Ansible's controller-side action plugin, which kplay does not run");
    expect(r.out).toMatch(/p\.yaml:1:\d+/);
  });

  it('a module nowhere on the controller names where it was looked for', () => {
    const r = check({ 'community.general.no_such_module': { x: 1 } });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("couldn't resolve module/action 'community.general.no_such_module'");
    expect(r.out).toContain('ansible_collections/community/general/plugins/modules/no_such_module.py');
    // a collection installed nowhere: every place it would be is named
    expect(check({ 'example.notinstalled.mod': {} }).out).toContain('/usr/share/ansible/collections/ansible_collections/example/notinstalled/plugins/modules/mod.py');
  });

  it.skipIf(spawnSync('ansible-doc', ['-t', 'module', 'community.general.ufw']).status !== 0)('a short name ansible-core routes to a collection (ufw -> community.general.ufw) is found there', () => {
    expect(check({ ufw: { rule: 'allow', port: '22' } }).status).toBe(0);
    // an action-plugin module is still a module_defaults key Ansible resolves (kubespray's docker role)
    expect(check({ package: { name: 'x', state: 'present' }, module_defaults: { yum: { enablerepo: 'x' }, zypper: { update_cache: true } } }).status).toBe(0);
  });

  it('action: and local_action: name an Ansible module as a task key does (action: ping data=x)', () => {
    expect(check({ action: 'ping data=x' }).status).toBe(0);
    expect(check({ local_action: { module: 'ansible.builtin.ping' } }).status).toBe(0);
    const r = check({ action: 'community.general.no_such_module x=1' });
    expect(r.out).toContain("couldn't resolve module/action 'community.general.no_such_module'");
  });

  it("a collection's own routing (meta/runtime.yml) is followed: a module's old name runs the module it names now", () => {
    const coll = 'colls/ansible_collections/example/kp';
    const dir = writeTree({
      [`${coll}/meta/runtime.yml`]: 'plugin_routing:\n  modules:\n    old_name:\n      redirect: example.kp.new_name\n',
      [`${coll}/plugins/modules/new_name.py`]: "#!/usr/bin/python\nfrom ansible.module_utils.basic import AnsibleModule\nm = AnsibleModule(argument_spec=dict(x=dict(type='str')), supports_check_mode=True)\nm.exit_json(changed=False, seen=m.params['x'])\n",
      'p.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - example.kp.old_name: {x: hi}\n      register: r\n    - debug: msg="{{ r.seen }}"\n',
    });
    const argv = ['-i', 'n1,', '-c', 'local', join(dir, 'p.yml')];
    const env = { ...process.env, ANSIBLE_COLLECTIONS_PATH: join(dir, 'colls'), KPLAY_NO_LIVE: '1', ANSIBLE_NOCOLOR: '1' };
    const msg = (out: string): string | undefined => /"msg": "(.*)"/.exec(out)?.[1];
    const ours = spawnSync(process.execPath, [KPLAY, ...argv], { cwd: dir, encoding: 'utf8', env });
    expect(msg(ours.stdout), ours.stdout + ours.stderr).toBe('hi');
    expect(msg(spawnSync('ansible-playbook', argv, { cwd: dir, encoding: 'utf8', env }).stdout)).toBe('hi');
  });

  it("a module's warnings and deprecations: shown on stderr in Ansible's words and wrapping, registered with its result", () => {
    const dir = writeTree({
      'library/kp_old.py':
        "#!/usr/bin/python\nfrom ansible.module_utils.basic import AnsibleModule\nm = AnsibleModule(argument_spec=dict(name=dict(type='str')))\n" +
        "m.warn('the name option is spelled oddly')\nm.deprecate('kp_old is old and this sentence makes the message wrap', version='9.9', collection_name='ansible.builtin')\n" +
        "m.deprecate('its name option goes', date='2030-01-01', collection_name='example.kp')\nm.exit_json(changed=False, name=m.params['name'])\n",
      'p.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - kp_old: {name: x}\n      register: r\n    - debug: msg="{{ r.deprecations | to_json }} {{ r.warnings | to_json }}"\n',
    });
    const argv = ['-i', 'n1,', '-c', 'local', join(dir, 'p.yml')];
    const ours = spawnSync(process.execPath, [KPLAY, ...argv], { cwd: dir, encoding: 'utf8', env: { ...process.env, KPLAY_NO_LIVE: '1' } });
    const theirs = spawnSync('ansible-playbook', argv, { cwd: dir, encoding: 'utf8' });
    const msg = (out: string): string | undefined => /"msg": (".*")/.exec(out)?.[1];
    expect(msg(ours.stdout)).toBe(msg(theirs.stdout));
    // the deprecation lines as Ansible prints them (its warnings name no host; kplay's do)
    const deprecations = (err: string): string => err.slice(err.indexOf('[DEPRECATION WARNING]'));
    expect(deprecations(ours.stderr)).toBe(deprecations(theirs.stderr));
    expect(ours.stderr).toContain('[WARNING]: [n1] the name option is spelled oddly');
    expect(ours.stdout).not.toContain('WARNING');
  });

  it('ansible-core is found through the Python that runs ansible-playbook', () => {
    expect(execFileSync(process.execPath, [KPLAY, '--version'], { encoding: 'utf8' })).toBeTruthy();
  });
});
