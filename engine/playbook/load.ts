// Loads and validates a playbook down to every task: keywords (types checked with ajv, unknown ones
// with "did you mean"), modules and their arguments, conditions, blocks, imports and includes, roles
// with dependencies, handlers and notify targets. Every problem stops the run before any host is
// touched, with file:line:col.
import { isMapping } from '../util/mapping.js';
import { isNumber } from '../util/py-float.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import { ParseError, type SourcePos } from '../errors.js';
import type { VarBag } from '../inventory/model.js';
import { actionGroupActions, qualifiedGroup } from '../modules/python/action-groups.js';
import { locatePythonModule, type PythonModule } from '../modules/python/locate.js';
import { META_ACTIONS, MODULES, resolveModuleName, type ModuleSpec } from '../modules/specs.js';
import { templateSettings } from '../modules/template.js';
import { compileCondition } from '../template/condition.js';
import { toBool } from '../template/helpers.js';
import { isTemplate, parseFile, parseTemplate } from '../template/render.js';
import { lookupAvailable, lookupHint } from '../template/lookups.js';
import { addPluginBase } from '../template/plugins/jinja-plugins.js';
import { didYouMean } from '../util/did-you-mean.js';
import { loadYamlFile, nodeAt, nodePos, type YamlFile } from '../yaml/load.js';
import { BLOCK_KEYWORDS, PLAY_KEYWORDS, ROLE_ENTRY_KEYWORDS, TASK_KEYWORDS, UNSUPPORTED_KEYWORDS, checkKeywordTypes } from './keywords.js';
import type { BlockNode, ModuleDefaults, Play, PlayNode, Role, RoleContext, RoleEntry, RoleNames, TaskNode } from './model.js';
import { bareIncludeArgs, isBareInclude, LOAD_DEPRECATION } from './bare-include.js';
import { checkModuleArgs, convertArgs, defaultsFor, parseKv, splitModuleString } from './module-args.js';
import { loadPlays, type PlayHeader } from './plays.js';
import { qualifyModule, searchList } from './collections.js';
import { findLocalFile, findRole, fromFilesOf, keywordVarsBag, loadRole, parseRoleEntry, roleDirs, roleMainFile, roleRunKey, type RoleFrom, type RoleSearch } from './roles.js';

/** A place in a YAML file: the file and the path of keys/indexes to a node. */
interface Cursor {
  y: YamlFile;
  path: (string | number)[];
}

const at = (c: Cursor, ...sub: (string | number)[]): Cursor => ({ y: c.y, path: [...c.path, ...sub] });
const posOf = (c: Cursor, key = false): SourcePos => nodePos(c.y, nodeAt(c.y, c.path, { key }));

/** Tags as Ansible normalises them: a list, or comma-separated text. */
export function tagList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String);
  return String(v).split(',').map((t) => t.trim()).filter(Boolean);
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** Everything the loader needs beyond the file itself. */
export interface LoadOptions extends RoleSearch {
  /** The config's `library` directories, where Ansible's modules are looked for too. */
  library?: string[] | undefined;
  /** The -M directories, searched after the playbook's library/ and before a role's (the order Ansible adds them to its module loader). */
  modulePath?: string[] | undefined;
  /** Told each deprecated form the playbook uses (the words of Ansible's warning), to be shown once. */
  deprecate?: ((msg: string) => void) | undefined;
}

/** Loads every play of a playbook (following import_playbook). */
export function loadPlaybook(file: string, opts: LoadOptions): Play[] {
  // a play's roles and library/ are found from its own playbook's directory (an imported one's), as
  // Ansible's loader basedir is that directory while it loads the play
  // (and, as Ansible's, its filter_plugins/ and test_plugins/ are the run's from then on)
  return loadPlays(file).map((h) => {
    addPluginBase(dirname(h.file));
    return new PlayLoader(h, { ...opts, playbookDir: dirname(h.file) }).load();
  });
}

/** Loads a task file named by include_tasks when it runs (validated like any other; the including task's module_defaults apply). */
export function loadIncludedTasks(file: string, opts: LoadOptions, role: RoleContext | undefined, tags: string[], defaults?: ModuleDefaults, collections?: string[]): IncludedTasks {
  return new PlayLoader(undefined, opts, defaults, collections).included(file, role, tags);
}

/** The tasks of a file include_tasks loads, and what its import_roles bring the play when it does (as Ansible appends them to the play's roles). */
export interface IncludedTasks {
  nodes: PlayNode[];
  /** The roles its import_roles use (their dependencies too), for their defaults. */
  roles: Role[];
  /** Their variables, which every later task of the play sees. */
  vars: VarBag[];
  handlers: { role: Role; handlers: PlayNode[] }[];
  /** The names of the roles its import_roles bring and of their dependencies. */
  names: RoleNames;
}

/** The task an `action: "{{ ... }}"` task is on a host whose variables name `module` (a ParseError where kplay cannot run it). */
export function resolveTemplatedAction(task: TaskNode, module: string, opts: LoadOptions): TaskNode {
  return new PlayLoader(undefined, opts, task.moduleDefaults, task.collections).templatedAction(task, module);
}

// the chain an include_role or import_role in `role` gives the role it brings: `role`, then those that brought it
function includerChain(role: RoleContext | undefined): { name: string; path: string }[] | undefined {
  return role ? [{ name: role.name, path: role.path }, ...(role.includedBy ?? [])] : undefined;
}

/** Loads a role named by include_role when it runs (its arguments templated: name, the *_from files, rolespec_validate; the include's `vars:`). */
export function loadIncludedRole(args: Record<string, unknown>, vars: unknown, opts: LoadOptions, tags: string[], at: SourcePos, defaults?: ModuleDefaults, collections?: string[], parent?: RoleContext): IncludedRole {
  return new PlayLoader(undefined, opts, defaults, collections).includedRole(args, vars, tags, at, parent);
}

/** A role include_role loads: the role, it and its dependencies (variables), the tasks to run, and each role's handlers. */
export interface IncludedRole {
  role: Role;
  roles: Role[];
  nodes: PlayNode[];
  handlers: { role: Role; handlers: PlayNode[] }[];
  /** The role's variables (Role.get_vars): its dependencies', the include's `vars:`, its vars files. */
  vars: VarBag[];
  /** The roles its tasks' import_roles use (their dependencies too) and their variables, which Ansible appends to the play's roles when it loads the role. */
  imported: { roles: Role[]; vars: VarBag[] };
  /** The names of the roles its import_roles bring and of their dependencies (the play's whether or not it is public). */
  names: RoleNames;
  /** The names of its own dependencies (the play's when it is public). */
  ownDependencies: string[];
}

