import { describe, expect, it } from 'vitest';
import { parseErrorOf, summary, yamlInv } from './helpers.js';

describe('YAML inventory (Ansible yaml plugin rules)', () => {
  it('reads nested children, hosts with vars and group vars', () => {
    const inv = yamlInv(`all:
  vars:
    cluster: demo
  children:
    masters:
      children:
        primary-master:
          hosts:
            m1: {ansible_host: 10.0.0.11}
        secondary-masters:
          hosts:
            m[2:3]:
    minions:
      hosts:
        w1:
      vars:
        role: worker
`);
    expect(summary(inv).groups.masters).toEqual({ children: ['primary-master', 'secondary-masters'] });
    expect(summary(inv).groups['secondary-masters']).toEqual({ hosts: ['m2', 'm3'] });
    expect(inv.hosts.get('m1')?.vars).toEqual({ ansible_host: '10.0.0.11' });
    expect(inv.groups.get('minions')?.vars).toEqual({ role: 'worker' });
    expect(inv.groups.get('all')?.vars).toEqual({ cluster: 'demo' });
  });

  it('types values with YAML 1.1 rules like Ansible (yes/no, octal, 1.20)', () => {
    const inv = yamlInv('all:\n  hosts:\n    h:\n      a: yes\n      b: 0644\n      c: 1.20\n      d: y\n      e: "1.20"\n');
    expect(inv.hosts.get('h')?.vars).toEqual({ a: true, b: 420, c: 1.2, d: 'y', e: '1.20' });
  });

  it('accepts a string for hosts/children as a single entry', () => {
    const inv = yamlInv('g:\n  hosts: h1\n');
    expect(summary(inv).groups.g).toEqual({ hosts: ['h1'] });
  });

  it('warns about unexpected keys and non-mapping groups, as Ansible does', () => {
    const inv = yamlInv('g:\n  hosts: {h: }\n  host: {x: }\nbad: [1]\n');
    expect(inv.warnings.some((w) => w.includes('Skipping unexpected key (host) in group (g)'))).toBe(true);
    expect(inv.warnings.some((w) => w.includes("Skipping 'bad'"))).toBe(true);
  });

  it.each([
    ['g:\n  hosts: [a, b]\n', 2, 10, 'Invalid "hosts" entry for "g" group'],
    ['g:\n  hosts:\n    h: 5\n', 3, 5, "host 'h' must map to a dictionary"],
    ['a:\n  children:\n    b:\n      children:\n        a:\n', 3, 5, 'recursive dependency loop'],
    ['g:\n  hosts:\n    n[3:1:0]:\n', 3, 5, 'step'],
    ['plugin: aws_ec2\n', 1, 9, 'inventory plugin configurations'],
  ])('rejects %j at %i:%i', (text, line, col, message) => {
    const e = parseErrorOf(() => yamlInv(text, '/inv/bad.yaml'));
    expect(e.pos).toEqual({ file: '/inv/bad.yaml', line, col });
    expect(e.message).toContain(message);
  });
});
