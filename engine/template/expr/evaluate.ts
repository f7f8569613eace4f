// Evaluates parsed conditions with Python/Jinja2 semantics and Ansible's strict undefined: a missing
// variable may only be tested (`is defined`) or defaulted (`| default(x)`). No eval, no Function, no
// prototype access: attributes are own keys of plain data, calls are a fixed set of methods.
import { truthy as pyTruthy } from '../truthy.js';
import { pyRepr, pyStr } from '../../util/python-repr.js';
import { UnsafeText } from '../../yaml/load.js';
import { unlocked, VaultError } from '../../vault/vault.js';
import type { Args, Expr } from './parser.js';
import { PyTuple } from '../../inventory/python-literal.js';
import { PyFloat, asFloat, isFloat, isInt, isNumber, pyInt, unboxFloat } from '../../util/py-float.js';
import { isMapping } from '../../util/mapping.js';
import { Callable } from './callable.js';
import { percentFormat } from './percent.js';
import { STRING_METHODS, callStringMethod } from './str-methods.js';
import { NO_ATTRIBUTE, PyHandle, handleAttr, handleOp } from '../plugins/py-handle.js';
import { BASE_FUNCTIONS, FILTERS, TESTS, defaultOfDefined, filterNamed, pluginTest, pythonPlugin } from './filters.js';
import { HOLE_FILTERS, Holes, NOT_MINE, Undefined, dictWithHoles, holesFilter, settle, undefinedError, undefinedHint, undefinedMessage, withHoles } from './undefined.js';
import { ExprError, UndefinedError, contains, iterable, len, missingKeyMessage, own, plain, pyCmp, pyEq, typeName } from './pyops.js';

export { ExprError, UndefinedError };

export { Undefined, undefinedHint, undefinedMessage };

// Jinja's words for a filter with nothing to give
const EMPTY_SEQUENCE: Record<string, string> = { first: 'No first item, sequence was empty.', last: 'No last item, sequence was empty.', min: 'No aggregated item, sequence was empty.', max: 'No aggregated item, sequence was empty.' };

/** A method bound to a value (`s.startswith`), callable from an expression. */
class BoundMethod {
  constructor(
    readonly target: unknown,
    readonly name: string,
  ) {}
}

/** Reads variables; returns undefined when a name is not defined. */
export type Lookup = (name: string) => unknown;

/** A global function callable from expressions (`range(3)`, `lookup('env', 'HOME')`). */
export type Fn = (args: unknown[], kwargs: Record<string, unknown>, col: number) => unknown;

/** Global functions by name; a variable of the same name wins, as in Jinja. */
export type Functions = Record<string, Fn>;

const DICT_METHODS = new Set(['keys', 'values', 'items', 'get', 'copy']);
const LIST_METHODS = new Set(['index', 'count', 'copy']);
// methods that change their object: only on lists and dicts the template made itself, so a template
// can never change a variable other tasks and hosts read
const MUTATING = new Set(['update', 'append', 'extend', 'insert', 'pop', 'setdefault', '__setitem__']);

/**
 * Binds a variable's name to a new value for the rest of a render, under the template's own names (a
 * loop's or set's); false where a name of the template's own holds it (that value is then not copied).
 */
export type Rebind = (name: string, value: unknown) => boolean;

// the names whose values are live views of every host's variables (Ansible hands out hostvars and vars as they are)
const LIVE_VIEWS = new Set(['hostvars', 'vars']);

/** Lists and dicts an expression built (literals, dict()): the only ones mutating methods may change. */
export const templateMade = new WeakSet<object>();

/**
 * Lists and dicts read back from a template's text (`"{ 'a': {{ x }} }"`). Ansible templates a variable
 * again at each use, so such a value is new each time and a template may change it (kubespray's local
 * volume provisioner pops and sets its keys); kplay keeps it once and hands out a freshCopy at each use.
 */
export const textMade = new WeakSet<object>();

