// The ssh command-line arguments operators put in ansible_ssh_common_args, ansible_ssh_extra_args,
// --ssh-common-args, --ssh-extra-args and ssh_args, read for what kplay's own SSH client does with them.
// kplay runs no ssh program, so an argument it cannot honour is refused by name, never dropped.
import { shlexSplit } from '../inventory/shlex.js';
import { ALGORITHM_OPTIONS, algorithmList } from '../transport/algorithms.js';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { localUser } from '../transport/ssh-config.js';

// -o options kplay's client follows (read where the connection is set up; ProxyCommand is run as OpenSSH runs it)
const HONOURED = new Set(['hostkeyalias', 'identityagent', 'identitiesonly', 'pubkeyauthentication', 'passwordauthentication', 'preferredauthentications', 'kbdinteractiveauthentication', 'challengeresponseauthentication', 'batchmode', 'userknownhostsfile', 'globalknownhostsfile', 'hashknownhosts', 'serveraliveinterval', 'serveralivecountmax', 'stricthostkeychecking', 'proxyjump', 'proxycommand', 'port', 'user', 'identityfile', 'connecttimeout', 'forwardagent', 'hostname', 'connectionattempts', ...Object.keys(ALGORITHM_OPTIONS)]);

/** An ssh time value as OpenSSH reads it (ConnectTimeout, ServerAliveInterval): seconds, or numbers with s, m, h, d or w after them. */
export const SSH_TIME = /^(\d+|(\d+[smhdw])+)$/i;
const TIME: [RegExp, string] = [SSH_TIME, 'a time (seconds, or numbers followed by s, m, h, d or w)'];
const YES_NO: [RegExp, string] = [/^(yes|no|true|false)$/i, 'yes or no'];

/** An ssh yes/no option's value is yes (OpenSSH takes true for yes); unset is no. */
export const sshYes = (v: string | undefined): boolean => v !== undefined && /^(yes|true)$/i.test(v);

/** An ssh yes/no option's value is no (false for no); unset is not no. */
export const sshNo = (v: string | undefined): boolean => v !== undefined && /^(no|false)$/i.test(v);

