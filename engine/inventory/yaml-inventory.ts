// YAML inventories (`all: {hosts, vars, children}`), read like Ansible's yaml inventory plugin,
// with PyYAML scalar typing and the location of every problem.
import { isMapping } from '../util/mapping.js';
import { ParseError, type SourcePos } from '../errors.js';
import { nodeAt, nodePos, type YamlFile } from '../yaml/load.js';
import { expandHostPatternAt } from './pattern-at.js';
import { InventoryError, type Inventory } from './model.js';

/** Why a YAML file is not a YAML inventory (so the caller may try INI instead). */
export class NotYamlInventory extends Error {}

const SECTIONS = ['vars', 'children', 'hosts'] as const;

/** Checks the top-level shape: a non-empty mapping that is not an inventory plugin config. */
export function checkYamlInventoryShape(y: YamlFile): void {
  if (y.value === null || y.value === undefined || y.value === '') throw new NotYamlInventory('Parsed empty YAML file');
  if (!isMapping(y.value)) throw new NotYamlInventory('YAML inventory has invalid structure, it should be a dictionary');
  if ('plugin' in y.value) {
    throw new ParseError(`inventory plugin configurations (plugin: ${String(y.value.plugin)}) are not supported by kplay`, nodePos(y, nodeAt(y, ['plugin'])), 'list hosts and groups in an INI or YAML inventory instead');
  }
}

/** Adds the groups, hosts and vars of a YAML inventory document to `inv`. */
export function parseYamlInventory(inv: Inventory, y: YamlFile): void {
  checkYamlInventoryShape(y);
  for (const [name, data] of Object.entries(y.value as Record<string, unknown>)) {
    parseGroup(inv, y, name, data, [name]);
  }
}

function parseGroup(inv: Inventory, y: YamlFile, name: string, data: unknown, path: (string | number)[]): string {
  const pos = (p: (string | number)[]): SourcePos => nodePos(y, nodeAt(y, p));
  const keyPos = (p: (string | number)[]): SourcePos => nodePos(y, nodeAt(y, p, { key: true }));
  if (!(data === null || data === undefined || isMapping(data))) {
    inv.warn(`${pos(path).file}:${pos(path).line}: Skipping '${name}' as this is not a valid group definition`);
    return name;
  }
  // (the name made safe as Ansible makes a new group's, and used from there on)
  name = inv.addGroup(name, pos(path)).name;
  if (!data) return name;
  for (const section of SECTIONS) {
    const v = data[section];
    if (typeof v === 'string') data[section] = { [v]: null };
    else if (!(v === undefined || v === null || isMapping(v))) {
      throw new ParseError(`Invalid "${section}" entry for "${name}" group, requires a dictionary, found a ${Array.isArray(v) ? 'list' : typeof v} instead.`, pos([...path, section]), section === 'hosts' ? 'write hosts as a mapping: "hosts: {h1: {}, h2: {}}" or one "h1:" per line' : `write ${section} as a mapping`);
    }
  }
  for (const [key, value] of Object.entries(data)) {
    if (!(value === null || value === undefined || isMapping(value))) {
      const p = pos([...path, key]);
      inv.warn(`${p.file}:${p.line}: Skipping key (${key}) in group (${name}) as it is not a mapping`);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (key === 'vars') {
      const g = inv.groups.get(name);
      for (const [k, v] of Object.entries(value)) {
        const at = pos([...path, 'vars', k]);
        try {
          g?.setVar(k, v, at);
        } catch (e) {
          if (e instanceof InventoryError) throw new ParseError(e.message, at);
          throw e;
        }
      }
    } else if (key === 'children') {
      for (const [child, childData] of Object.entries(value)) {
        const childName = parseGroup(inv, y, child, childData, [...path, 'children', child]);
        try {
          inv.addChild(name, childName);
        } catch (e) {
          if (e instanceof InventoryError) throw new ParseError(e.message, keyPos([...path, 'children', child]));
          throw e;
        }
      }
    } else if (key === 'hosts') {
      for (const [pattern, hostData] of Object.entries(value)) {
        const at = keyPos([...path, 'hosts', pattern]);
        const { hosts, port } = expandHostPatternAt(pattern, at);
        const hv = hostData ?? {};
        if (!isMapping(hv)) {
          throw new ParseError(`host '${pattern}' must map to a dictionary of variables, got ${JSON.stringify(hv)}`, at, `write "${pattern}:" alone, or give it variables: "${pattern}: {ansible_host: 10.0.0.1}"`);
        }
        for (const h of hosts) {
          const host = inv.addHost(h, name, port, y.file);
          for (const [k, v] of Object.entries(hv)) host.setVar(k, v, pos([...path, 'hosts', pattern, k]));
        }
      }
    } else {
      const p = pos([...path, key]);
      inv.warn(`${p.file}:${p.line}: Skipping unexpected key (${key}) in group (${name}), only "vars", "children" and "hosts" are valid`);
    }
  }
  return name;
}
