// The SSH connection (ssh2): one connection per host and one long-lived session per (host, become
// user). The session is the resident perl helper (helper.ts) where perl exists, else a plain shell:
// there each command runs in its own subshell with stdin from a file or /dev/null and its stdout and
// stderr in temp files; the shell then prints them between markers carrying a per-session nonce, so
// output comes back byte-exact, of any size, and can never be mistaken for the frame. Large stdin
// travels over one SFTP channel per host; small stdin in the script itself.
import { becomeKey, becomeLine } from './become.js';
import { randomBytes } from 'node:crypto';
import ssh2, { type Client as SshClient, type ClientChannel, type ConnectConfig, type ParsedKey, type SFTPWrapper } from 'ssh2';
import { shellQuote as q } from '../util/shell.js';
import { HelperSession, type HelperChannel } from './helper.js';
import { helperBoot } from './helper-source.js';
import { chooseAlgorithms, preferKnownTypes, type Algorithms } from './algorithms.js';
import { OnlyKeysAgent } from './identity.js';
import { KnownHosts, fingerprint, type HostKeyVerdict } from './known-hosts.js';
import { startProxyCommand, type ProxyCommand } from './proxy-command.js';
import { UnreachableError, type Become, type ExecOptions, type ExecResult, type FileOp, type Transport } from './types.js';

/** Everything needed to reach one host over SSH. */
export interface SshSettings {
  /** The inventory name, for messages. */
  name: string;
  host: string;
  port: number;
  user: string;
  /** The private keys to offer, in order (OpenSSH's identity files). */
  keys: ParsedKey[];
  password: string | undefined;
  agent: string | undefined;
  /** IdentitiesOnly: the agent offers only these keys (the identity files' public keys), not every key it holds. */
  agentKeys?: Buffer[] | undefined;
  /** PasswordAuthentication: the password method is tried (true when unset). */
  passwordAuth?: boolean | undefined;
  /** Answer a keyboard-interactive password prompt with `password`, as sshpass answers ssh's (KbdInteractiveAuthentication). */
  keyboardInteractive?: boolean | undefined;
  /** The identity files not offered and why (missing, encrypted without a passphrase), for the failure message. */
  passedOver?: string[] | undefined;
  /** The agent socket forwarded to the host (ForwardAgent, -A), or undefined. */
  forwardAgent?: string | undefined;
  knownHosts: KnownHosts;
  /** HostKeyAlias: the name the host's key is looked up and recorded under in known_hosts, in place of host and port. */
  hostKeyAlias?: string | undefined;
  hostKeyChecking: boolean;
  acceptNewHostKeys: boolean;
  /** ServerAliveInterval and ServerAliveCountMax: the connection is dropped after countMax keepalives go unanswered; kplay sends one every 15 s, 4 at most, when unset. */
  serverAlive?: { intervalMs: number; countMax: number } | undefined;
  /** HashKnownHosts: a key recorded is filed under the hash of the host's name, as ssh-keygen -H writes it. */
  hashKnownHosts?: boolean | undefined;
  connectTimeoutMs: number;
  /** OpenSSH's ConnectionAttempts: a TCP connection that fails is tried again, a second later (1: once). */
  connectionAttempts?: number | undefined;
  /** Ansible's ssh retries (ansible_ssh_retries): a connection that fails is tried again after 0, 1, 3, 7… (at most 30) seconds. */
  retries?: number | undefined;
  /** Use the resident perl helper where perl exists (kplay_helper=false turns it off). */
  helper?: boolean | undefined;
  /** A jump host to connect through (ProxyJump / -J). */
  jump?: SshSettings | undefined;
  /** A command whose stdin and stdout are the connection (ProxyCommand, its tokens replaced). */
  proxyCommand?: string | undefined;
  /** The algorithms offered (Ciphers, MACs, KexAlgorithms, HostKeyAlgorithms); kplay's defaults when unset. */
  algorithms?: Algorithms | undefined;
}

const INLINE_STDIN_MAX = 256 * 1024;
// the socket errors of a TCP connection that was never made
const NO_SERVER = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EHOSTDOWN', 'EADDRNOTAVAIL']);
// ssh2 is CommonJS: its classes come through the default export
const { Client, utils } = ssh2;
type Client = SshClient;

