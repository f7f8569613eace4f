// TOML inventory files as Ansible's toml inventory plugin reads them: each top-level table is a group
// with `vars` (a table), `children` (a list of group names) and `hosts` (host patterns, each with a
// table of variables); other keys are warned of and skipped. Values keep TOML's types as Python's toml
// library gives them: a whole float stays a float, a date or time is its ISO text.
import { parse, TomlDate, TomlError } from 'smol-toml';
import { ParseError } from '../errors.js';
import { isMapping } from '../util/mapping.js';
import { PyFloat } from '../util/py-float.js';
import { expandHostPatternAt } from './pattern-at.js';
import { InventoryError, type Inventory } from './model.js';

// Python's name of a TOML value's type, as Ansible's messages print type(x)
function pyType(v: unknown): string {
  if (Array.isArray(v)) return "<class 'list'>";
  if (typeof v === 'string') return "<class 'str'>";
  if (typeof v === 'boolean') return "<class 'bool'>";
  if (typeof v === 'bigint') return "<class 'int'>";
  if (typeof v === 'number' || v instanceof PyFloat) return "<class 'float'>";
  if (v instanceof TomlDate) return v.isDate() ? "<class 'datetime.date'>" : v.isTime() ? "<class 'datetime.time'>" : "<class 'datetime.datetime'>";
  return "<class 'dict'>";
}

// Python's isoformat() of the date, time or datetime the toml library makes of a TOML date
function isoText(d: TomlDate): string {
  const text = d.toISOString();
  // (Python writes a fraction of a second in microseconds, none when it is zero, and UTC as +00:00)
  return text.replace(/\.(\d+)/, (_m, f: string) => (/^0+$/.test(f) ? '' : `.${f.padEnd(6, '0').slice(0, 6)}`)).replace(/Z$/, '+00:00');
}

// TOML's values as kplay keeps them: integers as numbers, whole floats marked, dates as their text; an
// array of several types is refused, as Python's toml library (which Ansible reads with) refuses it
function native(v: unknown, file: string): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isInteger(v) ? new PyFloat(v) : v;
  if (v instanceof TomlDate) return isoText(v);
  if (Array.isArray(v)) {
    if (v.some((x) => pyType(x) !== pyType(v[0]))) throw new ParseError(`TOML file (${file}) is invalid: Not a homogeneous array`, { file }, "give an array items of one type (Python's toml library, which Ansible reads the file with, refuses others)");
    return v.map((x) => native(x, file));
  }
  if (isMapping(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, native(x, file)]));
  return v;
}

/** Reads a TOML inventory file into `inv`, as Ansible's toml plugin does. */
export function parseTomlInventory(inv: Inventory, text: string, file: string): void {
  let data: Record<string, unknown>;
  try {
    // (integers as BigInt, so that a number left is a float)
    data = parse(text, { integersAsBigInt: true });
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    const first = e.message.split('\n')[0] as string;
    throw new ParseError(`TOML file (${file}) is invalid: ${first}`, { file, line: e.line, col: e.column }, 'fix the TOML syntax at that place');
  }
  const at = { file };
  if (Object.keys(data).length === 0) throw new ParseError('Parsed empty TOML file', at, 'a TOML inventory has a table per group, e.g. [web.hosts] then host1 = {}');
  if (data.plugin) throw new ParseError('Plugin configuration TOML file, not TOML inventory', at, 'kplay reads no inventory plugins: give the hosts as an INI, YAML or TOML inventory');
  const group = (name: string, body: unknown): void => {
    if (body !== undefined && !isMapping(body)) {
      inv.warn(`Skipping '${name}' as this is not a valid group definition`);
      return;
    }
    // (the name made safe as Ansible makes a new group's; a child is linked by its name as written)
    name = inv.addGroup(name, at).name;
    if (body === undefined) return;
    for (const [key, value] of Object.entries(body)) {
      if (key === 'vars') {
        if (!isMapping(value)) throw new ParseError(`Invalid "vars" entry for "${name}" group, requires a dict, found "${pyType(value)}" instead.`, at, `write [${name}.vars] with one variable per line`);
        for (const [k, v] of Object.entries(value)) inv.groups.get(name)?.setVar(k, native(v, file), at);
      } else if (key === 'children') {
        if (!Array.isArray(value)) throw new ParseError(`Invalid "children" entry for "${name}" group, requires a list, found "${pyType(value)}" instead.`, at, `write children = ["group1", "group2"] under [${name}]`);
        for (const child of value) {
          if (typeof child !== 'string') throw new ParseError(`Invalid group name supplied, expected a string but got ${pyType(child)} for ${String(child)}`, at, 'name child groups as strings');
          group(child, undefined);
          try {
            inv.addChild(name, child);
          } catch (e) {
            if (e instanceof InventoryError) throw new ParseError(e.message, at);
            throw e;
          }
        }
      } else if (key === 'hosts') {
        if (!isMapping(value)) throw new ParseError(`Invalid "hosts" entry for "${name}" group, requires a dict, found "${pyType(value)}" instead.`, at, `write [${name}.hosts] with one host per line, e.g. host1 = {}`);
        for (const [pattern, vars] of Object.entries(value)) {
          const { hosts, port } = expandHostPatternAt(pattern, at);
          if (!isMapping(vars)) throw new ParseError(`Invalid data from file, expected dictionary and got:\n\n${String(native(vars, file))}`, at, `give each host a table of variables, e.g. ${pattern} = {}`);
          for (const h of hosts) {
            const host = inv.addHost(h, name, port, file);
            for (const [k, v] of Object.entries(vars)) host.setVar(k, native(v, file), at);
          }
        }
      } else {
        inv.warn(`Skipping unexpected key "${key}" in group "${name}", only "vars", "children" and "hosts" are valid`);
      }
    }
  };
  for (const [name, body] of Object.entries(data)) group(name, body);
}
