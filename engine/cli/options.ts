// The option tables of `kplay` (ansible-playbook's flags) and `kplay inventory` (ansible-inventory's),
// kept in one place so parsing and --help never disagree.
import type { OptionSpec } from './args.js';

const inventoryOpt: OptionSpec = { names: ['-i', '--inventory', '--inventory-file'], key: 'inventory', kind: 'list', metavar: 'INVENTORY', help: 'inventory file, directory, or comma-separated host list (repeatable); bare names are also looked up in the project\'s inventories/' };
const extraVarsOpt: OptionSpec = { names: ['-e', '--extra-vars'], key: 'extraVars', kind: 'list', metavar: 'EXTRA_VARS', help: 'set variables as key=value, YAML/JSON, or @file (repeatable, highest precedence)' };
const verboseOpt: OptionSpec = { names: ['-v', '--verbose'], key: 'verbose', kind: 'count', help: 'more output: -v results, -vv commands, -vvv connection details' };
const helpOpt: OptionSpec = { names: ['-h', '--help'], key: 'help', kind: 'flag', help: 'show this help message and exit' };
const versionOpt: OptionSpec = { names: ['--version'], key: 'version', kind: 'flag', help: "show kplay's version and config file, then exit" };

const limitOpt: OptionSpec = { names: ['-l', '--limit'], key: 'limit', kind: 'value', metavar: 'SUBSET', help: 'further limit selected hosts to a pattern (@file reads patterns from a file)' };
const forksOpt: OptionSpec = { names: ['-f', '--forks'], key: 'forks', kind: 'value', metavar: 'FORKS', help: 'hosts to work on in parallel (default 5, or forks in kplay.cfg)' };
const checkOpt: OptionSpec = { names: ['-C', '--check'], key: 'check', kind: 'flag', help: "don't make any changes; report what would change" };
const diffOpt: OptionSpec = { names: ['-D', '--diff'], key: 'diff', kind: 'flag', help: 'show the differences in files that change' };
const connectionOpt: OptionSpec = { names: ['-c', '--connection'], key: 'connection', kind: 'value', metavar: 'CONNECTION', help: 'connection type: ssh (default) or local' };
const becomeOpt: OptionSpec = { names: ['-b', '--become'], key: 'become', kind: 'flag', help: 'run operations with become (sudo)' };
const becomeUserOpt: OptionSpec = { names: ['--become-user'], key: 'becomeUser', kind: 'value', metavar: 'BECOME_USER', help: 'run operations as this user (default root)' };
const askPassOpt: OptionSpec = { names: ['-k', '--ask-pass'], key: 'askPass', kind: 'flag', help: 'ask for the connection password' };
const askBecomePassOpt: OptionSpec = { names: ['-K', '--ask-become-pass'], key: 'askBecomePass', kind: 'flag', help: 'ask for the privilege escalation password' };

const becomePassFileOpt: OptionSpec = { names: ['--become-password-file', '--become-pass-file'], key: 'becomePasswordFile', kind: 'value', metavar: 'BECOME_PASSWORD_FILE', help: "read the privilege escalation password from this file (run it if executable; '-' reads stdin)" };
const connPassFileOpt: OptionSpec = { names: ['--connection-password-file', '--conn-pass-file'], key: 'connectionPasswordFile', kind: 'value', metavar: 'CONNECTION_PASSWORD_FILE', help: "read the connection password from this file (run it if executable; '-' reads stdin)" };
const modulePathOpt: OptionSpec = { names: ['-M', '--module-path'], key: 'modulePath', kind: 'list', metavar: 'MODULE_PATH', help: "directories (colon-separated, repeatable) to search for Ansible modules, after the playbook's library/" };

