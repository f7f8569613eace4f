// The in-memory inventory: groups, hosts, parent/child links and their variables, with Ansible's
// rules (implicit `all` and `ungrouped`, depth and priority for variable merging, cycle detection).
import type { SourcePos } from '../errors.js';
import { controllerPython } from '../util/controller-python.js';

/** Variables of one host or group, with the place each was set (for error messages). */
export interface VarBag {
  vars: Record<string, unknown>;
  origins: Map<string, SourcePos>;
  /**
   * Values that are data, never templated again (Ansible's "unsafe" rule): registered results,
   * facts and set_fact values came from hosts or were rendered already.
   */
  final?: boolean;
}

/** Names Ansible treats as the local machine. */
export const LOCALHOST_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** Ansible's TRANSFORM_INVALID_GROUP_CHARS (`force_valid_group_names`): what a group name that is not a valid variable name gets. */
export type GroupNamePolicy = 'never' | 'ignore' | 'always' | 'silently';

/** The values TRANSFORM_INVALID_GROUP_CHARS takes, in Ansible's order (for its error message). */
export const GROUP_NAME_POLICIES: readonly GroupNamePolicy[] = ['always', 'never', 'ignore', 'silently'];

// Python's C.INVALID_VARIABLE_NAMES (`^[\d\W]|[^\w]`): a first character that is a digit or no word
// character, and any other character that is no word character (Python's \w: letters, numbers, _)
const INVALID_GROUP_CHARS = /^[\p{Nd}]|[^\p{L}\p{N}_]/gu;

/** A problem building the inventory (cycle, unknown group); the parser adds the location. */
export class InventoryError extends Error {}

/** A group of hosts, as Ansible's Group. */
export class Group implements VarBag {
  depth = 0;
  priority = 1;
  readonly hosts: Host[] = [];
  readonly children: Group[] = [];
  readonly parents: Group[] = [];
  vars: Record<string, unknown> = {};
  readonly origins = new Map<string, SourcePos>();
  /** Where the group was first declared, for error messages. */
  declaredAt: SourcePos | undefined;

  constructor(readonly name: string) {}

  /** Every group above this one. */
  ancestors(): Set<Group> {
    const seen = new Set<Group>();
    const stack = [...this.parents];
    while (stack.length) {
      const g = stack.pop() as Group;
      if (seen.has(g)) continue;
      seen.add(g);
      stack.push(...g.parents);
    }
    return seen;
  }

  /** This group and its descendants: itself, its children in order, then deeper levels breadth-first. */
  descendants(): Group[] {
    const ordered: Group[] = [this];
    const seen = new Set<Group>([this]);
    let level: Group[] = [this];
    while (level.length) {
      const next: Group[] = [];
      for (const g of level) {
        for (const c of g.children) {
          if (!seen.has(c)) {
            seen.add(c);
            ordered.push(c);
            next.push(c);
          }
        }
      }
      level = next;
    }
    return ordered;
  }

  /** All hosts in this group or below it, in Ansible's order, without duplicates. */
  allHosts(): Host[] {
    const out: Host[] = [];
    const seen = new Set<Host>();
    for (const g of this.descendants()) {
      for (const h of g.hosts) {
        if (seen.has(h)) continue;
        seen.add(h);
        if (this.name === 'all' && h.implicit) continue;
        out.push(h);
      }
    }
    return out;
  }

  /** Sets a variable; `ansible_group_priority` sets the merge priority instead, as in Ansible. */
  setVar(key: string, value: unknown, origin?: SourcePos): void {
    if (key === 'ansible_group_priority') {
      const n = typeof value === 'number' ? value : Number.parseInt(String(value), 10);
      if (!Number.isInteger(n)) throw new InventoryError(`ansible_group_priority must be an integer, got ${JSON.stringify(value)}`);
      this.priority = n;
      return;
    }
    this.vars[key] = value;
    if (origin) this.origins.set(key, origin);
  }
}

/** A host, as Ansible's Host. */
export class Host implements VarBag {
  vars: Record<string, unknown> = {};
  readonly origins = new Map<string, SourcePos>();
  /** Groups the host belongs to, directly or through ancestors (never `all` until reconciled). */
  readonly groups = new Set<Group>();
  implicit = false;
  /** The inventory source that first named this host (inventory_file), if any. */
  source: string | undefined;

  constructor(readonly name: string) {}

  setVar(key: string, value: unknown, origin?: SourcePos): void {
    this.vars[key] = value;
    if (origin) this.origins.set(key, origin);
  }

  /** Group names for the `group_names` magic variable: sorted, without `all`. */
  groupNames(): string[] {
    return [...this.groups].map((g) => g.name).filter((n) => n !== 'all').sort();
  }
}

/** The whole inventory, as Ansible's InventoryData. */
export class Inventory {
  readonly groups = new Map<string, Group>();
  readonly hosts = new Map<string, Host>();
  /** Sources parsed, in order (absolute paths, or the inline host list text). */
  readonly sources: string[] = [];
  readonly warnings: string[] = [];
  // the one implicit localhost, once a play or hostvars asked for it
  private localhost: Host | undefined;
  /** What a new group's name gets when it holds characters a variable name cannot (Ansible's default: kept, with a warning). */
  groupNames: GroupNamePolicy = 'never';

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  /**
   * Ansible's to_safe_group_name under the run's policy: a name with characters a variable name cannot
   * hold is kept (never, ignore) or has them replaced by `_` (always, silently), with Ansible's warning
   * for never and always.
   */
  safeGroupName(name: string): string {
    if (!name.match(INVALID_GROUP_CHARS)) return name;
    const replace = this.groupNames === 'always' || this.groupNames === 'silently';
    if (this.groupNames === 'never') this.warn('Invalid characters were found in group names but not replaced, use -vvvv to see details');
    if (this.groupNames === 'always') this.warn('Invalid characters were found in group names and automatically replaced, use -vvvv to see details');
    return replace ? name.replace(INVALID_GROUP_CHARS, '_') : name;
  }

