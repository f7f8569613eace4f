// Finds and reads roles: roles/NAME next to the playbook, in roles_path, at the project root, or a
// path; tasks/handlers/defaults/vars/meta main files (main, main.yml, main.yaml, main.json).
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { ParseError, type SourcePos } from '../errors.js';
import type { VarBag } from '../inventory/model.js';
import { collectionRoots } from '../modules/python/locate.js';
import { addPluginBase } from '../template/plugins/jinja-plugins.js';
import { FQCN, collectionRoleCandidates, roleCollection, searchList } from './collections.js';
import { didYouMean } from '../util/did-you-mean.js';
import { listDirVars, loadVarsFile } from '../vars/files.js';
import { loadYamlFile, nodeAt, nodePos } from '../yaml/load.js';
import type { Role, RoleContext, RoleEntry } from './model.js';
import { ROLE_ENTRY_KEYWORDS } from './keywords.js';
import { searchDirs, taskSearchPath } from '../util/search-path.js';

/** Where roles are looked for. */
export interface RoleSearch {
  playbookDir: string;
  rolesPath: string[];
  projectRoot: string | undefined;
}

/** The directories searched for a role name, in order. */
export function roleDirs(s: RoleSearch, basedir?: string): string[] {
  const dirs = [join(s.playbookDir, 'roles'), ...s.rolesPath];
  if (s.projectRoot) dirs.push(join(s.projectRoot, 'roles'));
  // a dependency is also looked for next to the role depending on it, before the playbook's directory
  if (basedir) dirs.push(basedir);
  dirs.push(s.playbookDir);
  return [...new Set(dirs.map((d) => resolve(d)))];
}

// the names Ansible tries for a role's DIR/NAME: main.yml, main.yaml, main.json, then main; a name given, as
// written first
const candidates = (name: string | undefined): string[] => (name === undefined ? ['main.yml', 'main.yaml', 'main.json', 'main'] : ['', '.yml', '.yaml', '.json'].map((e) => name + e));

/** A role's DIR/main file (or the file `name` names there): the first of Ansible's candidates that is a file. */
export function roleMainFile(rolePath: string, dir: string, name?: string): string | undefined {
  for (const c of candidates(name)) {
    const p = join(rolePath, dir, c);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return undefined;
}

/**
 * A role's files in DIR: for vars and defaults as Ansible's find_vars_files finds them (the first candidate
 * there, and when that is a directory, vars/main/ say, its files: listDirVars); for handlers the one file.
 */
function roleFiles(rolePath: string, dir: 'vars' | 'defaults' | 'handlers', name?: string): string[] {
  if (dir === 'handlers') {
    const file = roleMainFile(rolePath, dir, name);
    return file ? [file] : [];
  }
  for (const c of candidates(name)) {
    const p = join(rolePath, dir, c);
    if (!existsSync(p)) continue;
    return statSync(p).isDirectory() ? listDirVars(p) : [p];
  }
  return [];
}

/** How a role came into the play, for its identity: what Ansible's role cache hashes besides the name. */
export interface RoleUseId {
  params?: Record<string, unknown>;
  when?: unknown;
  tags?: unknown;
  vars?: unknown;
  /** tasks_from, vars_from, defaults_from, handlers_from as given. */
  from?: Record<string, unknown>;
  /** import_role and include_role (Ansible's from_include): never the same role as a `roles:` entry. */
  include: boolean;
}

/**
 * A role's identity among the runs of a play, as Ansible's role cache keys it (params, when, tags, vars,
 * the *_from files, from_include): a role runs once per host per identity unless it allows duplicates.
 */
export function roleRunKey(path: string, id: RoleUseId): string {
  return JSON.stringify([path, id.params ?? {}, id.when ?? null, id.tags ?? null, id.vars ?? null, id.from ?? {}, id.include]);
}

/** The *_from arguments an import_role or include_role gives, by directory (part of the role's identity). */
export function fromFilesOf(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const dir of ['tasks', 'vars', 'defaults', 'handlers']) if (args[`${dir}_from`] !== undefined && args[`${dir}_from`] !== null) out[dir] = args[`${dir}_from`];
  return out;
}

