// deb822_repository in a sandbox (a copy of /etc): .sources files and keys as expected. Ansible 2.14 (the
// oracle here) has no deb822_repository; with KPLAY_DEB822_ORACLE naming ansible-core's own module file
// (lib/ansible/modules/deb822_repository.py of 2.15 or later; the host needs python3-debian) the same
// tasks also run through it (from a library/ directory, two imports adapted to 2.14) and must agree.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcome, runEngine, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const KEY = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEYCQjIxYJKwYBBAHaRw8BAQdAD/P5Nvvnvk66SxBBHDbhRml9ORg1WV5CvzKY\n=IE0r\n-----END PGP PUBLIC KEY BLOCK-----\n';
const K8S = { name: 'Kubernetes Core', uris: 'https://pkgs.k8s.io/core:/stable:/v1.30/deb/', suites: '/', signed_by: '/etc/apt/keyrings/kubernetes.gpg' };
const DOCKER = { name: 'docker_ce', types: ['deb'], uris: 'https://download.docker.com/linux/debian', suites: ['bookworm'], components: 'stable', architectures: 'amd64', signed_by: 'file://@WORK@/docker.asc' };

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ copy: { dest: '/etc/apt/keyrings/kubernetes.gpg', content: 'binary key\n' } }, 'changed'],
  [{ deb822_repository: K8S }, 'changed'],
  [{ deb822_repository: K8S }, 'ok'],
  [{ deb822_repository: DOCKER }, 'changed'],
  [{ deb822_repository: DOCKER }, 'ok'],
  [{ deb822_repository: { name: 'Inline Key', types: 'deb,deb-src', uris: ['http://a.example.test/debian', 'http://b.example.test/debian'], suites: 'bookworm', components: ['main', 'contrib'], signed_by: KEY, enabled: false, trusted: true, date_max_future: 10, check_valid_until: 'no', mode: '0600' } }, 'changed'],
  [{ deb822_repository: { name: 'Inline Key', types: 'deb,deb-src', uris: ['http://a.example.test/debian', 'http://b.example.test/debian'], suites: 'bookworm', components: ['main', 'contrib'], signed_by: KEY, enabled: false, trusted: true, date_max_future: 10, check_valid_until: 'no', mode: '0644' } }, 'changed'],
  [{ deb822_repository: { name: 'never', uris: 'http://never.example.test', suites: 'x/' }, check_mode: true }, 'changed'],
  [{ deb822_repository: { name: 'docker_ce', state: 'absent' } }, 'changed'],
  [{ deb822_repository: { name: 'docker_ce', state: 'absent' } }, 'ok'],
  [{ deb822_repository: { name: 'broken', uris: 'http://x.example.test', suites: 'x/', signed_by: 'file:///kplay/no/such/key.asc' } }, 'failed'],
];

const oracle = process.env.KPLAY_DEB822_ORACLE;
const files = { 'docker.asc': KEY };

// the .sources files and keyrings with their modes
function tree(r: EngineRun): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dir of ['/etc/apt/sources.list.d', '/etc/apt/keyrings']) {
    const at = r.sandbox.path(dir);
    if (!existsSync(at)) continue;
    out[dir] = (statSync(at).mode & 0o777).toString(8);
    for (const f of readdirSync(at).filter((x) => dir.endsWith('keyrings') || x.endsWith('.sources')).sort()) out[`${dir}/${f}`] = `${(statSync(`${at}/${f}`).mode & 0o777).toString(8)} ${readFileSync(`${at}/${f}`, 'utf8')}`;
  }
  return out;
}

describe.skipIf(!hasAnsible || !canSandbox())('deb822_repository in a sandbox', () => {
  let kplay: EngineRun | undefined;
  let ansible: EngineRun | undefined;
  beforeAll(() => {
    kplay = runEngine('kplay', steps.map(([t]) => t), files);
    if (oracle) {
      // two names 2.14's module_utils lack, defined in place
      const lib = readFileSync(oracle, 'utf8')
        .replace(/^from ansible\.module_utils\.common\.file import S_IRWXU_RXG_RXO, S_IRWU_RG_RO$/m, 'S_IRWXU_RXG_RXO, S_IRWU_RG_RO = 0o755, 0o644')
        .replace(/^from ansible\.module_utils\.urls import get_user_agent$/m, "def get_user_agent():\n    return 'ansible-httpget'");
      ansible = runEngine('ansible', steps.map(([t]) => t), { ...files, 'library/deb822_repository.py': lib });
    }
  }, 120_000);
  afterAll(() => {
    kplay?.sandbox.remove();
    ansible?.sandbox.remove();
  });
  const k = (): EngineRun => kplay as EngineRun;

  it('reports changed only when a file had to change; a key that cannot be fetched fails', () => {
    expect(k().results.map(outcome)).toEqual(steps.map(([, o]) => o));
    expect(k().results[10]?.msg).toMatch(/^Could not fetch signed_by key: /);
  });

  it('writes the fields in the module\'s order and form, a fetched key into the keyrings', () => {
    const t = tree(k());
    expect(t['/etc/apt/sources.list.d/kubernetes-core.sources']).toBe('644 X-Repolib-Name: Kubernetes Core\nSigned-By: /etc/apt/keyrings/kubernetes.gpg\nSuites: /\nTypes: deb\nURIs: https://pkgs.k8s.io/core:/stable:/v1.30/deb/\n');
    expect(t['/etc/apt/sources.list.d/inline-key.sources']).toBe(
      '644 Check-Valid-Until: no\nComponents: main contrib\nDate-Max-Future: 10\nEnabled: no\nX-Repolib-Name: Inline Key\nSigned-By:\n    -----BEGIN PGP PUBLIC KEY BLOCK-----\n    .\n    mDMEYCQjIxYJKwYBBAHaRw8BAQdAD/P5Nvvnvk66SxBBHDbhRml9ORg1WV5CvzKY\n    =IE0r\n    -----END PGP PUBLIC KEY BLOCK-----\nSuites: bookworm\nTrusted: yes\nTypes: deb deb-src\nURIs: http://a.example.test/debian http://b.example.test/debian\n',
    );
    expect(t['/etc/apt/sources.list.d/docker-ce.sources']).toBeUndefined();
    expect(t['/etc/apt/keyrings/docker-ce.asc']).toBeUndefined();
    expect(t['/etc/apt/sources.list.d/never.sources']).toBeUndefined();
    expect(t['/etc/apt/keyrings']).toBe('755');
    const docker = k().results[3] as Record<string, unknown>;
    expect(docker.key_filename).toBe('/etc/apt/keyrings/docker-ce.asc');
    expect(docker.repo).toBe('Architectures: amd64\nComponents: stable\nX-Repolib-Name: docker_ce\nSigned-By: /etc/apt/keyrings/docker-ce.asc\nSuites: bookworm\nTypes: deb\nURIs: https://download.docker.com/linux/debian\n');
  });

  it.skipIf(!oracle)('agrees with ansible-core\'s deb822_repository', () => {
    const a = ansible as EngineRun;
    expect(k().results.map(outcome)).toEqual(a.results.map(outcome));
    const shown = (r: EngineRun): unknown[] => r.results.slice(1, -1).map((x) => ({ repo: x.repo, dest: x.dest, key_filename: x.key_filename }));
    expect(shown(k())).toEqual(shown(a));
    expect(tree(k())).toEqual(tree(a));
  });
});
