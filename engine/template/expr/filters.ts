// The one table of Jinja/Ansible filters, tests and global functions that conditions, `{{ }}` in
// YAML and `.j2` files all use. Semantics follow Jinja 3.1 and Ansible 2.14 (Python's str(), its
// case-insensitive sort/unique/min/max, its regexes); the differential tests check them against Ansible.
import { ipaddr, ipwrap } from './ipaddr.js';
import { ipmath, ipsubnet, networkIn, nthhost, nthUsable } from './ip-filters.js';
import { jsonQuery } from './json-query.js';
import { passwordHash } from './password-hash.js';
import { urlsplit } from './urlsplit.js';
import { x509CertificateInfo } from './x509.js';
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, statSync, type Stats } from 'node:fs';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { pyyamlTags } from '../../yaml/scalars.js';
import { PyTuple } from '../../inventory/python-literal.js';
import { PyFloat, asFloat, isFloat, isInt, isNumber, pyInt } from '../../util/py-float.js';
import { pyStr } from '../../util/python-repr.js';
import { UnsafeText } from '../../yaml/load.js';
import { toBool } from '../helpers.js';
import { truthy } from '../truthy.js';
import { pyJson, pyJsonLoads, pyYaml } from './dump.js';
import type { Functions } from './evaluate.js';
import { ExprError, UndefinedError, contains, iterable, len, missingKeyMessage, own, plain, pyCmp, pyEq, typeName } from './pyops.js';
import { percentFormat, roundHalfEven } from './percent.js';
import { PyRandom } from './py-random.js';
import { versionTest } from './versions.js';
import { pyRegex, pyReplacement } from './pyregex.js';
import { noteRoutedFilter, routedFilter } from './routing.js';
import { builtinEntry, callPlugin, pythonNow, collectionEntry, pluginEntry, type PluginEntry, type PluginKind } from '../plugins/jinja-plugins.js';

/** A filter: the value, positional and keyword arguments, the column for errors. */
export type Filter = (v: unknown, args: unknown[], kw: Record<string, unknown>, col: number) => unknown;
/** A test (`x is name(args)`). */
export type Test = (v: unknown, args: unknown[], col: number, kw?: Record<string, unknown>) => boolean;

function toInt(v: unknown, fallback: unknown, base: unknown): unknown {
  const n = toIntOrNot(v, base);
  return n === undefined ? (fallback ?? 0) : pyInt(n);
}

function toIntOrNot(v: unknown, base: unknown): number | undefined {
  if (typeof v === 'boolean') return Number(v);
  if (isNumber(v)) return Math.trunc(Number(v));
  if (typeof v === 'string' || v instanceof UnsafeText) {
    const t = String(v).trim();
    const b = Number(base ?? 10);
    if (b !== 10) {
      const m = /^[-+]?(0[xob])?[0-9a-f]+$/i.exec(t);
      const n = m ? parseInt(t.replace(/^([-+]?)0[xob]/i, '$1'), b) : NaN;
      if (Number.isFinite(n)) return n;
    } else if (/^[-+]?\d+$/.test(t.replace(/_/g, ''))) return Number(t.replace(/_/g, ''));
    const f = Number(t);
    if (t !== '' && Number.isFinite(f)) return Math.trunc(f);
  }
  return undefined;
}

function resultKey(v: unknown, key: string): unknown {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
}

function str(v: unknown): string {
  return pyStr(plain(v));
}

function isDict(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof UnsafeText) && !(v instanceof PyFloat);
}

// Jinja's sort key: strings compare case-insensitively unless asked otherwise.
function sortKey(caseSensitive: boolean, attribute: unknown, col: number): (x: unknown) => unknown {
  return (x) => {
    let v = plain(x);
    if (attribute !== undefined && attribute !== null) v = attrPath(v, String(attribute), col);
    return !caseSensitive && typeof v === 'string' ? v.toLowerCase() : v;
  };
}

/**
 * An item's `attribute='a.b'` / `'0'` path as Jinja's make_attrgetter walks it (dots; integer parts index
 * lists). A missing part is an error, or the fallback's value, or what the fallback makes of Jinja's text for it.
 */
export function attrPath(v: unknown, path: string, col: number, fallback?: { value: unknown } | ((message: string) => unknown)): unknown {
  let cur = plain(v);
  for (const part of path.split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(part) && Number(part) < cur.length) cur = cur[Number(part)];
    else if (isDict(cur) && own(cur, part)) cur = cur[part];
    else {
      const message = missingKeyMessage(cur, /^\d+$/.test(part) ? Number(part) : part);
      if (fallback) return typeof fallback === 'function' ? fallback(message) : fallback.value;
      throw new ExprError(message, col);
    }
    cur = plain(cur);
  }
  return cur;
}

function sorted(list: unknown[], key: (x: unknown) => unknown, col: number, reverse = false): unknown[] {
  const keyed = list.map((x, i) => ({ x, k: key(x), i }));
  keyed.sort((a, b) => pyCmp(a.k, b.k, col, '<') * (reverse ? -1 : 1) || a.i - b.i);
  return keyed.map((e) => e.x);
}

function uniqueBy(list: unknown[], key: (x: unknown) => unknown): unknown[] {
  const out: unknown[] = [];
  const keys: unknown[] = [];
  for (const x of list) {
    const k = key(x);
    if (!keys.some((y) => pyEq(y, k))) {
      keys.push(k);
      out.push(x);
    }
  }
  return out;
}

/** The combine filter's merge of two mappings (Ansible's merge_hash), for the runner's hash merges too. */
export function combine(a: Record<string, unknown>, b: Record<string, unknown>, recursive: boolean, listMerge: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const old = out[k];
    if (recursive && isDict(old) && isDict(v)) out[k] = combine(old, v, true, listMerge);
    else if (Array.isArray(old) && Array.isArray(v) && listMerge !== 'replace') {
      if (listMerge === 'keep') out[k] = old;
      else if (listMerge === 'append') out[k] = [...old, ...v];
      else if (listMerge === 'prepend') out[k] = [...v, ...old];
      else if (listMerge === 'append_rp') out[k] = [...old.filter((x) => !v.some((y) => pyEq(x, y))), ...v];
      else if (listMerge === 'prepend_rp') out[k] = [...v, ...old.filter((x) => !v.some((y) => pyEq(x, y)))];
      else out[k] = v;
    } else out[k] = v;
  }
  return out;
}

