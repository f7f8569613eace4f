// A Python value a plugin gave that JSON cannot carry (a datetime, date, time or timedelta: to_datetime's,
// strftime's arithmetic) stays in the plugin process, named by a handle; the template works on it there,
// as Jinja works on the Python object: its attributes (`.days`, `.year`), its methods (`.total_seconds()`,
// `.strftime(...)`), arithmetic and comparisons. Printed, it is Python's str() of it, as Ansible's text is.
import { PyTuple } from '../../inventory/python-literal.js';
import { PyFloat, floatWire } from '../../util/py-float.js';
import { Callable } from '../expr/callable.js';
import { askPlugin } from './jinja-plugins.js';

/** A Python object held by the plugin process; it prints as Python's str() and is true as Python's bool() says. */
export class PyHandle {
  constructor(
    readonly id: number,
    readonly type: string,
    private readonly text: string,
    private readonly repr: string,
    private readonly json: string,
    /** Python's truth of it (python-repr's and truthy's hook). */
    readonly pyTruth: boolean,
  ) {}
  /** Python's str() of it (python-repr's hook). */
  pyStr(): string {
    return this.text;
  }
  /** Python's repr() of it (python-repr's hook). */
  pyRepr(): string {
    return this.repr;
  }
  /** As Ansible's JSON encoder writes a date: its ISO text. */
  toJSON(): string {
    return this.json;
  }
}

type Wire = { __kplay_handle__: number; type: string; str: string; repr: string; json: string; truth: boolean };

/** A plugin's answer with the handles in it made PyHandles and its tuples PyTuples. */
export function fromPython(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromPython);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // a tuple stays one (it prints as Python prints it: ('a', 1))
    if (Array.isArray(o.__kplay_tuple__) && Object.keys(o).length === 1) return PyTuple.fromItems((o.__kplay_tuple__ as unknown[]).map(fromPython));
    if (typeof o.__kplay_float__ === 'number' && Object.keys(o).length === 1) return new PyFloat(o.__kplay_float__);
    if (typeof o.__kplay_handle__ === 'number') {
      const w = o as unknown as Wire;
      return new PyHandle(w.__kplay_handle__, w.type, w.str, w.repr, w.json, w.truth);
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromPython(x)]));
  }
  return v;
}

/** What handleAttr gives for an attribute the object does not have (Jinja's getattr makes that undefined). */
export const NO_ATTRIBUTE = Symbol('no attribute');

/** `handle.name`: the attribute's value, a method to call, or NO_ATTRIBUTE. */
export function handleAttr(h: PyHandle, name: string, col: number): unknown {
  const got = askPlugin({ op: 'getattr', id: h.id, name }, col) as { method?: true; missing?: true; value?: unknown };
  if (got.missing) return NO_ATTRIBUTE;
  if (!got.method) return got.value;
  return new Callable((args, kw, at) => askPlugin({ op: 'callattr', id: h.id, name, args: toWire(args), kwargs: toWire(kw) }, at), `<built-in method ${name} of ${h.type} object>`);
}

/** `l OP r` where either side is a handle: Python's answer (a handle, a number, a boolean). */
export function handleOp(sym: string, left: unknown, right: unknown, col: number): unknown {
  return askPlugin({ op: 'binop', sym, left: toWire(left), right: toWire(right) }, col);
}

/** A value as JSON for Python: handles by their ids (kplay's text wrappers as their text; a value of no JSON type as None). */
export function toWire(v: unknown): unknown {
  return JSON.parse(
    JSON.stringify(v ?? null, function (this: Record<string, unknown>, k: string, x: unknown) {
      const raw = this[k];
      if (raw instanceof PyHandle) return { __kplay_handle__: raw.id };
      if (raw instanceof PyFloat) return floatWire.call(this, k, x);
      return x !== null && typeof x === 'object' && !Array.isArray(x) && ![Object.prototype, null].includes(Object.getPrototypeOf(x) as object | null) ? null : x;
    }) as string,
  ) as unknown;
}
