// Python's printf-style string formatting (`'%s:%d' % (host, port)`), as CPython's str.__mod__ does it:
// the `%` operator on text, Jinja's `format` filter and with_sequence's `format=` all use it, so a
// conversion, flag or error reads the same in each. Floats round as Python rounds (half to even on the
// exact binary value), which JavaScript's toFixed does not.
import { isFloat, isNumber } from '../../util/py-float.js';
import { PyTuple } from '../../inventory/python-literal.js';
import { pyRepr, pyStr } from '../../util/python-repr.js';
import { UnsafeText } from '../../yaml/unsafe-text.js';
import { ExprError, typeName } from './pyops.js';

type Spec = { flags: string; width: number; prec: number | undefined; conv: string; at: number };

/** `fmt % args` as Python gives it; `args` is one value, a tuple of values, or a mapping for `%(key)s`. */
export function percentFormat(fmt: string, args: unknown, col: number): string {
  const items = args instanceof PyTuple ? [...args] : undefined;
  // Python takes any mapping that is not a tuple or text (a list too) for `%(key)s`
  const mapping = !items && args !== null && typeof args === 'object' && !(args instanceof UnsafeText) ? args : undefined;
  const arglen = items ? items.length : -1;
  let argidx = items ? 0 : -2;
  const next = (): unknown => {
    if (argidx >= arglen) throw new ExprError('not enough arguments for format string', col);
    return items ? items[argidx++] : (argidx++, args);
  };
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    const pct = fmt.indexOf('%', i);
    if (pct < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    i = pct + 1;
    let key: string | undefined;
    if (fmt[i] === '(') {
      if (mapping === undefined) throw new ExprError('format requires a mapping', col);
      let depth = 1;
      const start = ++i;
      for (; i < fmt.length && depth > 0; i++) depth += fmt[i] === '(' ? 1 : fmt[i] === ')' ? -1 : 0;
      if (depth > 0) throw new ExprError('incomplete format key', col);
      key = fmt.slice(start, i - 1);
    }
    let flags = '';
    while (i < fmt.length && '-+ #0'.includes(fmt[i] as string)) flags += fmt[i++];
    let width = 0;
    if (fmt[i] === '*') {
      width = starArg(next(), col);
      if (width < 0) (flags += '-'), (width = -width);
      i++;
    } else for (; i < fmt.length && /\d/.test(fmt[i] as string); i++) width = width * 10 + Number(fmt[i]);
    let prec: number | undefined;
    if (fmt[i] === '.') {
      i++;
      prec = 0;
      if (fmt[i] === '*') (prec = Math.max(0, starArg(next(), col))), i++;
      else for (; i < fmt.length && /\d/.test(fmt[i] as string); i++) prec = prec * 10 + Number(fmt[i]);
    }
    if (i >= fmt.length) throw new ExprError('incomplete format', col);
    const conv = fmt[i] as string;
    const at = i++;
    if (conv === '%' && at === pct + 1) {
      out += '%';
      continue;
    }
    const value = key !== undefined ? fromMapping(mapping, key, col) : next();
    out += convert(value, { flags, width, prec, conv, at }, col);
  }
  if (argidx < arglen && mapping === undefined) throw new ExprError('not all arguments converted during string formatting', col);
  return out;
}

function starArg(v: unknown, col: number): number {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ExprError('* wants int', col);
  return v;
}

function fromMapping(mapping: unknown, key: string, col: number): unknown {
  if (Array.isArray(mapping)) throw new ExprError('list indices must be integers or slices, not str', col);
  if (!Object.prototype.hasOwnProperty.call(mapping, key)) throw new ExprError(`KeyError: ${pyRepr(key)}`, col);
  return (mapping as Record<string, unknown>)[key];
}