/** The files an import_role or include_role names instead of the role's main ones; Ansible's error for one not a string. */
export function roleFromArgs(args: Record<string, unknown>, at: SourcePos): RoleFrom {
  const from: RoleFrom = {};
  for (const dir of ['vars', 'defaults', 'handlers'] as const) {
    const v = args[`${dir}_from`];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new ParseError(`Expected a string for ${dir}_from but got ${Array.isArray(v) ? 'a list' : typeof v} instead`, at);
    from[dir] = v;
  }
  return from;
}

// rolespec_validate: false leaves out the check of the role's variables against its argument spec
const validatesSpec = (args: Record<string, unknown>): boolean => toBool(args.rolespec_validate) !== false;

/** Resolves the file of an include_tasks: the role's tasks/ first, then relative to the including file. */
export function includedTaskFile(file: string, role: RoleContext | undefined, baseDir: string): string | undefined {
  const candidates = role ? [join(role.path, 'tasks', file), resolve(baseDir, file)] : [resolve(baseDir, file)];
  return candidates.find((p) => existsSync(p));
}

const CONDITION_KEYS = ['when', 'changed_when', 'failed_when', 'until'];

class PlayLoader {
  private readonly roles = new Map<string, Role>();
  // the variables the play's tasks see from its roles: each roles: entry and import_role in turn
  private readonly playRoleVars: VarBag[] = [];
  // roles include_role names (a fixed name): tasks may notify their handlers
  private readonly handlerRoles = new Map<string, Role>();
  private readonly handlerNames = new Set<string>();
  // the files include_tasks names, checked at load once each
  private readonly includeChecked = new Set<string>();
  private readonly notifies: { name: string; pos: SourcePos }[] = [];
  // the module_defaults in force where the loader is (play, role, blocks, the task: inner ones win per module)
  private defaults: ModuleDefaults;
  // above 0 while loading what an include (include_tasks, include_role) brings at run time
  private dynamic: number;
  // the roles and variables an import_role there brings: the play's only once the include runs
  private readonly brought = new Map<string, Role>();
  // the roles of those an import_role brought (with their dependencies), by id
  private readonly imported = new Set<string>();
  private readonly broughtVars: VarBag[] = [];
  // the collections search list in force where the loader is: the play's, a role's, a block's, a task's
  // (undefined: names resolve as usual)
  private collections: string[] | undefined;
  // while an include_role or import_role in a role loads its role: that role and those that brought it, nearest first
  private includer: { name: string; path: string }[] | undefined;
  // the names of the play's roles (roles: entries, import_roles; those an include brings: the play's once it runs) and of their dependencies
  private readonly names: RoleNames = { play: [], dependencies: [] };

  constructor(
    private readonly header: PlayHeader | undefined,
    private readonly opts: LoadOptions,
    defaults: ModuleDefaults = {},
    collections?: string[],
  ) {
    this.defaults = defaults;
    this.collections = collections;
    // a loader made for an include at run time loads only what it brings
    this.dynamic = header ? 0 : 1;
  }

  /** The tasks of a file included at run time (include_tasks), and the roles its import_roles bring. */
  included(file: string, role: RoleContext | undefined, tags: string[]): IncludedTasks {
    const nodes = this.taskFile(file, tags, role);
    const roles = [...this.brought.values()];
    return { nodes, roles, vars: this.broughtVars, handlers: roles.map((r) => ({ role: r, handlers: this.roleHandlers(r) })), names: this.names };
  }

  /**
   * The tasks of a role included at run time, after its dependencies' (meta/main.yaml), as Ansible runs
   * them; the role and its dependencies (for their defaults and vars).
   */
  includedRole(args: Record<string, unknown>, vars: unknown, tags: string[], at: SourcePos, parent?: RoleContext): IncludedRole {
    this.includer = includerChain(parent);
    const path = findRole(String(args.name), this.opts, at, undefined, this.collections);
    const role = loadRole(path, roleFromArgs(args, at), at);
    const own = [keywordVarsBag(vars), role.vars];
    const deps = this.dependencyUses(role, tags, [path], own);
    const ownDependencies = this.names.dependencies.splice(0);
    const nodes = [...deps.nodes, ...this.roleTasks(path, tags, args.tasks_from, undefined, {}, [], validatesSpec(args))];
    // what its tasks' import_roles bring (its dependencies' too, not the dependencies themselves): the play's once the include runs
    const imported = [...this.brought.values()].filter((r) => this.imported.has(r.id));
    const roles = [...new Map([...this.roles, ...this.brought, [role.id, role]]).values()];
    const handlers = roles.map((r) => ({ role: r, handlers: this.roleHandlers(r) }));
    return { role, roles, nodes, handlers, vars: [...deps.vars, ...own], imported: { roles: imported, vars: this.broughtVars }, names: this.names, ownDependencies };
  }

  /** A task whose action: names its module by a template, for the name one host's variables give: that module, the arguments checked as at load. */
  templatedAction(task: TaskNode, name: string): TaskNode {
    const native = resolveModuleName(name);
    if (isTemplate(name) || isBareInclude(name) || native === 'import_tasks' || native === 'import_role') {
      throw new ParseError(`action: names the module '${name}', which a task cannot take from a template`, task.pos, 'write the module in the task (import_tasks and import_role are read before the play runs)');
    }
    const qualified = qualifyModule(name, this.collections);
    const python = resolveModuleName(qualified) ? undefined : this.pythonModule(qualified, task.role, task.pos);
    const action = python ? python.name : (resolveModuleName(qualified) as string);
    const written = this.moduleArgs(action, task.templatedModule?.value, task.keywords.args, () => task.pos);
    const defaults = defaultsFor(this.defaults, action);
    const merged = defaults ? { ...defaults.args, ...written } : written;
    const args = python ? merged : checkModuleArgs(action, MODULES[action] as (typeof MODULES)[string], merged, () => task.pos);
    const { templatedModule: _resolved, ...rest } = task;
    return { ...rest, action, args, ...(python ? { python } : {}) };
  }

  private roleHandlers(role: Role): PlayNode[] {
    return role.handlersFile ? this.withCollections(role.collections, () => this.taskFile(role.handlersFile as string, [], { name: role.name, path: role.path }, true)) : [];
  }

