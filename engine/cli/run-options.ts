// The option values a run takes from the command line and kplay.cfg, checked once for `kplay` and
// `kplay adhoc` alike (a bad -f, -c or -T is a usage error before any host is contacted).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { SshDefaults } from '../run/connections.js';
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
 * Asks for the connection (-k) and become (-K) passwords; with both, an empty become answer takes the
 * SSH password. Without a terminal there is no one to ask: a usage error before any host is touched.
 */
export async function askPasswords(opts: ParsedArgs['opts'], ask: ((text: string, echo: boolean) => Promise<string>) | undefined): Promise<Passwords> {
  if (!opts.askPass && !opts.askBecomePass) return {};
  if (!ask) throw new UserError(`${opts.askPass ? '-k' : '-K'} needs a terminal to ask for the password on`, { kind: 'options', hint: 'run kplay on a terminal, or set ansible_password / ansible_become_password in a vars file kept out of the repository' });
  const out: Passwords = {};
  if (opts.askPass) out.ssh = await ask('SSH password', false);
  if (opts.askBecomePass) {
    const become = await ask(opts.askPass ? 'BECOME password[defaults to SSH password]' : 'BECOME password', false);
    out.become = become === '' && opts.askPass ? out.ssh : become;
  }
  return out;
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
    commonArgs: [config.sshArgs, typeof opts.sshCommonArgs === 'string' ? opts.sshCommonArgs : undefined].filter(Boolean).join(' ') || undefined,
    home: io.env.HOME,
  };
}