/** Parses a private key once per run (decrypting an ed25519 key costs ~200 ms of CPU). */
export function parsePrivateKey(data: Buffer, passphrase: string | undefined, path: string): ParsedKey {
  const parsed = utils.parseKey(data, passphrase);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new Error(encrypted ? `the private key ${path} is encrypted: give its passphrase with --key-passphrase-file` : `cannot read the private key ${path}: ${parsed.message}`);
  }
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
  // (a public key named as an identity file chooses the agent's copy, as in OpenSSH: it cannot sign)
  if (!key.isPrivateKey()) throw new Error(`${path} holds no private key: only an agent's copy of it can be used`);
  return key;
}

// sshpass's prompt (its default -P): the password is typed once, at the first prompt that asks for it
const PASSWORD_PROMPT = /assword/;

/** The keyboard-interactive method as sshpass answers it: the password at the first prompt asking for it, nothing after (a second one means it was refused). */
export function keyboardInteractive(username: string, password: string): object {
  let typed = false;
  return {
    type: 'keyboard-interactive',
    username,
    prompt: (_name: string, _instructions: string, _lang: string, prompts: { prompt: string }[], finish: (answers: string[]) => void): void => {
      finish(
        prompts.map((p) => {
          if (typed || !PASSWORD_PROMPT.test(p.prompt)) return '';
          typed = true;
          return password;
        }),
      );
    },
  };
}

interface Pending {
  resolve: (r: ExecResult) => void;
  reject: (e: Error) => void;
}

/**
 * One long-lived remote shell, running framed commands one after another. A frame is the command's
 * stdout, a marker line, its stderr and an end line with the exit code; the markers carry a random
 * 128-bit nonce that no command can know, so no sizes are needed (sizing cost a `stat` per command).
 * Exported for the framing tests.
 */
export class ShellSession {
  private readonly nonce = randomBytes(16).toString('hex');
  private readonly outEnd = Buffer.from(`\n${this.nonce} o\n`);
  private readonly frameEnd = Buffer.from(`\n${this.nonce} e `);
  // incoming bytes as chunks, joined only when a whole frame is there (large outputs stay linear)
  private chunks: Buffer[] = [];
  // the last bytes seen, so an end marker split across two chunks is still found
  private tail: Buffer = Buffer.alloc(0);
  private endSeen = false;
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Pending | undefined;
  dead = false;

  private constructor(private readonly channel: ClientChannel) {
    channel.on('data', (d: Buffer) => {
      this.chunks.push(d);
      if (!this.endSeen) {
        const n = this.frameEnd.length - 1;
        const seam = Buffer.concat([this.tail, d.subarray(0, n)]);
        this.endSeen = seam.includes(this.frameEnd) || d.includes(this.frameEnd);
        this.tail = d.length >= n ? d.subarray(d.length - n) : seam.subarray(Math.max(0, seam.length - n));
      }
      if (this.endSeen) this.drain();
    });
    channel.stderr.on('data', () => undefined); // consumed so the channel can close
    channel.on('close', () => {
      this.dead = true;
      this.pending?.reject(new Error('the remote shell closed'));
      this.pending = undefined;
    });
  }

  /** Starts `sh` (through sudo/su for become) and waits for it to announce itself. */
  static async open(client: Client, become: Become | undefined): Promise<ShellSession> {
    return ShellSession.attach(await openRemote(client, become, false));
  }

  /** A session on a channel whose shell has already announced itself. */
  static attach(r: Opened): ShellSession {
    const s = new ShellSession(r.channel);
    // the shell may have exited in the same packet as its ready line
    if (r.closed()) s.dead = true;
    return s;
  }

  private drain(): void {
    if (!this.pending) return;
    const buf = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    this.chunks = [buf];
    const end = buf.indexOf(this.frameEnd);
    const eol = end === -1 ? -1 : buf.indexOf(0x0a, end + this.frameEnd.length);
    if (eol === -1) return; // the exit code line is not complete yet
    const mid = buf.lastIndexOf(this.outEnd, end);
    const p = this.pending;
    this.pending = undefined;
    const rest = buf.subarray(eol + 1);
    this.chunks = rest.length ? [rest] : [];
    this.tail = Buffer.alloc(0);
    this.endSeen = rest.includes(this.frameEnd);
    if (mid === -1) return p.reject(new Error('the remote shell answered out of frame'));
    p.resolve({ rc: Number(buf.subarray(end + this.frameEnd.length, eol).toString()), stdout: Buffer.from(buf.subarray(0, mid)), stderr: Buffer.from(buf.subarray(mid + this.outEnd.length, end)) });
  }

