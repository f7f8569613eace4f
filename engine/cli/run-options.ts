// The option values a run takes from the command line and kplay.cfg, checked once for `kplay` and
// `kplay adhoc` alike (a bad -f, -c or -T is a usage error before any host is contacted).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { SshDefaults } from '../run/connections.js';
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

/** SSH settings from the command line and kplay.cfg (host variables override them per host). */
export function sshDefaults(opts: ParsedArgs['opts'], config: Setup['config'], io: CliIO): SshDefaults {
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
    privateKeyFile: typeof opts.privateKey === 'string' ? resolve(io.cwd, opts.privateKey) : config.privateKeyFile,
    keyPassphrase,
    hostKeyChecking: config.hostKeyChecking,
    acceptNewHostKeys: opts.acceptNewHostKeys === true,
    timeoutS: timeout,
    commonArgs: [config.sshArgs, typeof opts.sshCommonArgs === 'string' ? opts.sshCommonArgs : undefined].filter(Boolean).join(' ') || undefined,
    home: io.env.HOME,
  };
}
