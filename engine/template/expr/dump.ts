// Python's json.dumps and PyYAML's dump as Ansible's to_json/to_nice_json/to_yaml/to_nice_yaml call
// them, byte for byte for JSON-like data: PyYAML's sorted keys, its choice of plain, single- or
// double-quoted scalars (YAML 1.1 look-alikes quoted), flow style for collections of scalars
// (to_yaml), indentless sequences under keys, folding at 80 columns; libyaml's emitter (Ansible's
// dumper is the C one), so no `...` after a root scalar.
import { PyTuple, pyFloatRepr } from '../../inventory/python-literal.js';
import { PyFloat, asFloat, pyInt } from '../../util/py-float.js';
import { pyRepr } from '../../util/python-repr.js';
import { UnsafeText } from '../../yaml/unsafe-text.js';

function norm(v: unknown): unknown {
  return v instanceof UnsafeText ? v.text : v;
}

function jsonString(s: string, ascii: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || (ascii && c > 0x7e && c !== 0x7f)) {
      const units = c > 0xffff ? [0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff)] : [c];
      out += units.map((u) => '\\u' + u.toString(16).padStart(4, '0')).join('');
    } else out += ch;
  }
  return out + '"';
}

/** json.dumps(v, indent=, sort_keys=, ensure_ascii=, separators=) with Python's defaults. */
export function pyJson(v: unknown, o: { indent?: number | undefined; sortKeys: boolean; ensureAscii: boolean; separators?: [string, string] }): string {
  const [itemSep, keySep] = o.separators ?? (o.indent === undefined ? [', ', ': '] : [',', ': ']);
  const walk = (x: unknown, depth: number): string => {
    const y = norm(x);
    if (y === null || y === undefined) return 'null';
    if (y === true) return 'true';
    if (y === false) return 'false';
    if (y instanceof PyFloat) return pyRepr(y);
    if (typeof y === 'number') return Number.isFinite(y) ? (Number.isInteger(y) ? String(y) : pyRepr(y)) : Number.isNaN(y) ? 'NaN' : y > 0 ? 'Infinity' : '-Infinity';
    if (typeof y === 'string') return jsonString(y, o.ensureAscii);
    const nl = o.indent === undefined ? '' : '\n' + ' '.repeat(o.indent * (depth + 1));
    const end = o.indent === undefined ? '' : '\n' + ' '.repeat(o.indent * depth);
    if (Array.isArray(y)) return y.length ? `[${nl}${y.map((e) => walk(e, depth + 1)).join(itemSep + nl)}${end}]` : '[]';
    // an object that knows its JSON (a Python value's handle) as that; a key without a value (JavaScript's
    // undefined, which no Python value is) left out, as JSON.stringify leaves it
    if (typeof (y as { toJSON?: unknown }).toJSON === 'function') return walk((y as { toJSON(): unknown }).toJSON(), depth);
    const entries = Object.entries(y as Record<string, unknown>).filter(([, e]) => e !== undefined);
    if (o.sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length ? `{${nl}${entries.map(([k, e]) => jsonString(k, o.ensureAscii) + keySep + walk(e, depth + 1)).join(itemSep + nl)}${end}}` : '{}';
  };
  return walk(v, 0);
}

/** A diff side that is a mapping as Ansible's callback writes it (_serialize_diff: json.dumps sorted, indent 4), ending in a line break. */
export const diffJson = (v: object): string => `${pyJson(v, { indent: 4, sortKeys: true, ensureAscii: true })}\n`;

// PyYAML's implicit resolvers (YAML 1.1): a plain scalar matching one of these is not a string.
const IMPLICIT = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];

const BREAKS = '\n\x85\u2028\u2029';
const WS_AFTER = '\0 \t\r\n\x85\u2028\u2029';

interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
}