  /** Runs one command (queued behind the previous one). `stdinFile` is a remote temp file for stdin, removed afterwards. */
  run(command: string, opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; stdinInline?: Buffer; stdinFile?: string }, waitMs = 0): Promise<ExecResult> {
    const task = this.queue.then(
      () =>
        new Promise<ExecResult>((resolve, reject) => {
          if (this.dead) return reject(new Error('the remote shell closed'));
          this.pending = { resolve, reject };
          const env = Object.entries(opts.env ?? {}).map(([k, v]) => `export ${k}=${q(v)}; `).join('');
          const cd = opts.cwd ? `cd ${q(opts.cwd)} || exit 1; ` : 'cd ~ 2>/dev/null; ';
          // eval in the frame's subshell saves starting another sh per command ($$ is then the session shell's pid)
          const runner = opts.timeoutMs ? `exec timeout -s KILL ${Math.ceil(opts.timeoutMs / 1000)} /bin/sh -c ${q(command)}` : `eval ${q(command)}`;
          // one temp directory per session ($__k, made when the session opened); per command only the
          // command itself runs, plus cat for a stream it wrote to
          const lines: string[] = [];
          let stdin = '/dev/null';
          if (opts.stdinInline) {
            const eof = `KPLAY_EOF_${this.nonce}`;
            lines.push(`base64 -d > "$__k/i" <<'${eof}'`, ...(opts.stdinInline.toString('base64').match(/.{1,76}/g) ?? []), eof);
            stdin = '"$__k/i"';
          } else if (opts.stdinFile) stdin = `${q(opts.stdinFile)}`;
          const cleanup = opts.stdinFile ? `; rm -f -- ${q(opts.stdinFile)}` : '';
          lines.push(`(${cd}umask 022; ${env}exec <${stdin}; ${runner}) >"$__k/o" 2>"$__k/e"; __rc=$?${cleanup}`);
          // cat only runs for a stream that has bytes; printf and [ are shell builtins
          lines.push(`[ -s "$__k/o" ] && cat "$__k/o"; printf '\\n%s o\\n' ${this.nonce}; [ -s "$__k/e" ] && cat "$__k/e"; printf '\\n%s e %s\\n' ${this.nonce} "$__rc"`);
          this.channel.write(lines.join('\n') + '\n');
          if (waitMs) setTimeout(() => this.pending?.reject(new Error('no answer from the remote shell')), waitMs).unref();
        }),
    );
    this.queue = task.catch(() => undefined);
    return task;
  }

  close(): void {
    this.dead = true;
    this.channel.end();
  }
}

/** A channel whose remote side announced itself: perl (the helper) or sh, and whether it closed since. */
interface Opened {
  channel: ClientChannel;
  perl: boolean;
  closed: () => boolean;
}

/**
 * Starts the remote side of a session (through sudo/su for become): perl running the resident helper
 * when `helper` is set and perl is there, else `sh`. The remote side announces itself with a ready
 * line naming which one runs; nothing is written before that but the become password, and that only
 * after sudo's own prompt.
 */
