// ProxyCommand: the connection to a host is a command's stdin and stdout (`ssh -W %h:%p bastion`,
// `nc %h %p`), run by /bin/sh on the controller as OpenSSH runs it.
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';

/** A running ProxyCommand: the stream SSH talks over, and what the command said if it ended. */
export interface ProxyCommand {
  sock: Duplex;
  /** Why the command ended before the connection did (exit status and the end of its stderr), if it did. */
  failure(): string | undefined;
  kill(): void;
}

/**
 * A ProxyCommand or ProxyJump with OpenSSH's tokens replaced: %h the host connected to, %p its port, %r
 * the remote user, %n the name as given, %% a percent sign. Another token is an error, as ssh stops there.
 */
export function proxyCommandLine(template: string, t: { host: string; port: number; user: string; alias: string }, option = 'ProxyCommand'): string {
  const values: Record<string, string> = { h: t.host, p: String(t.port), r: t.user, n: t.alias, '%': '%' };
  return template.replace(/%(.?)/gs, (_m, c: string) => {
    const v = values[c];
    if (v === undefined) throw new Error(`${option} ${template}: ${c ? `%${c} is not a token ssh knows there` : 'it ends in a lone %'} (it takes %%, %h, %n, %p and %r)`);
    return v;
  });
}

/** Starts `line` with /bin/sh and joins its stdout and stdin into one stream, as OpenSSH's ProxyCommand does. */
export function startProxyCommand(line: string): ProxyCommand {
  const child = spawn('/bin/sh', ['-c', line], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let ended: string | undefined;
  // runs `then` once the command has ended (its status and words known), or after 2 s if it has not
  const afterExit = (then: () => void): void => {
    if (ended !== undefined) return then();
    const timer = setTimeout(then, 2000);
    child.once('exit', () => setImmediate(() => {
      clearTimeout(timer);
      then();
    }));
  };
  const sock = new Duplex({
    read() {
      child.stdout.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      // a write the command did not take fails with why it ended, once that is known
      if (!child.stdin.writable) return afterExit(() => cb(new Error(ended ?? 'the ProxyCommand is not running')));
      child.stdin.write(chunk, (e) => (e ? afterExit(() => cb(new Error(ended ?? e.message))) : cb(null)));
    },
    final(cb) {
      child.stdin.end();
      cb();
    },
    destroy(err, cb) {
      child.kill();
      cb(err);
    },
  });
  child.stdout.on('data', (d: Buffer) => {
    if (!sock.push(d)) child.stdout.pause();
  });
  child.stdout.on('end', () => afterExit(() => sock.push(null)));
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-2000);
  });
  child.stdin.on('error', () => undefined);
  child.on('error', (e) => {
    ended = `the ProxyCommand could not start: ${e.message}`;
    sock.destroy(new Error(ended));
  });
  child.on('exit', (code, signal) => {
    ended = `the ProxyCommand '${line}' ended (${signal ?? `rc=${code ?? '?'}`})${stderr.trim() ? `: ${stderr.trim()}` : ''}`;
  });
  return {
    sock,
    failure: () => ended,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}
