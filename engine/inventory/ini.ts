// INI inventories exactly as Ansible's ini plugin reads them (sections, forward references,
// shell-like host lines, ranges, Python-literal values), with file:line:col errors.
import { ParseError, type SourcePos } from '../errors.js';
import { expandHostPatternAt } from './pattern-at.js';
import { InventoryError, type Inventory } from './model.js';
import { literalEval } from './python-literal.js';
import { ShlexError, shlexSplit } from './shlex.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/u;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/u;
const VERSION_LIKE = /^\d+\.\d+$/;

interface Pending {
  line: number;
  state: 'vars' | 'children';
  parents: string[];
}

/** Parses INI inventory text into `inv`; `file` is used for locations and inventory_file. */
export function parseIniInventory(inv: Inventory, text: string, file: string): void {
  const lines = text.split(/\r\n|\n|\r/);
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state = 'hosts';

  const fail = (lineNo: number, col: number, msg: string, hint?: string): never => {
    throw new ParseError(msg, { file, line: lineNo, col }, hint);
  };

  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const line = raw.trim();
    const col = raw.length - raw.trimStart().length + 1;
    if (!line || line[0] === '#' || line[0] === ';') return;
    const at: SourcePos = { file, line: lineNo, col };

    const m = SECTION.exec(line);
    if (m) {
      // (the section's name made safe first, as Ansible's ini plugin does; a child line's name is not)
      group = inv.safeGroupName(m[1] as string);
      state = m[2] ?? 'hosts';
      if (!['hosts', 'children', 'vars'].includes(state)) {
        fail(lineNo, col, `Section [${group}:${state}] has unknown type: ${state}`, 'a section is [group], [group:children] or [group:vars]');
      }
      if (!inv.groups.has(group)) {
        if (state === 'vars' && !pending.has(group)) pending.set(group, { line: lineNo, state: 'vars', parents: [] });
        inv.addGroup(group, at);
      }
      const p = pending.get(group);
      if (p && state !== 'vars') {
        if (p.state === 'children') addPendingChildren(inv, group, pending, at);
        else pending.delete(group);
      }
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      fail(lineNo, col, `Invalid section entry: '${line}'`, 'section names may not contain spaces or other invalid characters, e.g. [my-group] or [my-group:vars]');
    }

    if (state === 'hosts') {
      parseHostLine(inv, line, group, at, file);
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq === -1) fail(lineNo, col, `Expected key=value, got: ${line}`, `lines in [${group}:vars] set one variable each, e.g. name=value`);
      const key = line.slice(0, eq).trim();
      const valueText = line.slice(eq + 1).trim();
      const value = typedValue(inv, valueText, key, { file, line: lineNo, col: col + raw.trimStart().indexOf('=') + 1 }, false);
      inv.groups.get(group)?.setVar(key, value, { file, line: lineNo, col });
    } else {
      const gm = GROUP_NAME.exec(line);
      if (!gm) fail(lineNo, col, `Expected group name, got: ${line}`, `lines in [${group}:children] name one group each`);
      const child = (gm as RegExpExecArray)[1] as string;
      if (!inv.groups.has(child)) {
        const p = pending.get(child);
        if (!p) pending.set(child, { line: lineNo, state: 'children', parents: [group] });
        else p.parents.push(group);
      } else {
        wrap(at, () => inv.addChild(group, child));
      }
    }
  });

  for (const [name, p] of pending) {
    if (p.state === 'vars') {
      throw new ParseError(`Section [${name}:vars] not valid for undefined group: ${name}`, { file, line: p.line, col: 1 }, `declare the group with a [${name}] section (it may be empty) or remove the vars section`);
    }
    throw new ParseError(`Section [${p.parents[p.parents.length - 1]}:children] includes undefined group: ${name}`, { file, line: p.line, col: 1 }, `define the group with a [${name}] section, or fix the spelling`);
  }
}

function addPendingChildren(inv: Inventory, group: string, pending: Map<string, Pending>, at: SourcePos): void {
  const p = pending.get(group);
  if (!p) return;
  for (const parent of p.parents) {
    wrap(at, () => inv.addChild(parent, group));
    const pp = pending.get(parent);
    if (pp && pp.state === 'children') addPendingChildren(inv, parent, pending, at);
  }
  pending.delete(group);
}

function parseHostLine(inv: Inventory, line: string, group: string, at: SourcePos, file: string): void {
  let tokens: string[];
  try {
    tokens = shlexSplit(line, true);
  } catch (e) {
    if (e instanceof ShlexError) throw new ParseError(`Error parsing host definition '${line}': ${e.message}`, at, 'close the quote, or escape it with a backslash');
    throw e;
  }
  const first = tokens[0];
  if (first === undefined) return;
  const { hosts, port } = expandHostPatternAt(first, at);
  if (first.trim().endsWith(':') && port === undefined) {
    throw new ParseError(`Invalid host pattern '${first}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`, at, 'write host:PORT with a port number');
  }
  if (hosts.some((h) => h.trim() === '---')) {
    throw new ParseError(`Invalid host pattern '${first}' supplied, '---' is normally a sign this is a YAML file.`, at, 'give YAML inventories a .yaml or .yml extension');
  }
  const vars: [string, unknown][] = [];
  for (const t of tokens.slice(1)) {
    const eq = t.indexOf('=');
    if (eq === -1) {
      throw new ParseError(`Expected key=value host variable assignment, got: ${t}`, at, 'host variables are written key=value after the host name; quote values that contain spaces');
    }
    const key = t.slice(0, eq);
    vars.push([key, typedValue(inv, t.slice(eq + 1), key, at, true)]);
  }
  for (const name of hosts) {
    const h = wrap(at, () => inv.addHost(name, group, port, file));
    for (const [k, v] of vars) h.setVar(k, v, at);
  }
}

// Python-literal typing plus the version-pin warning Ansible never gives.
function typedValue(inv: Inventory, text: string, key: string, at: SourcePos, onHostLine: boolean): unknown {
  const { value, floatRespelled } = literalEval(text);
  const written = text.replace(/\s*#.*$/, '').trim();
  if (floatRespelled && VERSION_LIKE.test(written)) {
    const quoted = onHostLine ? `${key}="'${written}'"` : `${key}='${written}'`;
    inv.warn(
      `${at.file}:${at.line}: ${key}=${written} is read as the number ${String(value)} (Ansible's INI typing), not the text "${written}"; ` +
        `write ${quoted} or set it as a quoted string in a YAML group_vars file to keep a version pin intact`,
    );
  }
  return value;
}

function wrap<T>(at: SourcePos, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InventoryError) throw new ParseError(e.message, at);
    throw e;
  }
}
