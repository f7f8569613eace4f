// --help and --version texts, generated from the option tables so they always match the parser.
import { readFileSync } from 'node:fs';
import { formatOptions } from './args.js';
import { adhocOptions, inventoryOptions, playbookOptions } from './options.js';

/** kplay's version, read from package.json next to the compiled code. */
export function kplayVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The `kplay --help` text. */
export function playbookHelp(): string {
  return `usage: kplay [options] playbook.yaml [playbook.yaml ...]
       kplay inventory [options] (--list | --host HOST | --graph [GROUP])

Runs Ansible-style playbooks against an Ansible inventory, agentless, over SSH.
Flags, inventories, group_vars and exit codes follow ansible-playbook.

positional arguments:
  playbook.yaml                     playbook(s) to run; bare names are also looked up in the project's playbooks/

options:
${formatOptions(playbookOptions)}

commands:
  inventory                         show the inventory as kplay reads it (like ansible-inventory); kplay inventory --help
  adhoc PATTERN -m MOD -a ARGS      run one module on the hosts of a pattern (like ansible); kplay adhoc --help

exit codes: 0 ok, 1 error, 2 a host failed or bad arguments, 4 a host unreachable or a parse error,
            5 bad options, 99 interrupted`;
}

/** The `kplay inventory --help` text. */
export function inventoryHelp(): string {
  return `usage: kplay inventory [options] (--list | --host HOST | --graph [GROUP])

Shows the inventory as kplay reads it, in ansible-inventory's formats: the same JSON for --list,
the same variables for --host, the same tree for --graph.

options:
${formatOptions(inventoryOptions)}`;
}

/** The `--version` text. */
export function versionText(configFile: string | undefined): string {
  return `kplay ${kplayVersion()}
  config file = ${configFile ?? 'None'}
  node = ${process.version}`;
}

/** The `kplay adhoc --help` text. */
export function adhocHelp(): string {
  return `usage: kplay adhoc [options] PATTERN -m MODULE -a 'ARGS'

Runs one module on the hosts matching PATTERN, as \`ansible PATTERN -m MODULE -a ARGS\` does,
with the same inventory, variables, forks and become rules as playbooks.

options:
${formatOptions(adhocOptions)}`;
}