// the options whose value OpenSSH checks when it reads the command line: kplay refuses a bad one in its words
const CHECKED: Record<string, [RegExp, string]> = {
  port: [/^([1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d\d|655[0-2]\d|6553[0-5])$/, 'a port (1 to 65535)'],
  connecttimeout: TIME,
  connectionattempts: [/^[1-9]\d{0,5}$/, 'a number of attempts (1 or more)'],
  hashknownhosts: YES_NO,
  identitiesonly: YES_NO,
  passwordauthentication: YES_NO,
  kbdinteractiveauthentication: YES_NO,
  batchmode: YES_NO,
  challengeresponseauthentication: YES_NO,
  pubkeyauthentication: [/^(yes|no|true|false|unbound|host-bound)$/i, 'yes, no, unbound or host-bound'],
  serveraliveinterval: TIME,
  serveralivecountmax: [/^\d{1,6}$/, 'a number'],
  // yes, no, or the agent's socket: a path or an environment variable ($SSH_AUTH_SOCK)
  forwardagent: [/^(yes|no|true|false|\$\w+|[~/].*)$/i, 'yes, no, an agent socket path or $VARIABLE'],
};

// -o options that change nothing kplay does: it keeps one session per host for the run (no ssh
// multiplexing), prints none of ssh's messages, and tries the configured keys, then the agent, then a
// password, then keyboard-interactive (GSSAPI it has not); TCP keepalives are the system's
const NO_EFFECT = new Set([
  'controlmaster',
  'controlpersist',
  'controlpath',
  'compression',
  'tcpkeepalive',
  'loglevel',
  'gssapiauthentication',
  'gssapidelegatecredentials',
  'requesttty',
]);

// the keys kplay's client offers: it has every key it was given signed as the server asks, which is
// what a +list adds to OpenSSH's default; a list that leaves algorithms out cannot be honoured
const KEY_LISTS = new Set(['pubkeyacceptedalgorithms', 'pubkeyacceptedkeytypes']);

// the ssh flags that set one of the options kplay follows (the value attached or the next word)
const FLAG_OPTIONS: Record<string, string> = { '-p': 'port', '-i': 'identityfile', '-l': 'user', '-J': '__jump', '-F': '__configfile' };

// single-letter flags without a value that change nothing kplay does (compression, quiet, verbose,
// tty allocation, stdin from /dev/null, no X11 forwarding); -A and -a turn agent forwarding on and off
const NO_EFFECT_FLAGS = /^-[CqvTtnxAa]+$/;

/**
 * The options kplay reads from ssh arguments: -o options by lower-case name, `__jump`/`__configfile`
 * for -J and -F, and `__agentflag` for the last of -A and -a. `identityfile` holds every file given, one per line (OpenSSH tries them all, in order).
 */
export type SshOptions = Record<string, string>;

/** The agent socket to forward to the host (ForwardAgent yes, a path or $VARIABLE; -A), or undefined. */
export function forwardedAgent(value: string | undefined, env: Record<string, string | undefined>, home: string): string | undefined {
  const v = value?.trim();
  if (v === undefined || sshNo(v)) return undefined;
  if (sshYes(v)) return env.SSH_AUTH_SOCK || undefined;
  if (v.startsWith('$')) return env[v.slice(1)] || undefined;
  return v.replace(/^~(?=\/)/, home);
}

/** What OpenSSH's % tokens stand for on one connection (the tokens its path options take). */
export interface SshTokenValues {
  /** %h: the host connected to (after HostName). */
  host: string;
  /** %n and %k: the name as given. */
  alias: string;
  port: number;
  /** %r: the remote user. */
  user: string;
  /** %d and ~: the local user's home. */
  home: string;
  /** %u: the local user. */
  localUser?: string;
}

/**
 * A path option (IdentityFile, UserKnownHostsFile, IdentityAgent) as ssh expands it: ~, then
 * ${VARIABLE} (one that is not set is an error, as ssh stops there), then the tokens %%, %C, %d, %h, %i,
 * %k, %L, %l, %n, %p, %r and %u. `option` names it in the error.
 */
export function expandSshPath(value: string, option: string, t: SshTokenValues, env: Record<string, string | undefined>): string {
  const local = hostname();
  const user = t.localUser ?? localUser();
  const tokens: Record<string, () => string> = {
    '%': () => '%',
    C: () => createHash('sha1').update(`${local}${t.host}${t.port}${t.user}`).digest('hex'),
    d: () => t.home,
    h: () => t.host,
    i: () => String(process.getuid?.() ?? ''),
    k: () => t.alias,
    L: () => local.split('.')[0] ?? local,
    l: () => local,
    n: () => t.alias,
    p: () => String(t.port),
    r: () => t.user,
    u: () => user,
  };
  return value
    .replace(/^~(?=\/|$)/, t.home)
    .replace(/\$\{(\w+)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) throw new Error(`${option} ${value}: the environment variable ${name} is not set (ssh stops there)`);
      return v;
    })
    .replace(/%(.)/g, (_m, c: string) => {
      const f = tokens[c];
      if (!f) throw new Error(`${option} ${value}: %${c} is not a token ssh knows there (it takes %%, %C, %d, %h, %i, %k, %L, %l, %n, %p, %r and %u)`);
      return f();
    });
}

/**
 * The agent socket ssh uses (IdentityAgent, else SSH_AUTH_SOCK): `none` is no agent, `SSH_AUTH_SOCK`
 * the variable's socket, `$VARIABLE` another variable's; a path is expanded as ssh expands it.
 */
export function identityAgent(value: string | undefined, env: Record<string, string | undefined>, t: SshTokenValues): string | undefined {
  const v = value?.trim();
  if (v === undefined || v === 'SSH_AUTH_SOCK') return env.SSH_AUTH_SOCK || undefined;
  if (v.toLowerCase() === 'none') return undefined;
  if (/^\$\w+$/.test(v)) return env[v.slice(1)] || undefined;
  return expandSshPath(v, 'IdentityAgent', t, env);
}

/** An identity file ssh arguments name; `ifExists` for -i's, which ssh drops (with a warning) when the file is not there. */
export interface IdentityFileArg {
  path: string;
  ifExists: boolean;
}

// (-i's files are kept with this mark before them: a path holds no NUL)
const FLAG_MARK = '\0';

