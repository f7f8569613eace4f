// group_by and add_host: the runner's actions that change the in-memory inventory for the rest of the
// run, as Ansible's strategy applies them (later plays, `groups`, `group_names`, group_vars and
// `hostvars` see the new groups and hosts; the play that runs them keeps its hosts).
import { InventoryError, type Inventory } from '../inventory/model.js';
import { UserError, type SourcePos } from '../errors.js';
import type { Host } from '../inventory/model.js';

const list = (v: unknown): string[] =>
  v === undefined || v === null ? [] : (Array.isArray(v) ? v : String(v).split(',')).map((x) => String(x).trim()).filter(Boolean);

function adding<T>(pos: SourcePos, act: () => T): T {
  try {
    return act();
  } catch (e) {
    if (e instanceof InventoryError) throw new UserError(e.message, { pos });
    throw e;
  }
}

/** group_by: puts the host into group `key` (created under `parents`, `all` by default). */
export function groupBy(inv: Inventory, host: Host, args: Record<string, unknown>, pos: SourcePos): Record<string, unknown> {
  // (spaces become dashes, as Ansible's group_by action makes them, in the group and its parents)
  const given = String(args.key ?? '').trim();
  if (!given) throw new UserError("group_by: the 'key' argument is required and must not be empty", { pos });
  const parents = list(args.parents).map((p) => p.replace(/ /g, '-'));
  const wanted = parents.length ? parents : ['all'];
  return adding(pos, () => {
    // (a new group's name made safe as the run's force_valid_group_names says)
    const group = inv.addGroup(given.replace(/ /g, '-'));
    const key = group.name;
    const existed = group.hosts.includes(host);
    for (const p of wanted) {
      const parent = inv.addGroup(p);
      if (parent !== group) inv.addChild(parent.name, key);
    }
    inv.addChild(key, host.name);
    inv.reconcile();
    return { changed: !existed, add_group: key, parent_groups: wanted };
  });
}

/** add_host: a host (name or name:port) in the given groups, with the other arguments as its variables. */
export function addHost(inv: Inventory, args: Record<string, unknown>, pos: SourcePos): Record<string, unknown> {
  const raw = String(args.name ?? '').trim();
  if (!raw) throw new UserError("add_host: the 'name' argument is required", { pos });
  const m = /^([^:\[\]]+):(\d+)$/.exec(raw);
  const name = m ? (m[1] as string) : raw;
  const groups = list(args.groups);
  const hostVars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (!['name', 'groups'].includes(k)) hostVars[k] = v;
  if (m) hostVars.ansible_port = Number(m[2]);
  return adding(pos, () => {
    const h = inv.addHost(name);
    for (const [k, v] of Object.entries(hostVars)) h.setVar(k, v, pos);
    for (const g of groups) {
      inv.addGroup(g);
      if (!inv.groups.get(g)?.parents.length) inv.addChild('all', g);
      inv.addChild(g, name);
    }
    inv.addChild('all', name);
    inv.reconcile();
    return { changed: true, add_host: { host_name: name, groups, host_vars: hostVars } };
  });
}
