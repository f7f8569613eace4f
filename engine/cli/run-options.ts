// The option values a run takes from the command line and kplay.cfg, checked once for `kplay` and
// `kplay adhoc` alike (a bad -f, -c or -T is a usage error before any host is contacted).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { isExecutable } from '../util/executable.js';
import { expandHome } from '../util/home.js';
import type { SshDefaults } from '../run/connections.js';
import { checkTransferArgs, sshOptions } from '../run/ssh-options.js';
import type { BecomeDefaults } from '../runner/play-runner.js';
import type { Setup } from '../run/setup.js';
import type { ParsedArgs } from './args.js';
import type { CliIO } from './io.js';

/** The -f value, checked as ansible-playbook checks it (undefined when not given). */
export function forksOf(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UserError(`argument -f/--forks: invalid int value: '${String(v)}'`, { kind: 'usage' });
  if (n < 1) throw new UserError('The number of processes (--forks) must be >= 1', { kind: 'usage' });
  return n;
}

/** A whole-number flag (-B, -P, --task-timeout), checked as argparse checks it; `min` as kplay checks it. */
export function wholeOf(v: unknown, flag: string, min = 0): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (String(v).trim() === '' || !Number.isInteger(n)) throw new UserError(`argument ${flag}: invalid int value: '${String(v)}'`, { kind: 'usage' });
  if (n < min) throw new UserError(`argument ${flag}: must be ${min} or more, not ${n}`, { kind: 'usage' });
  return n;
}

/** -c, checked: kplay connects with ssh or local. */
export function connectionOf(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (!['local', 'ssh'].includes(String(v))) throw new UserError(`unknown connection type '${String(v)}'`, { kind: 'options', hint: 'use -c local or -c ssh' });
  return String(v);
}

/** The -k and -K answers, asked on the terminal before the run as ansible-playbook asks them. */
export interface Passwords {
  ssh?: string | undefined;
  become?: string | undefined;
}

/**
 * The connection and become passwords: asked on the terminal for -k and -K, else read from
 * --connection-password-file and --become-password-file (or kplay.cfg's connection_password_file and
 * become_password_file), as ansible-playbook takes them. With -k and -K, an empty become answer takes the
 * SSH password. Without a terminal there is no one to ask: a usage error before any host is touched.
 */
export async function askPasswords(opts: ParsedArgs['opts'], ask: ((text: string, echo: boolean) => Promise<string>) | undefined, files: PasswordFiles = {}): Promise<Passwords> {
  if ((opts.askPass || opts.askBecomePass) && !ask) throw new UserError(`${opts.askPass ? '-k' : '-K'} needs a terminal to ask for the password on`, { kind: 'options', hint: 'run kplay on a terminal, or give --connection-password-file / --become-password-file' });
  const out: Passwords = {};
  // ('-' is stdin; a path given on the command line is the current directory's)
  const given = (v: unknown, dflt: string | undefined): string | undefined => (typeof v !== 'string' ? dflt : v === '-' ? v : resolve(files.cwd ?? '.', expandHome(v, files.home)));
  const connFile = given(opts.connectionPasswordFile, files.connection);
  const becomeFile = given(opts.becomePasswordFile, files.become);
  if (opts.askPass && ask) out.ssh = await ask('SSH password', false);
  else if (connFile !== undefined) out.ssh = passwordFromFile(connFile, files.stdin);
  if (opts.askBecomePass && ask) {
    const become = await ask(opts.askPass ? 'BECOME password[defaults to SSH password]' : 'BECOME password', false);
    out.become = become === '' && opts.askPass ? out.ssh : become;
  } else if (becomeFile !== undefined) out.become = passwordFromFile(becomeFile, files.stdin);
  return out;
}

/** Where the password files default from (the config's, already resolved) and what '-' and a relative path read. */
export interface PasswordFiles {
  connection?: string | undefined;
  become?: string | undefined;
  cwd?: string;
  home?: string | undefined;
  stdin?: () => Buffer;
}

/** The config's password files and the command line's directory, for askPasswords. */
export function passwordFiles(config: Setup['config'], io: CliIO): PasswordFiles {
  return { connection: config.connectionPasswordFile, become: config.becomePasswordFile, cwd: io.cwd, home: io.env.HOME };
}

/**
 * A password from a file, as Ansible's CLI reads one: '-' is stdin; an executable file is run and its
 * output taken; any other file is read with surrounding blanks dropped. Missing, failing or empty: an error
 * naming the file (never the password).
 */
