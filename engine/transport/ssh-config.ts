// ~/.ssh/config as OpenSSH reads it, for what kplay uses: Host blocks (patterns with * ? and !),
// HostName, User, Port, IdentityFile, ProxyJump, ProxyCommand, UserKnownHostsFile, GlobalKnownHostsFile,
// HashKnownHosts, StrictHostKeyChecking, ForwardAgent, ConnectionAttempts, Ciphers, MACs, KexAlgorithms,
// HostKeyAlgorithms, ServerAliveInterval, ServerAliveCountMax, IdentityAgent.
// For each keyword the first value found wins (of ProxyJump and ProxyCommand, the first found). Include
// and Match are followed; the system's /etc/ssh/ssh_config is read after the user's file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { homedir, hostname, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { matchesPatternList } from './ssh-pattern.js';

/** The settings of ~/.ssh/config that apply to one host alias. */
export interface SshConfigEntry {
  hostname?: string;
  user?: string;
  port?: number;
  /** Every IdentityFile that applies, in order (OpenSSH tries them all). */
  identityfiles?: string[];
  proxyjump?: string;
  proxycommand?: string;
  userknownhostsfile?: string;
  globalknownhostsfile?: string;
  hostkeyalias?: string;
  hashknownhosts?: string;
  identityagent?: string;
  serveraliveinterval?: string;
  serveralivecountmax?: string;
  stricthostkeychecking?: string;
  forwardagent?: string;
  connectionattempts?: string;
  /** Ciphers, MACs, KexAlgorithms and HostKeyAlgorithms as written (checked where the connection is set up). */
  ciphers?: string;
  macs?: string;
  kexalgorithms?: string;
  hostkeyalgorithms?: string;
  /** IdentitiesOnly and the authentication methods' switches (PubkeyAuthentication, PasswordAuthentication, KbdInteractiveAuthentication or its old name, PreferredAuthentications) as written. */
  identitiesonly?: string;
  preferredauthentications?: string;
  kbdinteractiveauthentication?: string;
  challengeresponseauthentication?: string;
  batchmode?: string;
  pubkeyauthentication?: string;
  passwordauthentication?: string;
}

// the keywords kplay takes as written (the connection reads and checks them)
const TEXT_KEYWORDS = ['userknownhostsfile', 'hostkeyalias', 'globalknownhostsfile', 'hashknownhosts', 'stricthostkeychecking', 'forwardagent', 'ciphers', 'macs', 'kexalgorithms', 'hostkeyalgorithms', 'serveraliveinterval', 'serveralivecountmax', 'identityagent', 'identitiesonly', 'pubkeyauthentication', 'passwordauthentication', 'preferredauthentications', 'kbdinteractiveauthentication', 'challengeresponseauthentication', 'batchmode'] as const;

