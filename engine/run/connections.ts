// Chooses and opens the transport for each host: the local connection for ansible_connection=local,
// -c local and the implicit localhost; SSH otherwise, with settings from the host's variables,
// kplay.cfg and the command line. One transport per host per run; private keys are parsed once.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ParsedKey } from 'ssh2';
import type { Host } from '../inventory/model.js';
import { ALGORITHM_OPTIONS, OPTION_NAME, chooseAlgorithms, type AlgorithmKind, type AlgorithmSpec } from '../transport/algorithms.js';
import { identityPublicKey } from '../transport/identity.js';
import { KnownHosts } from '../transport/known-hosts.js';
import { SshConfig, localHome, localUser, parseJump, type SshConfigEntry, type SshConfigFile } from '../transport/ssh-config.js';
import { LocalTransport } from '../transport/local.js';
import { proxyCommandLine } from '../transport/proxy-command.js';
import { SshTransport, parsePrivateKey, type SshSettings } from '../transport/ssh.js';
import { UnreachableError, type ExecResult, type Transport } from '../transport/types.js';
import type { ConnectionSettings } from '../vars/connection.js';
import { SSH_TIME, checkTransferArgs, expandSshPath, firstOptions, forwardedAgent, identityAgent, identityFiles, sshNo, sshOptions, sshYes, type SshOptions } from './ssh-options.js';

// OpenSSH 9's default identity files that kplay's client can use (not its -sk and XMSS ones), in ssh's order
const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ed25519', 'id_dsa'];

/** Run-wide SSH defaults (kplay.cfg, command line). */
export interface SshDefaults {
  user?: string | undefined;
  /** -k's answer: the password of hosts that set none (ansible_password wins). */
  password?: string | undefined;
  privateKeyFile?: string | undefined;
  keyPassphrase?: string | undefined;
  hostKeyChecking?: boolean | undefined;
  acceptNewHostKeys?: boolean;
  timeoutS?: number | undefined;
  /** kplay.cfg's [ssh_connection] retries (a host's ansible_ssh_retries wins). */
  retries?: number | undefined;
  /** kplay.cfg's ssh_args, --ssh-common-args and --ssh-extra-args (a host's ansible_ssh_common_args and ansible_ssh_extra_args replace the last two). */
  sshArgs?: string | undefined;
  commonArgs?: string | undefined;
  extraArgs?: string | undefined;
  /** The home whose ~/.ssh is read (the password database's, as ssh reads it, when unset). */
  home?: string | undefined;
}

/** A transport that cannot be opened: every command reports the host UNREACHABLE with the reason. */
class BrokenTransport implements Transport {
  constructor(private readonly why: string) {}
  exec(): Promise<ExecResult> {
    return Promise.reject(new UnreachableError(this.why));
  }
  kill(): void {}
  describe(): string {
    return this.why;
  }
  async close(): Promise<void> {}
}

// One parse per file per run (known_hosts, ssh config, private keys).
function cached<V>(map: Map<string, V>, key: string, make: (key: string) => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make(key);
    map.set(key, v);
  }
  return v;
}

// the system's ssh client configuration, read after the user's
const SYSTEM_SSH_CONFIG = '/etc/ssh/ssh_config';

// the options of the target's own ssh command line that its jump host's ssh does not get
const JUMP_OWN = ['hostkeyalias', 'port', 'user', 'identityfile', 'connecttimeout', 'hostname', 'connectionattempts', 'forwardagent', '__agentflag', 'serveraliveinterval', 'serveralivecountmax', ...Object.keys(ALGORITHM_OPTIONS)];

// an ssh time value (ConnectTimeout) in seconds: a number, or numbers with s, m, h, d or w after them
function seconds(v: string): number {
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  let total = 0;
  for (const m of v.matchAll(/(\d+)([smhdw])/gi)) total += Number(m[1]) * (unit[(m[2] as string).toLowerCase()] as number);
  return total;
}

