// Evaluates parsed conditions with Python/Jinja2 semantics and Ansible's strict undefined: a missing
// variable may only be tested (`is defined`) or defaulted (`| default(x)`). No eval, no Function, no
// prototype access: attributes are own keys of plain data, calls are a fixed set of methods.
import { toBool, deepEqual } from '../helpers.js';
import { truthy as pyTruthy } from '../truthy.js';
import { pyStr } from '../../util/python-repr.js';
import { UnsafeText } from '../../yaml/load.js';
import type { Expr } from './parser.js';

/** An evaluation error at a column of the expression (undefined variable, wrong type, ...). */
export class ExprError extends Error {
  constructor(
    message: string,
    readonly col: number,
  ) {
    super(message);
  }
}

/** A variable or key that does not exist; carries the expression that named it. */
export class Undefined {
  constructor(readonly name: string) {}
}

/** A method bound to a value (`s.startswith`), callable from an expression. */
class BoundMethod {
  constructor(
    readonly target: unknown,
    readonly name: string,
  ) {}
}

/** Reads variables; returns undefined when a name is not defined. */
export type Lookup = (name: string) => unknown;

function own(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

function plain(v: unknown): unknown {
  return v instanceof UnsafeText ? v.text : v;
}

function typeName(v: unknown): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

const STRING_METHODS = new Set(['startswith', 'endswith', 'split', 'strip', 'lstrip', 'rstrip', 'lower', 'upper', 'replace', 'find', 'count', 'splitlines', 'isdigit', 'join', 'format']);
const DICT_METHODS = new Set(['keys', 'values', 'items', 'get']);
const LIST_METHODS = new Set(['index', 'count']);

/** Evaluates one expression against variables. */
export class Evaluator {
  constructor(private readonly lookup: Lookup) {}

  /** The value of the expression (Undefined is an error unless `allowUndefined`). */
  value(e: Expr, allowUndefined = false): unknown {
    const v = this.eval(e);
    if (v instanceof Undefined && !allowUndefined) throw new ExprError(`'${v.name}' is undefined`, e.col);
    return v;
  }

  private defined(v: unknown, col: number): unknown {
    if (v instanceof Undefined) throw new ExprError(`'${v.name}' is undefined`, col);
    if (v instanceof BoundMethod) throw new ExprError(`'${v.name}' is a method; call it with ()`, col);
    return plain(v);
  }

  /** Python truthiness of the expression's value. */
  truth(e: Expr): boolean {
    return pyTruthy(this.defined(this.eval(e), e.col));
  }

  private eval(e: Expr): unknown {
    switch (e.k) {
      case 'lit':
        return e.v;
      case 'name': {
        const v = this.lookup(e.name);
        return v === undefined ? new Undefined(e.name) : v;
      }
      case 'list':
        return e.items.map((i) => this.defined(this.eval(i), i.col));
      case 'dict': {
        const out: Record<string, unknown> = {};
        for (const [k, v] of e.entries) out[String(this.defined(this.eval(k), k.col))] = this.defined(this.eval(v), v.col);
        return out;
      }
      case 'attr':
        return this.getAttr(this.eval(e.obj), e.name, describe(e));
      case 'index':
        return this.getItem(this.eval(e.obj), this.defined(this.eval(e.key), e.key.col), e.col, describe(e));
      case 'slice': {
        const obj = this.defined(this.eval(e.obj), e.col);
        const start = e.start ? Number(this.defined(this.eval(e.start), e.col)) : undefined;
        const stop = e.stop ? Number(this.defined(this.eval(e.stop), e.col)) : undefined;
        if (typeof obj === 'string' || Array.isArray(obj)) return obj.slice(start, stop);
        throw new ExprError(`cannot slice a ${typeName(obj)}`, e.col);
      }
      case 'call':
        return this.call(e);
      case 'filter':
        return this.filter(e);
      case 'test': {
        const r = this.test(e);
        return e.negated ? !r : r;
      }
      case 'not':
        return !this.truth(e.value);
      case 'neg':
      case 'pos': {
        const v = this.defined(this.eval(e.value), e.col);
        if (typeof v !== 'number') throw new ExprError(`bad operand type for unary ${e.k === 'neg' ? '-' : '+'}: '${typeName(v)}'`, e.col);
        return e.k === 'neg' ? -v : v;
      }
      case 'and': {
        const l = this.defined(this.eval(e.left), e.left.col);
        return pyTruthy(l) ? this.defined(this.eval(e.right), e.right.col) : l;
      }
      case 'or': {
        const l = this.defined(this.eval(e.left), e.left.col);
        return pyTruthy(l) ? l : this.defined(this.eval(e.right), e.right.col);
      }
      case 'compare':
        return this.compare(e);
      case 'bin':
        return this.binary(e.op, this.defined(this.eval(e.left), e.left.col), this.defined(this.eval(e.right), e.right.col), e.col);
      case 'cond':
        if (this.truth(e.test)) return this.eval(e.then);
        return e.else ? this.eval(e.else) : new Undefined('(if without else)');
    }
  }

  private getAttr(obj: unknown, name: string, text: string): unknown {
    if (obj instanceof Undefined) return new Undefined(text);
    const o = plain(obj);
    if (typeof o === 'string' && STRING_METHODS.has(name)) return new BoundMethod(o, name);
    if (Array.isArray(o) && LIST_METHODS.has(name)) return new BoundMethod(o, name);
    if (o && typeof o === 'object' && !Array.isArray(o)) {
      if (own(o, name)) return (o as Record<string, unknown>)[name];
      if (DICT_METHODS.has(name)) return new BoundMethod(o, name);
    }
    return new Undefined(text);
  }

  private getItem(obj: unknown, key: unknown, col: number, text: string): unknown {
    if (obj instanceof Undefined) return new Undefined(text);
    const o = plain(obj);
    if (Array.isArray(o) || typeof o === 'string') {
      if (typeof key !== 'number' || !Number.isInteger(key)) throw new ExprError(`${typeName(o)} indices must be integers, not ${typeName(key)}`, col);
      const i = key < 0 ? o.length + key : key;
      return i >= 0 && i < o.length ? o[i] : new Undefined(text);
    }
    if (o && typeof o === 'object') {
      const k = String(key);
      return own(o, k) ? (o as Record<string, unknown>)[k] : new Undefined(text);
    }
    return new Undefined(text);
  }

  private compare(e: Extract<Expr, { k: 'compare' }>): boolean {
    let left = this.defined(this.eval(e.first), e.first.col);
    for (const [op, rightExpr] of e.ops) {
      const right = this.defined(this.eval(rightExpr), rightExpr.col);
      if (!compareOp(op, left, right, rightExpr.col)) return false;
      left = right;
    }
    return true;
  }

  private binary(op: string, l: unknown, r: unknown, col: number): unknown {
    if (op === '~') return pyStr(l) + pyStr(r);
    if (op === '+') {
      if (typeof l === 'number' && typeof r === 'number') return l + r;
      if (typeof l === 'string' && typeof r === 'string') return l + r;
      if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
      throw new ExprError(`unsupported operand types for +: '${typeName(l)}' and '${typeName(r)}'`, col);
    }
    if (typeof l !== 'number' || typeof r !== 'number') {
      if (op === '*' && typeof l === 'string' && typeof r === 'number') return l.repeat(Math.max(0, r));
      throw new ExprError(`unsupported operand types for ${op}: '${typeName(l)}' and '${typeName(r)}'`, col);
    }
    if ((op === '/' || op === '//' || op === '%') && r === 0) throw new ExprError('division by zero', col);
    switch (op) {
      case '-':
        return l - r;
      case '*':
        return l * r;
      case '/':
        return l / r;
      case '//':
        return Math.floor(l / r);
      case '%':
        return ((l % r) + r) % r;
      case '**':
        return l ** r;
    }
    throw new ExprError(`unknown operator ${op}`, col);
  }

  private call(e: Extract<Expr, { k: 'call' }>): unknown {
    const fn = this.eval(e.fn);
    if (fn instanceof Undefined) throw new ExprError(`'${fn.name}' is undefined`, e.col);
    if (!(fn instanceof BoundMethod)) throw new ExprError(`${describe(e.fn)} is not callable (only string, list and dict methods can be called)`, e.col);
    const args = e.args.map((a) => this.defined(this.eval(a), a.col));
    return callMethod(fn, args, e.col);
  }

  private filter(e: Extract<Expr, { k: 'filter' }>): unknown {
    const raw = this.eval(e.value);
    const args = e.args.map((a) => this.defined(this.eval(a), a.col));
    const kw = Object.fromEntries(e.kwargs.map(([k, v]) => [k, this.defined(this.eval(v), v.col)]));
    if (e.name === 'default' || e.name === 'd') {
      const fallback = args[0] ?? kw.default_value ?? '';
      const boolean = args[1] ?? kw.boolean ?? false;
      if (raw instanceof Undefined) return fallback;
      return boolean && !pyTruthy(plain(raw)) ? fallback : raw;
    }
    if (e.name === 'mandatory') {
      if (raw instanceof Undefined) throw new ExprError(String(args[0] ?? `Mandatory variable '${raw.name}' not defined.`), e.col);
      return raw;
    }
    const v = this.defined(raw, e.value.col);
    const f = FILTERS[e.name];
    if (!f) throw new ExprError(`no filter named '${e.name}'`, e.col);
    return f(v, args, kw, e.col);
  }

  private test(e: Extract<Expr, { k: 'test' }>): boolean {
    const raw = this.eval(e.value);
    if (e.name === 'defined') return !(raw instanceof Undefined);
    if (e.name === 'undefined') return raw instanceof Undefined;
    const v = this.defined(raw, e.value.col);
    const args = e.args.map((a) => this.defined(this.eval(a), a.col));
    const t = TESTS[e.name];
    if (!t) throw new ExprError(`no test named '${e.name}'`, e.col);
    return t(v, args, e.col);
  }
}

/** The source-like text of a variable path, for messages (`groups['etcd'][0]`). */
function describe(e: Expr): string {
  switch (e.k) {
    case 'name':
      return e.name;
    case 'attr':
      return `${describe(e.obj)}.${e.name}`;
    case 'index':
      return `${describe(e.obj)}[${e.key.k === 'lit' ? JSON.stringify(e.key.v) : '...'}]`;
    default:
      return 'value';
  }
}

function pyEq(a: unknown, b: unknown): boolean {
  // Python: True == 1 and 1 == 1.0
  if (typeof a === 'boolean' && typeof b === 'number') return Number(a) === b;
  if (typeof b === 'boolean' && typeof a === 'number') return Number(b) === a;
  return deepEqual(plain(a), plain(b));
}

function orderable(a: unknown, b: unknown): boolean {
  const num = (x: unknown): boolean => typeof x === 'number' || typeof x === 'boolean';
  return (num(a) && num(b)) || (typeof a === 'string' && typeof b === 'string') || (Array.isArray(a) && Array.isArray(b));
}

function pyCmp(a: unknown, b: unknown, col: number, op: string): number {
  if (!orderable(a, b)) throw new ExprError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`, col);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEq(a[i], b[i])) return pyCmp(a[i], b[i], col, op);
    }
    return a.length - b.length;
  }
  const x = typeof a === 'boolean' ? Number(a) : (a as number | string);
  const y = typeof b === 'boolean' ? Number(b) : (b as number | string);
  return x < y ? -1 : x > y ? 1 : 0;
}

function contains(hay: unknown, needle: unknown, col: number): boolean {
  if (typeof hay === 'string') {
    if (typeof needle !== 'string') throw new ExprError(`'in <string>' requires string as left operand, not ${typeName(needle)}`, col);
    return hay.includes(needle);
  }
  if (Array.isArray(hay)) return hay.some((x) => pyEq(x, needle));
  if (hay && typeof hay === 'object') return own(hay, String(needle));
  throw new ExprError(`argument of type '${typeName(hay)}' is not iterable`, col);
}

function compareOp(op: string, l: unknown, r: unknown, col: number): boolean {
  switch (op) {
    case '==':
      return pyEq(l, r);
    case '!=':
      return !pyEq(l, r);
    case 'in':
      return contains(r, l, col);
    case 'notin':
      return !contains(r, l, col);
    case '<':
      return pyCmp(l, r, col, op) < 0;
    case '<=':
      return pyCmp(l, r, col, op) <= 0;
    case '>':
      return pyCmp(l, r, col, op) > 0;
    case '>=':
      return pyCmp(l, r, col, op) >= 0;
  }
  throw new ExprError(`unknown comparison ${op}`, col);
}

function callMethod(m: BoundMethod, args: unknown[], col: number): unknown {
  const t = m.target;
  const s = (i: number): string => {
    const v = args[i];
    if (typeof v !== 'string') throw new ExprError(`${m.name}() argument ${i + 1} must be str, not ${typeName(v)}`, col);
    return v;
  };
  if (typeof t === 'string') {
    switch (m.name) {
      case 'startswith':
        return Array.isArray(args[0]) ? args[0].some((p) => t.startsWith(String(p))) : t.startsWith(s(0));
      case 'endswith':
        return Array.isArray(args[0]) ? args[0].some((p) => t.endsWith(String(p))) : t.endsWith(s(0));
      case 'split':
        return args[0] === undefined || args[0] === null ? t.trim().split(/\s+/).filter(Boolean) : t.split(s(0));
      case 'strip':
        return args[0] === undefined ? t.trim() : trimChars(t, s(0), true, true);
      case 'lstrip':
        return args[0] === undefined ? t.trimStart() : trimChars(t, s(0), true, false);
      case 'rstrip':
        return args[0] === undefined ? t.trimEnd() : trimChars(t, s(0), false, true);
      case 'lower':
        return t.toLowerCase();
      case 'upper':
        return t.toUpperCase();
      case 'replace':
        return t.split(s(0)).join(s(1));
      case 'find':
        return t.indexOf(s(0));
      case 'count':
        return t.split(s(0)).length - 1;
      case 'splitlines':
        return t.split(/\r?\n/).filter((l, i, a) => i < a.length - 1 || l !== '');
      case 'isdigit':
        return /^\d+$/.test(t);
      case 'join':
        if (!Array.isArray(args[0])) throw new ExprError('join() argument must be a list', col);
        return args[0].map((x) => pyStr(x)).join(t);
      case 'format':
        return formatBraces(t, args);
    }
  }
  if (Array.isArray(t)) {
    if (m.name === 'count') return t.filter((x) => pyEq(x, args[0])).length;
    const i = t.findIndex((x) => pyEq(x, args[0]));
    if (i === -1) throw new ExprError(`${pyStr(args[0])} is not in list`, col);
    return i;
  }
  const d = t as Record<string, unknown>;
  switch (m.name) {
    case 'keys':
      return Object.keys(d);
    case 'values':
      return Object.values(d);
    case 'items':
      return Object.entries(d);
    case 'get':
      return own(d, String(args[0])) ? d[String(args[0])] : (args[1] ?? null);
  }
  throw new ExprError(`unsupported method ${m.name}`, col);
}

function trimChars(s: string, chars: string, left: boolean, right: boolean): string {
  let a = 0;
  let b = s.length;
  while (left && a < b && chars.includes(s[a] as string)) a++;
  while (right && b > a && chars.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

function formatBraces(t: string, args: unknown[]): string {
  let n = 0;
  return t.replace(/\{(\d*)\}/g, (_m, idx: string) => pyStr(args[idx === '' ? n++ : Number(idx)]));
}

type Filter = (v: unknown, args: unknown[], kw: Record<string, unknown>, col: number) => unknown;
type Test = (v: unknown, args: unknown[], col: number) => boolean;

function len(v: unknown, col: number): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (v && typeof v === 'object') return Object.keys(v).length;
  throw new ExprError(`object of type '${typeName(v)}' has no len()`, col);
}

function toInt(v: unknown, fallback: unknown): unknown {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^[-+]?\d+$/.test(t)) return Number(t);
    const f = Number(t);
    if (t !== '' && Number.isFinite(f)) return Math.trunc(f);
  }
  return fallback ?? 0;
}

function iterable(v: unknown, col: number): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (v && typeof v === 'object') return Object.keys(v);
  throw new ExprError(`'${typeName(v)}' object is not iterable`, col);
}

// Ansible's version test: compares dotted versions numerically (LooseVersion-like).
function versionCompare(a: unknown, b: unknown, op: string, col: number): boolean {
  const parts = (x: unknown): (number | string)[] => String(x).replace(/^v/, '').split(/[.\-+]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const pa = parts(a);
  const pb = parts(b);
  let c = 0;
  for (let i = 0; i < Math.max(pa.length, pb.length) && c === 0; i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (typeof x === typeof y) c = x < y ? -1 : x > y ? 1 : 0;
    else c = typeof x === 'number' ? 1 : -1;
  }
  const ops: Record<string, boolean> = { '<': c < 0, lt: c < 0, '<=': c <= 0, le: c <= 0, '>': c > 0, gt: c > 0, '>=': c >= 0, ge: c >= 0, '==': c === 0, '=': c === 0, eq: c === 0, '!=': c !== 0, '<>': c !== 0, ne: c !== 0 };
  const r = ops[op];
  if (r === undefined) throw new ExprError(`invalid version comparison operator '${op}'`, col);
  return r;
}

const FILTERS: Record<string, Filter> = {
  bool: (v) => toBool(v),
  length: (v, _a, _k, col) => len(v, col),
  count: (v, _a, _k, col) => len(v, col),
  int: (v, a) => toInt(v, a[0]),
  float: (v, a) => {
    const n = typeof v === 'number' ? v : Number(String(v).trim());
    return Number.isFinite(n) ? n : (a[0] ?? 0);
  },
  string: (v) => pyStr(v),
  lower: (v) => pyStr(v).toLowerCase(),
  upper: (v) => pyStr(v).toUpperCase(),
  trim: (v) => pyStr(v).trim(),
  first: (v, _a, _k, col) => iterable(v, col)[0],
  last: (v, _a, _k, col) => iterable(v, col).at(-1),
  list: (v, _a, _k, col) => iterable(v, col),
  join: (v, a, _k, col) => iterable(v, col).map((x) => pyStr(x)).join(a[0] === undefined ? '' : pyStr(a[0])),
  unique: (v, _a, _k, col) => iterable(v, col).filter((x, i, arr) => arr.findIndex((y) => pyEq(x, y)) === i),
  sort: (v, a, kw, col) => {
    const out = [...iterable(v, col)].sort((x, y) => pyCmp(x, y, col, '<'));
    return (a[0] ?? kw.reverse) ? out.reverse() : out;
  },
  min: (v, _a, _k, col) => [...iterable(v, col)].sort((x, y) => pyCmp(x, y, col, '<'))[0],
  max: (v, _a, _k, col) => [...iterable(v, col)].sort((x, y) => pyCmp(x, y, col, '<')).at(-1),
  abs: (v, _a, _k, col) => {
    if (typeof v !== 'number') throw new ExprError(`bad operand type for abs(): '${typeName(v)}'`, col);
    return Math.abs(v);
  },
  replace: (v, a) => pyStr(v).split(pyStr(a[0])).join(pyStr(a[1])),
  split: (v, a) => (a[0] === undefined ? pyStr(v).trim().split(/\s+/).filter(Boolean) : pyStr(v).split(pyStr(a[0]))),
  regex_search: (v, a, _k, col) => {
    const m = regex(a[0], col).exec(pyStr(v));
    return m ? m[0] : null;
  },
  regex_replace: (v, a, _k, col) => pyStr(v).replace(regex(a[0], col, 'g'), pyStr(a[1] ?? '').replace(/\\(\d)/g, '$$$1')),
  to_json: (v) => JSON.stringify(v),
};

function regex(p: unknown, col: number, flags = ''): RegExp {
  try {
    return new RegExp(String(p), flags);
  } catch (e) {
    throw new ExprError(`invalid regular expression: ${(e as Error).message}`, col);
  }
}

function resultKey(v: unknown, key: string): unknown {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
}

const TESTS: Record<string, Test> = {
  none: (v) => v === null,
  number: (v) => typeof v === 'number',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  string: (v) => typeof v === 'string',
  mapping: (v) => !!v && typeof v === 'object' && !Array.isArray(v),
  sequence: (v) => typeof v === 'string' || Array.isArray(v) || (!!v && typeof v === 'object'),
  iterable: (v) => typeof v === 'string' || (!!v && typeof v === 'object'),
  truthy: (v) => pyTruthy(v),
  falsy: (v) => !pyTruthy(v),
  eq: (v, a) => pyEq(v, a[0]),
  equalto: (v, a) => pyEq(v, a[0]),
  '==': (v, a) => pyEq(v, a[0]),
  ne: (v, a) => !pyEq(v, a[0]),
  '!=': (v, a) => !pyEq(v, a[0]),
  lt: (v, a, col) => pyCmp(v, a[0], col, '<') < 0,
  le: (v, a, col) => pyCmp(v, a[0], col, '<=') <= 0,
  gt: (v, a, col) => pyCmp(v, a[0], col, '>') > 0,
  ge: (v, a, col) => pyCmp(v, a[0], col, '>=') >= 0,
  in: (v, a, col) => contains(a[0], v, col),
  contains: (v, a, col) => contains(v, a[0], col),
  divisibleby: (v, a) => typeof v === 'number' && typeof a[0] === 'number' && v % a[0] === 0,
  even: (v) => typeof v === 'number' && v % 2 === 0,
  odd: (v) => typeof v === 'number' && Math.abs(v % 2) === 1,
  match: (v, a, col) => regex(`^(?:${String(a[0])})`, col).test(pyStr(v)),
  search: (v, a, col) => regex(String(a[0]), col).test(pyStr(v)),
  regex: (v, a, col) => regex(String(a[0]), col).test(pyStr(v)),
  version: (v, a, col) => versionCompare(v, a[0], String(a[1] ?? 'eq'), col),
  version_compare: (v, a, col) => versionCompare(v, a[0], String(a[1] ?? 'eq'), col),
  subset: (v, a, col) => iterable(v, col).every((x) => contains(a[0], x, col)),
  superset: (v, a, col) => iterable(a[0], col).every((x) => contains(v, x, col)),
  failed: (v) => resultKey(v, 'failed') === true,
  failure: (v) => resultKey(v, 'failed') === true,
  succeeded: (v) => resultKey(v, 'failed') !== true,
  success: (v) => resultKey(v, 'failed') !== true,
  changed: (v) => resultKey(v, 'changed') === true,
  change: (v) => resultKey(v, 'changed') === true,
  skipped: (v) => resultKey(v, 'skipped') === true,
  skip: (v) => resultKey(v, 'skipped') === true,
};

/** Names of the supported filters and tests (documented in docs/conditions.md). */
export const SUPPORTED = { filters: ['default', 'd', 'mandatory', ...Object.keys(FILTERS)], tests: ['defined', 'undefined', ...Object.keys(TESTS)] };
