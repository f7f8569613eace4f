// A small HTTP server on loopback for the get_url and uri differential tests, run as a child process
// (the engines run synchronously, so the test's own event loop cannot serve). It prints its port and the
// Unix socket it also listens on, then
// serves: /files/NAME (fixed contents), /SHA256SUMS (their sums), /redirect/NAME (302 to the file),
// /app.tgz (a small gzipped tar), /status/CODE, /disposition (a file named by
// Content-Disposition), /auth/NAME (basic auth user:secret), /echo (the request as JSON), /text, /cookies,
// /slow/SECONDS (answers after that long). The same requests are served over TLS on another port, with a
// self-signed certificate for 127.0.0.1 made here at start (its cert.pem printed for clients to trust).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FILES = {
  kubeadm: 'kubeadm v1.29.3\n',
  kubeadm2: 'kubeadm v1.30.0\n',
  'etcd.tar': 'etcd archive\n'.repeat(100),
};
// a gzipped tar of app/conf.yaml and app/bin/run (for unarchive's URL source), made once, removed on exit
const work = mkdtempSync(join(tmpdir(), 'kplay-http-'));
mkdirSync(join(work, 'app/bin'), { recursive: true });
writeFileSync(join(work, 'app/conf.yaml'), 'replicas: 3\n');
writeFileSync(join(work, 'app/bin/run'), '#!/bin/sh\necho run\n');
execFileSync('tar', ['-czf', join(work, 'app.tgz'), '-C', work, 'app']);
const TGZ = readFileSync(join(work, 'app.tgz'));
rmSync(work, { recursive: true, force: true });

const sums = Object.entries(FILES)
  .map(([name, text]) => `${createHash('sha256').update(text).digest('hex')}  ${name}\n`)
  .join('');

// every response has the same headers whoever asks (no Date, no keep-alive), so both engines see alike
function send(res, code, body, headers = {}) {
  const bytes = Buffer.from(body);
  res.sendDate = false;
  res.writeHead(code, { 'Content-Length': String(bytes.length), Connection: 'close', ...headers });
  res.end(bytes);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, first = '', rest = ''] = /^\/([^/]*)\/?(.*)$/.exec(url.pathname) ?? [];
    if (first === 'files' && rest in FILES) return send(res, 200, FILES[rest], { 'Content-Type': 'application/octet-stream' });
    if (first === 'app.tgz') return send(res, 200, TGZ, { 'Content-Type': 'application/gzip' });
    if (first === 'SHA256SUMS') return send(res, 200, sums, { 'Content-Type': 'text/plain' });
    if (first === 'redirect') return send(res, 302, '', { Location: `/files/${rest}` });
    if (first === 'status') return send(res, Number(rest), `status ${rest}\n`, { 'Content-Type': 'text/plain' });
    if (first === 'auth') {
      const wanted = `Basic ${Buffer.from('user:secret').toString('base64')}`;
      if (req.headers.authorization !== wanted) return send(res, 401, 'who are you\n', { 'WWW-Authenticate': 'Basic realm="kplay"', 'Content-Type': 'text/plain' });
      return rest in FILES ? send(res, 200, FILES[rest], { 'Content-Type': 'application/octet-stream' }) : send(res, 200, '{"ok": true}', { 'Content-Type': 'application/json' });
    }
    if (first === 'echo') {
      const body = Buffer.concat(chunks).toString('utf8');
      const echo = { method: req.method, body, type: req.headers['content-type'] ?? null, custom: req.headers['x-kplay'] ?? null, query: url.search };
      return send(res, req.method === 'POST' ? 201 : 200, JSON.stringify(echo), { 'Content-Type': 'application/json' });
    }
    if (first === 'disposition') return send(res, 200, FILES.kubeadm, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': 'attachment; filename="named.bin"' });
    if (first === 'text') return send(res, 200, 'hello\n', { 'Content-Type': 'text/plain; charset=utf-8' });
    if (first === 'slow') return void setTimeout(() => send(res, 200, 'late\n', { 'Content-Type': 'text/plain' }), Number(rest) * 1000);
    if (first === 'cookies') return send(res, 200, 'ok\n', { 'Content-Type': 'text/plain', 'Set-Cookie': ['a=1; Path=/', 'b=2; Path=/'] });
    return send(res, 404, 'not found\n', { 'Content-Type': 'text/plain' });
  });
});

// the test's process holds the other end of standard input: when it ends, so does the server
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

// the same server on a Unix socket too (uri's unix_socket), in a directory removed on exit
const sockDir = mkdtempSync(join(tmpdir(), 'kplay-http-sock-'));
const socket = join(sockDir, 'http.sock');
process.on('exit', () => rmSync(sockDir, { recursive: true, force: true }));
process.on('SIGTERM', () => process.exit(0));
const onSocket = createServer(server.listeners('request')[0]);
// a self-signed certificate for 127.0.0.1 (made with the machine's openssl; cert.pem stays for clients to trust)
const certDir = join(sockDir, 'tls');
mkdirSync(certDir);
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
const onTls = createTlsServer({ key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) }, server.listeners('request')[0]);
rmSync(join(certDir, 'key.pem'), { force: true });
server.listen(0, '127.0.0.1', () => {
  onSocket.listen(socket, () => onTls.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port} ${socket} ${onTls.address().port} ${join(certDir, 'cert.pem')}\n`)));
});
