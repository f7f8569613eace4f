// ~/.ssh/config as OpenSSH reads it, for what kplay uses: Host blocks (patterns with * ? and !),
// HostName, User, Port, IdentityFile, ProxyJump, ProxyCommand, UserKnownHostsFile, GlobalKnownHostsFile,
// HashKnownHosts, StrictHostKeyChecking, ForwardAgent, ConnectionAttempts, Ciphers, MACs, KexAlgorithms,
// HostKeyAlgorithms, ServerAliveInterval, ServerAliveCountMax, IdentityAgent.
// For each keyword the first value found wins (of ProxyJump and ProxyCommand, the first found). Include
// is followed; the system's /etc/ssh/ssh_config is read after the user's file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

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
}

function matchPattern(pattern: string, host: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(host);
}

function hostMatches(patterns: string[], host: string): boolean {
  let hit = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (matchPattern(p.slice(1), host)) return false;
    } else if (matchPattern(p, host)) hit = true;
  }
  return hit;
}

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
  // each block applies where every one of its pattern lists matches (its own and its includers')
  private readonly blocks: { conds: string[][]; options: [string, string][] }[] = [];

  constructor(files: string | SshConfigFile[], home = homedir()) {
    for (const f of typeof files === 'string' ? [{ path: files }] : files) this.read(f.path, [], f.system === true, home, 0);
  }

  private read(path: string, conds: string[][], system: boolean, home: string, depth: number): void {
    if (!existsSync(path)) return;
    let current = { conds, options: [] as [string, string][] };
    this.blocks.push(current);
    for (const raw of readFileSync(path, 'utf8').split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const m = /^(\S+?)\s*(?:=\s*|\s+)(.*)$/.exec(line);
      if (!m) continue;
      const key = (m[1] as string).toLowerCase();
      const value = (m[2] as string).replace(/^"(.*)"$/, '$1');
      if (key === 'host') {
        current = { conds: [...conds, value.split(/\s+/)], options: [] };
        this.blocks.push(current);
      } else if (key === 'match') {
        current = { conds: [...conds, []], options: [] }; // Match blocks are not supported: ignored
        this.blocks.push(current);
      } else if (key === 'include') {
        // (OpenSSH stops at 16 levels: "Too many recursive configuration includes")
        if (depth >= 16) throw new Error(`${path}: Include nested more than 16 deep`);
        for (const word of (m[2] as string).split(/\s+/).filter(Boolean)) {
          const pattern = word.replace(/^"(.*)"$/, '$1').replace(/^~(?=\/)/, home);
          for (const file of globFiles(isAbsolute(pattern) ? pattern : join(system ? '/etc/ssh' : join(home, '.ssh'), pattern))) this.read(file, current.conds, system, home, depth + 1);
        }
        // (after the included files, the including block goes on)
        current = { conds: current.conds, options: [] };
        this.blocks.push(current);
      } else current.options.push([key, value]);
    }
  }

  /** The options for `host`, first value of each keyword winning. */
  lookup(host: string): SshConfigEntry {
    const out: Record<string, string> = {};
    const identities: string[] = [];
    // (of ProxyJump and ProxyCommand, the first one found counts, as in OpenSSH)
    let proxy: string | undefined;
    for (const b of this.blocks) {
      if (!b.conds.every((c) => hostMatches(c, host))) continue;
      for (const [k, v] of b.options) {
        if (k === 'identityfile' && !identities.includes(v)) identities.push(v);
        // (%h in a ProxyCommand is the host it reaches, replaced when the connection is set up)
        if (!(k in out)) out[k] = k === 'proxycommand' ? v : v.replace(/%h/g, host);
        if ((k === 'proxyjump' || k === 'proxycommand') && proxy === undefined) proxy = k;
      }
    }
    const e: SshConfigEntry = {};
    if (out.hostname) e.hostname = out.hostname;
    if (out.user) e.user = out.user;
    if (out.port) e.port = Number(out.port);
    if (identities.length) e.identityfiles = identities;
    if (proxy === 'proxyjump' && out.proxyjump && out.proxyjump.toLowerCase() !== 'none') e.proxyjump = out.proxyjump;
    if (proxy === 'proxycommand' && out.proxycommand && out.proxycommand.toLowerCase() !== 'none') e.proxycommand = out.proxycommand;
    if (out.userknownhostsfile) e.userknownhostsfile = out.userknownhostsfile;
    if (out.globalknownhostsfile) e.globalknownhostsfile = out.globalknownhostsfile;
    if (out.hashknownhosts) e.hashknownhosts = out.hashknownhosts;
    if (out.stricthostkeychecking) e.stricthostkeychecking = out.stricthostkeychecking;
    if (out.forwardagent) e.forwardagent = out.forwardagent;
    if (out.connectionattempts && /^[1-9]\d*$/.test(out.connectionattempts)) e.connectionattempts = out.connectionattempts;
    for (const k of ['ciphers', 'macs', 'kexalgorithms', 'hostkeyalgorithms', 'serveraliveinterval', 'serveralivecountmax', 'identityagent'] as const) if (out[k]) e[k] = out[k];
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
