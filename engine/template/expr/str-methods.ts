// Python's str methods a template can call ('a,b'.split(','), '{}:{}'.format(h, p), '5'.zfill(3)), with
// Python's results and errors: Ansible's templar hands Jinja plain Python strings, so every str method
// is there. A method kplay lacks is undefined (an error when called), never a wrong text.
import { PyTuple } from '../../inventory/python-literal.js';
import { expandTabs } from '../../util/expand-tabs.js';
import { UnsafeText } from '../../yaml/unsafe-text.js';
import { braceFormat } from './brace-format.js';
import { ExprError, typeName } from './pyops.js';

/** The names `'text'.name` gives a method for. */
export const STRING_METHODS = new Set([
  'capitalize', 'casefold', 'center', 'count', 'endswith', 'expandtabs', 'find', 'format', 'format_map', 'index',
  'isalnum', 'isalpha', 'isdecimal', 'isdigit', 'islower', 'isnumeric', 'isspace', 'istitle', 'isupper', 'join',
  'ljust', 'lower', 'lstrip', 'partition', 'removeprefix', 'removesuffix', 'replace', 'rfind', 'rindex', 'rjust',
  'rpartition', 'rsplit', 'rstrip', 'split', 'splitlines', 'startswith', 'strip', 'swapcase', 'title', 'upper', 'zfill',
]);

// the methods that take keywords, and which
const KEYWORDS: Record<string, string[]> = { split: ['sep', 'maxsplit'], rsplit: ['sep', 'maxsplit'], splitlines: ['keepends'], expandtabs: ['tabsize'] };

// Python's line boundaries for splitlines()
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const CASED = /[\p{Lu}\p{Ll}\p{Lt}]/u;