/** Opens transports on demand and closes them all at the end. */
export class Connections {
  private readonly open = new Map<string, Transport>();
  private readonly keys = new Map<string, ParsedKey>();
  private readonly knownHosts = new Map<string, KnownHosts>();
  private readonly sshConfigs = new Map<string, SshConfig>();

  constructor(
    private readonly cliConnection: string | undefined,
    private readonly ssh: SshDefaults = {},
  ) {}

  /** The transport for a host (one per host per run; `own`: another, under that name, for a background job). */
  transportFor(host: Host, settings: ConnectionSettings, own?: string): Transport {
    const key = own === undefined ? host.name : `${host.name}\0${own}`;
    const existing = this.open.get(key);
    if (existing) return existing;
    // Ansible's precedence: the host's ansible_connection (the implicit localhost's is local), then the
    // connection keyword (both in settings), then -c, then ssh
    const kind = settings.connection ?? (host.implicit ? 'local' : (this.cliConnection ?? 'ssh'));
    let t: Transport;
    if (kind === 'local') t = new LocalTransport();
    else if (kind !== 'ssh') t = new BrokenTransport(`connection type '${kind}' is not supported by kplay (use ssh or local)`);
    else {
      try {
        t = this.sshTransport(host, settings);
      } catch (e) {
        t = new BrokenTransport(`cannot connect to ${settings.host}: ${(e as Error).message}`);
      }
    }
    this.open.set(key, t);
    return t;
  }

  /** The local connection to the controller itself (one per run, closed and killed with the others). */
  controller(): Transport {
    const key = '\0controller';
    const existing = this.open.get(key);
    if (existing) return existing;
    const t = new LocalTransport();
    this.open.set(key, t);
    return t;
  }

