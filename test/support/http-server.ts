// A local HTTP server for the get_url and uri tests: routes by path, records every request it got.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Starts a server on 127.0.0.1; `route` answers each request (its body already read). */
export async function httpServer(route: (req: SeenRequest, res: ServerResponse) => void): Promise<{ base: string; seen: SeenRequest[]; close: () => void }> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? 'GET', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(r);
      route(r, res);
    });
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen, close: () => server.close() };
}
