import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PatternMatcher, splitHostPattern } from '../../engine/inventory/patterns.js';
import { UserError } from '../../engine/errors.js';
import { writeTree } from '../support/tree.js';
import { ansiblePatterns, hasAnsible } from '../support/oracle.js';
import { ini } from './helpers.js';

const INVENTORY = `lone
[primary-master]
m1
[secondary-masters]
m2
m3
[masters:children]
primary-master
secondary-masters
[minions]
w1
w2
[etcd:children]
masters
[web]
web01.example.com
web02.example.com
`;
const inv = () => ini(INVENTORY);

const names = (pattern: string | string[], limit?: string): string[] => new PatternMatcher(inv()).hosts(pattern, limit).map((h) => h.name);

const table: [string | string[], string[]][] = [
    ['all', ['lone', 'w1', 'w2', 'web01.example.com', 'web02.example.com', 'm1', 'm2', 'm3']],
    ['*', ['lone', 'w1', 'w2', 'web01.example.com', 'web02.example.com', 'm1', 'm2', 'm3']],
    ['masters', ['m1', 'm2', 'm3']],
    ['masters:minions', ['m1', 'm2', 'm3', 'w1', 'w2']],
    ['masters,minions', ['m1', 'm2', 'm3', 'w1', 'w2']],
    [['masters', 'minions'], ['m1', 'm2', 'm3', 'w1', 'w2']],
    ['etcd:&secondary-masters', ['m2', 'm3']],
    ['masters:!m2', ['m1', 'm3']],
    ['!minions', ['lone', 'web01.example.com', 'web02.example.com', 'm1', 'm2', 'm3']],
    ['w*', ['web01.example.com', 'web02.example.com', 'w1', 'w2']],
    ['~web0[12]\\.example', ['web01.example.com', 'web02.example.com']],
    ['masters[0]', ['m1']],
    ['masters[-1]', ['m3']],
    ['masters[1:]', ['m2', 'm3']],
    ['masters[0:1]', ['m1', 'm2']],
    ['ungrouped', ['lone']],
    ['m1:m1', ['m1']],
];

describe('host patterns', () => {
  it.each(table)('%j', (pattern, expected) => {
    expect(names(pattern)).toEqual(expected);
  });

  it.skipIf(!hasAnsible)('gives the same hosts in the same order as Ansible for every row', () => {
    const root = writeTree({ inv: INVENTORY });
    const oracle = ansiblePatterns(table.map(([pattern]) => ({ cwd: root, sources: [join(root, 'inv')], pattern })));
    expect(oracle.map((r) => r.hosts)).toEqual(table.map(([, expected]) => expected));
  });

  it('applies --limit after the play pattern', () => {
    expect(names('masters', 'm2,w1')).toEqual(['m2']);
    expect(names('all', '!masters')).toEqual(['lone', 'w1', 'w2', 'web01.example.com', 'web02.example.com']);
    expect(names('masters:minions', 'w2:m1')).toEqual(['m1', 'w2']);
  });

  it('reads --limit @file (one pattern per line)', () => {
    const root = writeTree({ 'retry': 'm3\nw2\n' });
    const m = new PatternMatcher(inv(), root);
    expect(m.hosts('all', '@retry').map((h) => h.name)).toEqual(['w2', 'm3']);
    expect(() => m.hosts('all', `@${join(root, 'missing')}`)).toThrow('Unable to find limit file');
  });

  it('warns about patterns that match nothing, like Ansible', () => {
    const m = new PatternMatcher(inv());
    expect(m.hosts('nosuch:masters').map((h) => h.name)).toEqual(['m1', 'm2', 'm3']);
    expect(m.warnings).toEqual(['Could not match supplied host pattern, ignoring: nosuch']);
  });

  it('gives the implicit localhost when the inventory lacks it', () => {
    const hosts = new PatternMatcher(inv()).hosts('localhost');
    expect(hosts.map((h) => [h.name, h.implicit, h.vars.ansible_connection])).toEqual([['localhost', true, 'local']]);
    expect(names('all')).not.toContain('localhost');
  });

  it('errors on an index past the end of a group', () => {
    expect(() => names('masters[7]')).toThrow(UserError);
  });

  it('splits patterns like Ansible (IPv6 addresses stay whole)', () => {
    expect(splitHostPattern('a:b:&c:!d')).toEqual(['a', 'b', '&c', '!d']);
    expect(splitHostPattern('web[1:3]:db')).toEqual(['web[1:3]', 'db']);
    expect(splitHostPattern('fe80::1')).toEqual(['fe80::1']);
    expect(splitHostPattern(' a , b ')).toEqual(['a', 'b']);
  });
});
