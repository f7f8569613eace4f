// Ansible's filter and test plugins written in Python: a playbook's and each role's filter_plugins/ and
// test_plugins/, and the configured plugin paths (filter_plugins, test_plugins in ansible.cfg). As in
// Ansible 2.14, a plugin's name wins over a built-in filter or test of the same name; the playbook's and the
// roles' directories come first (in the order they were loaded), then the configured ones, and in a
// directory the files in name order, the first file defining a name winning. The plugins run on the
// controller's Python (the one ansible-playbook uses, where it is installed), one process a run.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ExprError } from '../expr/pyops.js';
import { templateWarning } from '../warnings.js';
import { PythonBridge } from './bridge.js';
import { PLUGIN_SCRIPT } from './plugin-script.js';
import { fromPython, toWire } from './py-handle.js';

/** A plugin's kind: a filter (filter_plugins/, FilterModule) or a test (test_plugins/, TestModule). */
export type PluginKind = 'filter' | 'test';

/** Where a plugin name is defined, and what it asks Jinja for first: its environment (kplay gives a plain one), its context or eval context (kplay cannot). */
export interface PluginEntry {
  file: string;
  /** Its name in the file's table (a collection's without the collection's prefix). */
  name: string;
  /** A collection's plugin: its Python module name (imported as such, for its own imports). */
  module?: string | undefined;
  wants: 'environment' | 'context' | 'eval_context' | null;
}

interface Table {
  names: Map<string, PluginEntry>;
  /** The files that could not load, with Ansible's warning for each. */
  broken: string[];
}

const SUBDIR: Record<PluginKind | 'lookup', string> = { filter: 'filter_plugins', test: 'test_plugins', lookup: 'lookup_plugins' };
// the playbooks' and roles' directories, in the order they were loaded
const bases: string[] = [];
// a collection's plugin by kind and name, looked up once (null: none there; the files that could not load)
const collected = new Map<string, { entry: PluginEntry | null; broken: string[] }>();
let bridge: PythonBridge | undefined;
// the names each kind's files define, listed again only when a directory was added
let tables: Partial<Record<PluginKind, Table>> = {};
// the directories holding plugin files, found again only when a directory was added (a template looks them up at every call)
let dirsOf: Partial<Record<PluginKind | 'lookup', string[]>> = {};

/** Adds a playbook's or role's directory, whose filter_plugins/ and test_plugins/ Ansible loads. */
export function addPluginBase(dir: string): void {
  if (bases.includes(dir)) return;
  bases.push(dir);
  dirsOf = {};
  tables = {};
}

/** What the run tells the plugins: the configured plugin paths (ansible.cfg's filter_plugins, test_plugins, lookup_plugins), the Python that runs them, and the directories holding `ansible_collections/`. */
export interface PluginSettings {
  paths: Record<PluginKind | 'lookup', string[]>;
  python: () => string;
  collections: () => string[];
}

let settings: PluginSettings = { paths: { filter: [], test: [], lookup: [] }, python: () => 'python3', collections: () => [] };

/** Sets where plugins are found and which Python runs them (each run's setup). */
export function configurePlugins(s: PluginSettings): void {
  settings = s;
  collected.clear();
  dirsOf = {};
  tables = {};
}

/** The directory an installed collection `ns.coll` is under (its ansible_collections/ parent), the first found. */
function collectionRoot(ns: string, coll: string): string | undefined {
  return settings.collections().find((r) => existsSync(join(r, 'ansible_collections', ns, coll)));
}

const hasPython = (dir: string): boolean => {
  try {
    return readdirSync(dir).some((f) => f.endsWith('.py') && !f.startsWith('_'));
  } catch {
    return false;
  }
};

/** The directories holding plugin files of a kind: the playbooks' and roles' own, then the configured ones. */
export function pluginDirs(kind: PluginKind | 'lookup'): string[] {
  return (dirsOf[kind] ??= [...bases.map((b) => join(b, SUBDIR[kind])), ...settings.paths[kind]].filter((d) => existsSync(d) && hasPython(d)));
}

/** The run's Python process for plugins, started when first needed. */
export function pluginPython(): PythonBridge {
  bridge ??= new PythonBridge(settings.python(), PLUGIN_SCRIPT);
  return bridge;
}

/** The directories holding `ansible_collections/` (for Python's imports and Ansible's collection loader). */
export function collectionPaths(): string[] {
  return settings.collections();
}

/** What Python reports when it cannot do what was asked. */
export interface PluginFailure {
  type: string;
  msg: string;
  ansible: boolean;
}

// the names the plugin files define, listed by Python once for each set of directories
function table(kind: PluginKind): Table | undefined {
  const cached = tables[kind];
  if (cached) return cached;
  const dirs = pluginDirs(kind);
  if (!dirs.length) return undefined;
  const got = pluginPython().call({ op: 'list', kind, dirs }) as { ok?: { found: { file: string; names: Record<string, PluginEntry['wants']> }[]; broken: { file: string; error: PluginFailure }[] }; error?: PluginFailure };
  if (!got.ok) throw new ExprError(`the ${SUBDIR[kind]} in ${dirs.join(', ')} could not be read: ${got.error?.type}: ${got.error?.msg}`, 1);
  const names = new Map<string, PluginEntry>();
  for (const f of got.ok.found) for (const [name, wants] of Object.entries(f.names)) if (!names.has(name)) names.set(name, { file: f.file, name, wants });
  const t: Table = { names, broken: got.ok.broken.map(skipped) };
  tables[kind] = t;
  return t;
}

