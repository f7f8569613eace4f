// get_url against Ansible's own module: the same downloads under kplay and ansible-playbook, each engine
// in its own sandboxed /etc, from one HTTP server on loopback (test/support/http-child.mjs). Compared:
// each task's outcome, every key it registers (elapsed left out, the server's port named alike) and the
// files left, with their modes.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { bothEngines, outcome, registeredPairs, type EngineRun } from '../support/differential-play.js';
import { httpChild } from '../support/http-child.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const D = '/etc/kplay-g';
const runnable = hasAnsible && canSandbox();
const server = runnable ? await httpChild() : { base: 'http://127.0.0.1:1', tls: 'https://127.0.0.1:1', stop: () => undefined };
const B = server.base;
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const get = (args: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ get_url: args, ...extra });

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ file: { path: D, state: 'directory' } }, 'changed'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/kubeadm`, mode: '0755' }), 'changed'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/kubeadm`, mode: '0755' }), 'ok'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/kubeadm`, force: true }), 'ok'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/kubeadm`, mode: '0700' }), 'changed'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/kubeadm`, checksum: `sha256:${sha256('kubeadm v1.29.3\n')}` }), 'ok'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/bad`, checksum: `sha256:${sha256('something else')}` }), 'failed'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/summed`, checksum: `sha256:${B}/SHA256SUMS` }), 'changed'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/summed`, checksum: `sha256:${B}/SHA256SUMS` }), 'ok'],
  [get({ url: `${B}/files/etcd.tar`, dest: D }), 'changed'],
  [get({ url: `${B}/files/etcd.tar`, dest: D }), 'ok'],
  [get({ url: `${B}/redirect/kubeadm2`, dest: `${D}/redirected` }), 'changed'],
  [get({ url: `${B}/status/404`, dest: `${D}/missing` }), 'failed'],
  [get({ url: `${B}/status/500`, dest: `${D}/broken` }), 'failed'],
  [get({ url: `${B}/auth/kubeadm`, dest: `${D}/private` }), 'failed'],
  [get({ url: `${B}/auth/kubeadm`, dest: `${D}/private`, url_username: 'user', url_password: 'secret', force_basic_auth: true, mode: '0600' }), 'changed'],
  [get({ url: `${B}/auth/kubeadm`, dest: `${D}/private2`, url_username: 'user', url_password: 'secret' }), 'changed'],
  [get({ url: `${B}/files/kubeadm2`, dest: `${D}/kubeadm`, force: true, backup: true }), 'changed'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/checked` }, { check_mode: true }), 'changed'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/kubeadm`, force: true }, { check_mode: true }), 'changed'],
  [get({ url: `${B}/files/kubeadm2`, dest: `${D}/nodir/kubeadm` }), 'failed'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/kubeadm`, checksum: 'sha256' }), 'failed'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/kubeadm`, checksum: 'sha256:not hex!' }), 'failed'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/kubeadm`, checksum: `md4:${sha256('x')}` }), 'failed'],
  [get({ url: `${B}/files/other`, dest: `${D}/other`, checksum: `sha256:${B}/SHA256SUMS` }), 'failed'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/other`, checksum: `sha256:${B}/status/404` }), 'failed'],
  [get({ url: 'http://127.0.0.1:1/kubeadm', dest: `${D}/refused` }), 'failed'],
  [get({ url: `${B}/disposition`, dest: D }), 'changed'],
  [get({ url: `${B}/files/kubeadm`, dest: `${D}/summed`, checksum: `sha1:${'0'.repeat(40)}` }), 'failed'],
  // options only Ansible's module takes: the task runs as Ansible's module
  [get({ url: `${B}/files/kubeadm2`, dest: `${D}/plain`, decompress: false, use_netrc: false, unredirected_headers: ['Authorization'] }), 'changed'],
  [get({ url: `${B}/files/kubeadm2`, dest: `${D}/plain`, decompress: false }), 'ok'],
  [get({ url: `${B}/files/etcd.tar`, dest: `${D}/viatmp`, tmp_dest: D, mode: '0640' }), 'changed'],
  // a response too slow for the timeout; TLS: a self-signed certificate, checked then not, plain HTTP spoken TLS to
  [get({ url: `${B}/slow/3`, dest: `${D}/slow`, timeout: 1 }), 'failed'],
  [get({ url: `${server.tls}/files/kubeadm`, dest: `${D}/tls` }), 'failed'],
  [get({ url: `${server.tls}/files/kubeadm`, dest: `${D}/tls`, validate_certs: false }), 'changed'],
  [get({ url: `${B.replace('http:', 'https:')}/files/kubeadm`, dest: `${D}/tls2` }), 'failed'],
  // a file: URL (a repository key on the host): read whole each time, no HTTP status
  [get({ url: 'file://@WORK@/local/Release.key', dest: `${D}/key.asc` }, { check_mode: true }), 'changed'],
  [get({ url: 'file://@WORK@/local/Release.key', dest: `${D}/key.asc`, mode: '0644' }), 'changed'],
  [get({ url: 'file://@WORK@/local/Release.key', dest: `${D}/key.asc`, mode: '0644' }), 'ok'],
  [{ copy: { dest: '@WORK@/local/Release.key', content: 'another key\n' } }, 'changed'],
  [get({ url: 'file://@WORK@/local/Release.key', dest: `${D}/key.asc`, mode: '0644' }), 'changed'],
  [get({ url: 'file://@WORK@/local/nothing', dest: `${D}/nothing` }), 'failed'],
  [get({ url: 'file://@WORK@/local', dest: `${D}/dir` }), 'failed'],
];

