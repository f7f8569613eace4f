// Python's ast.literal_eval, as Ansible applies it to every INI inventory value: what parses as a
// Python literal becomes that value (1.20 -> 1.2, True -> true, '[1,2]' -> list); anything else stays text.
import { PyFloat, asFloat, isNumber, pyInt, unboxFloat } from '../util/py-float.js';

/** Result of evaluating an INI value. `retyped` is set when a float literal lost its spelling. */
export interface LiteralResult {
  value: unknown;
  /** True when the value came from a float literal whose text differs from how Python prints it. */
  floatRespelled: boolean;
}

class NotLiteral extends Error {}

/** A Python tuple: a list everywhere, but printed as `(1, 2)` where Ansible prints Python values. */
export class PyTuple<T = unknown> extends Array<T> {
  static fromItems<U>(items: U[]): PyTuple<U> {
    const t = new PyTuple<U>();
    t.push(...items);
    return t;
  }
}

type Tok =
  | { t: 'num'; v: number; float: boolean; imag: boolean }
  | { t: 'str'; v: string; bytes: boolean }
  | { t: 'name'; v: string }
  | { t: 'op'; v: string }
  | { t: 'end' };

const NAME_START = /[A-Za-z_\u0080-\uffff]/;
const NAME_CHAR = /[A-Za-z0-9_\u0080-\uffff]/;
const STRING_PREFIX = /^(?:[rRuUbBfF]|[bB][rR]|[rR][bB]|[fF][rR]|[rR][fF])$/;

const simpleEscapes: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '',
};

function decodeEscapes(body: string, bytes: boolean): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[i + 1];
    if (n === undefined) throw new NotLiteral();
    if (n in simpleEscapes) {
      out += simpleEscapes[n];
      i++;
    } else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1)) as RegExpExecArray;
      out += String.fromCharCode(parseInt(m[0], 8));
      i += m[0].length;
    } else if (n === 'x') {
      const h = body.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new NotLiteral();
      out += String.fromCharCode(parseInt(h, 16));
      i += 3;
    } else if (!bytes && (n === 'u' || n === 'U')) {
      const len = n === 'u' ? 4 : 8;
      const h = body.slice(i + 2, i + 2 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(h)) throw new NotLiteral();
      const cp = parseInt(h, 16);
      if (cp > 0x10ffff) throw new NotLiteral();
      out += String.fromCodePoint(cp);
      i += 1 + len;
    } else if (!bytes && n === 'N') {
      throw new NotLiteral(); // \N{NAME} needs Unicode's name table; treat as text like a failed eval
    } else {
      out += '\\' + n; // unknown escapes keep their backslash in Python
      i++;
    }
  }
  return out;
}

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\f' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') break; // comment to end of line
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    // strings, with optional prefix
    const prefixMatch = /^([A-Za-z]{1,2})?(['"])/.exec(src.slice(i));
    if (prefixMatch && (prefixMatch[1] === undefined || STRING_PREFIX.test(prefixMatch[1]))) {
      const prefix = (prefixMatch[1] ?? '').toLowerCase();
      if (prefix.includes('f')) throw new NotLiteral(); // f-strings are not literals
      const quote = prefixMatch[2] as string;
      let j = i + prefixMatch[0].length;
      const triple = src.slice(j - 1, j + 2) === quote.repeat(3);
      const close = triple ? quote.repeat(3) : quote;
      if (triple) j += 2;
      let body = '';
      for (;;) {
        if (j >= n) throw new NotLiteral();
        if (src.startsWith(close, j)) break;
        const ch = src[j] as string;
        if (!triple && ch === '\n') throw new NotLiteral();
        if (ch === '\\') {
          body += ch + (src[j + 1] ?? '');
          j += 2;
          continue;
        }
        body += ch;
        j++;
      }
      const raw = prefix.includes('r');
      const bytes = prefix.includes('b');
      if (bytes && /[^\x00-\x7f]/.test(body)) throw new NotLiteral();
      toks.push({ t: 'str', v: raw ? body : decodeEscapes(body, bytes), bytes });
      i = j + close.length;
      continue;
    }
    // numbers
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m =
        /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:[0-9](?:_?[0-9])*)?(?:\.(?:[0-9](?:_?[0-9])*)?)?(?:[eE][-+]?[0-9](?:_?[0-9])*)?[jJ]?)/.exec(
          src.slice(i),
        );
      const text = m?.[0] ?? '';
      if (text === '' || text === '.') throw new NotLiteral();
      const after = src[i + text.length];
      if (after !== undefined && NAME_CHAR.test(after)) throw new NotLiteral();
      toks.push(parseNumber(text));
      i += text.length;
      continue;
    }
    if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < n && NAME_CHAR.test(src[j] as string)) j++;
      toks.push({ t: 'name', v: src.slice(i, j) });
      i = j;
      continue;
    }
    if ('()[]{},:+-'.includes(c)) {
      toks.push({ t: 'op', v: c });
      i++;
      continue;
    }
    throw new NotLiteral(); // any other operator: not a literal (or a syntax error)
  }
  toks.push({ t: 'end' });
  return toks;
}