function flatten(list: unknown[], levels: number | undefined, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const x of list) {
    if (skipNulls && (x === null || x === 'None')) continue;
    if (Array.isArray(x) && (levels === undefined || levels > 0)) out.push(...flatten(x, levels === undefined ? undefined : levels - 1, skipNulls));
    else out.push(x);
  }
  return out;
}

function splitLines(s: string): string[] {
  const parts = s.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (parts.length > 1 && parts.at(-1) === '') parts.pop();
  return s === '' ? [] : parts;
}

// Jinja 3.1's indent filter, quirks included (a newline is added before splitting).
function indent(s: string, width: unknown, first: unknown, blank: unknown): string {
  const pad = typeof width === 'string' ? width : ' '.repeat(Number(width ?? 4));
  const lines = splitLines(s + '\n');
  let rv: string;
  if (truthy(blank)) rv = lines.join('\n' + pad);
  else {
    rv = lines.shift() ?? '';
    if (lines.length) rv += '\n' + lines.map((l) => (l ? pad + l : l)).join('\n');
  }
  return truthy(first) ? pad + rv : rv;
}

// Python's str.center: odd padding puts the extra space on the right, except when both the
// padding and the width are odd.
function center(s: string, width: number): string {
  const marg = width - [...s].length;
  if (marg <= 0) return s;
  const left = Math.floor(marg / 2) + (marg & width & 1);
  return ' '.repeat(left) + s + ' '.repeat(marg - left);
}

// Jinja's truncate: strings up to length + leeway stay whole; else cut (at a space unless killwords) and end added
function truncate(s: string, length: number, killwords: boolean, end: string, leeway: number): string {
  const chars = [...s];
  if (chars.length <= length + leeway) return s;
  const head = chars.slice(0, Math.max(0, length - [...end].length)).join('');
  if (killwords) return head + end;
  const space = head.lastIndexOf(' ');
  return (space >= 0 ? head.slice(0, space) : head) + end;
}

