// ~/.ssh/config as OpenSSH reads it, for what kplay uses: Host blocks (patterns with * ? and !),
// HostName, User, Port, IdentityFile, ProxyJump, ProxyCommand, UserKnownHostsFile, GlobalKnownHostsFile, StrictHostKeyChecking,
// ForwardAgent, ConnectionAttempts, Ciphers, MACs, KexAlgorithms, HostKeyAlgorithms.
// For each keyword the first value found wins (of ProxyJump and ProxyCommand, the first found).
import { existsSync, readFileSync } from 'node:fs';

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

/** A parsed ssh config file. */
export class SshConfig {
  private readonly blocks: { patterns: string[]; options: [string, string][] }[] = [];

  constructor(path: string) {
    if (!existsSync(path)) return;
    let current = { patterns: ['*'], options: [] as [string, string][] };
    this.blocks.push(current);
    for (const raw of readFileSync(path, 'utf8').split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const m = /^(\S+?)\s*(?:=\s*|\s+)(.*)$/.exec(line);
      if (!m) continue;
      const key = (m[1] as string).toLowerCase();
      const value = (m[2] as string).replace(/^"(.*)"$/, '$1');
      if (key === 'host') {
        current = { patterns: value.split(/\s+/), options: [] };
        this.blocks.push(current);
      } else if (key === 'match') {
        current = { patterns: [], options: [] }; // Match blocks are not supported: ignored
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
      if (!hostMatches(b.patterns, host)) continue;
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
    if (out.stricthostkeychecking) e.stricthostkeychecking = out.stricthostkeychecking;
    if (out.forwardagent) e.forwardagent = out.forwardagent;
    if (out.connectionattempts && /^[1-9]\d*$/.test(out.connectionattempts)) e.connectionattempts = out.connectionattempts;
    for (const k of ['ciphers', 'macs', 'kexalgorithms', 'hostkeyalgorithms'] as const) if (out[k]) e[k] = out[k];
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
