// Everything a command needs before touching a host: config, project root, inventory, extra vars and
// the variable context. Every user mistake found here is a typed error, so no host is ever contacted.
import { existsSync } from 'node:fs';
import { findProjectRoot, loadConfig, type Config } from '../config/config.js';
import { loadInventory } from '../inventory/sources.js';
import { addPlaybookCollections, collectionRoots, configureCollectionsPath, controllerAnsible } from '../modules/python/locate.js';
import { configurePlugins } from '../template/plugins/jinja-plugins.js';
import type { Inventory } from '../inventory/model.js';
import { parseExtraVars } from '../vars/extra-vars.js';
import { VarsContext, type RunInfo } from '../vars/host-scope.js';
import { inventoryVarsDirs, playbookVarsDirs } from '../vars/precedence.js';
import { controllerPython } from '../util/controller-python.js';

/** Inputs shared by `kplay` and `kplay inventory`. */
export interface SetupOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  inventory: string[];
  extraVars: string[];
  /** The playbook's directory (or --playbook-dir / cwd for `kplay inventory`). */
  playbookDir: string;
  /** The playbooks' directories: their collections/ are searched for collections first (Ansible's playbook_paths). */
  collectionDirs?: string[] | undefined;
  run?: RunInfo;
  /** The configuration, when the command loaded it first (for the vault passwords). */
  config?: Config | undefined;
}

/** The loaded, validated state a command works from. */
export interface Setup {
  config: Config;
  projectRoot: string | undefined;
  inventory: Inventory;
  vars: VarsContext;
  warnings: string[];
  /** Deprecation warnings (their words) to show first, as Ansible's CLI shows the config's. */
  deprecations: string[];
}

/** Loads config, inventory and variables; throws UserError on any bad input. */
export function setup(o: SetupOptions): Setup {
  const warnings: string[] = [];
  const config = o.config ?? loadConfig(o.cwd, o.env);
  warnings.push(...config.unread);
  // Python filter and test plugins run on the Python that runs ansible-playbook here, where it is installed
  // (and an installed collection's, where kplay has no filter or test of that name)
  configureCollectionsPath(config.collectionsPath);
  for (const d of o.collectionDirs ?? []) addPlaybookCollections(d);
  configurePlugins({ paths: config.plugins, python: () => controllerAnsible()?.python ?? 'python3', collections: collectionRoots });
  const projectRoot = findProjectRoot(o.playbookDir) ?? findProjectRoot(o.cwd);
  let sources = o.inventory.length ? o.inventory : config.inventory;
  if (!sources.length && existsSync('/etc/ansible/hosts')) sources = ['/etc/ansible/hosts'];
  if (!sources.length) warnings.push('No inventory was parsed, only implicit localhost is available');
  const inventory = loadInventory(sources, { cwd: o.cwd, projectRoot, groupNames: config.groupNames });
  warnings.push(...inventory.warnings);
  const extraVars = parseExtraVars(o.extraVars, o.cwd);
  const vars = new VarsContext(
    inventory,
    { inventory: inventoryVarsDirs(inventory), playbook: playbookVarsDirs(projectRoot, o.playbookDir) },
    extraVars,
    { ...o.run, projectRoot, configFile: config.file, forks: o.run?.forks ?? config.forks ?? 5, playbookPython: controllerPython() },
  );
  return { config, projectRoot, inventory, vars, warnings, deprecations: config.deprecated };
}
