// Roles written in the style of popular public roles (test/fixtures/popular-roles: kernel parameters,
// chrony's file, journald's ini, a group and users with keys and sudo, HAProxy with a validated
// configuration, its service and handlers, an argument spec, a container runtime and the Kubernetes
// packages from signed vendor-style repositories) run on two lab hosts: one by kplay, one by
// ansible-playbook. The end states must be the same (files with their modes and owners, accounts, keys,
// kernel parameters in the host's network namespace, packages with their versions, holds and auto marks,
// services running and enabled), and a second run of each engine changes nothing. The hosts run the
// machine's real apt and dpkg (the lab's `realApt`) over a copy of its dpkg database; the packages are
// made up here (test/support/deb-repo.ts) and install only into the host's own directories.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error the lab is plain JavaScript (runs without a build: npm run lab)
import { labAvailable, labDown, labUp } from '../lab/lab.mjs';
import { signedDebRepository, type DebSpec } from '../support/deb-repo.js';
import { hasAnsible } from '../support/oracle.js';
import { tempDir } from '../support/tree.js';

interface Lab {
  dir: string;
  labNs: string;
  hosts: { name: string; ip: string }[];
  inventory: string;
  key: string;
  knownHosts: string;
}

const available = (labAvailable() as boolean) && hasAnsible && spawnSync('sh', ['-c', 'command -v dpkg-deb && command -v apt-get && command -v gpg && /usr/bin/python3 -c "import apt"']).status === 0;
const BIN = fileURLToPath(new URL('../../bin/kplay.js', import.meta.url));
const ROLES = fileURLToPath(new URL('../fixtures/popular-roles', import.meta.url));
const FILES = ['/etc/apt/keyrings/docker.asc', '/etc/apt/sources.list.d/docker.list', '/etc/kx-containerd/config.toml', '/etc/apt/keyrings/kubernetes-apt-keyring.asc', '/etc/apt/sources.list.d/kubernetes.list', '/etc/sysctl.d/90-kplay-k8s.conf', '/etc/chrony/chrony.conf', '/etc/chrony/restart-wanted', '/etc/kplay-timezone', '/etc/systemd/journald.conf.d/90-kplay.conf', '/etc/sudoers.d/90-ops', '/etc/haproxy/haproxy.cfg', '/home/deploy/.ssh/authorized_keys', '/home/auditor/.ssh/authorized_keys'];

// a daemon as the lab's systemctl runs it: a script that stays up, its unit where the deb puts units
const daemon = (name: string, script = ''): Record<string, string> => ({
  [`usr/local/bin/${name}*`]: `#!/bin/sh\n${script}exec sleep infinity\n`,
  [`usr/lib/systemd/system/${name}.service`]: `[Unit]\nDescription=${name}\n\n[Service]\nExecStart=/usr/local/bin/${name}\n\n[Install]\nWantedBy=multi-user.target\n`,
});
// a command, where the host's own /usr/local/bin has it (never in the machine's /usr, which the hosts share)
const tool = (name: string, version: string): Record<string, string> => ({ [`usr/local/bin/${name}*`]: `#!/bin/sh\necho ${version}\n` });
// the two repositories, as laid out on each host under /var/tmp/kx-repo
const REPOS: Record<string, DebSpec[]> = {
  docker: [{ name: 'kx-containerd', version: '1.7.20-1', files: daemon('kx-containerd', `[ "$1" = config ] && printf '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\\n  SystemdCgroup = false\\n' && exit 0\n`) }],
  'kubernetes/v1.30/deb': ['1.30.4-1.1', '1.30.5-1.1'].flatMap((version) => [
    { name: 'kx-kubelet', version, files: daemon('kx-kubelet') },
    { name: 'kx-kubeadm', version, control: 'Depends: kx-cri-tools\n', files: tool('kx-kubeadm', version) },
    { name: 'kx-kubectl', version, files: tool('kx-kubectl', version) },
  ]).concat([{ name: 'kx-cri-tools', version: '1.30.1-1.1', files: tool('kx-crictl', '1.30.1') }]),
};

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
    home = tempDir('kplay-roles-');
    mkdirSync(join(home, '.ansible'), { recursive: true });
    lab = labUp({ hosts: 2, dir: join(home, 'lab'), prefix: 'kppr', realApt: true }) as Lab;
    for (const [path, specs] of Object.entries(REPOS)) {
      const repo = signedDebRepository(specs, path.split('/')[0] as string);
      for (const h of [K, A])
        for (const [name, bytes] of Object.entries(repo)) {
          const target = join(lab.dir, 'hosts', h, 'var-tmp/kx-repo', path, name);
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, bytes);
        }
    }
    first = { kplay: play('kplay', K), ansible: play('ansible', A) };
  }, 600_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kppr');
  });

  it('both engines run the roles with the same recap', () => {
    expect(first.kplay.rc, first.kplay.out).toBe(0);
    expect(first.ansible.rc, first.ansible.out).toBe(0);
    expect(recap(first.kplay.out, K)).toBe(recap(first.ansible.out, A).replace(A, K));
    expect(recap(first.kplay.out, K)).toBe('ok=29 changed=26 unreachable=0 failed=0');
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

  it('installs the same packages, holds and services', () => {
    const packages = (h: string): string => ssh(h, "dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\\n' 'kx-*'; echo held:; apt-mark showhold; echo auto:; apt-mark showauto | grep '^kx-'; echo services:; systemctl is-active kx-containerd; systemctl is-enabled kx-containerd kx-kubelet");
    expect(packages(K)).toBe(packages(A));
    expect(packages(K)).toBe(['kx-containerd 1.7.20-1 ii ', 'kx-cri-tools 1.30.1-1.1 ii ', 'kx-kubeadm 1.30.5-1.1 hi ', 'kx-kubectl 1.30.5-1.1 hi ', 'kx-kubelet 1.30.5-1.1 hi ', 'held:', 'kx-kubeadm', 'kx-kubectl', 'kx-kubelet', 'auto:', 'kx-cri-tools', 'services:', 'active', 'enabled', 'enabled', ''].join('\n'));
    expect(readFileSync(file(K, '/etc/kx-containerd/config.toml'), 'utf8')).toContain('SystemdCgroup = true');
    // the packages' files are the hosts' own: nothing was installed into the machine's /usr
    expect(ssh(K, 'kx-kubeadm; dpkg -L kx-kubeadm | grep -c "^/usr/local/bin/kx-kubeadm$"')).toBe('1.30.5-1.1\n1\n');
    expect(spawnSync('sh', ['-c', 'ls -d /usr/share/kx-* /usr/local/bin/kx-* 2>/dev/null']).stdout.toString()).toBe('');
  });

  it('a second run of each engine changes nothing', () => {
    const again = { kplay: play('kplay', K), ansible: play('ansible', A) };
    expect(recap(again.kplay.out, K), again.kplay.out).toBe('ok=26 changed=0 unreachable=0 failed=0');
    expect(recap(again.ansible.out, A), again.ansible.out).toBe('ok=26 changed=0 unreachable=0 failed=0');
  });
});
