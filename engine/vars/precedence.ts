// Ansible's variable precedence for the levels kplay supports, lowest first, and the merge of the
// inventory-side levels for one host. Dicts replace, they don't merge (hash_behaviour=replace).
import { dirname, resolve } from 'node:path';
import type { Group, Host, Inventory, VarBag } from '../inventory/model.js';
import { statOrUndefined } from '../util/fs.js';
import { mergeInto, varsFromDir } from './files.js';

/** The precedence levels, lowest first (also printed in the README). */
export const PRECEDENCE = [
  'role defaults',
  'inventory file group vars ([all:vars], then groups by depth, ansible_group_priority, name)',
  'inventory group_vars/all',
  'playbook group_vars/all',
  'inventory group_vars/<group> (same group order)',
  'playbook group_vars/<group> (same group order)',
  'inventory file host vars',
  'inventory host_vars/<host>',
  'playbook host_vars/<host>',
  'facts (gathered or cached)',
  'play vars',
  'vars_files',
  'role vars',
  'block vars',
  'task vars',
  'include_vars',
  'set_fact / register',
  'role params and include params',
  'extra vars (-e)',
] as const;

/** Directories whose group_vars/ and host_vars/ are read: inventory side and playbook side. */
export interface VarsDirs {
  /** Directories of the inventory sources (a file's directory, or the directory itself). */
  inventory: string[];
  /** The project root (if any) then the playbook's directory; later wins. */
  playbook: string[];
}

/** Directories whose group_vars/host_vars count as the playbook side: project root, then playbook dir. */
export function playbookVarsDirs(projectRoot: string | undefined, playbookDir: string): string[] {
  const dirs = projectRoot && resolve(projectRoot) !== resolve(playbookDir) ? [projectRoot, playbookDir] : [playbookDir];
  return dirs.map((d) => resolve(d));
}

/** The inventory-side directories for the parsed sources (inline host lists have none). */
export function inventoryVarsDirs(inv: Inventory): string[] {
  const out: string[] = [];
  for (const s of inv.sources) {
    const st = statOrUndefined(s);
    if (!st) continue; // inline host lists have no directory
    out.push(st.isDirectory() ? s : dirname(s));
  }
  return out;
}

/** Ansible's sort_groups: by depth, then ansible_group_priority, then name. */
export function sortGroups(groups: Iterable<Group>): Group[] {
  return [...groups].sort((a, b) => a.depth - b.depth || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The host's groups other than `all`, in merge order. */
export function hostGroupsInOrder(host: Host): Group[] {
  return sortGroups([...host.groups].filter((g) => g.name !== 'all'));
}

/**
 * Everything the inventory contributes to a host's variables (levels 2–9 of PRECEDENCE),
 * merged in order. Role defaults, facts and play-level vars are layered on top by the runner.
 */
export function inventoryVarsForHost(inv: Inventory, host: Host, dirs: VarsDirs): VarBag {
  const out: VarBag = { vars: {}, origins: new Map() };
  const all = inv.groups.get('all') as Group;
  const groups = hostGroupsInOrder(host);
  mergeInto(out, all);
  for (const g of groups) mergeInto(out, g);
  for (const d of dirs.inventory) mergeInto(out, varsFromDir(d, 'group_vars', 'all'));
  for (const d of dirs.playbook) mergeInto(out, varsFromDir(d, 'group_vars', 'all'));
  for (const d of dirs.inventory) for (const g of groups) mergeInto(out, varsFromDir(d, 'group_vars', g.name));
  for (const d of dirs.playbook) for (const g of groups) mergeInto(out, varsFromDir(d, 'group_vars', g.name));
  mergeInto(out, host);
  for (const d of dirs.inventory) mergeInto(out, varsFromDir(d, 'host_vars', host.name));
  for (const d of dirs.playbook) mergeInto(out, varsFromDir(d, 'host_vars', host.name));
  return out;
}

/** A host's own variables as `ansible-inventory --export` shows them: the inventory's, then host_vars/ files (no group's). */
export function hostVarsForDisplay(host: Host, dirs: VarsDirs): VarBag {
  const out: VarBag = { vars: {}, origins: new Map() };
  mergeInto(out, host);
  for (const d of dirs.inventory) mergeInto(out, varsFromDir(d, 'host_vars', host.name));
  for (const d of dirs.playbook) mergeInto(out, varsFromDir(d, 'host_vars', host.name));
  return out;
}

/** A group's own variables as `ansible-inventory --graph --vars` shows them. */
export function groupVarsForDisplay(group: Group, dirs: VarsDirs): VarBag {
  const out: VarBag = { vars: {}, origins: new Map() };
  mergeInto(out, group);
  for (const d of dirs.inventory) mergeInto(out, varsFromDir(d, 'group_vars', group.name));
  for (const d of dirs.playbook) mergeInto(out, varsFromDir(d, 'group_vars', group.name));
  if (group.priority !== 1) out.vars.ansible_group_priority = group.priority;
  return out;
}