function convert(v: unknown, s: Spec, col: number): string {
  switch (s.conv) {
    case 's':
    case 'r':
    case 'a': {
      const text = s.conv === 's' ? pyStr(v) : s.conv === 'r' ? pyRepr(v) : ascii(pyRepr(v));
      return pad('', '', s.prec === undefined ? text : [...text].slice(0, s.prec).join(''), s, false);
    }
    case 'c':
      return pad('', '', char(v, col), s, false);
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o':
      return integer(v, s, col);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return float(v, s, col);
  }
  const code = s.conv.codePointAt(0) as number;
  throw new ExprError(`unsupported format character ${pyRepr(s.conv)} (0x${code.toString(16)}) at index ${s.at}`, col);
}

function char(v: unknown, col: number): string {
  const t = v instanceof UnsafeText ? v.text : v;
  if (typeof t === 'string' && [...t].length === 1) return t;
  if (typeof t === 'boolean' || (typeof t === 'number' && Number.isInteger(t))) {
    const n = Number(t);
    if (n < 0 || n >= 0x110000) throw new ExprError('%c arg not in range(0x110000)', col);
    return String.fromCodePoint(n);
  }
  throw new ExprError('%c requires int or char', col);
}

// %d %i %u (any real number, truncated) and %x %X %o (integers only)
function integer(v: unknown, s: Spec, col: number): string {
  const radix = s.conv === 'x' || s.conv === 'X' ? 16 : s.conv === 'o' ? 8 : 10;
  const real = isNumber(v) || typeof v === 'boolean';
  if (!real || (radix !== 10 && isFloat(v))) {
    throw new ExprError(radix === 10 ? `%${s.conv} format: a real number is required, not ${typeName(v)}` : `%${s.conv} format: an integer is required, not ${typeName(v)}`, col);
  }
  const n = Number(v);
  if (Number.isNaN(n)) throw new ExprError('cannot convert float NaN to integer', col);
  if (!Number.isFinite(n)) throw new ExprError('cannot convert float infinity to integer', col);
  const big = BigInt(Math.trunc(n));
  let digits = (big < 0n ? -big : big).toString(radix);
  if (s.conv === 'X') digits = digits.toUpperCase();
  if (s.prec !== undefined) digits = digits.padStart(s.prec, '0');
  const prefix = s.flags.includes('#') && radix !== 10 ? (radix === 8 ? '0o' : s.conv === 'X' ? '0X' : '0x') : '';
  return pad(sign(big < 0n, s.flags), prefix, digits, s, true);
}

function float(v: unknown, s: Spec, col: number): string {
  if (!isNumber(v) && typeof v !== 'boolean') throw new ExprError(`must be real number, not ${typeName(v)}`, col);
  const x = Number(v);
  const neg = x < 0 || Object.is(x, -0);
  const upper = s.conv === 'E' || s.conv === 'F' || s.conv === 'G';
  if (!Number.isFinite(x)) {
    const word = Number.isNaN(x) ? 'nan' : 'inf';
    return pad(sign(neg && !Number.isNaN(x), s.flags), '', upper ? word.toUpperCase() : word, s, false);
  }
  const body = floatText(Math.abs(x), s.conv.toLowerCase() as 'e' | 'f' | 'g', s.prec ?? 6, s.flags.includes('#'));
  return pad(sign(neg, s.flags), '', upper ? body.toUpperCase() : body, s, true);
}

/**
 * A finite non-negative float in e, f or g notation as C's printf writes it (Python's % and format()).
 * `dotZero` is format()'s no-type-with-precision form: g that keeps a `.0` and goes scientific one place sooner.
 */
export function floatText(x: number, conv: 'e' | 'f' | 'g', prec: number, alt: boolean, dotZero = false): string {
  const dec = exactDecimal(x);
  if (conv === 'f') return fixed(dec, prec, alt);
  if (conv === 'e') return exponent(dec, prec, alt);
  const p = prec === 0 ? 1 : prec;
  const exp = roundSignificant(dec, p).exp;
  const body = exp < -4 || exp >= (dotZero ? p - 1 : p) ? exponent(dec, p - 1, alt) : fixed(dec, p - 1 - exp, alt);
  const trimmed = !alt && body.includes('.') ? body.replace(/\.?0*(e|$)/, '$1') : body;
  return dotZero && !/[.e]/.test(trimmed) ? `${trimmed}.0` : trimmed;
}

