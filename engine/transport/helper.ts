// The controller's side of the resident helper (helper-source.ts): requests as "OP LEN...\n" plus
// fields, replies as "RC OUTLEN ERRLEN\n" plus bytes, one at a time per session. Sizes frame
// everything, so any bytes pass; nothing but the helper writes to the channel's stdout.
import type { ExecResult, FileOp } from './types.js';
import { shellQuote as q } from '../util/shell.js';
import { HELPER_SOURCE } from './helper-source.js';

/** The part of an SSH channel (or a child process's pipes, in tests) the helper session uses. */
export interface HelperChannel {
  write(data: Buffer | string): unknown;
  onData(f: (d: Buffer) => void): void;
  onClose(f: () => void): void;
  end(): void;
}

interface Pending {
  resolve: (r: ExecResult) => void;
  reject: (e: Error) => void;
}

/** Options of one command run through the helper. */
export interface HelperExec {
  env?: Record<string, string> | undefined;
  cwd?: string | undefined;
  timeoutMs?: number | undefined;
  stdin?: Buffer | undefined;
}

/** Encodes one request: the op letter, the fields' byte lengths, then the fields. */
export function encodeRequest(op: string, fields: (Buffer | string)[]): Buffer {
  const bufs = fields.map((f) => (Buffer.isBuffer(f) ? f : Buffer.from(f)));
  return Buffer.concat([Buffer.from(`${op} ${bufs.map((b) => b.length).join(' ')}\n`), ...bufs]);
}

/** One running helper: requests are queued and answered in order. */
export class HelperSession {
  private chunks: Buffer[] = [];
  private size = 0;
  private head: { rc: number; out: number; err: number } | undefined;
  private readonly waiting: Pending[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  dead = false;

  private constructor(private readonly channel: HelperChannel) {
    channel.onData((d) => {
      this.chunks.push(d);
      this.size += d.length;
      this.drain();
    });
    channel.onClose(() => {
      this.dead = true;
      for (const p of this.waiting.splice(0)) p.reject(new Error('the remote helper closed'));
    });
  }

  /** Sends the helper's source to a perl that waits for it and resolves once the helper greets. */
  static async start(channel: HelperChannel): Promise<HelperSession> {
    const s = new HelperSession(channel);
    const hello = s.expect();
    channel.write(HELPER_SOURCE);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the remote helper did not greet')), 30_000);
      timer.unref();
    });
    const r = await Promise.race([hello, late]).finally(() => clearTimeout(timer));
    if (r.rc !== 0 || !r.stdout.toString().startsWith('kplay-helper ')) throw new Error('the remote helper did not start');
    return s;
  }

  private expect(): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      if (this.dead) return reject(new Error('the remote helper closed'));
      this.waiting.push({ resolve, reject });
    });
  }

  private drain(): void {
    for (;;) {
      if (!this.head) {
        const first = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
        this.chunks = [first];
        const eol = first.indexOf(0x0a);
        if (eol === -1) return;
        const m = /^(\d+) (\d+) (\d+)$/.exec(first.subarray(0, eol).toString('latin1'));
        if (!m) {
          for (const p of this.waiting.splice(0)) p.reject(new Error('the remote helper answered out of frame'));
          this.close();
          return;
        }
        const out = Number(m[2]);
        const err = Number(m[3]);
        this.head = { rc: Number(m[1]), out, err };
        this.chunks = [first.subarray(eol + 1)];
        this.size = first.length - eol - 1;
      }
      const h = this.head;
      if (this.size < h.out + h.err) return;
      const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
      this.head = undefined;
      const rest = all.subarray(h.out + h.err);
      this.chunks = rest.length ? [rest] : [];
      this.size = rest.length;
      const p = this.waiting.shift();
      p?.resolve({ rc: h.rc, stdout: Buffer.from(all.subarray(0, h.out)), stderr: Buffer.from(all.subarray(h.out, h.out + h.err)) });
    }
  }

  /** Sends one request once the previous ones are answered. */
  request(op: string, fields: (Buffer | string)[]): Promise<ExecResult> {
    const task = this.queue.then(() => {
      const answer = this.expect();
      if (!this.dead) this.channel.write(encodeRequest(op, fields));
      return answer;
    });
    this.queue = task.catch(() => undefined);
    return task;
  }

  /** Runs a command with /bin/sh -c (umask 022, in the home directory unless `cwd`). */
  exec(command: string, o: HelperExec): Promise<ExecResult> {
    const cmd = o.cwd ? `cd ${q(o.cwd)} || exit 1\n${command}` : command;
    const env = Object.entries(o.env ?? {})
      .map(([k, v]) => `${k}=${v}\0`)
      .join('');
    return this.request('x', [cmd, o.timeoutMs ? String(o.timeoutMs) : '', env, o.stdin ? '1' : '0', o.stdin ?? '']);
  }

  /** Runs one of the host facade's file operations. */
  fileOp(op: FileOp): Promise<ExecResult> {
    switch (op.op) {
      case 'stat':
        return this.request('s', [op.path, op.follow ? '1' : '']);
      case 'inspect':
        return this.request('i', [op.path]);
      case 'read':
        return this.request('r', [op.path]);
      case 'write':
        return this.request('w', [op.path, op.mode ?? '', op.owner ?? '', op.group ?? '', op.content]);
    }
  }

  /** Ends the helper; a command still running is killed with its process group (second Ctrl-C). */
  close(): void {
    this.dead = true;
    this.channel.end();
  }
}
