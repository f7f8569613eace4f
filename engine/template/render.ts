// Renders `{{ ... }}` in strings with an isolated Handlebars instance (no HTML escaping, strict
// lookups). A string that is exactly one `{{ expr }}` yields the value's native type, as in Ansible.
import Handlebars from 'handlebars';
import { ParseError, type SourcePos } from '../errors.js';
import { UnsafeText } from '../yaml/load.js';
import { helpers } from './helpers.js';

type HB = typeof Handlebars;
type AST = hbs.AST.Program;
type Mustache = hbs.AST.MustacheStatement;

const hb: HB = Handlebars.create();
for (const [name, fn] of Object.entries(helpers)) hb.registerHelper(name, fn);
hb.registerHelper('__native__', (value: unknown, options: { data: { __out: { value: unknown } } }) => {
  options.data.__out.value = value;
  return '';
});

/** A template problem: undefined variable, syntax error, reference loop. Exit code 4. */
export class TemplateError extends ParseError {}

const compiled = new Map<string, HandlebarsTemplateDelegate>();
const parsed = new Map<string, AST>();

/** True when a string needs rendering. */
export function isTemplate(s: string): boolean {
  return s.includes('{{');
}

/**
 * Parses a template (cached), reporting syntax errors and unknown helpers at `origin`. A mustache
 * without arguments is always a variable, even when a helper has that name: `{{ item }}` and
 * `{{ list }}` must reach the variables (Handlebars would call the helper first).
 */
export function parseTemplate(source: string, origin: SourcePos): AST {
  const hit = parsed.get(source);
  if (hit) return hit;
  let ast: AST;
  try {
    ast = hb.parse(source);
  } catch (e) {
    throw syntaxError(source, (e as Error).message, origin);
  }
  walk(ast, (node) => {
    if (node.type !== 'MustacheStatement' && node.type !== 'SubExpression' && node.type !== 'BlockStatement') return;
    const call = node as hbs.AST.MustacheStatement;
    if (call.path.type !== 'PathExpression') return;
    const p = call.path as hbs.AST.PathExpression;
    const hasArgs = call.params.length > 0 || !!call.hash;
    if (node.type === 'MustacheStatement' && !hasArgs && hb.helpers[p.original] && !p.data && p.depth === 0) {
      p.original = `this.${p.original}`; // a scoped path is a plain lookup for the compiler
    } else if (hasArgs && !hb.helpers[p.original]) {
      throw new TemplateError(`unknown helper '${p.original}' in template ${JSON.stringify(source)}`, origin, 'see docs/templates.md for the helpers kplay provides');
    }
  });
  parsed.set(source, ast);
  return ast;
}

// Visits every node of a Handlebars AST (statements, sub-expressions, block bodies, hash values).
function walk(node: unknown, visit: (n: hbs.AST.Node) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  if (!node || typeof node !== 'object' || typeof (node as { type?: unknown }).type !== 'string') return;
  visit(node as hbs.AST.Node);
  const n = node as Record<string, unknown>;
  for (const key of ['body', 'params', 'hash', 'pairs', 'value', 'program', 'inverse']) walk(n[key], visit);
}

function compileCached(source: string, origin: SourcePos): HandlebarsTemplateDelegate {
  let fn = compiled.get(source);
  if (!fn) {
    fn = hb.compile(parseTemplate(source, origin), { noEscape: true, strict: true });
    compiled.set(source, fn);
  }
  return fn;
}

/** Renders a template string to text against a context object (which may be a lazy proxy). */
export function renderString(source: string, context: object, origin: SourcePos): string {
  const fn = compileCached(source, origin);
  try {
    return fn(context, { data: { __out: { value: undefined } } });
  } catch (e) {
    throw runtimeError(source, source, e, origin);
  }
}

