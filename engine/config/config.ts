// Settings from kplay.cfg (the same INI shape as ansible.cfg), found like ansible.cfg is; an existing
// ansible.cfg is read when there is no kplay.cfg, so a project's Ansible settings keep working.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { ParseError } from '../errors.js';
import { GROUP_NAME_POLICIES, type GroupNamePolicy } from '../inventory/model.js';
import { configDeprecations } from './deprecated.js';

/** The settings kplay reads from a config file or the environment. */
export interface Config {
  /** The file the settings came from, if any. */
  file: string | undefined;
  inventory: string[];
  forks: number | undefined;
  rolesPath: string[];
  /** library: directories Ansible's modules are looked for in (relative to the config file). */
  library: string[];
  /** become_password_file / connection_password_file: where --become-password-file and --connection-password-file default from. */
  becomePasswordFile: string | undefined;
  connectionPasswordFile: string | undefined;
  /** collections_path: the directories holding ansible_collections/ (undefined: Ansible's default). */
  collectionsPath: string[] | undefined;
  /** filter_plugins, test_plugins and lookup_plugins: directories of Python plugins (Ansible's defaults when not set). */
  plugins: { filter: string[]; test: string[]; lookup: string[] };
  remoteUser: string | undefined;
  hostKeyChecking: boolean | undefined;
  timeout: number | undefined;
  privateKeyFile: string | undefined;
  become: boolean | undefined;
  becomeMethod: string | undefined;
  becomeUser: string | undefined;
  becomeExe: string | undefined;
  becomeFlags: string | undefined;
  sshArgs: string | undefined;
  /** [ssh_connection] retries (or [connection]'s): connections tried again after a failure, as Ansible's ssh plugin. */
  sshRetries: number | undefined;
  /** [ssh_connection] sftp_extra_args and scp_extra_args: checked, since kplay copies over its own session. */
  sftpExtraArgs: string | undefined;
  scpExtraArgs: string | undefined;
  /** localhost_warning: warn that an empty inventory leaves only the implicit localhost (default true). */
  localhostWarning: boolean | undefined;
  /** force_valid_group_names (TRANSFORM_INVALID_GROUP_CHARS): what a group name with characters a variable name cannot hold gets (Ansible's default: never). */
  groupNames: GroupNamePolicy;
  /** gathering: when plays gather facts (implicit: unless gather_facts is false; explicit: only when it is true; smart: once per host). */
  gathering: 'implicit' | 'explicit' | 'smart' | undefined;
  /** any_errors_fatal and force_handlers: the default of the play keywords of those names. */
  anyErrorsFatal: boolean | undefined;
  forceHandlers: boolean | undefined;
  /** vault_password_file and vault_identity_list: where the vault passwords come from when the command line names none. */
  vaultPasswordFile: string | undefined;
  vaultIdentityList: string[];
  /** vault_identity: the label of a password given without one; vault_id_match: a labelled envelope tries only its label's passwords. */
  vaultIdentity: string;
  vaultIdMatch: boolean;
  /** task_timeout: the seconds a task may run when it sets no timeout (0 or unset: no limit). */
  taskTimeout: number | undefined;
  /** poll_interval: kplay adhoc's -P default (Ansible's DEFAULT_POLL_INTERVAL). */
  pollInterval: number | undefined;
  /** What the file sets that changes a run and kplay does not read, each with what kplay does instead (warned of). */
  unread: string[];
  /** The deprecated settings the file or the environment give, in the words of Ansible's deprecation warnings. */
  deprecated: string[];
  /** deprecation_warnings: false turns every deprecation warning off, as in Ansible (default true). */
  deprecationWarnings: boolean | undefined;
  /** Every section's raw values, lower-cased keys. */
  raw: Record<string, Record<string, string>>;
}

type Env = Record<string, string | undefined>;

/** Where a config file is searched for, in order (the first that exists wins). */
export function configCandidates(cwd: string, env: Env): string[] {
  const home = env.HOME ?? homedir();
  const kplay = [env.KPLAY_CONFIG, resolve(cwd, 'kplay.cfg'), resolve(home, '.kplay.cfg')];
  const ansible = [env.ANSIBLE_CONFIG, resolve(cwd, 'ansible.cfg'), resolve(home, '.ansible.cfg'), '/etc/ansible/ansible.cfg'];
  return [...kplay, ...ansible].filter((p): p is string => !!p);
}

/** Parses ansible.cfg-style INI text (configparser rules: `k = v` or `k: v`, `#`/`;` comments). */
export function parseCfg(text: string, file: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  let lastKey: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\s;.*$/, '');
    if (!line.trim() || /^\s*[#;]/.test(line)) return;
    if (/^\s/.test(line) && section && lastKey) {
      section[lastKey] += '\n' + line.trim(); // continuation line
      return;
    }
    const sec = /^\[([^\]]+)\]\s*$/.exec(line.trim());
    if (sec) {
      const name = (sec[1] as string).trim();
      section = out[name] ??= {};
      lastKey = undefined;
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line.trim());
    if (!kv) throw new ParseError(`expected "key = value" or a [section], got: ${line.trim()}`, { file, line: i + 1, col: 1 });
    if (!section) throw new ParseError('setting before any [section]', { file, line: i + 1, col: 1 }, 'put settings under [defaults]');
    lastKey = (kv[1] as string).toLowerCase();
    section[lastKey] = kv[2] as string;
  });
  return out;
}