// the files an Include pattern names (* and ? in any part of the path), sorted as glob(3) sorts them
function globFiles(pattern: string): string[] {
  let paths = ['/'];
  for (const part of pattern.split('/').filter(Boolean)) {
    if (!/[*?[]/.test(part)) {
      paths = paths.map((p) => join(p, part));
      continue;
    }
    const re = new RegExp(`^${part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
    paths = paths.flatMap((dir) => {
      try {
        return readdirSync(dir).filter((n) => re.test(n) && (part.startsWith('.') || !n.startsWith('.'))).sort().map((n) => join(dir, n));
      } catch {
        return [];
      }
    });
  }
  return paths.filter((p) => existsSync(p) && statSync(p).isFile());
}

/** What a Match block is judged by: the names and user as the configuration has set them so far, as ssh judges it. */
interface MatchState {
  /** The name given (Host patterns and Match originalhost). */
  alias: string;
  /** The HostName set so far (%h replaced), else the alias: Match host. */
  host: string;
  /** The user set so far, else the local user: Match user. */
  user: string;
  port: number;
  /** The second pass ssh makes when a Match final or canonical is in the files. */
  final: boolean;
}

type Cond = (m: MatchState) => boolean;

/** The local user as ssh names it (the password database's, not $USER): the default remote user, Match localuser, %u. */
export const localUser = (): string => {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? '';
  }
};

/** The local user's home as ssh knows it: the password database's, not $HOME (which ssh does not read). */
export const localHome = (): string => {
  try {
    return userInfo().homedir || homedir();
  } catch {
    return homedir();
  }
};

/** One config file to read: a user's (~/.ssh/config, -F) or the system's (/etc/ssh/ssh_config), which differ in where a relative Include looks. */
export interface SshConfigFile {
  path: string;
  system?: boolean;
}

/**
 * Parsed ssh config files, read in order (the user's, then the system's, as OpenSSH reads them; the
 * first value of a keyword wins). `Include` is followed: relative paths are under ~/.ssh for a user's
 * file and /etc/ssh for the system's, patterns are expanded, and what an included file says applies
 * only where the Host block that includes it applies.
 */
export class SshConfig {
  // each block applies where every one of its conditions holds (its own and its includers')
  private readonly blocks: { conds: Cond[]; options: [string, string][] }[] = [];
  // a Match final or canonical makes ssh read the files twice, the second time with them matching
  private finalPass = false;
  private readonly execs = new Map<string, boolean>();

  constructor(
    files: string | SshConfigFile[],
    private readonly home = localHome(),
  ) {
    for (const f of typeof files === 'string' ? [{ path: files }] : files) this.read(f.path, [], f.system === true, 0);
  }

  private read(path: string, conds: Cond[], system: boolean, depth: number): void {
    const home = this.home;
    if (!existsSync(path)) return;
    let current = { conds, options: [] as [string, string][] };
    this.blocks.push(current);
    const lines = readFileSync(path, 'utf8').split('\n');
    for (const [i, raw] of lines.entries()) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const m = /^(\S+?)\s*(?:=\s*|\s+)(.*)$/.exec(line);
      if (!m) continue;
      const key = (m[1] as string).toLowerCase();
      const value = (m[2] as string).replace(/^"(.*)"$/, '$1');
      if (key === 'host') {
        const patterns = value.split(/\s+/);
        current = { conds: [...conds, (m) => matchesPatternList(patterns, m.alias, true)], options: [] };
        this.blocks.push(current);
      } else if (key === 'match') {
        current = { conds: [...conds, this.match(m[2] as string, `${path}:${i + 1}`)], options: [] };
        this.blocks.push(current);
      } else if (key === 'include') {
        // (OpenSSH stops at 16 levels: "Too many recursive configuration includes")
        if (depth >= 16) throw new Error(`${path}: Include nested more than 16 deep`);
        for (const word of (m[2] as string).split(/\s+/).filter(Boolean)) {
          const pattern = word.replace(/^"(.*)"$/, '$1').replace(/^~(?=\/)/, home);
          for (const file of globFiles(isAbsolute(pattern) ? pattern : join(system ? '/etc/ssh' : join(home, '.ssh'), pattern))) this.read(file, current.conds, system, depth + 1);
        }
        // (after the included files, the including block goes on)
        current = { conds: current.conds, options: [] };
        this.blocks.push(current);
      } else current.options.push([key, value]);
    }
  }

  // a Match line's criteria (all, final, canonical, host, originalhost, user, localuser, exec; each may
  // be negated with !), all of which must hold; another criterion is refused, naming the line
  private match(args: string, where: string): Cond {
    const words = [...args.matchAll(/"([^"]*)"|(\S+)/g)].map((w) => (w[1] ?? w[2]) as string);
    const conds: Cond[] = [];
    for (let i = 0; i < words.length; i++) {
      const word = words[i] as string;
      const negated = word.startsWith('!');
      const name = word.slice(negated ? 1 : 0).toLowerCase();
      let cond: Cond;
      if (name === 'all') cond = () => true;
      else if (name === 'final' || name === 'canonical') {
        this.finalPass = true;
        cond = (m) => m.final;
      } else if (['host', 'originalhost', 'user', 'localuser', 'exec'].includes(name)) {
        const arg = words[++i];
        if (arg === undefined) throw new Error(`${where}: Match ${name} needs an argument`);
        const patterns = arg.split(',');
        cond =
          name === 'exec'
            ? (m) => this.exec(arg, m)
            : name === 'user' || name === 'localuser'
              ? (m) => matchesPatternList(patterns, name === 'user' ? m.user : localUser(), false)
              : (m) => matchesPatternList(patterns, name === 'host' ? m.host : m.alias, true);
      } else throw new Error(`${where}: Match ${name} is not supported by kplay (it follows all, final, canonical, host, originalhost, user, localuser and exec)`);
      conds.push(negated ? (m) => !cond(m) : cond);
    }
    return (m) => conds.every((c) => c(m));
  }

  // Match exec: the command run by /bin/sh with ssh's tokens replaced (%l the local host name with its
  // domain, %L without), true when it exits 0 (once a run per command)
  private exec(command: string, m: MatchState): boolean {
    const tokens: Record<string, string> = { '%': '%', h: m.host, n: m.alias, p: String(m.port), r: m.user, u: localUser(), d: this.home, l: hostname(), L: hostname().split('.')[0] ?? '' };
    const line = command.replace(/%([%hnprudlL])/g, (_t, c: string) => tokens[c] as string);
    let ok = this.execs.get(line);
    if (ok === undefined) {
      ok = spawnSync('/bin/sh', ['-c', line], { stdio: 'ignore', timeout: 30_000 }).status === 0;
      this.execs.set(line, ok);
    }
    return ok;
  }

  /**
   * The options for `host`, first value of each keyword winning. `given` is what the command line set
   * before the files are read (its user and HostName), which Match user and host see.
   */
  lookup(host: string, given: { user?: string | undefined; hostname?: string | undefined; port?: number | undefined } = {}): SshConfigEntry {
    const out: Record<string, string> = {};
    const identities: string[] = [];
    // (of ProxyJump and ProxyCommand, the first one found counts, as in OpenSSH)
    let proxy: string | undefined;
    for (const final of this.finalPass ? [false, true] : [false]) {
      for (const b of this.blocks) {
        const hostname = given.hostname ?? out.hostname;
        const state: MatchState = { alias: host, host: hostname === undefined ? host : hostname, user: given.user ?? out.user ?? localUser(), port: given.port ?? Number(out.port ?? 22), final };
        if (!b.conds.every((c) => c(state))) continue;
        for (const [k, v] of b.options) {
          if (k === 'identityfile' && !identities.includes(v)) identities.push(v);
          // (HostName's %h is the name given; the other keywords' tokens are replaced where the connection is
          // set up, when the host, port and user are known)
          if (!(k in out)) out[k] = k === 'hostname' ? v.replace(/%([%h])/g, (_m, c: string) => (c === 'h' ? host : '%')) : v;
          if ((k === 'proxyjump' || k === 'proxycommand') && proxy === undefined) proxy = k;
        }
      }
    }
    const e: SshConfigEntry = {};
    if (out.hostname) e.hostname = out.hostname;
    if (out.user) e.user = out.user;
    if (out.port) e.port = Number(out.port);
    if (identities.length) e.identityfiles = identities;
    if (proxy === 'proxyjump' && out.proxyjump && out.proxyjump.toLowerCase() !== 'none') e.proxyjump = out.proxyjump;
    if (proxy === 'proxycommand' && out.proxycommand && out.proxycommand.toLowerCase() !== 'none') e.proxycommand = out.proxycommand;
    if (out.connectionattempts && /^[1-9]\d*$/.test(out.connectionattempts)) e.connectionattempts = out.connectionattempts;
    for (const k of TEXT_KEYWORDS) if (out[k]) e[k] = out[k];
    return e;
  }
}

/** Splits a ProxyJump hop `[user@]host[:port]`. */
export function parseJump(hop: string): { user?: string; host: string; port?: number } {
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop.trim());
  if (!m) throw new Error(`cannot read the jump host '${hop}' (expected [user@]host[:port])`);
  const out: { user?: string; host: string; port?: number } = { host: (m[2] as string).replace(/^\[|\]$/g, '') };
  if (m[1]) out.user = m[1];
  if (m[3]) out.port = Number(m[3]);
  return out;
}
