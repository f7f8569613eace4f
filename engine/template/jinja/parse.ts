// Parses a Jinja template into a tree: text, outputs, if/elif/else, for (tuple targets, a filter
// condition, else), set (inline, tuple, namespace attribute, block), macro, block, include, extends. Expressions use the same
// parser as conditions. A tag kplay does not implement is a syntax error naming it, never text.
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
  | { k: 'for'; targets: string[]; iter: Expr; cond: Expr | undefined; body: Node[]; otherwise: Node[] | undefined; at: At }
  | { k: 'set'; targets: Target[]; expr: Expr; at: At }
  | { k: 'setblock'; target: Target; body: Node[]; at: At }
  | { k: 'macro'; name: string; params: { name: string; dflt: Expr | undefined }[]; body: Node[]; at: At }
  | { k: 'block'; name: string; scoped: boolean; required: boolean; body: Node[]; at: At }
  | { k: 'include'; names: Expr; ignoreMissing: boolean; withContext: boolean; at: At }
  | { k: 'extends'; name: Expr; at: At };

const UNSUPPORTED = new Set(['call', 'import', 'from', 'filter', 'with', 'do', 'break', 'continue', 'autoescape', 'trans']);

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
      case 'extends':
        if (this.depth > 0) throw new TemplateSyntaxError('cannot use extend from a non top-level scope', s.at.line, s.at.col);
        return { k: 'extends', name: safe(s.at, () => this.headExpr(s)), at: s.at };
    }
    if (UNSUPPORTED.has(s.word)) throw new TemplateSyntaxError(`'{% ${s.word} %}' is not supported by kplay's templates (supported: if, for, set, macro, block, include, extends, raw)`, s.at.line, s.at.col);
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
      if (!s.p.acceptName('in')) throw s.p.unexpected("expected 'in'");
      const iter = s.p.tuple(false);
      const cond = s.p.acceptName('if') ? s.p.expression(false) : undefined;
      if (s.p.acceptName('recursive')) throw new ExprSyntaxError('recursive loops are not supported by kplay', s.p.col());
      s.p.expectEnd();
      return { targets, iter, cond };
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
      const params: { name: string; dflt: Expr | undefined }[] = [];
      if (!s.p.acceptOp('(')) throw s.p.unexpected("expected '('");
      while (!s.p.acceptOp(')')) {
        const p = s.p.name('expected a parameter name');
        params.push({ name: p, dflt: s.p.acceptOp('=') ? s.p.expression() : undefined });
        if (!s.p.acceptOp(',')) {
          if (!s.p.acceptOp(')')) throw s.p.unexpected("expected ',' or ')'");
          break;
        }
      }
      s.p.expectEnd();
      return { name, params };
    });
    const { nodes, end } = this.nested(['endmacro'], s);
    endOf(end!);
    return { k: 'macro', ...head, body: nodes, at: s.at };
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
    safe(s.at, () => s.p.expectEnd("expected '=' or the end of the tag"));
    const { nodes, end } = this.nested(['endset'], s);
    endOf(end!);
    return { k: 'setblock', target: targets[0]!, body: nodes, at: s.at };
  }
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