  load(): Play {
    const h = this.header as PlayHeader;
    const c: Cursor = { y: h.yaml, path: [h.index] };
    const raw = h.raw;
    this.checkKeys(raw, PLAY_KEYWORDS, c, 'play', ['import_playbook']);
    checkPromptSchemes(raw.vars_prompt, at(c, 'vars_prompt'));
    const playTags = tagList(raw.tags);
    const keywords: Record<string, unknown> = { ...raw };
    return this.withCollections(searchList(raw.collections), () => this.withDefaults(raw.module_defaults, at(c, 'module_defaults'), () => this.loadBody(h, c, raw, playTags, keywords)));
  }

  /** Runs `fn` with `list` as the collections search list (a role's replaces the one in force; see collections.ts). */
  private withCollections<T>(list: string[] | undefined, fn: () => T): T {
    const saved = this.collections;
    this.collections = list;
    try {
      return fn();
    } finally {
      this.collections = saved;
    }
  }

  /** Runs `fn` with a block's or task's own `collections:` in force, when it has one. */
  private withOwnCollections<T>(value: unknown, fn: () => T): T {
    return value === undefined || value === null ? fn() : this.withCollections(searchList(value), fn);
  }

  private loadBody(h: PlayHeader, c: Cursor, raw: Record<string, unknown>, playTags: string[], keywords: Record<string, unknown>): Play {
    const section = (name: 'pre_tasks' | 'tasks' | 'post_tasks'): PlayNode[] => this.taskList(raw[name], at(c, name), playTags, undefined, dirname(h.file));
    const roleNodes: PlayNode[] = [];
    (this.list(raw.roles, at(c, 'roles'), 'roles') ?? []).forEach((entry, i) => {
      const e = parseRoleEntry(entry, posOf(at(c, 'roles', i)));
      this.checkRoleEntry(e, at(c, 'roles', i));
      const use = this.roleUse(e, playTags);
      roleNodes.push(...use.nodes);
      this.playRoleVars.push(...use.vars);
    });
    const sections: Play['sections'] = [
      { name: 'pre_tasks', nodes: section('pre_tasks') },
      { name: 'roles', nodes: roleNodes },
      { name: 'tasks', nodes: section('tasks') },
      { name: 'post_tasks', nodes: section('post_tasks') },
    ];
    // the roles' handlers come before the play's own, as Ansible's compile_roles_handlers() + handlers: they
    // run first, and a name the play's handlers share is the play's (found first, searching from the last)
    const handlers = [...this.roles.values()].flatMap((role) => this.roleHandlers(role));
    handlers.push(...this.taskList(raw.handlers, at(c, 'handlers'), [], undefined, dirname(h.file), true));
    // an included role's handlers are the play's once the include runs; their names are known now
    for (const role of this.handlerRoles.values()) if (!this.roles.has(role.id)) this.roleHandlers(role);
    this.checkNotifies();
    // fact gathering takes the play's defaults for setup, as Ansible's does, and the play's gather_subset,
    // gather_timeout and fact_path over them (checked as setup's own arguments, where they are written)
    const setup = this.defaults.setup;
    // (the play keyword is a list attribute: a string is one item, commas and all, where setup's own argument splits)
    const fromPlay = Object.fromEntries(['gather_subset', 'gather_timeout', 'fact_path'].filter((k) => keywords[k] !== undefined).map((k) => [k, k === 'gather_subset' && typeof keywords[k] === 'string' ? [keywords[k]] : keywords[k]]));
    const gatherArgs = setup || Object.keys(fromPlay).length ? checkModuleArgs('setup', MODULES.setup as (typeof MODULES)[string], { ...setup?.args, ...fromPlay }, (n) => (n in fromPlay ? posOf(at(c, n), true) : setup?.pos[n]) ?? h.pos) : undefined;
    return { name: h.name, hosts: h.hosts, keywords, tags: playTags, sections, handlers, roles: [...this.roles.values()], roleVars: this.playRoleVars, roleNames: this.names, file: h.file, pos: h.pos, gatherArgs };
  }

  // --- module_defaults ------------------------------------------------------------------------------

  /** Runs `fn` with the module_defaults written at `c` (if any) merged over the ones in force. */
  private withDefaults<T>(value: unknown, c: Cursor | SourcePos, fn: () => T): T {
    if (value === undefined || value === null) return fn();
    const saved = this.defaults;
    this.defaults = { ...saved, ...this.resolveDefaults(value, c) };
    try {
      return fn();
    } finally {
      this.defaults = saved;
    }
  }

  // module_defaults as written (a mapping or a list of them) by canonical module name; later entries win
  private resolveDefaults(value: unknown, c: Cursor | SourcePos): ModuleDefaults {
    const pos = (...sub: (string | number)[]): SourcePos => ('y' in c ? posOf(at(c, ...sub), true) : c);
    const out: ModuleDefaults = {};
    const entries = Array.isArray(value) ? value : [value];
    entries.forEach((entry, i) => {
      const path = Array.isArray(value) ? [i] : [];
      if (!isMapping(entry)) throw new ParseError('module_defaults must be a mapping of module names to their arguments (or a list of them)', pos(...path));
      for (const [name, args] of Object.entries(entry)) {
        if (!isMapping(args)) throw new ParseError(`the module_defaults of '${name}' must be a mapping of its arguments`, pos(...path, name), "templates go inside it: {mode: '{{ file_mode }}'}");
        const argPos = Object.fromEntries(Object.keys(args).map((k) => [k, pos(...path, name, k)]));
        if (name.startsWith('group/')) {
          const group = qualifiedGroup(name.slice('group/'.length));
          const actions = actionGroupActions(group);
          if (!actions) throw new ParseError(`Error loading module_defaults: could not resolve the module_defaults group ${group}`, pos(...path, name), "a group is an action_groups entry in an installed collection's meta/runtime.yml (group/kubernetes.core.k8s), or one of ansible-core's (group/k8s)");
          // each action as kplay runs it (one no module is found for adds nothing, as in Ansible)
          const members = actions.flatMap((a) => resolveModuleName(a) ?? this.pythonModuleName(a) ?? []);
          out[`group/${group}`] = { args: { ...args }, pos: argPos, members };
          continue;
        }
        const module = resolveModuleName(name) ?? this.pythonModuleName(name);
        if (!module) throw new ParseError(`could not resolve the action '${name}' in module_defaults`, pos(...path, name), didYouMean(name, Object.keys(MODULES)));
        out[module] = { args: { ...args }, pos: argPos };
      }
    });
    return out;
  }

  // a module Ansible would find: its name as kplay runs it; one kplay cannot run (an action plugin) keeps
  // the name written (no task of kplay's can match it, as it cannot run there)
  private pythonModuleName(name: string): string | undefined {
    const found = locatePythonModule(name, [join(this.opts.playbookDir, 'library'), ...(this.opts.modulePath ?? []), ...(this.opts.library ?? [])]);
    return 'module' in found ? found.module.name : 'problem' in found ? name : undefined;
  }

