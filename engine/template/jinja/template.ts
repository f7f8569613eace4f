// Ansible's templating of YAML values and `.j2` files on top of the Jinja parser and renderer:
// parsed once per source (cached), unknown filters and tests refused when parsed, errors located
// at file:line:col of the template's own text, and Ansible 2.14's typing of a templated value.
import { isNumber } from '../../util/py-float.js';
import { literalEval } from '../../inventory/python-literal.js';
import { EVALUATOR_FILTERS, EVALUATOR_TESTS, hasFilter, hasTest, pythonPlugin } from '../expr/filters.js';
import { brokenPlugins, collectionInstalled, type PluginKind } from '../plugins/jinja-plugins.js';
import { routedFilter } from '../expr/routing.js';
import { lookupAvailable, lookupHint } from '../lookups.js';
import type { Expr } from '../expr/parser.js';
import { textMade, type Functions, type Lookup } from '../expr/evaluate.js';
import type { Delimiters, WhitespaceOptions } from './lexer.js';
import { ANSIBLE_WS, DELIMITER_SETTINGS, JINJA_DELIMITERS, TemplateSyntaxError } from './lexer.js';
import { parseTemplateTree, type Node } from './parse.js';
import { outputText, renderTree, TemplateRuntimeError, type TemplateLoader } from './render.js';

/** A template problem at a line and column of the template text (1-based). */
export interface TemplateProblem {
  message: string;
  line: number;
  col: number;
  hint?: string;
  /** An included or extended template's file, when the problem is there. */
  file?: string;
  /** An undefined value is why (Ansible's AnsibleUndefinedVariable). */
  undefinedVariable?: boolean;
}

/** Thrown for any template problem; the caller adds the file. */
export class JinjaError extends Error {
  constructor(readonly problem: TemplateProblem) {
    super(problem.message);
  }
}


const cache = new Map<string, Node[]>();

/** Filter and test names are known when parsed: a typo is an error before any host is touched. */
export function checkNames(e: Expr, at: { line: number; col: number }): void {
  const visit = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) return x.forEach(visit);
    const n = x as Record<string, unknown>;
    const where = { line: at.line, col: at.col + Number(n.col) - 1 };
    if (n.k === 'filter' || n.k === 'test') checkPlugin(n.k, String(n.name), where);
    if (n.k === 'call') checkLookup(n as unknown as Extract<Expr, { k: 'call' }>, where);
    if (n.k === 'filter' && !EVALUATOR_FILTERS.has(n.name as string) && !hasFilter(n.name as string)) {
      throw new JinjaError({ message: `no filter named '${String(n.name)}'`, ...where, hint: filterHint(String(n.name)) });
    }
    if (n.k === 'test' && !EVALUATOR_TESTS.has(n.name as string) && !hasTest(n.name as string)) {
      throw new JinjaError({ message: `no test named '${String(n.name)}'`, ...where, hint: brokenHint('test', String(n.name)) ?? 'see docs/templates.md for the tests kplay provides' });
    }
    for (const v of Object.values(n)) if (v && typeof v === 'object') visit(v);
  };
  visit(e);
}

// lookup('name', ...), query(...) and q(...) name a lookup kplay has or Ansible's on this controller has: another fails before any host is touched
function checkLookup(n: Extract<Expr, { k: 'call' }>, where: { line: number; col: number }): void {
  const first = n.args[0];
  if (n.fn.k !== 'name' || !['lookup', 'query', 'q'].includes(n.fn.name) || first?.k !== 'lit' || typeof first.v !== 'string') return;
  const found = lookupAvailable(first.v);
  if (!found.exists) throw new JinjaError({ message: `lookup plugin '${first.v}' is not supported by kplay`, ...where, hint: lookupHint(found) });
}

// a name Ansible routes to an ansible.utils filter kplay does not have: which one that is; else the plugin
// files that could not load, one of which may define it
function filterHint(name: string): string {
  const routed = routedFilter(name);
  const target = routed?.target ?? name;
  const broken = brokenHint('filter', target);
  const lacking = collectionHint(target);
  if (routed) return `Ansible routes it to ${routed.target}, which kplay does not have${lacking ? ` and ${lacking}` : ''}${broken ? `; ${broken}` : ''}`;
  return broken ?? (lacking ? `kplay has no filter of that name, and ${lacking}` : 'see docs/templates.md for the filters kplay provides');
}

// why a collection's filter (ns.coll.name) was not found there
function collectionHint(name: string): string | undefined {
  const [ns, coll, ...rest] = name.split('.');
  if (rest.length !== 1 || (ns === 'ansible' && (coll === 'builtin' || coll === 'legacy'))) return undefined;
  return collectionInstalled(ns as string, coll as string) ? `the collection ${ns}.${coll} installed here defines none` : `the collection ${ns}.${coll} is not installed on this controller`;
}

function brokenHint(kind: PluginKind, name: string): string | undefined {
  const broken = brokenPlugins(kind, name);
  return broken.length ? broken.join('; ') : undefined;
}