/** A `vars:` keyword's mapping as a variable layer (anything else is no variables). */
export function keywordVarsBag(vars: unknown): VarBag {
  return { vars: vars && typeof vars === 'object' && !Array.isArray(vars) ? { ...(vars as Record<string, unknown>) } : {}, origins: new Map() };
}

const emptyBag = (): VarBag => ({ vars: {}, origins: new Map() });

// the variables of several files, a later file's names over an earlier's (Ansible's combine_vars)
function mergedBag(files: string[]): VarBag {
  const bag = emptyBag();
  for (const f of files) {
    const b = loadVarsFile(f);
    Object.assign(bag.vars, b.vars);
    for (const [k, v] of b.origins) bag.origins.set(k, v);
  }
  return bag;
}

function isRoleDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory() && ['tasks', 'handlers', 'defaults', 'vars', 'meta'].some((d) => existsSync(join(p, d)));
}

// the directory of the collection role `ns.coll.role` in the first collection root that has it
function collectionRolePath(fqcn: string): string | undefined {
  const [, ns, coll, role] = FQCN.exec(fqcn) as string[];
  return collectionRoots()
    .map((root) => join(root, 'ansible_collections', ns as string, coll as string, 'roles', role as string))
    .find(isRoleDir);
}

/** Resolves a role name (or path) to its directory. */
export function findRole(name: string, s: RoleSearch, at: SourcePos, basedir?: string, collections?: readonly string[]): string {
  // a collection's role first: NS.COLL.ROLE, or an unqualified name through the collections search list
  const inCollections = collectionRoleCandidates(name, collections);
  for (const fq of inCollections) {
    const p = collectionRolePath(fq);
    if (p) return p;
  }
  // a name with a slash is a path (from the playbook's directory) or, as Ansible also reads it, a
  // role nested in a roles directory (`kubernetes/preinstall`)
  if (name.includes('/')) {
    const p = resolve(s.playbookDir, name);
    if (isRoleDir(p)) return p;
  }
  if (!name.startsWith('/')) {
    for (const d of roleDirs(s, basedir)) {
      const p = join(d, name);
      if (isRoleDir(p)) return p;
    }
  }
  const dirs = roleDirs(s, basedir);
  const known = dirs.flatMap((d) => (existsSync(d) && statSync(d).isDirectory() ? readdirSync(d).filter((n) => isRoleDir(join(d, n))) : []));
  const roots = inCollections.length ? `; ${inCollections.join(', ')} in the collections under ${collectionRoots().join(', ')}` : '';
  throw new ParseError(`the role '${name}' was not found`, at, didYouMean(name, known) ?? `looked in ${dirs.join(', ')}${roots}`);
}

// A role's name as Ansible shows it: a collection's role by its full name (ns.coll.role), another by its
// path below the roles directory it was found in (`kubernetes/preinstall` for roles/kubernetes/preinstall),
// else its directory's name.
function roleName(path: string): string {
  const c = roleCollection(path);
  if (c) return `${c.collection}.${c.short}`;
  const at = path.lastIndexOf('/roles/');
  return at === -1 ? basename(path) : path.slice(at + '/roles/'.length);
}

/** The directories of a role (and of a playbook) a task's controller file may be in. */
export type LocalKind = 'files' | 'templates' | 'vars';

/**
 * Where a task's `src:` is looked for, in Ansible's order (its task search path): each role of the
 * dependency chain (the task's own, then those depending on it) with kind/ (files/ or templates/) and
 * without, then the task file's directory, then the playbook's directory, with and without kind/.
 */
