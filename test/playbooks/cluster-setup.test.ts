// The cluster playbooks end to end on the lab's Kubernetes (test/lab/README.md): cluster-setup with
// nginx and stacked etcd (check mode first, then for real, then again with nothing to change), the VIP
// and the balancer under failure, a new worker with --tags minions, add-control-plane after every token
// was deleted, local-access; then haproxy with an external etcd. And the configuration checks, which
// stop a run before any host is touched.
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETCDCTL, type LabState, changedTasks, kplay, must, recap, run, snapshot, writeInventory } from '../support/cluster-lab.js';
import { until } from '../support/until.js';
// @ts-expect-error the lab is plain JavaScript (runs without a build: npm run lab)
import { labAvailable, labDown, labUp } from '../lab/lab.mjs';
import { tempDir } from '../support/tree.js';

const available = labAvailable() as boolean;

describe.skipIf(!available)('cluster playbooks: nginx, stacked etcd', { timeout: 300_000 }, () => {
  let lab: LabState;
  let work: string;
  let inv: string;
  const masters = ['master1', 'master2', 'master3'];

  beforeAll(() => {
    work = tempDir('kplay-cluster-');
    lab = labUp({ masters: 3, workers: 3, kube: 'fresh', dir: join(work, 'lab'), prefix: 'kpcl' }) as LabState;
    inv = writeInventory(lab, join(work, 'inv'), { masters, workers: ['worker1', 'worker2'] });
  }, 180_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kpcl');
  });

  it('refuses bad values before touching any host', () => {
    const before = snapshot(lab, 'master1');
    for (const [args, message] of [
      [['-e', 'APISERVER_VIP=10.213.0.300'], "APISERVER_VIP '10.213.0.300' is not an IPv4 address"],
      [['-e', 'KEEPALIVED_ROUTER_ID=300'], "KEEPALIVED_ROUTER_ID '300' must be a whole number from 1 to 255"],
      [['-e', 'LOAD_BALANCING=traefik'], 'LOAD_BALANCING must be nginx, haproxy or none'],
      [['-e', 'APISERVER_VIP=10.213.0.12'], 'APISERVER_VIP 10.213.0.12 is also the address of master2'],
    ] as const) {
      const r = kplay(lab, ['-i', inv, 'playbooks/cluster-setup.yaml', ...args]);
      expect(r.rc, r.out).toBe(2);
      expect(r.out).toContain(message);
      expect(r.out).not.toContain('PLAY [prepare the nodes]');
      expect(Object.values(recap(r.out)).every((h) => h.unreachable === 0 && h.changed === 0)).toBe(true);
    }
    const even = writeInventory(lab, join(work, 'even'), { masters: ['master1', 'master2'], workers: [] });
    // an even etcd is a warning (a master replacement passes through one); the bad value still stops the run
    const r = kplay(lab, ['-i', even, 'playbooks/cluster-setup.yaml', '-e', 'LOAD_BALANCING=traefik']);
    expect(r.rc).toBe(2);
    expect(r.out).toContain('WARNING: etcd has an even number of members, which tolerates no more failures than one fewer: 2 masters');
    expect(r.out).toContain('LOAD_BALANCING must be nginx, haproxy or none');
    expect(snapshot(lab, 'master1')).toBe(before);
  });

  it('--check on a fresh lab changes nothing on any host and lists what would change', () => {
    const hosts = ['master1', 'master2', 'worker1'];
    const before = hosts.map((h) => snapshot(lab, h));
    const r = kplay(lab, ['-i', inv, 'playbooks/cluster-setup.yaml', '--check']);
    expect(r.rc, r.out).toBe(0);
    expect(r.out).toMatch(/TASK \[hosts_entries : \/etc\/hosts maps the apiserver endpoint to the VIP and knows every node\] \*+\n(changed: \[\S+\]\n)+/);
    expect(r.out).toMatch(/TASK \[keepalived : keepalived's configuration[^\]]*\] \*+\n(changed: \[master\d\]\n){3}/);
    expect(recap(r.out).master1?.changed).toBeGreaterThan(5);
    expect(hosts.map((h) => snapshot(lab, h))).toEqual(before);
  });

  it('sets up the cluster: every node Ready through the VIP; certificates, kubeconfigs and etcd as an HA cluster needs', () => {
    const r = kplay(lab, ['-i', inv, 'playbooks/cluster-setup.yaml', '-v']);
    expect(r.rc, r.out.slice(-3000)).toBe(0);
    const nodes = must(lab, 'master1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes --no-headers');
    expect(nodes.trim().split('\n').map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual(['master1 Ready control-plane', 'master2 Ready control-plane', 'master3 Ready control-plane', 'worker1 Ready worker', 'worker2 Ready worker']);
    expect(must(lab, 'master1', 'grep server: /etc/kubernetes/admin.conf').trim()).toBe('server: https://k8s-api.lab.test:8443');
    for (const m of masters) {
      const cert = new X509Certificate(must(lab, m, 'cat /etc/kubernetes/pki/apiserver.crt'));
      expect(cert.subjectAltName).toContain('DNS:k8s-api.lab.test');
      expect(cert.subjectAltName).toContain(`IP Address:${lab.vip}`);
      expect(must(lab, m, 'grep -h server: /etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf /etc/kubernetes/kubelet.conf').trim().split('\n').map((s) => s.trim())).toEqual(Array(3).fill('server: https://k8s-api.lab.test:8443'));
    }
    for (const w of ['worker1', 'worker2']) expect(must(lab, w, 'grep server: /etc/kubernetes/kubelet.conf').trim()).toBe('server: https://k8s-api.lab.test:8443');
    const members = must(lab, 'master2', `${ETCDCTL} --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key member list`);
    expect(members.trim().split('\n')).toHaveLength(3);
    for (const h of lab.hosts.slice(0, 3)) expect(members).toContain(`started, ${h.name}, https://${h.ip}:2380,`);
    expect(must(lab, 'master1', "kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get deploy coredns -o jsonpath='{.spec.replicas}'")).toBe('3');
    // secrets never appear: the VRRP password, join tokens, the certificate key
    expect(r.out).not.toContain('labvrrp1');
    for (const line of must(lab, 'master1', 'kubeadm token list').trim().split('\n').slice(1)) expect(r.out).not.toContain(line.split(/\s+/)[0]?.split('.')[1]);
    expect(r.out).not.toMatch(/certificate-key [0-9a-f]{64}/);
    expect(must(lab, 'master1', 'cat /etc/keepalived/keepalived.conf')).toContain('auth_pass labvrrp1');
  });

  it('a second run changes nothing', () => {
    const r = kplay(lab, ['-i', inv, 'playbooks/cluster-setup.yaml']);
    expect(r.rc, r.out.slice(-3000)).toBe(0);
    const changed = Object.entries(recap(r.out)).filter(([, v]) => v.changed > 0);
    expect(changed, changedTasks(r.out)).toEqual([]);
  });

  it("stopping the VIP holder's apiserver moves the VIP and kubectl through the endpoint keeps working", async () => {
    must(lab, 'worker1', 'mkdir -p /root/.kube && cp /etc/kubernetes/kubelet.conf /dev/null');
    must(lab, 'master1', 'cat /etc/kubernetes/admin.conf > /tmp/admin.conf');
    must(lab, 'worker1', `cat > /root/.kube/config <<'EOF'\n${must(lab, 'master1', 'cat /etc/kubernetes/admin.conf')}EOF`);
    expect(must(lab, 'master1', 'ip -4 addr show eth0')).toContain(`${lab.vip}/`);
    must(lab, 'master1', 'mv /etc/kubernetes/manifests/kube-apiserver.yaml /root/');
    const holder = await until('the VIP on another master', () => ['master2', 'master3'].find((m) => run(lab, m, 'ip -4 addr show eth0').stdout.includes(`${lab.vip}/`)), 20_000);
    expect(['master2', 'master3']).toContain(holder);
    // master1's apiserver is down: the balancer on the new holder skips it
    for (let i = 0; i < 8; i++) {
      const r = run(lab, 'worker1', 'kubectl get nodes -o name');
      expect(r.rc, r.stderr).toBe(0);
    }
    must(lab, 'master1', 'mv /root/kube-apiserver.yaml /etc/kubernetes/manifests/');
    await until('master1 to take the VIP back', () => (run(lab, 'master1', 'ip -4 addr show eth0').stdout.includes(`${lab.vip}/`) ? true : undefined), 30_000);
  });

  it('--tags minions with a new worker in the inventory joins just that worker', () => {
    const inv3 = writeInventory(lab, join(work, 'inv'), { masters, workers: ['worker1', 'worker2', 'worker3'] });
    const r = kplay(lab, ['-i', inv3, 'playbooks/cluster-setup.yaml', '--tags', 'minions']);
    expect(r.rc, r.out.slice(-3000)).toBe(0);
    expect(r.out).not.toContain('TASK [primary_master');
    const rc = recap(r.out);
    expect(rc.worker3?.changed).toBeGreaterThan(0);
    for (const h of ['master1', 'master2', 'master3']) expect(rc[h]?.changed, changedTasks(r.out)).toBe(0);
    // the other workers are not joined again; they only learn worker3's name in /etc/hosts
    const others = changedTasks(r.out).split('\n').filter((l) => /: \[worker[12]\]$/.test(l)).sort();
    expect(others).toEqual(['hosts_entries : /etc/hosts maps the apiserver endpoint to the VIP and knows every node: [worker1]', 'hosts_entries : /etc/hosts maps the apiserver endpoint to the VIP and knows every node: [worker2]']);
    expect(changedTasks(r.out)).toContain('minions : kubeadm join: [worker3]');
    expect(changedTasks(r.out)).not.toMatch(/minions : kubeadm join: \[worker[12]\]/);
    expect(must(lab, 'master1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/worker3 --timeout=30s')).toContain('node/worker3 condition met');
  });

  it('add-control-plane joins a master after every token and the uploaded certificates are gone', () => {
    must(lab, 'master3', 'kubeadm reset -f');
    must(lab, 'master1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf delete node master3');
    for (const line of must(lab, 'master1', 'kubeadm token list').trim().split('\n').slice(1)) must(lab, 'master1', `kubeadm token delete ${line.split(/\s+/)[0]}`);
    expect(must(lab, 'master1', 'kubeadm token list')).toBe('');
    expect(run(lab, 'master1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get secret kubeadm-certs').rc).toBe(1);
    const r = kplay(lab, ['-i', inv, 'playbooks/add-control-plane.yaml']);
    expect(r.rc, r.out.slice(-3000)).toBe(0);
    expect(r.out).toMatch(/TASK \[secondary_masters : kubeadm join --control-plane\] \*+\nchanged: \[master3\]/);
    // master2 only learns worker3 (joined with --tags minions) in its /etc/hosts
    expect(changedTasks(r.out).split('\n').filter((l) => l.endsWith(': [master2]'))).toEqual(['hosts_entries : /etc/hosts maps the apiserver endpoint to the VIP and knows every node: [master2]']);
    const members = must(lab, 'master1', `${ETCDCTL} --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key member list`);
    expect(members.trim().split('\n')).toHaveLength(3);
    expect(must(lab, 'master1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/master3 --timeout=30s')).toContain('condition met');
  });

  it('cluster-load-balanced re-points the balancer from nginx to haproxy; kubectl through the VIP keeps working', () => {
    const r = kplay(lab, ['-i', inv, 'playbooks/cluster-load-balanced.yaml', '-e', 'LOAD_BALANCING=haproxy']);
    expect(r.rc, r.out.slice(-3000)).toBe(0);
    for (const m of masters) {
      expect(must(lab, m, 'systemctl is-active haproxy').trim()).toBe('active');
      expect(run(lab, m, 'test -e /etc/nginx/stream.d/kube-apiserver.conf').rc).toBe(1);
    }
    expect(must(lab, 'worker1', 'kubectl get nodes -o name')).toContain('node/master1');
    const again = kplay(lab, ['-i', inv, 'playbooks/cluster-load-balanced.yaml', '-e', 'LOAD_BALANCING=haproxy']);
    expect(Object.entries(recap(again.out)).filter(([, v]) => v.changed > 0), changedTasks(again.out)).toEqual([]);
  });

  it('local-access writes an admin kubeconfig for the endpoint on the controller', () => {
    const dest = join(work, 'admin.conf');
    const r = kplay(lab, ['-i', inv, 'playbooks/local-access.yaml', '-e', `LOCAL_KUBECONFIG=${dest}`]);
    expect(r.rc, r.out).toBe(0);
    const text = readFileSync(dest, 'utf8');
    expect(text).toMatch(/^\s+server: https:\/\/k8s-api\.lab\.test:8443$/m);
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    expect(r.out).not.toContain('client-key-data');
  });
});

describe.skipIf(!available)('cluster playbooks: haproxy, external etcd', { timeout: 300_000 }, () => {
  let lab: LabState;
  let inv: string;

  beforeAll(() => {
    const work = tempDir('kplay-cluster-ext-');
    lab = labUp({ masters: 3, workers: 1, kube: 'fresh', dir: join(work, 'lab'), prefix: 'kpcx' }) as LabState;
    inv = writeInventory(lab, join(work, 'inv'), { masters: ['master1', 'master2', 'master3'], workers: ['worker1'], vars: { LOAD_BALANCING: 'haproxy', ETCD_HOSTING: 'external' } });
  }, 180_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kpcx');
  });

  it('sets up the cluster over an external etcd behind haproxy; a second run changes nothing', () => {
    const r = kplay(lab, ['-i', inv, 'playbooks/cluster-setup.yaml']);
    expect(r.rc, r.out.slice(-3000)).toBe(0);
    const nodes = must(lab, 'master2', 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes --no-headers');
    expect(nodes.trim().split('\n').map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(['master1 Ready', 'master2 Ready', 'master3 Ready', 'worker1 Ready']);
    expect(must(lab, 'master1', 'systemctl is-active haproxy etcd')).toBe('active\nactive\n');
    expect(run(lab, 'master1', 'test -e /etc/kubernetes/manifests/etcd.yaml').rc).toBe(1);
    const ips = lab.hosts.slice(0, 3).map((h) => h.ip);
    expect(must(lab, 'master3', 'grep -- --etcd-servers /etc/kubernetes/manifests/kube-apiserver.yaml').trim()).toBe(`- --etcd-servers=${ips.map((ip) => `https://${ip}:2379`).join(',')}`);
    const members = must(lab, 'master1', `${ETCDCTL} --cacert /etc/etcd/pki/ca.crt --cert /etc/etcd/pki/server.crt --key /etc/etcd/pki/server.key member list`);
    for (const h of lab.hosts.slice(0, 3)) expect(members).toContain(`started, ${h.name}, https://${h.ip}:2380,`);
    expect(must(lab, 'master1', 'grep -c "check check-ssl" /etc/haproxy/haproxy.cfg').trim()).toBe('3');
    const again = kplay(lab, ['-i', inv, 'playbooks/cluster-setup.yaml']);
    expect(again.rc).toBe(0);
    expect(Object.entries(recap(again.out)).filter(([, v]) => v.changed > 0), changedTasks(again.out)).toEqual([]);
  });

  it("cluster-uninstall removes the external etcd's data, certificates and service, haproxy's configuration, with a snapshot first", () => {
    const r = kplay(lab, ['-i', inv, 'playbooks/cluster-uninstall.yaml', '-e', 'confirm=kubernetes']);
    expect(r.rc, r.out.slice(-3000)).toBe(0);
    expect(r.out).toMatch(/an etcd snapshot from master1 to /);
    // a service stopped after its process died is `failed` (as systemd says), which is stopped too
    const table = r.out.split('\n').filter((l) => /^\s*"?master1 /.test(l)).join('\n');
    expect(r.out, table).toMatch(/master1\s+services stopped and disabled\s+PASS\s+kubelet (inactive|failed)\/disabled, keepalived (inactive|failed)\/disabled, haproxy (inactive|failed)\/disabled, etcd (inactive|failed)\/disabled/);
    for (const h of ['master1', 'master2', 'master3']) {
      // (inactive or failed: both stopped, as the table above accepts)
      expect(must(lab, h, 'systemctl is-active etcd haproxy; systemctl is-enabled etcd haproxy; true')).toMatch(/^(inactive|failed)\n(inactive|failed)\ndisabled\ndisabled\n$/);
      expect(must(lab, h, 'for p in /etc/etcd/pki /etc/default/etcd /etc/haproxy/haproxy.cfg /etc/kubernetes; do [ ! -e $p ] || echo "left $p"; done; ls -A /var/lib/etcd')).toBe('');
      expect(run(lab, h, 'ss -Hltn | grep -E ":(2379|2380|6443|8443) "').stdout).toBe('');
    }
    const backup = must(lab, 'master1', 'ls -d /var/backups/kplay/*-uninstall').trim();
    expect(must(lab, 'master1', `ls ${backup}`).split('\n')).toEqual(expect.arrayContaining(['etcd-snapshot.db', 'etc']));
    expect(must(lab, 'master1', `ls ${backup}/etc/etcd/pki`)).toContain('server.key');
  });
});
