// Builds the variable scope of a host: inventory levels, layers the runner adds (role defaults
// below; facts, play, role, task vars above), extra vars, then magic variables, which always win.
import { dirname, resolve } from 'node:path';
import type { Host, Inventory, VarBag } from '../inventory/model.js';
import { isIpAddress } from '../inventory/address.js';
import { mergeInto } from './files.js';
import { inventoryVarsForHost, playbookVarsDirs, type VarsDirs } from './precedence.js';
import { VarScope } from './scope.js';
import { HOSTVARS_TYPE, PY_TYPE } from '../template/expr/pyops.js';
import { ansibleVersion } from '../util/ansible-release.js';

/** Run-wide facts that magic variables expose. */
/** The value of `omit`: a module argument (at any depth in mappings) that templates to it is left out. */
export const OMIT = '__omit_place_holder__kplay';

/** `value` without the mapping entries that are `omit`, at any depth (list items stay, as in Ansible). */
export function withoutOmitted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutOmitted);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== OMIT).map(([k, v]) => [k, withoutOmitted(v)]));
  }
  return value;
}

// Ansible's hostvars[h] are h's variables without hostvars itself (get_vars(include_hostvars=False))
const NOT_IN_HOSTVARS: ReadonlySet<string> = new Set(['hostvars']);

export interface RunInfo {
  playbookDir?: string | undefined;
  /** The project root, whose group_vars/host_vars come before the playbook directory's. */
  projectRoot?: string | undefined;
  checkMode?: boolean;
  diffMode?: boolean;
  forks?: number;
  limit?: string | undefined;
  runTags?: string[];
  skipTags?: string[];
  verbosity?: number;
  configFile?: string | undefined;
  /** The controller's Python (ansible_playbook_python), when it has one. */
  playbookPython?: string | undefined;
}

/** Layers a caller adds around the inventory levels for one host. */
export interface ScopeLayers {
  /** Lower than the inventory (role defaults). */
  below?: VarBag[];
  /** Higher than the inventory, lower than extra vars (facts, play/role/block/task vars, set_fact). */
  above?: VarBag[];
  /** Magic variables that depend on the play (ansible_play_hosts, role_path, ...). */
  magic?: Record<string, unknown>;
}

/** Everything needed to compute any host's variables in a run; caches inventory-level merges. */
export class VarsContext {
  private readonly inventoryLevel = new Map<Host, VarBag>();
  /**
   * What a run has learnt about a host that `hostvars` shows as Ansible does (facts, include_vars,
   * set_fact and register), lowest first; set by the runner.
   */
  hostLayers: ((host: Host) => { version: number; layers: () => VarBag[] } | undefined) | undefined;

  constructor(
    readonly inv: Inventory,
    public dirs: VarsDirs,
    readonly extraVars: VarBag,
    public run: RunInfo = {},
  ) {}

  /**
   * The running play's playbook directory (an imported playbook's own, as Ansible's loader basedir is
   * while its plays run): its group_vars/host_vars are the playbook side, and playbook_dir names it.
   */
  usePlaybookDir(dir: string): void {
    if (this.run.playbookDir !== undefined && resolve(this.run.playbookDir) === resolve(dir)) return;
    this.run = { ...this.run, playbookDir: dir };
    this.dirs = { ...this.dirs, playbook: playbookVarsDirs(this.run.projectRoot, dir) };
    this.inventoryChanged();
  }

  /** The inventory levels (2–9 of PRECEDENCE) for a host, cached. */
  inventoryVars(host: Host): VarBag {
    let bag = this.inventoryLevel.get(host);
    if (!bag) {
      bag = inventoryVarsForHost(this.inv, host, this.dirs);
      this.inventoryLevel.set(host, bag);
    }
    return bag;
  }

  /** A fresh scope for a host with the given extra layers. */
  scope(host: Host, layers: ScopeLayers = {}): VarScope {
    const bag: VarBag = { vars: {}, origins: new Map() };
    for (const b of layers.below ?? []) mergeInto(bag, b);
    mergeInto(bag, this.inventoryVars(host));
    for (const b of layers.above ?? []) mergeInto(bag, b);
    mergeInto(bag, this.extraVars);
    const magic = { ...this.magicVars(host), ...(layers.magic ?? {}) };
    for (const [k, v] of Object.entries(magic)) {
      bag.vars[k] = v;
      bag.origins.delete(k);
    }
    // values from a final layer that won are returned as they are, never templated
    const raw = new Set(Object.keys(magic));
    for (const b of layers.above ?? []) if (b.final) for (const [k, v] of Object.entries(b.vars)) if (bag.vars[k] === v) raw.add(k);
    return new VarScope(bag, { file: host.source ?? '<inventory>' }, raw);
  }