  private key(path: string): ParsedKey {
    return cached(this.keys, path, (p) => {
      let data: Buffer;
      try {
        data = readFileSync(p);
      } catch (e) {
        throw new Error(`cannot read the identity file ${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
      return parsePrivateKey(data, this.ssh.keyPassphrase, p);
    });
  }

  // the keys to offer, in order: one that cannot be used (missing, encrypted without a passphrase, a
  // public key) is passed over, as ssh passes over it (a `Host *` IdentityFile in ~/.ssh/config must not
  // stop a host whose own key works, and the agent may hold its copy); a default file that is not there
  // is no identity at all
  private identities(paths: string[], defaults: boolean): { keys: ParsedKey[]; passedOver: string[] } {
    const keys: ParsedKey[] = [];
    const passedOver: string[] = [];
    for (const p of paths) {
      if (defaults && !existsSync(p)) continue;
      try {
        keys.push(this.key(p));
      } catch (e) {
        passedOver.push((e as Error).message);
      }
    }
    return { keys, passedOver };
  }

  private sshTransport(host: Host, c: ConnectionSettings): Transport {
    return new SshTransport(this.sshSettings(host.name, c.host, c));
  }

  // Ansible's ssh command line, whose first value of an option counts: ssh_args; then what Ansible adds
  // itself (the inventory's port, key, user, and the timeout); then the common args (the host's, else
  // --ssh-common-args) and the extra args (likewise). ~/.ssh/config (or -F's file) comes after all of them.
  // `via` is a jump host's -J: the hops before it in the target's ProxyJump list
  private sshSettings(name: string, alias: string, c: Partial<ConnectionSettings>, depth = 0, via?: string): SshSettings {
    // (ssh's ~ is the password database's home; Ansible's own key path is expanded with $HOME)
    const home = this.ssh.home ?? localHome();
    const expand = (p: string): string => resolve(p.replace(/^~(?=\/)/, home));
    const own: SshOptions = { connecttimeout: String(c.timeout ?? this.ssh.timeoutS ?? 10) };
    if (c.port !== undefined) own.port = String(c.port);
    const ownKey = c.privateKeyFile ?? (depth === 0 ? this.ssh.privateKeyFile : undefined);
    if (ownKey !== undefined) own.identityfile = ownKey.replace(/^~(?=\/|$)/, process.env.HOME ?? homedir());
    const ownUser = c.user ?? (depth === 0 ? this.ssh.user : undefined);
    if (ownUser !== undefined) own.user = ownUser;
    // (a host's sftp and scp arguments; the command line's and kplay.cfg's were checked before the run)
    if (depth === 0) {
      checkTransferArgs(c.sftpExtraArgs, 'ansible_sftp_extra_args', 'sftp');
      checkTransferArgs(c.scpExtraArgs, 'ansible_scp_extra_args', 'scp');
    }
    const args = firstOptions(
      // (a host's ansible_ssh_args replaces the configuration's ssh_args)
      c.sshArgs !== undefined ? sshOptions(c.sshArgs, 'ansible_ssh_args') : sshOptions(this.ssh.sshArgs, 'ssh_args'),
      own,
      c.commonArgs !== undefined ? sshOptions(c.commonArgs, 'ansible_ssh_common_args') : sshOptions(this.ssh.commonArgs, '--ssh-common-args'),
      c.extraArgs !== undefined ? sshOptions(c.extraArgs, 'ansible_ssh_extra_args') : sshOptions(this.ssh.extraArgs, '--ssh-extra-args'),
    );
    // a jump host is reached by an ssh of its own (OpenSSH's ProxyJump), which gets only -F of these
    // arguments; kplay gives it the target's known_hosts file and checking too
    const opts = depth === 0 ? args : { ...own, ...Object.fromEntries(Object.entries(args).filter(([k]) => !JUMP_OWN.includes(k))) };
    // (-F's file alone; else the user's, then the system's, as ssh reads them)
    const cfgFiles: SshConfigFile[] = opts.__configfile !== undefined ? [{ path: expand(opts.__configfile) }] : [{ path: join(home, '.ssh', 'config') }, { path: SYSTEM_SSH_CONFIG, system: true }];
    // (the arguments' HostName is on ssh's command line, so before ~/.ssh/config's; %h is the name given)
    const argHost = opts.hostname?.replace(/%(%|h)/g, (_m, t: string) => (t === 'h' ? alias : '%'));
    // (Match user and host see what the command line set: its user and HostName)
    const cfg: SshConfigEntry = cached(this.sshConfigs, JSON.stringify(cfgFiles), () => new SshConfig(cfgFiles, home)).lookup(alias, { user: opts.user, hostname: argHost, port: opts.port === undefined ? undefined : Number(opts.port) });
    const host = argHost ?? cfg.hostname ?? alias;
    const port = opts.port !== undefined ? Number(opts.port) : (cfg.port ?? 22);
    const user = opts.user ?? cfg.user ?? (depth > 0 ? this.ssh.user : undefined) ?? (localUser() || 'root');
    // (identity files, the user's known_hosts files and the agent's socket take ssh's % tokens and ${VARIABLES})
    const tokens = { host, alias, port, user, home };
    const path = (option: string) => (p: string) => expand(expandSshPath(p, option, tokens, process.env));
    // (OpenSSH's lists of files: the user's, where new keys go, and the system's; `none` is no file)
    const files = (v: string | undefined, dflt: string[], each: (p: string) => string): string[] => (v === undefined ? dflt : v.toLowerCase() === 'none' ? [] : v.split(/\s+/).filter(Boolean).map(each));
    const userFiles = files(opts.userknownhostsfile ?? cfg.userknownhostsfile, [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2')], path('UserKnownHostsFile'));
    const globalFiles = files(opts.globalknownhostsfile ?? cfg.globalknownhostsfile, ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'], expand);
    const strict = (opts.stricthostkeychecking ?? cfg.stricthostkeychecking)?.toLowerCase();
    // OpenSSH tries every identity file: the command line's, then every one ~/.ssh/config gives the host
    // (a file -i names is dropped when it is not there, as ssh drops it: then the defaults may apply)
    const identityPath = path('IdentityFile');
    const fromArgs = identityFiles(opts)
      .map((f) => ({ ...f, path: identityPath(f.path) }))
      .filter((f) => !f.ifExists || existsSync(f.path))
      .map((f) => f.path);
    const listed = [...fromArgs, ...(cfg.identityfiles ?? []).map(identityPath)].filter((f, i, all) => all.indexOf(f) === i);
    const given = listed.length ? listed : depth > 0 && this.ssh.privateKeyFile ? [expand(this.ssh.privateKeyFile)] : [];
    // (none given: OpenSSH's default files, ~/.ssh/id_rsa and the others)
    const keyFiles = given.length ? given : DEFAULT_IDENTITIES.map((f) => join(home, '.ssh', f));
    // the target's -J/ProxyJump or ProxyCommand applies to it only (the command line's over ~/.ssh/config's);
    // a jump host's ssh is given the hops before it as its -J, else it may have its own in ~/.ssh/config
    const argJump = depth === 0 ? (opts.proxyjump ?? opts.__jump) : via;
    const proxied = argJump !== undefined || (depth === 0 && opts.proxycommand !== undefined);
    const jumpSpec = proxied ? argJump : cfg.proxyjump;
    const proxyTemplate = proxied ? (depth === 0 ? opts.proxycommand : undefined) : cfg.proxycommand;
    let jump: SshSettings | undefined;
    if (jumpSpec !== undefined && jumpSpec.toLowerCase() !== 'none' && depth < 5) {
      // OpenSSH's ProxyJump a,b reaches the host through b, and b through a (b's ssh gets -J a); the
      // list takes the target's %h, %n, %p and %r, as the ProxyCommand ssh makes of it does
      const hops = proxyCommandLine(jumpSpec, tokens, 'ProxyJump').split(',');
      const hop = parseJump(hops.pop() as string);
      jump = this.sshSettings(`${name} (jump host)`, hop.host, { user: hop.user, port: hop.port, host: hop.host, commonArgs: c.commonArgs, extraArgs: c.extraArgs }, depth + 1, hops.length ? hops.join(',') : undefined);
    }
    const agent = identityAgent(opts.identityagent ?? cfg.identityagent, process.env, tokens);
    const auth = this.authentication(opts, cfg, keyFiles, !given.length, agent, c.password ?? this.ssh.password);
    return {
      name,
      host,
      port,
      user,
      proxyCommand: proxyTemplate === undefined || proxyTemplate.toLowerCase() === 'none' ? undefined : proxyCommandLine(proxyTemplate, tokens),
      ...auth,
      // (a jump host's own ssh forwards nothing; ~/.ssh/config's ForwardAgent after the arguments')
      // (ssh sets SSH_AUTH_SOCK to IdentityAgent's socket: ForwardAgent=yes forwards that agent)
      forwardAgent: depth === 0 ? forwardedAgent(opts.__agentflag ?? opts.forwardagent ?? cfg.forwardagent, { ...process.env, SSH_AUTH_SOCK: agent }, home) : undefined,
      hostKeyAlias: opts.hostkeyalias ?? cfg.hostkeyalias,
      knownHosts: cached(this.knownHosts, JSON.stringify([userFiles, globalFiles]), () => new KnownHosts(userFiles, globalFiles)),
      hostKeyChecking: c.hostKeyChecking ?? (strict === 'no' || strict === 'off' ? false : (this.ssh.hostKeyChecking ?? true)),
      acceptNewHostKeys: this.ssh.acceptNewHostKeys === true || strict === 'accept-new',
      hashKnownHosts: sshYes(opts.hashknownhosts ?? cfg.hashknownhosts),
      // (OpenSSH's count is 3 where only the interval is given)
      serverAlive: this.serverAlive(opts.serveraliveinterval ?? cfg.serveraliveinterval, opts.serveralivecountmax ?? cfg.serveralivecountmax),
      connectTimeoutMs: seconds(opts.connecttimeout as string) * 1000,
      connectionAttempts: Number(opts.connectionattempts ?? cfg.connectionattempts ?? 1),
      retries: depth === 0 ? (c.retries ?? this.ssh.retries ?? 0) : 0,
      helper: c.helper,
      jump,
      algorithms: this.algorithms(opts, cfg),
    };
  }

  // how the host is logged in to: PubkeyAuthentication=no offers no key, PasswordAuthentication=no no
  // password, and KbdInteractiveAuthentication=no answers no keyboard-interactive prompt with it (as
  // sshpass answers ssh's); none is tried unless PreferredAuthentications names it; IdentitiesOnly lets
  // the agent offer only its copies of the identity files (whose public keys are read for it)
  private authentication(opts: SshOptions, cfg: SshConfigEntry, keyFiles: string[], defaults: boolean, agent: string | undefined, given: string | undefined): Pick<SshSettings, 'keys' | 'passedOver' | 'password' | 'passwordAuth' | 'keyboardInteractive' | 'agent' | 'agentKeys'> {
    const preferred = (opts.preferredauthentications ?? cfg.preferredauthentications)?.toLowerCase().split(',');
    const allowed = (setting: string | undefined, ...names: string[]): boolean => !sshNo(setting) && (preferred === undefined || names.some((n) => preferred.includes(n)));
    const pubkey = allowed(opts.pubkeyauthentication ?? cfg.pubkeyauthentication, 'publickey');
    const ids = pubkey ? this.identities(keyFiles, defaults) : { keys: [], passedOver: [] };
    const passwordAuth = allowed(opts.passwordauthentication ?? cfg.passwordauthentication, 'password');
    const keyboardInteractive = allowed(opts.kbdinteractiveauthentication ?? opts.challengeresponseauthentication ?? cfg.kbdinteractiveauthentication ?? cfg.challengeresponseauthentication, 'keyboard-interactive');
    // (BatchMode=yes: ssh asks for no password, so sshpass has none to give)
    const password = (passwordAuth || keyboardInteractive) && !sshYes(opts.batchmode ?? cfg.batchmode) ? given : undefined;
    const offered = pubkey ? agent : undefined;
    const agentKeys = offered && sshYes(opts.identitiesonly ?? cfg.identitiesonly) ? keyFiles.map(identityPublicKey).filter((k): k is Buffer => k !== undefined) : undefined;
    // nothing left to try: the first identity file's reason
    if (!ids.keys.length && !offered && !password && ids.passedOver.length) throw new Error(ids.passedOver[0]);
    return { keys: ids.keys, passedOver: ids.passedOver, password, passwordAuth, keyboardInteractive, agent: offered, agentKeys };
  }

  // ServerAliveInterval and ServerAliveCountMax (OpenSSH's count is 3 where only the interval is given);
  // neither given: kplay's own keepalives
  private serverAlive(interval: string | undefined, count: string | undefined): SshSettings['serverAlive'] {
    if (interval === undefined || !SSH_TIME.test(interval)) return undefined;
    return { intervalMs: seconds(interval) * 1000, countMax: count !== undefined && /^\d+$/.test(count) ? Number(count) : 3 };
  }

  // Ciphers, MACs, KexAlgorithms, HostKeyAlgorithms: the arguments' over ~/.ssh/config's (checked there)
  // (a config file's unknown names are left out: a newer OpenSSH's crypto policy may name them)
  private algorithms(opts: SshOptions, cfg: SshConfigEntry): SshSettings['algorithms'] {
    const specs: Partial<Record<AlgorithmKind, AlgorithmSpec>> = {};
    for (const [name, kind] of Object.entries(ALGORITHM_OPTIONS) as [keyof typeof ALGORITHM_OPTIONS & keyof SshConfigEntry, AlgorithmKind][]) {
      const arg = opts[name];
      const conf = cfg[name] as string | undefined;
      if (arg !== undefined) specs[kind] = { value: arg, from: `-o ${OPTION_NAME[kind]}`, strict: true };
      else if (conf !== undefined) specs[kind] = { value: conf, from: `ssh config's ${OPTION_NAME[kind]}`, strict: false };
    }
    return chooseAlgorithms(specs);
  }

  /** Kills every running command (second Ctrl-C). */
  killAll(): void {
    for (const t of this.open.values()) t.kill();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.values()].map((t) => t.close()));
  }
}
