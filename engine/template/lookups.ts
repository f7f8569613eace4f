// Ansible's lookup()/query() on the controller: env, file, template, vars, varnames, first_found, pipe,
// items/list/dict, indexed_items, together, nested, sequence, subelements, fileglob, inventory_hostnames,
// password. Files are searched
// as Ansible searches them (each directory of the task's ansible_search_path with files/ or templates/
// and without, then the playbook's directory).
import { readControllerFile } from '../vault/vault.js';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { Inventory } from '../inventory/model.js';
import { PyTuple } from '../inventory/python-literal.js';
import { PatternMatcher, globToRegExp } from '../inventory/patterns.js';
import { pyRepr } from '../util/python-repr.js';
import { percentFormat } from './expr/percent.js';
import { ExprError, typeName } from './expr/pyops.js';
import { pyRegex } from './expr/pyregex.js';
import { passwordLookup } from './lookup-password.js';
import { adjacentLookup, pythonLookup, runPythonLookup, type LookupFound } from './plugins/lookup-plugins.js';
import { BASE_FUNCTIONS } from './expr/filters.js';
import { Undefined, UndefinedError, copyData, undefinedHint, undefinedMessage, type Functions, type Lookup } from './expr/evaluate.js';
import { searchDirs } from '../util/search-path.js';
import { templateWarning } from './warnings.js';
import { ANSIBLE_WS, DELIMITER_SETTINGS, JINJA_DELIMITERS, type Delimiters, type WhitespaceOptions } from './jinja/lexer.js';
import { ansibleTemplateVars } from './template-vars.js';
import { parseBool } from './helpers.js';
import { isMapping } from '../util/mapping.js';

/** What lookups need from the place they are called from. */
export interface LookupContext {
  read: Lookup;
  /** Renders a Jinja template file's text with the same variables (and `extra` ones over them), with Jinja's `settings`. */
  renderFile(text: string, file: string, extra?: Record<string, unknown>, settings?: WhitespaceOptions): string;
  /** The variables as written (untemplated), for a lookup Ansible runs (its templar renders what it reads). */
  rawVars(): Record<string, unknown>;
}

const stringOr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

// where a lookup looks for a relative file, as Ansible's find_file_in_search_path: the task's
// ansible_search_path (else the role's directory, else the playbook's), then the playbook's directory
function dirsFor(read: Lookup, kind: 'files' | 'templates' | 'vars'): string[] {
  return searchDirs(searchPathOf(read), kind, baseDir(read));
}

// Ansible's loader basedir: the playbook's directory
const baseDir = (read: Lookup): string => stringOr(read('playbook_dir')) ?? process.cwd();

// the task's ansible_search_path, else the lookup's basedir (the role's directory, else the playbook's)
function searchPathOf(read: Lookup): string[] {
  const path = read('ansible_search_path');
  return Array.isArray(path) ? path.map(String) : [stringOr(read('role_path')) ?? baseDir(read)];
}

function find(read: Lookup, kind: 'files' | 'templates' | 'vars', name: string): string | undefined {
  if (isAbsolute(name)) return existsSync(name) ? name : undefined;
  return dirsFor(read, kind).map((d) => resolve(d, name)).find((p) => existsSync(p));
}

// find, warning as Ansible's find_file_in_search_path does of a file found nowhere
function findOrWarn(read: Lookup, kind: 'files' | 'templates', name: string): string | undefined {
  const p = find(read, kind, name);
  if (!p) templateWarning({ msg: `Unable to find '${name}' in expected paths (use -vvvvv to see paths)`, deprecation: false });
  return p;
}

// a lookup plugin that raised an AnsibleError (not its AnsibleLookupError), in Ansible's words: `warned`
// is the text errors='warn' prints, the message repeats the original as Ansible's AnsibleError(orig_exc) does
class LookupFailed extends ExprError {
  constructor(
    readonly warned: string,
    original: string,
    col: number,
  ) {
    super(`${warned}. ${original}`, col);
  }
}

const lookupFailed = (plugin: string, msg: string, col: number): LookupFailed =>
  new LookupFailed(`An unhandled exception occurred while running the lookup plugin '${plugin}'. Error was a <class 'ansible.errors.AnsibleError'>, original message: ${msg}`, msg, col);