/** Python's round(x, ndigits) of a float: half to even on the exact binary value. */
export function roundHalfEven(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const r = roundTo(exactDecimal(Math.abs(x)), ndigits);
  const text = ndigits >= 0 ? withPoint(r, false) : r.digits + '0'.repeat(-ndigits);
  return (x < 0 ? -1 : 1) * Number(text);
}

function sign(neg: boolean, flags: string): string {
  return neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
}

// the width: left-justified with `-`, zero-filled after the sign with `0` (numbers only), else right
function pad(signText: string, prefix: string, body: string, s: Spec, numeric: boolean): string {
  const len = signText.length + prefix.length + [...body].length;
  const fill = Math.max(0, s.width - len);
  if (s.flags.includes('-')) return signText + prefix + body + ' '.repeat(fill);
  if (numeric && s.flags.includes('0')) return signText + prefix + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + signText + prefix + body;
}

/** A non-negative finite double as its exact decimal digits and where the point goes (digits × 10^-scale). */
type Decimal = { digits: string; scale: number };

function exactDecimal(x: number): Decimal {
  if (x === 0) return { digits: '0', scale: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const rawExp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = rawExp === 0 ? frac : frac | (1n << 52n);
  const exp = (rawExp === 0 ? 1 : rawExp) - 1075;
  if (exp >= 0) return { digits: (mant << BigInt(exp)).toString(), scale: 0 };
  // mant / 2^k = mant * 5^k / 10^k
  return { digits: (mant * 5n ** BigInt(-exp)).toString(), scale: -exp };
}

// rounds to `keep` fraction digits, half to even (the value is exact, so a tie is a real tie)
function roundTo(d: Decimal, keep: number): Decimal {
  if (d.scale <= keep) return { digits: d.digits + '0'.repeat(keep - d.scale), scale: keep };
  const cut = d.digits.length - (d.scale - keep);
  const head = cut > 0 ? d.digits.slice(0, cut) : '0';
  const tail = cut > 0 ? d.digits.slice(cut) : '0'.repeat(-cut) + d.digits;
  const first = tail[0] as string;
  const rest = /[1-9]/.test(tail.slice(1));
  const odd = Number(head[head.length - 1]) % 2 === 1;
  const up = first > '5' || (first === '5' && (rest || odd));
  return { digits: (BigInt(head) + (up ? 1n : 0n)).toString(), scale: keep };
}

function withPoint(d: Decimal, alt: boolean): string {
  const digits = d.digits.padStart(d.scale + 1, '0');
  const int = digits.slice(0, digits.length - d.scale);
  return d.scale > 0 ? `${int}.${digits.slice(-d.scale)}` : alt ? `${int}.` : int;
}

function fixed(d: Decimal, prec: number, alt: boolean): string {
  return withPoint(roundTo(d, prec), alt);
}

// `sig` significant digits, and the decimal exponent of the first
function roundSignificant(d: Decimal, sig: number): { digits: string; exp: number } {
  const lead = d.digits.replace(/^0+/, '');
  if (!lead) return { digits: '0'.repeat(sig), exp: 0 };
  const exp = lead.length - d.scale - 1;
  const r = roundTo(d, sig - 1 - exp);
  const digits = r.digits.replace(/^0+/, '');
  // 9.99 → 10.0: one more digit than asked, so the exponent grows
  return digits.length > sig ? { digits: digits.slice(0, sig), exp: exp + 1 } : { digits: digits.padEnd(sig, '0'), exp };
}

function exponent(d: Decimal, prec: number, alt: boolean): string {
  const { digits, exp } = roundSignificant(d, prec + 1);
  const mant = prec > 0 ? `${digits[0]}.${digits.slice(1)}` : alt ? `${digits[0]}.` : (digits[0] as string);
  return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Python's ascii(): repr with every non-ASCII character escaped. */
export function ascii(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    out += c < 0x80 ? ch : c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : c <= 0xffff ? `\\u${c.toString(16).padStart(4, '0')}` : `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return out;
}
