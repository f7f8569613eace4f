// Python's str.format() ('{}:{}'.format(host, port), '{name:>10}', '{:,.2f}', '{0[1]}') as CPython does it:
// fields by position, number or name with their `.attr` and `[key]` parts, the !r/!s/!a conversions, and
// the format-spec mini-language with nested `{}` in it. Before, a field with a spec or a name was left as
// written — text that looked rendered and was not.
import { isFloat, isNumber } from '../../util/py-float.js';
import { pyFloatRepr } from '../../inventory/python-literal.js';
import { pyRepr, pyStr } from '../../util/python-repr.js';
import { UnsafeText } from '../../yaml/unsafe-text.js';
import { ascii, floatText } from './percent.js';
import { ExprError, own, typeName } from './pyops.js';

type State = { args: unknown[]; kw: Record<string, unknown>; next: number; mode: 'auto' | 'manual' | undefined; col: number };

/** `fmt.format(*args, **kw)` as Python gives it. */
export function braceFormat(fmt: string, args: unknown[], kw: Record<string, unknown>, col: number): string {
  return expand(fmt, { args, kw, next: 0, mode: undefined, col }, 2);
}

// `depth` is how deep fields may still nest (a spec's `{}` may hold no further one, as in Python)
function expand(fmt: string, st: State, depth: number): string {
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i] as string;
    if (c === '}') {
      if (fmt[i + 1] !== '}') throw new ExprError("Single '}' encountered in format string", st.col);
      out += '}';
      i += 2;
      continue;
    }
    if (c !== '{') {
      out += c;
      i++;
      continue;
    }
    if (fmt[i + 1] === '{') {
      out += '{';
      i += 2;
      continue;
    }
    let level = 1;
    let j = i + 1;
    for (; j < fmt.length && level > 0; j++) level += fmt[j] === '{' ? 1 : fmt[j] === '}' ? -1 : 0;
    if (level > 0) throw new ExprError(j - i > 1 && fmt.slice(i + 1).includes('}') ? "expected '}' before end of string" : "Single '{' encountered in format string", st.col);
    if (depth <= 0) throw new ExprError('Max string recursion exceeded', st.col);
    out += field(fmt.slice(i + 1, j - 1), st, depth);
    i = j;
  }
  return out;
}

function field(body: string, st: State, depth: number): string {
  // the name runs to the first ! or : outside brackets
  let end = 0;
  for (let inBracket = false; end < body.length; end++) {
    const c = body[end];
    if (c === '[') inBracket = true;
    else if (c === ']') inBracket = false;
    else if (!inBracket && (c === '!' || c === ':')) break;
  }
  let value = fieldValue(body.slice(0, end), st);
  let rest = body.slice(end);
  if (rest.startsWith('!')) {
    const conv = rest[1] ?? '';
    if (rest.length > 2 && rest[2] !== ':') throw new ExprError("expected ':' after conversion specifier", st.col);
    if (conv === 'r') value = pyRepr(value);
    else if (conv === 's') value = pyStr(value);
    else if (conv === 'a') value = ascii(pyRepr(value));
    else throw new ExprError(conv ? `Unknown conversion specifier ${conv}` : 'unmatched \'{\' in format spec', st.col);
    rest = rest.slice(2);
  }
  const spec = rest.startsWith(':') ? expand(rest.slice(1), st, depth - 1) : '';
  return formatValue(value, spec, st.col);
}