function parseNumber(text: string): Tok {
  const clean = text.replace(/_/g, '');
  const lower = clean.toLowerCase();
  if (lower.startsWith('0x')) return { t: 'num', v: parseInt(lower.slice(2), 16), float: false, imag: false };
  if (lower.startsWith('0o')) return { t: 'num', v: parseInt(lower.slice(2), 8), float: false, imag: false };
  if (lower.startsWith('0b')) return { t: 'num', v: parseInt(lower.slice(2), 2), float: false, imag: false };
  const imag = lower.endsWith('j');
  const body = imag ? lower.slice(0, -1) : lower;
  const isFloat = /[.e]/.test(body);
  // Python 3 rejects leading zeros in non-zero decimal integers (0123 is a SyntaxError).
  if (!isFloat && !imag && /^0+[1-9]/.test(body)) throw new NotLiteral();
  return { t: 'num', v: Number(body), float: isFloat, imag };
}

class Parser {
  private i = 0;
  floatSeen = false;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i] as Tok;
  }
  private next(): Tok {
    return this.toks[this.i++] as Tok;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private expect(v: string): void {
    if (!this.isOp(v)) throw new NotLiteral();
    this.i++;
  }

  parseTop(): unknown {
    const v = this.parseExprList(true);
    if (this.peek().t !== 'end') throw new NotLiteral();
    return v;
  }

  // A bare `1, 2` at top level is a tuple in eval mode.
  private parseExprList(top: boolean): unknown {
    const first = this.parseValue();
    if (!top || !this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.i++;
      if (this.peek().t === 'end') break;
      items.push(this.parseValue());
    }
    return PyTuple.fromItems(items);
  }

  private parseValue(): unknown {
    const t = this.peek();
    if (t.t === 'op' && (t.v === '-' || t.v === '+')) {
      this.i++;
      const operand = this.next();
      if (operand.t !== 'num' || operand.imag) throw new NotLiteral();
      if (operand.float) this.floatSeen = true;
      const n = this.complexTail(t.v === '-' ? -operand.v : operand.v);
      return operand.float ? asFloat(n) : pyInt(n);
    }
    if (t.t === 'num') {
      this.i++;
      if (t.imag) throw new NotLiteral(); // complex numbers have no JSON form
      if (t.float) this.floatSeen = true;
      return t.float ? asFloat(this.complexTail(t.v)) : this.complexTail(t.v);
    }
    if (t.t === 'str') {
      this.i++;
      let s = t.v;
      // implicit concatenation of adjacent literals; str and bytes cannot mix
      while (this.peek().t === 'str') {
        const more = this.next() as Extract<Tok, { t: 'str' }>;
        if (more.bytes !== t.bytes) throw new NotLiteral();
        s += more.v;
      }
      return s;
    }
    if (t.t === 'name') {
      this.i++;
      if (t.v === 'True') return true;
      if (t.v === 'False') return false;
      if (t.v === 'None') return null;
      throw new NotLiteral();
    }
    if (t.t === 'op' && t.v === '[') {
      this.i++;
      return this.parseItems(']');
    }
    if (t.t === 'op' && t.v === '(') {
      this.i++;
      if (this.isOp(')')) {
        this.i++;
        return new PyTuple();
      }
      const first = this.parseValue();
      if (this.isOp(')')) {
        this.i++;
        return first; // parenthesised value, not a tuple
      }
      this.expect(',');
      const rest = this.isOp(')') ? [] : this.parseItems(')');
      if (rest.length === 0) this.expect(')');
      return PyTuple.fromItems([first, ...rest]);
    }
    if (t.t === 'op' && t.v === '{') {
      this.i++;
      return this.parseBrace();
    }
    throw new NotLiteral();
  }

  // `1+2j` is the only binary operation literal_eval accepts; complex has no JSON form.
  private complexTail(v: number): number {
    if (this.isOp('+') || this.isOp('-')) throw new NotLiteral();
    return v;
  }

  private parseItems(close: string): unknown[] {
    const items: unknown[] = [];
    while (!this.isOp(close)) {
      items.push(this.parseValue());
      if (this.isOp(',')) {
        this.i++;
        continue;
      }
      if (!this.isOp(close)) throw new NotLiteral();
    }
    this.i++;
    return items;
  }

  private parseBrace(): unknown {
    if (this.isOp('}')) {
      this.i++;
      return {};
    }
    const first = this.parseValue();
    if (this.isOp(':')) {
      const out: Record<string, unknown> = {};
      let key = first;
      for (;;) {
        this.expect(':');
        // an own key, whatever its name ('__proto__' too)
        Object.defineProperty(out, pyKey(key), { value: this.parseValue(), enumerable: true, writable: true, configurable: true });
        if (this.isOp(',')) {
          this.i++;
          if (this.isOp('}')) break;
          key = this.parseValue();
          continue;
        }
        break;
      }
      this.expect('}');
      return out;
    }
    // a set: kept as a list of unique members (JSON has no set)
    const items: unknown[] = [first];
    while (this.isOp(',')) {
      this.i++;
      if (this.isOp('}')) break;
      items.push(this.parseValue());
    }
    this.expect('}');
    return items.filter((v, idx) => items.findIndex((w) => JSON.stringify(w) === JSON.stringify(v)) === idx);
  }
}

