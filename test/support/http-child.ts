// Starts http-child.mjs, the HTTP server the differential tests share with ansible-playbook: a process of
// its own, because the engines run synchronously and the test's event loop cannot answer meanwhile.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./http-child.mjs', import.meta.url));

/** The server's base URL, the Unix socket it also listens on, its base URL over TLS and the self-signed
 * certificate it serves there (a PEM file), and a way to stop it. */
export async function httpChild(): Promise<{ base: string; socket: string; tls: string; ca: string; stop: () => void }> {
  // (its standard input is the test's: the server ends when the test's process does, even when it dies)
  const child = spawn(process.execPath, [SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`the HTTP server exited with ${code}`)));
  });
  const [port = '', socket = '', tlsPort = '', ca = ''] = line.split(' ');
  return { base: `http://127.0.0.1:${port}`, socket, tls: `https://127.0.0.1:${tlsPort}`, ca, stop: () => child.kill() };
}
