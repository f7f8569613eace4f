// Roles written in the style of popular public roles (test/fixtures/popular-roles: kernel parameters,
// chrony's file, journald's ini, a group and users with keys and sudo, HAProxy with a validated
// configuration, its service and handlers, an argument spec) run on two lab hosts: one by kplay, one by
// ansible-playbook. The end states must be the same (files with their modes and owners, accounts, keys,
// kernel parameters in the host's network namespace, the service running and enabled), and a second run
// of each engine changes nothing. Packages are left out: the lab's apt-get and dpkg are stand-ins that
// Ansible's apt module (python-apt) does not read.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error the lab is plain JavaScript (runs without a build: npm run lab)
import { labAvailable, labDown, labUp } from '../lab/lab.mjs';
import { hasAnsible } from '../support/oracle.js';

interface Lab {
  dir: string;
  labNs: string;
  hosts: { name: string; ip: string }[];
  inventory: string;
  key: string;
  knownHosts: string;
}

const available = (labAvailable() as boolean) && hasAnsible;
const BIN = fileURLToPath(new URL('../../bin/kplay.js', import.meta.url));
const ROLES = fileURLToPath(new URL('../fixtures/popular-roles', import.meta.url));
const FILES = ['/etc/sysctl.d/90-kplay-k8s.conf', '/etc/chrony/chrony.conf', '/etc/chrony/restart-wanted', '/etc/kplay-timezone', '/etc/systemd/journald.conf.d/90-kplay.conf', '/etc/sudoers.d/90-ops', '/etc/haproxy/haproxy.cfg', '/home/deploy/.ssh/authorized_keys', '/home/auditor/.ssh/authorized_keys'];

describe.skipIf(!available)('popular-style roles on lab hosts: kplay and ansible-playbook reach the same state', { timeout: 600_000 }, () => {
  let lab: Lab;
  let home: string;
  const [K, A] = ['node1', 'node2'];

  // one engine on one host, from the lab's namespace; its output and exit code
  const play = (engine: 'kplay' | 'ansible', host: string): { rc: number | null; out: string } => {
    const argv = engine === 'kplay' ? [process.execPath, BIN] : ['ansible-playbook'];
    const r = spawnSync('ip', ['netns', 'exec', lab.labNs, ...argv, '-i', lab.inventory, 'site.yml', '-e', `target=${host}`], { cwd: ROLES, encoding: 'utf8', timeout: 300_000, env: { ...process.env, HOME: home, KPLAY_NO_LIVE: '1', ANSIBLE_NOCOLOR: '1' } });
    return { rc: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const recap = (out: string, host: string): string => new RegExp(`${host}\\s+: (ok=\\d+\\s+changed=\\d+\\s+unreachable=\\d+\\s+failed=\\d+)`).exec(out)?.[1]?.replace(/\s+/g, ' ') ?? `no recap in:\n${out}`;
  const file = (host: string, path: string): string => join(lab.dir, 'hosts', host, path.replace(/^\/etc\//, 'etc/').replace(/^\/home\//, 'home/'));
  // a managed file as both engines should leave it: its text (the host's own name taken out), mode and owner
  const state = (host: string, path: string): string => {
    const p = file(host, path);
    const st = statSync(p);
    return `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}\n${readFileSync(p, 'utf8').split(host).join('HOST')}`;
  };
  const ssh = (host: string, cmd: string): string => {
    const ip = lab.hosts.find((h) => h.name === host)?.ip as string;
    const r = spawnSync('ip', ['netns', 'exec', lab.labNs, 'ssh', '-i', lab.key, '-o', `UserKnownHostsFile=${lab.knownHosts}`, '-o', 'BatchMode=yes', `root@${ip}`, cmd], { encoding: 'utf8', timeout: 60_000 });
    return r.stdout;
  };
  const accounts = (host: string): string =>
    ['passwd', 'group', 'shadow']
      .map((f) =>
        readFileSync(file(host, `/etc/${f}`), 'utf8')
          .split('\n')
          .filter((l) => /^(deploy|auditor|ops):/.test(l))
          // the shadow file's day of the last password change is the day the test runs
          .map((l) => (f === 'shadow' ? l.split(':').slice(0, 2).join(':') : l))
          .join('\n'),
      )
      .join('\n');

  let first: { kplay: { rc: number | null; out: string }; ansible: { rc: number | null; out: string } };

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'kplay-roles-'));
    mkdirSync(join(home, '.ansible'), { recursive: true });
    lab = labUp({ hosts: 2, dir: join(home, 'lab'), prefix: 'kppr' }) as Lab;
    first = { kplay: play('kplay', K), ansible: play('ansible', A) };
  }, 600_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kppr');
  });

  it('both engines run the roles with the same recap', () => {
    expect(first.kplay.rc, first.kplay.out).toBe(0);
    expect(first.ansible.rc, first.ansible.out).toBe(0);
    expect(recap(first.kplay.out, K)).toBe(recap(first.ansible.out, A).replace(A, K));
    expect(recap(first.kplay.out, K)).toBe('ok=15 changed=13 unreachable=0 failed=0');
    expect(first.kplay.out).toContain("TASK [haproxy : Validating arguments against arg spec 'main' - An apiserver load balancer]");
  });

  it('leaves the same files, accounts, kernel parameters and service', () => {
    for (const f of FILES) expect(state(K, f), f).toBe(state(A, f));
    expect(accounts(K)).toBe(accounts(A));
    expect(accounts(K)).toContain('deploy:x:2101:2100::/home/deploy:/bin/bash');
    const live = (h: string): string => ssh(h, 'sysctl -n net.ipv4.ip_forward net.ipv4.conf.all.rp_filter; systemctl is-active haproxy; systemctl is-enabled haproxy');
    expect(live(K)).toBe(live(A));
    expect(live(K)).toBe('1\n0\nactive\nenabled\n');
    expect(readFileSync(file(K, '/etc/haproxy/haproxy.cfg'), 'utf8')).toContain(`server apiserver2 ${lab.hosts[1]?.ip}:6443 check`);
  });

  it('a second run of each engine changes nothing', () => {
    const again = { kplay: play('kplay', K), ansible: play('ansible', A) };
    expect(recap(again.kplay.out, K), again.kplay.out).toBe('ok=13 changed=0 unreachable=0 failed=0');
    expect(recap(again.ansible.out, A), again.ansible.out).toBe('ok=13 changed=0 unreachable=0 failed=0');
  });
});