export function localSearchPaths(kind: LocalKind, src: string, role: RoleContext | undefined, playbookDir: string, taskDir: string): string[] {
  if (src.startsWith('/')) return [];
  return searchDirs(taskSearchPath(roleChain(role), taskDir), kind, playbookDir).map((d) => resolve(d, src));
}

/** A role's directory and those of the roles depending on it, nearest first (Ansible's dependency chain, reversed); none outside a role. */
export function roleChain(role: RoleContext | undefined): string[] {
  return role ? [role.path, ...(role.parents ?? [])] : [];
}

/** The file a task's `src:` names on the controller (see localSearchPaths), or undefined. */
export function findLocalFile(kind: LocalKind, src: string, role: RoleContext | undefined, playbookDir: string, taskDir: string): string | undefined {
  if (src.startsWith('/')) return existsSync(src) ? src : undefined;
  return localSearchPaths(kind, src, role, playbookDir, taskDir).find((p) => existsSync(p));
}

/** Ansible's message for a `src:` found nowhere, with the paths searched. */
export function localNotFound(kind: LocalKind, src: string, role: RoleContext | undefined, playbookDir: string, taskDir: string): string {
  const searched = localSearchPaths(kind, src, role, playbookDir, taskDir);
  return `Could not find or access '${src}'${searched.length ? `\nSearched in:\n\t${searched.join('\n\t')}` : ''} on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option`;
}

const roleCache = new Map<string, Role>();

/** The files an import_role or include_role reads instead of a role's main ones (vars_from, defaults_from, handlers_from). */
export interface RoleFrom {
  vars?: string | undefined;
  defaults?: string | undefined;
  handlers?: string | undefined;
}

// the files a *_from names in the role's DIR (as written, or with .yml, .yaml, .json; for vars and defaults
// a directory's files), which must stay inside DIR; Ansible's messages for none found and one outside
function roleFromFiles(path: string, role: string, dir: 'vars' | 'defaults' | 'handlers', name: string, at: SourcePos): string[] {
  const files = roleFiles(path, dir, name);
  if (!files.length) throw new ParseError(`Could not find specified file in role: ${dir}/${name}`, at, `the files in ${join(path, dir)} are the choices`);
  const outside = files.find((f) => relative(join(path, dir), f).startsWith('..'));
  if (outside) throw new ParseError(`Failed loading '${outside}' for role (${role}) as it is not inside the expected role path: '${join(path, dir)}'`, at);
  return files;
}

/**
 * Reads a role's files once per run (defaults, vars, meta dependencies; task files by path). Its path is
 * the directory's real one (a role reached through a symbolic link is where the link leads, as Ansible's
 * unfrackpath makes it); its name is what it was found as. `from` (an include's vars_from, defaults_from,
 * handlers_from) makes another role of the same path, as Ansible's role cache keys a role by them too.
 */