// a lookup's boolean option, read as Ansible reads a bool option (yes, no, 1, 0, ...)
function boolOption(plugin: string, kw: Record<string, unknown>, name: string, dflt: boolean, col: number): boolean {
  if (kw[name] === undefined || kw[name] === null) return dflt;
  const b = parseBool(kw[name]);
  if (b === null) throw new ExprError(`Invalid type for configuration option lookup_${plugin}: ${name}: ${pyRepr(kw[name])} is not a valid boolean`, col);
  return b;
}

function terms(args: unknown[]): unknown[] {
  return args.flatMap((a) => (Array.isArray(a) ? a : [a]));
}

// with_sequence: start=1 end=5 stride=1 format=%d (or count=N), or the shortcut [start-]end[/stride][:format]
function sequence(term: string, kw: Record<string, unknown>, col: number): string[] {
  const o: Record<string, string> = {};
  const text = term.trim();
  const short = /^(?:(-?(?:0x)?[0-9a-f]+)-)?(-?(?:0x)?[0-9a-f]+)(?:\/(-?(?:0x)?[0-9a-f]+))?(?::(.+))?$/i.exec(text);
  if (text && !text.includes('=') && short) {
    if (short[1] !== undefined) o.start = short[1];
    o.end = short[2] as string;
    if (short[3] !== undefined) o.stride = short[3];
    if (short[4] !== undefined) o.format = short[4];
  } else {
    for (const part of text.split(/\s+/).filter(Boolean)) {
      const eq = part.indexOf('=');
      if (eq < 0) throw new ExprError(`with_sequence: can't parse arg ${JSON.stringify(part)} in ${JSON.stringify(term)}`, col);
      o[part.slice(0, eq)] = part.slice(eq + 1);
    }
  }
  for (const [k, v] of Object.entries(kw)) if (!k.startsWith('_')) o[k] = String(v);
  for (const k of Object.keys(o)) if (!['start', 'end', 'count', 'stride', 'format'].includes(k)) throw new ExprError(`with_sequence: unrecognized arguments to with_sequence: ${k}`, col);
  const num = (k: string, d: number): number => {
    if (o[k] === undefined) return d;
    const n = Number(o[k]);
    if (!Number.isInteger(n)) throw new ExprError(`with_sequence: can't parse ${k}=${o[k]} as integer`, col);
    return n;
  };
  const start = num('start', 1);
  const stride = num('stride', 1);
  if (o.count !== undefined && o.end !== undefined) throw new ExprError("with_sequence: can't specify both count and end", col);
  if (o.count === undefined && o.end === undefined) throw new ExprError("with_sequence: must specify count or end", col);
  // Ansible's sanity_check: count becomes an end (none at all for count=0), a stride against the
  // direction is refused, and the format takes exactly one %
  const count = o.count !== undefined ? num('count', 0) : undefined;
  const [first, end, step] = count === undefined ? [start, num('end', 0), stride] : count !== 0 ? [start, start + count * stride - 1, stride] : [0, 0, 0];
  if (step > 0 && end < first) throw new ExprError('with_sequence: to count backwards make stride negative', col);
  if (step < 0 && end > first) throw new ExprError("with_sequence: to count forward don't make stride negative", col);
  const format = o.format ?? '%d';
  if (format.split('%').length !== 2) throw new ExprError(`with_sequence: bad formatting string: ${format}`, col);
  const item = (i: number): string => {
    try {
      return percentFormat(format, i, col);
    } catch {
      throw new ExprError(`with_sequence: problem formatting ${i} with ${pyRepr(format)}`, col);
    }
  };
  const out: string[] = [];
  // Python's range(first, end + adjust, step)
  if (step > 0) for (let i = first; i <= end; i += step) out.push(item(i));
  else if (step < 0) for (let i = first; i >= end; i += step) out.push(item(i));
  return out;
}