  // --- keywords -------------------------------------------------------------------------------

  private checkKeys(value: Record<string, unknown>, table: Record<string, object>, c: Cursor, what: string, extra: string[] = []): void {
    for (const k of Object.keys(value)) {
      if (k in table || extra.includes(k)) continue;
      const unsupported = UNSUPPORTED_KEYWORDS[k];
      if (unsupported) throw new ParseError(`'${k}' is not supported by kplay`, posOf(at(c, k), true), unsupported);
      throw new ParseError(`'${k}' is not a valid attribute for a ${what}`, posOf(at(c, k), true), didYouMean(k, Object.keys(table)) ?? `valid: ${Object.keys(table).sort().join(', ')}`);
    }
    const err = checkKeywordTypes(table, value);
    if (err) throw this.typeError(err, c, table);
    mergeVarsList(value);
  }

  private typeError(err: ErrorObject, c: Cursor, table: Record<string, object>): ParseError {
    const segs = err.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
    const key = String(segs[0] ?? '');
    let expected: string;
    if (err.keyword === 'enum') expected = `one of ${(err.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    else if (err.keyword === 'pattern') expected = 'a variable name (letters, digits, _)';
    else if (err.keyword === 'additionalProperties') expected = `without '${(err.params as { additionalProperty: string }).additionalProperty}'`;
    else expected = describeSchema(table[key] ?? {});
    return new ParseError(`invalid value for '${key}': must be ${expected}`, posOf(at(c, ...segs)), key === 'tags' ? 'tags are a name or a list of names' : undefined);
  }

  private list(v: unknown, c: Cursor, what: string): unknown[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw new ParseError(`${what} must be a list`, posOf(c), `write each entry on its own line starting with "- "`);
    return v;
  }

  // --- task lists -----------------------------------------------------------------------------

  private taskList(v: unknown, c: Cursor, inherited: string[], role: RoleContext | undefined, baseDir: string, handler = false): PlayNode[] {
    const items = this.list(v, c, 'a task list') ?? [];
    return items.map((item, i) => this.node(item, at(c, i), inherited, role, baseDir, handler)).filter((n): n is PlayNode => n !== undefined);
  }

  private taskFile(file: string, inherited: string[], role: RoleContext | undefined, handler = false): PlayNode[] {
    const y = loadYamlFile(file, 'task file');
    if (y.value === null || y.value === undefined) return [];
    return this.taskList(y.value, { y, path: [] }, inherited, role, dirname(file), handler);
  }

  private node(raw: unknown, c: Cursor, inherited: string[], role: RoleContext | undefined, baseDir: string, handler: boolean): PlayNode | undefined {
    if (!isMapping(raw)) throw new ParseError('a task must be a mapping of a module and keywords', posOf(c), 'e.g. - name: say hello\n    debug: msg=hello');
    if ('block' in raw) return this.block(raw, c, inherited, role, baseDir, handler);
    return this.task(raw, c, inherited, role, baseDir, handler);
  }

  private block(raw: Record<string, unknown>, c: Cursor, inherited: string[], role: RoleContext | undefined, baseDir: string, handler: boolean): BlockNode {
    this.checkKeys(raw, BLOCK_KEYWORDS, c, 'block');
    return this.withOwnCollections(raw.collections, () => this.withDefaults(raw.module_defaults, at(c, 'module_defaults'), () => this.blockBody(raw, c, inherited, role, baseDir, handler)));
  }

  private blockBody(raw: Record<string, unknown>, c: Cursor, inherited: string[], role: RoleContext | undefined, baseDir: string, handler: boolean): BlockNode {
    this.checkConditions(raw, c);
    const tags = union(inherited, tagList(raw.tags));
    // a block's notify is its tasks': the handler it names must exist, as a task's
    for (const n of tagList(raw.notify)) if (!isTemplate(n)) this.notifies.push({ name: n, pos: posOf(at(c, 'notify')) });
    const part = (k: 'block' | 'rescue' | 'always'): PlayNode[] => this.taskList(raw[k], at(c, k), tags, role, baseDir, handler);
    return {
      kind: 'block',
      name: raw.name === undefined ? undefined : String(raw.name),
      block: part('block'),
      rescue: part('rescue'),
      always: part('always'),
      keywords: withoutKeys(raw, ['block', 'rescue', 'always']),
      tags,
      role,
      implicit: undefined,
      pos: posOf(c),
    };
  }

  private task(raw: Record<string, unknown>, c: Cursor, inherited: string[], role: RoleContext | undefined, baseDir: string, handler: boolean): PlayNode {
    const keywords: Record<string, unknown> = {};
    const candidates: string[] = [];
    // with_<lookup>: a loop over any lookup kplay has or Ansible's on this controller has (the common ones are keywords of their own)
    const lookupLoops: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (k in TASK_KEYWORDS) keywords[k] = v;
      else if (UNSUPPORTED_KEYWORDS[k]) throw new ParseError(`'${k}' is not supported by kplay`, posOf(at(c, k), true), UNSUPPORTED_KEYWORDS[k]);
      else if (k.startsWith('with_') && k.length > 5) {
        const found = lookupAvailable(k.slice(5));
        if (!found.exists) throw new ParseError(`lookup plugin '${k.slice(5)}' is not supported by kplay (${k})`, posOf(at(c, k), true), lookupHint(found));
        lookupLoops[k] = v;
      } else candidates.push(k);
    }
    if (!handler && 'listen' in keywords) throw new ParseError("'listen' is only valid for handlers", posOf(at(c, 'listen'), true));
    const typeErr = checkKeywordTypes(TASK_KEYWORDS, keywords);
    if (typeErr) throw this.typeError(typeErr, c, TASK_KEYWORDS);
    Object.assign(keywords, lookupLoops);
    mergeVarsList(keywords);
    return this.withOwnCollections(keywords.collections, () => this.withDefaults(keywords.module_defaults, at(c, 'module_defaults'), () => this.taskBody(raw, c, keywords, candidates, inherited, role, baseDir, handler)));
  }

  // the module name a task's key stands for under the collections search list in force
  private qualified(key: string): string {
    return qualifyModule(key, this.collections);
  }

  // an Ansible Python module on the controller for a module name kplay has no native code for; where it was
  // looked for when there is none
  private pythonModule(name: string, role: RoleContext | undefined, pos: SourcePos): PythonModule {
    const found = locatePythonModule(name, [join(this.opts.playbookDir, 'library'), ...(this.opts.modulePath ?? []), ...(role ? [join(role.path, 'library')] : []), ...(this.opts.library ?? [])]);
    if ('module' in found) return found.module;
    if ('problem' in found) throw new ParseError(found.problem, pos, 'see README "Modules" for what kplay runs natively');
    const hint = didYouMean(name, [...Object.keys(MODULES), ...Object.keys(TASK_KEYWORDS)]) ?? `kplay's own modules are listed in README "Modules"${found.missing.length ? `; an Ansible module is looked for in ${found.missing.slice(0, 3).join(', ')}${found.missing.length > 3 ? ', ...' : ''}` : ''}`;
    throw new ParseError(`couldn't resolve module/action '${name}'`, pos, hint);
  }

