// Which module runs a get_url or uri task: kplay's own, or Ansible's when the task gives an option only
// Ansible's module takes (the differential tests run both against ansible-playbook).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GET_URL_BY_ANSIBLE, nativeOrAnsible, URI_BY_ANSIBLE, uriStaged } from '../../engine/modules/by-ansible.js';
import type { ModuleContext, ModuleResult } from '../../engine/modules/types.js';

const native = async (): Promise<ModuleResult> => ({ changed: false, msg: 'native' });
// the controller's files the tests stage, in one directory removed after
const work = mkdtempSync(join(tmpdir(), 'kplay-uri-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ctx = (args: Record<string, unknown>): ModuleContext => ({ args }) as unknown as ModuleContext;

describe('native or Ansible', () => {
  it.each([
    ['get_url with its common options', GET_URL_BY_ANSIBLE, { url: 'http://x/', dest: '/tmp/x', mode: '0644', client_cert: '/c.pem' }],
    ['uri with its common options', URI_BY_ANSIBLE, { url: 'http://x/', unix_socket: '/run/x.sock' }],
    ['an option only Ansible takes, given as null (not given)', GET_URL_BY_ANSIBLE, { url: 'http://x/', dest: '/tmp/x', tmp_dest: null }],
  ])('%s: kplay runs it', async (_why, byAnsible, args) => {
    expect(await nativeOrAnsible('get_url', native, byAnsible)(ctx(args))).toEqual({ changed: false, msg: 'native' });
  });

  it("uri's src from the controller is copied to a temporary directory on the host, removed after", async () => {
    const ran: string[] = [];
    const written: [string, string][] = [];
    const host = {
      run: async (c: string) => {
        ran.push(c);
        return { rc: 0, stdout: c.startsWith('mktemp') ? '/tmp/.kplay-http.abc\n' : '', stderr: '', stdoutBytes: Buffer.alloc(0) };
      },
      write: async (p: string, b: Buffer) => void written.push([p, b.toString()]),
    };
    const local = join(work, 'body.json');
    writeFileSync(local, '{"a": 1}');
    const staged = await uriStaged({ args: { url: 'http://x/', src: 'body.json' }, check: false, host, findLocal: (kind: string, src: string) => (kind === 'files' && src === 'body.json' ? local : undefined) } as unknown as ModuleContext);
    expect(staged).toMatchObject({ args: { url: 'http://x/', src: '/tmp/.kplay-http.abc/body.json' } });
    expect(written).toEqual([['/tmp/.kplay-http.abc/body.json', '{"a": 1}']]);
    await ('cleanup' in staged ? staged.cleanup?.() : undefined);
    expect(ran.at(-1)).toBe("rm -rf -- /tmp/.kplay-http.abc");
  });

  it.each([
    ['with remote_src, the host\'s own file', { url: 'http://x/', src: '/etc/x', remote_src: true }, false],
    ['in check mode (the module does not run)', { url: 'http://x/', src: 'body.json' }, true],
  ])('%s: the arguments as they are', async (_why, args, check) => {
    expect(await uriStaged({ args, check, findLocal: () => undefined } as unknown as ModuleContext)).toEqual({ args });
  });

  it("a form-multipart body's field files from the controller are copied to the host; a field with content, or plain text, stays", async () => {
    const written: string[] = [];
    const host = {
      run: async (c: string) => ({ rc: 0, stdout: c.startsWith('mktemp') ? '/tmp/.kplay-http.m\n' : '', stderr: '', stdoutBytes: Buffer.alloc(0) }),
      write: async (p: string) => void written.push(p),
    };
    const local = join(work, 'ca.pem');
    writeFileSync(local, 'PEM');
    const body = { cert: { filename: 'ca.pem', mime_type: 'application/x-pem-file' }, inline: { filename: 'x.txt', content: 'given' }, name: 'etcd' };
    const staged = await uriStaged({ args: { url: 'http://x/', body_format: 'form-multipart', body }, check: false, host, findLocal: (_k: string, s: string) => (s === 'ca.pem' ? local : undefined) } as unknown as ModuleContext);
    expect(staged).toMatchObject({ args: { body: { cert: { filename: '/tmp/.kplay-http.m/ca.pem', mime_type: 'application/x-pem-file' }, inline: { filename: 'x.txt', content: 'given' }, name: 'etcd' } } });
    expect(written).toEqual(['/tmp/.kplay-http.m/ca.pem']);
    expect(await uriStaged({ args: { url: 'http://x/', body_format: 'form-multipart', body: ['a'] }, check: false } as unknown as ModuleContext)).toEqual({ fail: 'body must be mapping, cannot be type AnsibleSequence' });
  });

  it('a src the controller does not have is an error naming where it was looked for', async () => {
    expect(await uriStaged({ args: { url: 'http://x/', src: 'nosuch.json' }, check: false, findLocal: () => undefined, missingLocal: (_k: string, src: string) => `Could not find or access '${src}' (as Ansible says it)` } as unknown as ModuleContext)).toEqual({ fail: "Could not find or access 'nosuch.json' (as Ansible says it)" });
  });
});
