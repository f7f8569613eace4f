// uri against Ansible's own module: the same requests under kplay and ansible-playbook, each engine in its
// own sandbox, to one HTTP server on loopback (test/support/http-child.mjs). Compared: each task's outcome
// and every key it registers (elapsed left out, the server's port named alike; the `(_ssl.c:LINE)` Python
// ends a TLS failure with is left out: kplay's curl does not know the host's Python build).
import { afterAll, describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { httpChild } from '../support/http-child.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const runnable = hasAnsible && canSandbox();
const server = runnable ? await httpChild() : { base: 'http://127.0.0.1:1', socket: '', tls: 'https://127.0.0.1:1', ca: '', stop: () => undefined };
const B = server.base;
const uri = (args: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ uri: args, ...extra });

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed' | 'skipped'][] = [
  [uri({ url: `${B}/text` }), 'ok'],
  [uri({ url: `${B}/text`, return_content: true }), 'ok'],
  [uri({ url: `${B}/echo?x=1` }), 'ok'],
  [uri({ url: `${B}/echo`, method: 'POST', body_format: 'json', body: { name: 'etcd', replicas: 3 }, status_code: 201 }), 'ok'],
  [uri({ url: `${B}/echo`, method: 'POST', body_format: 'form-urlencoded', body: { a: 'x y', b: 2 }, status_code: [200, 201] }), 'ok'],
  [uri({ url: `${B}/echo`, method: 'PUT', body: 'plain text', headers: { 'X-Kplay': 'yes', 'Content-Type': 'text/plain' } }), 'ok'],
  [uri({ url: `${B}/echo`, method: 'POST', body: 'x' }), 'failed'],
  [uri({ url: `${B}/status/404` }), 'failed'],
  [uri({ url: `${B}/status/404`, return_content: true }), 'failed'],
  [uri({ url: `${B}/status/404`, status_code: [200, 404] }), 'ok'],
  [uri({ url: `${B}/status/204`, status_code: 204 }), 'ok'],
  [uri({ url: `${B}/redirect/kubeadm` }), 'ok'],
  [uri({ url: `${B}/redirect/kubeadm`, follow_redirects: 'none', status_code: 302 }), 'ok'],
  [uri({ url: `${B}/redirect/kubeadm`, method: 'POST', body: 'x' }), 'failed'],
  [uri({ url: `${B}/auth/api` }), 'failed'],
  [uri({ url: `${B}/auth/api`, url_username: 'user', url_password: 'secret', force_basic_auth: true }), 'ok'],
  [uri({ url: `${B}/auth/api`, url_username: 'user', url_password: 'secret' }), 'ok'],
  [uri({ url: `${B}/cookies` }), 'ok'],
  [uri({ url: `${B}/text`, creates: '/etc/hostname' }), 'ok'],
  [uri({ url: `${B}/text`, removes: '/etc/kplay-nothing' }), 'ok'],
  [uri({ url: `${B}/text` }, { check_mode: true }), 'skipped'],
  [uri({ url: 'http://127.0.0.1:1/x' }), 'failed'],
  [uri({ url: `${B}/text`, method: 'get' }), 'ok'],
  [uri({ url: `${B}/text`, method: 'GET POST' }), 'failed'],
  [uri({ url: `${B}/echo`, method: 'PUT', body: 42 }), 'failed'],
  [uri({ url: `${B}/text`, status_code: ['ok'] }), 'failed'],
  [uri({ url: `${B}/status/404`, status_code: '200, 404' }), 'ok'],
  [uri({ url: `${B}/echo`, method: 'POST', body_format: 'json', body: { a: 'é', b: [true, null] }, headers: { 'content-type': 'application/merge-patch+json' }, status_code: 201 }), 'ok'],
  [uri({ url: `${B}/echo`, method: 'POST', body_format: 'form-urlencoded', body: { 'k*': ['a', 'b~c'], n: true }, status_code: 201 }), 'ok'],
  // through a Unix socket (a container engine's API): the URL's host is not looked up
  [uri({ url: 'http://localhost/text', unix_socket: server.socket, return_content: true }), 'ok'],
  [uri({ url: 'http://localhost/echo', method: 'POST', body_format: 'json', body: { image: 'pause' }, unix_socket: server.socket, status_code: 201, return_content: true }), 'ok'],
  [uri({ url: 'http://localhost/status/404', unix_socket: server.socket }), 'failed'],
  [uri({ url: 'http://localhost/text', unix_socket: `${server.socket}.missing` }), 'failed'],
  // a response too slow for the timeout; TLS: a self-signed certificate, a name it is not for, plain HTTP spoken TLS to
  [uri({ url: `${B}/slow/3`, timeout: 1 }), 'failed'],
  [uri({ url: `${server.tls}/text` }), 'failed'],
  [uri({ url: `${server.tls}/text`, validate_certs: false, return_content: true }), 'ok'],
  [uri({ url: `${server.tls}/text`, ca_path: server.ca, return_content: true }), 'ok'],
  [uri({ url: `${server.tls.replace('127.0.0.1', 'localhost')}/text`, ca_path: server.ca }), 'failed'],
  [uri({ url: `${server.tls}/text`, ca_path: '@WORK@/nothing.pem' }), 'failed'],
  [uri({ url: `${B.replace('http:', 'https:')}/text` }), 'failed'],
  // options only Ansible's module takes: the task runs as Ansible's module (the response saved on the host, a file of the host sent)
  [uri({ url: `${B}/text`, dest: '/etc/kplay-uri-text', mode: '0600' }), 'changed'],
  [{ command: "stat -c '%a %s' /etc/kplay-uri-text" }, 'changed'],
  [uri({ url: `${B}/echo`, method: 'POST', src: '/etc/kplay-uri-text', remote_src: true, status_code: 201, return_content: true }), 'ok'],
  [uri({ url: `${B}/text`, decompress: false, use_netrc: false }, { check_mode: true }), 'skipped'],
  // a controller file as src: copied to the host for the module, as Ansible's action copies it
  [uri({ url: `${B}/echo`, method: 'PUT', src: 'body.json', headers: { 'Content-Type': 'application/json' }, return_content: true }), 'ok'],
  // a form-multipart body: Ansible's module encodes it, a field's controller file copied to the host first
  [uri({ url: `${B}/status/200`, method: 'POST', body_format: 'form-multipart', body: { config: { filename: 'body.json', mime_type: 'application/json' }, name: 'etcd' } }), 'ok'],
  [uri({ url: `${B}/status/200`, method: 'POST', body_format: 'form-multipart', body: 'name=etcd' }), 'failed'],
];