function shellQuote(s: string): string {
  if (s === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

function b64decode(s: string): string {
  return Buffer.from(s, 'base64').toString('utf8');
}

function posixBasename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function posixDirname(p: string): string {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  if (head && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return head;
}

function pathJoin(parts: unknown[]): string {
  let out = '';
  for (const p of parts.map(str)) {
    if (p.startsWith('/')) out = p;
    else if (out === '' || out.endsWith('/')) out += p;
    else out += '/' + p;
  }
  return out;
}

function sumOf(list: unknown[], start: unknown, col: number): unknown {
  let acc: unknown = start ?? 0;
  for (const x of list) {
    const v = plain(x);
    if (isNumber(acc) && (isNumber(v) || typeof v === 'boolean')) acc = isFloat(acc) || isFloat(v) ? asFloat(Number(acc) + Number(v)) : Number(acc) + Number(v);
    else if (Array.isArray(acc) && Array.isArray(v)) acc = [...acc, ...v];
    else throw new ExprError(`unsupported operand type(s) for +: '${typeName(acc)}' and '${typeName(v)}'`, col);
  }
  return acc;
}

function hashOf(v: unknown, algo: string, col: number): string {
  try {
    return createHash(algo).update(str(v)).digest('hex');
  } catch {
    throw new ExprError(`unsupported hash type ${algo}`, col);
  }
}

/** Filters by name; `default`, `d` and `mandatory` are the evaluator's (they see undefined values). */
export const FILTERS: Record<string, Filter> = {
  'ansible.utils.ipaddr': (v, a, _k, col) => ipaddr(plain(v), a[0], 0, 'ipaddr', col),
  'ansible.utils.ipv4': (v, a, _k, col) => ipaddr(plain(v), a[0], 4, 'ipv4', col),
  'ansible.utils.ipv6': (v, a, _k, col) => ipaddr(plain(v), a[0], 6, 'ipv6', col),
  'ansible.utils.ipwrap': (v, a, _k, col) => ipwrap(plain(v), a[0], col),
  'ansible.utils.ipsubnet': (v, a, kw, col) => ipsubnet(plain(v), plain(a[0] ?? kw.query), plain(a[1] ?? kw.index), col),
  'ansible.utils.ipmath': (v, a, kw, col) => ipmath(plain(v), plain(a[0] ?? kw.amount), col),
  'ansible.utils.nthhost': (v, a, kw) => nthhost(plain(v), plain(a[0] ?? kw.query)),
  'ansible.utils.next_nth_usable': (v, a, kw, col) => nthUsable(plain(v), plain(a[0] ?? kw.offset), 1n, col),
  'ansible.utils.previous_nth_usable': (v, a, kw, col) => nthUsable(plain(v), plain(a[0] ?? kw.offset), -1n, col),
  'ansible.utils.network_in_usable': (v, a, kw) => networkIn(plain(v), plain(a[0] ?? kw.test), true),
  'ansible.utils.network_in_network': (v, a, kw) => networkIn(plain(v), plain(a[0] ?? kw.test), false),
  'community.general.json_query': (v, a, _k, col) => jsonQuery(v, a[0], col),
  // Ansible 2.14 routes the short name to the collection's filter (ansible_builtin_runtime.yml)
  json_query: (v, a, _k, col) => jsonQuery(v, a[0], col),
  password_hash: (v, a, kw, col) => passwordHash(plain(v), { hashtype: plain(a[0] ?? kw.hashtype), salt: plain(a[1] ?? kw.salt), salt_size: plain(a[2] ?? kw.salt_size), rounds: plain(a[3] ?? kw.rounds) }, col),
  urlsplit: (v, a, kw, col) => urlsplit(plain(v), plain(a[0] ?? kw.query), col),
  'community.crypto.x509_certificate_info': (v, _a, _k, col) => x509CertificateInfo(plain(v), col),
  bool: (v) => toBool(plain(v)),
  length: (v, _a, _k, col) => len(plain(v), col),
  count: (v, _a, _k, col) => len(plain(v), col),
  int: (v, a, kw) => toInt(plain(v), a[0] ?? kw.default, a[1] ?? kw.base),
  float: (v, a) => {
    const x = plain(v);
    const n = isNumber(x) || typeof x === 'boolean' ? Number(x) : Number(String(x).trim());
    return Number.isFinite(n) && String(x).trim() !== '' ? asFloat(n) : (a[0] ?? asFloat(0));
  },
  string: (v) => str(v),
  lower: (v) => str(v).toLowerCase(),
  upper: (v) => str(v).toUpperCase(),
  capitalize: (v) => {
    const s = str(v);
    return s.slice(0, 1).toUpperCase() + s.slice(1).toLowerCase();
  },
  title: (v) => str(v).replace(/[\w']+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  trim: (v, a) => {
    const s = str(v);
    if (a[0] === undefined || a[0] === null) return s.replace(/^\s+|\s+$/g, '');
    const chars = str(a[0]);
    let i = 0;
    let j = s.length;
    while (i < j && chars.includes(s[i] as string)) i++;
    while (j > i && chars.includes(s[j - 1] as string)) j--;
    return s.slice(i, j);
  },
  center: (v, a) => center(str(v), Number(a[0] ?? 80)),
  truncate: (v, a, kw) => truncate(str(v), Number(a[0] ?? kw.length ?? 255), truthy(a[1] ?? kw.killwords ?? false), str(a[2] ?? kw.end ?? '...'), Number(a[3] ?? kw.leeway ?? 5)),
  wordcount: (v) => (str(v).match(/[\p{L}\p{N}_]+/gu) ?? []).length,
  reverse: (v, _a, _k, col) => {
    const x = plain(v);
    return typeof x === 'string' ? [...x].reverse().join('') : [...iterable(x, col)].reverse();
  },
  first: (v, _a, _k, col) => iterable(plain(v), col)[0],
  last: (v, _a, _k, col) => iterable(plain(v), col).at(-1),
  list: (v, _a, _k, col) => [...iterable(plain(v), col)],
  join: (v, a, kw, col) => {
    let list = iterable(plain(v), col);
    const attribute = a[1] ?? kw.attribute;
    if (attribute !== undefined) list = list.map((x) => attrPath(x, String(attribute), col));
    return list.map(str).join(a[0] === undefined ? String(kw.d ?? '') : str(a[0]));
  },
  unique: (v, a, kw, col) => uniqueBy(iterable(plain(v), col), sortKey(truthy(a[0] ?? kw.case_sensitive ?? false), a[1] ?? kw.attribute, col)),
  sort: (v, a, kw, col) => sorted(iterable(plain(v), col), sortKey(truthy(a[1] ?? kw.case_sensitive ?? false), a[2] ?? kw.attribute, col), col, truthy(a[0] ?? kw.reverse ?? false)),
  min: (v, a, kw, col) => sorted(iterable(plain(v), col), sortKey(truthy(a[0] ?? kw.case_sensitive ?? false), a[1] ?? kw.attribute, col), col)[0],
  max: (v, a, kw, col) => sorted(iterable(plain(v), col), sortKey(truthy(a[0] ?? kw.case_sensitive ?? false), a[1] ?? kw.attribute, col), col, true)[0],
  sum: (v, a, kw, col) => {
    let list = iterable(plain(v), col);
    const attribute = a[0] ?? kw.attribute;
    if (attribute !== undefined && attribute !== null) list = list.map((x) => attrPath(x, String(attribute), col));
    return sumOf(list, a[1] ?? kw.start, col);
  },
  abs: (v, _a, _k, col) => {
    if (!isNumber(v)) throw new ExprError(`bad operand type for abs(): '${typeName(v)}'`, col);
    return isFloat(v) ? asFloat(Math.abs(Number(v))) : Math.abs(Number(v));
  },
  round: (v, a, kw, col) => {
    if (!isNumber(v)) throw new ExprError(`type ${typeName(v)} doesn't define __round__ method`, col);
    const n = Number(v);
    const p = 10 ** Number(a[0] ?? kw.precision ?? 0);
    const method = String(a[1] ?? kw.method ?? 'common');
    // math.ceil(x * 10**p) / 10**p: a float, as Python's true division gives
    if (method === 'ceil') return asFloat(Math.ceil(n * p) / p);
    if (method === 'floor') return asFloat(Math.floor(n * p) / p);
    // Python's round(): half to even on the exact value (round(2.5) is 2.0, round(0.125, 2) is 0.12);
    // an int stays an int
    const rounded = roundHalfEven(n, Number(a[0] ?? kw.precision ?? 0));
    return isFloat(v) ? asFloat(rounded) : rounded;
  },
  replace: (v, a) => {
    const s = str(v);
    const count = a[2] === undefined ? -1 : Number(a[2]);
    const parts = s.split(str(a[0]));
    if (count < 0 || count >= parts.length - 1) return parts.join(str(a[1]));
    return parts.slice(0, count + 1).join(str(a[1])) + str(a[0]) + parts.slice(count + 1).join(str(a[0]));
  },
  split: (v, a) => {
    const s = str(v);
    const max = a[1] === undefined ? -1 : Number(a[1]);
    if (a[0] === undefined || a[0] === null) return s.trim() === '' ? [] : s.trim().split(/\s+/);
    const parts = s.split(str(a[0]));
    return max < 0 || parts.length <= max + 1 ? parts : [...parts.slice(0, max), parts.slice(max).join(str(a[0]))];
  },
  regex_search: (v, a, kw, col) => {
    // group arguments are checked first, as Ansible does: '\\1' or '\\g<name>'
    const groups = a.slice(1).map((g) => {
      const text = str(g);
      const n = /^\\(\d+)/.exec(text);
      const named = /^\\g<(\S+)>/.exec(text);
      if (text.startsWith('\\g') && named) return named[1] as string;
      if (!text.startsWith('\\g') && n) return Number(n[1]);
      throw new ExprError(`regex_search: unknown argument ${text} (use '\\1' or '\\g<name>')`, col);
    });
    const m = pyRegex(a[0], col, kw).exec(str(v));
    if (!m) return null;
    if (!groups.length) return m[0];
    return groups.map((g) => (typeof g === 'number' ? m[g] : m.groups?.[g]) ?? null);
  },
  regex_findall: (v, a, kw, col) => {
    const re = pyRegex(a[0], col, { ...kw, multiline: a[1] ?? kw.multiline, ignorecase: a[2] ?? kw.ignorecase }, 'g');
    return [...str(v).matchAll(re)].map((m) => (m.length === 1 ? m[0] : m.length === 2 ? m[1] : PyTuple.from(m.slice(1))));
  },
  regex_replace: (v, a, kw, col) => {
    for (const k of Object.keys(kw)) if (!['ignorecase', 'multiline'].includes(k)) throw new ExprError(`regex_replace() got an unexpected keyword argument '${k}'`, col);
    const re = pyRegex(a[0], col, { multiline: a[3] ?? kw.multiline, ignorecase: a[2] ?? kw.ignorecase }, 'g');
    return str(v).replace(re, pyReplacement(str(a[1] ?? '')));
  },
  regex_escape: (v) => str(v).replace(/[^A-Za-z0-9_]/g, (c) => '\\' + c),
  map: (v, a, kw, col) => {
    const list = iterable(plain(v), col);
    // attribute= picks attributes only without a filter name; with one it goes to that filter (Jinja's prepare_map)
    if (kw.attribute !== undefined && !a.length) {
      const fallback = own(kw, 'default') ? { value: kw.default } : undefined;
      return list.map((x) => attrPath(x, String(kw.attribute), col, fallback));
    }
    const name = String(a[0]);
    if (name === 'extract') return list.map((x) => extract(x, a.slice(1), kw, col));
    const f = filterNamed(name);
    if (!f) throw new ExprError(`no filter named '${name}'`, col);
    return list.map((x) => f(x, a.slice(1), kw, col));
  },
  select: (v, a, _k, col) => iterable(plain(v), col).filter((x) => runTest(x, a, col)),
  reject: (v, a, _k, col) => iterable(plain(v), col).filter((x) => !runTest(x, a, col)),
  selectattr: (v, a, _k, col) => iterable(plain(v), col).filter((x) => runTest(attrPath(x, String(a[0]), col, missing), a.slice(1), col)),
  rejectattr: (v, a, _k, col) => iterable(plain(v), col).filter((x) => !runTest(attrPath(x, String(a[0]), col, missing), a.slice(1), col)),
  combine: (v, a, kw, col) => {
    const dicts = [plain(v), ...a.map(plain)].flatMap((d) => (Array.isArray(d) ? d : [d]));
    let out: Record<string, unknown> = {};
    for (const d of dicts) {
      if (!isDict(d)) throw new ExprError(`combine expects dictionaries, got ${typeName(d)}`, col);
      out = combine(out, d, truthy(kw.recursive ?? false), String(kw.list_merge ?? 'replace'));
    }
    return out;
  },
  dict2items: (v, _a, kw, col) => {
    const x = plain(v);
    if (!isDict(x)) throw new ExprError(`dict2items requires a dictionary, got ${typeName(x)} instead.`, col);
    const k = String(kw.key_name ?? 'key');
    const val = String(kw.value_name ?? 'value');
    return Object.entries(x).map(([key, value]) => ({ [k]: key, [val]: value }));
  },
  items2dict: (v, _a, kw, col) => {
    const k = String(kw.key_name ?? 'key');
    const val = String(kw.value_name ?? 'value');
    const out: Record<string, unknown> = {};
    for (const it of iterable(plain(v), col)) {
      if (!isDict(it) || !own(it, k) || !own(it, val)) throw new ExprError(`items2dict requires each item to have '${k}' and '${val}' keys`, col);
      out[str(it[k])] = it[val];
    }
    return out;
  },
  items: (v, _a, _k, col) => {
    const x = plain(v);
    if (!isDict(x)) throw new ExprError(`Can only get item pairs from a mapping, not ${typeName(x)}`, col);
    return Object.entries(x).map(([k, val]) => PyTuple.from([k, val]));
  },
  dictsort: (v, a, kw, col) => {
    const x = plain(v);
    if (!isDict(x)) throw new ExprError('dictsort expects a mapping', col);
    const byValue = String(a[1] ?? kw.by ?? 'key') === 'value';
    const cs = truthy(a[0] ?? kw.case_sensitive ?? false);
    const pairs = Object.entries(x).map(([k, val]) => PyTuple.from([k, val]));
    return sorted(pairs, (p) => {
      const e = plain((p as unknown[])[byValue ? 1 : 0]);
      return !cs && typeof e === 'string' ? e.toLowerCase() : e;
    }, col, truthy(a[2] ?? kw.reverse ?? false));
  },
  zip: (v, a, _k, col) => {
    const lists = [plain(v), ...a.map(plain)].map((l) => iterable(l, col));
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => PyTuple.from(lists.map((l) => l[i])));
  },
  zip_longest: (v, a, kw, col) => {
    const lists = [plain(v), ...a.map(plain)].map((l) => iterable(l, col));
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => PyTuple.from(lists.map((l) => (i < l.length ? l[i] : (kw.fillvalue ?? null)))));
  },
  flatten: (v, a, kw, col) => flatten(iterable(plain(v), col), (a[0] ?? kw.levels) === undefined || (a[0] ?? kw.levels) === null ? undefined : Number(a[0] ?? kw.levels), truthy(kw.skip_nulls ?? true)),
  difference: (v, a, _k, col) => uniqueBy(iterable(plain(v), col), (x) => x).filter((x) => !contains(iterable(plain(a[0]), col), x, col)),
  intersect: (v, a, _k, col) => uniqueBy(iterable(plain(v), col), (x) => x).filter((x) => contains(iterable(plain(a[0]), col), x, col)),
  union: (v, a, _k, col) => uniqueBy([...iterable(plain(v), col), ...iterable(plain(a[0]), col)], (x) => x),
  symmetric_difference: (v, a, _k, col) => {
    const x = iterable(plain(v), col);
    const y = iterable(plain(a[0]), col);
    return uniqueBy([...x.filter((e) => !contains(y, e, col)), ...y.filter((e) => !contains(x, e, col))], (e) => e);
  },
  ternary: (v, a) => (v === null && a.length > 2 ? a[2] : truthy(plain(v)) ? a[0] : a[1]),
  to_json: (v, a, kw) => pyJson(v, { indent: kw.indent as number | undefined, sortKeys: truthy(kw.sort_keys ?? false), ensureAscii: truthy(kw.ensure_ascii ?? true) }),
  to_nice_json: (v, a, kw) => pyJson(v, { indent: Number(a[0] ?? kw.indent ?? 4), sortKeys: truthy(kw.sort_keys ?? true), ensureAscii: truthy(kw.ensure_ascii ?? true), separators: [',', ': '] }),
  from_json: (v, _a, _k, col) => {
    try {
      return pyJsonLoads(str(v));
    } catch (e) {
      throw new ExprError(`from_json: ${(e as Error).message}`, col);
    }
  },
  to_yaml: (v, a, kw) => pyYaml(v, { indent: Number(kw.indent ?? 2), flow: kw.default_flow_style === undefined ? null : truthy(kw.default_flow_style), width: Number(kw.width ?? 80) }),
  to_nice_yaml: (v, a, kw) => pyYaml(v, { indent: Number(a[0] ?? kw.indent ?? 4), flow: false, width: Number(kw.width ?? 80) }),
  // anything but text is given back as it is (None too), as Ansible's from_yaml and from_yaml_all do
  from_yaml: (v, _a, _k, col) => {
    if (typeof v !== 'string' && !(v instanceof UnsafeText)) return v;
    try {
      // PyYAML's scalars, as Ansible's from_yaml reads them (0755 octal, 1e5 text, 1.0 a float)
      return parseYaml(str(v), { version: '1.1', customTags: pyyamlTags }) ?? null;
    } catch (e) {
      throw new ExprError(`from_yaml: ${(e as Error).message}`, col);
    }
  },
  from_yaml_all: (v, _a, _k, col) => {
    if (typeof v !== 'string' && !(v instanceof UnsafeText)) return v;
    const docs = parseAllDocuments(str(v), { version: '1.1', customTags: pyyamlTags });
    const docList = Array.isArray(docs) ? docs : [docs];
    for (const d of docList) if (d.errors.length) throw new ExprError(`from_yaml_all: ${d.errors[0]?.message ?? 'invalid YAML'}`, col);
    return docList.map((d) => d.toJS() ?? null);
  },
  b64encode: (v) => Buffer.from(str(v), 'utf8').toString('base64'),
  b64decode: (v) => b64decode(str(v)),
  quote: (v) => shellQuote(str(v)),
  basename: (v) => posixBasename(str(v)),
  dirname: (v) => posixDirname(str(v)),
  splitext: (v) => {
    const s = str(v);
    const base = posixBasename(s);
    const dot = base.replace(/^\.+/, '').lastIndexOf('.');
    if (dot === -1) return PyTuple.from([s, '']);
    const cut = s.length - base.length + (base.length - base.replace(/^\.+/, '').length) + dot;
    return PyTuple.from([s.slice(0, cut), s.slice(cut)]);
  },
  path_join: (v, _a, _k, col) => pathJoin(typeof plain(v) === 'string' ? [v] : iterable(plain(v), col)),
  hash: (v, a, _k, col) => hashOf(v, String(a[0] ?? 'sha1'), col),
  checksum: (v, _a, _k, col) => hashOf(v, 'sha1', col),
  sha1: (v, _a, _k, col) => hashOf(v, 'sha1', col),
  md5: (v, _a, _k, col) => hashOf(v, 'md5', col),
  indent: (v, a, kw) => indent(str(v), a[0] ?? kw.width, a[1] ?? kw.first, a[2] ?? kw.blank),
  format: (v, a, kw, col) => {
    const named = Object.keys(kw).length > 0;
    if (named && a.length) throw new ExprError("can't handle positional and keyword arguments at the same time", col);
    return percentFormat(str(v), named ? kw : PyTuple.from(a), col);
  },
  escape: (v) => str(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'),
  e: (v) => FILTERS.escape!(v, [], {}, 0),
  type_debug: (v) => {
    const x = v instanceof UnsafeText ? 'AnsibleUnsafeText' : typeName(v);
    return x === 'dict' ? 'dict' : x;
  },
  extract: (v, a, kw, col) => extract(v, a, kw, col),
  groupby: (v, a, kw, col) => {
    const attribute = String(a[0] ?? kw.attribute);
    const fallback = own(kw, 'default') ? { value: kw.default } : undefined;
    const key = sortKey(truthy(kw.case_sensitive ?? false), undefined, col);
    const list = sorted(iterable(plain(v), col), (x) => key(attrPath(x, attribute, col, fallback)), col);
    const groups: [unknown, unknown[]][] = [];
    for (const x of list) {
      const k = attrPath(x, attribute, col, fallback);
      const last = groups.at(-1);
      if (last && pyEq(key(last[0]), key(k))) last[1].push(x);
      else groups.push([k, [x]]);
    }
    return groups.map((g) => PyTuple.from(g));
  },
  batch: (v, a, _k, col) => {
    const size = Number(a[0]);
    const list = iterable(plain(v), col);
    const out: unknown[][] = [];
    for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
    const last = out.at(-1);
    if (a[1] !== undefined && last) while (last.length < size) last.push(a[1]);
    return out;
  },
  safe: (v) => v,
  product: (v, a, kw, col) => {
    const base = [plain(v), ...a.map(plain)].map((l) => iterable(l, col));
    const lists = Array.from({ length: Number(kw.repeat ?? 1) }, () => base).flat();
    let out: unknown[][] = [[]];
    for (const l of lists) out = out.flatMap((prefix) => l.map((x) => [...prefix, x]));
    return out.map((t) => PyTuple.from(t));
  },
  permutations: (v, a, _k, col) => {
    const list = iterable(plain(v), col);
    const r = a[0] === undefined ? list.length : Number(a[0]);
    const out: unknown[][] = [];
    const walk = (prefix: number[]): void => {
      if (prefix.length === r) return void out.push(prefix.map((i) => list[i]));
      for (let i = 0; i < list.length; i++) if (!prefix.includes(i)) walk([...prefix, i]);
    };
    walk([]);
    return out.map((t) => PyTuple.from(t));
  },
  combinations: (v, a, _k, col) => {
    const list = iterable(plain(v), col);
    const r = Number(a[0]);
    const out: unknown[][] = [];
    const walk = (start: number, prefix: unknown[]): void => {
      if (prefix.length === r) return void out.push(prefix);
      for (let i = start; i < list.length; i++) walk(i + 1, [...prefix, list[i]]);
    };
    walk(0, []);
    return out.map((t) => PyTuple.from(t));
  },
  subelements: (v, a, kw, col) => {
    const path = String(a[0]);
    const skipMissing = truthy(a[1] ?? kw.skip_missing ?? false);
    const out: unknown[] = [];
    for (const item of iterable(plain(v), col)) {
      const sub = attrPath(item, path, col, skipMissing ? { value: undefined } : undefined);
      if (sub === undefined) continue;
      if (!Array.isArray(sub)) throw new ExprError(`the key ${path} should point to a list, got ${pyStr(sub)}`, col);
      for (const s of sub) out.push(PyTuple.from([item, s]));
    }
    return out;
  },
  // Ansible's random(end, start, step, seed): with a seed, Python's seeded choice, the value
  // ansible-playbook gives (`59 | random(seed=inventory_hostname)` for a host's cron minute); without
  // one, a different value each time, as Ansible's SystemRandom gives
  random: (v, a, kw, col) => {
    const seed = kw.seed ?? a[2];
    const rng = seed === undefined || seed === null ? unseeded(col) : new PyRandom(seed, col);
    const start = a[0] ?? kw.start;
    const step = a[1] ?? kw.step;
    const end = plain(v);
    if (typeof end === 'boolean' || (typeof end === 'number' && Number.isInteger(end))) {
      const whole = (x: unknown, d: number): number => (x === undefined || x === null || x === false || x === 0 ? d : Number(x));
      return rng.randrange(whole(start, 0), Number(end), whole(step, 1), col);
    }
    if (typeof end === 'string' || Array.isArray(end)) {
      if (start || step) throw new ExprError('start and step can only be used with integer values', col);
      return rng.choice(typeof end === 'string' ? [...end] : end, col);
    }
    throw new ExprError('random can only be used on sequences and integers', col);
  },
  // Ansible's shuffle(seed): with a seed, Python's seeded shuffle; without one (or a false one, as
  // Ansible tests it), a different order each time
  shuffle: (v, a, kw, col) => {
    const seed = kw.seed ?? a[0];
    return (truthy(seed ?? null) ? new PyRandom(seed, col) : unseeded(col)).shuffled(iterable(plain(v), col));
  },
};

// a generator seeded from the system's randomness: what Ansible's unseeded random and shuffle draw from
const unseeded = (col: number): PyRandom => new PyRandom(randomBytes(32).toString('hex'), col);

// a missing attribute inside selectattr/rejectattr, with Jinja's text for it
class Missing {
  constructor(readonly message: string) {}
}
const missing = (message: string): Missing => new Missing(message);

// the keys Ansible's extract(item, container, morekeys=None) reads, checked as Python checks its call
function extractCall(item: unknown, a: unknown[], kw: Record<string, unknown>, col: number): { container: unknown; keys: unknown[] } {
  for (const k of Object.keys(kw)) {
    if (k !== 'container' && k !== 'morekeys') throw new ExprError(`extract() got an unexpected keyword argument '${k}'`, col);
  }
  if (a.length > 2) throw new ExprError(`extract() takes from 3 to 4 positional arguments but ${a.length + 2} were given`, col);
  if (a.length >= 1 && own(kw, 'container')) throw new ExprError("extract() got multiple values for argument 'container'", col);
  if (a.length === 2 && own(kw, 'morekeys')) throw new ExprError("extract() got multiple values for argument 'morekeys'", col);
  if (a.length === 0 && !own(kw, 'container')) throw new ExprError("extract() missing 1 required positional argument: 'container'", col);
  const morekeys = a.length === 2 ? a[1] : kw['morekeys'];
  // a list's items are keys, anything else (a tuple too) is one key, as Ansible's isinstance(morekeys, list)
  const more = morekeys === undefined || morekeys === null ? [] : Array.isArray(morekeys) && !(morekeys instanceof PyTuple) ? morekeys : [morekeys];
  return { container: a.length ? a[0] : kw['container'], keys: [item, ...more] };
}

/** Ansible's extract: container[item][morekey]...; the first key missing gives `missing(Jinja's message)`, or fails. */
export function extract(item: unknown, a: unknown[], kw: Record<string, unknown>, col: number, missing?: (message: string) => unknown): unknown {
  const { container, keys } = extractCall(item, a, kw, col);
  let cur = container;
  for (const k of keys) {
    const within = plain(cur);
    const key = plain(k);
    cur = lookupKey(within, key);
    if (cur === NO_KEY) {
      if (missing) return missing(missingKeyMessage(within, key));
      throw new ExprError(`${typeName(within)} object has no element ${pyStr(key)}`, col);
    }
  }
  return cur;
}

const NO_KEY = Symbol('no key');

function lookupKey(c: unknown, k: unknown): unknown {
  if (Array.isArray(c) && isInt(k)) {
    const i = k < 0 ? c.length + k : k;
    return i >= 0 && i < c.length ? c[i] : NO_KEY;
  }
  // a dict's keys are text (numbers as YAML wrote them); a list, tuple or dict is no key
  if (isDict(c) && (typeof k === 'string' || isNumber(k)) && own(c, String(k))) return c[String(k)];
  return NO_KEY;
}

// select('odd'), selectattr('x', 'defined'), select('equalto', 3): a test with its arguments
function runTest(v: unknown, a: unknown[], col: number): boolean {
  if (!a.length) return !(v instanceof Missing) && truthy(plain(v));
  const name = String(a[0]).replace(/^ansible\.builtin\./, '');
  if (name === 'defined') return !(v instanceof Missing);
  if (name === 'undefined') return v instanceof Missing;
  if (v instanceof Missing) throw new UndefinedError(v.message, col);
  const t = testNamed(name);
  if (!t) throw new ExprError(`no test named '${name}'`, col);
  return t(plain(v), a.slice(1).map(plain), col);
}

/** Tests by name; `defined` and `undefined` are the evaluator's. */
export const TESTS: Record<string, Test> = {
  none: (v) => v === null,
  number: (v) => isNumber(v),
  integer: (v) => isInt(v),
  float: (v) => isFloat(v),
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  string: (v) => typeof v === 'string',
  lower: (v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v) => typeof v === 'string' && v === v.toUpperCase(),
  mapping: (v) => isDict(v),
  sequence: (v) => typeof v === 'string' || Array.isArray(v) || isDict(v),
  iterable: (v) => typeof v === 'string' || (!!v && typeof v === 'object'),
  truthy: (v) => truthy(v),
  falsy: (v) => !truthy(v),
  sameas: (v, a) => v === a[0],
  eq: (v, a) => pyEq(v, a[0]),
  equalto: (v, a) => pyEq(v, a[0]),
  '==': (v, a) => pyEq(v, a[0]),
  ne: (v, a) => !pyEq(v, a[0]),
  '!=': (v, a) => !pyEq(v, a[0]),
  lt: (v, a, col) => pyCmp(v, a[0], col, '<') < 0,
  '<': (v, a, col) => pyCmp(v, a[0], col, '<') < 0,
  lessthan: (v, a, col) => pyCmp(v, a[0], col, '<') < 0,
  le: (v, a, col) => pyCmp(v, a[0], col, '<=') <= 0,
  '<=': (v, a, col) => pyCmp(v, a[0], col, '<=') <= 0,
  gt: (v, a, col) => pyCmp(v, a[0], col, '>') > 0,
  '>': (v, a, col) => pyCmp(v, a[0], col, '>') > 0,
  greaterthan: (v, a, col) => pyCmp(v, a[0], col, '>') > 0,
  ge: (v, a, col) => pyCmp(v, a[0], col, '>=') >= 0,
  '>=': (v, a, col) => pyCmp(v, a[0], col, '>=') >= 0,
  in: (v, a, col) => contains(a[0], v, col),
  contains: (v, a, col) => contains(v, a[0], col),
  divisibleby: (v, a) => isNumber(v) && isNumber(a[0]) && Number(v) % Number(a[0]) === 0,
  even: (v) => isNumber(v) && Number(v) % 2 === 0,
  odd: (v) => isNumber(v) && Math.abs(Number(v) % 2) === 1,
  // re.match: anchored at the start of the string, multiline or not (a sticky regex tried at 0)
  match: (v, a, col, kw) => {
    const re = pyRegex(a[0], col, { ignorecase: a[1] ?? kw?.ignorecase, multiline: a[2] ?? kw?.multiline }, 'y');
    re.lastIndex = 0;
    return re.test(str(v));
  },
  search: (v, a, col, kw) => pyRegex(a[0], col, { ignorecase: a[1] ?? kw?.ignorecase, multiline: a[2] ?? kw?.multiline }).test(str(v)),
  regex: (v, a, col, kw) => pyRegex(a[0], col, { ignorecase: a[1] ?? kw?.ignorecase, multiline: a[2] ?? kw?.multiline }).test(str(v)),
  version: (v, a, col, kw) => versionTest(v, a, kw ?? {}, col),
  version_compare: (v, a, col, kw) => versionTest(v, a, kw ?? {}, col),
  subset: (v, a, col) => iterable(v, col).every((x) => contains(a[0], x, col)),
  issubset: (v, a, col) => iterable(v, col).every((x) => contains(a[0], x, col)),
  superset: (v, a, col) => iterable(a[0], col).every((x) => contains(v, x, col)),
  issuperset: (v, a, col) => iterable(a[0], col).every((x) => contains(v, x, col)),
  any: (v, _a, col) => iterable(v, col).some((x) => truthy(plain(x))),
  all: (v, _a, col) => iterable(v, col).every((x) => truthy(plain(x))),
  abs: (v) => typeof v === 'string' && v.startsWith('/'),
  // Ansible's path tests: about the controller's filesystem, like Python's os.path
  exists: (v) => pathKind(v, statSync) !== undefined,
  file: (v) => pathKind(v, statSync)?.isFile() === true,
  directory: (v) => pathKind(v, statSync)?.isDirectory() === true,
  link: (v) => pathKind(v, lstatSync)?.isSymbolicLink() === true,
  failed: (v) => resultKey(v, 'failed') === true,
  failure: (v) => resultKey(v, 'failed') === true,
  succeeded: (v) => resultKey(v, 'failed') !== true,
  success: (v) => resultKey(v, 'failed') !== true,
  successful: (v) => resultKey(v, 'failed') !== true,
  changed: (v) => resultKey(v, 'changed') === true,
  change: (v) => resultKey(v, 'changed') === true,
  skipped: (v) => resultKey(v, 'skipped') === true,
  skip: (v) => resultKey(v, 'skipped') === true,
  reachable: (v) => resultKey(v, 'unreachable') !== true,
  unreachable: (v) => resultKey(v, 'unreachable') === true,
};

/** A controller path's stat (statSync follows links, lstatSync does not), or undefined. */
function pathKind(v: unknown, stat: typeof statSync): Stats | undefined {
  if (typeof v !== 'string' && !(v instanceof UnsafeText)) return undefined;
  try {
    return stat(String(v));
  } catch {
    return undefined;
  }
}

/** Python's range(). */
function range(args: unknown[], col: number): number[] {
  const n = args.map((x) => Number(x));
  if (n.some((x) => !Number.isInteger(x))) throw new ExprError('range() arguments must be integers', col);
  const [start, stop, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
  if (step === 0) throw new ExprError('range() arg 3 must not be zero', col);
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
    out.push(i);
    if (out.length > 1_000_000) throw new ExprError('range() too large (at most 1,000,000 items)', col);
  }
  return out;
}

/** Objects made by namespace(): the only ones `{% set ns.x = ... %}` may change. */
export const namespaces = new WeakSet<object>();

/** Global functions every expression has (lookup and query are added where files can be read). */
export const BASE_FUNCTIONS: Functions = {
  range: (a, _kw, col) => range(a, col),
  dict: (a, kw) => ({ ...(isDict(a[0]) ? a[0] : Object.fromEntries(Array.isArray(a[0]) ? (a[0] as [string, unknown][]) : [])), ...kw }),
  namespace: (a, kw) => {
    const ns = { ...(isDict(a[0]) ? a[0] : {}), ...kw };
    namespaces.add(ns);
    return ns;
  },
  // Ansible's now(utc=False, fmt=None), from the controller's Python as Ansible's is
  now: (a, kw, col) => {
    const fmt = a[1] ?? kw.fmt ?? null;
    if (fmt !== null && typeof fmt !== 'string') throw new ExprError(`strftime() argument 1 must be str, not ${typeName(fmt)}`, col);
    return pythonNow(truthy(a[0] ?? kw.utc ?? false), fmt, col);
  },
};

/** A Python plugin a filter or test name calls, and the deprecation a routed name notes. */
export interface PythonPlugin {
  entry: PluginEntry;
  deprecation?: string | undefined;
}

/** The filters the evaluator does itself (they see an undefined value, or an object's attributes), never a plugin's unless one names it. */
export const EVALUATOR_FILTERS = new Set(['default', 'd', 'mandatory', 'attr']);
/** The tests the evaluator does itself (they see an undefined value). */
export const EVALUATOR_TESTS = new Set(['defined', 'undefined']);

/**
 * The Python plugin a filter or test name calls: a playbook's, a role's or a configured one, which wins over
 * kplay's own as in Ansible; else, where kplay has none of that name (or of the ansible.utils name Ansible
 * routes it to), an installed collection's, or Ansible's own built-in one.
 */
export function pythonPlugin(kind: PluginKind, name: string): PythonPlugin | undefined {
  const adjacent = pluginEntry(kind, name);
  if (adjacent) return { entry: adjacent };
  if (own(kind === 'filter' ? FILTERS : TESTS, name)) return undefined;
  const routed = kind === 'filter' ? routedFilter(name) : undefined;
  if (routed && own(FILTERS, routed.target)) return undefined;
  const entry = collectionEntry(kind, routed?.target ?? name);
  if (entry) return { entry, deprecation: routed?.deprecation };
  // Ansible's own (ansible-core's and Jinja's built-in ones) where kplay has no native one of that name
  const builtin = routed || (kind === 'filter' ? EVALUATOR_FILTERS : EVALUATOR_TESTS).has(name) ? undefined : builtinEntry(kind, name);
  return builtin ? { entry: builtin } : undefined;
}

/** The filter a name calls: a Python plugin's (see pythonPlugin), kplay's own, or the ansible.utils one Ansible routes a short or ansible.netcommon name to (its deprecation noted). */
export function filterNamed(name: string): Filter | undefined {
  if (own(BY_NAME_ONLY, name)) return BY_NAME_ONLY[name];
  const plugin = pythonPlugin('filter', name);
  if (plugin) {
    if (plugin.deprecation) noteRoutedFilter(plugin.deprecation);
    return (v, a, kw, col) => callPlugin('filter', plugin.entry, v, a, kw, col);
  }
  if (own(FILTERS, name)) return FILTERS[name];
  const routed = routedFilter(name);
  if (!routed || !own(FILTERS, routed.target)) return undefined;
  noteRoutedFilter(routed.deprecation);
  return FILTERS[routed.target];
}

/** Whether a test name is kplay's own or a Python plugin's (checked when a template is read). */
export function hasTest(name: string): boolean {
  return own(TESTS, name) || !!pythonPlugin('test', name);
}

/** default on a defined value: the fallback only for a false one with `true` as its second argument. */
export const defaultOfDefined: Filter = (v, a, kw) => ((a[1] ?? kw.boolean) && !truthy(v) ? (a[0] ?? kw.default_value ?? '') : v);
// the evaluator's own filters as map() and select() call them by name, on values that are all defined
const BY_NAME_ONLY: Record<string, Filter> = { default: defaultOfDefined, d: defaultOfDefined, mandatory: (v) => v };

/** Whether a filter name is kplay's own, routed to one of kplay's, or a Python plugin's (checked when a template is read). */
export function hasFilter(name: string): boolean {
  if (own(FILTERS, name) || own(BY_NAME_ONLY, name)) return true;
  const routed = routedFilter(name);
  return (!!routed && own(FILTERS, routed.target)) || !!pythonPlugin('filter', name);
}

/** A Python test plugin as a test: Jinja takes whatever it gives as its answer; kplay's tests answer True or False, so its truth. */
export function pluginTest(plugin: PythonPlugin): Test {
  return (v, a, col, kw) => truthy(callPlugin('test', plugin.entry, v, a, kw ?? {}, col));
}

/** The test a name calls: a Python plugin's (see pythonPlugin) or kplay's own. */
export function testNamed(name: string): Test | undefined {
  const plugin = pythonPlugin('test', name);
  if (plugin) return pluginTest(plugin);
  return own(TESTS, name) ? TESTS[name] : undefined;
}