  private taskBody(raw: Record<string, unknown>, c: Cursor, keywords: Record<string, unknown>, candidates: string[], inherited: string[], role: RoleContext | undefined, baseDir: string, handler: boolean): PlayNode {
    let actionKey: string;
    let moduleValue: unknown;
    let pythonModule: PythonModule | undefined;
    let templated = false;
    if (keywords.action !== undefined || keywords.local_action !== undefined) {
      if (candidates.length) throw new ParseError(`conflicting action statements: ${['action', ...candidates].join(', ')}`, posOf(c));
      const kw = keywords.action !== undefined ? 'action' : 'local_action';
      ({ actionKey, moduleValue } = splitActionKeyword(keywords[kw], posOf(at(c, kw))));
      if (kw === 'local_action') keywords.delegate_to = 'localhost';
      // `action: ping data=x` names an Ansible Python module as a key would; `action: "{{ m }} x=1"` names
      // it when the task runs, as Ansible templates the action then
      templated = isTemplate(actionKey);
      if (templated) checkTemplates([actionKey, moduleValue], posOf(at(c, kw)));
      else if (!resolveModuleName(this.qualified(actionKey)) && !isBareInclude(actionKey)) pythonModule = this.pythonModule(this.qualified(actionKey), role, posOf(at(c, kw)));
      delete keywords.action;
      delete keywords.local_action;
    } else {
      // a key that is no keyword and no native module may be an Ansible Python module on the controller
      const python = new Map<string, PythonModule>();
      for (const k of candidates.filter((x) => !resolveModuleName(this.qualified(x)) && !isBareInclude(x))) python.set(k, this.pythonModule(this.qualified(k), role, posOf(at(c, k), true)));
      const modules = candidates.filter((k) => resolveModuleName(this.qualified(k)) || python.has(k) || isBareInclude(k));
      if (modules.length > 1) throw new ParseError(`conflicting action statements: ${modules.join(', ')}`, posOf(at(c, modules[1] as string), true), 'a task runs one module; split it into two tasks');
      if (!modules.length) throw new ParseError('no module/action detected in task', posOf(c), 'add a module, e.g. "command: uptime" or "debug: msg=hi"');
      actionKey = modules[0] as string;
      moduleValue = raw[actionKey];
      pythonModule = python.get(actionKey);
    }
    // the deprecated bare include: an import_tasks or an include_tasks, its other arguments variables
    const bare = isBareInclude(actionKey) ? this.bareInclude(moduleValue, keywords, posOf(at(c, actionKey))) : undefined;
    // an Ansible Python module checks its own arguments on the host; kplay's are checked now
    const action = pythonModule ? pythonModule.name : bare ? bare.action : templated ? actionKey : resolveModuleName(this.qualified(actionKey));
    if (!action) throw new ParseError(`couldn't resolve module/action '${actionKey}'`, posOf(c), didYouMean(actionKey, Object.keys(MODULES)));
    this.checkConditions(keywords, c);
    const argPos = (name: string): SourcePos => {
      const exact = nodeAt(c.y, [...c.path, actionKey, name], { key: true }) ?? nodeAt(c.y, [...c.path, 'args', name], { key: true });
      return exact ? nodePos(c.y, exact) : posOf(at(c, actionKey));
    };
    const written = bare ? { file: bare.file } : templated ? {} : this.moduleArgs(action, moduleValue, keywords.args, argPos);
    // module_defaults under the task's own arguments (the groups holding the action first, in the order
    // written, then the module's own, as Ansible merges them); a default is reported where it was written
    const defaults = defaultsFor(this.defaults, action);
    // package applies the defaults of the module it hands the task to when it runs, as Ansible's action
    // does: apt's and dnf's are checked now, as package takes their options
    if (action === 'package') {
      for (const backend of ['apt', 'dnf']) {
        const d = defaultsFor(this.defaults, backend);
        if (d) checkModuleArgs(action, MODULES[action] as (typeof MODULES)[string], d.args, (n) => d.pos[n] ?? posOf(at(c, actionKey)));
      }
    }
    const merged = defaults ? { ...defaults.args, ...written } : written;
    const mergedPos = (name: string): SourcePos => (name in written || !defaults?.pos[name] ? argPos(name) : (defaults.pos[name] as SourcePos));
    const args = pythonModule || templated ? merged : checkModuleArgs(action, MODULES[action] as (typeof MODULES)[string], merged, mergedPos);
    // template syntax is checked now, so a bad template stops the run before any host is touched
    for (const [k, v] of Object.entries(args)) checkTemplates(v, mergedPos(k));
    for (const [k, v] of Object.entries(keywords)) if (!CONDITION_KEYS.includes(k)) checkTemplates(v, posOf(at(c, k)));
    if (bare) checkTemplates(bare.vars, posOf(at(c, actionKey)));
    const tags = union(inherited, tagList(keywords.tags));
    for (const n of tagList(keywords.notify)) if (!isTemplate(n)) this.notifies.push({ name: n, pos: posOf(at(c, 'notify')) });
    if (handler) {
      if (keywords.name !== undefined) {
        this.handlerNames.add(String(keywords.name));
        if (role) this.handlerNames.add(`${role.name} : ${String(keywords.name)}`);
      }
      for (const l of tagList(keywords.listen)) this.handlerNames.add(l);
    }
    const task: TaskNode = { kind: 'task', name: keywords.name === undefined ? undefined : String(keywords.name), action, actionWritten: actionKey, args, keywords, tags, role, pos: posOf(c), ...(pythonModule ? { python: pythonModule } : {}), ...(Object.keys(this.defaults).length ? { moduleDefaults: this.defaults } : {}), ...(bare && Object.keys(bare.vars).length ? { bareVars: bare.vars } : {}), ...(templated ? { templatedModule: { value: moduleValue } } : {}), ...(this.collections ? { collections: this.collections } : {}) };
    if (action === 'meta' && !isTemplate(String(args._raw_params)) && !META_ACTIONS.includes(String(args._raw_params))) {
      throw new ParseError(`invalid meta action '${String(args._raw_params)}'`, argPos('_raw_params'), didYouMean(String(args._raw_params), META_ACTIONS) ?? `valid: ${META_ACTIONS.join(', ')}`);
    }
    if (action === 'template' && typeof args.src === 'string' && !isTemplate(args.src)) this.checkTemplateFile(args.src, args, role, baseDir);
    if (action === 'import_tasks') return this.importTasks(task, tags, role, baseDir, handler);
    if (action === 'import_role') return this.importRole(task, tags);
    if (action === 'include_tasks') this.validateInclude(task, role, baseDir);
    if (action === 'include_tasks' || action === 'include_role') this.checkApply(args.apply, c, actionKey);
    if (action === 'include_role' && !isTemplate(String(args.name))) this.checkIncludedRole(args, task.pos);
    return task;
  }

