import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../engine/inventory/sources.js';
import { VarsContext } from '../../engine/vars/host-scope.js';
import { inventoryVarsDirs } from '../../engine/vars/precedence.js';
import { writeTree } from '../support/tree.js';

// Each level sets `level` (and a variable of its own name) so the winner and the merge are visible.
function project(extra: Record<string, string> = {}) {
  return writeTree({
    'inv/hosts': `[all:vars]
level=ini-all
ini_all=1
[parent:children]
child
[child]
h1 level=ini-host ini_host=1
[child:vars]
level=ini-child
[parent:vars]
level=ini-parent
`,
    'inv/group_vars/all.yaml': 'level: inv-gv-all\ninv_gv_all: 1\n',
    'inv/group_vars/parent.yml': 'level: inv-gv-parent\n',
    'inv/group_vars/child/10-a.yaml': 'level: inv-gv-child-a\n',
    'inv/group_vars/child/20-b.json': '{"level": "inv-gv-child-b", "dict": {"a": 1}}',
    'inv/host_vars/h1': 'level: inv-hv\n',
    'play/group_vars/all.yaml': 'level: play-gv-all\n',
    'play/group_vars/parent.yaml': 'level: play-gv-parent\ndict: {b: 2}\n',
    'play/host_vars/h1.yaml': 'level: play-hv\n',
    ...extra,
  });
}

function varsFor(root: string, host = 'h1') {
  const inv = loadInventory([join(root, 'inv/hosts')], { cwd: root });
  const ctx = new VarsContext(inv, { inventory: inventoryVarsDirs(inv), playbook: [join(root, 'play')] }, { vars: {}, origins: new Map() });
  return ctx.inventoryVars(inv.hosts.get(host)!).vars;
}

describe('variable precedence (inventory levels)', () => {
  it('lets playbook host_vars win over everything from the inventory', () => {
    const v = varsFor(project());
    expect(v.level).toBe('play-hv');
    expect(v).toMatchObject({ ini_all: 1, ini_host: 1, inv_gv_all: 1 });
  });

  it('replaces dicts instead of merging them (hash_behaviour=replace)', () => {
    expect(varsFor(project()).dict).toEqual({ b: 2 });
  });

  // Ansible's order, highest first. For each level, enable it and every level below it: it must win.
  const levels = ['play-hv', 'inv-hv', 'ini-host', 'play-gv-child', 'play-gv-parent', 'inv-gv-child', 'inv-gv-parent', 'play-gv-all', 'inv-gv-all', 'ini-child', 'ini-parent', 'ini-all'] as const;
  function layered(enabled: Set<string>): string {
    const on = (l: string, text: string): string => (enabled.has(l) ? text : '');
    const files: Record<string, string> = {
      'inv/hosts': [
        '[parent:children]\nchild\n',
        `[child]\nh1 ${on('ini-host', 'level=ini-host')}\n`,
        `[child:vars]\n${on('ini-child', 'level=ini-child')}\n`,
        `[parent:vars]\n${on('ini-parent', 'level=ini-parent')}\n`,
        `[all:vars]\n${on('ini-all', 'level=ini-all')}\n`,
      ].join(''),
    };
    const file = (l: string, path: string): void => {
      if (enabled.has(l)) files[path] = `level: ${l}\n`;
    };
    file('play-hv', 'play/host_vars/h1.yaml');
    file('inv-hv', 'inv/host_vars/h1');
    file('play-gv-child', 'play/group_vars/child.yaml');
    file('play-gv-parent', 'play/group_vars/parent.yaml');
    file('inv-gv-child', 'inv/group_vars/child/10-a.yaml');
    file('inv-gv-parent', 'inv/group_vars/parent.yml');
    file('play-gv-all', 'play/group_vars/all.yaml');
    file('inv-gv-all', 'inv/group_vars/all.yaml');
    files['play/.keep'] = '';
    return writeTree(files);
  }
  it.each(levels.map((l, i) => [l, i] as const))('%s beats every level below it', (level, i) => {
    expect(varsFor(layered(new Set(levels.slice(i)))).level).toBe(level);
  });

  it('puts playbook-side group_vars of a parent above inventory-side group_vars of a child (Ansible order)', () => {
    const root = project({ 'inv/host_vars/h1': 'x: 1\n', 'play/host_vars/h1.yaml': 'x: 1\n' });
    const inv = loadInventory([join(root, 'inv/hosts')], { cwd: root });
    const h1 = inv.hosts.get('h1')!;
    h1.vars = {}; // drop inline host vars
    const ctx = new VarsContext(inv, { inventory: inventoryVarsDirs(inv), playbook: [join(root, 'play')] }, { vars: {}, origins: new Map() });
    expect(ctx.inventoryVars(h1).vars.level).toBe('play-gv-parent');
  });

  it('orders inventory group vars by depth, then ansible_group_priority, then name', () => {
    const root = writeTree({
      hosts: '[b]\nh\n[a]\nh\n[a:vars]\nv=a\n[b:vars]\nv=b\n',
      prio: '[b]\nh\n[a]\nh\n[a:vars]\nv=a\nansible_group_priority=5\n[b:vars]\nv=b\n',
    });
    const get = (f: string) => {
      const inv = loadInventory([join(root, f)], { cwd: root });
      return new VarsContext(inv, { inventory: [], playbook: [] }, { vars: {}, origins: new Map() }).inventoryVars(inv.hosts.get('h')!).vars.v;
    };
    expect(get('hosts')).toBe('b'); // same depth and priority: by name, b after a
    expect(get('prio')).toBe('a'); // higher priority wins
  });

  it('reads only the first of NAME, NAME.yml, NAME.yaml, NAME.json, like Ansible', () => {
    const root = writeTree({ 'inv/hosts': 'h\n', 'inv/group_vars/all.yml': 'x: yml\n', 'inv/group_vars/all.yaml': 'x: yaml\ny: 1\n' });
    const inv = loadInventory([join(root, 'inv/hosts')], { cwd: root });
    const v = new VarsContext(inv, { inventory: inventoryVarsDirs(inv), playbook: [] }, { vars: {}, origins: new Map() }).inventoryVars(inv.hosts.get('h')!).vars;
    expect(v).toEqual({ x: 'yml' });
  });

  it('puts extra vars above everything and magic vars above extra vars', () => {
    const root = project();
    const inv = loadInventory([join(root, 'inv/hosts')], { cwd: root });
    const extra = { vars: { level: 'extra', inventory_hostname: 'spoof' }, origins: new Map() };
    const scope = new VarsContext(inv, { inventory: inventoryVarsDirs(inv), playbook: [join(root, 'play')] }, extra).scope(inv.hosts.get('h1')!, {
      below: [{ vars: { level: 'role-default', only_default: 1 }, origins: new Map() }],
      above: [{ vars: { level: 'play' }, origins: new Map() }],
    });
    expect(scope.get('level')).toBe('extra');
    expect(scope.get('only_default')).toBe(1);
    expect(scope.get('inventory_hostname')).toBe('h1');
    expect(scope.get('group_names')).toEqual(['child', 'parent']);
    expect((scope.get('groups') as Record<string, string[]>).parent).toEqual(['h1']);
  });
});
