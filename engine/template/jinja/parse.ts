// Parses a Jinja template into a tree: text, outputs, if/elif/else, for (tuple targets, a filter
// condition, recursive, else), set (inline, tuple, namespace attribute, block), macro, call, filter, with, block,
// include, import, from-import, extends. Expressions use the same parser as conditions. A tag kplay does
// not implement is a syntax error naming it, never text.
import { ExprSyntaxError } from '../expr/lexer.js';
import { parserFor, type Expr, type Parser } from '../expr/parser.js';
import { lex, TemplateSyntaxError, type WhitespaceOptions } from './lexer.js';

/** Where a node came from in the template (1-based). */
export interface At {
  line: number;
  col: number;
}

/** An assignment target: a name, or an attribute of a namespace (`ns.found`). */
export type Target = { name: string; attr?: string };

/** A node of a parsed template. */
export type Node =
  | { k: 'text'; text: string }
  | { k: 'out'; expr: Expr; at: At }
  | { k: 'if'; branches: { cond: Expr; body: Node[]; at: At }[]; otherwise: Node[] | undefined }
  | { k: 'for'; targets: string[]; iter: Expr; cond: Expr | undefined; recursive: boolean; body: Node[]; otherwise: Node[] | undefined; at: At }
  | { k: 'set'; targets: Target[]; expr: Expr; at: At }
  | { k: 'setblock'; target: Target; filter?: Expr | undefined; body: Node[]; at: At }
  | { k: 'macro'; name: string; params: Param[]; body: Node[]; at: At; catches: Catches }
  | { k: 'call'; params: Param[]; call: Extract<Expr, { k: 'call' }>; body: Node[]; at: At; catches: Catches }
  | { k: 'filterblock'; filter: Expr; body: Node[]; at: At }
  | { k: 'with'; targets: string[]; values: Expr[]; body: Node[]; at: At }
  | { k: 'import'; name: Expr; as: string; withContext: boolean; at: At }
  | { k: 'fromimport'; name: Expr; names: { name: string; as: string }[]; withContext: boolean; at: At }
  | { k: 'block'; name: string; scoped: boolean; required: boolean; body: Node[]; at: At }
  | { k: 'include'; names: Expr; ignoreMissing: boolean; withContext: boolean; at: At }
  | { k: 'extends'; name: Expr; at: At };

/** A macro's (or a call block's) parameter and its default. */
export type Param = { name: string; dflt: Expr | undefined };

/** What a macro's body refers to, so that its call takes it (Jinja's caller, varargs and kwargs). */
export type Catches = { caller: boolean; varargs: boolean; kwargs: boolean };

/** The name a `{% filter %}` block's text goes by in its filter chain (no template name has a space). */
export const FILTERED_BODY = ' body';

/** The name a `{% call %}` block's caller goes by until the macro takes it as `caller`. */
export const CALL_BLOCK = ' caller';

// `do`, `break` and `continue` are Jinja extensions Ansible does not load; the rest need what kplay lacks
const UNSUPPORTED = new Set(['do', 'break', 'continue', 'autoescape', 'trans']);

type Stmt = { word: string; p: Parser; at: At };

class TreeBuilder {
  private i = 0;
  // the block names seen: a template defines each once
  private readonly blocks = new Set<string>();
  // how many loop, macro, block and set-block bodies enclose the statement being read (extends is top-level only)
  private depth = 0;
  constructor(
    private readonly pieces: ReturnType<typeof lex>,
    private readonly rawStrings: boolean,
  ) {}

  // parses nodes until one of the `stop` statements; returns it (undefined at the end)
  body(stop: string[], opener?: Stmt): { nodes: Node[]; end: Stmt | undefined } {
    const nodes: Node[] = [];
    while (this.i < this.pieces.length) {
      const piece = this.pieces[this.i++]!;
      if (piece.k === 'text') {
        nodes.push({ k: 'text', text: piece.text });
        continue;
      }
      const at = { line: piece.line, col: piece.col };
      if (piece.k === 'out') {
        nodes.push({ k: 'out', expr: expressionOf(piece.src, at, this.rawStrings), at });
        continue;
      }
      const p = parserFor(piece.src);
      const word = safe(at, () => p.name('expected a statement name such as if, for or set'));
      const stmt = { word, p, at };
      if (stop.includes(word)) return { nodes, end: stmt };
      nodes.push(this.statement(stmt));
    }
    if (opener) throw new TemplateSyntaxError(`'{% ${opener.word} %}' is never closed: expected ${stop.map((s) => `'{% ${s} %}'`).join(' or ')}`, opener.at.line, opener.at.col);
    return { nodes, end: undefined };
  }

