// The one entry point for templating: Ansible's Jinja for every `{{ }}` in YAML values and for
// `.j2` files, Handlebars (logic-less, isolated, strict) for `.hbs` files only. Errors become
// TemplateErrors at file:line:col (a YAML value's own position plus the line inside it; a file's line).
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type Handlebars from 'handlebars';
import { ParseError, type SourcePos } from '../errors.js';
import type { Functions, Lookup } from './expr/evaluate.js';
import { helpers } from './helpers.js';
import { compileJinja, fileSettings, JinjaError, renderJinja, renderYamlValue, type TemplateProblem } from './jinja/template.js';
import { ANSIBLE_WS, type WhitespaceOptions } from './jinja/lexer.js';
import type { TemplateLoader } from './jinja/render.js';

/** A template problem: undefined variable, syntax error, reference loop. Exit code 4. */
export class TemplateError extends ParseError {
  /** An undefined value is why: Ansible names it AnsibleUndefinedVariable. */
  undefinedVariable = false;
}

/** True when a string holds Jinja markup (Ansible templates only those). */
export function isTemplate(s: string): boolean {
  return s.includes('{{') || s.includes('{%') || s.includes('{#');
}

// A problem's place: inside a YAML value, its line is counted from the value's own line.
function located(p: TemplateProblem, source: string, origin: SourcePos, inFile: boolean): TemplateError {
  const at: SourcePos = { ...origin };
  if (inFile) {
    at.line = p.line;
    at.col = p.col;
  } else if (origin.line !== undefined) {
    at.line = origin.line + p.line - 1;
    if (p.line === 1 && origin.col !== undefined) at.col = origin.col + p.col - 1;
    else delete at.col;
  }
  const shown = source.length > 200 ? `${source.slice(0, 200)}...` : source;
  const err = new TemplateError(inFile ? p.message : `${p.message} in template ${JSON.stringify(shown)}`, at, p.hint);
  err.undefinedVariable = p.undefinedVariable === true;
  return err;
}

function wrap<T>(fn: () => T, source: string, origin: SourcePos, inFile: boolean): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof JinjaError) throw located(e.problem, source, origin, inFile);
    throw e;
  }
}

/** Parses a YAML value's template at load time (syntax, unknown filters and tests). */
export function parseTemplate(source: string, origin: SourcePos): void {
  wrap(() => compileJinja(source, undefined, true), source, origin, false);
}

/**
 * A YAML value with its templates rendered, typed as Ansible types it (see renderYamlValue). Its include,
 * import and extends look in the play's directory (`playbook_dir`, else the working directory), as
 * Ansible's Templar's FileSystemLoader over the loader's basedir does.
 */
export function renderValue(source: string, vars: Lookup, fns: Functions, origin: SourcePos): unknown {
  if (!isTemplate(source)) return source;
  const loader: TemplateLoader = (name) => {
    const book = vars('playbook_dir');
    return templateLoader([typeof book === 'string' ? book : process.cwd()], ANSIBLE_WS)(name);
  };
  return wrap(() => renderYamlValue(source, vars, fns, loader), source, origin, false);
}

/**
 * A template file (`.j2`, `lookup('template')`): honours a `#jinja2:` first line; errors at the file's own line
 * (or at an included one's). `searchDirs`: where include and extends find the templates they name (by
 * default the file's directory, with templates/ first).
 */
export function renderFile(source: string, vars: Lookup, fns: Functions, file: string, searchDirs?: string[], base?: WhitespaceOptions): string {
  const { ws, body } = settingsOf(source, file, base);
  const shift = body.length === source.length ? 0 : 1;
  try {
    return renderJinja(body, vars, fns, ws, false, templateLoader(searchDirs ?? [join(dirname(file), 'templates'), dirname(file)], ws));
  } catch (e) {
    if (e instanceof JinjaError) throw e.problem.file === undefined ? located({ ...e.problem, line: e.problem.line + shift }, source, { file }, true) : located(e.problem, source, { file: e.problem.file }, true);
    throw e;
  }
}

/**
 * Jinja's FileSystemLoader over `dirs`: a name is a path below one of them ('/' separated, a leading '/'
 * ignored, '..' never found); the template is read with the including one's settings. A syntax error in it
 * is a JinjaError naming its file.
 */
