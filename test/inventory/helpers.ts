// Shared helpers for inventory tests: parse text into an Inventory and summarise it.
import { parseIniInventory } from '../../engine/inventory/ini.js';
import { Inventory } from '../../engine/inventory/model.js';
import { parseYamlInventory } from '../../engine/inventory/yaml-inventory.js';
import { parseYaml } from '../../engine/yaml/load.js';
import { ParseError } from '../../engine/errors.js';

export function ini(text: string, file = '/inv/hosts'): Inventory {
  const inv = new Inventory();
  parseIniInventory(inv, text, file);
  inv.reconcile();
  return inv;
}

export function yamlInv(text: string, file = '/inv/hosts.yaml'): Inventory {
  const inv = new Inventory();
  parseYamlInventory(inv, parseYaml(text, file));
  inv.reconcile();
  return inv;
}

/** groups -> {hosts, children} (empty lists left out) and hosts -> own vars. */
export function summary(inv: Inventory): { groups: Record<string, { hosts?: string[]; children?: string[] }>; hostvars: Record<string, unknown> } {
  const groups: Record<string, { hosts?: string[]; children?: string[] }> = {};
  for (const [name, g] of inv.groups) {
    const e: { hosts?: string[]; children?: string[] } = {};
    if (g.hosts.length) e.hosts = g.hosts.map((h) => h.name);
    if (g.children.length) e.children = g.children.map((c) => c.name);
    groups[name] = e;
  }
  const hostvars: Record<string, unknown> = {};
  for (const [name, h] of inv.hosts) hostvars[name] = h.vars;
  return { groups, hostvars };
}

/** The ParseError thrown by fn (fails the test if none). */
export function parseErrorOf(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error('expected a ParseError');
}