/** A copy of loaded data: lists and mappings new (each given to `made`), anything else shared (a tuple stays one, a marked float or an !unsafe text itself). */
export function copyData(v: unknown, made?: (o: object) => void): unknown {
  if (v instanceof PyTuple) return PyTuple.fromItems(v.map((x) => copyData(x, made)));
  if (Array.isArray(v)) {
    const out = v.map((x) => copyData(x, made));
    made?.(out);
    return out;
  }
  if (isMapping(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: copyData(x, made), enumerable: true, writable: true, configurable: true });
    made?.(out);
    return out;
  }
  return v;
}

/** A copy of a textMade value that a template may change: its lists and dicts new (and templateMade). */
export const freshCopy = (v: unknown): unknown => copyData(v, (o) => templateMade.add(o));

export { Callable } from './callable.js';

/** The key of an object's call (Python's __call__): Jinja's loop object is called to recurse. */
export const CALL = Symbol('call');

/** Evaluates one expression against variables. */
export class Evaluator {
  constructor(
    private readonly lookup: Lookup,
    private readonly fns: Functions = BASE_FUNCTIONS,
    /** Binds a variable's name to a copy for the rest of the render (see Rebind); without it, a variable cannot be changed. */
    private readonly rebind?: Rebind,
  ) {}

  /** The value of the expression (Undefined is an error unless `allowUndefined`). */
  value(e: Expr, allowUndefined = false): unknown {
    return this.usable(this.eval(e), e.col, allowUndefined);
  }

  /** What a for loop iterates: a list or dict holding an undefined item gives its items (a dict its keys), undefined ones too, as Jinja's loop yields them. */
  iterated(e: Expr): unknown {
    const v = this.evalAny(e);
    if (v instanceof Holes) return v.dict ? Object.keys(v.dict) : v.items;
    return this.usable(v, e.col);
  }

  // a value as a template gets it: the lenient undefined is '', any other undefined an error unless allowed
  private usable(v: unknown, col: number, allowUndefined = false): unknown {
    if (v instanceof Undefined && v.soft && !allowUndefined) return '';
    if (v instanceof Undefined && !allowUndefined) throw undefinedError(v, col);
    return v;
  }

  private defined(v: unknown, col: number): unknown {
    if (v instanceof Undefined && v.soft) return '';
    if (v instanceof Undefined) throw undefinedError(v, col);
    if (v instanceof BoundMethod) throw new ExprError(`'${v.name}' is a method; call it with ()`, col);
    return plain(v);
  }

  /** Python truthiness of the expression's value. */
  truth(e: Expr): boolean {
    return pyTruthy(this.defined(this.eval(e), e.col));
  }

  // a value to use: a list holding an undefined item fails here, with that item's error
  private eval(e: Expr): unknown {
    return settle(this.evalAny(e), e.col);
  }

  // an expression's value to index into: a list or dict holding an undefined item is its container
  private container(e: Expr): unknown {
    const v = this.evalAny(e);
    return v instanceof Holes ? v.container : v;
  }