function bool(v: string | undefined, what: string, file: string): boolean | undefined {
  if (v === undefined) return undefined;
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on', 'y', 't'].includes(s)) return true;
  if (['0', 'false', 'no', 'off', 'n', 'f', ''].includes(s)) return false;
  throw new ParseError(`${what} must be a boolean (true/false), got '${v}'`, { file });
}

function int(v: string | undefined, what: string, file: string): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  if (!/^\d+$/.test(v.trim())) throw new ParseError(`${what} must be a whole number, got '${v}'`, { file });
  return Number(v.trim());
}

// ansible.cfg settings that change what a run does and that kplay does not read, with what it does instead
// and the values that ask for what kplay does anyway (Ansible's defaults: no warning for those); the settings
// that only change Ansible's own plumbing or looks, such as pipelining or nocows, are not listed
const UNREAD: Record<string, Record<string, [instead: string, ...same: string[]]>> = {
  defaults: {
    hash_behaviour: ["variables replace one another (Ansible's default, replace)", 'replace'],
    error_on_undefined_vars: ['an undefined variable is an error', 'true', 'yes', '1', 'on'],
    jinja2_native: ["templates give Ansible's default types", 'false', 'no', '0', 'off'],
    private_role_vars: ["the vars of a role in roles: or import_role are visible after it, as by default", 'false', 'no', '0', 'off'],
    interpreter_python: ['set ansible_python_interpreter in the inventory instead'],
    strategy: ['plays run linear unless they say strategy: free', 'linear', 'ansible.builtin.linear'],
    transport: ['the connection is ssh unless -c or ansible_connection says otherwise', 'ssh', 'smart'],
    remote_port: ['set ansible_port in the inventory instead'],
    ask_pass: ['use -k', 'false', 'no', '0', 'off'],
    fact_caching: ['facts live for one run', 'memory'],
    gather_subset: ['set gather_subset on the play instead', 'all'],
    gather_timeout: ['set gather_timeout on the play instead', '10'],
    stdout_callback: ["the output is Ansible's default callback's", 'default', 'ansible.builtin.default'],
  },
  privilege_escalation: {
    become_ask_pass: ['use -K', 'false', 'no', '0', 'off'],
  },
};

// the warnings for the settings in UNREAD the file sets to something kplay does not do
function unreadSettings(raw: Record<string, Record<string, string> | undefined>, file: string | undefined): string[] {
  return Object.entries(UNREAD).flatMap(([section, keys]) =>
    Object.entries(keys)
      .filter(([key, [, ...same]]) => {
        const v = raw[section]?.[key];
        return v !== undefined && !same.includes(v.trim().toLowerCase());
      })
      .map(([key, [instead]]) => `${file ?? 'the configuration'} sets [${section}] ${key}, which kplay does not read: ${instead}`),
  );
}

// force_valid_group_names: one of Ansible's four choices, refused otherwise in Ansible's words
function groupNamesOf(v: string | undefined, file: string): GroupNamePolicy {
  if (v === undefined) return 'never';
  const choice = GROUP_NAME_POLICIES.find((p) => p === v.trim());
  if (choice) return choice;
  throw new ParseError(`Invalid value "${v}" for configuration option "setting: TRANSFORM_INVALID_GROUP_CHARS", valid values are: ${GROUP_NAME_POLICIES.join(', ')}`, { file }, 'force_valid_group_names (ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS) is always, never, ignore or silently');
}

function gatheringOf(v: string | undefined, file: string): Config['gathering'] {
  if (v === undefined || v.trim() === '') return undefined;
  const s = v.trim().toLowerCase();
  if (s === 'implicit' || s === 'explicit' || s === 'smart') return s;
  throw new ParseError(`gathering must be implicit, explicit or smart, got '${v}'`, { file });
}