// PyYAML's Emitter.analyze_scalar, for allow_unicode=True.
function analyze(s: string): Analysis {
  if (s === '') return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true };
  let flowInd = false;
  let blockInd = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  if (s.startsWith('---') || s.startsWith('...')) {
    blockInd = true;
    flowInd = true;
  }
  const chars = [...s];
  let preceded = true;
  chars.forEach((ch, i) => {
    const next = chars[i + 1];
    const followed = next === undefined || WS_AFTER.includes(next);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flowInd = blockInd = true;
      if (ch === '?' || ch === ':') {
        flowInd = true;
        if (followed) blockInd = true;
      }
      if (ch === '-' && followed) flowInd = blockInd = true;
    } else {
      if (',?[]{}'.includes(ch)) flowInd = true;
      if (ch === ':') {
        flowInd = true;
        if (followed) blockInd = true;
      }
      if (ch === '#' && preceded) flowInd = blockInd = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const c = ch.codePointAt(0) as number;
    if (!(ch === '\n' || (c >= 0x20 && c <= 0x7e))) {
      const printable = c === 0x85 || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c < 0x110000);
      if (!printable || c === 0xfeff) special = true;
    }
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = prevBreak = false;
    }
    preceded = WS_AFTER.includes(ch);
  });
  let flowPlain = true;
  let blockPlain = true;
  let singleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) flowPlain = blockPlain = false;
  if (spaceBreak || special) flowPlain = blockPlain = singleQuoted = false;
  if (breakSpace) flowPlain = blockPlain = singleQuoted = false;
  if (lineBreaks) flowPlain = blockPlain = false;
  if (flowInd) flowPlain = false;
  if (blockInd) blockPlain = false;
  return { multiline: lineBreaks, flowPlain, blockPlain, singleQuoted };
}