export function loadRole(found: string, from: RoleFrom = {}, at: SourcePos = { file: found }): Role {
  // a role's filter_plugins/ and test_plugins/ are the run's once it is loaded, as Ansible's are (a
  // collection's role has its collection's plugins, by their full names)
  if (!roleCollection(found)) addPluginBase(found);
  const chosen = Object.entries(from).filter(([, v]) => v !== undefined);
  const cacheKey = chosen.length ? `${found}\0${JSON.stringify(chosen)}` : found;
  const hit = roleCache.get(cacheKey);
  if (hit) return hit;
  const path = realpathSync(found);
  const pick = (dir: 'vars' | 'defaults' | 'handlers'): string[] => {
    const name = from[dir];
    return name === undefined ? roleFiles(path, dir) : roleFromFiles(path, roleName(found), dir, name, at);
  };
  const metaFile = roleMainFile(path, 'meta');
  let dependencies: RoleEntry[] = [];
  let allowDuplicates = false;
  let metaCollections: string[] | undefined;
  let argumentSpecs: Role['argumentSpecs'] = {};
  // meta/argument_specs.yml wins over meta/main's argument_specs, as in Ansible
  const specsFile = roleMainFile(path, 'meta', 'argument_specs');
  const specsOf = (v: unknown, file: string): Role['argumentSpecs'] => {
    const specs = v && typeof v === 'object' ? (v as Record<string, unknown>).argument_specs : undefined;
    if (specs === undefined || specs === null) return {};
    if (typeof specs !== 'object' || Array.isArray(specs)) throw new ParseError('argument_specs must be a mapping of entry points (main, ...) to their specs', { file });
    return specs as Role['argumentSpecs'];
  };
  if (specsFile) argumentSpecs = specsOf(loadYamlFile(specsFile, 'role argument specs file').value, specsFile);
  if (metaFile) {
    const y = loadYamlFile(metaFile, 'role meta file');
    const meta = y.value;
    if (meta !== null && meta !== undefined) {
      if (typeof meta !== 'object' || Array.isArray(meta)) throw new ParseError('a role meta file must be a mapping', nodePos(y, y.doc.contents));
      const m = meta as Record<string, unknown>;
      allowDuplicates = m.allow_duplicates === true;
      if (m.collections !== undefined && m.collections !== null && (Array.isArray(m.collections) ? m.collections.some((c) => typeof c !== 'string') : typeof m.collections !== 'string')) throw new ParseError('collections must be a list of collection names (ns.coll)', nodePos(y, nodeAt(y, ['collections'])));
      metaCollections = searchList(m.collections);
      if (!specsFile) argumentSpecs = specsOf(m, metaFile);
      const deps = m.dependencies ?? [];
      if (!Array.isArray(deps)) throw new ParseError('dependencies must be a list of roles', nodePos(y, nodeAt(y, ['dependencies'])));
      dependencies = deps.map((d, i) => ({ ...parseRoleEntry(d, nodePos(y, nodeAt(y, ['dependencies', i]))), basedir: dirname(path) }));
    }
  }
  const role: Role = {
    name: roleName(found),
    path,
    id: chosen.length ? `${path}\0${JSON.stringify(chosen)}` : path,
    defaults: mergedBag(pick('defaults')),
    vars: mergedBag(pick('vars')),
    tasksFile: roleMainFile(path, 'tasks'),
    handlersFile: pick('handlers')[0],
    dependencies,
    allowDuplicates,
    argumentSpecs,
    collections: roleSearchList(found, metaCollections),
  };
  roleCache.set(cacheKey, role);
  return role;
}

// a role's collections search list: its own collection first when it lives in one, then its meta/main's
// `collections:` (undefined when it has neither: its tasks resolve names as usual)
function roleSearchList(path: string, meta: string[] | undefined): string[] | undefined {
  const own = roleCollection(path)?.collection;
  const list = [...(own ? [own] : []), ...(meta ?? []).filter((c) => c !== own)];
  return list.length ? list : undefined;
}

/** A `roles:` / dependencies entry: a name, or a mapping with role/name, keywords and parameters. */
export function parseRoleEntry(raw: unknown, at: SourcePos): RoleEntry {
  if (typeof raw === 'string') return { name: raw, keywords: {}, params: {}, pos: at };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ParseError('a role entry must be a role name or a mapping with "role:"', at);
  const entry = raw as Record<string, unknown>;
  const name = entry.role ?? entry.name;
  if (typeof name !== 'string' || !name) throw new ParseError('a role entry needs "role: NAME"', at, 'e.g. - role: keepalived');
  const keywords: Record<string, unknown> = {};
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'role' || (k === 'name' && entry.role === undefined)) continue;
    if (k in ROLE_ENTRY_KEYWORDS) keywords[k] = v;
    else params[k] = v;
  }
  return { name, keywords, params, pos: at };
}

/** Forgets loaded roles (tests reuse paths). */
export function clearRoleCache(): void {
  roleCache.clear();
}
