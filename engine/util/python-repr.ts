// Python's repr() and str() of JSON-like values, for output that must match what Ansible (Python)
// prints: --graph --vars, --list-hosts patterns, string conversion in conditions (`~`).
import { PyTuple, pyFloatRepr } from '../inventory/python-literal.js';
import { UnsafeText } from '../yaml/unsafe-text.js';
import { PyFloat, pyInt } from './py-float.js';

/** Python's str() of a value (strings as they are, everything else as repr). */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof UnsafeText) return v.text;
  // a value that knows its str() (a Python object a plugin gave)
  if (v !== null && typeof v === 'object' && typeof (v as { pyStr?: unknown }).pyStr === 'function') return (v as { pyStr(): string }).pyStr();
  return pyRepr(v);
}

/** Python's repr() for JSON-like values. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(pyInt(v)) : pyFloatRepr(v);
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (typeof v === 'string') return pyStringRepr(v);
  if (v instanceof UnsafeText) return pyStringRepr(v.text);
  // a value that knows its repr (a template's macro: <Macro 'x'>)
  if (typeof (v as { pyRepr?: unknown }).pyRepr === 'function') return (v as { pyRepr(): string }).pyRepr();
  if (v instanceof PyTuple) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyStringRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  }
  return String(v);
}

function pyStringRepr(s: string): string {
  return quotedRepr(s, (c) => c < 0x20 || c === 0x7f);
}

/** Python's repr() of bytes (`b'boom\n'`): how Ansible's CLI prints a failed password script's stderr. */
export function pyBytesRepr(b: Buffer): string {
  return `b${quotedRepr(b.toString('latin1'), (c) => c < 0x20 || c >= 0x7f)}`;
}

// Python's quoting of text and bytes: single quotes unless only single quotes occur, \n \r \t, and \xNN
// for the characters `hex` picks
function quotedRepr(s: string, hex: (code: number) => boolean): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (hex(c)) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return quote + out + quote;
}