// a Python plugin kplay cannot call as Ansible would: one asking for Jinja's context, or one named as a filter or
// test kplay's evaluator does itself (default, mandatory, attr, defined, undefined)
function checkPlugin(kind: PluginKind, name: string, where: { line: number; col: number }): void {
  const plugin = pythonPlugin(kind, name)?.entry;
  if (!plugin) return;
  if (plugin.wants === 'context') throw new JinjaError({ message: `the ${kind} '${name}' of ${plugin.file} asks for Jinja's context (pass_context), which kplay cannot give a Python ${kind}`, ...where, hint: `write it without Jinja's context, or as a filter of kplay's (docs/templates.md)` });
  if ((kind === 'filter' ? EVALUATOR_FILTERS : EVALUATOR_TESTS).has(name)) throw new JinjaError({ message: `the ${kind} '${name}' of ${plugin.file} replaces one kplay evaluates itself`, ...where, hint: `rename the plugin's ${kind}` });
}

function checkTree(nodes: Node[]): void {
  for (const n of nodes) {
    switch (n.k) {
      case 'out':
      case 'set':
        checkNames(n.expr, n.at);
        break;
      case 'if':
        for (const b of n.branches) {
          checkNames(b.cond, b.at);
          checkTree(b.body);
        }
        if (n.otherwise) checkTree(n.otherwise);
        break;
      case 'for':
        checkNames(n.iter, n.at);
        if (n.cond) checkNames(n.cond, n.at);
        checkTree(n.body);
        if (n.otherwise) checkTree(n.otherwise);
        break;
      case 'call':
        checkNames(n.call, n.at);
        checkTree(n.body);
        break;
      case 'filterblock':
        checkNames(n.filter, n.at);
        checkTree(n.body);
        break;
      case 'with':
        for (const v of n.values) checkNames(v, n.at);
        checkTree(n.body);
        break;
      case 'import':
      case 'fromimport':
        checkNames(n.name, n.at);
        break;
      case 'setblock':
        if (n.filter) checkNames(n.filter, n.at);
        checkTree(n.body);
        break;
      case 'macro':
      case 'block':
        checkTree(n.body);
    }
  }
}

