// What counts as a mapping in loaded data: a plain object. Values kplay wraps (a whole-number float, an
// !unsafe text, a Python object's handle) are objects too, and not mappings.

/** True for a plain-data mapping (a YAML or JSON object), false for a list, a scalar or a wrapped value. */
export function isMapping(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
