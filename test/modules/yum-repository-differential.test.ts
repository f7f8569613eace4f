// yum_repository against Ansible's own module (a pure file module: it runs here on Debian too): the same
// tasks under kplay and ansible-playbook (with --diff), each in its own sandbox, .repo files in the run's
// directory.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, registeredDiffs, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const EPEL = { name: 'epel', description: 'EPEL YUM repo', baseurl: ['https://a.example.test/epel/$releasever/', 'https://b.example.test/epel/$releasever/'], gpgkey: 'https://a.example.test/RPM-GPG-KEY-EPEL', gpgcheck: 'yes', enabled: false, exclude: 'kernel*,docker*', async: true, priority: 10, reposdir: '@WORK@/repos' };
const HAND = '# written by hand\n[docker-ce-stable]\nName=Docker CE Stable\nBaseURL: https://old.example.test/centos\n  https://mirror.example.test/centos\nenabled=1\n; a comment\n\n[docker-ce-test]\nName = Docker CE Test\nbaseurl = https://old.example.test/test\n   https://mirror.example.test/test\n# inside\nenabled: 0\n';

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ file: { path: '@WORK@/repos', state: 'directory' } }, 'changed'],
  [{ yum_repository: EPEL }, 'changed'],
  [{ yum_repository: EPEL }, 'ok'],
  [{ yum_repository: { ...EPEL, exclude: ['kernel*', 'docker*'], gpgcheck: true } }, 'ok'],
  [{ copy: { dest: '@WORK@/repos/docker.repo', content: HAND } }, 'changed'],
  [{ yum_repository: { name: 'docker-ce-stable', file: 'docker', description: 'Docker CE Stable - $basearch', baseurl: 'https://download.docker.com/linux/centos/$releasever/$basearch/stable', gpgcheck: true, gpgkey: 'https://download.docker.com/linux/centos/gpg', reposdir: '@WORK@/repos', mode: '0600' } }, 'changed'],
  [{ command: 'cat @WORK@/repos/docker.repo' }, 'changed'],
  [{ yum_repository: { name: 'docker-ce-test', file: 'docker', state: 'absent', reposdir: '@WORK@/repos' } }, 'changed'],
  [{ yum_repository: { name: 'docker-ce-stable', file: 'docker', state: 'absent', reposdir: '@WORK@/repos' } }, 'changed'],
  [{ yum_repository: { name: 'docker-ce-stable', file: 'docker', state: 'absent', reposdir: '@WORK@/repos' } }, 'ok'],
  [{ yum_repository: { name: 'k8s', description: 'Kubernetes', baseurl: 'https://pkgs.k8s.io/core:/stable:/v1.30/rpm/', exclude: 'kubelet kubeadm kubectl', sslverify: 'no', reposdir: '@WORK@/repos' }, check_mode: true }, 'changed'],
  [{ yum_repository: { ...EPEL, mode: '0640' } }, 'changed'],
  [{ yum_repository: { name: 'x', description: 'X', reposdir: '@WORK@/repos' } }, 'failed'],
  [{ yum_repository: { name: 'x', baseurl: 'http://x.example.test', reposdir: '@WORK@/repos' } }, 'failed'],
  [{ yum_repository: { name: 'x', description: 'X', baseurl: 'http://x.example.test' } }, 'failed'],
  [{ yum_repository: { name: 'x', description: 'X', baseurl: 'http://x.example.test', params: { a: 1 }, reposdir: '@WORK@/repos' } }, 'failed'],
  [{ yum_repository: { name: 'x', description: 'X', mirrorlist: 'http://x.example.test/list', params: {}, reposdir: '@WORK@/repos', ip_resolve: 4, keepcache: '1' } }, 'changed'],
  // every option that becomes a key, aliases among them
  [{ yum_repository: { name: 'all', description: 'All', baseurl: 'http://x.example.test', bandwidth: '0', cost: '1000', deltarpm_metadata_percentage: '100', deltarpm_percentage: '75', enablegroups: true, failovermethod: 'priority', gpgcakey: '/k', module_hotfixes: false, http_caching: 'all', include: 'file:///i.repo', includepkgs: 'a,b', keepalive: true, metadata_expire: '21600', metadata_expire_filter: 'never', mirrorlist_expire: '21600', protect: false, proxy: 'http://p.example.test:3128', proxy_username: 'pu', repo_gpgcheck: true, retries: '10', s3_enabled: false, skip_if_unavailable: true, ca_cert: '/ca', ssl_check_cert_permissions: true, client_cert: '/c', client_key: '/k2', validate_certs: false, throttle: '0', timeout: '30', ui_repoid_vars: 'releasever basearch', username: 'u', reposdir: '@WORK@/repos' } }, 'changed'],
  [{ yum_repository: { name: 'all', description: 'All', baseurl: 'http://x.example.test', reposdir: '@WORK@/repos', mode: '0600' } }, 'changed'],
  // a file with no section left is kept when it has none to remove, its attributes set all the same
  [{ copy: { dest: '@WORK@/repos/empty.repo', content: '# nothing here\n', mode: '0644' } }, 'changed'],
  [{ yum_repository: { name: 'gone', file: 'empty', state: 'absent', reposdir: '@WORK@/repos', mode: '0600' } }, 'changed'],
  [{ yum_repository: { name: 'gone', file: 'empty', state: 'absent', reposdir: '@WORK@/repos', mode: '0600' } }, 'ok'],
  [{ yum_repository: { name: 'gone', file: 'empty', state: 'absent', reposdir: '@WORK@/repos', mode: '0644' }, check_mode: true }, 'changed'],
];

