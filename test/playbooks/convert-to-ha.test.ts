// convert-to-ha.yaml on the lab's legacy clusters (a single `kubeadm init` without an endpoint, etcd's
// peer URL on localhost, workers joined by IP; test/lab/README.md). First lab: the refusals and --check
// before any change, then 1 legacy master + 2 new masters + 2 workers converted in one run while the API
// is polled, the VIP holder's apiserver stopped, a second run with nothing to do. Second lab: 1 legacy
// master and a worker behind haproxy, interrupted twice (connection dropped, Ctrl-C) and completed by a
// third run, compared with a fresh HA cluster built by cluster-setup.yaml, then grown by
// add-control-plane.yaml.
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ETCDCTL, pollApi, type LabState, changedTasks, changedHosts, explain, ipOf, kplay, kplayInterrupted, must, recap, run, snapshot, writeInventory } from '../support/cluster-lab.js';
import { sleep, until } from '../support/until.js';
// @ts-expect-error the lab is plain JavaScript (runs without a build: npm run lab)
import { labAvailable, labDown, labUp } from '../lab/lab.mjs';
import { tempDir } from '../support/tree.js';

const available = labAvailable() as boolean;
const ENDPOINT = 'https://k8s-api.lab.test:8443';
const ADMIN = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';
const PLAYBOOK = 'playbooks/convert-to-ha.yaml';
// the second lab balances with haproxy (the first with nginx, the default)
const HAPROXY = { LOAD_BALANCING: 'haproxy' };

