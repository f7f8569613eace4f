// The option values a run takes from the command line and kplay.cfg, checked once for `kplay` and
// `kplay adhoc` alike (a bad -f, -c or -T is a usage error before any host is contacted).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { secretFromFile } from './secret-file.js';
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
  const empty = `Empty password was provided from file (${file})`;
  if (file === '-') {
    const text = stdin().toString('utf8').replace(/^[\r\n]+|[\r\n]+$/g, '');
    if (text === '') throw new UserError(empty);
    return text;
  }
  return secretFromFile(file, {
    missing: `The password file ${file} was not found`,
    notRun: (why) => `Problem occured when trying to run the password script ${file} (${why}). If this is not a script, remove the executable bit from the file.`,
    failed: (rc, stderr) => `The password script ${file} returned an error (rc=${rc}): ${stderr}`,
    unreadable: (why) => `Could not read password file ${file}: ${why}`,
    empty: () => empty,
  }).toString('utf8');
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

// ssh (and sftp/scp) arguments from the command line or kplay.cfg, refused before any host is touched when
// kplay cannot honour one
function checked(args: string | undefined, check: (args: string | undefined) => void): string | undefined {
  try {
    check(args);
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
  // sftp's and scp's arguments are only checked: kplay copies over its own session (a host's own variables
  // are checked when it connects)
  for (const tool of ['sftp', 'scp'] as const) {
    const flag = opts[`${tool}ExtraArgs`];
    const from = typeof flag === 'string' ? `--${tool}-extra-args` : `${config.file ?? 'the configuration'}: ${tool}_extra_args`;
    checked(typeof flag === 'string' ? flag : config[`${tool}ExtraArgs`], (a) => checkTransferArgs(a, from, tool));
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
    retries: config.sshRetries,
    sshArgs: checked(config.sshArgs, (a) => sshOptions(a, `${config.file ?? 'the configuration'}: ssh_args`)),
    commonArgs: checked(typeof opts.sshCommonArgs === 'string' ? opts.sshCommonArgs : undefined, (a) => sshOptions(a, '--ssh-common-args')),
    extraArgs: checked(typeof opts.sshExtraArgs === 'string' ? opts.sshExtraArgs : undefined, (a) => sshOptions(a, '--ssh-extra-args')),
  };
}
