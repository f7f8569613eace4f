// Python's float where JavaScript's number can't tell it from an int: a whole-number float (1.0, 4 / 2,
// 3 | float) prints `1.0` in Ansible, and a config file written from `{{ ratio }}` must say so too.
import { pyFloatRepr } from '../inventory/python-literal.js';

/**
 * A float whose value is whole. A float with a fraction (or nan, inf) stays a plain number: only a
 * whole one needs a mark. `valueOf` lets JavaScript's arithmetic and ordering use it as its number.
 */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
  toString(): string {
    return pyFloatRepr(this.value);
  }
}

/** A float result as kplay keeps it: whole values marked, the rest plain numbers. */
export function asFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/** Python's int of a whole number: JavaScript's -0 (0 * -1, -x) is 0, as an int has no sign of zero. */
export function pyInt(n: number): number {
  return n + 0;
}

/** A number of either kind (an int, a float, a marked whole float). */
export function isNumber(v: unknown): v is number | PyFloat {
  return typeof v === 'number' || v instanceof PyFloat;
}

/** Python's isinstance(v, float). */
export function isFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

/** Python's isinstance(v, int) for a number (booleans aside). */
export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** The plain number of a marked float; anything else as it is. */
export function unboxFloat<T>(v: T | PyFloat): T | number {
  return v instanceof PyFloat ? v.value : v;
}

/** JSON.stringify's replacer for values going to Python: a marked float as {"__kplay_float__": n}, which the Python side makes float(n). */
export function floatWire(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof PyFloat ? { __kplay_float__: raw.value } : value;
}
