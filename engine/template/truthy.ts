// Python truthiness, which Ansible conditions and `default(x, true)` use: empty string, list, dict,
// 0, None and False are false; everything else is true.
import { UnsafeText } from '../yaml/load.js';
import { PyFloat } from '../util/py-float.js';

/** True when Python would consider the value true. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof UnsafeText) return v.text.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  // a value that knows its Python truth (a Python object a plugin gave)
  if (typeof v === 'object' && typeof (v as { pyTruth?: unknown }).pyTruth === 'boolean') return (v as { pyTruth: boolean }).pyTruth;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}
