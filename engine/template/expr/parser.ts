// Parses Ansible conditions with Jinja2's grammar and precedence (its parse_* chain, lowest first):
// x if c else y < or < and < not < comparisons/in < + - < ~ < * / // % < ** < unary - + <
// postfix (.attr, [key], call) with filters `| f(args)` and tests `is [not] t(args)`.
import { ExprSyntaxError, tokenize, type Token } from './lexer.js';

/** A node of a parsed expression; `col` is where it starts. */
export type Expr =
  | { k: 'lit'; v: unknown; col: number }
  | { k: 'name'; name: string; col: number }
  | { k: 'list'; items: Expr[]; col: number; tuple?: boolean }
  | { k: 'dict'; entries: [Expr, Expr][]; col: number }
  | { k: 'attr'; obj: Expr; name: string; col: number }
  | { k: 'index'; obj: Expr; key: Expr; col: number }
  | { k: 'slice'; obj: Expr; start: Expr | undefined; stop: Expr | undefined; step?: Expr | undefined; col: number }
  | ({ k: 'call'; fn: Expr; col: number } & Args)
  | ({ k: 'filter'; value: Expr; name: string; col: number } & Args)
  | ({ k: 'test'; value: Expr; name: string; negated: boolean; col: number } & Args)
  | { k: 'not'; value: Expr; col: number }
  | { k: 'neg' | 'pos'; value: Expr; col: number }
  | { k: 'bin'; op: string; left: Expr; right: Expr; col: number }
  | { k: 'and' | 'or'; left: Expr; right: Expr; col: number }
  | { k: 'compare'; first: Expr; ops: [string, Expr][]; col: number }
  | { k: 'cond'; test: Expr; then: Expr; else: Expr | undefined; col: number };

/** A call's arguments: positional, keyword, and Jinja's `*list` and `**mapping` after them. */
export interface Args {
  args: Expr[];
  kwargs: [string, Expr][];
  star?: Expr | undefined;
  starstar?: Expr | undefined;
}

const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>=']);
const LITERALS: Record<string, unknown> = { true: true, True: true, false: false, False: false, none: null, None: null };

