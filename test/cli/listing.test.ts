// The listings' warnings where ansible-playbook 2.14 prints them: a written-out pattern matching nothing
// before the listing; a templated one where the listing reads it (before the play's lines with
// --list-hosts, after its header otherwise, never with --syntax-check alone). stdout and stderr are read as
// one stream, as a terminal shows them. Compared with ansible-playbook live where it is installed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { writeTree } from '../support/tree.js';

const KPLAY = fileURLToPath(new URL('../../bin/kplay.js', import.meta.url));
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

// one host per play, so the hosts' order (a set in Ansible) is never in question
const root = writeTree({
  hosts: '[web]\nw1\n',
  'site.yaml':
    '- hosts: nosuch\n  gather_facts: false\n  tasks:\n    - debug: msg=a\n' +
    '- hosts: "{{ target | default(\'unmatched\') }}"\n  gather_facts: false\n  tasks:\n    - debug: msg=b\n      tags: [x]\n' +
    '- hosts: web\n  gather_facts: false\n  tasks:\n    - debug: msg=c\n',
});

function listing(argv: string[], flags: string[]): string {
  const r = spawnSync('sh', ['-c', `${[...argv, '-i', 'hosts', 'site.yaml', ...flags].map(q).join(' ')} 2>&1`], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, KPLAY_NO_LIVE: '1', ANSIBLE_NOCOLOR: '1' } });
  return r.stdout;
}

const W = (p: string): string => `[WARNING]: Could not match supplied host pattern, ignoring: ${p}`;
const head = (n: number, p: string): string => `  play #${n} (${p}): ${p}\tTAGS: []`;

describe('listings', () => {
  it.each([
    [['--syntax-check'], [W('nosuch'), '', 'playbook: site.yaml']],
    [['--list-tasks'], [W('nosuch'), '', 'playbook: site.yaml', '', head(1, 'nosuch'), '    tasks:', '      debug\tTAGS: []', '', head(2, 'unmatched'), W('unmatched'), '    tasks:', '      debug\tTAGS: [x]', '', head(3, 'web'), '    tasks:', '      debug\tTAGS: []']],
    [
      ['--list-hosts', '--list-tags'],
      [W('nosuch'), '', 'playbook: site.yaml', '', head(1, 'nosuch'), "    pattern: ['nosuch']", '    hosts (0):', '      TASK TAGS: []', W('unmatched'), '', head(2, 'unmatched'), "    pattern: ['unmatched']", '    hosts (0):', '      TASK TAGS: [x]', '', head(3, 'web'), "    pattern: ['web']", '    hosts (1):', '      w1', '      TASK TAGS: []'],
    ],
  ])('%j', (flags, expected) => {
    const kplay = listing([process.execPath, KPLAY], flags);
    expect(kplay.split('\n')).toEqual([...expected, '']);
    if (hasAnsible) expect(listing(['ansible-playbook'], flags)).toBe(kplay);
  });
});