// with_subelements: [list (or mapping of them), 'key.sub', {skip_missing}] -> [element, subelement] pairs
function subelements(args: unknown[], col: number): unknown[] {
  const [outer, key, flags] = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (typeof key !== 'string') throw new ExprError('subelements lookup expects a list of two or three items: a list (or mapping), a key and optionally {skip_missing}', col);
  const skipMissing = !!flags && typeof flags === 'object' && (flags as Record<string, unknown>).skip_missing === true;
  const elements = Array.isArray(outer) ? outer : outer && typeof outer === 'object' ? Object.values(outer) : undefined;
  if (!elements) throw new ExprError('subelements lookup expects a list or a mapping as its first item', col);
  const out: unknown[] = [];
  for (const el of elements) {
    if (el && typeof el === 'object' && (el as Record<string, unknown>).skipped === true) continue;
    // as Ansible: the element comes without the subelement's key (it pops the list out of the element)
    const copy = copyData(el) as Record<string, unknown>;
    const parts = key.split('.');
    let holder: unknown = copy;
    for (const part of parts.slice(0, -1)) holder = holder && typeof holder === 'object' && !Array.isArray(holder) ? (holder as Record<string, unknown>)[part] : undefined;
    const leaf = parts[parts.length - 1] as string;
    if (!holder || typeof holder !== 'object' || Array.isArray(holder) || !(leaf in (holder as Record<string, unknown>))) {
      if (skipMissing) continue;
      throw new ExprError(`could not find '${key}' key in iterated item ${JSON.stringify(el)}`, col);
    }
    const sub = (holder as Record<string, unknown>)[leaf];
    if (!Array.isArray(sub)) throw new ExprError(`the key ${key} should point to a list, got ${JSON.stringify(sub)}`, col);
    delete (holder as Record<string, unknown>)[leaf];
    for (const x of sub) out.push([copy, x]);
  }
  return out;
}

type Plugin = (ctx: LookupContext, args: unknown[], kw: Record<string, unknown>, col: number) => unknown[];