const ESCAPES: Record<string, string> = { '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\v': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e', '"': '"', '\\': '\\', '\x85': 'N', '\xa0': '_', '\u2028': 'L', '\u2029': 'P' };

/** The writer state PyYAML keeps: column, indentation, whether the last thing written was white space. */
class Out {
  text = '';
  column = 0;
  whitespace = true;
  indention = true;
  constructor(readonly width: number) {}
  write(s: string): void {
    this.text += s;
    this.column += [...s].length;
  }
  lineBreak(): void {
    this.text += '\n';
    this.column = 0;
    this.whitespace = true;
    this.indention = true;
  }
  indent(n: number): void {
    if (!this.indention || this.column > n || (this.column === n && !this.whitespace)) this.lineBreak();
    if (this.column < n) {
      this.whitespace = true;
      this.write(' '.repeat(n - this.column));
    }
  }
  indicator(s: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    this.write(this.whitespace || !needWhitespace ? s : ' ' + s);
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
  }
}

function plainText(o: Out, s: string, indent: number, split: boolean): void {
  if (!s) return;
  if (!o.whitespace) o.write(' ');
  o.whitespace = false;
  o.indention = false;
  const words = s.split(' ');
  words.forEach((w, i) => {
    if (i > 0) {
      // a single space past the width becomes a line break (a run of spaces is kept)
      if (w !== '' && words[i - 1] !== '' && o.column > o.width && split) {
        o.indent(indent);
        o.whitespace = false;
        o.indention = false;
      } else o.write(' ');
    }
    o.write(w);
  });
}

function singleQuoted(o: Out, s: string, indent: number, split: boolean): void {
  o.indicator("'", true);
  const chars = [...s];
  let spaces = false;
  let breaks = false;
  let start = 0;
  for (let end = 0; end <= chars.length; end++) {
    const ch = end < chars.length ? chars[end] : undefined;
    if (spaces) {
      if (ch !== ' ') {
        if (start + 1 === end && o.column > o.width && split && start !== 0 && end !== chars.length) o.indent(indent);
        else o.write(chars.slice(start, end).join(''));
        start = end;
      }
    } else if (breaks) {
      if (ch === undefined || !BREAKS.includes(ch)) {
        if (chars[start] === '\n') o.lineBreak();
        for (const br of chars.slice(start, end)) {
          if (br === '\n') o.lineBreak();
          else {
            o.text += br;
            o.column = 0;
          }
        }
        o.indent(indent);
        start = end;
      }
    } else if (ch === undefined || ' '.includes(ch) || BREAKS.includes(ch) || ch === "'") {
      if (start < end) {
        o.write(chars.slice(start, end).join(''));
        start = end;
      }
    }
    if (ch === "'") {
      o.write("''");
      start = end + 1;
    }
    if (ch !== undefined) {
      spaces = ch === ' ';
      breaks = BREAKS.includes(ch);
    }
  }
  o.indicator("'", false);
}

function doubleQuoted(o: Out, s: string, indent: number, split: boolean): void {
  o.indicator('"', true);
  const chars = [...s];
  let start = 0;
  for (let end = 0; end <= chars.length; end++) {
    const ch = end < chars.length ? (chars[end] as string) : undefined;
    const c = ch === undefined ? 0 : (ch.codePointAt(0) as number);
    const plainCh = ch !== undefined && !'"\\\x85\u2028\u2029\ufeff'.includes(ch) && ((c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000);
    if (ch === undefined || !plainCh) {
      if (start < end) {
        o.write(chars.slice(start, end).join(''));
        start = end;
      }
      if (ch !== undefined) {
        const esc = ESCAPES[ch];
        o.write(esc !== undefined ? '\\' + esc : c <= 0xff ? '\\x' + c.toString(16).toUpperCase().padStart(2, '0') : c <= 0xffff ? '\\u' + c.toString(16).toUpperCase().padStart(4, '0') : '\\U' + c.toString(16).toUpperCase().padStart(8, '0'));
        start = end + 1;
      }
    }
    if (end > 0 && end < chars.length - 1 && (ch === ' ' || start >= end) && o.column + (end - start) > o.width && split) {
      o.write(chars.slice(start, end).join('') + '\\');
      if (start < end) start = end;
      o.indent(indent);
      o.whitespace = false;
      o.indention = false;
      if (chars[start] === ' ') o.write('\\');
    }
  }
  o.indicator('"', false);
}

function scalarText(v: unknown): { text: string; str: boolean } {
  const x = norm(v);
  if (x === null || x === undefined) return { text: 'null', str: false };
  if (x === true) return { text: 'true', str: false };
  if (x === false) return { text: 'false', str: false };
  if (typeof x === 'number') {
    if (Number.isNaN(x)) return { text: '.nan', str: false };
    if (!Number.isFinite(x)) return { text: x > 0 ? '.inf' : '-.inf', str: false };
    return { text: Number.isInteger(x) ? String(x) : yamlFloat(x), str: false };
  }
  if (x instanceof PyFloat) return { text: yamlFloat(x.value), str: false };
  return { text: String(x), str: true };
}

// PyYAML's represent_float: repr, with `.0` put before an exponent that has no point (1.0e+16)
function yamlFloat(x: number): string {
  const text = pyFloatRepr(x);
  return text.includes('.') || !text.includes('e') ? text : text.replace('e', '.0e');
}

function isCollection(v: unknown): boolean {
  const x = norm(v);
  return Array.isArray(x) || (!!x && typeof x === 'object' && !(x instanceof PyFloat));
}

interface YamlOpts {
  indent: number;
  flow: boolean | null;
  width: number;
}

class YamlEmitter {
  readonly o: Out;
  private flowLevel = 0;
  private readonly opts: YamlOpts;
  constructor(given: YamlOpts) {
    // PyYAML's Emitter: an indent outside 2..9 is 2 (to_nice_yaml(indent=10) indents by 2); a width not above twice the indent is 80
    const indent = given.indent > 1 && given.indent < 10 ? given.indent : 2;
    this.opts = { ...given, indent, width: given.width > indent * 2 ? given.width : 80 };
    this.o = new Out(this.opts.width);
  }

  private flowStyle(v: unknown): boolean {
    const x = norm(v) as unknown[] | Record<string, unknown>;
    const items = Array.isArray(x) ? x : Object.values(x);
    if (this.flowLevel > 0 || items.length === 0) return true;
    if (this.opts.flow === null) return items.every((i) => !isCollection(i));
    return this.opts.flow;
  }

  scalar(v: unknown, indent: number, simpleKey: boolean): void {
    const { text, str } = scalarText(v);
    const a = analyze(text);
    const split = !simpleKey;
    if (!str) return plainText(this.o, text, indent, split);
    // plain when the text reads back as the same string (no YAML 1.1 look-alike) and the context allows it
    const implicit = text !== '' && !IMPLICIT.some((r) => r.test(text));
    if (implicit && !(simpleKey && a.multiline) && (this.flowLevel > 0 ? a.flowPlain : a.blockPlain)) return plainText(this.o, text, indent, split);
    if (a.singleQuoted && !(simpleKey && a.multiline)) return singleQuoted(this.o, text, indent, split);
    doubleQuoted(this.o, text, indent, split);
  }

  node(v: unknown, indent: number, ctx: { mapping?: boolean; root?: boolean }): void {
    const x = norm(v);
    if (!isCollection(x)) return this.scalar(x, indent + this.opts.indent, false);
    const seq = Array.isArray(x);
    if (this.flowStyle(x)) return seq ? this.flowSeq(x as unknown[], indent) : this.flowMap(x as Record<string, unknown>, indent);
    if (seq) this.blockSeq(x as unknown[], ctx.mapping === true && !this.o.indention ? indent : ctx.root ? 0 : indent + this.opts.indent);
    else this.blockMap(x as Record<string, unknown>, ctx.root ? 0 : indent + this.opts.indent);
  }

  private entries(m: Record<string, unknown>): [string, unknown][] {
    return Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private flowSeq(list: unknown[], indent: number): void {
    const inner = indent + this.opts.indent;
    this.o.indicator('[', true, true);
    this.flowLevel++;
    list.forEach((item, i) => {
      if (i > 0) this.o.indicator(',', false);
      if (this.o.column > this.o.width) this.o.indent(inner);
      this.node(item, inner, {});
    });
    this.flowLevel--;
    this.o.indicator(']', false);
  }

  private flowMap(m: Record<string, unknown>, indent: number): void {
    const inner = indent + this.opts.indent;
    this.o.indicator('{', true, true);
    this.flowLevel++;
    this.entries(m).forEach(([k, v], i) => {
      if (i > 0) this.o.indicator(',', false);
      if (this.o.column > this.o.width) this.o.indent(inner);
      this.scalar(k, inner, true);
      this.o.indicator(':', false);
      this.node(v, inner, { mapping: true });
    });
    this.flowLevel--;
    this.o.indicator('}', false);
  }

  private blockSeq(list: unknown[], indent: number): void {
    for (const item of list) {
      this.o.indent(indent);
      this.o.indicator('-', true, false, true);
      this.node(item, indent, {});
    }
  }

  private blockMap(m: Record<string, unknown>, indent: number): void {
    for (const [k, v] of this.entries(m)) {
      this.o.indent(indent);
      this.scalar(k, indent, true);
      this.o.indicator(':', false);
      this.node(v, indent, { mapping: true });
    }
  }
}

/** yaml.dump(v, Dumper=AnsibleDumper, allow_unicode=True, indent=, default_flow_style=, width=). */
export function pyYaml(v: unknown, opts: YamlOpts): string {
  const e = new YamlEmitter(opts);
  e.node(v instanceof PyTuple ? [...v] : v, 0, { root: true });
  return e.o.text + '\n';
}

// a JSON string or number token (strings matched whole, so a number inside one is not taken)
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g;

/** Python's json.loads (from_json): JSON.parse, with a whole number written as a float (1.0, 1e3) kept a float and -0 the int 0. */
export function pyJsonLoads(text: string): unknown {
  const value = JSON.parse(text) as unknown;
  // only a text with a whole float in it needs the second, float-keeping read (JSON.parse checked it is JSON)
  for (const m of text.matchAll(JSON_TOKEN)) {
    if (m[0] === '-0' || (!m[0].startsWith('"') && /[.eE]/.test(m[0]) && Number.isInteger(Number(m[0])))) return new JsonReader(text).value();
  }
  return value;
}

// reads JSON already known to be valid, numbers with a point or an exponent as floats
class JsonReader {
  private i = 0;
  constructor(private readonly s: string) {}

  private skip(): void {
    while (' \t\n\r'.includes(this.s[this.i] ?? 'x')) this.i++;
  }

  private token(re: RegExp): string {
    re.lastIndex = this.i;
    const m = re.exec(this.s) as RegExpExecArray;
    this.i = re.lastIndex;
    return m[0];
  }

  value(): unknown {
    this.skip();
    const c = this.s[this.i];
    if (c === '{' || c === '[') {
      this.i++;
      const list: unknown[] = [];
      const map: Record<string, unknown> = {};
      this.skip();
      while (this.s[this.i] !== (c === '{' ? '}' : ']')) {
        if (c === '[') list.push(this.value());
        else {
          this.skip();
          const key = JSON.parse(this.token(/"(?:[^"\\]|\\.)*"/y)) as string;
          this.skip();
          this.i++; // the colon
          Object.defineProperty(map, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
        }
        this.skip();
        if (this.s[this.i] === ',') this.i++;
        this.skip();
      }
      this.i++;
      return c === '{' ? map : list;
    }
    const t = this.token(/"(?:[^"\\]|\\.)*"|true|false|null|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/y);
    if (t.startsWith('"')) return JSON.parse(t) as string;
    if (t === 'true' || t === 'false' || t === 'null') return JSON.parse(t) as unknown;
    return /[.eE]/.test(t) ? asFloat(Number(t)) : pyInt(Number(t));
  }
}