const becomeMethodOpt: OptionSpec = { names: ['--become-method'], key: 'becomeMethod', kind: 'value', metavar: 'BECOME_METHOD', help: 'privilege escalation method: sudo (default) or su' };
// how to connect: ansible-playbook's and ansible's connection options
const sshOpts: OptionSpec[] = [
  { names: ['-u', '--user'], key: 'user', kind: 'value', metavar: 'REMOTE_USER', help: 'connect as this user' },
  { names: ['--private-key', '--key-file'], key: 'privateKey', kind: 'value', metavar: 'PRIVATE_KEY_FILE', help: 'use this file to authenticate the connection' },
  { names: ['--key-passphrase-file'], key: 'keyPassphraseFile', kind: 'value', metavar: 'FILE', help: 'read the passphrase of encrypted private keys from this file' },
  askPassOpt,
  connPassFileOpt,
  { names: ['-T', '--timeout'], key: 'timeout', kind: 'value', metavar: 'TIMEOUT', help: 'connection timeout in seconds (default 10)' },
  { names: ['--ssh-common-args'], key: 'sshCommonArgs', kind: 'value', metavar: 'SSH_COMMON_ARGS', help: 'ssh options such as -J jumphost (ProxyJump); one kplay cannot honour is refused' },
  { names: ['--ssh-extra-args'], key: 'sshExtraArgs', kind: 'value', metavar: 'SSH_EXTRA_ARGS', help: 'more ssh options, as --ssh-common-args' },
  { names: ['--sftp-extra-args'], key: 'sftpExtraArgs', kind: 'value', metavar: 'SFTP_EXTRA_ARGS', help: "sftp's arguments: kplay copies over its own session, so only -C, -q, -v are taken" },
  { names: ['--scp-extra-args'], key: 'scpExtraArgs', kind: 'value', metavar: 'SCP_EXTRA_ARGS', help: "scp's arguments: kplay copies over its own session, so only -C, -q, -v are taken" },
  { names: ['--accept-new-host-keys'], key: 'acceptNewHostKeys', kind: 'flag', help: 'record unknown host keys in known_hosts (changed keys are still refused)' },
];

// Ansible Vault's passwords, for !vault values and encrypted files
const vaultOpts: OptionSpec[] = [
  { names: ['--vault-id'], key: 'vaultId', kind: 'list', metavar: 'VAULT_IDS', help: 'a vault identity: [label@]FILE or [label@]prompt (repeatable)' },
  { names: ['--vault-password-file', '--vault-pass-file'], key: 'vaultPasswordFile', kind: 'list', metavar: 'VAULT_PASSWORD_FILES', help: 'read a vault password from this file (run it if executable; repeatable)' },
  { names: ['--ask-vault-password', '--ask-vault-pass'], key: 'askVaultPass', kind: 'flag', help: 'ask for the vault password' },
];

const playbookDirOpt: OptionSpec = { names: ['--playbook-dir'], key: 'playbookDir', kind: 'value', metavar: 'BASEDIR', help: 'use this as the playbook directory (its group_vars/ and host_vars/ are read); default: the current directory' };

/** Options of `kplay PLAYBOOK...`, named and behaving as ansible-playbook's. */
export const playbookOptions: OptionSpec[] = [
  helpOpt,
  versionOpt,
  verboseOpt,
  inventoryOpt,
  extraVarsOpt,
  limitOpt,
  forksOpt,
  { names: ['-t', '--tags'], key: 'tags', kind: 'list', splitCommas: true, metavar: 'TAGS', help: 'only run plays and tasks tagged with these values' },
  { names: ['--skip-tags'], key: 'skipTags', kind: 'list', splitCommas: true, metavar: 'SKIP_TAGS', help: 'only run plays and tasks whose tags do not match these values' },
  checkOpt,
  diffOpt,
  { names: ['--list-hosts'], key: 'listHosts', kind: 'flag', help: 'list the hosts each play would run on, then exit' },
  { names: ['--list-tasks'], key: 'listTasks', kind: 'flag', help: 'list the tasks that would run, then exit' },
  { names: ['--list-tags'], key: 'listTags', kind: 'flag', help: 'list all available tags, then exit' },
  { names: ['--syntax-check'], key: 'syntaxCheck', kind: 'flag', help: 'check the playbook, inventory and variables without running anything' },
  { names: ['--start-at-task'], key: 'startAtTask', kind: 'value', metavar: 'START_AT_TASK', help: 'start the playbook at the task with this name' },
  { names: ['--step'], key: 'step', kind: 'flag', help: 'confirm each task before running it' },
  { names: ['--force-handlers'], key: 'forceHandlers', kind: 'flag', help: 'run handlers even if a task fails' },
  { names: ['--flush-cache'], key: 'flushCache', kind: 'flag', help: 'clear the fact cache (kplay keeps none: facts live for one run)' },
  connectionOpt,
  ...sshOpts,
  becomeOpt,
  becomeMethodOpt,
  becomeUserOpt,
  askBecomePassOpt,
  becomePassFileOpt,
  modulePathOpt,
  ...vaultOpts,
  { names: ['--json'], key: 'json', kind: 'flag', help: 'write one JSON object per event to stdout (newline-delimited)' },
];