  // Ansible 2.14's bare include (deprecated, warned of): static where its file is fixed, it has no loop
  // and nothing above it was included at run time; its other arguments are variables under its vars:
  private bareInclude(value: unknown, keywords: Record<string, unknown>, pos: SourcePos): { action: 'import_tasks' | 'include_tasks'; file: string; vars: Record<string, unknown> } {
    this.opts.deprecate?.(LOAD_DEPRECATION);
    const { file, vars } = bareIncludeArgs(value, keywords.args, pos);
    delete keywords.args;
    const loops = Object.keys(keywords).some((k) => k === 'loop' || k.startsWith('with_'));
    return { action: isTemplate(file) || loops || this.dynamic > 0 ? 'include_tasks' : 'import_tasks', file, vars };
  }

  // include_role's role, when its name and files are fixed: its tasks are checked now, and its handlers'
  // names are known, so its tasks may notify them (the handlers join the play when the include runs)
  private checkIncludedRole(args: Record<string, unknown>, pos: SourcePos): void {
    if (['vars_from', 'defaults_from', 'handlers_from', 'tasks_from'].some((k) => typeof args[k] === 'string' && isTemplate(args[k] as string))) return;
    const path = findRole(String(args.name), this.opts, pos, undefined, this.collections);
    const role = loadRole(path, roleFromArgs(args, pos), pos);
    if (!this.roles.has(role.id)) this.handlerRoles.set(role.id, role);
    this.whileDynamic(() => this.roleTasks(path, [], args.tasks_from));
  }

  // a role the play uses: its defaults and handlers are the play's; in what an include brings at run time,
  // only once the include runs (its handlers' names are known now, for notify)
  private useRole(role: Role): void {
    if (this.dynamic === 0) {
      this.roles.set(role.id, role);
      this.handlerRoles.delete(role.id);
      return;
    }
    this.brought.set(role.id, role);
    if (!this.roles.has(role.id)) this.handlerRoles.set(role.id, role);
  }

  private whileDynamic<T>(fn: () => T): T {
    this.dynamic++;
    try {
      return fn();
    } finally {
      this.dynamic--;
    }
  }

  // an include's apply: the keywords of a block around the included tasks, checked as a block's are
  private checkApply(apply: unknown, c: Cursor, actionKey: string): void {
    if (!isMapping(apply)) return;
    const at: Cursor = { y: c.y, path: [...c.path, actionKey, 'apply'] };
    const table = Object.fromEntries(Object.entries(BLOCK_KEYWORDS).filter(([k]) => !['block', 'rescue', 'always'].includes(k)));
    this.checkKeys(apply, table, at, 'block (apply)');
  }

  // a template file that does not parse with the task's Jinja settings stops the run (and --syntax-check)
  // before any host is touched; one not found now, or whose settings are templated, is reported when the
  // task runs, as Ansible does
  private checkTemplateFile(src: string, args: Record<string, unknown>, role: RoleContext | undefined, baseDir: string): void {
    const file = findLocalFile('templates', src, role, this.opts.playbookDir, baseDir);
    if (!file || Object.values(args).some((v) => typeof v === 'string' && isTemplate(v))) return;
    let settings: ReturnType<typeof templateSettings>;
    try {
      settings = templateSettings(convertArgs('template', MODULES.template as ModuleSpec, args, { file: src }));
    } catch {
      return; // a value the module refuses is reported when the task runs
    }
    if (typeof settings !== 'string') parseFile(readFileSync(file, 'utf8'), file, settings);
  }

  private moduleArgs(action: string, value: unknown, argsKw: unknown, argPos: (n: string) => SourcePos): Record<string, unknown> {
    const spec = MODULES[action];
    let inline: Record<string, unknown>;
    if (value === null || value === undefined) inline = {};
    else if (typeof value === 'string' || isNumber(value) || typeof value === 'boolean') {
      const text = String(value);
      // file-taking free-form modules take the whole text as the file name
      if (['include_tasks', 'import_tasks', 'include_vars'].includes(action)) inline = { file: text };
      else if (action === 'meta') inline = { _raw_params: text.trim() };
      else inline = parseKv(text, spec?.freeForm ? (spec.freeFormOptions ?? []) : undefined);
    } else if (isMapping(value)) inline = { ...value };
    else throw new ParseError(`the arguments of '${action}' must be a mapping or name=value text`, argPos('_raw_params'));
    if (argsKw === undefined || argsKw === null) return inline;
    const extra = typeof argsKw === 'string' ? parseKv(argsKw, undefined) : isMapping(argsKw) ? argsKw : {};
    return { ...extra, ...inline };
  }

  private checkConditions(kw: Record<string, unknown>, c: Cursor): void {
    for (const key of CONDITION_KEYS) {
      const v = kw[key];
      if (v === undefined || v === null) continue;
      const items = Array.isArray(v) ? v : [v];
      items.forEach((item, i) => compileCondition(item, posOf(Array.isArray(v) ? at(c, key, i) : at(c, key))));
    }
  }

  // --- imports and includes ----------------------------------------------------------------------

  private taskFilePath(file: string, role: RoleContext | undefined, baseDir: string, at: SourcePos): string {
    const found = includedTaskFile(file, role, baseDir);
    if (!found) throw new ParseError(`could not find the task file '${file}'`, at, `looked in ${role ? `${join(role.path, 'tasks')} and ` : ''}${baseDir}`);
    return found;
  }