function fieldValue(name: string, st: State): unknown {
  const first = /^[^.[]*/.exec(name)?.[0] ?? '';
  let value: unknown;
  if (first === '') {
    if (st.mode === 'manual') throw new ExprError('cannot switch from manual field specification to automatic field numbering', st.col);
    st.mode = 'auto';
    value = positional(st.next++, st);
  } else if (/^\d+$/.test(first)) {
    if (st.mode === 'auto') throw new ExprError('cannot switch from automatic field numbering to manual field specification', st.col);
    st.mode = 'manual';
    value = positional(Number(first), st);
  } else {
    if (!own(st.kw, first)) throw new ExprError(`KeyError: ${pyRepr(first)}`, st.col);
    value = st.kw[first];
  }
  const parts = /\.([^.[]+)|\[([^\]]*)\]/gy;
  parts.lastIndex = first.length;
  let m: RegExpExecArray | null;
  while (parts.lastIndex < name.length && (m = parts.exec(name))) {
    if (m[1] !== undefined) throw new ExprError(`'${typeName(value)}' object has no attribute ${pyRepr(m[1])}`, st.col);
    value = element(value, m[2] as string, st.col);
  }
  if (parts.lastIndex < name.length && parts.lastIndex !== 0) throw new ExprError('Only \'.\' or \'[\' may follow \']\' in format field specifier', st.col);
  return value;
}

function positional(i: number, st: State): unknown {
  if (i >= st.args.length) throw new ExprError(`Replacement index ${i} out of range for positional args tuple`, st.col);
  return st.args[i];
}

// `[key]`: digits index a list (or a dict by number), anything else is a dict's text key
function element(value: unknown, key: string, col: number): unknown {
  const v = value instanceof UnsafeText ? value.text : value;
  if (Array.isArray(v) || typeof v === 'string') {
    if (!/^\d+$/.test(key)) throw new ExprError(`${typeName(v)} indices must be integers or slices, not str`, col);
    const i = Number(key);
    if (i >= v.length) throw new ExprError(`${typeName(v)} index out of range`, col);
    return v[i];
  }
  if (v && typeof v === 'object' && own(v, key)) return (v as Record<string, unknown>)[key];
  if (v && typeof v === 'object') throw new ExprError(`KeyError: ${/^\d+$/.test(key) ? key : pyRepr(key)}`, col);
  throw new ExprError(`'${typeName(v)}' object is not subscriptable`, col);
}

type Spec = { fill: string; align: string | undefined; sign: string; z: boolean; alt: boolean; zero: boolean; width: number; group: string; prec: number | undefined; type: string };

const SPEC = /^(?:([\s\S])?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/u;

/** format(value, spec): Python's __format__ of text, numbers and, with an empty spec, anything. */
export function formatValue(value: unknown, spec: string, col: number): string {
  const v = value instanceof UnsafeText ? value.text : value;
  if (spec === '') return pyStr(v);
  const kind = typeName(v);
  if (typeof v !== 'string' && !isNumber(v) && typeof v !== 'boolean') throw new ExprError(`unsupported format string passed to ${kind}.__format__`, col);
  const m = SPEC.exec(spec);
  if (!m) throw new ExprError(`Invalid format specifier ${pyRepr(spec)} for object of type '${kind}'`, col);
  const s: Spec = { fill: m[1] ?? '', align: m[2], sign: m[3] ?? '', z: !!m[4], alt: !!m[5], zero: !!m[6], width: Number(m[7] ?? 0), group: m[8] ?? '', prec: m[9] === undefined ? undefined : Number(m[9]), type: m[10] ?? '' };
  if (typeof v === 'string') return text(v, s, col);
  return number(Number(v), isFloat(v) ? 'float' : 'int', s, col);
}

function text(v: string, s: Spec, col: number): string {
  if (s.type && s.type !== 's') throw new ExprError(`Unknown format code '${s.type}' for object of type 'str'`, col);
  if (s.sign) throw new ExprError('Sign not allowed in string format specifier', col);
  if (s.alt) throw new ExprError('Alternate form (#) not allowed in string format specifier', col);
  if (s.align === '=') throw new ExprError("'=' alignment not allowed in string format specifier", col);
  if (s.group) throw new ExprError(`Cannot specify '${s.group}' with 's'.`, col);
  const body = s.prec === undefined ? v : [...v].slice(0, s.prec).join('');
  return align('', body, { ...s, fill: s.fill || (s.zero && !s.align ? '0' : ' ') }, '<');
}

function number(x: number, kind: 'int' | 'float', s: Spec, col: number): string {
  const intType = 'bcdoxXn'.includes(s.type) && s.type !== '';
  if (kind === 'float' && intType) throw new ExprError(`Unknown format code '${s.type}' for object of type 'float'`, col);
  if (s.type === 's') throw new ExprError(`Unknown format code 's' for object of type '${kind}'`, col);
  const asInt = kind === 'int' && (s.type === '' || intType);
  if (asInt && s.prec !== undefined) throw new ExprError('Precision not allowed in integer format specifier', col);
  let neg = x < 0 || (kind === 'float' && Object.is(x, -0));
  let prefix = '';
  let body: string;
  if (asInt && s.type === 'c') {
    if (s.sign) throw new ExprError("Sign not allowed with integer format specifier 'c'", col);
    if (x < 0 || x >= 0x110000) throw new ExprError('%c arg not in range(0x110000)', col);
    body = String.fromCodePoint(x);
    neg = false;
  } else if (asInt) {
    const radix = s.type === 'b' ? 2 : s.type === 'o' ? 8 : s.type === 'x' || s.type === 'X' ? 16 : 10;
    body = BigInt(Math.abs(x)).toString(radix);
    if (s.type === 'X') body = body.toUpperCase();
    if (s.alt && radix !== 10) prefix = radix === 2 ? '0b' : radix === 8 ? '0o' : s.type === 'X' ? '0X' : '0x';
    if (s.group) body = group(body, s.group, radix === 10 ? 3 : 4);
  } else {
    body = floatBody(Math.abs(x), s);
    if (s.z && neg && /^[0.e+%-]*$/i.test(body.replace(/e.*$/i, ''))) neg = false;
    if (s.group) body = body.replace(/^\d+/, (d) => group(d, s.group, 3));
  }
  const signText = neg ? '-' : s.sign === '+' ? '+' : s.sign === ' ' ? ' ' : '';
  return align(signText + prefix, body, { ...s, fill: s.fill || (s.zero && !s.align ? '0' : ' '), align: s.align ?? (s.zero ? '=' : undefined) }, '>');
}

function floatBody(x: number, s: Spec): string {
  const upper = s.type === 'E' || s.type === 'F' || s.type === 'G';
  if (!Number.isFinite(x)) return upper ? (Number.isNaN(x) ? 'NAN' : 'INF') : Number.isNaN(x) ? 'nan' : 'inf';
  let body: string;
  if (s.type === '%') body = floatText(x * 100, 'f', s.prec ?? 6, s.alt) + '%';
  else if (s.type === '' || s.type === 'n') body = s.prec === undefined && s.type === '' ? pyFloatRepr(x) : floatText(x, 'g', s.prec ?? 6, s.alt, s.type === '');
  else body = floatText(x, s.type.toLowerCase() as 'e' | 'f' | 'g', s.prec ?? 6, s.alt);
  return upper ? body.toUpperCase() : body;
}

function group(digits: string, sep: string, every: number): string {
  let out = '';
  for (let i = digits.length; i > 0; i -= every) out = digits.slice(Math.max(0, i - every), i) + (out ? sep + out : '');
  return out;
}

function align(head: string, body: string, s: Spec, dflt: string): string {
  const len = [...head].length + [...body].length;
  const fill = Math.max(0, s.width - len);
  const pad = (n: number): string => s.fill.repeat(n);
  switch (s.align ?? dflt) {
    case '<':
      return head + body + pad(fill);
    case '^':
      return pad(Math.floor(fill / 2)) + head + body + pad(fill - Math.floor(fill / 2));
    case '=':
      return head + pad(fill) + body;
    default:
      return pad(fill) + head + body;
  }
}
