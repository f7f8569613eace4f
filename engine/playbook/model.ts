// The loaded, validated playbook: plays, blocks, tasks, roles and handlers with their source
// positions and effective (inherited) tags. Produced by load.ts; consumed by listing and the runner.
import type { SourcePos } from '../errors.js';
import type { VarBag } from '../inventory/model.js';
import type { PythonModule } from '../modules/python/locate.js';

/** A role as found on disk (loaded once per run). */
export interface Role {
  name: string;
  path: string;
  /** The role's identity in a play: its path, and the vars/defaults/handlers files an include chose. */
  id: string;
  defaults: VarBag;
  vars: VarBag;
  /** Raw task entries of tasks/main; turned into nodes per use (tags and params differ per use). */
  tasksFile: string | undefined;
  handlersFile: string | undefined;
  dependencies: RoleEntry[];
  allowDuplicates: boolean;
  /** meta/argument_specs.yml (or meta/main's argument_specs): per entry point, its short description and options. */
  argumentSpecs: Record<string, { short_description?: unknown; options?: unknown }>;
  /** The collections its tasks' unqualified module and role names are looked for in first (its own collection, meta/main's `collections:`). */
  collections?: string[] | undefined;
}

/** A use of a role: from `roles:`, a meta dependency, or import_role. */
export interface RoleEntry {
  name: string;
  /** Keywords given with the role (when, tags, become, vars, ...). */
  keywords: Record<string, unknown>;
  /** Role parameters: other keys of the entry. */
  params: Record<string, unknown>;
  pos: SourcePos;
  /** A dependency: the directory of the role that depends on it, searched too (Ansible's role_basedir). */
  basedir?: string | undefined;
}

/** The names of a play's roles and of their dependencies (more join when an include brings roles). */
export interface RoleNames {
  play: string[];
  dependencies: string[];
}

/** Which role a task came from, for `role : task` names and role_path. */
export interface RoleContext {
  name: string;
  path: string;
  /** The roles that depend on this one (meta/main dependencies), nearest first: their directories are
   * searched for its files too, as Ansible's dependency chain is. */
  parents?: string[] | undefined;
  /** The roles whose include_role or import_role brought this one, nearest first (Ansible's ansible_parent_role_names and _paths). */
  includedBy?: { name: string; path: string }[] | undefined;
}

/** One task. */
export interface TaskNode {
  kind: 'task';
  /** The name as written (may contain templates). */
  name: string | undefined;
  /** The canonical module name (`debug` for ansible.builtin.debug). */
  action: string;
  /** The module key as written, shown for unnamed tasks as Ansible does. */
  actionWritten: string;
  /** The collections search list its names were resolved with (a play's, role's, block's or its own `collections:`), for what it loads at run time. */
  collections?: string[] | undefined;
  args: Record<string, unknown>;
  /** Task keywords as written (when, loop, register, ...). */
  keywords: Record<string, unknown>;
  /** Own tags plus everything inherited from blocks, imports, roles and the play. */
  tags: string[];
  role: RoleContext | undefined;
  pos: SourcePos;
  /** An Ansible Python module on the controller that runs this task (kplay has no native one). */
  python?: PythonModule | undefined;
  /** The module_defaults in force here (for the files an include_tasks/include_role loads when it runs). */
  moduleDefaults?: ModuleDefaults | undefined;
  /** `action:` names the module by a template (`{{ ansible_pkg_mgr }} name=x`): each host resolves it, and checks this module value, when the task runs. */
  templatedModule?: { value: unknown } | undefined;
  /** A dynamic bare `include:`'s name=value arguments: variables of the tasks it brings, as their task vars. */
  bareVars?: Record<string, unknown> | undefined;
}

/**
 * module_defaults as merged down to a place: by canonical module name (or `group/` and the group's fully
 * qualified name, with the modules it holds as kplay runs them), the arguments and where each was written.
 */
export type ModuleDefaults = Record<string, { args: Record<string, unknown>; pos: Record<string, SourcePos>; members?: string[] }>;

/** A block (or an implicit one: the body of an import or a role). */
export interface BlockNode {
  kind: 'block';
  name: string | undefined;
  block: PlayNode[];
  rescue: PlayNode[];
  always: PlayNode[];
  keywords: Record<string, unknown>;
  tags: string[];
  role: RoleContext | undefined;
  /** Why the block exists when it was not written as `block:`. */
  implicit: 'import_tasks' | 'import_role' | 'role' | undefined;
  /**
   * For role blocks: the role's identity in the play (role + params, when, tags, vars). Ansible
   * runs a role once per host per identity unless the role allows duplicates.
   */
  roleKey?: string | undefined;
  /** The role runs again though it ran (an include_role's default): the run is still counted, for a later allow_duplicates: false. */
  roleRepeats?: boolean | undefined;
  /** The roles a private include_role brought (the role and its dependencies): their vars and defaults, for the tasks inside only. */
  roleScope?: Role[] | undefined;
  /**
   * The variables of the role whose body this block is, as its tasks see them under every block's vars
   * (Ansible's Role.get_vars): its parents' (`vars:` keyword, then vars files), its dependencies', its own
   * `vars:` keyword, then its vars files. The innermost such block is the task's role.
   */
  roleVars?: VarBag[] | undefined;
  /**
   * The variables an include gives the tasks it brings (its `vars:`, its loop variable): Ansible's include
   * params, over set_fact and role params, where a block's vars are under them.
   */
  includeParams?: Record<string, unknown> | undefined;
  pos: SourcePos;
}

/** Anything in a task list. */
export type PlayNode = TaskNode | BlockNode;

/** A play, loaded and validated. */
export interface Play {
  name: string | undefined;
  hosts: string | string[];
  keywords: Record<string, unknown>;
  tags: string[];
  /** pre_tasks, roles (as implicit role blocks), tasks, post_tasks: the run order. */
  sections: { name: 'pre_tasks' | 'roles' | 'tasks' | 'post_tasks'; nodes: PlayNode[] }[];
  handlers: PlayNode[];
  /** Roles used by the play, for their defaults and vars. */
  roles: Role[];
  /**
   * The variables every task of the play sees from its roles (Ansible's default private_role_vars: false):
   * each use in `roles:` and each import_role in turn, its dependencies', its `vars:` keyword, its vars files.
   */
  roleVars: VarBag[];
  /** The names of its roles (Ansible's play.roles: `roles:` entries and import_roles) and of their dependencies: ansible_play_role_names, ansible_dependent_role_names. */
  roleNames?: RoleNames | undefined;
  file: string;
  pos: SourcePos;
  /** The play's module_defaults for setup: the arguments of its fact gathering. */
  gatherArgs?: Record<string, unknown> | undefined;
}
