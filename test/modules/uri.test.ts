// uri against a local HTTP server through the real local transport (curl on the "host"): the result
// keys and messages as ansible-playbook's uri gives them for the same requests.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleContext, ModuleResult } from '../../engine/modules/types.js';
import { httpServer } from '../support/http-server.js';
import { moduleContext } from '../support/module-context.js';
import { writeTree } from '../support/tree.js';

let server: Awaited<ReturnType<typeof httpServer>>;

beforeAll(async () => {
  server = await httpServer((req, res) => {
    if (req.url === '/j.json') {
      res.setHeader('content-type', 'application/json');
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2']);
      return res.end('{"a": [1, 2], "b": "x"}');
    }
    if (req.url === '/echo') return res.setHeader('content-type', 'application/json'), res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'], body: req.body, auth: req.headers.authorization ?? null, agent: req.headers['x-kplay'] ?? null }));
    if (req.url === '/moved') {
      res.writeHead(302, 'Found', { location: '/j.json' });
      return res.end();
    }
    res.writeHead(404, 'File not found');
    res.end();
  });
});
afterAll(() => server.close());

const uri = (args: Record<string, unknown>, ctx: Partial<ModuleContext> = {}): Promise<ModuleResult> => (IMPLEMENTATIONS.uri as (c: ModuleContext) => Promise<ModuleResult>)(moduleContext(args, ctx));

describe('uri', () => {
  it('GET: status, msg, headers as keys, json for a JSON body, cookies; content only with return_content', async () => {
    const r = await uri({ url: `${server.base}/j.json` });
    expect(r).toMatchObject({ changed: false, status: 200, msg: 'OK (23 bytes)', content_type: 'application/json', content_length: '23', json: { a: [1, 2], b: 'x' }, redirected: false, cookies: { a: '1', b: '2' }, cookies_string: 'a=1; b=2', url: `${server.base}/j.json` });
    expect(r.content).toBeUndefined();
    expect((await uri({ url: `${server.base}/j.json`, return_content: true })).content).toBe('{"a": [1, 2], "b": "x"}');
  });

  it('a status outside status_code fails with Ansible\'s message; listed, it passes', async () => {
    expect(await uri({ url: `${server.base}/nope` })).toMatchObject({ failed: true, status: 404, msg: 'Status code was 404 and not [200]: HTTP Error 404: File not found' });
    const ok = await uri({ url: `${server.base}/nope`, status_code: [200, 404] });
    expect(ok).toMatchObject({ status: 404, msg: 'HTTP Error 404: File not found' });
    expect(ok.failed).toBeUndefined();
  });

  it('sends JSON and form bodies with their content type, headers and credentials (never on the command line)', async () => {
    const commands: string[] = [];
    const ctx = moduleContext({ url: `${server.base}/echo`, method: 'POST', body: { k: 'v', n: [1] }, body_format: 'json', headers: { 'X-Kplay': 'yes' }, url_username: 'op', url_password: 's3cret', force_basic_auth: true });
    const run = ctx.host.run.bind(ctx.host);
    ctx.host.run = (c, o) => (commands.push(c), run(c, o));
    const r = await (IMPLEMENTATIONS.uri as (c: ModuleContext) => Promise<ModuleResult>)(ctx);
    expect(r.json).toEqual({ method: 'POST', type: 'application/json', body: '{"k": "v", "n": [1]}', auth: `Basic ${Buffer.from('op:s3cret').toString('base64')}`, agent: 'yes' });
    expect(commands.join('\n')).not.toContain('s3cret');
    // a line break in a header would be another header (or another curl setting): refused, never sent
    await expect(uri({ url: `${server.base}/echo`, headers: { 'X-Kplay': 'a\nX-Other: b' } })).rejects.toThrow('must be one line');
    const form = await uri({ url: `${server.base}/echo`, method: 'PUT', body: { a: 'b c', d: 1 }, body_format: 'form-urlencoded' });
    expect(form.json).toMatchObject({ method: 'PUT', type: 'application/x-www-form-urlencoded', body: 'a=b+c&d=1' });
  });

  it('follows a redirect for GET (redirected: true) but not for POST by default; creates skips the request', async () => {
    expect(await uri({ url: `${server.base}/moved` })).toMatchObject({ status: 200, redirected: true, json: { b: 'x' } });
    expect(await uri({ url: `${server.base}/moved`, method: 'POST', status_code: 302 })).toMatchObject({ status: 302, redirected: false });
    const root = writeTree({ there: '' });
    const before = server.seen.length;
    expect(await uri({ url: `${server.base}/j.json`, creates: join(root, 'there') })).toMatchObject({ changed: false, stdout: `skipped, since '${join(root, 'there')}' exists` });
    expect(server.seen.length).toBe(before);
  });
});