  // the body of a loop, macro, block or set block: not the template's top level
  private nested(stop: string[], opener: Stmt): { nodes: Node[]; end: Stmt | undefined } {
    this.depth++;
    try {
      return this.body(stop, opener);
    } finally {
      this.depth--;
    }
  }

  private statement(s: Stmt): Node {
    switch (s.word) {
      case 'if':
        return this.ifNode(s);
      case 'for':
        return this.forNode(s);
      case 'set':
        return this.setNode(s);
      case 'macro':
        return this.macroNode(s);
      case 'block':
        return this.blockNode(s);
      case 'include':
        return this.includeNode(s);
      case 'call':
        return this.callNode(s);
      case 'filter':
        return this.filterNode(s);
      case 'with':
        return this.withNode(s);
      case 'import':
        return this.importNode(s);
      case 'from':
        return this.fromNode(s);
      case 'extends':
        if (this.depth > 0) throw new TemplateSyntaxError('cannot use extend from a non top-level scope', s.at.line, s.at.col);
        return { k: 'extends', name: safe(s.at, () => this.headExpr(s)), at: s.at };
    }
    if (UNSUPPORTED.has(s.word)) throw new TemplateSyntaxError(`'{% ${s.word} %}' is not supported by kplay's templates (supported: if, for, set, macro, call, filter, with, block, include, import, from, extends, raw)${s.word === 'do' || s.word === 'break' || s.word === 'continue' ? "; it is a Jinja extension Ansible does not load either" : ''}`, s.at.line, s.at.col);
    throw new TemplateSyntaxError(`unknown tag '${s.word}'${/^end|^el/.test(s.word) ? ' here (no open block it could close)' : ''}`, s.at.line, s.at.col);
  }

  private ifNode(s: Stmt): Node {
    const branches: { cond: Expr; body: Node[]; at: At }[] = [];
    let cur: Stmt = s;
    for (;;) {
      const cond = safe(cur.at, () => {
        const c = cur.p.expression();
        cur.p.expectEnd();
        return c;
      });
      const { nodes, end } = this.body(['elif', 'else', 'endif'], s);
      branches.push({ cond, body: nodes, at: cur.at });
      if (end!.word === 'elif') {
        cur = end!;
        continue;
      }
      if (end!.word === 'else') {
        endOf(end!);
        const rest = this.body(['endif'], s);
        endOf(rest.end!);
        return { k: 'if', branches, otherwise: rest.nodes };
      }
      endOf(end!);
      return { k: 'if', branches, otherwise: undefined };
    }
  }

  private forNode(s: Stmt): Node {
    const head = safe(s.at, () => {
      const targets = [s.p.name('expected a loop variable name')];
      while (s.p.acceptOp(',')) targets.push(s.p.name('expected a loop variable name'));
      if (targets.includes('loop')) throw new ExprSyntaxError("Can't assign to special loop variable in for-loop target", 1);
      if (!s.p.acceptName('in')) throw s.p.unexpected("expected 'in'");
      const iter = s.p.tuple(false);
      const cond = s.p.acceptName('if') ? s.p.expression(false) : undefined;
      const recursive = s.p.acceptName('recursive');
      s.p.expectEnd();
      return { targets, iter, cond, recursive };
    });
    const { nodes, end } = this.nested(['else', 'endfor'], s);
    let otherwise: Node[] | undefined;
    if (end!.word === 'else') {
      endOf(end!);
      const rest = this.nested(['endfor'], s);
      endOf(rest.end!);
      otherwise = rest.nodes;
    } else endOf(end!);
    return { k: 'for', ...head, body: nodes, otherwise, at: s.at };
  }

  // {% macro name(a, b='x') %}...{% endmacro %}
  private macroNode(s: Stmt): Node {
    const head = safe(s.at, () => {
      const name = s.p.name('expected the macro name');
      if (!s.p.acceptOp('(')) throw s.p.unexpected("expected '('");
      const params = signature(s.p);
      s.p.expectEnd();
      return { name, params };
    });
    const { nodes, end } = this.nested(['endmacro'], s);
    endOf(end!);
    return { k: 'macro', ...head, body: nodes, at: s.at, catches: catches(nodes) };
  }

