// Connection settings from a host's variables, with Ansible's aliases: when several aliases are set,
// the one listed last in the plugin's documentation wins (ansible_ssh_host beats ansible_host).
import { UserError } from '../errors.js';
import { parseBool, toBool } from '../template/helpers.js';

/** For each setting, its variable names in Ansible's order (last defined wins). */
export const CONNECTION_ALIASES = {
  host: ['inventory_hostname', 'ansible_host', 'ansible_ssh_host'],
  port: ['ansible_port', 'ansible_ssh_port'],
  user: ['ansible_user', 'ansible_ssh_user'],
  password: ['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password'],
  privateKeyFile: ['ansible_private_key_file', 'ansible_ssh_private_key_file'],
  hostKeyChecking: ['ansible_host_key_checking', 'ansible_ssh_host_key_checking'],
  commonArgs: ['ansible_ssh_common_args'],
  extraArgs: ['ansible_ssh_extra_args'],
  sshArgs: ['ansible_ssh_args'],
  sftpExtraArgs: ['ansible_sftp_extra_args'],
  scpExtraArgs: ['ansible_scp_extra_args'],
  timeout: ['ansible_timeout', 'ansible_ssh_timeout'],
  retries: ['ansible_ssh_retries'],
  connection: ['ansible_connection'],
  become: ['ansible_become'],
  becomeMethod: ['ansible_become_method'],
  becomeUser: ['ansible_become_user', 'ansible_sudo_user', 'ansible_su_user'],
  becomePassword: ['ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass', 'ansible_su_pass'],
  becomeExe: ['ansible_become_exe'],
  becomeFlags: ['ansible_become_flags'],
  // kplay's own: false keeps the host on plain shell commands instead of the resident perl helper
  helper: ['kplay_helper'],
} as const;

/** How to reach and act on a host, resolved from its variables. */
export interface ConnectionSettings {
  host: string;
  port: number | undefined;
  user: string | undefined;
  password: string | undefined;
  privateKeyFile: string | undefined;
  hostKeyChecking: boolean | undefined;
  commonArgs: string | undefined;
  extraArgs: string | undefined;
  /** ansible_ssh_args: replaces the configuration's ssh_args for this host. */
  sshArgs: string | undefined;
  /** The arguments Ansible gives sftp and scp when it copies files (kplay copies over its own session). */
  sftpExtraArgs: string | undefined;
  scpExtraArgs: string | undefined;
  timeout: number | undefined;
  /** ansible_ssh_retries: connections tried again after a failure. */
  retries: number | undefined;
  connection: string | undefined;
  become: boolean | undefined;
  becomeMethod: string | undefined;
  becomeUser: string | undefined;
  becomePassword: string | undefined;
  becomeExe: string | undefined;
  becomeFlags: string | undefined;
  helper: boolean | undefined;
}

type Getter = (name: string) => unknown;

function pick(get: Getter, has: (n: string) => boolean, names: readonly string[]): unknown {
  let value: unknown;
  for (const n of names) if (has(n)) value = get(n);
  return value;
}

function optString(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

function optNumber(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(String(v));
  if (!Number.isInteger(n) || n < 0) {
    throw new UserError(`${what} must be a whole number, got ${JSON.stringify(v)}`, { kind: 'parse', hint: `set ${what} to a number such as 22` });
  }
  return n;
}

function optBool(v: unknown, what: string): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const b = parseBool(v);
  if (b === null) throw new UserError(`${what} must be true or false, got ${JSON.stringify(v)}`, { kind: 'parse', hint: `set ${what} to true or false` });
  return b;
}

/** Resolves connection settings for one host from its (lazily templated) variables. */
export function connectionSettings(get: Getter, has: (n: string) => boolean): ConnectionSettings {
  const p = (names: readonly string[]): unknown => pick(get, has, names);
  const hk = p(CONNECTION_ALIASES.hostKeyChecking);
  const become = p(CONNECTION_ALIASES.become);
  const helper = p(CONNECTION_ALIASES.helper);
  return {
    host: String(p(CONNECTION_ALIASES.host)),
    port: optNumber(p(CONNECTION_ALIASES.port), 'ansible_port'),
    user: optString(p(CONNECTION_ALIASES.user)),
    password: optString(p(CONNECTION_ALIASES.password)),
    privateKeyFile: optString(p(CONNECTION_ALIASES.privateKeyFile)),
    hostKeyChecking: hk === undefined ? undefined : toBool(hk) === true,
    commonArgs: optString(p(CONNECTION_ALIASES.commonArgs)),
    extraArgs: optString(p(CONNECTION_ALIASES.extraArgs)),
    sshArgs: optString(p(CONNECTION_ALIASES.sshArgs)),
    sftpExtraArgs: optString(p(CONNECTION_ALIASES.sftpExtraArgs)),
    scpExtraArgs: optString(p(CONNECTION_ALIASES.scpExtraArgs)),
    timeout: optNumber(p(CONNECTION_ALIASES.timeout), 'ansible_timeout'),
    retries: optNumber(p(CONNECTION_ALIASES.retries), 'ansible_ssh_retries'),
    connection: optString(p(CONNECTION_ALIASES.connection)),
    become: become === undefined ? undefined : toBool(become) === true,
    becomeMethod: optString(p(CONNECTION_ALIASES.becomeMethod)),
    becomeUser: optString(p(CONNECTION_ALIASES.becomeUser)),
    becomePassword: optString(p(CONNECTION_ALIASES.becomePassword)),
    becomeExe: optString(p(CONNECTION_ALIASES.becomeExe)),
    becomeFlags: optString(p(CONNECTION_ALIASES.becomeFlags)),
    helper: optBool(helper, 'kplay_helper'),
  };
}
