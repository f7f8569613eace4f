// One task on one host: variables layered by precedence, conditions, loops, templated arguments,
// the module (or a runner action such as include_tasks), retries, changed_when/failed_when, register,
// notify. Every failure, including a template error, becomes a result value for this host.
import { checkUnlocked, vaultPlaintexts, VaultError } from '../vault/vault.js';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ParseError, UserError, formatPos } from '../errors.js';
import type { Host, VarBag } from '../inventory/model.js';
import { IMPLEMENTATIONS } from '../modules/index.js';
import { pythonModule } from '../modules/python/run.js';
import { MODULES } from '../modules/specs.js';
import { BACKGROUND_MODULES, NO_ASYNC_ACTIONS } from '../modules/async-job.js';
import { startHeldJob, stoppable } from './held-job.js';
import { ActionError, ActionFailed, type Deprecation, type ModuleContext, type ModuleResult, type SyncSides } from '../modules/types.js';
import { roleCollection } from '../playbook/collections.js';
import { includedTaskFile, loadIncludedRole, loadIncludedTasks, resolveTemplatedAction, tagList, type LoadOptions } from '../playbook/load.js';
import { convertArgs, defaultsFor } from '../playbook/module-args.js';
import type { BlockNode, Play, PlayNode, Role, RoleContext, RoleNames, TaskNode } from '../playbook/model.js';
import { findLocalFile, fromFilesOf, keywordVarsBag, localNotFound, roleChain, roleRunKey, type LocalKind } from '../playbook/roles.js';
import { compileCondition, evaluateCondition } from '../template/condition.js';
import { Evaluator, ExprError, Undefined, UndefinedError, undefinedMessage } from '../template/expr/evaluate.js';
import { renderHandlebars, TemplateError } from '../template/render.js';
import { taskSearchPath } from '../util/search-path.js';
import { templatedValue } from '../template/jinja/template.js';
import { toBool } from '../template/helpers.js';
import { UnreachableError, type Become } from '../transport/types.js';
import { pyRepr } from '../util/python-repr.js';
import { connectionSettings, type ConnectionSettings } from '../vars/connection.js';
import { withoutOmitted, type VarsContext } from '../vars/host-scope.js';
import type { VarScope } from '../vars/scope.js';
import { redactSecrets, scrubText, scrubValue, secretValues } from '../vars/secrets.js';
import type { HostStatus } from './events.js';
import { factKey, type HostState } from './host-state.js';
import type { VarsFileNamer } from './vars-files.js';
import { hostConnection, hostIO, type TaskExecDefaults } from './host-io.js';
import { syncSides, type SyncInputs } from './sync-sides.js';
import { addHost, groupBy } from './inventory-actions.js';
import { deprecationText } from '../util/deprecation.js';
import { isBareInclude, RUN_DEPRECATION } from '../playbook/bare-include.js';
import { includeVarsResult } from './include-vars.js';
import type { RunnerOptions } from './play-runner.js';
import { displayName } from './play-runner.js';

/** An enclosing block (explicit, import or role) whose keywords the task inherits. */
export interface TaskFrame {
  block: BlockNode;
  /** Which part of the block runs: a failure in its main part with a rescue section is rescued. */
  section?: 'block' | 'rescue' | 'always';
}

/** The play-level context a task runs in. */
export interface TaskEnv {
  play: Play;
  /** The serial batch running, in the play's order (all the play's hosts without serial). */
  batch: Host[];
  /** Every host the play's pattern matched, in the pattern's order, those that failed in an earlier play too. */
  playHosts: Host[];
  vars: VarsContext;
  opts: RunnerOptions;
  /** The play's name, else its templated host pattern (as its banner shows it). */
  playName: string;
  playVars: VarBag;
  /** The play's vars_files for a host, their names templated by `name` (see PlayVarsFiles). */
  varsFiles(state: HostState, name: VarsFileNamer): VarBag;
  roles: Role[];
  /** The variables every task sees from the play's roles (play.roleVars, and those public include_roles add). */
  roleVars: readonly VarBag[];
  /** A public include_role ran: its variables are the play's from now on (once per identity, however many hosts and items include it). */
  addRoleVars(key: string, vars: VarBag[]): void;
  /** The names of the play's roles and of their dependencies now (ansible_play_role_names, ansible_dependent_role_names). */
  roleNames: RoleNames;
  /** An include brought roles into the play: their names join (once per include; an included role's imports only the first time its tasks load). */
  addRoleNames(key: string, names: RoleNames, includedRole?: string): void;
  /** Queues an included file for this host; the play runner runs each one for its hosts together, as Ansible does. */
  include(state: HostState, key: string, nodes: PlayNode[], frame: TaskFrame, shown?: { file: string; item?: string | undefined }): void;
  flush(): Promise<void>;
  /** An include_role ran: its roles' handlers become the play's (once per role), as Ansible adds them then. */
  addHandlers(roles: { role: Role; handlers: PlayNode[] }[]): void;
  stateOf(h: Host): HostState;
  /** group_by/add_host changed the inventory: what was computed from it is computed again. */
  inventoryChanged(): void;
  /** Variables whose values are secrets whatever their names (private vars_prompt answers). */
  secretNames: ReadonlySet<string>;
}

/** What the play runner needs to know after a task ran on a host. */
export interface TaskOutcome {
  failed: boolean;
  ignored: boolean;
  result: Record<string, unknown>;
  register: string | undefined;
  facts: Record<string, unknown> | undefined;
  /** meta: end_play (the play ends for every host, its later batches too) or end_batch (this batch ends). */
  ends?: 'play' | 'batch' | undefined;
  flushHandlers?: boolean;
}

// the includes whose own vars: are include params (Ansible's _ACTION_ALL_INCLUDES; a bare include that stays one runs as include_tasks)
const INCLUDE_ACTIONS = ['include_tasks', 'include_role'];
const NO_LOG = { censored: "the output has been hidden due to the fact that 'no_log: true' was specified for this result" };

/** A keyword as a task inherits it, as Ansible's parent attributes: the task's, else the innermost block's (a role's too), else the play's. */
export function inherited(task: TaskNode, frames: TaskFrame[], play: { keywords: Record<string, unknown> }, key: string): unknown {
  if (task.keywords[key] !== undefined) return task.keywords[key];
  for (let i = frames.length - 1; i >= 0; i--) {
    const v = (frames[i] as TaskFrame).block.keywords[key];
    if (v !== undefined) return v;
  }
  return play.keywords[key];
}

/** Builds the host's variables for this task, layered in Ansible's precedence order. */
function scopeFor(task: TaskNode, state: HostState, frames: TaskFrame[], env: TaskEnv): VarScope {
  // the roles a private include_role brought are seen only by the tasks inside it, over the play's roles
  const included = frames.flatMap((f) => f.block.roleScope ?? []);
  const below = [...env.roles, ...included].map((r) => r.defaults);
  const magic = magicOf(task, state, env);
  // the play's vars_files, each name templated in what the host has below it, as Ansible's get_vars does
  const base = [state.factVars(), env.playVars];
  const files = env.varsFiles(state, (name, loaded) => env.vars.scope(state.host, { below, above: [...base, loaded], magic }).template(name, env.play.pos));
  const above: VarBag[] = [...base, files, ...env.roleVars, ...included.map((r) => r.vars)];
  // the task's own role's variables (the innermost role body's; a role's handler, its role's vars files),
  // then every block's vars, as Ansible layers them
  const own = frames.findLast((f) => f.block.roleVars !== undefined)?.block.roleVars;
  if (own) above.push(...own);
  else if (task.role) for (const r of env.roles) if (r.path === task.role.path) above.push(r.vars);
  for (const f of frames) above.push(keywordVarsBag(f.block.keywords.vars));
  // (an include's own vars: are its include params, not task vars)
  const include = INCLUDE_ACTIONS.includes(task.action);
  above.push(keywordVarsBag(include ? undefined : task.keywords.vars), state.includeVars, state.hostVars);
  // the params of every role the task is in, the innermost last: a role included by another role's task
  // still sees the outer role's params (its parents'), as in Ansible
  for (const f of frames) if (f.block.implicit === 'role' || f.block.implicit === 'import_role') above.push(keywordVarsBag(f.block.keywords.role_params));
  // then the include params of every include the task is in, the outer first, and an include's own
  for (const f of frames) if (f.block.includeParams) above.push(keywordVarsBag(f.block.includeParams));
  if (include) above.push(keywordVarsBag(task.keywords.vars));
  return env.vars.scope(state.host, { below, above, magic });
}