// Where kplay keeps to what get_url documents, not to what 2.14's module does (the rows' indexes):
// - force: no keeps an existing file without a request (2.14 downloads it again, ansible/ansible#64016,
//   and replaces it when the server's copy differs): "file already exists", with only its attributes set;
// - a download whose checksum does not match fails before it replaces anything, so nothing changed
//   (2.14 moves it into place, then deletes dest: a file that was there is gone).
const KEPT: Record<number, Record<string, unknown>> = {
  2: { changed: false, msg: 'file already exists', checksum_src: null, checksum_dest: null },
  4: { changed: true, msg: 'file already exists but file attributes changed', checksum_src: null, checksum_dest: null, mode: '0700' },
  6: { changed: false, failed: true },
  28: { changed: false, failed: true },
};

// every path under the directory: kind, mode, owner, group and size (backups named alike)
const tree = (run: EngineRun): string[] =>
  execFileSync('find', [run.sandbox.path(D), '-printf', '%P %y %m %u %g %s\\n'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~/, '.BACKUP~'))
    .sort();

describe.skipIf(!runnable)('get_url, kplay vs ansible-playbook', () => {
  afterAll(() => server.stop());
  const run = bothEngines(
    steps.map(([t]) => t),
    { 'local/Release.key': 'a key\n' },
  );

  it('every task reports what Ansible reports', () => {
    const shown = (r: EngineRun): string[] => r.results.map((x, i) => `${i} ${JSON.stringify(steps[i]?.[0])}: ${outcome(x)}`);
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it("registers what Ansible's get_url registers, key by key", () => {
    const { kplay, ansible } = registeredPairs(run().kplay, run().ansible);
    const clean = (r: unknown): unknown => {
      const { elapsed: _e, ...rest } = r as Record<string, unknown>;
      // (tmp_dest's download has a random name)
      // (the `(_ssl.c:LINE)` Python ends a TLS failure with is left out: kplay's curl does not know the host's Python build)
      return JSON.parse(JSON.stringify(rest).split(B).join('@SERVER@').split(server.tls).join('@TLS@').replace(/\/tmp[\w]{8}"/g, '/tmpXXXXXXXX"').replace(/ \(_ssl\.c:\d+\)/g, '')) as unknown;
    };
    kplay.forEach((r, i) => {
      if (i in KEPT) expect(clean(r)).toMatchObject(KEPT[i] ?? {});
      else expect({ i, task: steps[i]?.[0], r: clean(r) }).toEqual({ i, task: steps[i]?.[0], r: clean(ansible[i]) });
    });
  });

  it('leaves the same files, modes and owners (but the file 2.14 deletes on a checksum mismatch)', () => {
    const ansible = tree(run().ansible);
    expect(ansible.some((l) => l.startsWith('summed '))).toBe(false);
    expect(tree(run().kplay).filter((l) => !l.startsWith('summed '))).toEqual(ansible);
    expect(tree(run().kplay)).toContain('summed f 644 root root 16');
  });
});
