// `kplay inventory --list/--host/--graph`: the same structures ansible-inventory prints, so
// operators can check that kplay reads their inventory exactly as Ansible does.
import { pyJson, pyYaml } from '../template/expr/dump.js';
import { pyStr } from '../util/python-repr.js';
import type { Group, Host, Inventory } from './model.js';

/** Variables computed for display (merged host vars, group vars). */
export interface VarsSource {
  hostVars(host: Host): Record<string, unknown>;
  groupVars(group: Group): Record<string, unknown>;
}

// Ansible's INTERNAL_VARS: magic values ansible-inventory leaves out of its output.
const INTERNAL = new Set([
  'ansible_diff_mode', 'ansible_config_file', 'ansible_facts', 'ansible_forks', 'ansible_inventory_sources',
  'ansible_limit', 'ansible_playbook_python', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity',
  'ansible_version', 'inventory_dir', 'inventory_file', 'inventory_hostname', 'inventory_hostname_short',
  'groups', 'group_names', 'omit', 'playbook_dir',
]);

/** Drops ansible-inventory's internal variables from a dump. */
export function withoutInternal(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) if (!INTERNAL.has(k)) out[k] = v;
  return out;
}

/** The `--list` structure: groups with hosts/children, and `_meta.hostvars`. */
export function listInventory(inv: Inventory, vars: VarsSource, exported = false): Record<string, unknown> {
  const results: Record<string, unknown> = {};
  const seen = new Set<string>();
  const format = (g: Group): void => {
    const entry: Record<string, unknown> = {};
    if (g.name !== 'all') entry.hosts = g.hosts.map((h) => h.name);
    entry.children = g.children.map((c) => c.name);
    results[g.name] = entry;
    for (const c of g.children) {
      if (!seen.has(c.name)) {
        format(c);
        seen.add(c.name);
      }
    }
    // --export: each group's own variables with it (and each host's own in _meta)
    if (exported) {
      const gv = withoutInternal(vars.groupVars(g));
      if (Object.keys(gv).length) entry.vars = gv;
    }
    for (const k of ['hosts', 'children']) if (Array.isArray(entry[k]) && (entry[k] as unknown[]).length === 0) delete entry[k];
    if (Object.keys(entry).length === 0) delete results[g.name];
  };
  format(inv.groups.get('all') as Group);
  const hostvars: Record<string, unknown> = {};
  for (const h of (inv.groups.get('all') as Group).allHosts()) {
    const hv = withoutInternal(vars.hostVars(h));
    if (Object.keys(hv).length) hostvars[h.name] = hv;
  }
  results._meta = { hostvars };
  return results;
}

/** JSON as ansible-inventory prints it: keys sorted, 4-space indent, non-ASCII kept. */
export function dumpJson(value: unknown): string {
  return pyJson(value, { indent: 4, sortKeys: true, ensureAscii: false });
}

/** YAML as `ansible-inventory -y` prints it (block style, keys sorted). */
export function dumpYaml(value: unknown): string {
  // PyYAML's dump as ansible-inventory calls it (block style, sorted keys, YAML 1.1 quoting, so strings
  // such as 'on', 'y' or '0644' stay strings)
  return pyYaml(value, { indent: 2, flow: false, width: 80 }).trimEnd();
}

/** The `-y --list` structure: nested children, hosts with their vars once. */
export function listInventoryYaml(inv: Inventory, vars: VarsSource, exported = false): Record<string, unknown> {
  const seen = new Set<string>();
  const format = (g: Group): Record<string, unknown> => {
    const entry: Record<string, unknown> = {};
    const children: Record<string, unknown> = {};
    for (const c of g.children) if (c.name !== 'all') Object.assign(children, format(c));
    if (Object.keys(children).length) entry.children = children;
    if (g.name !== 'all') {
      const hosts: Record<string, unknown> = {};
      for (const h of g.hosts) {
        let hv: Record<string, unknown> = {};
        if (!seen.has(h.name)) {
          seen.add(h.name);
          hv = withoutInternal(vars.hostVars(h));
        }
        hosts[h.name] = hv;
      }
      if (Object.keys(hosts).length) entry.hosts = hosts;
    }
    if (exported) {
      const gv = withoutInternal(vars.groupVars(g));
      if (Object.keys(gv).length) entry.vars = gv;
    }
    return { [g.name]: entry };
  };
  return format(inv.groups.get('all') as Group);
}

/**
 * The `--toml --list` structure, as ansible-inventory's toml_inventory builds it: every group at the top
 * (a later use of a group replaces its entry, its hosts' variables then empty), `ungrouped` only with hosts.
 */
export function listInventoryToml(inv: Inventory, vars: VarsSource, exported = false): Record<string, unknown> {
  const seen = new Set<string>();
  const all = inv.groups.get('all') as Group;
  const hasUngrouped = (inv.groups.get('ungrouped')?.hosts.length ?? 0) > 0;
  const format = (g: Group): Record<string, unknown> => {
    const entry: Record<string, unknown> = { children: [] };
    const results: Record<string, unknown> = { [g.name]: entry };
    for (const c of g.children) {
      if (c.name === 'ungrouped' && !hasUngrouped) continue;
      if (g.name !== 'all') (entry.children as string[]).push(c.name);
      Object.assign(results, format(c));
    }
    if (g.name !== 'all') {
      for (const h of g.hosts) {
        const hv = seen.has(h.name) ? {} : withoutInternal(vars.hostVars(h));
        seen.add(h.name);
        ((entry.hosts ??= {}) as Record<string, unknown>)[h.name] = hv;
      }
    }
    if (exported) entry.vars = withoutInternal(vars.groupVars(g));
    for (const k of ['hosts', 'vars', 'children']) if (k in entry && isEmpty(entry[k])) delete entry[k];
    if (Object.keys(entry).length === 0) delete results[g.name];
    return results;
  };
  return format(all);
}

// Python's falsiness of a list or dict
const isEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** The `--graph` text for a group (optionally with `--vars`). */
export function graphInventory(start: Group, vars: VarsSource | undefined): string {
  const lines: string[] = [];
  const name = (text: string, depth: number): string => (depth ? '  |'.repeat(depth) + '--' + text : text);
  const showVars = (v: Record<string, unknown>, depth: number): void => {
    for (const k of Object.keys(v).sort()) lines.push(name(`{${k} = ${pyStr(v[k])}}`, depth));
  };
  const walk = (g: Group, depth: number): void => {
    lines.push(name(`@${g.name}:`, depth));
    for (const c of g.children) walk(c, depth + 1);
    if (g.name !== 'all') {
      for (const h of g.hosts) {
        lines.push(name(h.name, depth + 1));
        if (vars) showVars(withoutInternal(vars.hostVars(h)), depth + 2);
      }
    }
    if (vars) showVars(withoutInternal(vars.groupVars(g)), depth + 1);
  };
  walk(start, 0);
  return lines.join('\n');
}