// the magic variables of a task on a host
function magicOf(task: TaskNode, state: HostState, env: TaskEnv): Record<string, unknown> {
  // (as Ansible's: every host the pattern matched, in its order; those still in the play; the batch's, in
  // the play's order)
  const names = env.batch.filter((h) => env.stateOf(h).active).map((h) => h.name);
  return {
    ansible_play_hosts: env.playHosts.filter((h) => env.stateOf(h).active).map((h) => h.name),
    ansible_play_hosts_all: env.playHosts.map((h) => h.name),
    ansible_play_batch: names,
    play_hosts: names,
    ansible_check_mode: env.opts.check,
    ansible_diff_mode: env.opts.diff,
    ansible_play_name: env.playName,
    // the play's roles (roles: entries, import_roles, public include_roles) and their dependencies, as Ansible names them
    ansible_play_role_names: [...env.roleNames.play],
    role_names: [...env.roleNames.play],
    ansible_dependent_role_names: [...env.roleNames.dependencies],
    ansible_role_names: [...new Set([...env.roleNames.dependencies, ...env.roleNames.play])],
    ...(task.role ? roleMagic(task.role) : {}),
    // where its lookups look for files (Ansible's executor sets it for each task)
    ansible_search_path: searchPathOf(task, env),
    // in a rescue section: the task that failed and its result, as Ansible sets them
    ...(state.rescuing ? { ansible_failed_task: state.rescuing.task, ansible_failed_result: state.rescuing.result } : {}),
  };
}

// a task's ansible_search_path: its role chain's directories, the task file's and the playbook's
function searchPathOf(task: TaskNode, env: TaskEnv): string[] {
  return taskSearchPath(roleChain(task.role), dirname(task.pos.file), dirname(env.play.file));
}

// a role's task's magic variables: a collection's role's role_name is its short name, ansible_role_name its
// full one; a role an include_role or import_role in another role brought has those roles, nearest first
function roleMagic(role: RoleContext): Record<string, unknown> {
  const c = roleCollection(role.path);
  const parents = role.includedBy ? { ansible_parent_role_names: role.includedBy.map((r) => r.name), ansible_parent_role_paths: role.includedBy.map((r) => r.path) } : {};
  return { role_path: role.path, role_name: c?.short ?? role.name, ansible_role_name: role.name, ansible_collection_name: c?.collection ?? null, ...parents };
}

function conditionsOf(task: TaskNode, frames: TaskFrame[], key: string): unknown[] {
  const out: unknown[] = [];
  const add = (v: unknown): void => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  };
  if (key === 'when') for (const f of frames) add(f.block.keywords.when);
  add(task.keywords[key]);
  return out;
}

function holds(conds: unknown[], scope: VarScope, task: TaskNode): { ok: boolean; failed?: string } {
  for (const c of conds) {
    const cond = compileCondition(c, task.pos);
    if (!evaluateCondition(cond, scope.read, scope.functions())) return { ok: false, failed: cond.text };
  }
  return { ok: true };
}

// with_<lookup> loops run the lookup (query) over the templated terms; first_found searches the
// role's templates/ for a template task and vars/ for include_vars, as Ansible's task executor sets it
const LOOKUP_LOOPS: Record<string, string> = { with_first_found: 'first_found', with_file: 'file' };
// with_X whose terms are the lookup's arguments one by one (lookup('nested', list1, list2)), as Ansible passes them
const SPREAD_LOOPS: Record<string, string> = { with_together: 'together', with_nested: 'nested', with_subelements: 'subelements', with_indexed_items: 'indexed_items', with_sequence: 'sequence', with_fileglob: 'fileglob', with_inventory_hostnames: 'inventory_hostnames' };

function loopItems(task: TaskNode, scope: VarScope): unknown[] | undefined {
  const k = task.keywords;
  // a with_X loop is the lookup X over the keyword's templated terms; its errors point at the task
  const viaLookup = (key: string, args: unknown[], kw: Record<string, unknown>): unknown[] => {
    try {
      return scope.functions().query?.(args, kw, 1) as unknown[];
    } catch (e) {
      if (e instanceof ExprError) throw new UserError(`${key}: ${e.message}`, { kind: 'parse', pos: task.pos });
      throw e;
    }
  };
  for (const [key, plugin] of Object.entries(LOOKUP_LOOPS)) {
    if (k[key] === undefined) continue;
    const subdir = task.action === 'template' ? 'templates' : task.action === 'include_vars' ? 'vars' : 'files';
    return viaLookup(key, [plugin, scope.template(k[key], task.pos)], { _subdir: subdir });
  }
  for (const [key, plugin] of Object.entries(SPREAD_LOOPS)) {
    if (k[key] === undefined) continue;
    const value = scope.template(k[key], task.pos);
    return viaLookup(key, [plugin, ...(Array.isArray(value) ? value : [value])], {});
  }
  const raw = k.loop ?? k.with_items ?? k.with_list ?? k.with_dict;
  if (raw === undefined) {
    // any other with_<lookup>: the lookup run over the keyword's templated terms, as Ansible's task executor runs it
    const key = Object.keys(k).find((x) => x.startsWith('with_'));
    if (key === undefined) return undefined;
    const value = scope.template(k[key], task.pos);
    return viaLookup(key, [key.slice('with_'.length), ...(Array.isArray(value) ? value : [value])], {});
  }
  const value = scope.template(raw, task.pos);
  if (k.with_dict !== undefined) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UserError(`with_dict expects a mapping, got ${JSON.stringify(value)}`, { kind: 'parse', pos: task.pos });
    return Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: v }));
  }
  if (!Array.isArray(value)) {
    throw new UserError(`Invalid data passed to 'loop', it requires a list, got this instead: ${JSON.stringify(value)}`, { kind: 'parse', pos: task.pos, hint: 'for a mapping use loop: "{{ x | dict2items }}"-style lists or with_dict' });
  }
  return k.with_items !== undefined ? value.flatMap((v) => (Array.isArray(v) ? v : [v])) : value;
}

// become as Ansible decides it: the host's variables (ansible_become, ansible_become_user, ...), else the
// keywords (task, block, role, play), else the command line and kplay.cfg, else no become, root, sudo
function becomeFor(task: TaskNode, frames: TaskFrame[], scope: VarScope, env: TaskEnv): Become | undefined {
  const settings = connectionSettings((n) => scope.get(n), (n) => scope.has(n));
  const d = env.opts.becomeDefaults ?? {};
  const keyword = (key: string): string | undefined => keywordText(task, frames, env, scope, key);
  const kw = keyword('become');
  const on = settings.become ?? (kw !== undefined ? toBool(kw) === true : d.become === true);
  if (!on) return undefined;
  const user = settings.becomeUser ?? keyword('become_user') ?? d.user ?? 'root';
  const method = settings.becomeMethod ?? keyword('become_method') ?? d.method ?? 'sudo';
  if (method !== 'sudo' && method !== 'su') throw new UserError(`become method '${method}' is not supported by kplay (sudo, su)`, { kind: 'parse', pos: task.pos, hint: 'set ansible_become_method or become_method to sudo or su' });
  const exe = settings.becomeExe ?? keyword('become_exe') ?? d.exe;
  const flags = settings.becomeFlags ?? keyword('become_flags') ?? d.flags;
  return { method, user, password: settings.becomePassword ?? env.opts.becomePassword, ...(exe ? { exe } : {}), ...(flags !== undefined ? { flags } : {}) };
}

/** The connection and remote_user keywords a task inherits (task, block, role, play), templated. */
export interface ConnectionKeywords {
  connection?: string | undefined;
  user?: string | undefined;
}

function connectionKeywords(task: TaskNode, frames: TaskFrame[], env: TaskEnv, scope: VarScope): ConnectionKeywords {
  return { connection: keywordText(task, frames, env, scope, 'connection'), user: keywordText(task, frames, env, scope, 'remote_user') };
}