/** Each kubeconfig's server on a node, by file name. */
function servers(lab: LabState, host: string): Record<string, string> {
  const out = must(lab, host, 'cd /etc/kubernetes && for f in admin.conf super-admin.conf kubelet.conf controller-manager.conf scheduler.conf; do [ -f $f ] && echo "$f $(sed -n "s/^ *server: *//p" $f)"; done; true');
  return Object.fromEntries(out.trim().split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
}

/** The etcd members as "name peerURL". */
function etcdMembers(lab: LabState, host = 'master1'): string[] {
  return must(lab, host, `${ETCDCTL} member list`).trim().split('\n').map((l) => l.split(', ')).map((f) => `${f[2]} ${f[3]}`).sort();
}

/** The backup directories of convert runs on a node. */
const backups = (lab: LabState, host: string): string[] => must(lab, host, 'ls -d /var/backups/kplay/*-convert 2>/dev/null; true').trim().split('\n').filter(Boolean);

/** What the seed compared between a converted and a fresh cluster, with the cluster's own CA left out. */
function clusterShape(lab: LabState, nodes: string[]): Record<string, unknown> {
  const cm = (ns: string, name: string): Record<string, string> => (JSON.parse(must(lab, 'master1', `${ADMIN} -n ${ns} get configmap ${name} -o json`)) as { data: Record<string, string> }).data;
  const maskCa = (s: string): string => s.replace(/certificate-authority-data: \S+/g, 'certificate-authority-data: CA');
  const sans = new X509Certificate(must(lab, 'master1', 'cat /etc/kubernetes/pki/apiserver.crt')).subjectAltName?.split(', ').sort();
  return {
    clusterConfiguration: parseYaml(cm('kube-system', 'kubeadm-config').ClusterConfiguration ?? ''),
    clusterInfo: maskCa(cm('kube-public', 'cluster-info').kubeconfig ?? ''),
    kubeProxy: cm('kube-system', 'kube-proxy')['kubeconfig.conf'],
    servers: Object.fromEntries(nodes.map((n) => [n, servers(lab, n)])),
    apiserverSans: sans,
    etcdPeers: etcdMembers(lab),
    nodeRoles: must(lab, 'master1', `${ADMIN} get nodes --no-headers`).trim().split('\n').map((l) => l.split(/\s+/).filter((_, i) => i === 0 || i === 2).join(' ')),
  };
}

/** Drops every SSH connection to a host (its sshd session processes), keeping the listener. */
function dropConnections(lab: LabState, host: string): number {
  const ns = lab.hosts.find((h) => h.name === host)?.ns ?? '';
  let killed = 0;
  for (const pid of spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) {
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    // per-connection processes ("sshd: root@notty", "sshd-session: …"), not the listener
    if (/^sshd(-session)?: /.test(cmd) && !cmd.includes('[listener]')) {
      try {
        process.kill(Number(pid), 'SIGKILL');
        killed++;
      } catch {
        // gone already
      }
    }
  }
  return killed;
}

describe.skipIf(!available)('convert-to-ha: a legacy master, two new masters, two workers', { timeout: 300_000 }, () => {
  let lab: LabState;
  let work: string;
  let inv: string;
  const all = ['master1', 'master2', 'master3', 'worker1', 'worker2'];

  beforeAll(() => {
    work = tempDir('kplay-convert-');
    lab = labUp({ masters: 3, workers: 2, kube: 'legacy', dir: join(work, 'lab'), prefix: 'kpcv' }) as LabState;
    inv = writeInventory(lab, join(work, 'inv'), { masters: ['master1', 'master2', 'master3'], workers: ['worker1', 'worker2'] });
  }, 180_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kpcv');
  });

  it('refuses an external etcd, an unhealthy etcd and a NotReady node before any change', async () => {
    const before = all.map((h) => snapshot(lab, h, true));
    const refused = (r: { rc: number | null; out: string }): void => {
      expect(r.rc, explain(r.out)).toBe(2);
      expect(r.out).not.toContain('PLAY [back up every node');
      expect(changedHosts(r.out)).toEqual([]);
    };
    let r = kplay(lab, ['-i', inv, PLAYBOOK, '-e', 'ETCD_HOSTING=external']);
    refused(r);
    expect(r.out).toContain('this cluster uses an external etcd (ETCD_HOSTING=external)');
    // a member added but never started: what a failed control-plane join leaves behind
    // etcdctl prints the id with %16x: a shorter id is padded with spaces
    const added = must(lab, 'master1', `${ETCDCTL} member add ghost --learner --peer-urls=https://10.213.0.99:2380`);
    const ghost = /Member\s+([0-9a-f]+) added/.exec(added)?.[1];
    if (!ghost) throw new Error(`no member id in etcdctl's answer: ${added}`);
    r = kplay(lab, ['-i', inv, PLAYBOOK]);
    must(lab, 'master1', `${ETCDCTL} member remove ${ghost}`);
    refused(r);
    expect(r.out).toContain('etcd is not healthy');
    must(lab, 'worker2', 'systemctl stop kubelet');
    await until('worker2 NotReady', () => (run(lab, 'master1', `${ADMIN} get node worker2 --no-headers`).stdout.includes('NotReady') ? true : undefined), 60_000);
    r = kplay(lab, ['-i', inv, PLAYBOOK]);
    must(lab, 'worker2', 'systemctl start kubelet');
    refused(r);
    expect(r.out).toContain('not Ready: worker2');
    await until('worker2 Ready', () => (/ Ready /.test(run(lab, 'master1', `${ADMIN} get node worker2 --no-headers`).stdout) ? true : undefined), 30_000);
    expect(all.map((h) => snapshot(lab, h, true))).toEqual(before);
  });

  it('--check changes nothing on any host and shows the plan', () => {
    const before = all.map((h) => snapshot(lab, h, true));
    const r = kplay(lab, ['-i', inv, PLAYBOOK, '--check']);
    expect(r.rc, explain(r.out)).toBe(0);
    for (const line of [
      `"master1: apiserver certificate: add DNS:k8s-api.lab.test, IP:${lab.vip} (new key pair; the old one kept in the backup)"`,
      `"master1: admin.conf: server https://${ipOf(lab, 'master1')}:6443 -> ${ENDPOINT}"`,
      `"worker2: kubelet.conf: server https://${ipOf(lab, 'master1')}:6443 -> ${ENDPOINT}"`,
      `"master1: etcd peer URL https://127.0.0.1:2380 -> https://${ipOf(lab, 'master1')}:2380"`,
      '"master2: join as a control plane (after the conversion)"',
      '"worker1: node label node-role.kubernetes.io/worker (as cluster-setup labels workers)"',
      '"cluster: kubeadm-config: controlPlaneEndpoint (none) -> k8s-api.lab.test:8443"',
      `"cluster: kube-public/cluster-info: server https://${ipOf(lab, 'master1')}:6443 -> ${ENDPOINT}"`,
    ])
      expect(r.out).toContain(line);
    expect(all.map((h) => snapshot(lab, h, true))).toEqual(before);
    expect(existsSync(join(work, 'inv', 'backups'))).toBe(false);
  });

  it('converts the cluster in one run while the API keeps answering; every check of the final table passes', async () => {
    // the API through the legacy address, polled from a worker during the whole run
    const poll = pollApi(lab, 'worker1', 'master1', 1000);
    const r = await kplayInterrupted(lab, ['-i', inv, PLAYBOOK]);
    const outages = await poll.stop();
    expect(r.rc, explain(r.out)).toBe(0);
    expect(r.out).toMatch(/\d+ checks, 0 failed/);
    // the API is down only while the apiserver restarts for its certificate and etcd for its peer URL
    const longest = Math.max(0, ...outages.split('.').map((s) => s.length));
    expect(longest, `polls (x = failed): ${outages}`).toBeLessThanOrEqual(20);
    expect(outages.split('').filter((c) => c === '.').length, outages).toBeGreaterThan(outages.length / 2);

    must(lab, 'worker1', `mkdir -p /root/.kube && cat > /root/.kube/config <<'EOF'\n${must(lab, 'master1', 'cat /root/.kube/config')}EOF`);
    expect(must(lab, 'worker1', 'grep server: /root/.kube/config').trim()).toBe(`server: ${ENDPOINT}`);
    const nodes = must(lab, 'worker1', 'kubectl get nodes --no-headers');
    expect(nodes.trim().split('\n').map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(all.map((n) => `${n} Ready`));
    for (const m of ['master1', 'master2', 'master3']) {
      const sans = new X509Certificate(must(lab, m, 'cat /etc/kubernetes/pki/apiserver.crt')).subjectAltName ?? '';
      expect(sans).toContain('DNS:k8s-api.lab.test');
      expect(sans).toContain(`IP Address:${lab.vip}`);
      const local = `https://${ipOf(lab, m)}:6443`;
      expect(servers(lab, m)).toEqual({ 'admin.conf': ENDPOINT, 'super-admin.conf': ENDPOINT, 'kubelet.conf': ENDPOINT, 'controller-manager.conf': local, 'scheduler.conf': local });
    }
    for (const w of ['worker1', 'worker2']) expect(servers(lab, w)).toEqual({ 'kubelet.conf': ENDPOINT });
    expect(must(lab, 'master2', `${ADMIN} -n kube-system get configmap kubeadm-config -o yaml`)).toContain('controlPlaneEndpoint: k8s-api.lab.test:8443');
    expect(must(lab, 'master2', `${ADMIN} -n kube-public get configmap cluster-info -o yaml`)).toContain(`server: ${ENDPOINT}`);
    expect(must(lab, 'master2', `${ADMIN} -n kube-system get configmap kube-proxy -o yaml`)).toContain(`server: ${ENDPOINT}`);
    expect(etcdMembers(lab, 'master3')).toEqual(['master1', 'master2', 'master3'].map((m) => `${m} https://${ipOf(lab, m)}:2380`));

    // backups: on every node, and the etcd snapshot on the controller, verified
    for (const h of all) {
      const dirs = backups(lab, h);
      expect(dirs, h).toHaveLength(1);
      expect(must(lab, h, `stat -c %a ${dirs[0]}`).trim()).toBe('700');
      // the new masters had no cluster files yet
      if (!['master2', 'master3'].includes(h)) must(lab, h, `test -f ${dirs[0]}/etc/kubernetes/kubelet.conf && test -f ${dirs[0]}/var/lib/kubelet/config.yaml`);
    }
    expect(must(lab, 'master1', `ls ${backups(lab, 'master1')[0]}/replaced`).split('\n')).toEqual(expect.arrayContaining(['apiserver.crt', 'apiserver.key', 'admin.conf']));
    const local = join(work, 'inv', 'backups', 'kubernetes');
    const runs = readdirSync(local);
    expect(runs).toHaveLength(1);
    const snap = join(local, runs[0] as string, 'etcd-snapshot.db');
    expect(statSync(snap).mode & 0o777).toBe(0o600);
    const status = JSON.parse(spawnSync('etcdctl', ['snapshot', 'status', snap, '-w', 'json'], { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } }).stdout) as { totalKey: number };
    expect(status.totalKey).toBeGreaterThan(10);

    // secrets never appear: the VRRP password, join tokens, certificate keys, private keys
    expect(r.out).not.toContain('labvrrp1');
    for (const line of must(lab, 'master1', 'kubeadm token list').trim().split('\n').slice(1)) expect(r.out).not.toContain(line.split(/\s+/)[0]?.split('.')[1]);
    expect(r.out).not.toMatch(/certificate-key [0-9a-f]{64}|client-key-data|PRIVATE KEY/);
  });

  it("stopping the VIP holder's apiserver moves the VIP and kubectl through the endpoint keeps working", async () => {
    const masters = ['master1', 'master2', 'master3'];
    const holds = (m: string): boolean => run(lab, m, 'ip -4 addr show eth0').stdout.includes(`${lab.vip}/`);
    const holder = masters.find(holds) ?? '';
    expect(holder).not.toBe('');
    must(lab, holder, 'mv /etc/kubernetes/manifests/kube-apiserver.yaml /root/');
    try {
      const next = await until('the VIP on another master', () => masters.filter((m) => m !== holder).find(holds), 30_000);
      expect(next).not.toBe(holder);
      for (let i = 0; i < 8; i++) {
        const r = run(lab, 'worker1', 'kubectl get nodes -o name');
        expect(r.rc, r.stderr).toBe(0);
      }
    } finally {
      must(lab, holder, 'mv /root/kube-apiserver.yaml /etc/kubernetes/manifests/');
    }
    await until(`${holder}'s apiserver`, () => (run(lab, holder, `${ADMIN} --server https://${ipOf(lab, holder)}:6443 get --raw /readyz`).rc === 0 ? true : undefined), 30_000);
  });

  it('a second run changes nothing and takes no backup; another endpoint is refused', () => {
    const r = kplay(lab, ['-i', inv, PLAYBOOK]);
    expect(r.rc, explain(r.out)).toBe(0);
    expect(changedHosts(r.out), changedTasks(r.out)).toEqual([]);
    expect(r.out).toContain('nothing to convert: the cluster already uses k8s-api.lab.test:8443');
    expect(r.out).toMatch(/\d+ checks, 0 failed/);
    for (const h of all) expect(backups(lab, h), h).toHaveLength(1);
    const other = kplay(lab, ['-i', inv, PLAYBOOK, '-e', 'APISERVER_ENDPOINT_NAME=api.other.test']);
    expect(other.rc).toBe(2);
    expect(other.out).toContain("the cluster's controlPlaneEndpoint is 'k8s-api.lab.test:8443' (kube-system/kubeadm-config), not api.other.test:8443");
    expect(Object.values(recap(other.out)).every((h) => h.changed === 0)).toBe(true);
  });
});