  // {% call(a, b) macro(x) %}...{% endcall %}: the macro is called with the body as `caller` (Jinja's parse_call_block)
  private callNode(s: Stmt): Node {
    const head = safe(s.at, () => {
      const params = s.p.acceptOp('(') ? signature(s.p) : [];
      const call = s.p.expression();
      if (call.k !== 'call') throw new ExprSyntaxError('expected call', call.col);
      s.p.expectEnd();
      return { params, call: { ...call, kwargs: [...call.kwargs, ['caller', { k: 'name', name: CALL_BLOCK, col: call.col }]] as [string, Expr][] } };
    });
    const { nodes, end } = this.nested(['endcall'], s);
    endOf(end!);
    return { k: 'call', ...head, body: nodes, at: s.at, catches: catches(nodes) };
  }

  // {% filter upper | indent(2) %}...{% endfilter %}: the body's text through a filter chain
  private filterNode(s: Stmt): Node {
    const filter = safe(s.at, () => {
      const f = s.p.filterChain({ k: 'name', name: FILTERED_BODY, col: s.p.col() });
      s.p.expectEnd();
      return f;
    });
    const { nodes, end } = this.nested(['endfilter'], s);
    endOf(end!);
    return { k: 'filterblock', filter, body: nodes, at: s.at };
  }

  // {% with a = 1, b = x %}...{% endwith %}: names for the body only, their values computed outside it
  private withNode(s: Stmt): Node {
    const head = safe(s.at, () => {
      const targets: string[] = [];
      const values: Expr[] = [];
      while (!s.p.atEnd()) {
        if (targets.length && !s.p.acceptOp(',')) throw s.p.unexpected("expected ','");
        targets.push(s.p.name('expected a variable name'));
        if (!s.p.acceptOp('=')) throw s.p.unexpected("expected '='");
        values.push(s.p.expression());
      }
      return { targets, values };
    });
    const { nodes, end } = this.nested(['endwith'], s);
    endOf(end!);
    return { k: 'with', ...head, body: nodes, at: s.at };
  }

  // {% import NAME as m [with context|without context] %} (Jinja's default: without)
  private importNode(s: Stmt): Node {
    return safe(s.at, () => {
      const name = s.p.expression();
      if (!s.p.acceptName('as')) throw s.p.unexpected("expected 'as'");
      const as = s.p.name('expected the name to import the template as');
      const withContext = importContext(s.p);
      s.p.expectEnd();
      return { k: 'import', name, as, withContext, at: s.at };
    });
  }

  // {% from NAME import a, b as c [with context|without context] %} (Jinja's parse_from)
  private fromNode(s: Stmt): Node {
    return safe(s.at, () => {
      const name = s.p.expression();
      if (!s.p.acceptName('import')) throw s.p.unexpected("expected 'import'");
      const names: { name: string; as: string }[] = [];
      for (;;) {
        if (names.length && (s.p.atEnd() || s.p.peekName('with') || s.p.peekName('without'))) break;
        const col = s.p.col();
        const one = s.p.name('expected a name to import');
        if (one.startsWith('_')) throw new ExprSyntaxError('names starting with an underline can not be imported', col);
        names.push({ name: one, as: s.p.acceptName('as') ? s.p.name('expected the name to import it as') : one });
        if (!s.p.acceptOp(',')) break;
      }
      const withContext = importContext(s.p);
      s.p.expectEnd();
      return { k: 'fromimport', name, names, withContext, at: s.at };
    });
  }

  // {% block name [scoped] [required] %}...{% endblock [name] %}, each name once in a template (Jinja's parse_block)
  private blockNode(s: Stmt): Node {
    const head = safe(s.at, () => {
      const name = s.p.name('expected the block name');
      const scoped = s.p.acceptName('scoped');
      const required = s.p.acceptName('required');
      if (s.p.acceptOp('-')) throw new ExprSyntaxError('Block names in Jinja have to be valid Python identifiers and may not contain hyphens, use an underscore instead.', s.p.col());
      s.p.expectEnd();
      return { name, scoped, required };
    });
    if (this.blocks.has(head.name)) throw new TemplateSyntaxError(`block '${head.name}' defined twice`, s.at.line, s.at.col);
    this.blocks.add(head.name);
    const { nodes, end } = this.nested(['endblock'], s);
    if (head.required && nodes.some((n) => n.k !== 'text' || n.text.trim() !== '')) throw new TemplateSyntaxError('Required blocks can only contain comments or whitespace', s.at.line, s.at.col);
    safe(end!.at, () => {
      end!.p.acceptName(head.name);
      end!.p.expectEnd(`'{% endblock %}' takes nothing more than the block's name ('${head.name}')`);
    });
    return { k: 'block', ...head, body: nodes, at: s.at };
  }