/** Jinja's expression grammar over a token list; statements (`{% for %}`, `{% set %}`) use it piecewise. */
export class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  /** True when every token was consumed. */
  atEnd(): boolean {
    return this.peek().t === 'end';
  }

  /** Fails unless every token was consumed. */
  expectEnd(what = 'unexpected text after the expression'): void {
    if (!this.atEnd()) throw this.unexpected(what);
  }

  /** Consumes the name `v` if it is next. */
  acceptName(v: string): boolean {
    if (!this.isName(v)) return false;
    this.i++;
    return true;
  }

  /** True when the name `v` is next (not consumed). */
  peekName(v: string): boolean {
    return this.isName(v);
  }

  /** Consumes the operator `v` if it is next. */
  acceptOp(v: string): boolean {
    if (!this.isOp(v)) return false;
    this.i++;
    return true;
  }

  /** A plain name (an assignment target); `what` says what was expected. */
  name(what: string): string {
    const t = this.next();
    if (t.t !== 'name') {
      this.i--;
      throw this.unexpected(what);
    }
    return t.v;
  }

  /** One expression; without `withCond`, a trailing `if` is left for the statement (`for x in y if c`). */
  expression(withCond = true): Expr {
    return withCond ? this.condExpr() : this.orExpr();
  }

  /** A comma-separated list of expressions as a tuple (`{% set a = 1, 2 %}`), or the one expression. */
  tuple(withCond = true): Expr {
    const col = this.peek().col;
    const first = this.expression(withCond);
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.acceptOp(',')) {
      if (this.atEnd() || this.isName('if') || this.isName('in')) break;
      items.push(this.expression(withCond));
    }
    return { k: 'list', items, col, tuple: true };
  }

  /** `{% filter %}`'s chain applied to `subject`: a filter name with its arguments, then more after '|' (Jinja's parse_filter, inline). */
  filterChain(subject: Expr): Expr {
    let node = subject;
    do {
      const col = this.col();
      const name = this.dottedName();
      node = { k: 'filter', value: node, name, ...(this.isOp('(') ? this.args() : { args: [], kwargs: [] }), col };
    } while (this.acceptOp('|'));
    return node;
  }

  /** The column of the next token. */
  col(): number {
    return this.peek().col;
  }

  private peek(): Token {
    return this.toks[this.i] as Token;
  }
  private next(): Token {
    return this.toks[this.i++] as Token;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private isName(v: string): boolean {
    const t = this.peek();
    return t.t === 'name' && t.v === v;
  }
  private isNameAt(offset: number, v: string): boolean {
    const t = this.toks[this.i + offset];
    return t?.t === 'name' && t.v === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw this.unexpected(`expected '${v}'`);
    this.i++;
  }
  unexpected(what: string): ExprSyntaxError {
    const t = this.peek();
    const got = t.t === 'end' ? 'end of expression' : `'${String(t.v)}'`;
    return new ExprSyntaxError(`${what}, got ${got}`, t.col);
  }

  parseTop(): Expr {
    const e = this.condExpr();
    if (this.peek().t !== 'end') throw this.unexpected('unexpected text after the expression');
    return e;
  }

  private condExpr(): Expr {
    let e = this.orExpr();
    while (this.isName('if')) {
      const col = this.next().col;
      const test = this.orExpr();
      let otherwise: Expr | undefined;
      if (this.isName('else')) {
        this.next();
        otherwise = this.condExpr();
      }
      e = { k: 'cond', test, then: e, else: otherwise, col };
    }
    return e;
  }

  private orExpr(): Expr {
    let left = this.andExpr();
    while (this.isName('or')) {
      const col = this.next().col;
      left = { k: 'or', left, right: this.andExpr(), col };
    }
    return left;
  }

  private andExpr(): Expr {
    let left = this.notExpr();
    while (this.isName('and')) {
      const col = this.next().col;
      left = { k: 'and', left, right: this.notExpr(), col };
    }
    return left;
  }

  private notExpr(): Expr {
    if (this.isName('not')) {
      const col = this.next().col;
      return { k: 'not', value: this.notExpr(), col };
    }
    return this.compare();
  }

  private compare(): Expr {
    const first = this.math1();
    const ops: [string, Expr][] = [];
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && COMPARE.has(t.v)) {
        this.next();
        ops.push([t.v, this.math1()]);
      } else if (this.isName('in')) {
        this.next();
        ops.push(['in', this.math1()]);
      } else if (this.isName('not') && this.isNameAt(1, 'in')) {
        this.i += 2;
        ops.push(['notin', this.math1()]);
      } else break;
    }
    return ops.length ? { k: 'compare', first, ops, col: first.col } : first;
  }

  private math1(): Expr {
    let left = this.concat();
    while (this.isOp('+') || this.isOp('-')) {
      const t = this.next() as Extract<Token, { t: 'op' }>;
      left = { k: 'bin', op: t.v, left, right: this.concat(), col: t.col };
    }
    return left;
  }

  private concat(): Expr {
    let left = this.math2();
    while (this.isOp('~')) {
      const col = this.next().col;
      left = { k: 'bin', op: '~', left, right: this.math2(), col };
    }
    return left;
  }

  private math2(): Expr {
    let left = this.pow();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const t = this.next() as Extract<Token, { t: 'op' }>;
      left = { k: 'bin', op: t.v, left, right: this.pow(), col: t.col };
    }
    return left;
  }

  private pow(): Expr {
    let left = this.unary(true);
    while (this.isOp('**')) {
      const col = this.next().col;
      left = { k: 'bin', op: '**', left, right: this.unary(true), col };
    }
    return left;
  }

  private unary(withFilter: boolean): Expr {
    let node: Expr;
    if (this.isOp('-') || this.isOp('+')) {
      const t = this.next() as Extract<Token, { t: 'op' }>;
      node = { k: t.v === '-' ? 'neg' : 'pos', value: this.unary(false), col: t.col };
    } else {
      node = this.postfix(this.primary());
    }
    return withFilter ? this.filterExpr(node) : node;
  }

  private primary(): Expr {
    const t = this.next();
    if (t.t === 'num') return { k: 'lit', v: t.v, col: t.col };
    if (t.t === 'str') {
      let v = t.v;
      while (this.peek().t === 'str') v += (this.next() as Extract<Token, { t: 'str' }>).v; // adjacent strings join
      return { k: 'lit', v, col: t.col };
    }
    if (t.t === 'name') {
      if (Object.prototype.hasOwnProperty.call(LITERALS, t.v)) return { k: 'lit', v: LITERALS[t.v], col: t.col };
      return { k: 'name', name: t.v, col: t.col };
    }
    if (t.t === 'op' && t.v === '(') {
      if (this.isOp(')')) {
        this.next();
        return { k: 'list', items: [], col: t.col, tuple: true };
      }
      const first = this.condExpr();
      if (this.isOp(',')) {
        const items = [first];
        while (this.isOp(',')) {
          this.next();
          if (this.isOp(')')) break;
          items.push(this.condExpr());
        }
        this.expectOp(')');
        return { k: 'list', items, col: t.col, tuple: true };
      }
      this.expectOp(')');
      return first;
    }
    if (t.t === 'op' && t.v === '[') {
      const items: Expr[] = [];
      while (!this.isOp(']')) {
        items.push(this.condExpr());
        if (!this.isOp(']')) this.expectOp(',');
      }
      this.next();
      return { k: 'list', items, col: t.col };
    }
    if (t.t === 'op' && t.v === '{') {
      const entries: [Expr, Expr][] = [];
      while (!this.isOp('}')) {
        const key = this.condExpr();
        this.expectOp(':');
        entries.push([key, this.condExpr()]);
        if (!this.isOp('}')) this.expectOp(',');
      }
      this.next();
      return { k: 'dict', entries, col: t.col };
    }
    this.i--;
    throw this.unexpected('expected a value');
  }

  private postfix(node: Expr): Expr {
    for (;;) {
      if (this.isOp('.')) {
        const dot = this.next();
        const t = this.next();
        if (t.t === 'name') node = { k: 'attr', obj: node, name: t.v, col: dot.col };
        else if (t.t === 'num' && Number.isInteger(t.v)) node = { k: 'index', obj: node, key: { k: 'lit', v: t.v, col: t.col }, col: dot.col };
        else {
          this.i--;
          throw this.unexpected('expected an attribute name after "."');
        }
      } else if (this.isOp('[')) {
        const col = this.next().col;
        node = this.subscript(node, col);
      } else if (this.isOp('(')) {
        node = this.call(node);
      } else return node;
    }
  }

  private subscript(obj: Expr, col: number): Expr {
    let start: Expr | undefined;
    if (!this.isOp(':')) start = this.condExpr();
    if (this.isOp(':')) {
      this.next();
      const stop = this.isOp(']') || this.isOp(':') ? undefined : this.condExpr();
      let step: Expr | undefined;
      if (this.acceptOp(':') && !this.isOp(']')) step = this.condExpr();
      this.expectOp(']');
      return { k: 'slice', obj, start, stop, step, col };
    }
    this.expectOp(']');
    return { k: 'index', obj, key: start as Expr, col };
  }

  private args(): Args {
    this.expectOp('(');
    const out: Args = { args: [], kwargs: [] };
    while (!this.isOp(')')) {
      const t = this.peek();
      const nxt = this.toks[this.i + 1];
      if (out.starstar) throw this.unexpected('nothing may follow **kwargs');
      if (this.isOp('**')) {
        this.next();
        out.starstar = this.condExpr();
      } else if (this.isOp('*')) {
        if (out.star) throw this.unexpected('only one *args');
        this.next();
        out.star = this.condExpr();
      } else if (t.t === 'name' && nxt?.t === 'op' && nxt.v === '=') {
        this.i += 2;
        out.kwargs.push([t.v, this.condExpr()]);
      } else {
        if (out.kwargs.length || out.star) throw this.unexpected(out.star ? 'positional argument after *args' : 'positional argument after a keyword argument');
        out.args.push(this.condExpr());
      }
      if (!this.isOp(')')) this.expectOp(',');
    }
    this.next();
    return out;
  }

  private call(fn: Expr): Expr {
    const col = this.peek().col;
    return { k: 'call', fn, ...this.args(), col };
  }

  private filterExpr(node: Expr): Expr {
    for (;;) {
      if (this.isOp('|')) {
        const col = this.next().col;
        const name = this.dottedName();
        node = { k: 'filter', value: node, name, ...(this.isOp('(') ? this.args() : { args: [], kwargs: [] }), col };
      } else if (this.isName('is')) {
        const col = this.next().col;
        let negated = false;
        if (this.isName('not')) {
          this.next();
          negated = true;
        }
        const name = this.dottedName();
        const given: Args = this.isOp('(') ? this.args() : { args: this.startsTestArg() ? [this.primaryWithPostfix()] : [], kwargs: [] };
        node = { k: 'test', value: node, name, ...given, negated, col };
      } else if (this.isOp('(')) {
        node = this.call(node);
      } else return node;
    }
  }

  // `x is divisibleby 3`, `v is version '1.2', '>='` (Jinja allows one bare argument)
  private startsTestArg(): boolean {
    const t = this.peek();
    if (t.t === 'num' || t.t === 'str') return true;
    if (t.t === 'name') return !['and', 'or', 'else', 'if', 'in', 'is', 'not'].includes(t.v);
    return t.t === 'op' && (t.v === '[' || t.v === '{');
  }

  private primaryWithPostfix(): Expr {
    return this.postfix(this.primary());
  }

  // filter and test names may be collection-qualified: ansible.builtin.bool
  private dottedName(): string {
    const t = this.next();
    if (t.t !== 'name') {
      this.i--;
      throw this.unexpected('expected a filter or test name');
    }
    let name = t.v;
    while (this.isOp('.') && this.toks[this.i + 1]?.t === 'name') {
      this.next();
      name += '.' + (this.next() as Extract<Token, { t: 'name' }>).v;
    }
    return name.replace(/^ansible\.builtin\./, '');
  }
}

/** Parses an expression; throws ExprSyntaxError with a column. */
export function parseExpression(src: string): Expr {
  return new Parser(tokenize(src)).parseTop();
}

/** A parser over `src` for a statement's parts; `rawStrings` as in tokenize. */
export function parserFor(src: string, rawStrings = false): Parser {
  return new Parser(tokenize(src, rawStrings));
}