// Ansible's warning for a plugin file it could not load
const skipped = (b: { file: string; error: PluginFailure }): string => `Skipping plugin (${b.file}), cannot load: ${b.error.msg}`;

// a plugin name as a template may write it: bare, or ansible.legacy.NAME
const bare = (name: string): string => (name.startsWith('ansible.legacy.') ? name.slice('ansible.legacy.'.length) : name);

/** Where a plugin of that name is defined (none: undefined), its directories listed when they changed. */
export function pluginEntry(kind: PluginKind, name: string): PluginEntry | undefined {
  const t = table(kind);
  if (!t) return undefined;
  // Ansible warns of a file it skips each time it looks a plugin up
  for (const w of t.broken) templateWarning({ msg: w, deprecation: false });
  return t.names.get(bare(name));
}

/** The plugin files of that kind that could not load (for the hint of a name not found); for a collection's name, that collection's. */
export function brokenPlugins(kind: PluginKind, name: string): string[] {
  return [...(table(kind)?.broken ?? []), ...(collected.get(`${kind} ${name}`)?.broken ?? [])];
}

/** Whether the collection `ns.coll` is installed on this controller (where its plugins are looked for). */
export function collectionInstalled(ns: string, coll: string): boolean {
  return collectionRoot(ns, coll) !== undefined;
}

// what Python found for a name in a package's plugin files (the collection's, ansible-core's or Jinja's)
type Found = { file?: string; module?: string; wants?: PluginEntry['wants']; broken: { file: string; error: PluginFailure }[] };

const entryOf = (found: Found, name: string): PluginEntry | null => (found.file ? { file: found.file, name, module: found.module, wants: found.wants ?? null } : null);

/** An installed collection's Python plugin of that name (ns.coll.name), kplay having none: found by Python once. */
export function collectionEntry(kind: PluginKind, name: string): PluginEntry | undefined {
  const parts = name.split('.');
  if (parts.length !== 3 || parts[0] === 'ansible' && (parts[1] === 'builtin' || parts[1] === 'legacy') || !parts.every((p) => /^\w+$/.test(p))) return undefined;
  const key = `${kind} ${name}`;
  let hit = collected.get(key);
  if (!hit) {
    const [ns, coll, short] = parts as [string, string, string];
    const root = collectionRoot(ns, coll);
    hit = { entry: null, broken: [] };
    if (root) {
      const got = pluginPython().call({ op: 'collection', kind, root, collections: collectionPaths(), ns, coll, name: short }) as { ok?: Found; error?: PluginFailure };
      if (!got.ok) throw new ExprError(`the collection ${ns}.${coll} could not be read: ${got.error?.type}: ${got.error?.msg}`, 1);
      hit = { entry: entryOf(got.ok, short), broken: got.ok.broken.map(skipped) };
    }
    collected.set(key, hit);
  }
  return hit.entry ?? undefined;
}

/**
 * Ansible's own filter or test of that name (ansible-core's plugins/filter or plugins/test, then Jinja's
 * built-in ones), for a name kplay has no native code for: found by the controller's Python once. Without
 * a Python that can load them, none.
 */
export function builtinEntry(kind: PluginKind, written: string): PluginEntry | undefined {
  const name = written.replace(/^ansible\.legacy\./, '');
  if (!/^\w+$/.test(name)) return undefined;
  const key = `${kind} builtin ${name}`;
  let hit = collected.get(key);
  if (!hit) {
    hit = { entry: null, broken: [] };
    try {
      const got = pluginPython().call({ op: 'builtin', kind, name }) as { ok?: Found };
      if (got.ok) hit = { entry: entryOf(got.ok, name), broken: [] };
    } catch {
      // no Python here to ask: kplay's own filters and tests only
    }
    collected.set(key, hit);
  }
  return hit.entry ?? undefined;
}

/** Calls a plugin with a value and the template's arguments: its result, or its error as the template's. */
export function callPlugin(kind: PluginKind, entry: PluginEntry, value: unknown, args: unknown[], kwargs: Record<string, unknown>, col: number): unknown {
  return askPlugin({ op: 'call', kind, file: entry.file, module: entry.module, name: entry.name, value: toWire(value), args: args.map(toWire), kwargs: toWire(kwargs) }, col);
}

/** Ansible's now(utc, fmt) global: the controller's clock as Python's datetime (a handle), or strftime's text of it. */
export function pythonNow(utc: boolean, fmt: string | null, col: number): unknown {
  return askPlugin({ op: 'now', utc, fmt }, col);
}

/** One request to the plugin process: its answer (handles and tuples made kplay's), or its error as the template's. */
export function askPlugin(req: Record<string, unknown>, col: number): unknown {
  const got = pluginPython().call(req) as { ok?: unknown; error?: PluginFailure };
  if ('ok' in got) return fromPython(got.ok);
  const e = got.error as PluginFailure;
  // an AnsibleFilterError's own words, as Ansible shows them; another exception by its type, as Ansible's "The error was"
  throw new ExprError(e.ansible ? e.msg : `${e.type}: ${e.msg}`, col);
}
