// get_url against a local HTTP server through the real local transport (curl on the "host"): one case
// per row of behaviour, the result keys and messages as ansible-playbook's get_url gives them.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleResult } from '../../engine/modules/types.js';
import { httpServer } from '../support/http-server.js';
import { moduleContext } from '../support/module-context.js';
import { writeTree } from '../support/tree.js';

const SHA256 = 'd4e4877bac978b7952f0d544fc52ebff5411d351d129f1f056fa43f11da9af2b'; // "payload\n"
let body = 'payload\n';
let server: Awaited<ReturnType<typeof httpServer>>;
let base = '';

beforeAll(async () => {
  server = await httpServer((req, res) => {
    if (req.url === '/f.bin') return res.end(body);
    if (req.url === '/SHA256SUMS') return res.end(`${SHA256}  f.bin\n0000  other.bin\n`);
    if (req.url === '/private') {
      if (req.headers.authorization !== `Basic ${Buffer.from('op:s3cret').toString('base64')}`) {
        res.writeHead(401, 'Unauthorized', { 'www-authenticate': 'Basic realm="x"' });
        return res.end();
      }
      return res.end('secret data\n');
    }
    res.writeHead(404, 'File not found');
    res.end();
  });
  base = server.base;
});
afterAll(() => server.close());

const getUrl = (args: Record<string, unknown>, check = false): Promise<ModuleResult> => (IMPLEMENTATIONS.get_url as (c: ReturnType<typeof moduleContext>) => Promise<ModuleResult>)(moduleContext(args, { check }));
const mode = (p: string): string => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

describe('get_url', () => {
  it('downloads once (mode given), keeps an existing file without force, names the file after the URL in a directory', async () => {
    const root = writeTree({ 'dl/.keep': '' });
    const dest = join(root, 'dl/a.bin');
    expect(await getUrl({ url: `${base}/f.bin`, dest }, true)).toMatchObject({ changed: true });
    expect(existsSync(dest)).toBe(false);
    const r = await getUrl({ url: `${base}/f.bin`, dest, mode: '0640' });
    expect(r).toMatchObject({ changed: true, msg: 'OK (8 bytes)', status_code: 200, checksum_src: '997e49bbf4ad5ee847d0e77aa30648c70c71323c', checksum_dest: null, md5sum: '249c850f62ea50feb918b095fc56d763', size: 8, mode: '0640', state: 'file', dest });
    expect(readFileSync(dest, 'utf8')).toBe('payload\n');
    expect(mode(dest)).toBe('0640');
    // add_path_info's keys, on the file kept too
    expect(await getUrl({ url: `${base}/f.bin`, dest })).toMatchObject({ changed: false, msg: 'file already exists', mode: '0640', state: 'file', size: 8, uid: process.getuid?.(), owner: userInfo().username });
    expect(await getUrl({ url: `${base}/f.bin`, dest: join(root, 'dl') })).toMatchObject({ changed: true, dest: join(root, 'dl/f.bin') });
    expect(readdirSync(join(root, 'dl')).sort()).toEqual(['.keep', 'a.bin', 'f.bin']);
  });

  it('verifies a checksum (a value or a checksum file) before anything is written; a matching file is kept', async () => {
    const root = writeTree({});
    const dest = join(root, 'c.bin');
    const bad = await getUrl({ url: `${base}/f.bin`, dest, checksum: `sha256:${'0'.repeat(64)}` });
    expect(bad).toMatchObject({ failed: true, msg: `The checksum for ${dest} did not match ${'0'.repeat(64)}; it was ${SHA256}.` });
    expect(readdirSync(root)).toEqual([]);
    expect(await getUrl({ url: `${base}/f.bin`, dest, checksum: `sha256:${base}/SHA256SUMS` })).toMatchObject({ changed: true });
    const before = server.seen.length;
    expect(await getUrl({ url: `${base}/f.bin`, dest, checksum: `sha256:${SHA256}` })).toMatchObject({ changed: false, msg: 'file already exists' });
    expect(server.seen.length).toBe(before); // not downloaded again
    // an algorithm Python's hashlib lacks, refused before any request, in Ansible's words
    const asked = server.seen.length;
    expect(await getUrl({ url: `${base}/f.bin`, dest, checksum: 'crc:1' })).toMatchObject({ failed: true, msg: `Could not hash file '${dest}' with algorithm 'crc'. Available algorithms: md5, sha1, sha224, sha256, sha384, sha512` });
    expect(await getUrl({ url: `${base}/f.bin`, dest, checksum: 'crc' })).toMatchObject({ failed: true, msg: 'The checksum parameter has to be in format <algorithm>:<checksum>' });
    expect(server.seen.length).toBe(asked);
  });

  it('force: true downloads again and replaces the file only when the content changed (backup kept)', async () => {
    const root = writeTree({ 'f.bin': 'payload\n' });
    const dest = join(root, 'f.bin');
    expect(await getUrl({ url: `${base}/f.bin`, dest, force: true })).toMatchObject({ changed: false });
    body = 'payload v2\n';
    try {
      const r = await getUrl({ url: `${base}/f.bin`, dest, force: true, backup: true });
      expect(r).toMatchObject({ changed: true, checksum_dest: '997e49bbf4ad5ee847d0e77aa30648c70c71323c' });
      expect(readFileSync(dest, 'utf8')).toBe('payload v2\n');
      expect(readFileSync(String(r.backup_file), 'utf8')).toBe('payload\n');
    } finally {
      body = 'payload\n';
    }
    expect(readdirSync(root).filter((f) => f.startsWith('.kplay'))).toEqual([]);
  });

  it('reports an HTTP error as Ansible does; credentials reach the server, not the command line', async () => {
    const root = writeTree({});
    expect(await getUrl({ url: `${base}/nope`, dest: join(root, 'd.bin') })).toMatchObject({ failed: true, msg: 'Request failed', response: 'HTTP Error 404: File not found', status_code: 404 });
    const commands: string[] = [];
    const ctx = moduleContext({ url: `${base}/private`, dest: join(root, 'p'), url_username: 'op', url_password: 's3cret', force_basic_auth: true });
    const run = ctx.host.run.bind(ctx.host);
    ctx.host.run = (c, o) => (commands.push(c), run(c, o));
    expect(await (IMPLEMENTATIONS.get_url as (c: typeof ctx) => Promise<ModuleResult>)(ctx)).toMatchObject({ changed: true });
    expect(readFileSync(join(root, 'p'), 'utf8')).toBe('secret data\n');
    expect(commands.join('\n')).not.toContain('s3cret');
  });
});