  private importTasks(task: TaskNode, tags: string[], role: RoleContext | undefined, baseDir: string, handler: boolean): BlockNode {
    const file = String(task.args.file ?? task.args._raw_params ?? '');
    if (isTemplate(file)) throw new ParseError('import_tasks needs a fixed file name (use include_tasks for a templated one)', task.pos);
    const path = this.taskFilePath(file, role, baseDir, task.pos);
    const block: BlockNode = { kind: 'block', name: task.name, block: this.taskFile(path, tags, role, handler), rescue: [], always: [], keywords: withoutKeys(task.keywords, ['tags', 'name']), tags, role, implicit: 'import_tasks', pos: task.pos };
    // a static bare include: its name=value arguments are the tasks' vars, its vars: include params over them
    if (!isBareInclude(task.actionWritten)) return block;
    return { ...block, keywords: { ...withoutKeys(block.keywords, ['vars']), ...(task.bareVars ? { vars: task.bareVars } : {}) }, includeParams: isMapping(task.keywords.vars) ? task.keywords.vars : undefined };
  }

  private validateInclude(task: TaskNode, role: RoleContext | undefined, baseDir: string): void {
    const file = String(task.args.file ?? task.args._raw_params ?? '');
    if (!file || isTemplate(file)) return; // resolved when the include runs
    const path = this.taskFilePath(file, role, baseDir, task.pos);
    // checked once: a file may include itself (a retry loop of include_tasks), which runs only as deep as it goes
    if (this.includeChecked.has(path)) return;
    this.includeChecked.add(path);
    this.whileDynamic(() => this.taskFile(path, [], role));
  }

  private importRole(task: TaskNode, tags: string[]): BlockNode {
    const name = String(task.args.name);
    if (isTemplate(name)) throw new ParseError('import_role needs a fixed role name (use include_role for a templated one)', task.pos);
    const path = findRole(name, this.opts, task.pos, undefined, this.collections);
    const role = loadRole(path, roleFromArgs(task.args, task.pos), task.pos);
    const before = new Set(this.brought.keys());
    this.useRole(role);
    const own = [keywordVarsBag(task.keywords.vars), role.vars];
    const saved = this.includer;
    this.includer = includerChain(task.role);
    let block: BlockNode;
    try {
      block = this.importedRoleBlock(task, tags, path, role, own, before);
    } finally {
      this.includer = saved;
    }
    // the play's role once its tasks are loaded (after the roles they import), as Ansible appends it
    if (this.counting()) this.names.play.push(role.name);
    return block;
  }

  // whether what is being loaded is the play's (or what this include brings), not a look at an include's tasks at load
  private counting(): boolean {
    return this.dynamic === (this.header ? 0 : 1);
  }

  private importedRoleBlock(task: TaskNode, tags: string[], path: string, role: Role, own: VarBag[], before: Set<string>): BlockNode {
    const deps = this.dependencyUses(role, tags, [path], own);
    // at run time the role and its dependencies are what this import brings (an include_role's own dependencies are not)
    if (this.dynamic > 0) for (const id of [role.id, ...this.brought.keys()]) if (id === role.id || !before.has(id)) this.imported.add(id);
    const roleVars = [...deps.vars, ...own];
    (this.dynamic > 0 ? this.broughtVars : this.playRoleVars).push(...roleVars);
    // allow_duplicates: false runs it only where this identity has not run (import_role's default runs it again)
    const key = roleRunKey(path, { vars: task.keywords.vars, from: fromFilesOf(task.args), include: true });
    return {
      kind: 'block',
      name: task.name,
      // its dependencies (meta/main) first, as import_role runs them, then its tasks
      block: [...deps.nodes, ...this.roleTasks(path, tags, task.args.tasks_from, undefined, {}, [], validatesSpec(task.args))],
      rescue: [],
      always: [],
      keywords: withoutKeys(task.keywords, ['tags', 'name']),
      tags,
      role: { name: role.name, path },
      implicit: 'import_role',
      roleKey: key,
      roleRepeats: toBool(task.args.allow_duplicates) !== false,
      roleVars,
      pos: task.pos,
    };
  }

  // a role's tasks, loaded with the role's own collections search list
  private roleTasks(path: string, tags: string[], tasksFrom: unknown, name?: string, params: Record<string, unknown> = {}, parents: string[] = [], validate = true): PlayNode[] {
    return this.withCollections(loadRole(path).collections, () => this.roleTasksBody(path, tags, tasksFrom, name, params, parents, validate));
  }

  private roleTasksBody(path: string, tags: string[], tasksFrom: unknown, name: string | undefined, params: Record<string, unknown>, parents: string[], validate: boolean): PlayNode[] {
    const role = loadRole(path);
    const ctx: RoleContext = { name: name ?? role.name, path: role.path, ...(parents.length ? { parents } : {}), ...(this.includer ? { includedBy: this.includer } : {}) };
    let nodes: PlayNode[];
    if (tasksFrom !== undefined) {
      const file = String(tasksFrom);
      const found = roleMainFile(role.path, 'tasks', file);
      if (!found) throw new ParseError(`tasks_from: '${file}' not found in role '${role.name}'`, { file: role.path });
      nodes = this.taskFile(found, tags, ctx);
    } else nodes = role.tasksFile ? this.taskFile(role.tasksFile, tags, ctx) : [];
    // a role with an argument spec for this entry point checks its variables first, as Ansible's does
    const entry = tasksFrom === undefined ? 'main' : String(tasksFrom);
    const spec = role.argumentSpecs[entry];
    if (validate && spec && typeof spec === 'object') {
      const described = spec.short_description ? ` - ${String(spec.short_description)}` : '';
      nodes.unshift({
        kind: 'task',
        name: `Validating arguments against arg spec '${entry}'${described}`,
        action: 'validate_argument_spec',
        actionWritten: 'ansible.builtin.validate_argument_spec',
        args: { argument_spec: spec.options ?? {}, provided_arguments: params, validate_args_context: { argument_spec_name: entry, name: ctx.name, path, type: 'role' } },
        keywords: { tags: ['always'] },
        tags: union(tags, ['always']),
        role: ctx,
        pos: { file: join(path, 'meta') },
      });
    }
    return nodes;
  }

  // --- roles -------------------------------------------------------------------------------------

  private checkRoleEntry(e: RoleEntry, c: Cursor): void {
    const err = checkKeywordTypes(ROLE_ENTRY_KEYWORDS, e.keywords);
    if (err) throw this.typeError(err, c, ROLE_ENTRY_KEYWORDS);
    mergeVarsList(e.keywords);
    this.checkConditions(e.keywords, c);
  }

