// The ssh command-line arguments operators put in ansible_ssh_common_args, ansible_ssh_extra_args,
// --ssh-common-args, --ssh-extra-args and ssh_args, read for what kplay's own SSH client does with them.
// kplay runs no ssh program, so an argument it cannot honour is refused by name, never dropped.
import { shlexSplit } from '../inventory/shlex.js';

// -o options kplay's client follows (read where the connection is set up; ProxyCommand is run as OpenSSH runs it)
const HONOURED = new Set(['userknownhostsfile', 'stricthostkeychecking', 'proxyjump', 'proxycommand']);

// -o options that change nothing kplay does: it keeps one session per host for the run (no ssh
// multiplexing), sends its own keepalives, prints none of ssh's messages, and tries the configured key,
// then the agent, then a password
const NO_EFFECT = new Set([
  'controlmaster',
  'controlpersist',
  'controlpath',
  'compression',
  'serveraliveinterval',
  'serveralivecountmax',
  'tcpkeepalive',
  'loglevel',
  'identitiesonly',
  'pubkeyauthentication',
  'passwordauthentication',
  'kbdinteractiveauthentication',
  'challengeresponseauthentication',
  'preferredauthentications',
  'gssapiauthentication',
  'gssapidelegatecredentials',
  'requesttty',
  'batchmode',
]);

// what to use instead of the options kplay refuses most often
const INSTEAD: Record<string, string> = {
  port: 'set ansible_port',
  user: 'set ansible_user (or -u)',
  identityfile: 'set ansible_ssh_private_key_file (or --private-key)',
  connecttimeout: 'set ansible_timeout (or -T)',
  hostname: 'set ansible_host',
  connectionattempts: 'kplay connects once; remove it',
};

// the ssh flags that set one of the options above
const FLAG_OPTIONS: Record<string, string> = { '-p': 'port', '-i': 'identityfile', '-l': 'user' };

// single-letter flags without a value that change nothing kplay does (compression, quiet, verbose,
// tty allocation, stdin from /dev/null, no agent or X11 forwarding)
const NO_EFFECT_FLAGS = /^-[CqvTtnax]+$/;

/** The options kplay reads from ssh arguments: -o options by lower-case name, and `__jump`/`__configfile` for -J and -F. */
export type SshOptions = Record<string, string>;

/**
 * Reads ssh arguments into the options kplay follows (an option's first value counts, as in OpenSSH);
 * `from` names where they came from. An argument kplay cannot honour is an error naming it and what to
 * use instead.
 */
export function sshOptions(args: string | undefined, from: string): SshOptions {
  const out: SshOptions = {};
  if (!args) return out;
  const words = shlexSplit(args, false);
  const refuse = (what: string, instead?: string): never => {
    throw new Error(`${from}: ${what} is not supported by kplay${instead ? `; ${instead}` : ''}`);
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '-J' || w === '-F') {
      put(out, w === '-J' ? '__jump' : '__configfile', words[++i] ?? refuse(`${w} without a value`));
      continue;
    }
    if (w !== '-o' && !w.startsWith('-o')) {
      if (NO_EFFECT_FLAGS.test(w)) continue;
      const flag = /^-[pil]/.exec(w)?.[0];
      refuse(w.startsWith('-') ? `the ssh flag ${w}` : `'${w}' (not an ssh option)`, flag ? INSTEAD[FLAG_OPTIONS[flag] as string] : 'give ssh options as -o Name=value');
    }
    const opt = w === '-o' ? words[++i] : w.slice(2);
    const m = opt === undefined ? null : /^(\w+)\s*=?\s*(.*)$/.exec(opt);
    if (!m) return refuse(`-o ${opt ?? ''}`.trim());
    const name = (m[1] as string).toLowerCase();
    if (HONOURED.has(name)) put(out, name, m[2] as string);
    else if (!NO_EFFECT.has(name)) refuse(`the ssh option ${m[1] as string}`, INSTEAD[name]);
  }
  return out;
}

// the options that choose how the connection is made: the first one given decides
const PROXY = ['proxyjump', '__jump', 'proxycommand'];

// sets an option as OpenSSH does: its first value counts, and the first way through a proxy
function put(out: SshOptions, key: string, value: string): void {
  if (out[key] !== undefined || (PROXY.includes(key) && PROXY.some((k) => out[k] !== undefined))) return;
  out[key] = value;
}

/** Several sources' options on one ssh command line, in its order: an option's first value counts (and the first way through a proxy). */
export function firstOptions(...sources: SshOptions[]): SshOptions {
  const out: SshOptions = {};
  for (const src of sources) for (const [k, v] of Object.entries(src)) put(out, k, v);
  return out;
}
