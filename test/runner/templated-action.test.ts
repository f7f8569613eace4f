// `action: "{{ m }} k=v"`: the module is named by a template (older playbooks: ansible-examples'
// `{{ packager }} pkg=... state=latest`), so each host resolves it with its own variables when the task
// runs, and its arguments are checked for that module then. Compared with ansible-playbook where it is
// installed (CI installs it): the messages and the hosts that failed; kplay's error words are its own.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const SITE = `- hosts: all
  gather_facts: false
  tasks:
    - action: "{{ m }} msg=hi-{{ inventory_hostname }}"
      ignore_errors: true
    - name: named
      local_action: "{{ 'debug' }} msg={{ m }}"
      register: r
    - debug: msg="registered {{ r.msg }}"
    - action: "{{ 'nosuchmod' }} a=1"
      ignore_errors: true
    - action: "{{ 'debug' }} nosuch=1"
      ignore_errors: true
`;

const run = (argv: readonly string[], root: string): string => {
  const r = spawnSync(argv[0] as string, [...argv.slice(1), '-i', 'hosts', '-c', 'local', 'site.yaml'], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, KPLAY_NO_LIVE: '1', ANSIBLE_NOCOLOR: '1' } });
  return r.stdout + r.stderr;
};
// what both engines agree on: the banners, each host's status line and the messages it printed (the
// delegate left out: Ansible 2.14 does not show it for a templated local_action, kplay does as for any)
const seen = (text: string): string[] => [...text.matchAll(/^(TASK \[.*?\]|(?:ok|fatal|changed): \[\w+|\s+"msg": "[^"]*")/gm)].map((m) => (m[1] as string).trim());
// per task: its banner and each host's status and message, hosts in name order (Ansible's come as its
// forks finish); the words of a failure kplay words its own way are left out
const byTask = (text: string): string[][] =>
  text
    .split(/^(?=TASK \[)/m)
    .slice(1)
    .map((block) => [
      block.split('\n')[0] as string,
      ...[...block.matchAll(/^(ok|fatal|changed): \[(\w+)[^\n]*?(?:"msg": "([^"]*)"|\n\s+"msg": "([^"]*)"|$)/gm)]
        .map((m) => `${m[2]} ${m[1]} ${m[3] ?? m[4] ?? ''}`)
        .map((l) => (/module|options|parameter/.test(l) ? l.replace(/^(\S+ \S+) .*$/, '$1 ...') : l))
        .sort(),
    ]);

describe('a templated module name in action:', () => {
  it('is resolved on each host with its variables when the task runs', () => {
    const root = writeTree({ 'site.yaml': SITE, hosts: 'a m=debug\nb m=fail\n' });
    const ours = run(ENGINES.kplay, root);
    const lines = seen(ours);
    expect(lines.slice(0, 4), ours).toEqual(['TASK [{{ m }}]', 'ok: [a', '"msg": "hi-a"', 'fatal: [b']);
    expect(ours).toContain('fatal: [b]: FAILED! => {"changed": false, "msg": "hi-b"}');
    expect(lines).toContain('"msg": "registered fail"');
    // a name no module has, and an option the module has not: a failed task on each host, as in Ansible
    expect(ours).toMatch(/fatal: \[a\]: FAILED! => \{"changed": false, "msg": ".*couldn't resolve module\/action 'nosuchmod'/);
    expect(ours).toMatch(/fatal: \[b\]: FAILED! => \{"changed": false, "msg": ".*unsupported parameter 'nosuch' for module 'debug'/);
    expect(ours).toMatch(/a\s+: ok=5\s+changed=0\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=2/);
    expect(ours).toMatch(/b\s+: ok=5\s+changed=0\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=3/);
    if (hasAnsible) {
      const theirs = run(ENGINES.ansible, root);
      expect(byTask(ours)).toEqual(byTask(theirs));
      expect([...ours.matchAll(/^\w+\s+: ok=.*$/gm)].map((m) => m[0].trim())).toEqual([...theirs.matchAll(/^\w+\s+: ok=.*$/gm)].map((m) => m[0].trim()));
    }
  });

  it.each([
    ['    - action: "{{ m }} msg={{ bad"\n', "site.yaml:4"],
  ])('checks its template syntax at load: %j', (task, where) => {
    const root = writeTree({ 'site.yaml': `- hosts: all\n  gather_facts: false\n  tasks:\n${task}`, hosts: 'a m=debug\n' });
    const ours = run(ENGINES.kplay, root);
    expect(ours).toContain(where);
    expect(ours).not.toContain('PLAY [');
  });
});