/** Options of `kplay inventory`, named and behaving as ansible-inventory's. */
export const inventoryOptions: OptionSpec[] = [
  helpOpt,
  versionOpt,
  verboseOpt,
  inventoryOpt,
  extraVarsOpt,
  playbookDirOpt,
  { names: ['--list'], key: 'list', kind: 'flag', help: 'print all groups and hosts with their variables (JSON)' },
  { names: ['--host'], key: 'host', kind: 'value', metavar: 'HOST', help: 'print the variables of one host (JSON)' },
  { names: ['--graph'], key: 'graph', kind: 'flag', help: 'print the group tree (from the group given as argument, default all)' },
  { names: ['--vars'], key: 'vars', kind: 'flag', help: 'with --graph: show variables too' },
  { names: ['-y', '--yaml'], key: 'yaml', kind: 'flag', help: 'print YAML instead of JSON (ignored for --graph)' },
  { names: ['--toml'], key: 'toml', kind: 'flag', help: 'print TOML instead of JSON (ignored for --graph; -y wins)' },
  { names: ['--export'], key: 'export', kind: 'flag', help: "with --list: each group's and host's own variables, not merged (for export)" },
  { names: ['--show-secrets'], key: 'showSecrets', kind: 'flag', help: 'print passwords, tokens and keys instead of <redacted: secret>' },
  { names: ['--output'], key: 'output', kind: 'value', metavar: 'OUTPUT_FILE', help: 'write the result to this file instead of stdout' },
  ...vaultOpts,
];

/** Options of `kplay adhoc PATTERN`, named and behaving as `ansible`'s. */
export const adhocOptions: OptionSpec[] = [
  helpOpt,
  versionOpt,
  verboseOpt,
  inventoryOpt,
  extraVarsOpt,
  { names: ['-m', '--module-name'], key: 'module', kind: 'value', metavar: 'MODULE_NAME', help: 'module to run (default command)' },
  { names: ['-a', '--args'], key: 'args', kind: 'value', metavar: 'MODULE_ARGS', help: 'module arguments, as name=value text (or the command line for command/shell)' },
  { ...playbookDirOpt, help: "use this as the playbook directory: its group_vars/ and host_vars/, and its library/, filter_plugins/, test_plugins/ and lookup_plugins/ (without it: the current directory's group_vars/ and host_vars/ only, as Ansible's adhoc)" },
  limitOpt,
  forksOpt,
  checkOpt,
  diffOpt,
  becomeOpt,
  becomeMethodOpt,
  becomeUserOpt,
  askBecomePassOpt,
  becomePassFileOpt,
  connectionOpt,
  ...sshOpts,
  modulePathOpt,
  ...vaultOpts,
  { names: ['--list-hosts'], key: 'listHosts', kind: 'flag', help: 'list the hosts the pattern matches, then exit' },
  { names: ['-o', '--one-line'], key: 'oneLine', kind: 'flag', help: "one line per host (Ansible's oneline output)" },
  { names: ['-t', '--tree'], key: 'tree', kind: 'value', metavar: 'TREE', help: "write each host's result to a file named after it in this directory" },
  { names: ['-B', '--background'], key: 'background', kind: 'value', metavar: 'SECONDS', help: 'run asynchronously, failing after SECONDS' },
  { names: ['-P', '--poll'], key: 'poll', kind: 'value', metavar: 'POLL_INTERVAL', help: 'with -B: wait for the result (default 15, or poll_interval in kplay.cfg); 0 starts the job and does not wait' },
  { names: ['--task-timeout'], key: 'taskTimeout', kind: 'value', metavar: 'TASK_TIMEOUT', help: 'fail the task after this many seconds (default 0: no limit, or task_timeout in kplay.cfg)' },
];