/** Renders a value: native type for a lone `{{ expr }}`, text otherwise; non-strings pass through. */
export function renderValue(source: string, context: object, origin: SourcePos): unknown {
  if (!isTemplate(source)) return source;
  const ast = parseTemplate(source, origin);
  const only = ast.body.length === 1 ? ast.body[0] : undefined;
  if (only && only.type === 'MustacheStatement' && (only as Mustache).escaped !== false) {
    const m = only as Mustache;
    const bare = m.params.length === 0 && !m.hash;
    if (bare && m.path.type !== 'PathExpression') return (m.path as hbs.AST.Literal & { value: unknown }).value;
    const p = m.path as hbs.AST.PathExpression;
    // no arguments: a variable (helpers all take arguments), looked up natively
    if (bare && !p.data && p.depth === 0) return lookupPath(p.parts, context, source, origin);
    if (!bare) {
      // a helper call: capture its return value instead of its text
      const inner = source.slice(source.indexOf('{{') + 2, source.lastIndexOf('}}')).replace(/^~/, '').replace(/~$/, '');
      const wrapped = `{{__native__ (${inner.trim()})}}`;
      const box = { value: undefined as unknown };
      try {
        compileCached(wrapped, origin)(context, { data: { __out: box } });
      } catch (e) {
        throw runtimeError(source, wrapped, e, origin);
      }
      return box.value;
    }
  }
  return renderString(source, context, origin);
}

// Strict native lookup of a.b.[0]: every part must exist, as a strict render would require.
function lookupPath(parts: string[], context: object, source: string, origin: SourcePos): unknown {
  let cur: unknown = context;
  const seen: string[] = [];
  for (const part of parts) {
    if (cur instanceof UnsafeText) cur = cur.text;
    const ok =
      cur !== null &&
      cur !== undefined &&
      (typeof cur === 'object' ? part in (cur as object) && Object.prototype.hasOwnProperty.call(cur, part) : typeof cur === 'string' && /^\d+$/.test(part) && Number(part) < cur.length);
    if (!ok) throw undefinedError([...seen, part].join('.'), source, origin);
    cur = (cur as Record<string, unknown>)[part];
    seen.push(part);
  }
  return cur;
}

function undefinedError(name: string, source: string, origin: SourcePos): TemplateError {
  return new TemplateError(`undefined variable '${name}' in template ${JSON.stringify(source)}`, origin, `define ${name.split('.')[0]} (inventory, group_vars, vars, -e) or give a fallback: {{default ${name} "value"}}`);
}

// `source` is what the user wrote; `rendered` is the text Handlebars ran (locations refer to it).
function runtimeError(source: string, rendered: string, e: unknown, origin: SourcePos): Error {
  if (e instanceof ParseError) return e; // already located (e.g. a nested variable's own error)
  const err = e as Error & { lineNumber?: number; column?: number; endColumn?: number };
  const m = /^"(.+)" not defined in/.exec(err.message ?? '');
  if (m) {
    let name = m[1] as string;
    if (err.lineNumber !== undefined && err.column !== undefined && err.endColumn !== undefined) {
      const line = rendered.split('\n')[err.lineNumber - 1] ?? '';
      const text = line.slice(err.column, err.endColumn).replace(/^\{\{~?\s*/, '').replace(/\s*~?\}\}$/, '').replace(/^this\./, '');
      if (text) name = text.split(/\s+/)[0] as string;
    }
    return undefinedError(name, source, origin);
  }
  if (/Missing helper/.test(err.message ?? '')) {
    const helper = /Missing helper: "(.+)"/.exec(err.message)?.[1] ?? '?';
    return new TemplateError(`unknown helper '${helper}' in template ${JSON.stringify(source)}`, origin, 'see docs/templates.md for the helpers kplay provides');
  }
  return new TemplateError(`template failed: ${err.message} in ${JSON.stringify(source)}`, origin);
}

function syntaxError(source: string, message: string, origin: SourcePos): TemplateError {
  const lines = message.split('\n');
  const lineNo = Number(/line (\d+)/.exec(lines[0] ?? '')?.[1] ?? '1');
  const caret = lines.find((l) => /^-*\^$/.test(l));
  const col = caret ? caret.length : undefined;
  const expecting = lines.find((l) => l.startsWith('Expecting')) ?? lines[0] ?? message;
  const jinjaLike = /\|\s*\w|\[['"]|\w\(|\bif\b.*\belse\b/.test(source);
  const at: SourcePos = { ...origin };
  if (origin.line !== undefined) at.line = origin.line + lineNo - 1;
  const colInfo = col !== undefined ? ` (column ${col} of the template)` : '';
  return new TemplateError(
    `template syntax error${colInfo} in ${JSON.stringify(source)}: ${expecting}`,
    at,
    jinjaLike ? 'kplay templates are Handlebars: write {{default foo "x"}} for {{ foo | default(\'x\') }} and {{groups.[etcd].[0]}} for {{ groups[\'etcd\'][0] }} (docs/templates.md)' : undefined,
  );
}
