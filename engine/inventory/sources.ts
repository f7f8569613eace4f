// Turns `-i` arguments into one Inventory: files (INI or YAML, chosen as Ansible's plugins would),
// directories of inventory files, inline `h1,h2,` lists; several sources merge in order.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { ParseError, UserError } from '../errors.js';
import { statOrUndefined } from '../util/fs.js';
import { YamlSyntaxError, parseYaml, readUserFile } from '../yaml/load.js';
import { AddressError, parseAddress } from './address.js';
import { parseTomlInventory } from './toml-inventory.js';
import { parseIniInventory } from './ini.js';
import { Inventory, type GroupNamePolicy } from './model.js';
import { NotYamlInventory, checkYamlInventoryShape, parseYamlInventory } from './yaml-inventory.js';

// Ansible's inventory_ignore_extensions and the names it always skips inside inventory directories.
const IGNORED_NAMES = /^\.|^host_vars$|^group_vars$|^vars_plugins$/;
const IGNORED_EXTS = ['~', '.orig', '.ini', '.cfg', '.retry', '.pyc', '.pyo', '.swp', '.bak', '.rpm', '.md', '.txt', '.rst'];
const YAML_EXTS = new Set(['.yaml', '.yml', '.json']);

/** Where to look for sources given as bare names. */
export interface SourceOptions {
  cwd: string;
  /** The project root; a missing bare name is looked up in its `inventories/`. */
  projectRoot?: string | undefined;
  /** force_valid_group_names: what a group name that is not a valid variable name gets ('never' when unset). */
  groupNames?: GroupNamePolicy | undefined;
}

/** True when an `-i` value is an inline host list (`h1,h2,`) rather than a path. */
export function isInlineHostList(source: string, cwd: string): boolean {
  return source.includes(',') && !existsSync(resolve(cwd, source));
}

/** Finds the file or directory an `-i` value names, trying the project's inventories/ for bare names. */
export function resolveInventoryPath(source: string, opts: SourceOptions): string {
  const expanded = source.startsWith('~/') ? join(homedir(), source.slice(2)) : source;
  const direct = resolve(opts.cwd, expanded);
  if (existsSync(direct)) return direct;
  const tried = [direct];
  if (opts.projectRoot && !isAbsolute(expanded)) {
    const inProject = join(opts.projectRoot, 'inventories', expanded);
    if (existsSync(inProject)) return inProject;
    tried.push(inProject);
  }
  throw new UserError(`inventory source not found: ${source}`, {
    hint: `looked for ${tried.join(' and ')}; pass a path to an INI/YAML file or a directory, or 'host1,host2,' for an inline list`,
  });
}

/** Loads all sources (in order) into one reconciled inventory. */
export function loadInventory(sources: string[], opts: SourceOptions): Inventory {
  const inv = new Inventory();
  inv.groupNames = opts.groupNames ?? 'never';
  for (const source of sources) {
    if (isInlineHostList(source, opts.cwd)) {
      parseHostList(inv, source);
      inv.sources.push(source);
      continue;
    }
    const path = resolveInventoryPath(source, opts);
    parseSource(inv, path);
    inv.sources.push(path);
  }
  inv.reconcile();
  return inv;
}

function parseHostList(inv: Inventory, list: string): void {
  for (const raw of list.split(',')) {
    const h = raw.trim();
    if (!h) continue;
    let host = h;
    let port: number | undefined;
    try {
      ({ host, port } = parseAddress(h, false));
    } catch (e) {
      if (!(e instanceof AddressError)) throw e;
    }
    if (!inv.hosts.has(host)) inv.addHost(host, 'ungrouped', port);
  }
}

function parseSource(inv: Inventory, path: string): void {
  const st = statOrUndefined(path);
  if (!st) {
    inv.warn(`Unable to parse ${path} as an inventory source (it is a dangling link or vanished)`);
    return;
  }
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (IGNORED_NAMES.test(name)) continue;
      if (IGNORED_EXTS.some((ext) => name.endsWith(ext))) {
        if (name.endsWith('.ini')) inv.warn(`skipping ${join(path, name)}: Ansible ignores *.ini files inside inventory directories (inventory_ignore_extensions); rename it or pass it with its own -i`);
        continue;
      }
      parseSource(inv, join(path, name));
    }
    return;
  }
  parseFile(inv, path);
}

function parseFile(inv: Inventory, file: string): void {
  const ext = extname(file).toLowerCase();
  const text = readUserFile(file, 'inventory');
  if (ext === '.toml') {
    // Ansible's ini plugin, which takes any file, reads it before the toml plugin: a file it can read is
    // an INI inventory, and what it made before it failed stays (a group named after the first table)
    try {
      parseIniInventory(inv, text, file);
      return;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
    }
    parseTomlInventory(inv, text, file);
    return;
  }
  if (!YAML_EXTS.has(ext) && ext !== '') {
    parseIniInventory(inv, text, file);
    return;
  }
  // Ansible tries its yaml plugin first for these, then falls back to ini.
  let yamlProblem: YamlSyntaxError | NotYamlInventory;
  try {
    const y = parseYaml(text, file);
    checkYamlInventoryShape(y);
    parseYamlInventory(inv, y);
    return;
  } catch (e) {
    // a wrong structure inside a well-formed YAML inventory is final; a syntax error may mean INI
    if (!(e instanceof YamlSyntaxError || e instanceof NotYamlInventory)) throw e;
    yamlProblem = e;
  }
  try {
    parseIniInventory(inv, text, file);
  } catch (iniError) {
    const yamlMeant = YAML_EXTS.has(ext) || (yamlProblem instanceof YamlSyntaxError && YAML_SHAPED_ERRORS.has(yamlProblem.code));
    if (!yamlMeant) throw iniError;
    if (yamlProblem instanceof YamlSyntaxError) throw yamlProblem;
    throw new ParseError(yamlProblem.message, { file }, 'a YAML inventory is a mapping of groups, e.g. "all: {hosts: {h1: {}}}"');
  }
}

// Errors that only a file meant as YAML produces (an INI file would not get this far as YAML).
const YAML_SHAPED_ERRORS = new Set(['DUPLICATE_KEY', 'TAB_AS_INDENT', 'TEMPLATE_KEY']);