describe.skipIf(!runnable)('uri, kplay vs ansible-playbook', () => {
  afterAll(() => server.stop());
  const run = bothEngines(
    steps.map(([t]) => t),
    { 'files/body.json': '{"replicas": 3}\n' },
  );
  const state = (x: Record<string, unknown>): string => (x.skipped === true ? 'skipped' : outcome(x));

  it('every task reports what Ansible reports', () => {
    const shown = (r: EngineRun): string[] => r.results.map((x, i) => `${i} ${JSON.stringify(steps[i]?.[0])}: ${state(x)}`);
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(run().kplay.results.map(state)).toEqual(steps.map(([, o]) => o));
  });

  it("registers what Ansible's uri registers, key by key", () => {
    const clean = (r: Record<string, unknown>): unknown => {
      // (a traceback is Python's own; a command's times are its own)
      const { elapsed: _e, invocation: _i, ansible_facts: _f, exception: _x, start: _s, end: _n, delta: _d, ...rest } = r;
      return JSON.parse(JSON.stringify(rest).split(B).join('@SERVER@').split(server.tls).join('@TLS@').replace(/ \(_ssl\.c:\d+\)/g, '').replace(/\/tmp\/kplay-sandbox-[^/]+/g, '@SANDBOX@')) as unknown;
    };
    const [kplay, ansible] = [run().kplay.results.map(clean), run().ansible.results.map(clean)];
    kplay.forEach((r, i) => expect({ i, task: steps[i]?.[0], r }).toEqual({ i, task: steps[i]?.[0], r: ansible[i] }));
  });
});