export function templateLoader(dirs: string[], ws: WhitespaceOptions): TemplateLoader {
  return (name) => {
    const pieces = name.split('/').filter((x) => x !== '' && x !== '.');
    if (pieces.includes('..')) return undefined;
    for (const dir of dirs) {
      const path = join(dir, ...pieces);
      let source: string;
      try {
        if (!statSync(path).isFile()) continue;
        source = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      try {
        return { tree: compileJinja(source, ws), file: path };
      } catch (e) {
        if (e instanceof JinjaError && e.problem.file === undefined) throw new JinjaError({ ...e.problem, file: path });
        throw e;
      }
    }
    return undefined;
  };
}

// a template file's settings: `base` (the template module's) under its `#jinja2:` line; a bad line is an
// error at the file's first line
function settingsOf(source: string, file: string, base?: WhitespaceOptions): { ws: WhitespaceOptions; body: string } {
  try {
    return fileSettings(source, base);
  } catch (e) {
    if (e instanceof JinjaError) throw located(e.problem, source, { file }, true);
    throw e;
  }
}

/** Parses a template file at load time (`--syntax-check` and before any host is touched), with the template module's settings (`base`). */
export function parseFile(source: string, file: string, base?: WhitespaceOptions): void {
  if (file.endsWith('.hbs')) return void parseHandlebars(source, { file });
  const { ws, body } = settingsOf(source, file, base);
  const shift = body.length === source.length ? 0 : 1;
  try {
    compileJinja(body, ws);
  } catch (e) {
    if (e instanceof JinjaError) throw located({ ...e.problem, line: e.problem.line + shift }, source, { file }, true);
    throw e;
  }
}

// Handlebars is read with the first .hbs template, not at every start (most runs have none: ~45 files less to load)
let hbInstance: typeof Handlebars | undefined;
function handlebars(): typeof Handlebars {
  if (!hbInstance) {
    hbInstance = (createRequire(import.meta.url)('handlebars') as typeof Handlebars).create();
    for (const [name, fn] of Object.entries(helpers)) hbInstance.registerHelper(name, fn);
  }
  return hbInstance;
}
const hbCompiled = new Map<string, HandlebarsTemplateDelegate>();

/** Parses a `.hbs` template (syntax errors and unknown helpers, with the file's line). */
export function parseHandlebars(source: string, origin: SourcePos): hbs.AST.Program {
  const hb = handlebars();
  let ast: hbs.AST.Program;
  try {
    ast = hb.parse(source);
  } catch (e) {
    const lines = (e as Error).message.split('\n');
    const line = Number(/line (\d+)/.exec(lines[0] ?? '')?.[1] ?? '1');
    const caret = lines.find((l) => /^-*\^$/.test(l));
    const expecting = lines.find((l) => l.startsWith('Expecting')) ?? lines[0] ?? '';
    throw new TemplateError(`Handlebars syntax error: ${expecting}`, { ...origin, line, ...(caret ? { col: caret.length } : {}) }, 'a .hbs template is Handlebars (docs/templates.md); Jinja templates end in .j2');
  }
  walk(ast, (node) => {
    if (node.type !== 'MustacheStatement' && node.type !== 'SubExpression' && node.type !== 'BlockStatement') return;
    const call = node as hbs.AST.MustacheStatement;
    if (call.path.type !== 'PathExpression') return;
    const p = call.path as hbs.AST.PathExpression;
    const hasArgs = call.params.length > 0 || !!call.hash;
    const line = call.loc?.start.line;
    if (node.type === 'MustacheStatement' && !hasArgs && hb.helpers[p.original] && !p.data && p.depth === 0) {
      p.original = `this.${p.original}`; // a bare name is a variable, even when a helper has that name
    } else if (hasArgs && !hb.helpers[p.original]) {
      throw new TemplateError(`unknown Handlebars helper '${p.original}'`, { ...origin, ...(line ? { line } : {}) }, 'see docs/templates.md for the helpers .hbs templates can use');
    }
  });
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

/** Renders a `.hbs` template against variables (a lazy object view); a missing variable is an error. */
export function renderHandlebars(source: string, context: object, file: string): string {
  let fn = hbCompiled.get(source);
  if (!fn) {
    fn = handlebars().compile(parseHandlebars(source, { file }), { noEscape: true, strict: true });
    hbCompiled.set(source, fn);
  }
  try {
    return fn(context);
  } catch (e) {
    if (e instanceof ParseError) throw e;
    const err = e as Error & { lineNumber?: number };
    const m = /^"(.+)" not defined in/.exec(err.message ?? '');
    const at: SourcePos = { file, ...(err.lineNumber ? { line: err.lineNumber } : {}) };
    if (m) throw new TemplateError(`undefined variable '${m[1]}' in Handlebars template`, at, `define ${m[1]} (inventory, group_vars, vars, -e); compute values in YAML, the .hbs template only places them`);
    throw new TemplateError(`Handlebars template failed: ${err.message}`, at);
  }
}
