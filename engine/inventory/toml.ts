// TOML as `ansible-inventory --toml` prints it: Ansible hands its data to the python `toml` library
// (0.10), whose dumps() is followed here step by step, quirks included: plain keys first, then each
// table's path in breadth-first order; a key whose value is None is left out; lists as `[ a, b,]`.
import { PyTuple, pyFloatRepr } from './python-literal.js';
import { PyFloat } from '../util/py-float.js';
import { isMapping } from '../util/mapping.js';
import { pyRepr } from '../util/python-repr.js';
import { UnsafeText } from '../yaml/unsafe-text.js';

/** A value the toml library cannot write (Ansible's "cannot be represented in TOML"). */
export class TomlError extends Error {}

/** toml.dumps(value) with Ansible's encoder. */
export function dumpToml(value: Record<string, unknown>): string {
  let out = '';
  const [top, tables] = sections(value, '');
  out += top;
  let pending = tables;
  while (pending.size) {
    const next = new Map<string, Record<string, unknown>>();
    for (const [path, table] of pending) {
      const [text, subs] = sections(table, path);
      // (a table with nothing but tables under it gets no header of its own)
      if (text || !subs.size) {
        if (out && out.slice(-2) !== '\n\n') out += '\n';
        out += `[${path}]\n${text}`;
      }
      for (const [k, v] of subs) next.set(`${path}.${k}`, v);
    }
    pending = next;
  }
  return out;
}

// the library's dump_sections: the plain keys of a table as text, and its tables by (quoted) key
function sections(o: Record<string, unknown>, sup: string): [string, Map<string, Record<string, unknown>>] {
  const prefix = sup !== '' && !sup.endsWith('.') ? `${sup}.` : sup;
  let text = '';
  let arrays = '';
  const tables = new Map<string, Record<string, unknown>>();
  for (const [key, v] of Object.entries(o)) {
    const q = /^[A-Za-z0-9_-]+$/.test(key) ? key : dumpStr(key);
    if (isMapping(v)) {
      tables.set(q, v);
      continue;
    }
    if (Array.isArray(v) && v.some(isMapping)) {
      // an array of tables
      for (const item of v) {
        let after = '\n';
        arrays += `[[${prefix}${q}]]\n`;
        const [s, d] = sections(asTable(item), prefix + q);
        if (s) {
          if (s.startsWith('[')) after += s;
          else arrays += s;
        }
        let deeper = d;
        while (deeper.size) {
          const next = new Map<string, Record<string, unknown>>();
          for (const [dk, dv] of deeper) {
            const [s1, d1] = sections(dv, `${prefix}${q}.${dk}`);
            if (s1) after += `[${prefix}${q}.${dk}]\n${s1}`;
            for (const [k1, v1] of d1) next.set(`${dk}.${k1}`, v1);
          }
          deeper = next;
        }
        arrays += after;
      }
      continue;
    }
    if (v !== null && v !== undefined) text += `${q} = ${dumpValue(v)}\n`;
  }
  return [text + arrays, tables];
}

// an item of an array of tables: the library indexes it by its own items, which only a table allows
function asTable(item: unknown): Record<string, unknown> {
  if (isMapping(item)) return item;
  const why = typeof item === 'string' || item instanceof UnsafeText ? "string indices must be integers, not 'str'" : Array.isArray(item) ? "list indices must be integers or slices, not str" : `'${item === null ? 'NoneType' : typeof item === 'boolean' ? 'bool' : typeof item === 'number' && Number.isInteger(item) ? 'int' : 'float'}' object is not iterable`;
  throw new TomlError(`The source inventory contains a value that cannot be represented in TOML: ${why}`);
}

function dumpValue(v: unknown): string {
  if (typeof v === 'string') return dumpStr(v);
  if (v instanceof UnsafeText) return dumpStr(v.text);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof PyFloat) return dumpFloat(v.value);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : dumpFloat(v);
  // a tuple, a list, and (by the library's fallback to anything iterable) a table's keys
  if (v instanceof PyTuple || Array.isArray(v)) return `[${v.map((u) => ` ${dumpValue(u)},`).join('')}]`;
  if (isMapping(v)) return dumpValue(Object.keys(v));
  // None in a list, and anything else, as the library's string of its repr
  return dumpStr(v === null || v === undefined ? 'None' : pyRepr(v), true);
}

function dumpFloat(x: number): string {
  return pyFloatRepr(x).replace('e+0', 'e+').replace('e-0', 'e-');
}

// the library's _dump_str: Python's repr of the text, its quotes made double, and \xNN made \u00NN
// (after its own unescaping of doubled backslashes, kept as it does it); `reprDone`: `s` is a repr already
function dumpStr(s: string, reprDone = false): string {
  let v = reprDone ? s : pyRepr(s);
  const single = v.startsWith("'");
  if (single || v.startsWith('"')) v = v.slice(1, -1);
  if (single) v = v.replace(/\\'/g, "'").replace(/"/g, '\\"');
  let parts = v.split('\\x');
  while (parts.length > 1) {
    if (!parts[0]) parts = parts.slice(1);
    parts[0] = (parts[0] as string).replace(/\\\\/g, '\\');
    const first = parts[0] as string;
    let i = first.length - 1;
    let joinx = first[i] !== '\\';
    while (i > 0 && first[i] === '\\') {
      joinx = !joinx;
      i--;
    }
    // (text that starts with such a character fails in the library: Ansible's "Unexpected Exception")
    if (parts.length < 2) throw new TomlError('Unexpected Exception, this is probably a bug: list index out of range');
    parts = [first + (joinx ? 'x' : 'u00') + (parts[1] as string), ...parts.slice(2)];
  }
  return `"${parts[0] ?? ''}"`;
}