/** The identity files of `o`, in the order ssh tries them. */
export function identityFiles(o: SshOptions): IdentityFileArg[] {
  return o.identityfile === undefined ? [] : o.identityfile.split('\n').map((f) => (f.startsWith(FLAG_MARK) ? { path: f.slice(1), ifExists: true } : { path: f, ifExists: false }));
}

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
  const follow = (name: string, shown: string, value: string): void => {
    const check = CHECKED[name];
    if (check && !check[0].test(value)) throw new Error(`${from}: ${shown} '${value}' is not ${check[1]}`);
    const kind = ALGORITHM_OPTIONS[name];
    if (kind) {
      try {
        algorithmList(kind, value, shown);
      } catch (e) {
        throw new Error(`${from}: ${(e as Error).message}`);
      }
    }
    put(out, name, value);
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const flag = FLAG_OPTIONS[w.slice(0, 2)];
    if (flag) {
      const value = w.length > 2 ? w.slice(2) : (words[++i] ?? refuse(`${w} without a value`));
      follow(flag, w.slice(0, 2), flag === 'identityfile' ? FLAG_MARK + value : value);
      continue;
    }
    if (w !== '-o' && !w.startsWith('-o')) {
      // (ssh sets agent forwarding from -A and -a whatever came before, the last of them counting)
      const agentFlag = NO_EFFECT_FLAGS.test(w) ? /[Aa](?=[^Aa]*$)/.exec(w)?.[0] : undefined;
      if (agentFlag) put(out, '__agentflag', agentFlag === 'A' ? 'yes' : 'no');
      if (NO_EFFECT_FLAGS.test(w)) continue;
      refuse(w.startsWith('-') ? `the ssh flag ${w}` : `'${w}' (not an ssh option)`, 'give ssh options as -o Name=value');
    }
    const opt = w === '-o' ? words[++i] : w.slice(2);
    const m = opt === undefined ? null : /^(\w+)\s*=?\s*(.*)$/.exec(opt);
    if (!m) return refuse(`-o ${opt ?? ''}`.trim());
    const name = (m[1] as string).toLowerCase();
    if (HONOURED.has(name)) follow(name, `-o ${m[1] as string}`, m[2] as string);
    else if (KEY_LISTS.has(name) && !(m[2] as string).startsWith('+')) refuse(`-o ${opt}`, "kplay's client offers every key it is given, so only a list that adds to the default (+name,…) can be honoured");
    else if (KEY_LISTS.has(name)) {
      // (its names checked as OpenSSH checks them: key types, as HostKeyAlgorithms names them)
      try {
        algorithmList('serverHostKey', m[2] as string, `-o ${m[1] as string}`);
      } catch (e) {
        throw new Error(`${from}: ${(e as Error).message.replace('a host key algorithm', 'a key algorithm').replace('HostKeyAlgorithms lists', 'PubkeyAcceptedAlgorithms lists')}`);
      }
    }
    else if (!NO_EFFECT.has(name) && !KEY_LISTS.has(name)) refuse(`the ssh option ${m[1] as string}`);
  }
  return out;
}

// the options that choose how the connection is made: the first one given decides
const PROXY = ['proxyjump', '__jump', 'proxycommand'];

// sets an option as OpenSSH does: its first value counts, and the first way through a proxy; every
// identity file is kept
function put(out: SshOptions, key: string, value: string): void {
  // (-A and -a set agent forwarding over what came before them: the last one counts)
  if (key === '__agentflag') {
    out[key] = value;
    return;
  }
  if (key === 'identityfile' && out[key] !== undefined) {
    out[key] += `\n${value}`;
    return;
  }
  if (out[key] !== undefined || (PROXY.includes(key) && PROXY.some((k) => out[k] !== undefined))) return;
  out[key] = value;
}

/** Several sources' options on one ssh command line, in its order: an option's first value counts (and the first way through a proxy). */
export function firstOptions(...sources: SshOptions[]): SshOptions {
  const out: SshOptions = {};
  for (const src of sources) for (const [k, v] of Object.entries(src)) put(out, k, v);
  return out;
}

/**
 * Checks the arguments Ansible would give sftp or scp when it copies a file (--sftp-extra-args,
 * ansible_scp_extra_args…). kplay copies over its own SSH session, so only arguments that would change
 * nothing are taken: compression, quiet and verbose flags, and -o options of that kind.
 */
export function checkTransferArgs(args: string | undefined, from: string, tool: 'sftp' | 'scp'): void {
  const words = args ? shlexSplit(args, false) : [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (/^-[Cqv]+$/.test(w)) continue;
    const opt = w === '-o' ? words[++i] : w.startsWith('-o') ? w.slice(2) : undefined;
    const name = opt === undefined ? undefined : /^(\w+)/.exec(opt)?.[1];
    if (name !== undefined && NO_EFFECT.has(name.toLowerCase())) continue;
    throw new Error(`${from}: ${opt === undefined ? `'${w}'` : `-o ${opt}`} is not supported by kplay: it copies files over its own SSH session, not with ${tool}`);
  }
}
