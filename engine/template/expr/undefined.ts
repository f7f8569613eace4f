// Ansible's undefined value, and lists and dicts that hold one: Jinja keeps an undefined item in a list
// or dict literal or a map() result until something uses it, so `[a, b] | select('defined')` and kubespray's
// `groups['x'] | map('extract', hostvars, ['ansible_default_ipv6', 'address']) | select('defined')`
// work. kplay keeps such items only through the filters that cannot touch them (select/reject with
// defined/undefined, map with default/extract/attribute, list, length, first, last) and an index or
// attribute into one (`{'Debian': a, 'RedHat': b}[family]`); anything else that gets such a list fails
// with the first item's undefined error, as Jinja does when it uses one.
import { pyRepr } from '../../util/python-repr.js';
import { attrPath, defaultOfDefined, extract } from './filters.js';
import { UndefinedError, iterable, own, plain } from './pyops.js';

/** A variable or key that does not exist; carries the expression that named it. */
export class Undefined {
  constructor(
    /** The expression's text (`d.b`), for hints and `mandatory`. */
    readonly name: string,
    /** Jinja's lenient Undefined (an inline if without else): prints as ''. */
    readonly soft = false,
    /** Jinja's text for why, when it is not a name never defined (`'dict object' has no attribute 'b'`). */
    readonly cause?: string,
    /** The variable never defined where the path starts, when that is why. */
    readonly variable?: string,
    /** What Jinja's undefined is named after (its _undefined_name, which `mandatory` names): the variable, attribute or key first missing. */
    readonly missing?: unknown,
    /** What to do about it, when the hint is not about the name itself (a variable whose own template names an undefined one). */
    readonly hint?: string,
  ) {}
}

/** The text of the error an undefined value gives where a value is needed, as Jinja words it. */
export const undefinedMessage = (v: Undefined): string => v.cause ?? `${pyRepr(v.name)} is undefined`;

/** What to do about an undefined value: define the variable, or give a fallback. */
export function undefinedHint(v: Undefined): string {
  if (v.hint !== undefined) return v.hint;
  const fallback = /^value(?!\w)/.test(v.name) ? "give a fallback with | default('value')" : `give a fallback: {{ ${v.name} | default('value') }}`;
  return v.variable ? `define ${v.variable} (inventory, group_vars, vars, -e) or ${fallback}` : fallback;
}


/** The error an undefined value gives where a value is needed. */
export const undefinedError = (v: Undefined, col: number): UndefinedError => new UndefinedError(undefinedMessage(v), col, undefinedHint(v));

/**
 * A list or dict literal with an undefined item or value in it (at least one, or such a list or dict
 * inside), as Jinja holds it until the item is used: `items` a list's items, `dict` a dict's entries.
 */
export class Holes {
  constructor(
    readonly items: unknown[],
    readonly dict?: Record<string, unknown>,
  ) {}

  /** The list or dict itself, for an index or attribute into it (its items may be undefined). */
  get container(): unknown[] | Record<string, unknown> {
    return this.dict ?? this.items;
  }
}

/** The items as a Holes when one is undefined (not the lenient kind, which prints as '') or holds one, else undefined. */
export function withHoles(items: unknown[]): Holes | undefined {
  return items.some(holds) ? new Holes(items) : undefined;
}

/** A dict's entries as a Holes when a value is undefined or holds one, else undefined. */
export function dictWithHoles(dict: Record<string, unknown>): Holes | undefined {
  const values = Object.values(dict);
  return values.some(holds) ? new Holes(values, dict) : undefined;
}

const isHole = (x: unknown): x is Undefined => x instanceof Undefined && !x.soft;

// an item that makes its list or dict a Holes: undefined, or a list or dict holding an undefined item
const holds = (x: unknown): boolean => isHole(x) || x instanceof Holes;

// the first undefined item, depth first (the one Jinja's printing or iterating would use first)
function firstHole(h: Holes): Undefined {
  for (const x of h.items) {
    if (isHole(x)) return x;
    if (x instanceof Holes) return firstHole(x);
  }
  throw new Error('a Holes without an undefined item');
}

/** A Holes where a value is used: the first undefined item's error, as Jinja's when it uses that item. */
export function settle(v: unknown, col: number): unknown {
  if (v instanceof Holes) throw undefinedError(firstHole(v), col);
  return v;
}

/** holesFilter's answer for a filter (or input) it leaves to the ordinary filters. */
export const NOT_MINE = Symbol('not mine');

/** The filters holesFilter may answer: only these get a filter's input unsettled. */
export const HOLE_FILTERS = new Set(['list', 'length', 'count', 'first', 'last', 'select', 'reject', 'map', 'extract']);

const DEFAULT = new Set(['default', 'd', 'ansible.builtin.default']);

/**
 * A filter that keeps (or makes) undefined items as Jinja's does: over a Holes, the ones that never touch
 * an item's value; over any input, map('extract') and map(attribute=) with a key missing, and extract.
 * NOT_MINE for the rest, which then get the input settled.
 */
export function holesFilter(name: string, input: unknown, args: unknown[], kw: Record<string, unknown>, col: number): unknown {
  const missing = (message: string): Undefined => new Undefined(`value | ${name}`, false, message);
  const keep = (items: unknown[]): unknown => withHoles(items) ?? items;
  const attribute = kw['attribute'] !== undefined && !args.length ? String(kw['attribute']) : undefined;
  if (name === 'extract' && !(input instanceof Holes) && !(input instanceof Undefined)) return extract(input, args, kw, col, missing);
  if (name === 'map' && !(input instanceof Holes) && !(input instanceof Undefined)) {
    if (args[0] === 'extract') return keep(iterable(plain(input), col).map((x) => extract(x, args.slice(1), kw, col, missing)));
    if (attribute !== undefined && !own(kw, 'default')) return keep(iterable(plain(input), col).map((x) => attrPath(x, attribute, col, missing)));
    return NOT_MINE;
  }
  if (!(input instanceof Holes)) return NOT_MINE;
  // a dict is its keys to these filters (none undefined); the others get it settled
  if (input.dict) {
    const keys = Object.keys(input.dict);
    return name === 'list' ? keys : name === 'length' || name === 'count' ? keys.length : name === 'first' ? keys[0] : name === 'last' ? keys.at(-1) : NOT_MINE;
  }
  const items = input.items;
  switch (name) {
    case 'list':
      return input;
    case 'length':
    case 'count':
      return items.length;
    case 'first':
      return items[0];
    case 'last':
      return items.at(-1);
    case 'select':
    case 'reject': {
      const test = String(args[0] ?? '').replace(/^ansible\.builtin\./, '');
      if (args.length !== 1 || (test !== 'defined' && test !== 'undefined')) return NOT_MINE;
      const wanted = (test === 'undefined') === (name === 'select');
      return keep(items.filter((x) => isHole(x) === wanted));
    }
    case 'map': {
      if (DEFAULT.has(String(args[0]))) return items.map((x) => (isHole(x) ? (args[1] ?? kw['default_value'] ?? '') : defaultOfDefined(x, args.slice(1), kw, col)));
      if (attribute === undefined) return NOT_MINE;
      // an attribute of an undefined item is that undefined (Ansible's undefined gives itself for any attribute)
      const fallback = own(kw, 'default') ? { value: kw['default'] } : missing;
      return keep(items.map((x) => (isHole(x) ? (fallback === missing ? x : kw['default']) : attrPath(x, attribute, col, fallback))));
    }
  }
  return NOT_MINE;
}
