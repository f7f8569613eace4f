// The Handlebars helpers `.hbs` templates can use (documented in docs/templates.md). Names follow
// Ansible's Jinja filters so operators recognise them: {{default x "y"}} is {{ x | default('y') }}.
import type { HelperDelegate } from 'handlebars';
import { stringify as toYamlText } from 'yaml';
import { truthy } from './truthy.js';
import { isNumber, unboxFloat } from '../util/py-float.js';
import { shellQuote } from '../util/shell.js';

type Options = { hash?: Record<string, unknown> };

// Handlebars passes an options object as the last argument; strip it.
function args(list: unknown[]): unknown[] {
  return list.slice(0, -1);
}

function str(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const TRUE_TEXT = new Set(['yes', 'on', '1', 'true', 'y', 't']);
const FALSE_TEXT = new Set(['no', 'off', '0', 'false', 'n', 'f']);

/** Ansible's strict boolean reading (its `boolean()`): null for a value that is not one. */
export function parseBool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (isNumber(v) && (Number(v) === 0 || Number(v) === 1)) return Number(v) === 1;
  if (typeof v !== 'string') return null;
  const s = v.toLowerCase();
  return TRUE_TEXT.has(s) ? true : FALSE_TEXT.has(s) ? false : null;
}

/** Ansible's `| bool` (to_bool): yes/on/true/1 (any case) and the number 1 are true; null stays null. */
export function toBool(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  if (isNumber(v)) return Number(v) === 1;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true'].includes(v.toLowerCase());
  return false;
}


function compare(a: unknown, b: unknown): number {
  if (isNumber(a) && isNumber(b)) return Number(a) - Number(b);
  const sa = str(a);
  const sb = str(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Structural equality as Python's `==` on JSON-like values (dict key order does not matter). */
export function deepEqual(left: unknown, right: unknown): boolean {
  const a = unboxFloat(left);
  const b = unboxFloat(right);
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/** The helper table registered on kplay's Handlebars instance. */
export const helpers: Record<string, HelperDelegate> = {
  default: (...a: unknown[]) => {
    const [value, fallback, treatFalsy] = args(a);
    if (value === undefined || value === null) return fallback;
    if (treatFalsy === true && !truthy(value)) return fallback;
    return value;
  },
  length: (...a: unknown[]) => {
    const [v] = args(a);
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (v && typeof v === 'object') return Object.keys(v).length;
    return 0;
  },
  join: (...a: unknown[]) => {
    const [list, sep] = args(a);
    return Array.isArray(list) ? list.map(str).join(sep === undefined ? '' : str(sep)) : str(list);
  },
  to_json: (...a: unknown[]) => JSON.stringify(args(a)[0]),
  to_nice_json: (...a: unknown[]) => JSON.stringify(args(a)[0], null, 4),
  to_yaml: (...a: unknown[]) => toYamlText(args(a)[0]).trimEnd(),
  b64encode: (...a: unknown[]) => Buffer.from(str(args(a)[0]), 'utf8').toString('base64'),
  b64decode: (...a: unknown[]) => Buffer.from(str(args(a)[0]), 'base64').toString('utf8'),
  quote: (...a: unknown[]) => shellQuote(str(args(a)[0])),
  bool: (...a: unknown[]) => toBool(args(a)[0]),
  int: (...a: unknown[]) => {
    const n = Number.parseInt(str(args(a)[0]), 10);
    return Number.isNaN(n) ? 0 : n;
  },
  string: (...a: unknown[]) => str(args(a)[0]),
  lower: (...a: unknown[]) => str(args(a)[0]).toLowerCase(),
  upper: (...a: unknown[]) => str(args(a)[0]).toUpperCase(),
  trim: (...a: unknown[]) => str(args(a)[0]).trim(),
  replace: (...a: unknown[]) => {
    const [s, from, to] = args(a);
    return str(s).split(str(from)).join(str(to));
  },
  split: (...a: unknown[]) => {
    const [s, sep] = args(a);
    return sep === undefined ? str(s).trim().split(/\s+/) : str(s).split(str(sep));
  },
  first: (...a: unknown[]) => {
    const [v] = args(a);
    return Array.isArray(v) ? v[0] : typeof v === 'string' ? v[0] : undefined;
  },
  last: (...a: unknown[]) => {
    const [v] = args(a);
    return Array.isArray(v) ? v[v.length - 1] : typeof v === 'string' ? v[v.length - 1] : undefined;
  },
  item: (...a: unknown[]) => {
    const [v, k] = args(a);
    if (Array.isArray(v) && typeof k === 'number') return v[k < 0 ? v.length + k : k];
    if (v && typeof v === 'object' && (typeof k === 'string' || typeof k === 'number') && Object.prototype.hasOwnProperty.call(v, k)) {
      return (v as Record<string, unknown>)[k];
    }
    return undefined;
  },
  eq: (...a: unknown[]) => deepEqual(args(a)[0], args(a)[1]),
  ne: (...a: unknown[]) => !deepEqual(args(a)[0], args(a)[1]),
  lt: (...a: unknown[]) => compare(args(a)[0], args(a)[1]) < 0,
  le: (...a: unknown[]) => compare(args(a)[0], args(a)[1]) <= 0,
  gt: (...a: unknown[]) => compare(args(a)[0], args(a)[1]) > 0,
  ge: (...a: unknown[]) => compare(args(a)[0], args(a)[1]) >= 0,
  and: (...a: unknown[]) => args(a).every(truthy),
  or: (...a: unknown[]) => args(a).some(truthy),
  not: (...a: unknown[]) => !truthy(args(a)[0]),
  in: (...a: unknown[]) => {
    const [needle, hay] = args(a);
    if (Array.isArray(hay)) return hay.some((x) => deepEqual(x, needle));
    if (typeof hay === 'string') return hay.includes(str(needle));
    if (hay && typeof hay === 'object') return Object.prototype.hasOwnProperty.call(hay, str(needle));
    return false;
  },
  concat: (...a: unknown[]) => args(a).map(str).join(''),
  indent: (...a: unknown[]) => {
    const [s, n] = args(a);
    const pad = ' '.repeat(typeof n === 'number' ? n : 4);
    return str(s).split('\n').join('\n' + pad);
  },
  regex_replace: (...a: unknown[]) => {
    const [s, pattern, repl] = args(a);
    return str(s).replace(new RegExp(str(pattern), 'g'), str(repl).replace(/\\(\d)/g, '$$$1'));
  },
  basename: (...a: unknown[]) => str(args(a)[0]).replace(/\/+$/, '').split('/').pop() ?? '',
  dirname: (...a: unknown[]) => {
    const s = str(args(a)[0]);
    const i = s.lastIndexOf('/');
    return i <= 0 ? (i === 0 ? '/' : '') : s.slice(0, i);
  },
  hash: (...a: unknown[]) => (a[a.length - 1] as Options).hash ?? {},
  list: (...a: unknown[]) => args(a),
};
