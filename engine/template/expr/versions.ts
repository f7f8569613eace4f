// Ansible's version test (version, version_compare) as ansible-core 2.14 has it: LooseVersion by default
// (components compared as Python lists, so `1.2` < `1.2.0` and a number against a word is an error),
// StrictVersion with strict=true, SemanticVersion with version_type='semver'; pep440 goes to Ansible's
// own test, which needs Python's packaging library. Roles write `x is version('1.29', operator='>=')`.
import { pyRepr, pyStr } from '../../util/python-repr.js';
import { truthy } from '../truthy.js';
import { builtinEntry, callPlugin } from '../plugins/jinja-plugins.js';
import { ExprError, own, plain } from './pyops.js';

const OPS: Record<string, 'eq' | 'lt' | 'le' | 'gt' | 'ge' | 'ne'> = { '==': 'eq', '=': 'eq', eq: 'eq', '<': 'lt', lt: 'lt', '<=': 'le', le: 'le', '>': 'gt', gt: 'gt', '>=': 'ge', ge: 'ge', '!=': 'ne', '<>': 'ne', ne: 'ne' };
const TYPES = ['loose', 'strict', 'semver', 'semantic', 'pep440'];
const PARAMS = ['version', 'operator', 'strict', 'version_type'];

// a comparison Python refuses ('<' between an int and a str), in its words
class Refused extends Error {}

const typeOf = (x: unknown): string => (typeof x === 'number' ? 'int' : 'str');

// Python's a < b for ints and strs
function lt(a: number | string, b: number | string): boolean {
  if (typeof a !== typeof b) throw new Refused(`'<' not supported between instances of '${typeOf(a)}' and '${typeOf(b)}'`);
  return a < b;
}

// Python's list (or tuple) comparison: the first items that differ decide, else the shorter is smaller
function seqCmp<T>(a: T[], b: T[], eq: (x: T, y: T) => boolean, less: (x: T, y: T) => boolean): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as T;
    const y = b[i] as T;
    if (eq(x, y)) continue;
    if (less(x, y)) return -1;
    // Python asks `>` only after `<` said no: LooseVersion's _cmp does `<` then `>`
    return less(y, x) ? 1 : 0;
  }
  return a.length - b.length === 0 ? 0 : a.length < b.length ? -1 : 1;
}

function loose(s: string): (number | string)[] {
  return s
    .split(/(\d+|[a-z]+|\.)/)
    .filter((x) => x !== '' && x !== '.')
    .map((x) => (/^\d+$/.test(x) ? Number(x) : x));
}

function strict(s: string): { v: number[]; pre: [string, number] | null } {
  const m = /^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?\n?$/.exec(s);
  if (!m) throw new Refused(`invalid version number '${s}'`);
  return { v: [Number(m[1]), Number(m[2]), Number(m[4] ?? 0)], pre: m[5] ? [m[5][0] as string, Number(m[6])] : null };
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\n?$/;

// ansible.utils.version's _Numeric and _Alpha: a number sorts before a word
type Ident = { n: number } | { s: string };
const identEq = (x: Ident, y: Ident): boolean => ('n' in x && 'n' in y ? x.n === y.n : 's' in x && 's' in y ? x.s === y.s : false);
const identLt = (x: Ident, y: Ident): boolean => ('n' in x ? ('n' in y ? x.n < y.n : true) : 's' in y ? x.s < y.s : false);

function semver(s: string): { core: number[]; pre: Ident[] } {
  const m = SEMVER.exec(s);
  if (!m) throw new Refused(`invalid semantic version '${s}'`);
  const pre = m[4] ? m[4].split('.').map((x): Ident => (/^\d+$/.test(x) ? { n: Number(x) } : { s: x })) : [];
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre };
}

const numLess = (x: number, y: number): boolean => x < y;
const same = <T>(x: T, y: T): boolean => x === y;

// -1, 0 or 1 for a against b in the chosen version class
function compare(kind: string, a: string, b: string): number {
  if (kind === 'strict') {
    const x = strict(a);
    const y = strict(b);
    const c = seqCmp(x.v, y.v, same, numLess);
    if (c !== 0) return c;
    if (!x.pre || !y.pre) return x.pre ? -1 : y.pre ? 1 : 0;
    return x.pre[0] !== y.pre[0] ? (x.pre[0] < y.pre[0] ? -1 : 1) : Math.sign(x.pre[1] - y.pre[1]);
  }
  if (kind === 'semver' || kind === 'semantic') {
    const x = semver(a);
    const y = semver(b);
    const c = seqCmp(x.core, y.core, same, numLess);
    if (c !== 0) return c;
    if (!x.pre.length || !y.pre.length) return x.pre.length ? -1 : y.pre.length ? 1 : 0;
    return seqCmp(x.pre, y.pre, identEq, identLt);
  }
  return seqCmp(loose(a), loose(b), same, lt);
}

/** `value is version(version, operator='eq', strict=None, version_type=None)`, Ansible's words for each refusal. */
export function versionTest(value: unknown, a: unknown[], kw: Record<string, unknown>, col: number): boolean {
  for (const k of Object.keys(kw)) if (!PARAMS.includes(k)) throw new ExprError(`version_compare() got an unexpected keyword argument '${k}'`, col);
  if (a.length > 4) throw new ExprError(`version_compare() takes from 2 to 5 positional arguments but ${a.length + 1} were given`, col);
  const p: Record<string, unknown> = {};
  PARAMS.forEach((name, i) => {
    if (i < a.length && own(kw, name)) throw new ExprError(`version_compare() got multiple values for argument '${name}'`, col);
    p[name] = i < a.length ? a[i] : kw[name];
  });
  if (p['version'] === undefined) throw new ExprError("version_compare() missing 1 required positional argument: 'version'", col);
  const strictOn = p['strict'] ?? null;
  const type = p['version_type'] ?? null;
  const operator = p['operator'] ?? 'eq';
  if (strictOn !== null && type !== null) throw new ExprError("Cannot specify both 'strict' and 'version_type'", col);
  if (!truthy(value)) throw new ExprError('Input version value cannot be empty', col);
  if (!truthy(p['version'])) throw new ExprError('Version parameter to compare against cannot be empty', col);
  if (type === 'pep440') {
    // Python's packaging library decides there, as in Ansible
    const theirs = builtinEntry('test', 'version');
    if (!theirs) throw new ExprError("version_type='pep440' is Ansible's own test, which needs a Python with ansible-core and packaging on the controller", col);
    return truthy(callPlugin('test', theirs, value, a, kw, col));
  }
  const kind = truthy(strictOn) ? 'strict' : type === null || !truthy(type) ? 'loose' : String(plain(type));
  if (!TYPES.includes(kind)) throw new ExprError(`Invalid version type (${pyStr(type)}). Must be one of ${TYPES.map((t) => pyRepr(t)).join(', ')}`, col);
  const op = typeof plain(operator) === 'string' && own(OPS, String(plain(operator))) ? OPS[String(plain(operator))] : undefined;
  if (!op) throw new ExprError(`Invalid operator type (${pyStr(operator)}). Must be one of ${Object.keys(OPS).map((o) => pyRepr(o)).join(', ')}`, col);
  let c: number;
  try {
    c = compare(kind, pyStr(plain(value)), pyStr(plain(p['version'])));
  } catch (e) {
    if (e instanceof Refused) throw new ExprError(`Version comparison failed: ${e.message}`, col);
    throw e;
  }
  return { eq: c === 0, ne: c !== 0, lt: c < 0, le: c <= 0, gt: c > 0, ge: c >= 0 }[op];
}