  /**
   * The implicit blocks of a role use: its dependencies first, then its own tasks. Every use is
   * listed (as Ansible lists them); repeats of the same identity are skipped when running. With them,
   * the use's variables (Ansible's Role.get_vars without its parents'): its dependencies', its `vars:`
   * keyword, its vars files. `inheritedVars` are its parents' (each one's keyword, then files).
   */
  private roleUse(e: RoleEntry, inherited: string[], parents: string[] = [], inheritedVars: VarBag[] = []): { nodes: PlayNode[]; vars: VarBag[] } {
    return this.withDefaults(e.keywords.module_defaults, e.pos, () => this.roleUseBody(e, inherited, parents, inheritedVars));
  }

  private roleUseBody(e: RoleEntry, inherited: string[], parents: string[], inheritedVars: VarBag[]): { nodes: PlayNode[]; vars: VarBag[] } {
    const path = findRole(e.name, this.opts, e.pos, e.basedir, this.collections);
    const role = loadRole(path);
    // a dependency found next to the role needing it is named as written there, as Ansible names it
    const viaBasedir = e.basedir !== undefined && path === resolve(e.basedir, e.name) && !roleDirs(this.opts).some((d) => resolve(d, e.name) === path);
    const name = viaBasedir ? e.name : role.name;
    // a roles: entry is the play's role; a meta/main dependency (found from its role's directory) a dependency
    if (this.counting()) {
      if (e.basedir === undefined) this.names.play.push(role.name);
      else if (!this.names.dependencies.includes(role.name)) this.names.dependencies.push(role.name);
    }
    const { when, tags: ownTags, vars } = e.keywords;
    const roleKey = roleRunKey(path, { params: e.params, when, tags: ownTags, vars, include: false });
    this.useRole(role);
    const tags = union(inherited, tagList(e.keywords.tags));
    // the role's vars: keyword is below its vars files, as in Ansible's Role.get_vars (a block's vars would be above)
    const own = [keywordVarsBag(vars), role.vars];
    const { nodes, vars: depVars } = this.dependencyUses(role, tags, [path, ...parents], [...inheritedVars, ...own]);
    nodes.push({
      kind: 'block',
      name: undefined,
      block: this.roleTasks(path, tags, undefined, name, e.params, parents),
      rescue: [],
      always: [],
      keywords: { ...withoutKeys(e.keywords, ['tags', 'vars']), role_params: e.params },
      tags,
      role: { name, path },
      implicit: 'role',
      roleKey: role.allowDuplicates ? undefined : roleKey,
      roleVars: [...inheritedVars, ...depVars, ...own],
      pos: e.pos,
    });
    return { nodes, vars: [...depVars, ...own] };
  }

  // a role's meta dependencies, each used in turn: their blocks and their variables, in order
  private dependencyUses(role: Role, tags: string[], parents: string[], inheritedVars: VarBag[]): { nodes: PlayNode[]; vars: VarBag[] } {
    // their names are looked for through the depending role's collections
    const uses = this.withCollections(role.collections, () => role.dependencies.map((d) => this.roleUse(d, tags, parents, inheritedVars)));
    return { nodes: uses.flatMap((u) => u.nodes), vars: uses.flatMap((u) => u.vars) };
  }

  private checkNotifies(): void {
    for (const n of this.notifies) {
      if (!this.handlerNames.has(n.name)) {
        throw new ParseError(`The requested handler '${n.name}' was not found in either the main handlers list nor in the listening handlers list`, n.pos, didYouMean(n.name, this.handlerNames) ?? 'define a handler with this name (or listen: this name)');
      }
    }
  }
}

const TYPE_WORDS: Record<string, string> = { string: 'text', boolean: 'true/false', array: 'a list', object: 'a mapping', integer: 'a whole number', number: 'a number', null: 'empty' };

// A schema in words, for "must be ..." messages: `text or a list of text`.
function describeSchema(schema: object): string {
  const s = schema as { type?: string | string[]; anyOf?: object[]; items?: object };
  if (s.anyOf) return s.anyOf.map(describeSchema).join(' or ');
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  return types.map((t) => (t === 'array' && s.items ? `a list of ${describeSchema(s.items).replace(/^an? (.*)$/, '$1s')}` : (TYPE_WORDS[t] ?? t))).join(' or ') || 'valid';
}

function checkTemplates(v: unknown, pos: SourcePos): void {
  if (typeof v === 'string') {
    if (isTemplate(v)) parseTemplate(v, pos);
  } else if (Array.isArray(v)) for (const x of v) checkTemplates(x, pos);
  else if (isMapping(v)) for (const x of Object.values(v)) checkTemplates(x, pos);
}

// a vars_prompt's encrypt names a passlib scheme kplay computes (the password_hash filter's short names are
// none: passlib refuses them, so does Ansible)
function checkPromptSchemes(entries: unknown, c: Cursor): void {
  if (!Array.isArray(entries)) return;
  entries.forEach((e: Record<string, unknown>, i) => {
    if (e.encrypt === undefined || e.encrypt === null || PROMPT_SCHEMES.includes(String(e.encrypt))) return;
    const scheme = String(e.encrypt);
    const why = ['md5', 'sha256', 'sha512', 'blowfish'].includes(scheme) ? `passlib does not support '${scheme}' algorithm` : `kplay does not compute '${scheme}' hashes`;
    throw new ParseError(`vars_prompt '${String(e.name)}': ${why}`, posOf(at(c, i, 'encrypt')), `encrypt takes a passlib scheme kplay computes: ${PROMPT_SCHEMES.join(', ')}`);
  });
}

const PROMPT_SCHEMES = ['sha512_crypt', 'sha256_crypt', 'md5_crypt'];

// vars: given as a list of mappings (checked to be one) becomes their merge, a later one's names over an earlier's
function mergeVarsList(keywords: Record<string, unknown>): void {
  if (Array.isArray(keywords.vars)) keywords.vars = Object.assign({}, ...(keywords.vars as Record<string, unknown>[]));
}

function withoutKeys(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

// `action: copy src=a dest=b` or `action: {module: copy, src: a}`
function splitActionKeyword(v: unknown, pos: SourcePos): { actionKey: string; moduleValue: unknown } {
  if (typeof v === 'string') {
    const m = splitModuleString(v);
    if (!m) throw new ParseError('action: needs a module name', pos);
    return { actionKey: m.name, moduleValue: m.rest || null };
  }
  if (isMapping(v) && typeof v.module === 'string') {
    const { module, ...rest } = v;
    return { actionKey: module, moduleValue: rest };
  }
  throw new ParseError('action: needs a module name, e.g. action: copy src=a dest=b', pos);
}
