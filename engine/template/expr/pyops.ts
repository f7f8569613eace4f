// Python's operations on JSON-like values, shared by the evaluator and the filter table: equality,
// ordering, `in`, len(), iteration, type names, and the evaluation error carrying a column.
import { deepEqual } from '../helpers.js';
import { UnsafeText } from '../../yaml/load.js';
import { pyRepr } from '../../util/python-repr.js';
import { PyTuple } from '../../inventory/python-literal.js';
import { PyFloat, isNumber, unboxFloat } from '../../util/py-float.js';

/** An evaluation error at a column of the expression (undefined variable, wrong type, ...). */
export class ExprError extends Error {
  constructor(
    message: string,
    readonly col: number,
  ) {
    super(message);
  }
}

/** An undefined value where a value is needed (`'nosuch' is undefined`): debug's var tells it from the other errors; `hint` says how to define it or fall back. */
export class UndefinedError extends ExprError {
  constructor(
    message: string,
    col: number,
    readonly hint?: string,
  ) {
    super(message, col);
  }
}

/** The key under which an object a template reaches names its Python type for Jinja's messages (hostvars' views). */
export const PY_TYPE = Symbol('kplay.pyType');

/** The Python type Ansible's hostvars has: a missing host there is undefined by name, as Ansible's HostVars makes it. */
export const HOSTVARS_TYPE = 'ansible.vars.hostvars.HostVars';

/** Jinja's text for a key or element an object lacks (`'dict object' has no attribute 'b'`, `list object has no element 5`). */
export function missingKeyMessage(obj: unknown, key: unknown): string {
  const named = obj !== null && typeof obj === 'object' ? (obj as Record<symbol, unknown>)[PY_TYPE] : undefined;
  if (named === HOSTVARS_TYPE) return `${pyRepr(`hostvars['${String(key)}']`)} is undefined`;
  const type = obj === null || obj === undefined ? 'None' : `${typeof named === 'string' ? named : obj instanceof PyTuple ? 'tuple' : obj instanceof UnsafeText ? 'ansible.utils.unsafe_proxy.AnsibleUnsafeText' : typeName(obj)} object`;
  return typeof key === 'string' || key instanceof UnsafeText ? `${pyRepr(type)} has no attribute ${pyRepr(key)}` : `${type} has no element ${pyRepr(key)}`;
}

/** An own key of plain data (never the prototype). */
export function own(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** The text of an !unsafe value; anything else as it is. */
export function plain(v: unknown): unknown {
  return v instanceof UnsafeText ? v.text : v;
}

/** Python's type name of a value, for messages. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof PyFloat) return 'float';
  if (typeof v === 'string' || v instanceof UnsafeText) return 'str';
  if (v instanceof PyTuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** Python's `==`. */
export function pyEq(a: unknown, b: unknown): boolean {
  // Python: True == 1 and 1 == 1.0
  if (typeof a === 'boolean' && isNumber(b)) return Number(a) === Number(b);
  if (typeof b === 'boolean' && isNumber(a)) return Number(b) === Number(a);
  return deepEqual(plain(a), plain(b));
}

/** True when Python can order the two values. */
export function orderable(a: unknown, b: unknown): boolean {
  const num = (x: unknown): boolean => isNumber(x) || typeof x === 'boolean';
  return (num(a) && num(b)) || (typeof a === 'string' && typeof b === 'string') || (Array.isArray(a) && Array.isArray(b));
}

/** Python's ordering (<0, 0, >0), an error for unorderable types. */
export function pyCmp(a: unknown, b: unknown, col: number, op: string): number {
  if (!orderable(a, b)) throw new ExprError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`, col);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEq(a[i], b[i])) return pyCmp(a[i], b[i], col, op);
    }
    return a.length - b.length;
  }
  const x = typeof a === 'boolean' ? Number(a) : unboxFloat(a as number | string);
  const y = typeof b === 'boolean' ? Number(b) : unboxFloat(b as number | string);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Python's `in`. */
export function contains(hay: unknown, needle: unknown, col: number): boolean {
  if (typeof hay === 'string') {
    if (typeof needle !== 'string') throw new ExprError(`'in <string>' requires string as left operand, not ${typeName(needle)}`, col);
    return hay.includes(needle);
  }
  if (Array.isArray(hay)) return hay.some((x) => pyEq(x, needle));
  if (hay && typeof hay === 'object' && !(hay instanceof PyFloat)) return own(hay, String(needle));
  throw new ExprError(`argument of type '${typeName(hay)}' is not iterable`, col);
}

/** Python's len(). */
export function len(v: unknown, col: number): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (v && typeof v === 'object' && !(v instanceof PyFloat)) return Object.keys(v).length;
  throw new ExprError(`object of type '${typeName(v)}' has no len()`, col);
}

/** Python's iteration: list items, string characters, dict keys. */
export function iterable(v: unknown, col: number): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (v && typeof v === 'object' && !(v instanceof PyFloat)) return Object.keys(v);
  throw new ExprError(`'${typeName(v)}' object is not iterable`, col);
}