  /** What a play's `hosts:` is templated with: extra vars, `groups` and `hostvars` (facts an earlier play set), as in Ansible. */
  playScope(): VarScope {
    return new VarScope(this.extraVars, { file: '-e' }).extend({ groups: this.groups(), hostvars: this.hostvars() });
  }

  private readonly magicCache = new Map<Host, Record<string, unknown>>();
  private groupsCache: Record<string, string[]> | undefined;

  /** Ansible's magic variables for a host (those that do not depend on a play); computed once per host. */
  magicVars(host: Host): Record<string, unknown> {
    let m = this.magicCache.get(host);
    if (!m) {
      m = this.computeMagic(host);
      this.magicCache.set(host, m);
    }
    return m;
  }

  /** group_by/add_host changed the inventory: group memberships, `groups` and `hostvars` are computed again. */
  inventoryChanged(): void {
    this.inventoryLevel.clear();
    this.magicCache.clear();
    this.groupsCache = undefined;
    this.hostvarsProxy = undefined;
  }

  // groups change only through group_by/add_host (inventoryChanged): one frozen copy for every host until then
  private groups(): Record<string, string[]> {
    if (!this.groupsCache) {
      const g = this.inv.groupsDict();
      for (const list of Object.values(g)) Object.freeze(list);
      this.groupsCache = Object.freeze(g);
    }
    return this.groupsCache;
  }

  private computeMagic(host: Host): Record<string, unknown> {
    const r = this.run;
    return {
      inventory_hostname: host.name,
      inventory_hostname_short: isIpAddress(host.name) ? host.name : host.name.split('.')[0],
      group_names: host.groupNames(),
      groups: this.groups(),
      hostvars: this.hostvars(),
      inventory_file: host.source ?? null,
      inventory_dir: host.source ? dirname(host.source) : null,
      playbook_dir: r.playbookDir ?? null,
      ansible_check_mode: r.checkMode ?? false,
      ansible_diff_mode: r.diffMode ?? false,
      ansible_forks: r.forks ?? 5,
      // Ansible's options vars: ansible_limit only with --limit (kubespray asks `ansible_limit is defined`)
      ...(r.limit !== undefined ? { ansible_limit: r.limit } : {}),
      ansible_run_tags: r.runTags ?? ['all'],
      ansible_skip_tags: r.skipTags ?? [],
      ansible_verbosity: r.verbosity ?? 0,
      ansible_inventory_sources: this.inv.sources,
      ansible_config_file: r.configFile ?? null,
      ...(r.playbookPython !== undefined ? { ansible_playbook_python: r.playbookPython } : {}),
      ansible_version: ansibleVersion(),
      omit: OMIT,
    };
  }

  private hostvarsProxy: Record<string, unknown> | undefined;

  /** `hostvars`: every inventory host's variables (and the implicit localhost's), resolved lazily on access. */
  hostvars(): Record<string, unknown> {
    if (this.hostvarsProxy) return this.hostvarsProxy;
    // one scope per host, built again only when what the run learnt about the host changed
    const scopes = new Map<string, { version: number; proxy: Record<string, unknown> }>();
    const get = (name: string): Record<string, unknown> | undefined => {
      const h = this.inv.hostOrLocalhost(name);
      if (!h) return undefined;
      const learnt = this.hostLayers?.(h);
      const version = learnt?.version ?? -1;
      let s = scopes.get(name);
      if (!s || s.version !== version) {
        s = { version, proxy: this.scope(h, { above: learnt?.layers() ?? [] }).proxy('ansible.vars.hostvars.HostVarsVars', NOT_IN_HOSTVARS) };
        scopes.set(name, s);
      }
      return s.proxy;
    };
    const target = Object.create(null) as Record<string, unknown>;
    this.hostvarsProxy = new Proxy(target, {
      has: (_t, k) => typeof k === 'string' && this.inv.hostOrLocalhost(k) !== undefined,
      get: (_t, k) => (typeof k === 'string' ? get(k) : k === Symbol.toPrimitive ? () => '[hostvars]' : k === PY_TYPE ? HOSTVARS_TYPE : undefined),
      getOwnPropertyDescriptor: (_t, k) =>
        typeof k === 'string' && this.inv.hostOrLocalhost(k) !== undefined ? { value: get(k), writable: false, enumerable: true, configurable: true } : undefined,
      ownKeys: () => this.inv.hostNames(),
      set: () => false,
    });
    return this.hostvarsProxy;
  }
}
