// The SSH transport against servers on loopback that stop in the middle of the handshake: each ends
// as an UNREACHABLE error naming why, never as a run that waits forever. And OpenSSH's ConnectionAttempts
// and Ansible's ssh retries, counted by the servers.
import { createServer, type Server, type Socket } from 'node:net';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import type { KnownHosts } from '../../engine/transport/known-hosts.js';
import { SshTransport } from '../../engine/transport/ssh.js';
import { UnreachableError } from '../../engine/transport/types.js';
import { hostKey } from '../support/host-key.js';

const BANNER = 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n';

/** What the server does with each connection, and the message the transport must give. */
const rows: { name: string; serve: (s: Socket) => void; connectTimeoutMs: number; message: RegExp }[] = [
  { name: 'closes at once', serve: (s) => s.end(), connectTimeoutMs: 60_000, message: /Connection lost before handshake/ },
  { name: 'sends its banner, then closes', serve: (s) => (s.write(BANNER), setTimeout(() => s.end(), 50)), connectTimeoutMs: 60_000, message: /Connection closed by remote host \(127\.0\.0\.1:\d+\)$/ },
  {
    name: 'reads the key exchange, then closes (sshd killed mid-handshake)',
    serve: (s) => {
      s.write(BANNER);
      s.once('data', () => setTimeout(() => s.end(), 100));
    },
    connectTimeoutMs: 60_000,
    message: /Connection closed by remote host/,
  },
  { name: 'sends its banner, then says nothing', serve: (s) => s.write(BANNER), connectTimeoutMs: 300, message: /Timed out while waiting for handshake/ },
];

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

async function listen(serve: (s: Socket) => void, port = 0): Promise<number> {
  const open: Socket[] = [];
  server = createServer((s) => {
    open.push(s);
    s.on('error', () => undefined);
    serve(s);
  });
  server.on('close', () => open.forEach((s) => s.destroy()));
  await new Promise<void>((r) => server?.listen(port, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  return addr.port;
}

const anyKey = { verify: () => ({ kind: 'known' }), add: () => undefined, path: '/dev/null' } as unknown as KnownHosts;

describe('SSH handshake cut short', () => {
  it.each(rows)('a server that $name leaves the host UNREACHABLE', async ({ serve, connectTimeoutMs, message }) => {
    const port = await listen(serve);
    const t = new SshTransport({ name: 'h', host: '127.0.0.1', port, user: 'u', keys: [], password: 'p', agent: undefined, knownHosts: anyKey, hostKeyChecking: false, acceptNewHostKeys: false, connectTimeoutMs });
    const outcome = await Promise.race([t.exec('true').then(() => 'ran', (e: unknown) => e), new Promise((r) => setTimeout(() => r('still waiting after 5 s'), 5000))]);
    expect(outcome).toBeInstanceOf(UnreachableError);
    expect((outcome as Error).message).toMatch(/^Failed to connect to the host via ssh: /);
    expect((outcome as Error).message).toMatch(message);
    await t.close();
  });
});

const settings = (port: number, more: Partial<ConstructorParameters<typeof SshTransport>[0]> = {}): ConstructorParameters<typeof SshTransport>[0] => ({
  name: 'h',
  host: '127.0.0.1',
  port,
  user: 'u',
  keys: [],
  password: undefined,
  agent: undefined,
  knownHosts: anyKey,
  hostKeyChecking: false,
  acceptNewHostKeys: false,
  connectTimeoutMs: 60_000,
  ...more,
});

const failure = (t: SshTransport): Promise<string> => t.exec('true').then(() => 'ran', (e: unknown) => (e instanceof UnreachableError ? e.message : String(e)));

describe('connection attempts and retries', () => {
  it.each([
    [1, /ECONNREFUSED/],
    // the second attempt, a second later, finds the server (which closes: not tried again)
    [3, /Connection lost before handshake/],
  ] as const)('ConnectionAttempts %i: a refused TCP connection is tried again a second later', async (attempts, message) => {
    const port = await listen(() => undefined);
    await new Promise((r) => server?.close(r));
    const t = new SshTransport(settings(port, { connectionAttempts: attempts }));
    const later = setTimeout(() => void listen((s) => s.end(), port), 300);
    try {
      expect(await failure(t)).toMatch(message);
    } finally {
      clearTimeout(later);
      await t.close();
    }
  });

  it.each([
    ['no password: a failed connection is tried again (retries 2: three connections)', undefined, 3],
    ['a refused password is not tried again, as sshpass exit 5 in Ansible', 'p', 1],
  ] as const)('retries: %s', async (_what, password, connections) => {
    const { Server } = ssh2;
    let count = 0;
    const srv = new Server({ hostKeys: [hostKey()] }, (client) => {
      count++;
      client.on('error', () => undefined);
      client.on('authentication', (ctx) => ctx.reject());
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const t = new SshTransport(settings((srv.address() as { port: number }).port, { password, retries: 2 }));
    try {
      expect(await failure(t)).toMatch(/authentication as u failed/);
      expect(count).toBe(connections);
    } finally {
      await t.close();
      srv.close();
    }
  });
});