/** Loads the config (first candidate that exists) with ANSIBLE_* / KPLAY_* environment overrides. */
export function loadConfig(cwd: string, env: Env = process.env): Config {
  const file = configCandidates(cwd, env).find((p) => existsSync(p));
  const raw = file ? parseCfg(readFileSync(file, 'utf8'), file) : {};
  const d = raw.defaults ?? {};
  const ssh = raw.ssh_connection ?? {};
  const priv = raw.privilege_escalation ?? {};
  const base = file ? dirname(file) : cwd;
  const setting = (key: string, section: Record<string, string>, envName: string): string | undefined =>
    env[`KPLAY_${envName}`] ?? env[`ANSIBLE_${envName}`] ?? section[key];
  const src = file ?? 'environment';
  // path settings are relative to the config file, as in Ansible
  const path = (p: string): string => resolve(base, p.trim().replace(/^~(?=\/)/, env.HOME ?? homedir()));
  const pathList = (v: string | undefined, sep: RegExp): string[] => (v ? v.split(sep).filter((p) => p.trim()).map(path) : []);
  const optionalPath = (p: string | undefined): string | undefined => (p === undefined || p.trim() === '' ? undefined : path(p));
  const keyFile = setting('private_key_file', d, 'PRIVATE_KEY_FILE');
  // (2.14 reads collections_path and the older collections_paths, and their environment variables)
  const collectionsPath = setting('collections_path', d, 'COLLECTIONS_PATH') ?? setting('collections_paths', d, 'COLLECTIONS_PATHS');
  const deprecationWarnings = bool(setting('deprecation_warnings', d, 'DEPRECATION_WARNINGS'), 'deprecation_warnings', src);
  return {
    file,
    inventory: pathList(setting('inventory', d, 'INVENTORY'), /,/),
    forks: int(setting('forks', d, 'FORKS'), 'forks', src),
    rolesPath: pathList(setting('roles_path', d, 'ROLES_PATH'), /:/),
    library: pathList(setting('library', d, 'LIBRARY'), /:/),
    becomePasswordFile: optionalPath(setting('become_password_file', d, 'BECOME_PASSWORD_FILE')),
    connectionPasswordFile: optionalPath(setting('connection_password_file', d, 'CONNECTION_PASSWORD_FILE')),
    collectionsPath: collectionsPath === undefined ? undefined : pathList(collectionsPath, /:/),
    plugins: {
      filter: pathList(setting('filter_plugins', d, 'FILTER_PLUGINS') ?? '~/.ansible/plugins/filter:/usr/share/ansible/plugins/filter', /:/),
      test: pathList(setting('test_plugins', d, 'TEST_PLUGINS') ?? '~/.ansible/plugins/test:/usr/share/ansible/plugins/test', /:/),
      lookup: pathList(setting('lookup_plugins', d, 'LOOKUP_PLUGINS') ?? '~/.ansible/plugins/lookup:/usr/share/ansible/plugins/lookup', /:/),
    },
    remoteUser: setting('remote_user', d, 'REMOTE_USER'),
    hostKeyChecking: bool(setting('host_key_checking', d, 'HOST_KEY_CHECKING'), 'host_key_checking', src),
    timeout: int(setting('timeout', d, 'TIMEOUT'), 'timeout', src),
    privateKeyFile: optionalPath(keyFile),
    become: bool(setting('become', priv, 'BECOME'), 'become', src),
    becomeMethod: setting('become_method', priv, 'BECOME_METHOD'),
    becomeUser: setting('become_user', priv, 'BECOME_USER'),
    becomeExe: setting('become_exe', priv, 'BECOME_EXE'),
    becomeFlags: setting('become_flags', priv, 'BECOME_FLAGS'),
    sshArgs: setting('ssh_args', ssh, 'SSH_ARGS'),
    sshRetries: int(env.KPLAY_SSH_RETRIES ?? env.ANSIBLE_SSH_RETRIES ?? ssh.retries ?? raw.connection?.retries, 'retries', src),
    sftpExtraArgs: setting('sftp_extra_args', ssh, 'SFTP_EXTRA_ARGS'),
    scpExtraArgs: setting('scp_extra_args', ssh, 'SCP_EXTRA_ARGS'),
    localhostWarning: bool(setting('localhost_warning', d, 'LOCALHOST_WARNING'), 'localhost_warning', src),
    groupNames: groupNamesOf(setting('force_valid_group_names', d, 'TRANSFORM_INVALID_GROUP_CHARS'), src),
    gathering: gatheringOf(setting('gathering', d, 'GATHERING'), src),
    anyErrorsFatal: bool(setting('any_errors_fatal', d, 'ANY_ERRORS_FATAL'), 'any_errors_fatal', src),
    forceHandlers: bool(setting('force_handlers', d, 'FORCE_HANDLERS'), 'force_handlers', src),
    vaultPasswordFile: optionalPath(setting('vault_password_file', d, 'VAULT_PASSWORD_FILE')),
    vaultIdentityList: (setting('vault_identity_list', d, 'VAULT_IDENTITY_LIST') ?? '').split(',').map((v) => v.trim()).filter(Boolean),
    vaultIdentity: setting('vault_identity', d, 'VAULT_IDENTITY') || 'default',
    // (Ansible 2.14 declares no type for it: any value but an empty one, `false` too, turns matching on)
    vaultIdMatch: Boolean(setting('vault_id_match', d, 'VAULT_ID_MATCH')),
    taskTimeout: int(setting('task_timeout', d, 'TASK_TIMEOUT'), 'task_timeout', src),
    pollInterval: int(setting('poll_interval', d, 'POLL_INTERVAL'), 'poll_interval', src),
    unread: unreadSettings(raw, file),
    deprecated: deprecationWarnings === false ? [] : configDeprecations(raw, env),
    deprecationWarnings,
    raw,
  };
}

/** The project root: the nearest ancestor of `start` holding `roles/` or `kplay.cfg`. */
export function findProjectRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(resolve(dir, 'roles')) || existsSync(resolve(dir, 'kplay.cfg'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