// an inherited keyword's templated text (undefined when no task, block, role or play sets it)
function keywordText(task: TaskNode, frames: TaskFrame[], env: TaskEnv, scope: VarScope, key: string): string | undefined {
  const v = inherited(task, frames, env.play, key);
  return v === undefined || v === null ? undefined : String(scope.template(v, task.pos));
}

// a host's connection settings: its variables, and the keywords where they leave a setting unset (Ansible's
// precedence: ansible_connection and ansible_user over the connection and remote_user keywords; the implicit
// localhost's local connection is a variable there)
function settingsOf(host: Host, s: VarScope, kw: ConnectionKeywords): ConnectionSettings {
  const settings = connectionSettings((n) => s.get(n), (n) => s.has(n));
  return { ...settings, connection: settings.connection ?? (host.implicit ? undefined : kw.connection), user: settings.user ?? kw.user };
}

// the name of the connection the keywords ask for besides the host's own (undefined: the host's own)
const variantOf = (kw: ConnectionKeywords): string | undefined => (kw.connection === undefined && kw.user === undefined ? undefined : `keywords ${kw.connection ?? ''} ${kw.user ?? ''}`);

function transportOf(state: HostState, scope: VarScope, env: TaskEnv, delegate: Host | undefined, kw: ConnectionKeywords = {}): ReturnType<RunnerOptions['transportFor']> {
  const variant = variantOf(kw);
  if (delegate && delegate !== state.host) return env.opts.transportFor(delegate, settingsOf(delegate, env.vars.scope(delegate), kw), variant);
  const key = variant ?? '';
  let t = state.transports.get(key);
  if (!t) {
    t = env.opts.transportFor(state.host, settingsOf(state.host, scope, kw), variant);
    state.transports.set(key, t);
    if (env.opts.verbosity >= 3) env.opts.reporter.emit({ type: 'command', host: state.host.name, command: t.describe(), kind: 'connection' });
  }
  return t;
}

function statusOf(r: Record<string, unknown>): HostStatus {
  if (r.unreachable === true) return 'unreachable';
  if (r.failed === true) return 'failed';
  if (r.skipped === true) return 'skipped';
  return r.changed === true ? 'changed' : 'ok';
}

/** A task's status on a host as a whole, for progress views (an ignored failure counts as ok, as in the recap). */
export function outcomeStatus(o: TaskOutcome): HostStatus {
  const st = statusOf(o.result);
  if (st === 'unreachable' && o.ignored) return 'skipped';
  if (st === 'failed' && o.ignored) return o.result.changed === true ? 'changed' : 'ok';
  return st;
}

/** Runs one task on one host and reports the result. */
/**
 * A task's name as its banner shows it, templated as Ansible templates it before the banner (here with
 * the first host's variables; what cannot be resolved leaves the name as written), secrets scrubbed.
 */
export function bannerName(task: TaskNode, state: HostState | undefined, frames: TaskFrame[], env: TaskEnv): string {
  if (!state || !templatedName(task)) return displayName(task);
  // (the host's variables may not be there to read: a vars_files entry that is missing fails the task itself)
  try {
    return nameIn(task, scopeFor(task, state, frames, env), env);
  } catch {
    return displayName(task);
  }
}

/** A meta task's action (end_play, flush_handlers…); undefined for another task. */
export function metaActionOf(task: TaskNode): string | undefined {
  return task.action === 'meta' ? String((task.args as Record<string, unknown>)._raw_params) : undefined;
}

const TASK_IDS = new WeakMap<TaskNode, number>();
let taskCount = 0;

/** A number naming one task of the run (Ansible's task uuid): reporters tell one task's results from another's by it. */
export function taskIdOf(task: TaskNode): number {
  let id = TASK_IDS.get(task);
  if (id === undefined) {
    id = taskCount++;
    TASK_IDS.set(task, id);
  }
  return id;
}

