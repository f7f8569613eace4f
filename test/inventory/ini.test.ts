import { describe, expect, it } from 'vitest';
import { ini, parseErrorOf, summary } from './helpers.js';

describe('INI inventory (Ansible ini plugin rules)', () => {
  it('puts hosts before any section in ungrouped, and removes them once they join a group', () => {
    const inv = ini('a\nb\n[g]\nb\n');
    expect(summary(inv).groups.ungrouped).toEqual({ hosts: ['a'] });
    expect(summary(inv).groups.all).toEqual({ children: ['ungrouped', 'g'] });
  });

  it('accepts children declared before the child group exists (forward reference)', () => {
    const inv = ini('[masters:children]\nprimary-master\nsecondary-masters\n[primary-master]\nm1\n[secondary-masters]\nm2\nm3\n');
    expect(summary(inv).groups.masters).toEqual({ children: ['primary-master', 'secondary-masters'] });
    expect(inv.groups.get('masters')?.allHosts().map((h) => h.name)).toEqual(['m1', 'm2', 'm3']);
    expect(inv.hosts.get('m2')?.groupNames()).toEqual(['masters', 'secondary-masters']);
  });

  it('applies [g:vars] after the group exists, and [all:vars]', () => {
    const inv = ini('[g]\nh\n[g:vars]\nx = 1\ny=hello world\n[all:vars]\nz=True\n');
    expect(inv.groups.get('g')?.vars).toEqual({ x: 1, y: 'hello world' });
    expect(inv.groups.get('all')?.vars).toEqual({ z: true });
  });

  it('splits host lines like a shell, with typed values and comments', () => {
    const inv = ini(`h1 a=1.20 b=True c=true d='42' e="'042'" f="[1,2]" g={"k":"v"} z=0123 ip=10.0.0.1 k8s=1.28.2 n=None em= # trailing\n`);
    expect(inv.hosts.get('h1')?.vars).toEqual({ a: 1.2, b: true, c: 'true', d: 42, e: '042', f: [1, 2], g: '{k:v}', z: '0123', ip: '10.0.0.1', k8s: '1.28.2', n: null, em: '' });
  });

  it('warns when a version-looking value is turned into a number', () => {
    const inv = ini('[all:vars]\nKUBERNETES_VERSION=1.20\nother=1.28.2\n');
    expect(inv.warnings).toHaveLength(1);
    expect(inv.warnings[0]).toContain('/inv/hosts:2: KUBERNETES_VERSION=1.20 is read as the number 1.2');
    expect(inv.warnings[0]).toContain("KUBERNETES_VERSION='1.20'");
  });

  it('expands ranges and applies ports to every host of a range', () => {
    const inv = ini('[web]\nwww[01:03]:2222 role=web\n');
    expect([...inv.hosts.keys()]).toEqual(['www01', 'www02', 'www03']);
    expect(inv.hosts.get('www02')?.vars).toEqual({ ansible_port: 2222, role: 'web' });
  });

  it('skips # and ; comment lines and accepts comments after section headers', () => {
    const inv = ini('# c\n; c\n[g] # the group\nh\n');
    expect(summary(inv).groups.g).toEqual({ hosts: ['h'] });
  });

  it('sets ansible_group_priority as the priority, not as a variable', () => {
    const inv = ini('[g]\nh\n[g:vars]\nansible_group_priority=10\n');
    expect(inv.groups.get('g')?.priority).toBe(10);
    expect(inv.groups.get('g')?.vars).toEqual({});
  });

  it('allows the same host in several groups and nested children', () => {
    const inv = ini('[a]\nh1\n[b]\nh1\nh2\n[top:children]\na\nb\n');
    expect(inv.groups.get('top')?.allHosts().map((h) => h.name)).toEqual(['h1', 'h2']);
    expect(inv.groups.get('a')?.depth).toBe(2);
  });

  // [inventory text, line, col, message, hint words]
  const errors: [string, number, number, string, string][] = [
    ['[g:bogus]\n', 1, 1, 'Section [g:bogus] has unknown type: bogus', '[group:children]'],
    ['[my group]\n', 1, 1, "Invalid section entry: '[my group]'", 'spaces'],
    ['[g]\nh1 novalue\n', 2, 1, 'Expected key=value host variable assignment, got: novalue', 'key=value'],
    ['[g:vars]\njustaword\n[g]\n', 2, 1, 'Expected key=value, got: justaword', 'name=value'],
    ['[undefined:vars]\nx=1\n', 1, 1, 'Section [undefined:vars] not valid for undefined group: undefined', '[undefined]'],
    ['[p:children]\nmissing\n', 2, 1, 'Section [p:children] includes undefined group: missing', '[missing]'],
    ['[a:children]\nb\n[b:children]\na\n[b]\n', 4, 1, 'recursive dependency loop', ''],
    ['[g]\nh x="unclosed\n', 2, 1, 'No closing quotation', 'quote'],
    ['[g]\nweb[1:]\n', 2, 1, 'host range must specify end value', 'web[01:20]'],
    ['[g]\nhost:\n', 2, 1, "ending in ':' is not allowed", 'host:PORT'],
    ['---\n', 1, 1, "'---' is normally a sign this is a YAML file", '.yaml'],
    ['[c:children]\n  bad group\n', 2, 3, 'Expected group name, got: bad group', 'one group each'],
  ];
  it.each(errors)('rejects %j at %i:%i', (text, line, col, message, hint) => {
    const e = parseErrorOf(() => ini(text, '/inv/bad.ini'));
    expect(e.pos).toEqual({ file: '/inv/bad.ini', line, col });
    expect(e.message).toContain(message);
    expect(e.format()).toMatch(new RegExp(`^ERROR! /inv/bad.ini:${line}:${col}: `));
    if (hint) expect(e.hint).toContain(hint);
    expect(e.exitCode).toBe(4);
  });
});
