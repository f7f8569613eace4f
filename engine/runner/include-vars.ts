// include_vars as Ansible's action runs it: one file (found as a task's controller file is, its role's
// vars/ first), or the YAML and JSON files of a directory (dir, depth, files_matching, ignore_files,
// extensions, ignore_unknown_extensions), under `name` or as variables of their own, merged into the
// values the host has with hash_behaviour: merge. Only the dir options were read before: a `dir:` failed
// reading a directory as a file.
import { isMapping } from '../util/mapping.js';
import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { combine } from '../template/expr/filters.js';
import { statOrUndefined } from '../util/fs.js';
import { pyRegex } from '../template/expr/pyregex.js';
import { loadYamlFile } from '../yaml/load.js';

/** What include_vars needs from the task: its arguments, where it stands, and the host's current values. */
export interface IncludeVarsTask {
  args: Record<string, unknown>;
  /** The role the task is in (its path), if any. */
  rolePath: string | undefined;
  /** The directory of the file the task is written in. */
  taskDir: string;
  /** The file a `file:` names, searched for as Ansible searches (undefined: not found). */
  find(file: string): string | undefined;
  /** Ansible's message for a file not found, naming the paths searched. */
  missing(file: string): string;
  /** A variable's value for the host now (for hash_behaviour: merge). */
  current(name: string): unknown;
}

const DIR_ARGS = ['dir', 'depth', 'files_matching', 'ignore_files', 'extensions', 'ignore_unknown_extensions'];
const given = (v: unknown): boolean => v !== undefined && v !== null;

/** The task's result (failed with Ansible's `msg` or `message`) and the variables it sets when it did not fail. */
export function includeVarsResult(t: IncludeVarsTask): { result: Record<string, unknown>; vars?: Record<string, unknown> } {
  const a = t.args;
  const dirMode = DIR_ARGS.some((k) => given(a[k]));
  if (dirMode && (given(a.file) || given(a._raw_params))) return { result: { failed: true, msg: 'You are mixing file only and dir only arguments, these are incompatible' } };
  const files: string[] = [];
  const out = dirMode ? fromDir(t, files) : fromFile(t, files);
  if ('failed' in out) return { result: { changed: false, failed: true, message: out.failed, ansible_included_var_files: files, ansible_facts: {} } };
  let vars = given(a.name) ? { [String(a.name)]: out.vars } : out.vars;
  if (a.hash_behaviour === 'merge') vars = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, mergeWith(t.current(k), v)]));
  return { result: { changed: false, ansible_included_var_files: files, ansible_facts: vars }, vars };
}

// Ansible's combine_vars(old, new, merge=True): mappings merged recursively, anything else replaced
function mergeWith(old: unknown, v: unknown): unknown {
  return isMapping(old) && isMapping(v) ? combine(old, v, true, 'replace') : v;
}

type Loaded = { vars: Record<string, unknown> } | { failed: string };

// a vars file's mapping (an empty file is an empty one), or Ansible's message for anything else
function load(file: string, files: string[]): Loaded {
  const value = loadYamlFile(file, 'vars file').value;
  if (value === null || value === undefined || value === '') {
    files.push(file);
    return { vars: {} };
  }
  if (!isMapping(value)) return { failed: `${file} must be stored as a dictionary/hash` };
  files.push(file);
  return { vars: value };
}

function fromFile(t: IncludeVarsTask, files: string[]): Loaded {
  const name = String(t.args.file ?? t.args._raw_params ?? '').replace(/\n+$/, '');
  const path = t.find(name);
  return path ? load(path, files) : { failed: t.missing(name) };
}

// the directory as Ansible's _set_root_dir finds it: in a role, vars/DIR (or DIR itself when it starts with
// vars/ and is there); elsewhere next to the task's file
function rootDir(t: IncludeVarsTask, dir: string): string {
  if (!t.rolePath) return join(t.taskDir, dir);
  if (dir.split('/')[0] === 'vars') {
    const inRole = join(t.rolePath, dir);
    return statOrUndefined(inRole) ? inRole : dir;
  }
  return join(t.rolePath, 'vars', dir);
}

// os.walk (links to directories are listed, not entered) with its roots sorted; `depth` counts the first
// directories of that order, as Ansible's _traverse_dir_depth does
function walk(root: string): [string, string[]][] {
  const out: [string, string[]][] = [];
  const visit = (dir: string): void => {
    const files: string[] = [];
    const dirs: string[] = [];
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) dirs.push(e.name);
      else if (e.isSymbolicLink() && statOrUndefined(join(dir, e.name))?.isDirectory()) continue;
      else files.push(e.name);
    }
    out.push([dir, files]);
    for (const d of dirs) visit(join(dir, d));
  };
  visit(root);
  return out.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

function fromDir(t: IncludeVarsTask, files: string[]): Loaded {
  const a = t.args;
  const dir = rootDir(t, String(a.dir ?? ''));
  const st = statOrUndefined(dir);
  if (!st) return { failed: `${dir} directory does not exist` };
  if (!st.isDirectory()) return { failed: `${dir} is not a directory` };
  const depth = Number(a.depth ?? 0) || 0;
  const matcher = given(a.files_matching) ? pyRegex(String(a.files_matching), 0, {}) : undefined;
  const ignore = (Array.isArray(a.ignore_files) ? a.ignore_files : given(a.ignore_files) ? String(a.ignore_files).split(/\s+/).filter(Boolean) : []).map((p) => pyRegex(`${String(p)}$`, 0, {}));
  const extensions = Array.isArray(a.extensions) ? a.extensions.map(String) : ['yaml', 'yml', 'json'];
  const validExt = (f: string): boolean => extensions.includes(extname(f).slice(1));
  const vars: Record<string, unknown> = {};
  for (const [root, names] of depth ? walk(dir).slice(0, depth) : walk(dir)) {
    for (const name of [...names].sort()) {
      // Ansible's guard against a role's vars/main.yml (it compares paths that only meet for a file named vars/main.yml)
      if (t.rolePath && join(t.rolePath, name) === join(root, 'vars', 'main.yml')) continue;
      if (matcher && !matcher.test(name)) continue;
      if (ignore.some((r) => r.test(name))) continue;
      if (a.ignore_unknown_extensions === true && !validExt(name)) continue;
      if (!validExt(name)) return { failed: `${join(root, name)} does not have a valid extension: ${extensions.join(', ')}` };
      const got = load(join(root, name), files);
      // a failure sets no variables, so what was read before it is dropped with them
      if ('failed' in got) return got;
      Object.assign(vars, got.vars);
    }
  }
  return { vars };
}
