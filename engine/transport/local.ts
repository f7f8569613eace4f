// The local connection (`ansible_connection=local`, `-c local`): commands run on the controller
// through /bin/sh, as the current user or through sudo for become.
import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { shellQuote as q } from '../util/shell.js';
import { becomeLine } from './become.js';
import type { Become, ExecOptions, ExecResult, Transport } from './types.js';

/** Wraps a command for become: nothing when already that user, else sudo/su without a tty. */
export function becomeCommand(command: string, become: Become | undefined, currentUser: string): { argv: string[]; prompt: string | undefined } {
  if (!become || become.user === currentUser) return { argv: ['/bin/sh', '-c', command], prompt: undefined };
  const prompt = `[kplay-become-${Math.random().toString(36).slice(2)}] password: `;
  // (the become words are a shell line's, the flags as written: sh runs them)
  if (become.method === 'su') return { argv: ['/bin/sh', '-c', `${becomeLine(become, undefined)} -c ${q(command)}`], prompt: become.password ? 'Password:' : undefined };
  return { argv: ['/bin/sh', '-c', `${becomeLine(become, become.password ? prompt : undefined)} /bin/sh -c ${q(command)}`], prompt: become.password ? prompt : undefined };
}

function killGroup(child: ReturnType<typeof spawn>): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** Runs commands on the controller itself. */
export class LocalTransport implements Transport {
  readonly local = true;
  private readonly user = userInfo().username;
  private readonly running = new Set<ReturnType<typeof spawn>>();

  kill(): void {
    for (const c of this.running) killGroup(c);
  }

  describe(): string {
    return `ESTABLISH LOCAL CONNECTION FOR USER: ${this.user}`;
  }

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const { argv, prompt } = becomeCommand(command, opts.become, this.user);
    return new Promise((resolve) => {
      const child = spawn(argv[0] as string, argv.slice(1), {
        cwd: opts.cwd,
        env: { ...process.env, ...opts.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        // its own process group: a terminal's Ctrl-C does not reach it, and kill() ends all of it
        detached: true,
      });
      this.running.add(child);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let sentPassword = false;
      let timedOut = false;
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            killGroup(child);
          }, opts.timeoutMs)
        : undefined;
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => {
        // the become password is sent only after sudo's own prompt appears, never blindly
        if (prompt && !sentPassword && Buffer.concat([...err, d]).toString().includes(prompt)) {
          sentPassword = true;
          child.stdin.write(`${opts.become?.password ?? ''}\n`);
          if (opts.stdin !== undefined) child.stdin.write(opts.stdin);
          child.stdin.end();
          return;
        }
        err.push(d);
      });
      child.stdin.on('error', () => undefined); // the command may exit without reading its stdin
      if (!prompt) {
        if (opts.stdin !== undefined) child.stdin.write(opts.stdin);
        child.stdin.end();
      }
      child.on('error', (e) => {
        if (timer) clearTimeout(timer);
        resolve({ rc: 127, stdout: Buffer.alloc(0), stderr: Buffer.from(e.message) });
      });
      child.on('close', (code, signal) => {
        this.running.delete(child);
        if (timer) clearTimeout(timer);
        const stderr = Buffer.concat(err);
        resolve({ rc: timedOut ? 124 : (code ?? (signal ? 128 + 9 : 1)), stdout: Buffer.concat(out), stderr: timedOut ? Buffer.concat([stderr, Buffer.from(`\ncommand timed out after ${opts.timeoutMs} ms`)]) : stderr });
      });
    });
  }

  async close(): Promise<void> {}
}