/** Parses (once per source and settings) and checks a template; throws JinjaError. */
export function compileJinja(source: string, ws: WhitespaceOptions = ANSIBLE_WS, rawStrings = false): Node[] {
  const key = `${ws.trimBlocks ? 1 : 0}${ws.lstripBlocks ? 1 : 0}${rawStrings ? 1 : 0}${ws.keepTrailingNewline ? 1 : 0}${ws.newline ?? ''}${ws.delimiters ? JSON.stringify(ws.delimiters) : ''}\0${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let tree: Node[];
  try {
    // Jinja reads line breaks as \n and drops one final line break (keep_trailing_newline off);
    // renderJinja gives back the ones the text ended with, as Ansible does
    const lines = source.split(/\r\n|\r|\n/);
    if (lines.length > 1 && lines.at(-1) === '' && !ws.keepTrailingNewline) lines.pop();
    tree = parseTemplateTree(lines.join('\n'), ws, rawStrings);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) throw new JinjaError({ message: e.message, line: e.line, col: e.col });
    throw e;
  }
  checkTree(tree);
  cache.set(key, tree);
  return tree;
}

/** Renders a template to text; throws JinjaError (undefined variables, type errors) with its place. `loader`: the templates include and extends name. */
export function renderJinja(source: string, vars: Lookup, fns: Functions, ws: WhitespaceOptions = ANSIBLE_WS, rawStrings = false, loader?: TemplateLoader): string {
  return withTrailingNewlines(source, renderBare(compileJinja(source, ws, rawStrings), vars, fns, loader), ws.newline);
}

// the text rendered without the line breaks the source ended with (Jinja drops one), as Ansible's concat sees it
function renderBare(tree: Node[], vars: Lookup, fns: Functions, loader?: TemplateLoader): string {
  try {
    return renderTree(tree, vars, fns, loader);
  } catch (e) {
    if (e instanceof TemplateRuntimeError) {
      throw new JinjaError({ message: e.message, line: e.at.line, col: e.at.col + (e.exprCol ?? 1) - 1, ...(e.hint === undefined ? {} : { hint: e.hint }), ...(e.file ? { file: e.file } : {}), ...(e.undefinedVariable ? { undefinedVariable: true } : {}) });
    }
    throw e;
  }
}

// gives back the line breaks the source ended with that the output lacks, as Ansible's do_template does
// (written with the environment's newline_sequence, as Ansible's are)
function withTrailingNewlines(source: string, out: string, nl = '\n'): string {
  const missing = trailingNewlines(source) - trailingNewlines(out);
  return missing > 0 ? out + nl.repeat(missing) : out;
}

function trailingNewlines(s: string): number {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === '\n') n++;
  return n;
}

const STRING_TYPE_FILTERS = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml']);

// Ansible's SINGLE_VAR, whose Python `$` also matches before one final line break
const SINGLE_VAR = /^\{\{\s*(\w*)\s*\}\}\n?$/;

/**
 * A templated YAML value as Ansible 2.14 types it: `{{ name }}` alone keeps a number or a boolean;
 * otherwise the text, turned back into a list, dict or boolean when it reads as a Python literal
 * (`{{ [1, 2] }}` is a list, `{{ 5 }}` the text "5"). The source's final line breaks are given back to
 * text only, and a typed value is read without them (`"{{ n }}\n"` is n's number, `"{{ true }}\n"` true).
 */
export function renderYamlValue(source: string, vars: Lookup, fns: Functions, loader?: TemplateLoader): unknown {
  const only = SINGLE_VAR.exec(source);
  if (only) {
    const v = vars(only[1] as string);
    if (isNumber(v) || typeof v === 'boolean' || v === null) return v;
  }
  const tree = compileJinja(source, ANSIBLE_WS, true);
  const typed = typedText(renderBare(tree, vars, fns, loader), tree.length === 1 && tree[0]?.k === 'out' ? tree[0].expr : undefined);
  return typeof typed === 'string' ? withTrailingNewlines(source, typed) : typed;
}

// rendered text typed as Ansible 2.14's concat types it: the result of to_json, to_yaml, string... (a lone
// expression's last filter, Ansible's STRING_TYPE_FILTERS) stays text; else a list, dict or boolean literal
// is read back
function typedText(text: string, lone: Expr | undefined): unknown {
  if (lone?.k === 'filter' && STRING_TYPE_FILTERS.has(lone.name)) return text;
  if (text.startsWith('{') || text.startsWith('[') || text === 'True' || text === 'False') {
    const r = literalEval(text);
    if (r.value !== text) {
      if (r.value && typeof r.value === 'object') textMade.add(r.value);
      return r.value;
    }
  }
  return text;
}

/**
 * An expression's value as `{{ expr }}` gives it in Ansible 2.14 (debug's `var`, which Ansible templates
 * so): a bare name keeps a number, boolean or null; anything else is its output text, typed as
 * renderYamlValue types it (`port + 1` is the text "6444", `nested` stays a dict).
 */
export function templatedValue(text: string, expr: Expr, value: unknown): unknown {
  if (/^\s*\w*\s*$/.test(text) && (isNumber(value) || typeof value === 'boolean' || value === null)) return value;
  return typedText(outputText(value), expr);
}

// the `#jinja2:` switches kplay follows (and DELIMITER_SETTINGS, newline_sequence)
const HEADER_SWITCHES: Record<string, 'trimBlocks' | 'lstripBlocks' | 'keepTrailingNewline'> = { trim_blocks: 'trimBlocks', lstrip_blocks: 'lstripBlocks', keep_trailing_newline: 'keepTrailingNewline' };
const NEWLINES = ['\n', '\r', '\r\n'];

/**
 * Reads a `#jinja2:` first line (`#jinja2: trim_blocks: False, variable_start_string: '[%'`) of a template
 * file over `base` (the template module's settings), as Ansible's do_template sets each key on Jinja's
 * environment with Python's literal_eval. A key kplay does not follow, or a value of the wrong kind, is a
 * JinjaError at line 1: the setting would change the output.
 */
export function fileSettings(source: string, base: WhitespaceOptions = ANSIBLE_WS): { ws: WhitespaceOptions; body: string } {
  const m = /^#jinja2:(.*)\r?\n?/.exec(source);
  if (!m) return { ws: base, body: source };
  const ws: WhitespaceOptions = { ...base };
  const bad = (message: string): JinjaError => new JinjaError({ message: `#jinja2: ${message}`, line: 1, col: 1 });
  for (const pair of (m[1] as string).split(',')) {
    const colon = pair.indexOf(':');
    if (colon === -1) throw bad(`failed to parse jinja2 override '${pair.trim()}'. Did you use something different from colon as key-value separator?`);
    const key = pair.slice(0, colon).trim();
    const text = pair.slice(colon + 1).trim();
    const value = /^(true|false)$/i.test(text) ? /^true$/i.test(text) : /^(['"]).*\1$/s.test(text) ? literalEval(text).value : undefined;
    const switchName = HEADER_SWITCHES[key];
    const delimiter = DELIMITER_SETTINGS[key];
    if (switchName) {
      if (typeof value !== 'boolean') throw bad(`${key} needs True or False, not ${text}`);
      ws[switchName] = value;
    } else if (delimiter || key === 'newline_sequence') {
      if (typeof value !== 'string' || value === '') throw bad(`${key} needs a quoted string, not ${text}`);
      if (delimiter) ws.delimiters = { ...(ws.delimiters ?? JINJA_DELIMITERS), [delimiter]: value };
      else if (NEWLINES.includes(value)) ws.newline = value;
      else throw bad(`newline_sequence must be one of '\\n', '\\r' or '\\r\\n', not ${text}`);
    } else {
      throw bad(`kplay does not follow the setting '${key}' (it follows ${[...Object.keys(HEADER_SWITCHES), ...Object.keys(DELIMITER_SETTINGS), 'newline_sequence'].join(', ')})`);
    }
  }
  return { ws, body: source.slice(m[0].length) };
}
