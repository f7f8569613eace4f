// Tokens of Ansible's condition syntax (Jinja2 expressions): names, numbers, strings, operators.
// Every token keeps its column so errors can point into the expression.
import { asFloat, type PyFloat } from '../../util/py-float.js';

/** One token with its 1-based column in the expression. */
export type Token =
  | { t: 'name'; v: string; col: number }
  | { t: 'num'; v: number | PyFloat; col: number }
  | { t: 'str'; v: string; col: number }
  | { t: 'op'; v: string; col: number }
  | { t: 'end'; col: number };

/** A syntax problem at a column of the expression. */
export class ExprSyntaxError extends Error {
  constructor(
    message: string,
    readonly col: number,
  ) {
    super(message);
  }
}

// Longest operators first, as Jinja2's lexer matches them.
const OPERATORS = ['//', '**', '==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '~', '|', '.', ',', ':', '(', ')', '[', ']', '{', '}', '<', '>', '='];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };

/**
 * Splits an expression into tokens. With `rawStrings` (`{{ }}` in a YAML value, where Ansible doubles
 * every backslash of a string literal before Jinja reads it) a backslash is only a backslash and a
 * string ends at its first closing quote.
 */
export function tokenize(src: string, rawStrings = false): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    const col = i + 1;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      for (;;) {
        if (j >= src.length) throw new ExprSyntaxError('unterminated string', col);
        const ch = src[j] as string;
        if (ch === c) break;
        if (ch === '\\' && j + 1 < src.length && !rawStrings) {
          // Python's unicode-escape, as Jinja decodes string literals: octal, \x, \u, \U, \N is not
          // supported; an unknown escape keeps its backslash
          const rest = src.slice(j + 1);
          const oct = /^[0-7]{1,3}/.exec(rest);
          const hex = /^x([0-9a-fA-F]{2})|^u([0-9a-fA-F]{4})|^U([0-9a-fA-F]{8})/.exec(rest);
          if (oct) {
            s += String.fromCodePoint(parseInt(oct[0], 8));
            j += 1 + oct[0].length;
          } else if (hex) {
            s += String.fromCodePoint(parseInt((hex[1] ?? hex[2] ?? hex[3]) as string, 16));
            j += 1 + hex[0].length;
          } else if (rest[0] === '\n') {
            j += 2; // a backslash before a line break joins the lines
          } else {
            const n = rest[0] as string;
            s += ESCAPES[n] ?? '\\' + n;
            j += 2;
          }
          continue;
        }
        s += ch;
        j++;
      }
      out.push({ t: 'str', v: s, col });
      i = j + 1;
      continue;
    }
    // Jinja's integer literals in other bases (0x1f, 0o17, 0b101, with _ between digits)
    const based = /^0(?:[xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)/.exec(src.slice(i));
    if (based) {
      out.push({ t: 'num', v: Number(based[0].replace(/_/g, '').toLowerCase()), col });
      i += based[0].length;
      continue;
    }
    const num = /^(?:\d[\d_]*\.\d[\d_]*(?:[eE][-+]?\d+)?|\d[\d_]*[eE][-+]?\d+|\d[\d_]*)/.exec(src.slice(i));
    if (num) {
      const n = Number(num[0].replace(/_/g, ''));
      out.push({ t: 'num', v: /[.eE]/.test(num[0]) ? asFloat(n) : n, col });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      out.push({ t: 'name', v: name[0], col });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExprSyntaxError(`unexpected character '${c}'`, col);
    out.push({ t: 'op', v: op, col });
    i += op.length;
  }
  out.push({ t: 'end', col: src.length + 1 });
  return out;
}