async function openRemote(client: Client, become: Become | undefined, helper: boolean): Promise<Opened> {
  const tag = randomBytes(8).toString('hex');
  const prompt = `[kplay-sudo-${tag}] password:`;
  const perl = helper ? `if command -v perl >/dev/null 2>&1; then printf '\\n%s\\n' READY-${tag}-pl; exec perl -e ${q(helperBoot())}; fi; ` : '';
  // one temp directory per shell session for command output, removed by the outer shell when the session ends
  const init = `${perl}__k=$(mktemp -d "\${TMPDIR:-/tmp}/.kplay.XXXXXX") || exit 1; export __k; trap 'rm -rf "$__k"' EXIT; printf '\\n%s\\n' READY-${tag}-sh; /bin/sh`;
  const shell = `/bin/sh -c ${q(init)}`;
  let start = shell;
  if (become) {
    start = become.method === 'su' ? `${becomeLine(become, undefined)} -s /bin/sh -c ${q(init)}` : `${becomeLine(become, become.password ? prompt : undefined)} ${shell}`;
  }
  const channel = await new Promise<ClientChannel>((resolve, reject) => client.exec(start, (err, ch) => (err ? reject(err) : resolve(ch))));
  let errText = '';
  let out = Buffer.alloc(0);
  let closed = false;
  const readyLine = new RegExp(`READY-${tag}-(pl|sh)\n`);
  const ready = new Promise<boolean>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out = Buffer.concat([out, d]);
      const m = readyLine.exec(out.toString('latin1'));
      if (m) {
        channel.removeListener('data', onData);
        resolve(m[1] === 'pl');
      }
    };
    channel.on('data', onData);
    let sent = false;
    channel.stderr.on('data', (d: Buffer) => {
      errText += d.toString();
      // the password is sent only after sudo's own prompt appears, never blindly, and only once:
      // a second prompt means it was wrong (retrying could lock the account)
      if (become?.password && (errText.includes(prompt) || (become.method === 'su' && /Password:\s*$/.test(errText)))) {
        errText = errText.split(prompt).join('');
        if (sent) {
          errText = 'incorrect become password';
          channel.close();
          return;
        }
        sent = true;
        channel.write(`${become.password}\n`);
      }
    });
    channel.on('close', () => {
      closed = true;
      reject(new Error('closed'));
    });
    setTimeout(() => reject(new Error('timeout')), 30_000).unref();
  });
  try {
    return { channel, perl: await ready, closed: () => closed };
  } catch {
    channel.close();
    const why = errText.trim().replace(/\s+/g, ' ') || 'the shell did not start';
    throw new BecomeError(become ? `become ${become.method} to ${become.user} failed: ${why}` : `could not start a shell: ${why}`);
  }
}

/** The helper session's view of an SSH channel. */
function helperChannel(r: Opened): HelperChannel {
  const { channel } = r;
  channel.stderr.on('data', () => undefined); // perl's own warnings (locale): consumed so the channel can close
  return {
    write: (d) => channel.write(d),
    onData: (f) => channel.on('data', f),
    // perl may have exited in the same packet as the ready line, before anyone listened
    onClose: (f) => (r.closed() ? queueMicrotask(f) : channel.on('close', f)),
    end: () => channel.end(),
  };
}