  // a value that may be a list holding an undefined item (Holes), for a filter that keeps them
  private evalAny(e: Expr): unknown {
    switch (e.k) {
      case 'lit':
        return e.v;
      case 'name': {
        const v = this.lookup(e.name);
        return v === undefined ? new Undefined(e.name, false, undefined, e.name, e.name) : v;
      }
      case 'list': {
        const raw = e.items.map((i) => this.evalAny(i));
        const holes = withHoles(raw);
        if (holes) return holes;
        const items = raw.map((v, n) => this.defined(v, (e.items[n] as Expr).col));
        if (e.tuple) return PyTuple.from(items);
        templateMade.add(items);
        return items;
      }
      case 'dict': {
        const entries = e.entries.map(([k, v]): [string, unknown, number] => [String(this.defined(this.eval(k), k.col)), this.evalAny(v), v.col]);
        const out: Record<string, unknown> = {};
        for (const [k, v] of entries) out[k] = v;
        const holes = dictWithHoles(out);
        if (holes) return holes;
        for (const [k, v, col] of entries) out[k] = this.defined(v, col);
        templateMade.add(out);
        return out;
      }
      // (into a list or dict holding an undefined item: the item, which may be that undefined)
      case 'attr':
        return unlocked(this.getAttr(this.container(e.obj), e.name, describe(e), e.col));
      case 'index':
        return unlocked(this.getItem(this.container(e.obj), this.defined(this.eval(e.key), e.key.col), describe(e)));
      case 'slice': {
        const obj = this.defined(this.eval(e.obj), e.col);
        const start = e.start ? Number(this.defined(this.eval(e.start), e.col)) : undefined;
        const stop = e.stop ? Number(this.defined(this.eval(e.stop), e.col)) : undefined;
        const step = e.step ? Number(this.defined(this.eval(e.step), e.col)) : 1;
        if (typeof obj === 'string' || Array.isArray(obj)) return pySlice(obj, start, stop, step, e.col);
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
        if (!isNumber(v)) throw new ExprError(`bad operand type for unary ${e.k === 'neg' ? '-' : '+'}: '${typeName(v)}'`, e.col);
        return e.k === 'neg' ? (isFloat(v) ? asFloat(-v) : pyInt(-v)) : v;
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
        // Jinja's inline if without else gives its plain Undefined: '' when printed
        return e.else ? this.eval(e.else) : new Undefined('(if without else)', true);
    }
  }

  private getAttr(obj: unknown, name: string, text: string, col: number): unknown {
    if (obj instanceof Undefined) return beyond(obj, text);
    // a Python object a plugin gave (a datetime): its attribute or method, asked of Python
    if (obj instanceof PyHandle) {
      const got = handleAttr(obj, name, col);
      return got === NO_ATTRIBUTE ? new Undefined(text, false, `'${obj.type} object' has no attribute '${name}'`, undefined, name) : got;
    }
    const o = plain(obj);
    if (typeof o === 'string' && STRING_METHODS.has(name)) return new BoundMethod(o, name);
    if (Array.isArray(o) && (LIST_METHODS.has(name) || MUTATING.has(name))) return new BoundMethod(o, name);
    if (o && typeof o === 'object' && !Array.isArray(o)) {
      if (own(o, name)) return (o as Record<string, unknown>)[name];
      if (DICT_METHODS.has(name) || MUTATING.has(name)) return new BoundMethod(o, name);
    }
    return new Undefined(text, false, missingKeyMessage(obj, name), undefined, name);
  }

  // Jinja's attr filter: Python's getattr, so a method of the value, never a dict's key (undefined then)
  private attribute(v: unknown, name: string, text: string): unknown {
    const o = plain(v);
    const methods = typeof o === 'string' ? STRING_METHODS : Array.isArray(o) ? LIST_METHODS : o && typeof o === 'object' ? DICT_METHODS : undefined;
    return methods?.has(name) ? new BoundMethod(o, name) : new Undefined(text, false, missingKeyMessage(v, name), undefined, name);
  }

  // as Jinja's getitem: a key the value cannot take (a list's 'x', an element past the end) is undefined, not an error
  private getItem(obj: unknown, key: unknown, text: string): unknown {
    if (obj instanceof Undefined) return beyond(obj, text);
    const o = plain(obj);
    if (Array.isArray(o) || typeof o === 'string') {
      if (typeof key === 'number' && Number.isInteger(key)) {
        const i = key < 0 ? o.length + key : key;
        if (i >= 0 && i < o.length) return o[i];
      }
    } else if (o && typeof o === 'object') {
      const k = String(key);
      if (own(o, k)) return (o as Record<string, unknown>)[k];
    }
    return new Undefined(text, false, missingKeyMessage(obj, plain(key)), undefined, plain(key));
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
    if (op === '%' && (typeof l === 'string' || l instanceof UnsafeText)) return percentFormat(pyStr(l), r, col);
    if (l instanceof PyHandle || r instanceof PyHandle) return handleOp(op, l, r, col);
    if (op === '+') {
      if (isNumber(l) && isNumber(r)) return numeric(op, l, r);
      if (typeof l === 'string' && typeof r === 'string') return l + r;
      if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
      throw new ExprError(`unsupported operand types for +: '${typeName(l)}' and '${typeName(r)}'`, col);
    }
    if (!isNumber(l) || !isNumber(r)) {
      if (op === '*') {
        const made = repeat(l, r, col) ?? repeat(r, l, col);
        if (made !== undefined) return made;
      }
      throw new ExprError(`unsupported operand types for ${op}: '${typeName(l)}' and '${typeName(r)}'`, col);
    }
    if ((op === '/' || op === '//' || op === '%') && Number(r) === 0) {
      const float = isFloat(l) || isFloat(r);
      throw new ExprError(!float ? (op === '/' ? 'division by zero' : 'integer division or modulo by zero') : op === '/' ? 'float division by zero' : op === '//' ? 'float floor division by zero' : 'float modulo', col);
    }
    const made = numeric(op, l, r);
    if (made !== undefined) return made;
    throw new ExprError(`unknown operator ${op}`, col);
  }

  // a call's or a filter's arguments, each defined
  private argValues(e: Args): { args: unknown[]; kw: Record<string, unknown> } {
    const args = e.args.map((a) => this.defined(this.eval(a), a.col));
    const kw: Record<string, unknown> = Object.fromEntries(e.kwargs.map(([k, v]) => [k, this.defined(this.eval(v), v.col)]));
    // Jinja's f(*list, **mapping): the list's items after the positional arguments, the mapping's keys as keywords
    if (e.star) args.push(...iterable(plain(this.defined(this.eval(e.star), e.star.col)), e.star.col));
    if (e.starstar) {
      const more = plain(this.defined(this.eval(e.starstar), e.starstar.col));
      if (!more || typeof more !== 'object' || Array.isArray(more)) throw new ExprError(`argument after ** must be a mapping, not ${typeName(more)}`, e.starstar.col);
      for (const [k, v] of Object.entries(more)) {
        if (own(kw, k)) throw new ExprError(`got multiple values for keyword argument '${k}'`, e.starstar.col);
        kw[k] = v;
      }
    }
    return { args, kw };
  }

  private call(e: Extract<Expr, { k: 'call' }>): unknown {
    if (e.fn.k === 'name' && e.fn.name === 'undef' && this.lookup('undef') === undefined) return this.undef(e);
    if (e.fn.k === 'name' && this.lookup(e.fn.name) === undefined) {
      const global = Object.prototype.hasOwnProperty.call(this.fns, e.fn.name) ? this.fns[e.fn.name] : undefined;
      if (global) {
        const { args, kw } = this.argValues(e);
        const made = global(args, kw, e.col);
        if (e.fn.name === 'dict' && made && typeof made === 'object') templateMade.add(made);
        return made;
      }
    }
    if (e.fn.k === 'attr' && MUTATING.has(e.fn.name)) this.ownCopy(e.fn.obj);
    const fn = this.eval(e.fn);
    if (fn instanceof Undefined) throw undefinedError(fn, e.col);
    const callable = fn instanceof Callable ? fn : fn && typeof fn === 'object' ? (fn as { [CALL]?: Callable })[CALL] : undefined;
    if (callable) {
      const { args, kw } = this.argValues(e);
      return callable.invoke(args, kw, e.col);
    }
    if (!(fn instanceof BoundMethod)) throw new ExprError(`${describe(e.fn)} is not callable (only string, list and dict methods can be called)`, e.col);
    const { args, kw } = this.argValues(e);
    return callMethod(fn, args, kw, e.col);
  }

  /**
   * Before a method changes a list or dict a variable holds (`d.update(...)`, `d.a.append(...)`): the
   * variable becomes a copy for the rest of the render, as Ansible templates a variable into a new value
   * when a template first names it, so the change stays in this template. Only a variable's own path
   * (names, attributes, literal keys) is looked at twice; anything else is left to mutate's refusal.
   */
  private ownCopy(obj: Expr): void {
    if (!this.rebind) return;
    let root = obj;
    while (root.k === 'attr' || (root.k === 'index' && (root.key.k === 'lit' || root.key.k === 'name'))) root = root.obj;
    if (root.k !== 'name' || LIVE_VIEWS.has(root.name)) return;
    const target = this.evalAny(obj);
    if (!target || typeof target !== 'object' || templateMade.has(target) || !(Array.isArray(target) || isMapping(target))) return;
    const value = this.lookup(root.name);
    if (Array.isArray(value) || isMapping(value)) this.rebind(root.name, freshCopy(value));
  }

  // Ansible's undef(hint=None) global: an undefined value whose error is the hint (role defaults that must be overridden)
  private undef(e: Extract<Expr, { k: 'call' }>): Undefined {
    const given = e.args[0] ?? e.kwargs.find(([k]) => k === 'hint')?.[1];
    const hint = given === undefined ? undefined : this.eval(given);
    const text = hint === undefined || hint === null || hint === '' || hint instanceof Undefined ? 'Mandatory variable has not been overridden' : pyStr(hint);
    return new Undefined('undef()', false, text, undefined, undefined, 'set the variable that holds undef() (inventory, group_vars, vars, -e)');
  }

  private filter(e: Extract<Expr, { k: 'filter' }>): unknown {
    const input = this.evalAny(e.value);
    let given: { args: unknown[]; kw: Record<string, unknown> } | undefined;
    if (HOLE_FILTERS.has(e.name)) {
      given = this.argValues(e);
      const out = holesFilter(e.name, input, given.args, given.kw, e.col);
      if (out !== NOT_MINE) return out;
    }
    const raw = settle(input, e.value.col);
    if (e.name === 'default' || e.name === 'd') {
      // the fallback may itself be undefined (`a | default(b) | default(c)`), as in Jinja
      const args = e.args.map((a) => this.eval(a));
      const kw = Object.fromEntries(e.kwargs.map(([k, v]) => [k, this.eval(v)]));
      if (raw instanceof Undefined) return args[0] ?? kw.default_value ?? '';
      return defaultOfDefined(raw, args, kw, e.col);
    }
    const { args, kw } = given ?? this.argValues(e);
    if (e.name === 'attr') return this.attribute(this.defined(raw, e.value.col), String(args[0]), `${describe(e.value)} | attr`);
    if (e.name === 'mandatory') {
      // Ansible 2.14's words, its two spaces included: the name Jinja's undefined has (the first thing missing), or none
      if (raw instanceof Undefined) throw new ExprError(String(args[0] ?? `Mandatory variable ${raw.missing === undefined ? '' : `'${pyStr(raw.missing)}' `} not defined.`), e.col);
      return raw;
    }
    // Ansible's from_yaml gives back what is not text, so an undefined value stays undefined: `(x | from_yaml)['k'] | default(...)`
    if (raw instanceof Undefined && !raw.soft && PASS_UNDEFINED.has(e.name.replace(/^ansible\.(builtin|legacy)\./, ''))) return raw;
    const v = this.defined(raw, e.value.col);
    const f = filterNamed(e.name);
    if (!f) throw new ExprError(`no filter named '${e.name}'`, e.col);
    const out = f(v, args, kw, e.col);
    // a filter with nothing to give (`[] | first`) yields undefined, as Jinja's does
    return out === undefined ? new Undefined(`${describe(e.value)} | ${e.name}`, false, own(EMPTY_SEQUENCE, e.name) ? EMPTY_SEQUENCE[e.name] : undefined) : out;
  }

  // `is defined` looks at the value without using it: a !vault value no secret decrypts is defined, as in Ansible
  private definedTest(value: Expr): boolean {
    try {
      return !(this.eval(value) instanceof Undefined);
    } catch (err) {
      if (err instanceof VaultError) return true;
      throw err;
    }
  }

  private test(e: Extract<Expr, { k: 'test' }>): boolean {
    if (e.name === 'defined' || e.name === 'undefined') return this.definedTest(e.value) === (e.name === 'defined');
    const raw = this.eval(e.value);
    // a type test only looks at the type: an undefined value is none of them
    if (raw instanceof Undefined && !raw.soft && TYPE_TESTS.has(e.name)) return false;
    const v = this.defined(raw, e.value.col);
    const { args, kw } = this.argValues(e);
    const plugin = pythonPlugin('test', e.name);
    const t = plugin ? pluginTest(plugin) : own(TESTS, e.name) ? TESTS[e.name] : undefined;
    if (!t) throw new ExprError(`no test named '${e.name}'`, e.col);
    // a plugin's test takes what keywords its Python function takes
    const accepted = REGEX_TESTS.has(e.name) ? ['ignorecase', 'multiline'] : [];
    if (!plugin && !VERSION_TESTS.has(e.name)) for (const k of Object.keys(kw)) if (!accepted.includes(k)) throw new ExprError(`${e.name}() got an unexpected keyword argument '${k}'`, e.col);
    return t(v, args, e.col, kw);
  }
}

// the filters that hand back an input that is not text untouched, an undefined one too
const PASS_UNDEFINED = new Set(['from_yaml', 'from_yaml_all']);

// the tests that take keyword arguments (Ansible's match, search and regex: ignorecase, multiline)
const REGEX_TESTS = new Set(['match', 'search', 'regex']);
// and the version tests (operator=, strict=, version_type=), which check their keywords in Python's words themselves
const VERSION_TESTS = new Set(['version', 'version_compare']);

const TYPE_TESTS = new Set(['string', 'number', 'integer', 'float', 'boolean', 'mapping', 'sequence', 'iterable', 'none', 'true', 'false', 'sameas']);

// Python's seq[start:stop:step].
function pySlice<T extends string | unknown[]>(obj: T, start: number | undefined, stop: number | undefined, step: number, col: number): T {
  if (step === 0) throw new ExprError('slice step cannot be zero', col);
  if (step === 1) return obj.slice(start, stop) as T;
  const items = typeof obj === 'string' ? [...obj] : [...obj];
  const n = items.length;
  const norm = (i: number | undefined, dflt: number): number => (i === undefined ? dflt : i < 0 ? Math.max(i + n, step < 0 ? -1 : 0) : Math.min(i, step < 0 ? n - 1 : n));
  const out: unknown[] = [];
  if (step > 0) for (let i = norm(start, 0); i < norm(stop, n); i += step) out.push(items[i]);
  else for (let i = norm(start, n - 1); i > norm(stop, -1); i += step) out.push(items[i]);
  return (typeof obj === 'string' ? out.join('') : out) as T;
}

// a key of an undefined value: undefined for the first reason, as Ansible's undefined gives itself for any attribute
function beyond(u: Undefined, text: string): Undefined {
  return u.soft ? new Undefined(text) : new Undefined(text, false, undefinedMessage(u), u.variable, u.missing, u.hint);
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

function compareOp(op: string, l: unknown, r: unknown, col: number): boolean {
  if ((l instanceof PyHandle || r instanceof PyHandle) && op !== 'in' && op !== 'notin') return pyTruthy(handleOp(op, l, r, col));
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

// Python's arithmetic on two numbers: a float if either is one (or for `/`, and an int to a negative power)
function numeric(op: string, left: number | PyFloat, right: number | PyFloat): number | PyFloat | undefined {
  const l = unboxFloat(left);
  const r = unboxFloat(right);
  const float = isFloat(left) || isFloat(right);
  const result = (n: number): number | PyFloat => (float ? asFloat(n) : pyInt(n));
  switch (op) {
    case '+':
      return result(l + r);
    case '-':
      return result(l - r);
    case '*':
      return result(l * r);
    case '/':
      return asFloat(l / r);
    case '//':
      return result(Math.floor(l / r));
    case '%':
      return result(((l % r) + r) % r);
    case '**':
      return float || r < 0 ? asFloat(l ** r) : pyInt(l ** r);
  }
  return undefined;
}

// Python's sequence * int ('-' * 20, [0] * 3): undefined when neither side is text, a list or a tuple
function repeat(seq: unknown, n: unknown, col: number): unknown {
  const s = plain(seq);
  if (typeof s !== 'string' && !Array.isArray(s)) return undefined;
  if (!isNumber(n) && typeof n !== 'boolean') return undefined;
  if (isFloat(n)) throw new ExprError("can't multiply sequence by non-int of type 'float'", col);
  const times = Math.max(0, Number(n));
  if (typeof s === 'string') return s.repeat(times);
  const out = Array.from({ length: times }, () => s).flat(1);
  return s instanceof PyTuple ? PyTuple.from(out) : out;
}

function callMethod(m: BoundMethod, args: unknown[], kw: Record<string, unknown>, col: number): unknown {
  const t = m.target;
  if (typeof t === 'string') return callStringMethod(t, m.name, args, kw, col);
  if (MUTATING.has(m.name)) return mutate(m, args, kw, col);
  if (Object.keys(kw).length) throw new ExprError(`${typeName(t)}.${m.name}() takes no keyword arguments`, col);
  if (m.name === 'copy') {
    // a shallow copy is the template's own, so it may be changed
    const made = Array.isArray(t) ? [...t] : { ...(t as Record<string, unknown>) };
    templateMade.add(made);
    return made;
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
      return Object.entries(d).map((pair) => PyTuple.from(pair));
    case 'get':
      return own(d, String(args[0])) ? d[String(args[0])] : (args[1] ?? null);
  }
  throw new ExprError(`unsupported method ${m.name}`, col);
}

// list.append/extend/insert/pop, dict.update/setdefault/pop on a list or dict the template made
function mutate(m: BoundMethod, args: unknown[], kw: Record<string, unknown>, col: number): unknown {
  const t = m.target as unknown[] | Record<string, unknown>;
  // only dict.update takes keywords (its new keys)
  if (Object.keys(kw).length && (Array.isArray(t) || m.name !== 'update')) throw new ExprError(`${typeName(t)}.${m.name}() takes no keyword arguments`, col);
  if (!templateMade.has(t)) {
    throw new ExprError(`${m.name}() would change a variable: kplay templates may only change lists and dicts they built (use combine, union or + to make a new one)`, col);
  }
  if (Array.isArray(t)) {
    switch (m.name) {
      case 'append':
        t.push(args[0]);
        return null;
      case 'extend':
        t.push(...iterable(args[0], col));
        return null;
      case 'insert':
        t.splice(Number(args[0]), 0, args[1]);
        return null;
      case 'pop':
        return args.length ? t.splice(Number(args[0]), 1)[0] : t.pop();
      case '__setitem__': {
        const i = Number(args[0]) < 0 ? t.length + Number(args[0]) : Number(args[0]);
        if (!isInt(args[0]) || i < 0 || i >= t.length) throw new ExprError(isInt(args[0]) ? 'list assignment index out of range' : `list indices must be integers or slices, not ${typeName(args[0])}`, col);
        t[i] = args[1];
        return null;
      }
    }
  } else {
    switch (m.name) {
      case 'update':
        if (args[0] && typeof args[0] === 'object') Object.assign(t, args[0]);
        Object.assign(t, kw);
        return null;
      case '__setitem__':
        Object.defineProperty(t, String(args[0]), { value: args[1], enumerable: true, writable: true, configurable: true });
        return null;
      case 'setdefault':
        if (!own(t, String(args[0]))) t[String(args[0])] = args[1] ?? null;
        return t[String(args[0])];
      case 'pop': {
        const k = String(args[0]);
        if (!own(t, k)) {
          if (args.length > 1) return args[1];
          throw new ExprError(`KeyError: ${k}`, col);
        }
        const v = t[k];
        delete t[k];
        return v;
      }
    }
  }
  throw new ExprError(`'${typeName(t)}' object has no attribute '${m.name}'`, col);
}

/** Names of the supported filters and tests (documented in docs/conditions.md). */
export const SUPPORTED = { filters: ['default', 'd', 'mandatory', 'attr', ...Object.keys(FILTERS)], tests: ['defined', 'undefined', ...Object.keys(TESTS)] };
