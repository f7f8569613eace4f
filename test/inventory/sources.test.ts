import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../engine/inventory/sources.js';
import { ParseError, UserError } from '../../engine/errors.js';
import { writeTree } from '../support/tree.js';
import { VarsContext } from '../../engine/vars/host-scope.js';
import { inventoryVarsDirs } from '../../engine/vars/precedence.js';

describe('inventory sources', () => {
  it('loads every inventory file of a directory in name order, skipping group_vars and ignored extensions', () => {
    const root = writeTree({
      'inv/01-masters': '[masters]\nm1\n',
      'inv/02-workers.yaml': 'workers:\n  hosts:\n    w1:\n',
      'inv/notes.md': 'not an inventory',
      'inv/old.ini': '[old]\nx\n',
      'inv/group_vars/all.yaml': 'a: 1\n',
    });
    const inv = loadInventory([join(root, 'inv')], { cwd: root });
    expect([...inv.hosts.keys()]).toEqual(['m1', 'w1']);
    expect(inv.groups.has('old')).toBe(false);
    expect(inv.warnings.join('\n')).toContain('Ansible ignores *.ini files inside inventory directories');
  });

  it('merges several -i sources in order', () => {
    const root = writeTree({ a: '[g]\nh1 x=1\n', b: '[g]\nh1 x=2\nh2\n' });
    const inv = loadInventory([join(root, 'a'), join(root, 'b')], { cwd: root });
    expect(inv.groups.get('g')?.hosts.map((h) => h.name)).toEqual(['h1', 'h2']);
    expect(inv.hosts.get('h1')?.vars.x).toBe(2);
  });

  it('treats "h1,h2:2222," as an inline host list', () => {
    const inv = loadInventory(['h1,h2:2222,'], { cwd: '/' });
    expect(inv.groups.get('ungrouped')?.hosts.map((h) => h.name)).toEqual(['h1', 'h2']);
    expect(inv.hosts.get('h2')?.vars).toEqual({ ansible_port: 2222 });
  });

  it('reads an extension-less YAML file as YAML and an extension-less INI file as INI', () => {
    const root = writeTree({ y: 'all:\n  hosts:\n    h1:\n', i: 'h2 a=1\n[g]\nh3\n' });
    expect([...loadInventory([join(root, 'y')], { cwd: root }).hosts.keys()]).toEqual(['h1']);
    expect([...loadInventory([join(root, 'i')], { cwd: root }).hosts.keys()]).toEqual(['h2', 'h3']);
  });

  it('falls back to INI for a .yml file holding INI text, as Ansible does', () => {
    const root = writeTree({ 'hosts.yml': '[g]\nh1\n' });
    expect([...loadInventory([join(root, 'hosts.yml')], { cwd: root }).hosts.keys()]).toEqual(['h1']);
  });

  it('reports the YAML error for a broken .yaml file', () => {
    const root = writeTree({ 'hosts.yaml': 'all:\n  hosts:\n    h1:\n    h1:\n' });
    const e = (() => {
      try {
        loadInventory([join(root, 'hosts.yaml')], { cwd: root });
      } catch (err) {
        return err as ParseError;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(ParseError);
    expect(e.pos).toMatchObject({ file: join(root, 'hosts.yaml'), line: 4 });
    expect(e.message).toContain('duplicate key');
  });

  // TOML files the toml plugin refuses (Ansible warns and reads no hosts; kplay stops, naming the file)
  const TOML_REFUSED: [string, string, RegExp, number | undefined][] = [
    ['a duplicate key', '[web.hosts]\nh1 = {}\nh1 = { x = 1 }\n', /^TOML file \(.*bad\.toml\) is invalid: /, 3],
    ['an inventory plugin configuration', 'plugin = "aws_ec2"\n[x]\ny = 1\n', /^Plugin configuration TOML file, not TOML inventory$/, undefined],
    ['vars that are not a table', '[web]\nvars = ["a"]\n', /^Invalid "vars" entry for "web" group, requires a dict, found "<class 'list'>" instead\.$/, undefined],
    ['children that are not a list', '[web]\nchildren = "db"\n', /^Invalid "children" entry for "web" group, requires a list, found "<class 'str'>" instead\.$/, undefined],
    ["an array of two types (Python's toml library refuses it)", '[web.hosts]\nh1 = { ports = [1, "2"] }\n', /is invalid: Not a homogeneous array$/, undefined],
  ];
  it.each(TOML_REFUSED)('refuses a TOML inventory with %s, naming the file', (_what, text, message, line) => {
    const root = writeTree({ 'bad.toml': text });
    let err: unknown;
    try {
      loadInventory([join(root, 'bad.toml')], { cwd: root });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).message).toMatch(message);
    expect((err as ParseError).pos).toMatchObject({ file: join(root, 'bad.toml'), ...(line ? { line } : {}) });
  });

  it("reads a TOML inventory as Ansible's toml plugin does, after its ini plugin has made the first table's group", () => {
    const root = writeTree({ 'hosts.toml': '[web.hosts]\n"w[1:2]" = { tier = 1.0 }\n[web]\nchildren = ["db"]\nvars = { port = 80 }\n[db.hosts]\n"d1:2222" = {}\n' });
    const inv = loadInventory([join(root, 'hosts.toml')], { cwd: root });
    expect([...inv.hosts.keys()]).toEqual(['w1', 'w2', 'd1']);
    expect(inv.groups.get('web')?.vars).toEqual({ port: 80 });
    expect(inv.hosts.get('d1')?.vars).toEqual({ ansible_port: 2222 });
    expect(String(inv.hosts.get('w1')?.vars.tier)).toBe('1.0');
    expect(inv.groups.has('web.hosts')).toBe(true);
  });

  it("finds a bare name in the project's inventories/", () => {
    const root = writeTree({ 'inventories/my-cluster.inventory': '[g]\nh1\n', 'roles/.keep': '' });
    const inv = loadInventory(['my-cluster.inventory'], { cwd: root, projectRoot: root });
    expect(inv.sources).toEqual([join(root, 'inventories/my-cluster.inventory')]);
  });

  it('skips dangling links in inventory and group_vars directories, as Ansible does', () => {
    const root = writeTree({ 'inv/hosts': '[g]\nh\n', 'inv/group_vars/all/a.yaml': 'x: 1\n' });
    symlinkSync('/nonexistent-target', join(root, 'inv/dangling'));
    symlinkSync('/nonexistent-target', join(root, 'inv/group_vars/all/b.yaml'));
    const inv = loadInventory([join(root, 'inv')], { cwd: root });
    expect([...inv.hosts.keys()]).toEqual(['h']);
    expect(inv.warnings.join('\n')).toContain(`Unable to parse ${join(root, 'inv/dangling')}`);
    const vars = new VarsContext(inv, { inventory: inventoryVarsDirs(inv), playbook: [] }, { vars: {}, origins: new Map() });
    expect(vars.inventoryVars(inv.hosts.get('h')!).vars).toEqual({ x: 1 });
  });

  it('says where it looked when a source does not exist', () => {
    expect(() => loadInventory(['nope.inventory'], { cwd: '/tmp', projectRoot: '/srv/proj' })).toThrow(UserError);
    expect(() => loadInventory(['nope.inventory'], { cwd: '/tmp', projectRoot: '/srv/proj' })).toThrow('inventory source not found: nope.inventory');
  });
});