  /** Adds a group if missing (its name made safe as Ansible makes a new group's, see safeGroupName) and returns it. */
  addGroup(name: string, at?: SourcePos): Group {
    let g = this.groups.get(name);
    if (!g) name = this.safeGroupName(name);
    g ??= this.groups.get(name);
    if (!g) {
      g = new Group(name);
      g.declaredAt = at;
      this.groups.set(name, g);
    }
    return g;
  }

  /** Adds a host if missing (optionally to a group) and returns it. */
  addHost(name: string, groupName?: string, port?: number, source?: string): Host {
    const group = groupName === undefined ? undefined : this.groups.get(groupName);
    if (groupName !== undefined && !group) throw new InventoryError(`Could not find group ${groupName} in inventory`);
    let h = this.hosts.get(name);
    if (!h) {
      h = new Host(name);
      h.source = source;
      if (port !== undefined) h.setVar('ansible_port', port);
      this.hosts.set(name, h);
    }
    if (group) addHostToGroup(group, h);
    return h;
  }

  /** Makes `child` (a group or a host) a member of group `parent`. */
  addChild(parent: string, child: string): void {
    const g = this.groups.get(parent);
    if (!g) throw new InventoryError(`${parent} is not a known group`);
    const cg = this.groups.get(child);
    if (cg) addChildGroup(g, cg);
    else {
      const h = this.hosts.get(child);
      if (!h) throw new InventoryError(`${child} is not a known host nor group`);
      addHostToGroup(g, h);
    }
  }

  /** Ansible's reconcile_inventory: top-level groups under `all`, lone hosts in `ungrouped`. */
  reconcile(): void {
    const all = this.groups.get('all') as Group;
    const ungrouped = this.groups.get('ungrouped') as Group;
    for (const g of this.groups.values()) {
      if (g !== all && g.parents.length === 0) addChildGroup(all, g);
    }
    for (const h of this.hosts.values()) {
      if (h.groups.has(ungrouped)) {
        const others = [...h.groups].filter((g) => g !== all && g !== ungrouped);
        if (others.length) removeHostFromGroup(ungrouped, h);
      } else if (!h.implicit) {
        const others = [...h.groups].filter((g) => g !== all);
        if (others.length === 0) addHostToGroup(ungrouped, h);
      }
    }
    for (const name of this.groups.keys()) {
      if (this.hosts.has(name)) this.warn(`Found both group and host with same name: ${name}`);
    }
  }

  /** Records a warning to print once (Ansible's `[WARNING]: ...`). */
  warn(msg: string): void {
    if (!this.warnings.includes(msg)) this.warnings.push(msg);
  }

  /** The `groups` magic variable: every group name to its hosts in inventory order. */
  groupsDict(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [name, g] of this.groups) out[name] = g.allHosts().map((h) => h.name);
    return out;
  }

  /** A host by name, the implicit localhost too (made on demand, as Ansible's get_host makes it for hostvars['localhost']). */
  hostOrLocalhost(name: string): Host | undefined {
    return this.hosts.get(name) ?? (LOCALHOST_NAMES.has(name) ? this.implicitLocalhost(name) : undefined);
  }

  /** The names of the inventory's hosts, then the implicit localhost's once made. */
  hostNames(): string[] {
    const implicit = this.localhost && !this.hosts.has(this.localhost.name) ? [this.localhost.name] : [];
    return [...this.hosts.keys(), ...implicit];
  }

  /** The implicit localhost Ansible creates when a play targets `localhost` that the inventory lacks. */
  implicitLocalhost(name: string): Host {
    // one implicit localhost, named as first asked, whichever of its names asks again (as Ansible's)
    const existing = this.hosts.get(name) ?? this.localhost;
    if (existing) return existing;
    const h = new Host(name);
    h.implicit = true;
    h.setVar('ansible_connection', 'local');
    // as Ansible's, it runs Python with the controller's own (sys.executable), not a discovered one
    const python = controllerPython();
    if (python) h.setVar('ansible_python_interpreter', python);
    this.localhost = h;
    return h;
  }
}

function addHostToGroup(g: Group, h: Host): void {
  if (g.hosts.includes(h)) return;
  g.hosts.push(h);
  for (const a of g.ancestors()) h.groups.add(a);
  h.groups.add(g);
}

function removeHostFromGroup(g: Group, h: Host): void {
  const i = g.hosts.indexOf(h);
  if (i === -1) return;
  g.hosts.splice(i, 1);
  h.groups.delete(g);
}

function addChildGroup(parent: Group, child: Group): void {
  if (parent === child) throw new InventoryError(`group '${child.name}' cannot be a child of itself`);
  if (parent.children.includes(child)) return;
  if (parent.ancestors().has(child)) {
    throw new InventoryError(`Adding group '${child.name}' as child to '${parent.name}' creates a recursive dependency loop.`);
  }
  parent.children.push(child);
  if (!child.parents.includes(parent)) child.parents.push(parent);
  updateDepth(child, parent.depth + 1);
  // hosts below the child now also belong to the parent and its ancestors
  const newAncestors = [parent, ...parent.ancestors()];
  for (const g of child.descendants()) {
    for (const h of g.hosts) for (const a of newAncestors) h.groups.add(a);
  }
}

function updateDepth(g: Group, depth: number): void {
  if (g.depth >= depth) return;
  g.depth = depth;
  for (const c of g.children) updateDepth(c, depth + 1);
}
