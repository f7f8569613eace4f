// Conditions (`when:`, `changed_when:`, `failed_when:`, `until:`) in Ansible's syntax: parsed when the
// playbook is loaded (syntax errors name file:line and the column), evaluated per host with a
// result that must be a boolean, as recent Ansible requires.
import type { SourcePos } from '../errors.js';
import { Evaluator, ExprError, type Functions, type Lookup } from './expr/evaluate.js';
import { ExprSyntaxError } from './expr/lexer.js';
import { parseExpression, type Expr } from './expr/parser.js';
import { TemplateError } from './render.js';
import { checkNames, JinjaError } from './jinja/template.js';

/** A parsed condition with where it came from. */
export interface Condition {
  text: string;
  ast: Expr;
  pos: SourcePos;
  /** Set when the condition was written inside {{ }}, which Ansible warns about. */
  warning: string | undefined;
}

/** Parses a condition value from a playbook; booleans are accepted as literals. */
export function compileCondition(raw: unknown, pos: SourcePos): Condition {
  if (typeof raw === 'boolean') return { text: String(raw), ast: { k: 'lit', v: raw, col: 1 }, pos, warning: undefined };
  if (typeof raw !== 'string') {
    throw new TemplateError(`a condition must be an expression (text), got ${JSON.stringify(raw)}`, pos, 'write it as text, e.g. when: x == 1');
  }
  let text = raw.trim();
  let warning: string | undefined;
  const wrapped = /^\{\{(.*)\}\}$/s.exec(text);
  if (wrapped && !wrapped[1]?.includes('{{')) {
    text = (wrapped[1] as string).trim();
    warning = `conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: ${raw}`;
  }
  try {
    const ast = parseExpression(text);
    checkNames(ast, { line: 1, col: 1 });
    return { text, ast, pos, warning };
  } catch (e) {
    if (e instanceof JinjaError) throw new TemplateError(`${e.message} in condition ${JSON.stringify(text)}`, pos, e.problem.hint);
    if (e instanceof ExprSyntaxError) {
      throw new TemplateError(`syntax error in condition ${JSON.stringify(text)} at column ${e.col}: ${e.message}`, pos, pointAt(text, e.col));
    }
    throw e;
  }
}

/** Evaluates a condition for one host; anything but true/false is an error. */
export function evaluateCondition(c: Condition, lookup: Lookup, fns?: Functions): boolean {
  const v = evaluateWith(c, lookup, fns);
  if (typeof v !== 'boolean') {
    const shown = JSON.stringify(v);
    throw new TemplateError(
      `condition ${JSON.stringify(c.text)} gave ${shown === undefined ? String(v) : shown}, not a boolean`,
      c.pos,
      'conditions must be true or false: compare explicitly (x | length > 0, x == "yes") or convert with | bool',
    );
  }
  return v;
}

/** Evaluates an expression to a value (for loops over `x | default([])` and similar). */
export function evaluateWith(c: Condition, lookup: Lookup, fns?: Functions): unknown {
  try {
    return new Evaluator(lookup, fns).value(c.ast);
  } catch (e) {
    if (e instanceof ExprError) {
      throw new TemplateError(`error in condition ${JSON.stringify(c.text)} at column ${e.col}: ${e.message}`, c.pos, pointAt(c.text, e.col));
    }
    throw e;
  }
}

function pointAt(text: string, col: number): string {
  return `${text}\n        ${' '.repeat(Math.max(0, col - 1))}^ here`;
}