// Dict keys become JSON object keys the way Python's json module writes them.
function pyKey(k: unknown): string {
  if (typeof k === 'string') return k;
  if (k === true) return 'true';
  if (k === false) return 'false';
  if (k === null) return 'null';
  if (typeof k === 'number') return Number.isInteger(k) ? String(k) : pyFloatRepr(k);
  if (k instanceof PyFloat) return pyFloatRepr(k.value);
  throw new NotLiteral(); // unhashable keys (lists, dicts) are an error in Python too
}

/** Python's repr() of a float (`1.0`, `1e-05`, `1e+16`), used for messages and comparisons. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const decpt = exp + 1;
  let s: string;
  if (decpt <= -4 || decpt > 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    s = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (decpt <= 0) {
    s = `0.${'0'.repeat(-decpt)}${digits}`;
  } else if (decpt >= digits.length) {
    s = `${digits}${'0'.repeat(decpt - digits.length)}.0`;
  } else {
    s = `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  return neg ? `-${s}` : s;
}

/** Evaluates an INI value like Ansible's `ast.literal_eval`, falling back to the text itself. */
export function literalEval(text: string): LiteralResult {
  const src = text.replace(/^[ \t]+/, '');
  try {
    const p = new Parser(tokenize(src));
    const value = p.parseTop();
    if (typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value) && !p.floatSeen) {
      return { value: text, floatRespelled: false }; // beyond JS integer precision: keep the digits
    }
    const floatRespelled = p.floatSeen && isNumber(value) && pyFloatRepr(unboxFloat(value)) !== src.trim();
    return { value, floatRespelled };
  } catch (e) {
    if (e instanceof NotLiteral) return { value: text, floatRespelled: false };
    throw e;
  }
}