/** `t.name(*args, **kw)` as Python's str gives it. */
export function callStringMethod(t: string, name: string, args: unknown[], kw: Record<string, unknown>, col: number): unknown {
  if (name === 'format') return braceFormat(t, args, kw, col);
  const allowed = KEYWORDS[name] ?? [];
  for (const k of Object.keys(kw)) {
    if (!allowed.length) throw new ExprError(`str.${name}() takes no keyword arguments`, col);
    if (!allowed.includes(k)) throw new ExprError(`'${k}' is an invalid keyword argument for ${name}()`, col);
  }
  const arg = (i: number, key?: string): unknown => (key !== undefined && Object.prototype.hasOwnProperty.call(kw, key) ? kw[key] : args[i]);
  const text = (i: number, what = 'argument'): string => {
    const v = args[i] instanceof UnsafeText ? (args[i] as UnsafeText).text : args[i];
    if (typeof v !== 'string') throw new ExprError(`${name}() ${what} must be str, not ${typeName(v)}`, col);
    return v;
  };
  const int = (v: unknown, fallback: number): number => {
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return Number(v);
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new ExprError(`'${typeName(v)}' object cannot be interpreted as an integer`, col);
    return v;
  };
  // t[start:end] for the methods that take them (JavaScript's slice clamps as Python's does), and where it starts in t
  const window = (): string => t.slice(int(args[1], 0), args[2] === undefined || args[2] === null ? undefined : int(args[2], 0));
  const offset = (): number => t.length - t.slice(int(args[1], 0)).length;
  switch (name) {
    case 'startswith':
    case 'endswith': {
      const part = window();
      const p = args[0] instanceof UnsafeText ? args[0].text : args[0];
      const prefixes = p instanceof PyTuple ? [...p] : [p];
      return prefixes.some((x) => {
        const s = x instanceof UnsafeText ? x.text : x;
        if (typeof s !== 'string') throw new ExprError(`${name} first arg must be str or a tuple of str, not ${typeName(x)}`, col);
        return name === 'startswith' ? part.startsWith(s) : part.endsWith(s);
      });
    }
    case 'split':
    case 'rsplit': {
      const sep = arg(0, 'sep');
      const max = int(arg(1, 'maxsplit'), -1);
      if (sep === undefined || sep === null) return name === 'split' ? splitWhite(t, max) : splitWhite([...t].reverse().join(''), max).map((w) => [...w].reverse().join('')).reverse();
      const s = sep instanceof UnsafeText ? sep.text : sep;
      if (typeof s !== 'string') throw new ExprError(`must be str or None, not ${typeName(sep)}`, col);
      if (s === '') throw new ExprError('empty separator', col);
      const parts = t.split(s);
      if (max < 0 || parts.length <= max + 1) return parts;
      return name === 'split' ? [...parts.slice(0, max), parts.slice(max).join(s)] : [parts.slice(0, parts.length - max).join(s), ...parts.slice(parts.length - max)];
    }
    case 'strip':
    case 'lstrip':
    case 'rstrip': {
      const chars = args[0] === undefined || args[0] === null ? undefined : text(0, 'arg');
      const left = name !== 'rstrip';
      const right = name !== 'lstrip';
      if (chars === undefined) return left && right ? t.trim() : left ? t.trimStart() : t.trimEnd();
      const cs = [...t];
      let a = 0;
      let b = cs.length;
      while (left && a < b && chars.includes(cs[a] as string)) a++;
      while (right && b > a && chars.includes(cs[b - 1] as string)) b--;
      return cs.slice(a, b).join('');
    }
    case 'lower':
      return t.toLowerCase();
    case 'upper':
      return t.toUpperCase();
    case 'casefold':
      return t.toLowerCase().replace(/ß/g, 'ss');
    case 'swapcase':
      return [...t].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
    case 'title':
      return t.replace(/[\p{L}\p{M}]+/gu, (w) => titleCase(w));
    case 'capitalize':
      return t ? titleCase(t) : t;
    case 'replace': {
      const old = text(0);
      const neu = text(1);
      const count = int(args[2], -1);
      if (old === '') {
        // '' is found before every character and at the end
        const chars = [...t];
        const n = count < 0 ? chars.length + 1 : Math.min(count, chars.length + 1);
        return chars.map((c, i) => (i < n ? neu + c : c)).join('') + (n > chars.length ? neu : '');
      }
      const parts = t.split(old);
      if (count < 0 || count >= parts.length - 1) return parts.join(neu);
      return parts.slice(0, count + 1).join(neu) + old + parts.slice(count + 1).join(old);
    }
    case 'find':
    case 'index': {
      const i = window().indexOf(text(0));
      if (i < 0 && name === 'index') throw new ExprError('substring not found', col);
      return i < 0 ? -1 : i + offset();
    }
    case 'rfind':
    case 'rindex': {
      const i = window().lastIndexOf(text(0));
      if (i < 0 && name === 'rindex') throw new ExprError('substring not found', col);
      return i < 0 ? -1 : i + offset();
    }
    case 'count': {
      const sub = text(0);
      const part = window();
      return sub === '' ? [...part].length + 1 : part.split(sub).length - 1;
    }
    case 'splitlines': {
      const keep = !!arg(0, 'keepends');
      const out: string[] = [];
      let rest = t;
      for (let m = LINE_BREAK.exec(rest); m; m = LINE_BREAK.exec(rest)) {
        out.push(rest.slice(0, keep ? m.index + m[0].length : m.index));
        rest = rest.slice(m.index + m[0].length);
      }
      if (rest) out.push(rest);
      return out;
    }
    case 'isdigit':
    case 'isdecimal':
      return t !== '' && /^\p{Nd}+$/u.test(t);
    case 'isnumeric':
      return t !== '' && /^\p{N}+$/u.test(t);
    case 'isalpha':
      return t !== '' && /^\p{L}+$/u.test(t);
    case 'isalnum':
      return t !== '' && /^[\p{L}\p{N}]+$/u.test(t);
    case 'isspace':
      return t !== '' && /^\s+$/.test(t);
    case 'islower':
      return CASED.test(t) && t === t.toLowerCase();
    case 'isupper':
      return CASED.test(t) && t === t.toUpperCase();
    case 'istitle':
      return CASED.test(t) && t === t.replace(/[\p{L}\p{M}]+/gu, (w) => titleCase(w));
    case 'join': {
      const items = args[0];
      const list = typeof items === 'string' ? [...items] : Array.isArray(items) ? items : items && typeof items === 'object' && !(items instanceof UnsafeText) ? Object.keys(items) : undefined;
      if (!list) throw new ExprError('can only join an iterable', col);
      return list
        .map((x, i) => {
          const s = x instanceof UnsafeText ? x.text : x;
          if (typeof s !== 'string') throw new ExprError(`sequence item ${i}: expected str instance, ${typeName(x)} found`, col);
          return s;
        })
        .join(t);
    }
    case 'format_map': {
      const m = args[0];
      if (!m || typeof m !== 'object' || Array.isArray(m)) throw new ExprError(`'${typeName(m)}' object is not a mapping`, col);
      return braceFormat(t, [], m as Record<string, unknown>, col);
    }
    case 'zfill': {
      const w = int(args[0], 0);
      const sign = t[0] === '+' || t[0] === '-' ? t[0] : '';
      return sign + t.slice(sign.length).padStart(w - sign.length, '0');
    }
    case 'center':
    case 'ljust':
    case 'rjust': {
      const w = int(args[0], 0);
      const fill = args[1] === undefined ? ' ' : text(1);
      if ([...fill].length !== 1) throw new ExprError('The fill character must be exactly one character long', col);
      const marg = w - [...t].length;
      if (marg <= 0) return t;
      if (name === 'ljust') return t + fill.repeat(marg);
      if (name === 'rjust') return fill.repeat(marg) + t;
      // CPython's center: the odd space goes left when the width is odd
      const left = Math.floor(marg / 2) + (marg & w & 1);
      return fill.repeat(left) + t + fill.repeat(marg - left);
    }
    case 'partition':
    case 'rpartition': {
      const sep = text(0);
      if (sep === '') throw new ExprError('empty separator', col);
      const i = name === 'partition' ? t.indexOf(sep) : t.lastIndexOf(sep);
      if (i < 0) return PyTuple.from(name === 'partition' ? [t, '', ''] : ['', '', t]);
      return PyTuple.from([t.slice(0, i), sep, t.slice(i + sep.length)]);
    }
    case 'removeprefix': {
      const p = text(0);
      return p && t.startsWith(p) ? t.slice(p.length) : t;
    }
    case 'removesuffix': {
      const p = text(0);
      return p && t.endsWith(p) ? t.slice(0, -p.length) : t;
    }
    case 'expandtabs':
      return expandTabs(t, int(arg(0, 'tabsize'), 8));
  }
  throw new ExprError(`'str' object has no attribute '${name}'`, col);
}

function titleCase(w: string): string {
  const [first = '', ...rest] = [...w];
  return first.toUpperCase() + rest.join('').toLowerCase();
}

// split() without a separator: runs of whitespace, at most `max` splits, the rest kept as it is
function splitWhite(t: string, max: number): string[] {
  const out: string[] = [];
  let rest = t.replace(/^\s+/, '');
  while (rest) {
    if (max >= 0 && out.length === max) {
      out.push(rest);
      break;
    }
    const m = /\s+/.exec(rest);
    if (!m) {
      out.push(rest);
      break;
    }
    out.push(rest.slice(0, m.index));
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}
