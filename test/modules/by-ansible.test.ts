// Which module runs a get_url or uri task: kplay's own, or Ansible's when the task gives an option only
// Ansible's module takes (the differential tests run both against ansible-playbook).
import { describe, expect, it } from 'vitest';
import { GET_URL_BY_ANSIBLE, nativeOrAnsible, URI_BY_ANSIBLE, uriSrcRefused } from '../../engine/modules/by-ansible.js';
import type { ModuleContext, ModuleResult } from '../../engine/modules/types.js';

const native = async (): Promise<ModuleResult> => ({ changed: false, msg: 'native' });
const ctx = (args: Record<string, unknown>): ModuleContext => ({ args }) as unknown as ModuleContext;

describe('native or Ansible', () => {
  it.each([
    ['get_url with its common options', GET_URL_BY_ANSIBLE, { url: 'http://x/', dest: '/tmp/x', mode: '0644', client_cert: '/c.pem' }],
    ['uri with its common options', URI_BY_ANSIBLE, { url: 'http://x/', unix_socket: '/run/x.sock' }],
    ['an option only Ansible takes, given as null (not given)', GET_URL_BY_ANSIBLE, { url: 'http://x/', dest: '/tmp/x', tmp_dest: null }],
  ])('%s: kplay runs it', async (_why, byAnsible, args) => {
    expect(await nativeOrAnsible('get_url', native, byAnsible)(ctx(args))).toEqual({ changed: false, msg: 'native' });
  });

  it("uri's src from the controller (no remote_src) is refused in words, never read on the host", async () => {
    const r = await nativeOrAnsible('uri', native, URI_BY_ANSIBLE, 'ansible.legacy.uri', uriSrcRefused)(ctx({ url: 'http://x/', src: 'files/body.json' }));
    expect(r).toMatchObject({ failed: true, msg: expect.stringMatching(/only from the host \(remote_src: true\)/) as unknown });
    expect(uriSrcRefused({ src: '/etc/x', remote_src: true })).toBeUndefined();
    expect(uriSrcRefused({ dest: '/etc/x' })).toBeUndefined();
  });
});