export function passwordFromFile(file: string, stdin: () => Buffer = () => readFileSync(0)): string {
  let secret: Buffer;
  if (file === '-') secret = stdin();
  else if (!existsSync(file)) throw new UserError(`The password file ${file} was not found`);
  else if (statSync(file).isFile() && isExecutable(file)) {
    const r = spawnSync(file, [], { encoding: 'buffer', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error) throw new UserError(`Problem occured when trying to run the password script ${file} (${r.error.message}). If this is not a script, remove the executable bit from the file.`);
    if (r.status !== 0) throw new UserError(`The password script ${file} returned an error (rc=${r.status ?? r.signal ?? '?'}): ${r.stderr.toString().trim()}`);
    secret = r.stdout;
  } else {
    try {
      secret = Buffer.from(readFileSync(file).toString('utf8').trim());
    } catch (e) {
      throw new UserError(`Could not read password file ${file}: ${(e as Error).message}`);
    }
  }
  const text = secret.toString('utf8').replace(/^[\r\n]+|[\r\n]+$/g, '');
  if (text === '') throw new UserError(`Empty password was provided from file (${file})`);
  return text;
}

/**
 * -M/--module-path: directories searched for Ansible modules (after the playbook's library/). Each value is split at ':' and put
 * before the earlier ones, as ansible-playbook's option prepends them; `~` and relative paths are resolved.
 */
export function modulePathOf(v: unknown, cwd: string, home: string | undefined): string[] {
  const values = Array.isArray(v) ? v.map(String) : [];
  return values.reduce<string[]>((acc, value) => [...value.split(':').filter((p) => p !== '').map((p) => resolve(cwd, expandHome(p, home))), ...acc], []);
}

/** Become from the command line (-b, --become-user, --become-method) over kplay.cfg's [privilege_escalation]: the keywords and the host's variables override it. */
export function becomeDefaults(opts: ParsedArgs['opts'], config: Setup['config']): BecomeDefaults {
  return {
    become: opts.become === true ? true : config.become,
    user: typeof opts.becomeUser === 'string' ? opts.becomeUser : config.becomeUser,
    method: typeof opts.becomeMethod === 'string' ? opts.becomeMethod : config.becomeMethod,
    exe: config.becomeExe,
    flags: config.becomeFlags,
  };
}

// ssh arguments from the command line or kplay.cfg, refused before any host is touched when kplay cannot honour one
function checkedSshArgs(args: string | undefined, from: string): string | undefined {
  try {
    sshOptions(args, from);
  } catch (e) {
    throw new UserError((e as Error).message, { kind: 'options' });
  }
  return args;
}

function checkedTransferArgs(args: string | undefined, from: string, tool: 'sftp' | 'scp'): string | undefined {
  try {
    checkTransferArgs(args, from, tool);
  } catch (e) {
    throw new UserError((e as Error).message, { kind: 'options' });
  }
  return args;
}

/** SSH settings from the command line and kplay.cfg (host variables override them per host). */
export function sshDefaults(opts: ParsedArgs['opts'], config: Setup['config'], io: CliIO, password?: string): SshDefaults {
  let keyPassphrase: string | undefined;
  if (typeof opts.keyPassphraseFile === 'string') {
    try {
      keyPassphrase = readFileSync(resolve(io.cwd, opts.keyPassphraseFile), 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new UserError(`cannot read --key-passphrase-file: ${(e as Error).message}`, { kind: 'options' });
    }
  }
  const timeout = opts.timeout === undefined ? config.timeout : Number(opts.timeout);
  if (timeout !== undefined && (!Number.isFinite(timeout) || timeout <= 0)) throw new UserError(`argument -T/--timeout: invalid value '${String(opts.timeout)}'`, { kind: 'usage' });
  return {
    user: typeof opts.user === 'string' ? opts.user : config.remoteUser,
    password,
    privateKeyFile: typeof opts.privateKey === 'string' ? resolve(io.cwd, opts.privateKey) : config.privateKeyFile,
    keyPassphrase,
    hostKeyChecking: config.hostKeyChecking,
    acceptNewHostKeys: opts.acceptNewHostKeys === true,
    timeoutS: timeout,
    sshArgs: checkedSshArgs(config.sshArgs, `${config.file ?? 'the configuration'}: ssh_args`),
    commonArgs: checkedSshArgs(typeof opts.sshCommonArgs === 'string' ? opts.sshCommonArgs : undefined, '--ssh-common-args'),
    extraArgs: checkedSshArgs(typeof opts.sshExtraArgs === 'string' ? opts.sshExtraArgs : undefined, '--ssh-extra-args'),
    sftpExtraArgs: checkedTransferArgs(typeof opts.sftpExtraArgs === 'string' ? opts.sftpExtraArgs : config.sftpExtraArgs, typeof opts.sftpExtraArgs === 'string' ? '--sftp-extra-args' : `${config.file ?? 'the configuration'}: sftp_extra_args`, 'sftp'),
    scpExtraArgs: checkedTransferArgs(typeof opts.scpExtraArgs === 'string' ? opts.scpExtraArgs : config.scpExtraArgs, typeof opts.scpExtraArgs === 'string' ? '--scp-extra-args' : `${config.file ?? 'the configuration'}: scp_extra_args`, 'scp'),
    home: io.env.HOME,
  };
}