  // {% include NAME-OR-LIST [ignore missing] [with context|without context] %} (Jinja's parse_include)
  private includeNode(s: Stmt): Node {
    return safe(s.at, () => {
      const names = s.p.expression();
      let ignoreMissing = false;
      if (s.p.acceptName('ignore')) {
        if (!s.p.acceptName('missing')) throw s.p.unexpected("expected 'missing'");
        ignoreMissing = true;
      }
      const context = s.p.acceptName('with') ? 'with' : s.p.acceptName('without') ? 'without' : undefined;
      if (context && !s.p.acceptName('context')) throw s.p.unexpected("expected 'context'");
      const withContext = context !== 'without';
      s.p.expectEnd();
      return { k: 'include', names, ignoreMissing, withContext, at: s.at };
    });
  }

  private headExpr(s: Stmt): Expr {
    const e = s.p.expression();
    s.p.expectEnd();
    return e;
  }

  private setNode(s: Stmt): Node {
    const targets = safe(s.at, () => {
      const list: Target[] = [];
      do {
        const name = s.p.name('expected a variable name');
        list.push(s.p.acceptOp('.') ? { name, attr: s.p.name('expected an attribute name') } : { name });
      } while (s.p.acceptOp(','));
      return list;
    });
    if (safe(s.at, () => s.p.acceptOp('='))) {
      const expr = safe(s.at, () => {
        const e = s.p.tuple();
        s.p.expectEnd();
        return e;
      });
      return { k: 'set', targets, expr, at: s.at };
    }
    if (targets.length !== 1) throw new TemplateSyntaxError('a block {% set %} takes one name', s.at.line, s.at.col);
    // {% set x | upper %}...{% endset %}: the body's text through a filter chain, as {% filter %} does
    const filter = safe(s.at, () => {
      const f = s.p.acceptOp('|') ? s.p.filterChain({ k: 'name', name: FILTERED_BODY, col: s.p.col() }) : undefined;
      s.p.expectEnd("expected '=' or the end of the tag");
      return f;
    });
    const { nodes, end } = this.nested(['endset'], s);
    endOf(end!);
    return { k: 'setblock', target: targets[0]!, filter, body: nodes, at: s.at };
  }
}

// a macro's parameters after its '(' up to the ')': names with defaults
function signature(p: Parser): Param[] {
  const params: Param[] = [];
  while (!p.acceptOp(')')) {
    const name = p.name('expected a parameter name');
    params.push({ name, dflt: p.acceptOp('=') ? p.expression() : undefined });
    if (!p.acceptOp(',')) {
      if (!p.acceptOp(')')) throw p.unexpected("expected ',' or ')'");
      break;
    }
  }
  return params;
}

// `with context` or `without context` after an import (false when neither: an import does not see the importer's names)
function importContext(p: Parser): boolean {
  const word = p.acceptName('with') ? 'with' : p.acceptName('without') ? 'without' : undefined;
  if (word && !p.acceptName('context')) throw p.unexpected("expected 'context'");
  return word === 'with';
}

// which of caller, varargs and kwargs a macro's body refers to (not inside a block, as Jinja's analysis)
function catches(body: Node[]): Catches {
  const seen = new Set<string>();
  const visit = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) return x.forEach(visit);
    const o = x as Record<string, unknown>;
    if (o.k === 'block') return;
    if (o.k === 'name' && typeof o.name === 'string') seen.add(o.name);
    for (const v of Object.values(o)) if (v && typeof v === 'object') visit(v);
  };
  visit(body);
  return { caller: seen.has('caller'), varargs: seen.has('varargs'), kwargs: seen.has('kwargs') };
}

function endOf(s: Stmt): void {
  safe(s.at, () => s.p.expectEnd(`'{% ${s.word} %}' takes nothing more`));
}

// Runs a parse step, turning an expression error into a template error at the tag's position.
function safe<T>(at: At, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ExprSyntaxError) throw new TemplateSyntaxError(e.message, at.line, at.col + e.col - 1);
    throw e;
  }
}

function expressionOf(src: string, at: At, rawStrings: boolean): Expr {
  return safe(at, () => {
    const p = parserFor(src, rawStrings);
    const e = p.expression();
    p.expectEnd();
    return e;
  });
}

/**
 * Parses a template; throws TemplateSyntaxError with the template's own line and column.
 * `rawStrings`: string literals in `{{ }}` keep their backslashes (YAML values, see tokenize).
 */
export function parseTemplateTree(src: string, ws: WhitespaceOptions, rawStrings = false): Node[] {
  const b = new TreeBuilder(lex(src, ws), rawStrings);
  const { nodes, end } = b.body([]);
  if (end) throw new TemplateSyntaxError(`unexpected '{% ${end.word} %}'`, end.at.line, end.at.col);
  return nodes;
}
