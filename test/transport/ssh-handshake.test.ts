// The SSH transport against servers on loopback that stop in the middle of the handshake: each ends
// as an UNREACHABLE error naming why, never as a run that waits forever.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { KnownHosts } from '../../engine/transport/known-hosts.js';
import { SshTransport } from '../../engine/transport/ssh.js';
import { UnreachableError } from '../../engine/transport/types.js';

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

async function listen(serve: (s: Socket) => void): Promise<number> {
  const open: Socket[] = [];
  server = createServer((s) => {
    open.push(s);
    s.on('error', () => undefined);
    serve(s);
  });
  server.on('close', () => open.forEach((s) => s.destroy()));
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
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