describe.skipIf(!hasAnsible || !canSandbox())('yum_repository, kplay vs ansible-playbook', () => {
  const run = bothEngines(steps.map(([t]) => t), {}, ['--diff']);
  const repos = (r: EngineRun): Record<string, string> => {
    const dir = join(r.sandbox.dir, 'work', 'repos');
    const out: Record<string, string> = {};
    if (existsSync(dir)) for (const f of readdirSync(dir).sort()) out[f] = `${(statSync(join(dir, f)).mode & 0o777).toString(8)} ${readFileSync(join(dir, f), 'utf8')}`;
    return out;
  };

  it('every task reports what Ansible reports, with the same messages', () => {
    expect(run().kplay.results.map(outcome)).toEqual(run().ansible.results.map(outcome));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
    const msgs = (r: EngineRun): unknown[] => r.results.filter((_, i) => 'yum_repository' in (steps[i]?.[0] ?? {})).map((x) => (x.failed === true ? x.msg : `${String(x.repo)} ${String(x.state)}`));
    expect(msgs(run().kplay)).toEqual(msgs(run().ansible));
  });

  it("registers Ansible's diff (one mapping: the file's dump before and after, under its path)", () => {
    const diffs = (r: EngineRun): unknown[] => registeredDiffs(r, steps.length).filter((_, i) => 'yum_repository' in (steps[i]?.[0] ?? {}) && r.results[i]?.failed !== true);
    expect(diffs(run().kplay)).toEqual(diffs(run().ansible));
    expect(diffs(run().kplay)[0]).toMatchObject({ before_header: expect.stringMatching(/repos\/epel\.repo$/), before: '' });
  });

  it('writes the same .repo files with the same modes', () => {
    expect(repos(run().kplay)).toEqual(repos(run().ansible));
    expect(repos(run().kplay)['epel.repo']).toBe('640 [epel]\nasync = 1\nbaseurl = https://a.example.test/epel/$releasever/\n\thttps://b.example.test/epel/$releasever/\nenabled = 0\nexclude = kernel* docker*\ngpgcheck = 1\ngpgkey = https://a.example.test/RPM-GPG-KEY-EPEL\nname = EPEL YUM repo\npriority = 10\n\n');
    expect(repos(run().kplay)['docker.repo']).toBeUndefined();
    expect(repos(run().kplay)['empty.repo']).toBe('600 # nothing here\n');
    // the hand-written file after the module rewrote one of its sections: as configparser writes it
    const written = (r: EngineRun): unknown => r.results[6]?.stdout;
    expect(written(run().kplay)).toBe(written(run().ansible));
    expect(written(run().kplay)).toBe('[docker-ce-test]\nname = Docker CE Test\nbaseurl = https://old.example.test/test\n\thttps://mirror.example.test/test\nenabled = 0\n\n[docker-ce-stable]\nbaseurl = https://download.docker.com/linux/centos/$releasever/$basearch/stable\ngpgcheck = 1\ngpgkey = https://download.docker.com/linux/centos/gpg\nname = Docker CE Stable - $basearch');
  });
});
