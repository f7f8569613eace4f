// What the runner remembers per host during a play: failure state, gathered facts, set_fact and
// register values, include_vars, pending handler notifications, roles already run.
import type { Host, VarBag } from '../inventory/model.js';
import type { Transport } from '../transport/types.js';
import type { TaskNode } from '../playbook/model.js';
import { emptyStats, type HostStats } from './events.js';

/** Per-host state for one run (kept across plays where Ansible keeps it: facts, set_fact, stats). */
export class HostState {
  failed = false;
  unreachable = false;
  /** `meta: end_host` was run. */
  ended = false;
  /** Gathered facts (ansible_facts). */
  facts: Record<string, unknown> = {};
  /** set_fact and register, at their precedence level. */
  readonly hostVars: VarBag = { vars: {}, origins: new Map(), final: true };
  /** include_vars results. */
  readonly includeVars: VarBag = { vars: {}, origins: new Map() };
  readonly notified = new Set<string>();
  /** Handlers a notification reached that have not run yet (they run at the next flush). */
  readonly pendingHandlers = new Set<TaskNode>();
  /** Roles already run in the current play (cleared when a play starts). */
  readonly rolesRun = new Set<string>();
  readonly stats: HostStats = emptyStats();
  /** The host's connections: its own (''), and those the connection and remote_user keywords asked for. */
  readonly transports = new Map<string, Transport>();
  /** The last task that failed here and its result (not ignored): ansible_failed_task/_result in a rescue. */
  lastFailure: { task: Record<string, unknown>; result: Record<string, unknown> } | undefined;
  /** Set while this host runs a block's rescue section: the failure being rescued. */
  rescuing: { task: Record<string, unknown>; result: Record<string, unknown> } | undefined;
  /** Bumped whenever facts, include_vars, set_fact or register values change (hostvars caches on it). */
  version = 0;

  constructor(readonly host: Host) {}

  /** Records what a task taught about this host: its registered result and its set_fact values. */
  remember(register: string | undefined, result: unknown, facts: Record<string, unknown> | undefined): void {
    if (register) this.hostVars.vars[register] = withoutInternalKeys(result);
    if (facts) Object.assign(this.hostVars.vars, facts);
    if (register || facts) this.version += 1;
  }

  /** The variable name of a fact a module returned under its own name (getent_passwd, packages). */
  private readonly factNames = new Map<string, string>();

  /**
   * Adds the facts a module returned (setup's too), as Ansible does: under ansible_facts without an ansible_
   * prefix (but ansible_local, as its namespace_facts keeps it), and as a variable by the name the module
   * gave (`ansible_hostname`, `module_setup`, `getent_passwd`, not `ansible_getent_passwd`).
   */
  addModuleFacts(facts: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(facts)) {
      const bare = factKey(k);
      this.facts[bare] = v;
      this.factNames.set(bare, k);
    }
    this.version += 1;
  }

  /** The gather_facts action gathered this host's facts (Ansible's _ansible_facts_gathered: `gathering = smart` gathers no more). */
  factsGathered = false;

  /** Forgets the facts (meta: clear_facts): what set_fact set without cacheable stays. */
  clearFacts(): void {
    this.factsGathered = false;
    for (const k of Object.keys(this.facts)) delete this.facts[k];
    this.factNames.clear();
    this.version += 1;
  }

  /** Adds variables read by include_vars. */
  addIncludeVars(vars: Record<string, unknown>): void {
    Object.assign(this.includeVars.vars, vars);
    this.version += 1;
  }

  /** Still receiving tasks. */
  get active(): boolean {
    return !this.failed && !this.unreachable && !this.ended;
  }

  /** Facts as variables: `ansible_facts` and each fact as `ansible_<name>`, as Ansible injects them. */
  factVars(): VarBag {
    const vars: Record<string, unknown> = { ansible_facts: this.facts };
    for (const [k, v] of Object.entries(this.facts)) vars[this.factNames.get(k) ?? (k.startsWith('ansible_') ? k : `ansible_${k}`)] = v;
    return { vars, origins: new Map(), final: true };
  }
}

/** The key a module's fact has under ansible_facts: its name without the ansible_ prefix (ansible_local keeps it), as Ansible's namespace_facts makes it. */
export function factKey(name: string): string {
  return name === 'ansible_local' ? name : name.replace(/^ansible_/, '');
}

// Ansible registers a result without its internal `_ansible_*` keys (strip_internal_keys), loop items' too.
function withoutInternalKeys(result: unknown): unknown {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return result;
  const keys = Object.keys(result);
  const items = (result as { results?: unknown }).results;
  if (!keys.some((k) => k.startsWith('_ansible_')) && !Array.isArray(items)) return result;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (!k.startsWith('_ansible_')) out[k] = (result as Record<string, unknown>)[k];
  if (Array.isArray(items)) out.results = items.map(withoutInternalKeys);
  return out;
}
