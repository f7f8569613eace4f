// Ansible's lookup()/query() on the controller: env, file, template, vars, first_found, pipe,
// items/list/dict. Files are searched as Ansible searches them (the role's files/ or templates/,
// the role, the playbook's files/ or templates/, the playbook's directory).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ExprError } from './expr/pyops.js';
import { BASE_FUNCTIONS } from './expr/filters.js';
import type { Functions, Lookup } from './expr/evaluate.js';

/** What lookups need from the place they are called from. */
export interface LookupContext {
  read: Lookup;
  /** Renders a Jinja template file's text with the same variables. */
  renderFile(text: string, file: string): string;
}

function dirsFor(read: Lookup, kind: 'files' | 'templates' | 'vars'): string[] {
  const role = read('role_path');
  const book = read('playbook_dir');
  const dirs: string[] = [];
  if (typeof role === 'string') dirs.push(join(role, kind), role);
  if (typeof book === 'string') dirs.push(join(book, kind), book);
  if (!dirs.length) dirs.push(process.cwd());
  return dirs;
}

function find(read: Lookup, kind: 'files' | 'templates' | 'vars', name: string): string | undefined {
  if (isAbsolute(name)) return existsSync(name) ? name : undefined;
  return dirsFor(read, kind).map((d) => resolve(d, name)).find((p) => existsSync(p));
}

function terms(args: unknown[]): unknown[] {
  return args.flatMap((a) => (Array.isArray(a) ? a : [a]));
}

type Plugin = (ctx: LookupContext, args: unknown[], kw: Record<string, unknown>, col: number) => unknown[];

const PLUGINS: Record<string, Plugin> = {
  env: (_c, args, kw) => args.map((n) => process.env[String(n)] ?? (kw.default === undefined ? '' : kw.default)),
  file: (c, args, kw, col) =>
    terms(args).map((n) => {
      const p = find(c.read, 'files', String(n));
      if (!p) throw new ExprError(`lookup('file'): could not find or access '${String(n)}' (searched the role's files/, the role, the playbook's files/ and directory)`, col);
      const text = readFileSync(p, 'utf8');
      return kw.rstrip === false ? text : text.replace(/\s+$/, '');
    }),
  template: (c, args, _kw, col) =>
    terms(args).map((n) => {
      const p = find(c.read, 'templates', String(n));
      if (!p) throw new ExprError(`lookup('template'): could not find or access '${String(n)}'`, col);
      return c.renderFile(readFileSync(p, 'utf8'), p);
    }),
  vars: (c, args, kw, col) =>
    terms(args).map((n) => {
      const v = c.read(String(n));
      if (v !== undefined) return v;
      if (kw.default !== undefined) return kw.default;
      throw new ExprError(`No variable found with this name: ${String(n)}`, col);
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
  list: (_c, args) => args,
  dict: (_c, args, _kw, col) => {
    const d = args[0];
    if (!d || typeof d !== 'object' || Array.isArray(d)) throw new ExprError("with_dict expects a dict", col);
    return Object.entries(d).map(([key, value]) => ({ key, value }));
  },
};

/** lookup() joins several results with commas as Ansible does; query() always gives the list. */
export function lookupFunctions(ctx: LookupContext): Functions {
  const run = (args: unknown[], kw: Record<string, unknown>, col: number): unknown[] => {
    const name = String(args[0] ?? '').replace(/^ansible\.builtin\./, '');
    const plugin = Object.prototype.hasOwnProperty.call(PLUGINS, name) ? PLUGINS[name] : undefined;
    if (!plugin) throw new ExprError(`lookup plugin '${name}' is not supported by kplay (supported: ${Object.keys(PLUGINS).join(', ')})`, col);
    const { wantlist: _wantlist, errors, ...rest } = kw;
    try {
      return plugin(ctx, args.slice(1), rest, col);
    } catch (e) {
      if (errors === 'ignore') return [];
      throw e;
    }
  };
  const lookup = (args: unknown[], kw: Record<string, unknown>, col: number): unknown => {
    const r = run(args, kw, col);
    if (kw.wantlist === true) return r;
    if (r.every((x) => typeof x === 'string')) return r.join(',');
    return r.length === 1 ? r[0] : r;
  };
  const query = (args: unknown[], kw: Record<string, unknown>, col: number): unknown => run(args, kw, col);
  return { ...BASE_FUNCTIONS, lookup, query, q: query };
}

/** Names of the lookup plugins kplay has (docs). */
export const LOOKUP_PLUGINS = Object.keys(PLUGINS);