/** The task's own name as ansible_failed_task gives it: templated in the host's scope (as written when it cannot be), '' when it has none. */
export function ownName(task: TaskNode, state: HostState, frames: TaskFrame[], env: TaskEnv): string {
  if (task.name === undefined || !/\{\{|\{%/.test(task.name)) return task.name ?? '';
  try {
    return rendered(task.name, task, scopeFor(task, state, frames, env), env);
  } catch {
    return task.name;
  }
}

// a loop item as Ansible prints it in `(item=...)`: text as it is, anything else as Python's repr
const itemLabel = (v: unknown): string => (typeof v === 'string' ? v : pyRepr(v));

// the secret values a host's scope holds: never shown in output
// (a vault-encrypted value is a secret wherever it shows)
const secretsIn = (scope: VarScope, env: TaskEnv): string[] => [...secretValues(scope.names(), (n) => scope.get(n), env.secretNames), ...(env.opts.secrets ?? []), ...vaultPlaintexts()];

// (an unnamed task whose action: names its module by a template is shown by that template, as in Ansible)
const templatedName = (task: TaskNode): boolean => !(task.templatedModule && task.name === undefined) && /\{\{|\{%/.test(displayName(task));

/** The task's shown name templated in a host's scope (as written when it cannot be), secrets scrubbed. */
function nameIn(task: TaskNode, scope: VarScope, env: TaskEnv): string {
  return templatedName(task) ? rendered(displayName(task), task, scope, env) : displayName(task);
}

// a name's text templated in a host's scope (as written when it cannot be), secrets scrubbed
function rendered(text: string, task: TaskNode, scope: VarScope, env: TaskEnv): string {
  try {
    return scrubText(String(scope.template(text, task.pos)), secretsIn(scope, env));
  } catch {
    return text;
  }
}

export async function executeTask(written: TaskNode, state: HostState, frames: TaskFrame[], env: TaskEnv): Promise<TaskOutcome> {
  // (an action: whose module name is a template becomes the task it names on this host, below)
  let task = written;
  const noLog = toBool(inherited(task, frames, env.play, 'no_log')) === true;
  // (a meta task registers nothing, as Ansible's strategy runs it without its results' processing)
  const register = typeof task.keywords.register === 'string' && task.action !== 'meta' ? task.keywords.register : undefined;
  let secrets: string[] | undefined;
  // the task's scope, built once: runOnHost uses it and the secrets to scrub come from it
  let base: VarScope | undefined;
  const secretsOf = (): string[] => {
    if (!secrets) {
      const s = (base ??= scopeFor(task, state, frames, env));
      secrets = secretsIn(s, env);
    }
    return secrets;
  };
  const emit = (status: HostStatus, result: Record<string, unknown>, ignored: boolean, item?: unknown, label?: unknown, delegatedTo?: string): void => {
    const shown = noLog ? { ...NO_LOG, changed: result.changed ?? false } : scrubValue(redactSecrets(result), secretsOf());
    // debug's and assert's results are always printed, indented (Ansible's _ansible_verbose_always); debug's without `changed`
    const always = status !== 'skipped' && (task.action === 'debug' || result._ansible_verbose_always === true);
    if (task.action === 'debug') debugShown(shown);
    env.opts.reporter.emit({
      type: 'host_result',
      taskId: taskIdOf(task),
      host: state.host.name,
      status,
      result: shown,
      ...(item !== undefined ? { item: { label: itemLabel(label ?? item) } } : {}),
      ignored,
      delegatedTo,
      verbose: env.opts.verbosity > 0,
      showResult: always || env.opts.verbosity > 0 || status === 'failed' || status === 'unreachable',
      indent: always || env.opts.verbosity > 2,
      debug: task.action === 'debug' || undefined,
    });
  };
  // ignore_errors / ignore_unreachable after an exception: templated as on the normal path ("{{ tolerate }}");
  // a value that cannot be templated (the scope itself failed) does not ignore
  const ignoring = (keyword: 'ignore_errors' | 'ignore_unreachable'): boolean => {
    const v = inherited(task, frames, env.play, keyword);
    try {
      return toBool(typeof v === 'string' && base ? base.template(v, task.pos) : v) === true;
    } catch {
      return false;
    }
  };
  let outcome: TaskOutcome;
  try {
    base = scopeFor(task, state, frames, env);
    if (task.templatedModule) task = resolveTemplatedAction(task, String(base.template(task.action, task.pos)).trim(), playLoadOpts(env));
    outcome = await runOnHost(task, state, frames, env, register, emit, base);
  } catch (e) {
    if (e instanceof UnreachableError) {
      const result = { changed: false, unreachable: true, msg: e.message };
      const ignore = ignoring('ignore_unreachable');
      emit('unreachable', result, ignore);
      if (!ignore) {
        state.unreachable = true;
        state.stats.unreachable += 1;
      } else {
        // as Ansible: an ignored unreachable host counts as ok and ignored, and its result is registered
        state.stats.ok += 1;
        state.stats.ignored += 1;
        state.remember(register, result, undefined);
      }
      return { failed: !ignore, ignored: ignore, result, register, facts: undefined };
    }
    // template errors, missing files, module crashes: a failed result for this host, as in Ansible
    const msg = e instanceof ParseError || e instanceof UserError ? `${e.pos ? formatPos(e.pos) + ': ' : ''}${e.message}${e.hint ? ` (${e.hint})` : ''}` : (e as Error).message;
    const result = { changed: false, failed: true, msg };
    outcome = { failed: true, ignored: false, result, register, facts: undefined };
    const ignore = ignoring('ignore_errors');
    emit('failed', result, ignore);
    outcome.ignored = ignore;
    countResult(state, 'failed', ignore);
  }
  state.remember(outcome.register, outcome.result, outcome.facts);
  return outcome;
}

// how many oks a task that worked counts: an include as Ansible's strategy counts it, include_role never
// (a TaskInclude's own result is no ok), include_tasks once for each file it loaded (each loop item's)
function oksOf(task: TaskNode, results: Record<string, unknown>[]): number {
  if (task.action === 'include_role') return 0;
  if (task.action === 'include_tasks') return results.filter((r) => r.failed !== true && r.skipped !== true).length;
  return 1;
}

function countResult(state: HostState, status: HostStatus, ignored: boolean, changed = false, oks = 1): void {
  const s = state.stats;
  if (status === 'failed' && !ignored) {
    s.failed += 1;
    state.failed = true;
  } else if (status === 'failed') {
    // as Ansible: an ignored failure counts as ok and ignored, and as changed if the task changed
    s.ok += 1;
    s.ignored += 1;
    if (changed) s.changed += 1;
  } else if (status === 'skipped') s.skipped += 1;
  else if (status === 'changed') {
    s.ok += 1;
    s.changed += 1;
  } else if (status === 'ok') s.ok += oks;
}

/** What Ansible's callback prints of a debug result: a message alone, or the variable without the status keys (its _clean_results). */
function debugShown(shown: Record<string, unknown>): void {
  const keep = ['msg', 'exception', 'warnings', 'deprecations'];
  const drop = 'msg' in shown ? Object.keys(shown).filter((k) => !keep.includes(k) && !k.startsWith('_')) : ['changed', 'failed', 'skipped', 'invocation', 'skip_reason'];
  for (const k of drop) delete shown[k];
}

/** A meta task whose `when` is false: Ansible's result for it (its strategy's _execute_meta). */
function metaSkipped(action: string, host: string): Record<string, unknown> {
  const why: Record<string, string> = {
    flush_handlers: `, not running handlers for ${host}`,
    clear_facts: `, not clearing facts and fact cache for ${host}`,
    clear_host_errors: `, not clearing host error state for ${host}`,
    end_batch: ', continuing current batch',
    end_play: ', continuing play',
    end_host: `, continuing execution for ${host}`,
  };
  const msg = action === 'end_host' ? `end_host conditional evaluated to false, continuing execution for ${host}` : action;
  return { msg, skipped: true, skip_reason: `${action} conditional evaluated to False${why[action] ?? ''}` };
}

// the tasks whose loop variable was found in use already: Ansible warns once (its Display shows a warning once)
const loopVarWarned = new WeakSet<TaskNode>();

// ansible_loop of loop_control's extended, as Ansible's _run_loop makes it (its keys in that order)
function loopInfo(items: unknown[], i: number, allItems: boolean): Record<string, unknown> {
  const n = items.length;
  const info: Record<string, unknown> = { index: i + 1, index0: i, first: i === 0, last: i + 1 === n, length: n, revindex: n - i, revindex0: n - i - 1 };
  if (allItems) info.allitems = items;
  if (i + 1 < n) info.nextitem = items[i + 1];
  if (i > 0) info.previtem = items[i - 1];
  return info;
}

/** Metas Ansible runs even when their `when` is false (with a warning). */
const WHENLESS_META = ['noop', 'refresh_inventory', 'reset_connection'];

type Emit = (status: HostStatus, result: Record<string, unknown>, ignored: boolean, item?: unknown, label?: unknown, delegatedTo?: string) => void;

async function runOnHost(task: TaskNode, state: HostState, frames: TaskFrame[], env: TaskEnv, register: string | undefined, emit: Emit, baseScope: VarScope): Promise<TaskOutcome> {
  // Ansible warns when it processes a dynamic bare include's results, run, skipped or failed
  if (isBareInclude(task.actionWritten)) env.opts.reporter.emit({ type: 'warning', msg: RUN_DEPRECATION, deprecation: true });
  const items = loopItems(task, baseScope);
  const ignoreErrors = toBool(baseScope.template(inherited(task, frames, env.play, 'ignore_errors') ?? false, task.pos)) === true;
  const loopControl = (task.keywords.loop_control ?? {}) as Record<string, unknown>;
  const loopVar = String(loopControl.loop_var ?? 'item');
  const delegateName = inherited(task, frames, env.play, 'delegate_to');
  // delegate_to is templated per loop item (it may name {{ item }}), as in Ansible
  const delegateIn = (scope: VarScope): Host | undefined => {
    if (delegateName === undefined) return undefined;
    const to = String(scope.template(delegateName, task.pos));
    return env.vars.inv.hosts.get(to) ?? env.vars.inv.implicitLocalhost(to);
  };
  const shown = (d: Host | undefined): string | undefined => (d && d !== state.host ? d.name : undefined);
  // a result skipped by `when` names no delegate: Ansible decides the condition before it delegates
  const byWhen = (r: Record<string, unknown>): boolean => r.skip_reason === 'Conditional result was False';
  const facts: Record<string, unknown> = {};
  let control: ActionOutcome['control'];
  const runOne = async (loopVars: Record<string, unknown>): Promise<ActionOutcome> => {
    const scope = items === undefined ? baseScope : baseScope.extend(loopVars);
    const conditions = conditionsOf(task, frames, 'when');
    const when = holds(conditions, scope, task);
    // these metas run whatever their `when` says, with Ansible's warning
    const meta = metaActionOf(task);
    if (meta !== undefined && WHENLESS_META.includes(meta) && conditions.length) env.opts.reporter.emit({ type: 'warning', msg: `${meta} task does not support when conditional` });
    else if (!when.ok) return { result: meta !== undefined ? metaSkipped(meta, state.host.name) : { changed: false, skipped: true, skip_reason: 'Conditional result was False' } };
    const outcome = await runAction(task, state, frames, env, scope, register, delegateIn(scope), facts);
    control ??= outcome.control;
    return outcome;
  };
  let result: Record<string, unknown>;
  const shownDelegate = items === undefined ? shown(delegateName === undefined ? undefined : delegateIn(baseScope)) : undefined;
  if (items === undefined) {
    const one = await runOne({});
    result = { ...one.result, ...(one.warnings?.length ? { warnings: one.warnings } : {}), ...(one.deprecations?.length ? { deprecations: one.deprecations } : {}) };
    const status = statusOf(result);
    const ignored = status === 'failed' && ignoreErrors;
    if (!one.quiet) emit(status, result, ignored, undefined, undefined, byWhen(result) ? undefined : shownDelegate);
    // meta tasks are not in the recap, run or skipped, as in Ansible
    if (task.action !== 'meta') countResult(state, status, ignored, result.changed === true, oksOf(task, [result]));
    if (status === 'changed') notify(task, frames, env, state, baseScope);
  } else {
    const results: Record<string, unknown>[] = [];
    if (baseScope.has(loopVar) && !loopVarWarned.has(task)) {
      loopVarWarned.add(task);
      env.opts.reporter.emit({ type: 'warning', msg: `TASK: ${displayName(task)}: The loop variable '${loopVar}' is already in use. You should set the \`loop_var\` value in the \`loop_control\` option for the task to something else to avoid variable collisions and unexpected behavior.` });
    }
    // loop_control's extended (ansible_loop, with allitems unless extended_allitems is false) and pause (seconds between items), templated as Ansible post-validates them
    const extended = loopControl.extended !== undefined && toBool(baseScope.template(loopControl.extended, task.pos)) === true;
    const allItems = loopControl.extended_allitems === undefined || toBool(baseScope.template(loopControl.extended_allitems, task.pos)) !== false;
    const pause = loopControl.pause === undefined ? 0 : Number(baseScope.template(loopControl.pause, task.pos));
    if (!Number.isFinite(pause) || pause < 0) throw new UserError(`loop_control's pause must be a number of seconds, got ${JSON.stringify(loopControl.pause)}`, { kind: 'parse', pos: task.pos });
    for (const [index, item] of items.entries()) {
      if (pause > 0 && index > 0) await new Promise((r) => setTimeout(r, pause * 1000));
      const loopVars: Record<string, unknown> = { [loopVar]: item, ansible_loop_var: loopVar };
      if (loopControl.index_var !== undefined) Object.assign(loopVars, { [String(loopControl.index_var)]: index, ansible_index_var: String(loopControl.index_var) });
      if (extended) loopVars.ansible_loop = loopInfo(items, index, allItems);
      const r = { ...(await runOne(loopVars)).result, ...loopVars };
      results.push(r);
      const label = loopControl.label === undefined ? item : baseScope.extend(loopVars).template(loopControl.label, task.pos);
      const st = statusOf(r);
      const quietInclude = (task.action === 'include_tasks' || task.action === 'include_role') && st !== 'failed';
      if (!quietInclude) emit(st, r, st === 'failed' && ignoreErrors, item, label, delegateName === undefined || byWhen(r) ? undefined : shown(delegateIn(baseScope.extend(loopVars))));
    }
    const anyFailed = results.some((r) => r.failed === true);
    const allSkipped = results.length > 0 && results.every((r) => r.skipped === true);
    result = { changed: results.some((r) => r.changed === true), msg: anyFailed ? 'One or more items failed' : allSkipped ? 'All items skipped' : 'All items completed', results, skipped: allSkipped };
    // an empty loop skips the task, as Ansible does
    if (!results.length) result = { changed: false, results, skipped: true, skipped_reason: 'No items in the list' };
    if (anyFailed) result.failed = true;
    const status: HostStatus = anyFailed ? 'failed' : allSkipped || !results.length ? 'skipped' : result.changed ? 'changed' : 'ok';
    // a loop with no items, or whose items were all skipped, ends with a skipping line of its own (its results left out)
    if (!results.length || allSkipped) emit('skipped', Object.fromEntries(Object.entries(result).filter(([k]) => k !== 'results')), false, undefined, undefined, shownDelegate);
    countResult(state, status, anyFailed && ignoreErrors, result.changed === true, oksOf(task, results));
    if (status === 'changed') notify(task, frames, env, state, baseScope);
    if (anyFailed && !ignoreErrors) emit('failed', { msg: result.msg, changed: result.changed }, false, undefined, undefined, shownDelegate);
  }
  return {
    failed: result.failed === true,
    ignored: result.failed === true && ignoreErrors,
    result,
    register,
    facts: Object.keys(facts).length ? facts : undefined,
    ends: control === 'end_play' ? 'play' : control === 'end_batch' ? 'batch' : undefined,
    flushHandlers: control === 'flush',
  };
}

/** What running a task's action gave: its result, and what the runner itself must do next. */
interface ActionOutcome {
  result: Record<string, unknown>;
  /** Meta actions print nothing of their own. */
  quiet?: boolean;
  control?: 'flush' | 'end_play' | 'end_batch' | undefined;
  /** The module's warnings (shown as they came; registered with the result of a task without a loop, as Ansible does). */
  warnings?: string[] | undefined;
  /** The module's deprecations (shown, and registered as the warnings are). */
  deprecations?: Deprecation[] | undefined;
}

function notify(task: TaskNode, frames: TaskFrame[], env: TaskEnv, state: HostState, scope: VarScope): void {
  // (a block's notify applies to its tasks, as Ansible's Block attribute)
  const n = inherited(task, frames, env.play, 'notify');
  if (n === undefined || n === null) return;
  for (const name of Array.isArray(n) ? n : [n]) state.notified.add(String(scope.template(name, task.pos)));
}

async function runAction(task: TaskNode, state: HostState, frames: TaskFrame[], env: TaskEnv, scope: VarScope, register: string | undefined, delegate: Host | undefined, facts: Record<string, unknown>): Promise<ActionOutcome> {
  const args = withoutOmitted(scope.template(task.args, task.pos)) as Record<string, unknown>;
  // a !vault value no secret decrypts, handed to a module, is used there (Ansible decrypts it to send it)
  checkUnlocked(args);
  const checkKw = inherited(task, frames, env.play, 'check_mode');
  const check = checkKw === undefined ? env.opts.check : toBool(scope.template(checkKw, task.pos)) === true;
  // the diff keyword (task, block, role, play) over --diff, as check_mode over --check
  const diffKw = inherited(task, frames, env.play, 'diff');
  const diff = diffKw === undefined ? env.opts.diff : toBool(scope.template(diffKw, task.pos)) === true;
  const conn = connectionKeywords(task, frames, env, scope);
  switch (task.action) {
    case 'meta':
      // Ansible's reset_connection: the next task connects anew (new group memberships, a changed sshd)
      if (args._raw_params === 'reset_connection') {
        const t = transportOf(state, scope, env, delegate, conn);
        if (t.reset) await t.reset();
        else env.opts.reporter.emit({ type: 'warning', msg: 'Reset is not implemented for this connection' });
      }
      return metaAction(String(args._raw_params), state, env);
    case 'include_vars':
      return { result: includeVars(task, args, state, env, scope) };
    case 'group_by':
    case 'add_host': {
      const seen = env.vars.inv.warnings.length;
      const result = task.action === 'group_by' ? groupBy(env.vars.inv, state.host, args, task.pos) : addHost(env.vars.inv, args, task.pos);
      // (a new group's warning, as Ansible prints it at the task: a name a variable name cannot hold)
      for (const msg of env.vars.inv.warnings.slice(seen)) env.opts.reporter.emit({ type: 'warning', msg });
      env.inventoryChanged();
      return { result };
    }
    // an include that worked prints no line of its own, as in Ansible (include_tasks says `included:` later)
    case 'include_tasks': {
      const result = await includeTasks(task, args, state, frames, env, scope);
      return { result, quiet: result.failed !== true };
    }
    case 'include_role': {
      const result = await includeRole(task, args, state, frames, env, scope);
      return { result, quiet: result.failed !== true };
    }
  }
  const impl = task.python ? pythonModule(task.python) : IMPLEMENTATIONS[task.action];
  if (!impl) return { result: { changed: false, failed: true, msg: `module '${task.action}' is not available in this build of kplay` } };
  const spec = MODULES[task.action];
  const typed = spec ? convertArgs(task.action, spec, args, task.pos) : args;
  // (the configuration's task_timeout is the keyword's default, as in Ansible)
  const timeout = inherited(task, frames, env.play, 'timeout') ?? (env.opts.taskTimeout || undefined);
  const timeoutS = timeout === undefined ? undefined : Number(scope.template(timeout, task.pos));
  const asked = asyncJob(task, scope, check);
  if ('refused' in asked) return { result: asked.refused };
  const job = asked;
  // a module other than command and shell started in the background runs from here, on a connection of its own
  const held = job.background && !BACKGROUND_MODULES.includes(task.action);
  const transport = held ? jobTransportOf(state, scope, env, delegate, job.id, conn) : transportOf(state, scope, env, delegate, conn);
  // the tighter of timeout and async bounds each attempt (a background job's seconds bound the job, not its start)
  const limits = [timeoutS, job.background ? undefined : job.seconds].filter((x): x is number => !!x);
  const limitS = limits.length ? Math.min(...limits) : undefined;
  const become = becomeFor(task, frames, scope, env);
  const environment = environmentFor(task, frames, scope, env);
  // Ansible's raw action sends the line without the task's environment, and warns that it does
  const rawWithoutEnv = task.action === 'raw' && environment !== undefined && Object.keys(environment).length > 0;
  // shown, not registered: Ansible's action displays it rather than returning it
  if (rawWithoutEnv) env.opts.reporter.emit({ type: 'warning', msg: `[${state.host.name}] raw module does not support the environment keyword` });
  const execDefaults: TaskExecDefaults = {
    env: rawWithoutEnv ? undefined : environment,
    timeoutMs: limitS ? limitS * 1000 : undefined,
    trace:
      env.opts.verbosity >= 2 && toBool(inherited(task, frames, env.play, 'no_log')) !== true
        ? (c) => env.opts.reporter.emit({ type: 'command', host: state.host.name, command: scrubText(c, secretsIn(scope, env)) })
        : undefined,
  };
  let stopped = false;
  const hostSide = hostIO(transport, become, execDefaults);
  const io = held ? stoppable(hostSide, () => stopped) : hostSide;
  const warnings: string[] = [];
  const deprecations: Deprecation[] = [];
  // pause asks under the task's name, with `(output is hidden)` when what is typed is not echoed, as Ansible's pause
  const pauseTitle = `[${displayName(task).trim()}]`;
  const hiddenNote = (echo: boolean): string => (echo ? '' : ' (output is hidden)');
  const ctx: ModuleContext = {
    args: typed,
    host: io,
    connection: hostConnection(transport, io),
    background: job.background && job.seconds && !held ? { id: job.id, seconds: job.seconds } : undefined,
    check,
    diff,
    findLocal: (kind, src) => findLocal(kind, src, task, env),
    missingLocal: (kind, src) => missingLocal(kind, src, task, env),
    // `.hbs` files are Handlebars; everything else (`.j2`, ...) is Jinja, as Ansible's template module
    // (Ansible's template action adds the playbook's directory and the template's own to the task's
    // ansible_search_path while it renders: a lookup there finds files beside the template; its include
    // and extends look in each of those directories' templates/, then the directory)
    render: (text, origin, extra, settings) => {
      const path = [...searchPathOf(task, env), dirname(env.play.file), dirname(origin)];
      const s = scope.extend({ ...extra, ansible_search_path: path });
      if (origin.endsWith('.hbs')) return renderHandlebars(text, s.proxy(), origin);
      return s.renderFile(text, origin, path.flatMap((d) => [resolve(d, 'templates'), resolve(d)]), settings);
    },
    condition: (expr) => holds([expr], scope, task).ok,
    defaultsOf: (module) => {
      const d = task.moduleDefaults && defaultsFor(task.moduleDefaults, module);
      return d ? (withoutOmitted(scope.template(d.args, task.pos)) as Record<string, unknown>) : {};
    },
    variable: (expr, templated) => {
      // debug var= takes an expression (r.stdout, groups['etcd'][0]), as in Ansible
      const { text, ast } = compileCondition(expr, task.pos);
      let v: unknown;
      try {
        v = new Evaluator(scope.read, scope.functions()).value(ast, true);
      } catch (e) {
        // an undefined value inside the expression (`nosuch + 1`) is the expression undefined, as Ansible's templating of it is
        if (e instanceof UndefinedError) return { defined: false, value: undefined, error: e.message };
        throw e;
      }
      return v instanceof Undefined ? { defined: false, value: undefined, error: undefinedMessage(v) } : { defined: true, value: templated ? templatedValue(text, ast, v) : v };
    },
    warn: (msg, shownOnly) => (shownOnly ? env.opts.reporter.emit({ type: 'warning', msg }) : warnings.push(msg)),
    deprecate: (d) => deprecations.push(d),
    noLog: toBool(inherited(task, frames, env.play, 'no_log')) === true,
    prompt: env.opts.prompt && ((text, echo) => (env.opts.prompt as NonNullable<typeof env.opts.prompt>)(`${pauseTitle}\n${text}${hiddenNote(echo)}`, echo)),
    // pause's timed wait, its lines as Ansible's pause prints them; on a terminal keys can end it
    wait: async (seconds, prompt, echo) => {
      const lines = [`Pausing for ${seconds} seconds${hiddenNote(echo)}`, "(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)\r", ...(prompt !== undefined ? [pauseTitle, `${prompt}${hiddenNote(echo)}:`] : [])];
      if (env.opts.wait) return env.opts.wait(seconds, lines);
      for (const text of lines) env.opts.reporter.emit({ type: 'display', text });
      await new Promise((r) => setTimeout(r, seconds * 1000));
      return false;
    },
    sync: task.action === 'synchronize' ? syncFor(task, state, scope, env, delegate, become, execDefaults, conn) : undefined,
  };
  // delegate_facts: the facts are the delegate's (setup on another host, set_fact for it), not this host's
  const factsElsewhere = delegate !== undefined && delegate !== state.host && toBool(scope.template(inherited(task, frames, env.play, 'delegate_facts') ?? false, task.pos)) === true;
  const retries = task.keywords.until !== undefined ? Number(scope.template(task.keywords.retries ?? 3, task.pos)) : 0;
  const delay = Number(scope.template(task.keywords.delay ?? 5, task.pos));
  let result: ModuleResult;
  for (let attempt = 0; ; attempt++) {
    const started = Date.now();
    result = held
      ? await startHeldJob({
          job: { id: job.id, seconds: job.seconds as number },
          run: () => runModule(impl, ctx),
          warnings,
          host: hostIO(transportOf(state, scope, env, delegate, conn), become, execDefaults),
          stop: () => {
            stopped = true;
            transport.kill();
          },
          hold: (done) => env.opts.hold?.(done),
        })
      : await runModule(impl, ctx);
    if (job.seconds && !job.background && Date.now() - started >= job.seconds * 1000 && job.seconds === limitS) {
      result = { changed: false, failed: true, msg: `async task did not complete within the requested time - ${job.seconds}s` };
    } else if (timeoutS && Date.now() - started >= timeoutS * 1000) {
      result = { changed: false, failed: true, msg: `The ${task.action} action failed to execute in the expected time frame (${timeoutS}) and was terminated` };
    }
    if (job.seconds && !job.background) Object.assign(result, { ansible_job_id: job.id, started: 1, finished: 1 });
    // every result says whether it failed, before changed_when/failed_when see it, as Ansible's TaskExecutor does
    if (!('failed' in result)) result.failed = 'rc' in result && result.rc !== 0 && result.rc !== '0';
    // with until, every result says how many attempts it took, before changed_when/failed_when see it (as Ansible)
    if (task.keywords.until !== undefined) result.attempts = attempt + 1;
    const judged = withResultFacts(scope, task, result, factsElsewhere);
    applyChangedFailed(task, result, judged, register);
    if (task.keywords.until === undefined) break;
    const untilScope = register ? judged.extend({ [register]: result }) : judged;
    const done = holds(conditionsOf(task, [], 'until'), untilScope, task).ok;
    if (done) break;
    if (attempt >= retries) {
      // Ansible marks it failed and reports one attempt less than it made (retries, not retries + 1);
      // with retries 0 the one attempt's result stands as it is
      if (retries > 0) Object.assign(result, { failed: true, attempts: retries });
      break;
    }
    env.opts.reporter.emit({ type: 'retry', host: state.host.name, task: nameIn(task, scope, env), retriesLeft: retries - attempt });
    await new Promise((r) => setTimeout(r, delay * 1000));
  }
  for (const w of warnings) env.opts.reporter.emit({ type: 'warning', msg: `[${state.host.name}] ${w}`, fromResult: true });
  for (const d of deprecations) env.opts.reporter.emit({ type: 'warning', msg: deprecationText(d), deprecation: true, fromResult: true });
  const moduleFacts = result.ansible_facts as Record<string, unknown> | undefined;
  const owner = factsElsewhere ? env.stateOf(delegate) : undefined;
  if (moduleFacts) {
    if (task.action === 'set_fact') {
      if (owner) owner.remember(undefined, undefined, moduleFacts);
      else Object.assign(facts, moduleFacts);
      // cacheable: in the fact cache too, so under ansible_facts (and cleared by meta: clear_facts), as Ansible's
      if (result._ansible_facts_cacheable === true) (owner ?? state).addModuleFacts(moduleFacts);
    } else (owner ?? state).addModuleFacts(moduleFacts);
    // (the gather_facts action's, the play's implicit one too, not a setup task's)
    if (task.actionWritten === 'gather_facts' && result.failed !== true) (owner ?? state).factsGathered = true;
  }
  return { result, warnings, deprecations };
}

// synchronize's sides (runner/sync-sides.ts): the task's host's and the delegate's settings, and where rsync runs
function syncFor(task: TaskNode, state: HostState, scope: VarScope, env: TaskEnv, delegate: Host | undefined, become: Become | undefined, defaults: TaskExecDefaults, conn: ConnectionKeywords): SyncSides {
  const target = settingsOf(state.host, scope, conn);
  const own = transportOf(state, scope, env, undefined, conn);
  let delegated: SyncInputs['delegate'];
  if (delegate) {
    const ds = env.vars.scope(delegate);
    delegated = { isTarget: delegate === state.host || delegate.name === target.host, user: settingsOf(delegate, ds, conn).user };
  }
  return syncSides({
    target,
    targetLocal: own.local === true,
    delegate: delegated,
    become,
    defaults: env.opts.sshDefaults ?? {},
    rsyncPath: scope.has('ansible_rsync_path') ? scope.get('ansible_rsync_path') : undefined,
    runner: (b) => hostIO(delegate ? transportOf(state, scope, env, delegate, conn) : own.local === true ? own : env.opts.controller(), b, defaults),
    findFile: (p) => findLocal('files', p, task, env),
    playbookDir: dirname(env.play.file),
  });
}

// a background job's own connection to the task's host (or its delegate)
function jobTransportOf(state: HostState, scope: VarScope, env: TaskEnv, delegate: Host | undefined, id: string, conn: ConnectionKeywords): ReturnType<RunnerOptions['transportFor']> {
  const host = delegate ?? state.host;
  const s = delegate && delegate !== state.host ? env.vars.scope(delegate) : scope;
  return env.opts.transportFor(host, settingsOf(host, s, conn), `job ${id}`);
}

/**
 * A task's `async`/`poll`: with poll > 0 (10 when not given) the task may run at most `async` seconds;
 * kplay waits on the open session instead of polling a job file, which gives the same result. poll: 0
 * starts a command or shell task as a job on the host (modules/async-job.ts), and any other module as a
 * job the controller runs (held-job.ts). As Ansible, the actions whose plugins do not support async
 * refuse it, and any async task in check mode is refused.
 */
function asyncJob(task: TaskNode, scope: VarScope, check: boolean): { seconds: number | undefined; id: string; background: boolean } | { refused: ModuleResult } {
  if (task.keywords.async === undefined) return { seconds: undefined, id: '', background: false };
  const seconds = Number(scope.template(task.keywords.async, task.pos));
  const poll = task.keywords.poll === undefined ? 10 : Number(scope.template(task.keywords.poll, task.pos));
  if (!Number.isInteger(seconds) || seconds < 0) return { refused: { changed: false, failed: true, msg: `async must be a whole number of seconds, not ${JSON.stringify(task.keywords.async)}` } };
  if (seconds > 0 && NO_ASYNC_ACTIONS.includes(task.action)) return { refused: { changed: false, failed: true, msg: 'async is not supported for this task.' } };
  // Ansible's action refuses the pair for every module, before the module runs
  if (check && seconds > 0) return { refused: { changed: false, failed: true, msg: 'check mode and async cannot be used on same task.' } };
  const background = poll === 0 && seconds > 0;
  // Ansible's job id: j, twelve random digits, the controller's pid (a job outlives the run, so ids must not repeat)
  return { seconds: seconds || undefined, id: `j${String(randomInt(1e11, 1e12))}.${process.pid}`, background };
}

async function runModule(impl: (ctx: ModuleContext) => Promise<ModuleResult>, ctx: ModuleContext): Promise<ModuleResult> {
  try {
    return await impl(ctx);
  } catch (e) {
    if (e instanceof UnreachableError) throw e;
    if (e instanceof ActionFailed) return { changed: false, failed: true, msg: e.message };
    if (e instanceof ActionError || e instanceof VaultError) return { failed: true, msg: e.message } as ModuleResult;
    // a template file with an undefined value fails as Ansible's template action words it (AnsibleError's text, then its cause's)
    if (e instanceof TemplateError && e.undefinedVariable) return { changed: false, failed: true, msg: `AnsibleUndefinedVariable: ${e.message}. ${e.message}` };
    return { changed: false, failed: true, msg: (e as Error).message };
  }
}

// what changed_when, failed_when and until see: the result's facts too, as Ansible's TaskExecutor adds
// them (set_fact's as variables, unless they are the delegate's; another module's by the names it gave
// them, and under ansible_facts.ansible_facts: Ansible 2.14 merges namespace_facts' whole answer there)
function withResultFacts(scope: VarScope, task: TaskNode, result: ModuleResult, factsElsewhere: boolean): VarScope {
  const f = result.ansible_facts;
  if (!f || typeof f !== 'object' || Array.isArray(f) || task.action === 'debug') return scope;
  const facts = f as Record<string, unknown>;
  if (task.action === 'set_fact') return factsElsewhere ? scope : scope.extend(facts);
  const current = scope.has('ansible_facts') ? scope.get('ansible_facts') : undefined;
  const namespaced = Object.fromEntries(Object.entries(facts).map(([k, v]) => [factKey(k), v]));
  return scope.extend({ ...facts, ansible_facts: { ...(current && typeof current === 'object' ? current : {}), ansible_facts: namespaced } });
}

function applyChangedFailed(task: TaskNode, result: ModuleResult, scope: VarScope, register: string | undefined): void {
  const k = task.keywords;
  // a skipped result (a command in check mode) is not judged, as in Ansible: its stdout does not exist
  if ((k.changed_when === undefined && k.failed_when === undefined) || result.skipped === true) return;
  // the result is visible under the register name (and as the task's own fields), as in Ansible
  const s = scope.extend({ [register ?? '__result']: result });
  if (k.changed_when !== undefined) result.changed = holds(Array.isArray(k.changed_when) ? k.changed_when : [k.changed_when], s, task).ok;
  if (k.failed_when !== undefined) {
    const failed = holds(Array.isArray(k.failed_when) ? k.failed_when : [k.failed_when], s, task).ok;
    result.failed = failed;
    if (failed && result.msg === undefined) result.msg = 'failed_when condition was true';
    result.failed_when_result = failed;
  }
}

function metaAction(action: string, state: HostState, env: TaskEnv): ActionOutcome {
  switch (action) {
    case 'clear_facts':
      // every host of the batch forgets its facts (gathered, and set_fact's cacheable ones); set_fact's others stay, as Ansible's
      for (const h of env.batch) env.stateOf(h).clearFacts();
      return { result: { changed: false, msg: 'facts cleared' }, quiet: true };
    case 'flush_handlers':
      return { result: { changed: false }, quiet: true, control: 'flush' };
    case 'end_play':
      return { result: { changed: false, msg: 'ending play' }, quiet: true, control: 'end_play' };
    case 'end_batch':
      return { result: { changed: false, msg: 'ending batch' }, quiet: true, control: 'end_batch' };
    case 'end_host':
      state.ended = true;
      return { result: { changed: false, msg: 'ending host' }, quiet: true };
    case 'clear_host_errors':
      // the batch's failed and unreachable hosts (earlier plays' too) take part in the later plays; in this
      // one their tasks stay ended, as Ansible's iterator has them complete
      for (const h of env.batch) {
        const s = env.stateOf(h);
        if (!s.failed && !s.unreachable) continue;
        s.failed = false;
        s.unreachable = false;
        s.ended = true;
      }
      return { result: { changed: false, msg: 'cleared host errors' }, quiet: true };
    default:
      // noop, refresh_inventory, reset_connection (done by the caller), role_complete
      return { result: { changed: false }, quiet: true };
  }
}

// play, block and task `environment:` merged (inner wins), templated, values as text
function environmentFor(task: TaskNode, frames: TaskFrame[], scope: VarScope, env: TaskEnv): Record<string, string> | undefined {
  const layers = [env.play.keywords.environment, ...frames.map((f) => f.block.keywords.environment), task.keywords.environment].filter((x) => x !== undefined && x !== null);
  if (!layers.length) return undefined;
  const out: Record<string, string> = {};
  for (const l of layers) {
    const v = scope.template(l, task.pos);
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new UserError(`environment must be a mapping of variable names to values, got ${JSON.stringify(v)}`, { kind: 'parse', pos: task.pos });
    for (const [k, x] of Object.entries(v)) out[k] = String(x);
  }
  return out;
}

function findLocal(kind: LocalKind, src: string, task: TaskNode, env: TaskEnv): string | undefined {
  return findLocalFile(kind, src, task.role, dirname(env.play.file), dirname(task.pos.file));
}

// Ansible's message for a task's controller file findLocal did not find, naming the paths searched
function missingLocal(kind: LocalKind, src: string, task: TaskNode, env: TaskEnv): string {
  return localNotFound(kind, src, task.role, dirname(env.play.file), dirname(task.pos.file));
}

function includeVars(task: TaskNode, args: Record<string, unknown>, state: HostState, env: TaskEnv, scope: VarScope): Record<string, unknown> {
  const { result, vars } = includeVarsResult({
    args,
    rolePath: task.role?.path,
    taskDir: dirname(task.pos.file),
    // searched for as Ansible's include_vars searches (its role's vars/ first), and named as it names it when missing
    find: (file) => findLocal('vars', file, task, env),
    missing: (file) => missingLocal('vars', file, task, env),
    current: (name) => (scope.has(name) ? scope.get(name) : undefined),
  });
  if (vars) state.addIncludeVars(vars);
  return result;
}

async function includeTasks(task: TaskNode, args: Record<string, unknown>, state: HostState, frames: TaskFrame[], env: TaskEnv, scope: VarScope): Promise<Record<string, unknown>> {
  const file = String(args.file ?? args._raw_params ?? '');
  const path = includedTaskFile(file, task.role, dirname(task.pos.file));
  if (!path) return { changed: false, failed: true, msg: `could not find the task file '${file}'` };
  const apply = applied(args);
  const loaded = loadIncludedTasks(path, playLoadOpts(env), task.role, [...inheritedTags(task, frames), ...apply.tags], task.moduleDefaults, task.collections);
  const { nodes } = loaded;
  // its import_roles' roles join the play's now, as Ansible appends them when it loads the file
  if (loaded.roles.length) {
    joinPlay(env, loaded.roles, `include_tasks:${path}`, loaded.vars);
    env.addRoleNames(`include_tasks:${path}`, loaded.names);
    env.addHandlers(loaded.handlers);
  }
  const loopVars = loopVarsOf(task, scope);
  // the include's vars: and loop variable are include params; apply's vars (and a bare include's
  // name=value arguments) the vars of a block around the tasks
  const params = { ...loopVars, ...((task.keywords.vars as Record<string, unknown>) ?? {}) };
  const vars = { ...task.bareVars, ...apply.vars };
  const frame: TaskFrame = { block: { kind: 'block', name: task.name, block: nodes, rescue: [], always: [], keywords: { ...apply.keywords, vars }, tags: [], role: task.role, implicit: 'import_tasks', includeParams: params, pos: task.pos } };
  const item = loopVars[String((task.keywords.loop_control as Record<string, unknown> | undefined)?.loop_var ?? 'item')];
  env.include(state, includeKey(task, path, { ...vars, ...params }), nodes, frame, { file: path, item: item === undefined ? undefined : itemLabel(item) });
  return { changed: false, include: path };
}

// roles an include brings become the play's: their defaults for every later task, their variables under `key`
function joinPlay(env: TaskEnv, roles: Role[], key: string, vars: VarBag[]): void {
  for (const r of roles) if (!env.roles.some((known) => known.id === r.id)) env.roles.push(r);
  env.addRoleVars(key, vars);
}

// what an include loads with: roles are found from the play's own playbook's directory (an imported one's)
// (a deprecated form in what it loads is warned of as the run goes)
const playLoadOpts = (env: TaskEnv): LoadOptions => ({
  ...env.opts.loadOpts,
  playbookDir: dirname(env.play.file),
  deprecate: (msg) => env.opts.reporter.emit({ type: 'warning', msg, deprecation: true }),
});

/** The loop variable of an include in a loop, which the included tasks see. */
function loopVarsOf(task: TaskNode, scope: VarScope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['item', String((task.keywords.loop_control as Record<string, unknown> | undefined)?.loop_var ?? 'item')]) if (scope.has(k)) out[k] = scope.get(k);
  return out;
}

// an include's apply: the keywords of a block around the included tasks (its tags go to each task, its
// vars over the include's), as Ansible's parent block built from it
function applied(args: Record<string, unknown>): { keywords: Record<string, unknown>; tags: string[]; vars: Record<string, unknown> } {
  const a = args.apply && typeof args.apply === 'object' && !Array.isArray(args.apply) ? (args.apply as Record<string, unknown>) : {};
  const { tags, vars, ...keywords } = a;
  return { keywords, tags: tagList(tags), vars: vars && typeof vars === 'object' ? (vars as Record<string, unknown>) : {} };
}

async function includeRole(task: TaskNode, args: Record<string, unknown>, state: HostState, frames: TaskFrame[], env: TaskEnv, scope: VarScope): Promise<Record<string, unknown>> {
  const apply = applied(args);
  const loaded = loadIncludedRole(args, task.keywords.vars, playLoadOpts(env), [...inheritedTags(task, frames), ...apply.tags], task.pos, task.moduleDefaults, task.collections, task.role);
  const { role, roles } = loaded;
  env.addHandlers(loaded.handlers);
  // public: true gives the role's variables (its vars: keyword's too) to the rest of the play; else only its own tasks see them
  const isPublic = toBool(args.public) === true;
  // each run is counted; allow_duplicates: false runs the role only where this identity (Ansible's role
  // cache key: the include's vars and *_from files; never a roles: entry's) has run
  const repeats = args.allow_duplicates === undefined || toBool(args.allow_duplicates) !== false;
  const roleKey = roleRunKey(role.path, { vars: task.keywords.vars, from: fromFilesOf(args), include: true });
  if (isPublic) {
    joinPlay(env, roles, roleKey, loaded.vars);
    env.addRoleNames(roleKey, { play: [role.name], dependencies: loaded.ownDependencies });
  }
  // the roles its tasks' import_roles use join the play's whether or not it is public, as Ansible appends them
  if (loaded.imported.roles.length) joinPlay(env, loaded.imported.roles, `${roleKey}\0imports`, loaded.imported.vars);
  env.addRoleNames(`${roleKey}\0imports`, loaded.names, role.id);
  const ctx = { name: role.name, path: role.path };
  const nodes: PlayNode[] = [{ kind: 'block', name: undefined, block: loaded.nodes, rescue: [], always: [], keywords: {}, tags: [], role: ctx, implicit: 'role', roleKey, roleRepeats: repeats, roleVars: loaded.vars, pos: task.pos }];
  // the include's vars: and loop variable reach the role's tasks as include params, apply's vars as a block's
  const params = { ...loopVarsOf(task, scope), ...((task.keywords.vars as Record<string, unknown>) ?? {}) };
  const frame: TaskFrame = { block: { kind: 'block', name: task.name, block: nodes, rescue: [], always: [], keywords: { ...apply.keywords, vars: apply.vars }, tags: [], role: ctx, implicit: 'import_role', includeParams: params, ...(isPublic ? {} : { roleScope: roles }), pos: task.pos } };
  env.include(state, includeKey(task, `${role.id}:${String(args.tasks_from ?? 'main')}`, { ...apply.vars, ...params }), nodes, frame);
  return { changed: false, include_role: role.name };
}

/**
 * The tags an included file's tasks inherit: those of the play, roles and blocks around the include, not
 * the include's own (which only decide whether the include itself runs), as in Ansible.
 */
function inheritedTags(task: TaskNode, frames: TaskFrame[]): string[] {
  const raw = task.keywords.tags;
  const own = new Set((Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : String(raw).split(',')).map((t) => String(t).trim()));
  return [...new Set([...task.tags.filter((t) => !own.has(t)), ...frames.flatMap((f) => f.block.tags)])];
}

/** Hosts that included the same file from the same task with the same variables run it together. */
function includeKey(task: TaskNode, what: string, vars: Record<string, unknown>): string {
  return `${task.pos.file}:${task.pos.line}:${task.pos.col}\0${what}\0${JSON.stringify(vars)}`;
}