const PLUGINS: Record<string, Plugin> = {
  env: (_c, args, kw) => args.map((n) => process.env[String(n)] ?? (kw.default === undefined ? '' : kw.default)),
  file: (c, args, kw, col) => {
    const lstrip = boolOption('file', kw, 'lstrip', false, col);
    const rstrip = boolOption('file', kw, 'rstrip', true, col);
    return terms(args).map((n) => {
      const p = findOrWarn(c.read, 'files', String(n));
      if (!p) throw lookupFailed('file', `could not locate file in lookup: ${String(n)}`, col);
      const text = readControllerFile(p).toString('utf8');
      const left = lstrip ? text.replace(/^\s+/, '') : text;
      return rstrip ? left.replace(/\s+$/, '') : left;
    });
  },
  // the template's variables over the task's: Ansible's template vars, then template_vars; the variable and
  // comment delimiters the options give (its environment's trim_blocks on, lstrip_blocks off)
  template: (c, args, kw, col) => {
    const extra = kw.template_vars ?? {};
    if (!isMapping(extra)) throw new ExprError(`Invalid type for configuration option lookup_template: template_vars: ${pyRepr(extra)} is not a dictionary`, col);
    if (!boolOption('template', kw, 'convert_data', true, col)) throw new ExprError("kplay's template lookup does not take convert_data=False: its text is typed as any template's (leave convert_data out, or use the template module)", col);
    boolOption('template', kw, 'jinja2_native', false, col); // (on only where the global jinja2_native is, which kplay does not take)
    let delimiters: Delimiters | undefined;
    // (the lookup takes the variable and comment delimiters, not the block ones)
    for (const [option, key] of Object.entries(DELIMITER_SETTINGS).filter(([k]) => !k.startsWith('block_'))) {
      const v = kw[option];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string' || v === '') throw new ExprError(`the template lookup's ${option} must be a string that is not empty, got ${pyRepr(v)}`, col);
      delimiters = { ...(delimiters ?? JINJA_DELIMITERS), [key]: v };
    }
    return terms(args).map((n) => {
      const p = findOrWarn(c.read, 'templates', String(n));
      if (!p) throw lookupFailed('template', `the template file ${String(n)} could not be found for the lookup`, col);
      return c.renderFile(readControllerFile(p).toString('utf8'), p, { ...ansibleTemplateVars(String(n), p, null), ...extra }, { ...ANSIBLE_WS, delimiters });
    });
  },
  vars: (c, args, kw, col) =>
    terms(args).map((n) => {
      const v = c.read(String(n));
      // a variable whose own template names an undefined one: the default where given, as Ansible's lookup
      if (v instanceof Undefined) {
        if (kw.default !== undefined && kw.default !== null) return kw.default;
        throw new UndefinedError(undefinedMessage(v), col, undefinedHint(v));
      }
      if (v !== undefined) return v;
      if (kw.default !== undefined) return kw.default;
      throw new UndefinedError(`No variable found with this name: ${String(n)}`, col);
    }),
  // terms are file names, lists of them, or {files, paths, skip}; names split on , and ;, paths also on :
  // searched in the role's files/ (templates/ for template, vars/ for include_vars) and the playbook's
  first_found: (c, args, kw, col) => {
    const sub = (kw._subdir ?? 'files') as 'files' | 'templates' | 'vars';
    let skip = kw.skip === true;
    const candidates: string[] = [];
    const add = (files: unknown, paths: unknown): void => {
      const names = terms([files ?? []]).flatMap((f) => String(f).split(/[,;]/)).map((f) => f.trim()).filter(Boolean);
      const dirs = terms([paths ?? []]).flatMap((p) => String(p).split(/[,:;]/)).map((p) => p.trim()).filter(Boolean);
      for (const f of names) candidates.push(...(dirs.length && !isAbsolute(f) ? dirs.map((d) => join(d, f)) : [f]));
    };
    for (const t of terms(args)) {
      if (t && typeof t === 'object' && !Array.isArray(t)) {
        const spec = t as Record<string, unknown>;
        add(spec.files, spec.paths);
        if (spec.skip === true) skip = true;
      } else add(t, kw.paths);
    }
    if (kw.files !== undefined) add(kw.files, kw.paths);
    for (const cand of candidates) {
      const p = find(c.read, sub, cand);
      if (p) return [p];
    }
    if (skip) return [];
    throw new ExprError(`No file was found when using first_found (looked for: ${candidates.join(', ')})`, col);
  },
  pipe: (_c, args, _kw, col) =>
    args.map((cmd) => {
      try {
        return execFileSync('/bin/sh', ['-c', String(cmd)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).replace(/\s+$/, '');
      } catch (e) {
        throw new ExprError(`lookup('pipe'): '${String(cmd)}' failed: ${(e as Error).message.split('\n')[0]}`, col);
      }
    }),
  items: (_c, args) => terms(args),
  indexed_items: (_c, args) => terms(args).map((v, i) => PyTuple.from([i, v])),
  // lists side by side, the shorter ones filled with None (zip_longest)
  together: (_c, args, _kw, col) => {
    const lists = args.map((a) => (Array.isArray(a) ? a : [a]));
    if (!lists.length) throw new ExprError('with_together requires at least one element in each list', col);
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : null)));
  },
  // every combination, the first list varying slowest (itertools.product)
  nested: (_c, args, _kw, col) => {
    const lists = args.map((a) => (Array.isArray(a) ? a : [a]));
    if (!lists.length) throw new ExprError('with_nested requires at least one element in the nested list', col);
    return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((prefix) => l.map((x) => [...prefix, x])), [[]]);
  },
  sequence: (_c, args, kw, col) => args.flatMap((t) => sequence(typeof t === 'string' ? t : '', kw, col)),
  subelements: (_c, args, _kw, col) => subelements(args, col),
  // file names matching a glob in the last path part, as Ansible's: a name with a directory globs in the
  // first place that directory is found; a bare one in the first of ansible_search_path's directories
  // (files/ first) where it matches anything
  fileglob: (c, args) =>
    terms(args).flatMap((t) => {
      const term = String(t);
      const re = globToRegExp(basename(term));
      const dirs = basename(term) !== term ? [findOrWarn(c.read, 'files', dirname(term))] : searchPathOf(c.read).flatMap((p) => [join(p, 'files'), p]);
      for (const dir of dirs) {
        if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) continue;
        const found = readdirSync(dir)
          .filter((f) => re.test(f) && statSync(join(dir, f)).isFile())
          .sort()
          .map((f) => join(dir, f));
        if (found.length) return found;
      }
      return [];
    }),
  // the hosts the patterns name, from the `groups` variable (add_host and group_by included), as Ansible's
  // lookup builds an inventory of its own from it; a pattern that cannot be matched gives no hosts
  inventory_hostnames: (c, args) => {
    const inv = new Inventory();
    const groups = c.read('groups');
    if (groups && typeof groups === 'object') {
      for (const [g, hosts] of Object.entries(groups as Record<string, unknown>)) {
        inv.addGroup(g);
        for (const h of Array.isArray(hosts) ? hosts : []) inv.addHost(String(h), g);
      }
    }
    try {
      return new PatternMatcher(inv).hosts(terms(args).map(String)).map((h) => h.name);
    } catch {
      return [];
    }
  },
  list: (_c, args) => args,
  password: (c, args, kw, col) => terms(args).map((t) => passwordLookup(String(t), kw, stringOr(c.read('playbook_dir')), col)),
  // the names of the variables a Python regular expression finds (re.search), for each term in turn
  varnames: (c, args, _kw, col) => {
    const names = Object.keys((c.read('vars') as Record<string, unknown> | undefined) ?? {});
    return args.flatMap((t) => {
      if (typeof t !== 'string') throw new ExprError(`Invalid setting identifier, "${String(t)}" is not a string, it is a ${typeName(t)}`, col);
      const re = pyRegex(t, col, {});
      return names.filter((n) => re.test(n));
    });
  },
  dict: (_c, args, _kw, col) => {
    const d = args[0];
    if (!d || typeof d !== 'object' || Array.isArray(d)) throw new ExprError("with_dict expects a dict", col);
    return Object.entries(d).map(([key, value]) => ({ key, value }));
  },
};

/** lookup() joins several results with commas as Ansible does; query() always gives the list. */
// a lookup whose failure errors= ignores (no result: lookup gives None, query an empty list)
const IGNORED: unknown[] = [];

export function lookupFunctions(ctx: LookupContext): Functions {
  const run = (args: unknown[], kw: Record<string, unknown>, col: number): unknown[] => {
    const written = String(args[0] ?? '');
    const name = written.replace(/^ansible\.builtin\./, '');
    // a lookup_plugins/ file of that name wins over kplay's own, as over Ansible's built-in one
    const plugin = Object.prototype.hasOwnProperty.call(PLUGINS, name) && !adjacentLookup(written) ? PLUGINS[name] : undefined;
    if (!plugin && !pythonLookup(written).exists) throw new ExprError(`lookup plugin '${written}' is not supported by kplay (supported: ${Object.keys(PLUGINS).join(', ')})`, col);
    const { wantlist: _wantlist, errors, ...rest } = kw;
    try {
      // one kplay has not runs as Ansible's, with the variables as written
      if (!plugin) return runPythonLookup(written, args.slice(1), rest, ctx.rawVars(), stringOr(ctx.read('playbook_dir')) ?? process.cwd(), col);
      return plugin(ctx, args.slice(1), rest, col);
    } catch (e) {
      // errors='warn' or 'ignore': no result (a warning first), as Ansible's; an undefined variable fails anyway
      if ((errors !== 'warn' && errors !== 'ignore') || !(e instanceof ExprError) || e instanceof UndefinedError) throw e;
      if (errors === 'warn') templateWarning({ msg: e instanceof LookupFailed ? e.warned : `Lookup failed but the error is being ignored: ${e.message}`, deprecation: false });
      return IGNORED;
    }
  };
  const lookup = (args: unknown[], kw: Record<string, unknown>, col: number): unknown => {
    const r = run(args, kw, col);
    if (r === IGNORED) return kw.wantlist === true ? [] : null;
    if (kw.wantlist === true) return r;
    if (r.every((x) => typeof x === 'string')) return r.join(',');
    return r.length === 1 ? r[0] : r;
  };
  const query = (args: unknown[], kw: Record<string, unknown>, col: number): unknown => {
    const r = run(args, kw, col);
    return r === IGNORED ? [] : r;
  };
  return { ...BASE_FUNCTIONS, lookup, query, q: query };
}

/** Names of the lookup plugins kplay has (docs). */
export const LOOKUP_PLUGINS = Object.keys(PLUGINS);

/** The hint for a lookup neither kplay nor Ansible on this controller has. */
export function lookupHint(found: LookupFound): string {
  return `kplay's lookups: ${LOOKUP_PLUGINS.join(', ')}; ${found.why ?? "ansible-core's lookup loader here finds none of that name either"}`;
}

/** Whether a lookup name (as written: ansible.builtin.x, a collection's) runs: kplay's own, or Ansible's on this controller; why not otherwise. */
export function lookupAvailable(written: string): LookupFound {
  if (LOOKUP_PLUGINS.includes(written.replace(/^ansible\.builtin\./, ''))) return { exists: true };
  return pythonLookup(written);
}