describe.skipIf(!available)('convert-to-ha: a legacy master and a worker, interrupted, compared, then grown', { timeout: 300_000 }, () => {
  let lab: LabState;
  let work: string;
  let inv: string;
  let converted: Record<string, unknown>;

  beforeAll(() => {
    work = tempDir('kplay-convert1-');
    lab = labUp({ masters: 3, workers: 1, kube: 'legacy', dir: join(work, 'lab'), prefix: 'kpcw' }) as LabState;
    inv = writeInventory(lab, join(work, 'inv'), { masters: ['master1'], workers: ['worker1'], vars: { ...HAPROXY, KUBECONFIG_USERS: '[alice, {name: ops, groups: ["system:masters"]}]' } });
  }, 180_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kpcw');
  });

  it('dropped connection during the certificate step, Ctrl-C during the kubeconfig step: a third run completes; earlier backups are kept', async () => {
    const r1 = await kplayInterrupted(lab, ['-i', inv, PLAYBOOK], /TASK \[convert_certs : a new apiserver key pair/, () => dropConnections(lab, 'master1'));
    expect(r1.acted).toBe(true);
    expect(r1.rc, explain(r1.out)).not.toBe(0);
    expect(recap(r1.out).master1?.unreachable, explain(r1.out)).toBe(1);
    // the run stopped there: the worker was not pointed at an endpoint that may not verify yet
    expect(servers(lab, 'worker1')['kubelet.conf']).toBe(`https://${ipOf(lab, 'master1')}:6443`);
    const first = backups(lab, 'master1');
    expect(first).toHaveLength(1);
    const firstSums = must(lab, 'master1', `cd ${first[0]} && find . -type f | sort | xargs sha256sum`);

    const r2 = await kplayInterrupted(lab, ['-i', inv, PLAYBOOK], /TASK \[convert_kubeconfigs : kubeconfigs for the endpoint/, (pid) => process.kill(pid, 'SIGINT'));
    expect(r2.acted).toBe(true);
    expect(r2.rc, explain(r2.out)).not.toBe(0);
    expect(r2.out).toContain('interrupted: no new task will start');
    expect(r2.out).not.toContain('PLAY [the workers');

    const r3 = kplay(lab, ['-i', inv, PLAYBOOK]);
    expect(r3.rc, explain(r3.out)).toBe(0);
    expect(r3.out).toMatch(/\d+ checks, 0 failed/);
    expect(backups(lab, 'master1')).toHaveLength(3);
    expect(must(lab, 'master1', `cd ${first[0]} && find . -type f | sort | xargs sha256sum`)).toBe(firstSums);
    expect(readdirSync(join(work, 'inv', 'backups', 'kubernetes'))).toHaveLength(3);
    expect(must(lab, 'master1', 'ls /var/lib/kplay/pending; ls -d /etc/kubernetes/tmp 2>/dev/null; true').trim()).toBe('');
    // the users' kubeconfigs: on the controller, 0600, for the endpoint, never shown
    for (const user of ['alice', 'ops']) {
      const path = join(work, 'inv', 'kubeconfigs', 'kubernetes', `${user}.conf`);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path, 'utf8')).toMatch(new RegExp(`server: ${ENDPOINT}\n`));
    }
    must(lab, 'worker1', `mkdir -p /root/u && cat > /root/u/ops.conf <<'EOF'\n${readFileSync(join(work, 'inv', 'kubeconfigs', 'kubernetes', 'ops.conf'), 'utf8')}EOF`);
    expect(must(lab, 'worker1', 'kubectl --kubeconfig /root/u/ops.conf get nodes -o name')).toContain('node/master1');
    expect(r3.out).not.toMatch(/client-key-data|PRIVATE KEY/);
    const again = kplay(lab, ['-i', inv, PLAYBOOK]);
    expect(changedHosts(again.out), changedTasks(again.out)).toEqual([]);
    converted = clusterShape(lab, ['master1', 'worker1']);
  });

  it('ends indistinguishable from a fresh HA cluster built by cluster-setup.yaml', () => {
    const freshDir = tempDir('kplay-fresh-');
    const fresh = labUp({ masters: 1, workers: 1, kube: 'fresh', dir: join(freshDir, 'lab'), prefix: 'kpcf' }) as LabState;
    try {
      const finv = writeInventory(fresh, join(freshDir, 'inv'), { masters: ['master1'], workers: ['worker1'], vars: HAPROXY });
      const r = kplay(fresh, ['-i', finv, 'playbooks/cluster-setup.yaml']);
      expect(r.rc, explain(r.out)).toBe(0);
      // the same names and addresses in both labs: what differs is what a conversion left different
      expect(converted).toEqual(clusterShape(fresh, ['master1', 'worker1']));
    } finally {
      labDown(fresh.dir, 'kpcf');
    }
  });

  it('add-control-plane.yaml then joins two masters', () => {
    const inv3 = writeInventory(lab, join(work, 'inv3'), { masters: ['master1', 'master2', 'master3'], workers: ['worker1'], vars: HAPROXY });
    const r = kplay(lab, ['-i', inv3, 'playbooks/add-control-plane.yaml']);
    expect(r.rc, explain(r.out)).toBe(0);
    expect(etcdMembers(lab, 'master2')).toEqual(['master1', 'master2', 'master3'].map((m) => `${m} https://${ipOf(lab, m)}:2380`));
    for (const m of ['master2', 'master3']) expect(must(lab, 'master1', `${ADMIN} wait --for=condition=Ready node/${m} --timeout=30s`)).toContain('condition met');
    const verify = kplay(lab, ['-i', inv3, PLAYBOOK]);
    expect(verify.rc, explain(verify.out)).toBe(0);
    expect(changedHosts(verify.out), changedTasks(verify.out)).toEqual([]);
  });
});