// sshd refuses channels past MaxSessions ("Channel open failure"): wait and retry, it is not fatal
async function withChannelRetry<T>(open: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await open();
    } catch (e) {
      if (attempt >= 5 || !/Channel open failure/i.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}

/** A remote session: the resident helper, or sh where perl is missing or the helper is turned off. */
type Session = ShellSession | HelperSession;

/** A become step that failed (wrong password, not allowed): a task failure, not UNREACHABLE. */
export class BecomeError extends Error {}

/** The SSH transport for one host. */
export class SshTransport implements Transport {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private readonly sessions = new Map<string, Promise<Session>>();
  private helperFailed = false;
  private sftp: Promise<SFTPWrapper> | undefined;
  private dropped: string | undefined;
  /** reset()'s connect timeout for the connections after it (reboot's connect_timeout). */
  private connectTimeoutMs: number;
  /** Counts reset()s: a connection begun before one is not used after it. */
  private generation = 0;

  constructor(private readonly s: SshSettings) {
    this.connectTimeoutMs = s.connectTimeoutMs;
  }

  describe(): string {
    return `ESTABLISH SSH CONNECTION FOR USER: ${this.s.user} TO ${this.s.host}:${this.s.port}`;
  }

  private jumpTransport: SshTransport | undefined;
  private proxy: ProxyCommand | undefined;

  /** A TCP stream to this host through the jump host (ProxyJump), or undefined to connect directly. */
  private async jumpStream(): Promise<ConnectConfig['sock'] | undefined> {
    if (this.s.proxyCommand !== undefined) {
      this.proxy?.kill();
      this.proxy = startProxyCommand(this.s.proxyCommand);
      return this.proxy.sock as unknown as ConnectConfig['sock'];
    }
    if (!this.s.jump) return undefined;
    this.jumpTransport ??= new SshTransport(this.s.jump);
    const jumpClient = await this.jumpTransport.connect();
    return new Promise((resolve, reject) =>
      jumpClient.forwardOut('127.0.0.1', 0, this.s.host, this.s.port, (err, stream) =>
        err ? reject(new UnreachableError(`cannot reach ${this.s.host}:${this.s.port} through the jump host ${this.s.jump?.host}: ${err.message}`)) : resolve(stream as unknown as ConnectConfig['sock']),
      ),
    );
  }

  private connect(): Promise<Client> {
    if (this.dropped) return Promise.reject(new UnreachableError(this.dropped));
    if (this.connecting) return this.connecting;
    this.connecting = this.connectWithRetries();
    const connecting = this.connecting;
    connecting.catch(() => {
      if (this.connecting === connecting) this.connecting = undefined;
    });
    return connecting;
  }

  // Ansible's retries around OpenSSH's attempts: each retry pauses 2^n - 1 seconds (at most 30); a
  // password that is refused is not tried again (sshpass's exit 5 in Ansible)
  private async connectWithRetries(): Promise<Client> {
    const retries = this.s.retries ?? 0;
    const generation = this.generation;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.connectWithAttempts();
      } catch (e) {
        if (attempt >= retries || this.generation !== generation || (this.s.password !== undefined && e instanceof UnreachableError && /authentication as .* failed/.test(e.message))) throw e;
        await new Promise((r) => setTimeout(r, Math.min(2 ** attempt - 1, 30) * 1000));
      }
    }
  }

  // OpenSSH's ConnectionAttempts: only a TCP connection that could not be made (refused, unreachable,
  // timed out before the server answered) is tried again, a second later
  private async connectWithAttempts(): Promise<Client> {
    const attempts = this.s.connectionAttempts ?? 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.connectOnce();
      } catch (e) {
        if (attempt >= attempts || !(e instanceof UnreachableError && e.beforeServer === true)) throw e;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  // what the connection offers; the host key types known_hosts holds for the host go first unless
  // HostKeyAlgorithms was given as a whole list (OpenSSH's order_hostkeyalgs)
  private algorithms(): Omit<Algorithms, 'preferKnownHostKeys'> {
    const s = this.s;
    const { preferKnownHostKeys, ...a } = s.algorithms ?? chooseAlgorithms({});
    if (!preferKnownHostKeys || !s.hostKeyChecking) return a;
    return { ...a, serverHostKey: preferKnownTypes(a.serverHostKey, s.knownHosts.typesFor(...this.knownAs())) };
  }

  // the name and port known_hosts files hold the host's key under: HostKeyAlias's name alone, as in
  // OpenSSH (no port), else the host and its port
  private knownAs(): [string, number] {
    return this.s.hostKeyAlias !== undefined ? [this.s.hostKeyAlias, 22] : [this.s.host, this.s.port];
  }

  private connectOnce(): Promise<Client> {
    const s = this.s;
    let verdict: HostKeyVerdict | undefined;
    let presented: Buffer | undefined;
    const methods: object[] = [];
    const generation = this.generation;
    for (const key of s.keys) methods.push({ type: 'publickey', username: s.user, key });
    if (s.agent) methods.push({ type: 'agent', username: s.user, agent: s.agentKeys ? new OnlyKeysAgent(s.agent, s.agentKeys) : s.agent });
    if (s.password && s.passwordAuth !== false) methods.push({ type: 'password', username: s.user, password: s.password });
    if (s.password && s.keyboardInteractive) methods.push(keyboardInteractive(s.user, s.password));
    return this.jumpStream().then((sock) => new Promise<Client>((resolve, reject) => {
      const client = new Client();
      let up = false;
      const config: ConnectConfig = {
        host: s.host,
        port: s.port,
        username: s.user,
        readyTimeout: this.connectTimeoutMs,
        // (ServerAliveInterval 0 turns them off, as in OpenSSH)
        keepaliveInterval: s.serverAlive?.intervalMs ?? 15_000,
        keepaliveCountMax: s.serverAlive?.countMax ?? 4,
        // every command's session asks the host to forward the agent, as ssh -A does
        ...(s.forwardAgent ? { agent: s.forwardAgent, agentForward: true } : {}),
        algorithms: this.algorithms() as ConnectConfig['algorithms'],
        hostVerifier: (key: Buffer) => {
          presented = key;
          if (!s.hostKeyChecking) return true;
          verdict = s.knownHosts.verify(...this.knownAs(), key);
          if (verdict.kind === 'unknown' && s.acceptNewHostKeys) {
            s.knownHosts.add(...this.knownAs(), key, s.hashKnownHosts === true);
            return true;
          }
          return verdict.kind === 'known';
        },
        // the configured key first (an agent full of keys exhausts sshd's MaxAuthTries), then agent, password
        authHandler: (_methodsLeft, _partial, next) => {
          const m = methods.shift();
          return next((m ?? false) as never);
        },
      };
      client.on('ready', () => {
        up = true;
        if (generation !== this.generation) {
          client.end();
          reject(new UnreachableError(`the connection to ${s.host}:${s.port} was reset`));
          return;
        }
        this.client = client;
        resolve(client);
      });
      client.on('error', (e: Error) => reject(this.connectError(e, verdict, presented)));
      client.on('close', () => {
        // closed during the handshake without an error (sshd killed, restarted or over MaxStartups after
        // its banner): ssh2 clears its ready timeout then, so without this the run waited forever
        if (!up) reject(this.connectError(new Error('Connection closed by remote host'), verdict, presented));
        // a connection reset() replaced, or one that never came up (its error rejected above)
        if (this.client !== client) return;
        this.dropped ??= `the connection to ${s.host}:${s.port} dropped`;
        this.client = undefined;
      });
      try {
        client.connect(sock ? { ...config, sock } : config);
      } catch (e) {
        reject(new UnreachableError(`cannot connect to ${s.host}: ${(e as Error).message}`));
      }
    }));
  }

  private connectError(e: Error, verdict: HostKeyVerdict | undefined, key: Buffer | undefined): UnreachableError {
    const s = this.s;
    const where = `${s.host}:${s.port}${s.hostKeyAlias !== undefined ? ` (HostKeyAlias ${s.hostKeyAlias})` : ''}`;
    if (verdict?.kind === 'changed') {
      return new UnreachableError(
        `REMOTE HOST IDENTIFICATION HAS CHANGED for ${where} (presented ${key ? fingerprint(key) : 'a different key'}; the recorded key is at ${verdict.line}). ` +
          'Refusing to connect: this may be an attack, or the host was reinstalled. Remove the old key (ssh-keygen -R) only if you know why it changed.',
      );
    }
    if (verdict?.kind === 'unknown') {
      return new UnreachableError(
        `host key of ${where} is not known (${key ? fingerprint(key) : ''}) in ${s.knownHosts.path}; check it and accept it with: ssh-keyscan -p ${s.port} ${s.host}${s.hostKeyAlias !== undefined ? ` | sed 's/^[^ ]*/${s.hostKeyAlias}/'` : ''} >> ${s.knownHosts.path}  (or run with --accept-new-host-keys)`,
      );
    }
    const msg = /All configured authentication methods failed/.test(e.message) ? this.authFailure() : (this.proxy?.failure() ?? e.message);
    const out = new UnreachableError(`Failed to connect to the host via ssh: ${msg} (${where})`);
    // (no server answered: the TCP connection failed, or timed out before a host key came)
    const { code, level } = e as { code?: unknown; level?: unknown };
    out.beforeServer = (typeof code === 'string' && NO_SERVER.has(code)) || (level === 'client-timeout' && key === undefined);
    return out;
  }

  // what was offered, and the identity files passed over with why
  private authFailure(): string {
    const s = this.s;
    const tried = [s.keys.length ? (s.keys.length > 1 ? `${s.keys.length} keys` : 'key') : '', s.agent ? (s.agentKeys ? "the agent's copies of the identity files (IdentitiesOnly)" : 'agent') : '', s.password && s.passwordAuth !== false ? 'password' : '', s.password && s.keyboardInteractive ? 'keyboard-interactive' : ''].filter(Boolean).join(', ');
    return `authentication as ${s.user} failed (tried: ${tried || 'nothing'})${s.passedOver?.length ? `; passed over: ${s.passedOver.join('; ')}` : ''}`;
  }

  private session(become: Become | undefined): Promise<Session> {
    const key = becomeKey(become);
    let s = this.sessions.get(key);
    if (!s) {
      s = this.connect().then((c) => withChannelRetry(() => this.openSession(c, become)));
      const opening = s;
      opening.catch(() => {
        if (this.sessions.get(key) === opening) this.sessions.delete(key);
      });
      this.sessions.set(key, opening);
    }
    return s;
  }

  // perl with the helper when allowed and present; a helper that does not start leaves this host on sh
  private async openSession(c: Client, become: Become | undefined): Promise<Session> {
    const opened = await openRemote(c, become, this.s.helper !== false && !this.helperFailed);
    if (!opened.perl) return ShellSession.attach(opened);
    try {
      return await HelperSession.start(helperChannel(opened));
    } catch {
      opened.channel.close();
      this.helperFailed = true;
      return ShellSession.attach(await openRemote(c, become, false));
    }
  }

  private sftpChannel(): Promise<SFTPWrapper> {
    this.sftp ??= this.connect().then((c) => withChannelRetry(() => new Promise<SFTPWrapper>((resolve, reject) => c.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))))));
    return this.sftp;
  }

  private async upload(data: Buffer): Promise<string> {
    const sftp = await this.sftpChannel();
    const path = `/tmp/.kplay-in-${randomBytes(8).toString('hex')}`;
    await new Promise<void>((resolve, reject) => sftp.writeFile(path, data, { mode: 0o600 }, (err) => (err ? reject(err) : resolve())));
    return path;
  }

  // The open session for `become`, reopened once if it died; failures become UNREACHABLE or a failed command.
  private async withSession(become: Become | undefined, act: (s: Session) => Promise<ExecResult | undefined>): Promise<ExecResult | undefined> {
    try {
      let session = await this.session(become);
      if (session.dead) {
        this.sessions.delete(becomeKey(become));
        session = await this.session(become);
      }
      return await act(session);
    } catch (e) {
      if (e instanceof UnreachableError) throw e;
      // a session that closed (or a shell that never started) may be the first sign of a dropped
      // connection: give the connection a moment to say so
      await new Promise((r) => setTimeout(r, 300));
      if (this.dropped || !this.client) throw new UnreachableError(this.dropped ?? `connection to ${this.s.host} lost: ${(e as Error).message}`);
      if (e instanceof BecomeError) throw e;
      // the session died but the connection is fine: report this command as failed, reopen next time
      return { rc: 255, stdout: Buffer.alloc(0), stderr: Buffer.from(`kplay: ${(e as Error).message}`) };
    }
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const stdin = opts.stdin === undefined ? undefined : Buffer.isBuffer(opts.stdin) ? opts.stdin : Buffer.from(opts.stdin);
    const r = await this.withSession(opts.become, async (session) => {
      // the helper takes stdin of any size in the request itself
      if (session instanceof HelperSession) return session.exec(command, { env: opts.env, cwd: opts.cwd, timeoutMs: opts.timeoutMs, stdin });
      const viaSftp = stdin !== undefined && stdin.length > INLINE_STDIN_MAX && (!opts.become || opts.become.user === 'root');
      const file = viaSftp ? await this.upload(stdin as Buffer) : undefined;
      // the frame removes an uploaded stdin file itself: no extra round trip
      return session.run(command, { ...(opts.env ? { env: opts.env } : {}), ...(opts.cwd ? { cwd: opts.cwd } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(file ? { stdinFile: file } : stdin ? { stdinInline: stdin } : {}) });
    });
    return r as ExecResult;
  }

  async fileOp(op: FileOp, become: Become | undefined): Promise<ExecResult | undefined> {
    return this.withSession(become, async (session) => (session instanceof HelperSession ? session.fileOp(op) : undefined));
  }

  async reset(connectTimeoutMs?: number): Promise<void> {
    const sessions = [...this.sessions.values()];
    const client = this.client;
    this.sessions.clear();
    this.sftp = undefined;
    this.client = undefined;
    this.connecting = undefined;
    this.dropped = undefined;
    this.generation++;
    this.connectTimeoutMs = connectTimeoutMs ?? this.s.connectTimeoutMs;
    // a session may hang on a host that went silent: closing it is not waited for
    for (const s of sessions) void s.then((x) => x.close()).catch(() => undefined);
    client?.end();
    if (this.jumpTransport?.dropped) await this.jumpTransport.reset();
  }

  kill(): void {
    // the helper kills a running command's process group when its channel ends; a plain shell just ends
    for (const s of this.sessions.values()) void s.then((x) => x.close()).catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) await s.then((x) => x.close()).catch(() => undefined);
    this.client?.end();
    this.proxy?.kill();
    await this.jumpTransport?.close();
  }
}
