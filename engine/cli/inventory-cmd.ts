// `kplay inventory --list | --host H | --graph [GROUP]`: prints what ansible-inventory prints for the
// same inventory, so operators can verify kplay reads their inventory (and group_vars) exactly right.
import { configWithVault } from './vault-secrets.js';
import { decryptVault, keepVaultValues, VaultError } from '../vault/vault.js';
import { isMapping } from '../util/mapping.js';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { dumpJson, dumpYaml, graphInventory, listInventory, listInventoryToml, listInventoryYaml, withoutInternal, type VarsSource } from '../inventory/list.js';
import { dumpToml, TomlError } from '../inventory/toml.js';
import type { Group, Host } from '../inventory/model.js';
import { PatternMatcher } from '../inventory/patterns.js';
import { mergeInto } from '../vars/files.js';
import { groupVarsForDisplay, hostVarsForDisplay } from '../vars/precedence.js';
import { redactSecrets } from '../vars/secrets.js';
import { setup } from '../run/setup.js';
import type { ParsedArgs } from './args.js';
import { type CliIO, printSetupWarnings } from './io.js';

// TOML as ansible-inventory writes it; what the toml library cannot write is an error in Ansible's words
function toml(value: Record<string, unknown>): string {
  try {
    return dumpToml(vaultAsText(value) as Record<string, unknown>);
  } catch (e) {
    if (e instanceof TomlError || e instanceof VaultError) throw new UserError(e.message);
    throw e;
  }
}

// a !vault value reaches the toml library as Ansible's encrypted text object, which it writes as the list of
// its plaintext's characters (so it needs the password)
function vaultAsText(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(vaultAsText);
  if (!isMapping(v)) return v;
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === '__ansible_vault' && typeof v.__ansible_vault === 'string') return Array.from(decryptVault(v.__ansible_vault));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, vaultAsText(x)]));
}

/** Runs `kplay inventory ...` and returns the exit code. */
export async function inventoryCommand(parsed: ParsedArgs, io: CliIO): Promise<number> {
  const { opts, positionals } = parsed;
  const actions = ['list', 'host', 'graph'].filter((a) => opts[a] !== undefined);
  if (actions.length === 0) {
    throw new UserError('No action selected, at least one of --host, --graph or --list needs to be specified.', { kind: 'options' });
  }
  if (actions.length > 1) {
    throw new UserError('Conflicting options used, only one of --host, --graph or --list can be used at the same time.', { kind: 'options' });
  }
  const explicitPlaybookDir = typeof opts.playbookDir === 'string' ? resolve(io.cwd, opts.playbookDir) : undefined;
  // !vault values are listed encrypted, as ansible-inventory lists them; encrypted files are read
  keepVaultValues();
  const config = await configWithVault(opts, io);
  const s = setup({
    config,
    cwd: io.cwd,
    env: io.env,
    inventory: (opts.inventory as string[] | undefined) ?? [],
    extraVars: (opts.extraVars as string[] | undefined) ?? [],
    playbookDir: explicitPlaybookDir ?? io.cwd,
  });
  printSetupWarnings(io, s);

  const shown = opts.showSecrets ? <T>(v: T): T => v : redactSecrets;
  // --export: a host's own variables and each group's, not merged (no -e either), as ansible-inventory exports them
  const exported = opts.export === true;
  const dirs = { inventory: s.vars.dirs.inventory, playbook: explicitPlaybookDir ? [explicitPlaybookDir] : [] };
  const vars: VarsSource = {
    hostVars: (h: Host) => {
      if (exported) return shown(hostVarsForDisplay(h, dirs).vars);
      const bag = { vars: {}, origins: new Map() };
      mergeInto(bag, s.vars.inventoryVars(h));
      mergeInto(bag, s.vars.extraVars);
      return shown(bag.vars);
    },
    // as ansible-inventory: a group's own vars, inventory-side group_vars, and --playbook-dir's
    groupVars: (g: Group) => shown(groupVarsForDisplay(g, dirs).vars),
  };

  let text: string;
  if (opts.host !== undefined) {
    const matched = new PatternMatcher(s.inventory, io.cwd).hosts(String(opts.host));
    const host = matched.length === 1 ? matched[0] : undefined;
    if (!host) throw new UserError('You must pass a single valid host to --host parameter', { kind: 'options', hint: `'${String(opts.host)}' is not in the inventory; kplay inventory --graph lists the hosts` });
    const hv = withoutInternal(vars.hostVars(host));
    text = opts.yaml ? dumpYaml(hv) : opts.toml ? toml(hv) : dumpJson(hv);
  } else if (opts.graph) {
    const groupName = positionals[0] ?? 'all';
    const group = s.inventory.groups.get(groupName);
    if (!group) throw new UserError('Pattern must be valid group name when using --graph', { kind: 'options', hint: `'${groupName}' is not a group` });
    text = graphInventory(group, opts.vars ? vars : undefined);
  } else {
    text = opts.yaml ? dumpYaml(listInventoryYaml(s.inventory, vars, exported)) : opts.toml ? toml(listInventoryToml(s.inventory, vars, exported)) : dumpJson(listInventory(s.inventory, vars, exported));
  }
  // (ansible-inventory prints nothing and ends with 1 when the result is empty: TOML of no variables)
  if (text === '') return 1;
  if (typeof opts.output === 'string') {
    try {
      writeFileSync(resolve(io.cwd, opts.output), text);
    } catch (e) {
      throw new UserError(`Unable to write to destination file (${opts.output}): ${(e as Error).message}`);
    }
  } else {
    io.out(text);
  }
  return 0;
}
