// The lab's Kubernetes stand-ins driven directly (no kplay): an HA control plane from kubeadm init
// with upload-certs, two control-plane joins with the certificate key, workers, a VIP held by real
// keepalived and balanced by real nginx, real etcd membership, real certificates checked by TLS, a
// new SAN, the VIP holder killed; then the "legacy single master" starting point of conversions.
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, until } from '../support/until.js';
// @ts-expect-error the lab is plain JavaScript (runs without a build: npm run lab)
import { labAvailable, labDown, labKillHost, labMust, labRun, labUp } from './lab.mjs';
import { tempDir } from '../support/tree.js';

interface LabState {
  dir: string;
  hosts: { name: string; ip: string }[];
  vip: string;
}
interface RunResult {
  rc: number;
  stdout: string;
  stderr: string;
}
const run = (lab: LabState, host: string, cmd: string, opts?: object): RunResult => labRun(lab, host, cmd, opts) as RunResult;
const must = (lab: LabState, host: string, cmd: string, opts?: object): string => labMust(lab, host, cmd, opts) as string;
const available = labAvailable() as boolean;


const ETCDCTL = 'ETCDCTL_API=3 etcdctl --endpoints https://127.0.0.1:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key';

function keepalivedConf(i: number, vip: string): string {
  return `global_defs {
  router_id master${i}
  enable_script_security
  script_user root
}
vrrp_script check_apiserver {
  script "/etc/keepalived/check_apiserver.sh"
  interval 1
  weight -30
  fall 2
  rise 1
}
vrrp_instance VI_1 {
  state ${i === 1 ? 'MASTER' : 'BACKUP'}
  interface eth0
  virtual_router_id 51
  priority ${110 - i * 10}
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass labpass
  }
  virtual_ipaddress {
    ${vip}/24
  }
  track_script {
    check_apiserver
  }
}
`;
}

function nginxStream(lab: LabState): string {
  const masters = lab.hosts.filter((h) => h.name.startsWith('master'));
  return `upstream apiserver {\n${masters.map((m) => `  server ${m.ip}:6443 max_fails=1 fail_timeout=5s;`).join('\n')}\n}\nserver {\n  listen 8443;\n  proxy_pass apiserver;\n  proxy_connect_timeout 1s;\n}\n`;
}

describe.skipIf(!available)('lab Kubernetes: HA control plane through a VIP', { timeout: 300_000 }, () => {
  let lab: LabState;
  let certKey = '';
  let joinCmd = '';
  const masters = ['master1', 'master2', 'master3'];
  const everyone = [...masters, 'worker1', 'worker2'];

  beforeAll(() => {
    lab = labUp({ masters: 3, workers: 2, kube: 'fresh', dir: join(tempDir('kplay-kube-'), 'lab'), prefix: 'kpkube' }) as LabState;
    for (const h of everyone) must(lab, h, `echo '${lab.vip} k8s-api.lab.test' >> /etc/hosts`);
  }, 180_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kpkube');
  });

  it('has the packages installed and the services a fresh host runs', () => {
    expect(must(lab, 'worker1', 'kubeadm version -o short').trim()).toBe('v1.30.5');
    expect(must(lab, 'worker1', "dpkg-query -W -f='${Status}|${Version}' kubelet")).toBe('install ok installed|1.30.5-1.1');
    expect(must(lab, 'worker1', 'systemctl is-active kubelet containerd')).toBe('active\nactive\n');
    expect(must(lab, 'worker1', 'systemctl is-enabled kubelet').trim()).toBe('enabled');
    const r = run(lab, 'worker1', 'apt-get install -y kubeadm=9.9.9-1.1');
    expect(r.rc).toBe(100);
    expect(r.stderr).toContain("E: Version '9.9.9-1.1' for 'kubeadm' was not found");
    // a repository whose key apt does not have fails the update, as apt's does
    const unsigned = run(lab, 'worker1', "echo 'deb [signed-by=/etc/apt/keyrings/none.gpg] https://pkgs.k8s.io/core:/stable:/v1.31/deb/ /' >/etc/apt/sources.list.d/other.list; apt-get update; rc=$?; rm /etc/apt/sources.list.d/other.list; apt-get update -q >/dev/null; exit $rc");
    expect(unsigned.rc).toBe(100);
    expect(unsigned.stderr).toContain("E: The repository 'https://pkgs.k8s.io/core:/stable:/v1.31/deb/ InRelease' is not signed.");
    expect(must(lab, 'worker1', "apt-cache madison kubeadm | awk '{print $3}' | tr '\\n' ' '").trim()).toBe('1.30.5-1.1 1.30.4-1.1');
  });

  it('runs keepalived and nginx as real services: the VIP lives on the primary', () => {
    for (const [i, m] of masters.entries()) {
      must(lab, m, `cat > /etc/keepalived/keepalived.conf`, { input: keepalivedConf(i + 1, lab.vip) });
      must(lab, m, `printf '#!/bin/sh\\ncurl -sfk --max-time 2 https://127.0.0.1:6443/healthz -o /dev/null\\n' > /etc/keepalived/check_apiserver.sh && chmod 755 /etc/keepalived/check_apiserver.sh`);
      must(lab, m, 'mkdir -p /etc/nginx/stream.d && cat > /etc/nginx/stream.d/apiserver.conf', { input: nginxStream(lab) });
      must(lab, m, `printf 'stream {\\n  include /etc/nginx/stream.d/*.conf;\\n}\\n' >> /etc/nginx/nginx.conf`);
      must(lab, m, 'keepalived -t && nginx -t -q && systemctl restart nginx keepalived');
      expect(must(lab, m, 'systemctl is-active nginx keepalived')).toBe('active\nactive\n');
    }
    return until('the VIP on master1', () => (run(lab, 'master1', `ip -4 addr show eth0`).stdout.includes(`${lab.vip}/24`) ? true : undefined), 15_000);
  });

  it('kubeadm init with a controlPlaneEndpoint and --upload-certs', () => {
    const config = `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.30.5
controlPlaneEndpoint: k8s-api.lab.test:8443
networking:
  podSubnet: 10.244.0.0/16
`;
    must(lab, 'master1', 'cat > /root/kubeadm.yaml', { input: config });
    const out = must(lab, 'master1', 'kubeadm init --config /root/kubeadm.yaml --upload-certs', { timeout: 180_000 });
    expect(out).toContain('Your Kubernetes control-plane has initialized successfully!');
    certKey = /--certificate-key ([0-9a-f]{64})/.exec(out)?.[1] ?? '';
    expect(certKey).toHaveLength(64);
    const worker = /kubeadm join k8s-api\.lab\.test:8443 --token (\S+) \\\n\t--discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})\s*$/.exec(out);
    expect(worker).not.toBeNull();
    joinCmd = `kubeadm join k8s-api.lab.test:8443 --token ${worker?.[1]} --discovery-token-ca-cert-hash ${worker?.[2]}`;
    must(lab, 'master1', 'mkdir -p /root/.kube && cp /etc/kubernetes/admin.conf /root/.kube/config');
    // kubeadm init waited for the apiserver itself; nginx may still hold the only upstream as failed (a
    // kubelet's connection while the apiserver started: max_fails=1 fail_timeout=5s): the endpoint first
    for (let i = 0; i < 20 && run(lab, 'master1', 'kubectl get --raw /readyz').rc !== 0; i++) must(lab, 'master1', 'sleep 1');
    // the certificate carries the endpoint name; the kubeconfigs point at the endpoint
    const cert = new X509Certificate(must(lab, 'master1', 'cat /etc/kubernetes/pki/apiserver.crt'));
    expect(cert.subjectAltName).toContain('DNS:k8s-api.lab.test');
    expect(cert.subjectAltName).toContain('IP Address:10.96.0.1');
    expect(must(lab, 'master1', 'grep server: /etc/kubernetes/admin.conf /etc/kubernetes/kubelet.conf')).toMatch(/admin.conf:\s+server: https:\/\/k8s-api.lab.test:8443\n.*kubelet.conf:\s+server: https:\/\/k8s-api.lab.test:8443/);
    expect(must(lab, 'master1', 'grep server: /etc/kubernetes/scheduler.conf')).toContain(`https://${lab.hosts[0]?.ip}:6443`);
    const cm = must(lab, 'master1', "kubectl -n kube-system get cm kubeadm-config -o jsonpath='{.data.ClusterConfiguration}'");
    expect(cm).toContain('controlPlaneEndpoint: k8s-api.lab.test:8443');
    expect(must(lab, 'master1', 'kubeadm token list')).toContain('Proxy for managing TTL for the kubeadm-certs secret');
  });

  it('joins two control planes with the certificate key: three etcd members on node addresses', () => {
    for (const m of ['master2', 'master3']) {
      const out = must(lab, m, `${joinCmd} --control-plane --certificate-key ${certKey}`, { timeout: 180_000 });
      expect(out).toContain('This node has joined the cluster and a new control plane instance was created');
    }
    const members = must(lab, 'master1', `${ETCDCTL} member list`);
    const lines = members.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const h of lab.hosts.slice(0, 3)) expect(members).toContain(`, started, ${h.name}, https://${h.ip}:2380, https://${h.ip}:2379`);
    // the shared CA came from the kubeadm-certs Secret: every master has the same one
    const ca = must(lab, 'master1', 'sha256sum < /etc/kubernetes/pki/ca.crt');
    expect(must(lab, 'master3', 'sha256sum < /etc/kubernetes/pki/ca.crt')).toBe(ca);
  });

  it('refuses joins with a wrong CA hash, an expired token or a wrong certificate key', async () => {
    const wrongHash = joinCmd.replace(/sha256:[0-9a-f]{64}/, `sha256:${'0'.repeat(64)}`);
    let r = run(lab, 'worker2', wrongHash);
    expect(r.rc).toBe(1);
    expect(r.stderr).toMatch(/cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "sha256:[0-9a-f]{64}" are pinned/);
    const short = must(lab, 'master1', 'kubeadm token create --ttl 1s').trim();
    await sleep(1500);
    r = run(lab, 'worker2', joinCmd.replace(/--token \S+/, `--token ${short}`), { env: { LAB_DISCOVERY_TIMEOUT_MS: '2000' } });
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain(`could not find a JWS signature in the cluster-info ConfigMap for token ID "${short.split('.')[0]}"`);
    r = run(lab, 'worker2', `${joinCmd} --control-plane --certificate-key ${'ab'.repeat(32)}`);
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain('error decoding secret data with provided key: cipher: message authentication failed');
    must(lab, 'worker2', 'kubeadm reset -f');
  });

  it('joins workers; with a CNI applied every node turns Ready, seen through the VIP', async () => {
    for (const w of ['worker1', 'worker2']) expect(must(lab, w, joinCmd, { timeout: 120_000 })).toContain('This node has joined the cluster');
    expect(must(lab, 'worker1', 'grep server: /etc/kubernetes/kubelet.conf')).toContain('https://k8s-api.lab.test:8443');
    must(lab, 'master1', 'kubectl apply -f /usr/local/lib/kplay-lab/manifests/lab-flannel.yaml');
    must(lab, 'worker1', 'mkdir -p /root/.kube && cat > /root/.kube/config', { input: must(lab, 'master1', 'cat /etc/kubernetes/admin.conf') });
    must(lab, 'worker1', 'kubectl wait --for=condition=Ready nodes --all --timeout=60s', { timeout: 90_000 });
    const nodes = must(lab, 'worker1', 'kubectl get nodes --no-headers');
    expect(nodes.trim().split('\n').map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual(['master1 Ready control-plane', 'master2 Ready control-plane', 'master3 Ready control-plane', 'worker1 Ready <none>', 'worker2 Ready <none>']);
    const pods = must(lab, 'worker1', 'kubectl -n kube-system get pods -l component=kube-apiserver -o name');
    expect(pods.trim().split('\n')).toEqual(['pod/kube-apiserver-master1', 'pod/kube-apiserver-master2', 'pod/kube-apiserver-master3']);
    expect(must(lab, 'worker1', 'kubectl -n kube-system scale deployment coredns --replicas=3')).toContain('deployment.apps/coredns scaled');
    expect(await until('3 coredns replicas', () => {
      const r = run(lab, 'worker1', "kubectl -n kube-system get deploy coredns -o jsonpath='{.status.readyReplicas}'").stdout;
      return r === '3' ? r : undefined;
    })).toBe('3');
  });

  it('a new SAN: kubectl through the new name fails until the apiserver certificate is regenerated', async () => {
    must(lab, 'worker1', `echo '${lab.vip} api.lab.test' >> /etc/hosts`);
    const before = run(lab, 'worker1', 'kubectl --server https://api.lab.test:8443 get nodes');
    expect(before.rc).toBe(1);
    expect(before.stderr).toMatch(/Unable to connect to the server: tls: failed to verify certificate: x509: certificate is valid for .*k8s-api\.lab\.test.*, not api\.lab\.test/);
    for (const m of masters) {
      must(lab, m, "kubectl -n kube-system get cm kubeadm-config -o jsonpath='{.data.ClusterConfiguration}' > /root/cluster.yaml || cp /root/kubeadm.yaml /root/cluster.yaml", { env: { KUBECONFIG: '/etc/kubernetes/admin.conf' } });
      must(lab, m, "printf 'apiServer:\\n  certSANs:\\n  - api.lab.test\\n' > /root/sans.yaml && grep -v '^apiServer: {}' /root/cluster.yaml >> /root/sans.yaml");
      // an existing certificate is kept, as kubeadm does: it must be moved away first
      expect(must(lab, m, 'kubeadm init phase certs apiserver --config /root/sans.yaml')).toContain('Using existing apiserver certificate and key on disk');
      const out = must(lab, m, 'rm /etc/kubernetes/pki/apiserver.crt /etc/kubernetes/pki/apiserver.key && kubeadm init phase certs apiserver --config /root/sans.yaml');
      expect(out).toMatch(/apiserver serving cert is signed for DNS names \[.*api\.lab\.test.*\]/);
      must(lab, m, `kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system delete pod kube-apiserver-${m}`);
    }
    const after = await until('kubectl through api.lab.test', () => {
      const r = run(lab, 'worker1', 'kubectl --server https://api.lab.test:8443 get nodes -o name');
      return r.rc === 0 ? r.stdout : undefined;
    });
    expect(after).toContain('node/worker2');
    // every apiserver back before the next test: they were all restarted
    for (const m of masters) await until(`the apiserver on ${m} to answer`, () => (run(lab, m, 'curl -sk --max-time 1 https://127.0.0.1:6443/healthz').stdout === 'ok' ? true : undefined));
  });

  it('adds a control plane after every token was deleted: fresh upload-certs and token, after a kubeadm reset', () => {
    const reset = run(lab, 'master3', 'kubeadm reset -f');
    expect(reset.rc).toBe(0);
    expect(`${reset.stdout}${reset.stderr}`).toContain('[reset] Removing info for node from the etcd cluster');
    expect(must(lab, 'master1', `${ETCDCTL} member list`).trim().split('\n')).toHaveLength(2);
    for (const line of must(lab, 'master1', 'kubeadm token list').trim().split('\n').slice(1)) must(lab, 'master1', `kubeadm token delete ${line.split(/\s+/)[0]}`);
    expect(must(lab, 'master1', 'kubeadm token list')).toBe('');
    // the old join command and certificate key are dead now
    const stale = run(lab, 'master3', `${joinCmd} --control-plane --certificate-key ${certKey}`, { env: { LAB_DISCOVERY_TIMEOUT_MS: '1500' } });
    expect(stale.rc).toBe(1);
    expect(stale.stderr).toContain('could not find a JWS signature in the cluster-info ConfigMap');
    const key = must(lab, 'master1', 'kubeadm init phase upload-certs --upload-certs').trim().split('\n').at(-1) ?? '';
    const join = must(lab, 'master1', `kubeadm token create --print-join-command --certificate-key ${key}`).trim();
    expect(join).toMatch(/^kubeadm join k8s-api\.lab\.test:8443 --token \S+ --discovery-token-ca-cert-hash sha256:[0-9a-f]{64} --control-plane --certificate-key [0-9a-f]{64}$/);
    joinCmd = join.replace(/ --control-plane.*$/, '');
    expect(must(lab, 'master3', join, { timeout: 180_000 })).toContain('a new control plane instance was created');
    expect(must(lab, 'master1', `${ETCDCTL} member list`).trim().split('\n')).toHaveLength(3);
  });

  it('certs check-expiration and renew, kubeconfig user', () => {
    const exp = must(lab, 'master2', 'kubeadm certs check-expiration');
    expect(exp).toMatch(/admin\.conf\s+\w{3} \d\d, \d{4} \d\d:\d\d UTC\s+364d\s+ca\s+no/);
    expect(exp).toMatch(/etcd-ca\s+\w{3} \d\d, \d{4} \d\d:\d\d UTC\s+9y\s+no/);
    const serialBefore = new X509Certificate(must(lab, 'master2', 'cat /etc/kubernetes/pki/apiserver.crt')).serialNumber;
    expect(must(lab, 'master2', 'kubeadm certs renew apiserver')).toContain('certificate for apiserver renewed');
    const renewed = new X509Certificate(must(lab, 'master2', 'cat /etc/kubernetes/pki/apiserver.crt'));
    expect(renewed.serialNumber).not.toBe(serialBefore);
    expect(renewed.subjectAltName).toContain('DNS:api.lab.test'); // renew keeps the SANs
    const user = must(lab, 'master2', 'kubeadm kubeconfig user --client-name ops --org kubeadm:cluster-admins');
    must(lab, 'worker2', 'cat > /root/ops.conf', { input: user });
    expect(must(lab, 'worker2', `echo '${lab.vip} k8s-api.lab.test' >> /etc/hosts; kubectl --kubeconfig /root/ops.conf get nodes -o name`)).toContain('node/master1');
    const r = run(lab, 'worker2', 'kubectl --kubeconfig /etc/kubernetes/kubelet.conf delete cm -n kube-system kubeadm-config');
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain('Error from server (Forbidden)');
  });

  it('kubectl edit, patch, label, cordon, drain and uncordon', () => {
    must(lab, 'worker1', `KUBE_EDITOR="sed -i 's#server: https://k8s-api.lab.test:8443#server: https://edited:8443#'" kubectl -n kube-system edit cm kube-proxy`);
    expect(must(lab, 'worker1', "kubectl -n kube-system get cm kube-proxy -o jsonpath='{.data.kubeconfig\\.conf}'")).toContain('server: https://edited:8443');
    expect(must(lab, 'worker1', `kubectl -n kube-system patch cm kube-proxy -p '{"metadata":{"labels":{"lab":"yes"}}}'`)).toContain('configmap/kube-proxy patched');
    expect(must(lab, 'worker1', 'kubectl label node worker2 node-role.kubernetes.io/worker=')).toContain('node/worker2 labeled');
    expect(must(lab, 'worker1', 'kubectl get node worker2 --no-headers')).toMatch(/^worker2\s+Ready\s+worker/);
    const blocked = run(lab, 'worker1', 'kubectl drain worker2');
    expect(blocked.rc).toBe(1);
    expect(blocked.stderr).toContain('cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)');
    expect(must(lab, 'worker1', 'kubectl drain worker2 --ignore-daemonsets')).toContain('node/worker2 drained');
    expect(must(lab, 'worker1', 'kubectl get node worker2 --no-headers')).toMatch(/Ready,SchedulingDisabled/);
    expect(must(lab, 'worker1', 'kubectl uncordon worker2')).toContain('node/worker2 uncordoned');
  });

  it('a removed manifest stops its static pod; the balancer keeps serving; putting it back starts it', async () => {
    must(lab, 'master3', 'mv /etc/kubernetes/manifests/kube-apiserver.yaml /root/');
    await until('the apiserver on master3 to stop', () => (run(lab, 'master3', 'curl -sk --max-time 1 https://127.0.0.1:6443/healthz').rc !== 0 ? true : undefined));
    for (let i = 0; i < 6; i++) expect(run(lab, 'worker1', 'kubectl get nodes -o name').rc).toBe(0);
    must(lab, 'master3', 'mv /root/kube-apiserver.yaml /etc/kubernetes/manifests/');
    await until('the apiserver on master3 to answer', () => (run(lab, 'master3', 'curl -sk --max-time 1 https://127.0.0.1:6443/healthz').stdout === 'ok' ? true : undefined));
  });

  it('haproxy in TCP mode with an HTTPS /readyz check per master, as a real service', () => {
    const masterIps = lab.hosts.slice(0, 3).map((h) => h.ip);
    const cfg = `global\n  log /dev/log local0\n  daemon\ndefaults\n  mode tcp\n  timeout connect 2s\n  timeout client 30s\n  timeout server 30s\nfrontend apiserver\n  bind *:9443\n  default_backend masters\nbackend masters\n  option httpchk GET /readyz\n  http-check expect status 200\n${masterIps.map((ip, i) => `  server m${i + 1} ${ip}:6443 check check-ssl verify none inter 1s`).join('\n')}\n`;
    must(lab, 'master2', 'cat > /etc/haproxy/haproxy.cfg', { input: cfg });
    must(lab, 'master2', 'haproxy -c -f /etc/haproxy/haproxy.cfg && systemctl restart haproxy');
    expect(must(lab, 'master2', 'systemctl is-active haproxy').trim()).toBe('active');
    const v = must(lab, 'worker1', `curl -s --cacert /etc/kubernetes/pki/ca.crt --resolve k8s-api.lab.test:9443:${masterIps[1]} https://k8s-api.lab.test:9443/version`);
    expect(JSON.parse(v).gitVersion).toBe('v1.30.5');
  });

  it('systemctl: a failing ExecStartPre fails the start with systemd\'s message; daemon-reload is asked for', () => {
    must(lab, 'worker1', "printf 'this is not nginx\\n' > /etc/nginx/conf.d/broken.conf");
    const r = run(lab, 'worker1', 'systemctl restart nginx');
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain('Job for nginx.service failed because the control process exited with error code.');
    expect(must(lab, 'worker1', 'systemctl is-active nginx; true')).toBe('failed\n');
    must(lab, 'worker1', 'rm /etc/nginx/conf.d/broken.conf && systemctl daemon-reload && mkdir -p /etc/systemd/system/nginx.service.d && printf "[Service]\\nEnvironment=X=1\\n" > /etc/systemd/system/nginx.service.d/x.conf');
    const warn = run(lab, 'worker1', 'systemctl restart nginx');
    expect(warn.rc).toBe(0);
    expect(warn.stderr).toContain("changed on disk. Run 'systemctl daemon-reload' to reload units.");
    expect(must(lab, 'worker1', 'systemctl status nginx')).toMatch(/Drop-In: \/etc\/systemd\/system\/nginx\.service\.d\/x\.conf[\s\S]*Active: active \(running\)/);
  });

  it('kubeadm upgrade plan, apply and node after a pinned package upgrade; describe and cluster-info', async () => {
    const m1 = lab.hosts[0]?.ip;
    for (const sub of ['plan v1.31.1', 'apply v1.31.1 -y']) {
      const early = run(lab, 'master1', `kubeadm upgrade ${sub}`);
      expect(early.rc).toBe(1);
      expect(early.stderr).toContain('is higher than the kubeadm version "v1.30.5". Upgrade kubeadm first');
    }
    // the v1.30 repository has no 1.31 packages (pkgs.k8s.io has one repository per minor): switch it
    const noRepo = run(lab, 'master1', 'apt-get install -y --allow-change-held-packages kubeadm=1.31.1-1.1');
    expect(noRepo.rc).toBe(100);
    expect(noRepo.stderr).toContain("E: Version '1.31.1-1.1' for 'kubeadm' was not found");
    const to131 = "sed -i 's#/v1.30/#/v1.31/#' /etc/apt/sources.list.d/kubernetes.list && apt-get update -q >/dev/null";
    for (const m of ['master1', 'master2']) must(lab, m, `${to131} && apt-get install -y --allow-change-held-packages kubeadm=1.31.1-1.1`);
    expect(must(lab, 'master1', 'kubeadm upgrade plan v1.31.1')).toContain('kubeadm upgrade apply v1.31.1');
    expect(must(lab, 'master1', 'kubeadm upgrade apply v1.31.1 -y')).toContain('[upgrade/successful] SUCCESS! Your cluster was upgraded to "v1.31.1". Enjoy!');
    expect(must(lab, 'master1', 'grep image: /etc/kubernetes/manifests/kube-apiserver.yaml').trim()).toBe('image: registry.k8s.io/kube-apiserver:v1.31.1');
    await until('master1 apiserver on v1.31.1', () => (run(lab, 'master1', `kubectl --server https://${m1}:6443 version`).stdout.includes('Server Version: v1.31.1') ? true : undefined), 90_000);
    expect(must(lab, 'master2', 'kubeadm upgrade node')).toContain('[upgrade] The configuration for this node was successfully updated!');
    expect(must(lab, 'master2', 'grep image: /etc/kubernetes/manifests/kube-scheduler.yaml').trim()).toBe('image: registry.k8s.io/kube-scheduler:v1.31.1');
    const d = must(lab, 'master1', 'kubectl describe node worker1');
    expect(d).toMatch(/Name:\s+worker1/);
    expect(d).toMatch(/Ready\s+True\s+\S+\s+KubeletReady/);
    expect(must(lab, 'master1', 'kubectl cluster-info')).toContain('Kubernetes control plane is running at https://k8s-api.lab.test:8443');
  });

  it('a scheduler whose kubeconfig names a wrong server fails visibly and is restarted by the kubelet', async () => {
    must(lab, 'master3', "sed -i 's#server: https://.*#server: https://10.213.0.250:6443#' /etc/kubernetes/scheduler.conf");
    must(lab, 'master3', 'kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system delete pod kube-scheduler-master3');
    const log = await until('the scheduler to log its failure', () => {
      const t = run(lab, 'master3', 'cat /var/log/pods/kube-system_kube-scheduler-master3/kube-scheduler.log').stdout;
      return t.includes('leaderelection lost') ? t : undefined;
    }, 60_000);
    expect(log).toMatch(/error retrieving resource lock kube-system\/kube-scheduler: dial tcp 10\.213\.0\.250:6443|net\/http: request canceled/);
    const restarts = await until('a restart in the mirror pod', () => {
      const r = run(lab, 'master1', "kubectl -n kube-system get pod kube-scheduler-master3 -o jsonpath='{.status.containerStatuses[0].restartCount}'").stdout;
      return Number(r) >= 2 ? r : undefined;
    }, 60_000);
    expect(Number(restarts)).toBeGreaterThanOrEqual(2);
  });

  it('kills the node holding the VIP: the VIP moves and kubectl through the endpoint keeps answering', async () => {
    labKillHost(lab, 'master1');
    const holder = await until('the VIP on another master', () => ['master2', 'master3'].find((m) => run(lab, m, 'ip -4 addr show eth0').stdout.includes(`${lab.vip}/24`)), 15_000);
    expect(holder).toBe('master2');
    const nodes = await until('kubectl through the VIP', () => {
      const r = run(lab, 'worker1', 'kubectl get nodes -o name');
      return r.rc === 0 ? r.stdout : undefined;
    });
    expect(nodes).toContain('node/master1');
    // and master1 turns NotReady once its heartbeats stop
    const status = await until('master1 NotReady', () => {
      const r = run(lab, 'worker1', 'kubectl get node master1 --no-headers').stdout;
      return r.includes('NotReady') ? r : undefined;
    }, 40_000);
    expect(status).toMatch(/^master1\s+NotReady/);
  });
});

describe.skipIf(!available)('lab Kubernetes: the legacy single master', { timeout: 300_000 }, () => {
  let lab: LabState;

  beforeAll(() => {
    lab = labUp({ masters: 2, workers: 1, kube: 'legacy', dir: join(tempDir('kplay-legacy-'), 'lab'), prefix: 'kplegacy' }) as LabState;
  }, 180_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kplegacy');
  });

  it('is what an old kubeadm init without an endpoint left behind', () => {
    const m1 = lab.hosts[0]?.ip;
    const cert = new X509Certificate(must(lab, 'master1', 'cat /etc/kubernetes/pki/apiserver.crt'));
    expect(cert.subjectAltName).toBe(`DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, DNS:master1, IP Address:10.96.0.1, IP Address:${m1}`);
    expect(must(lab, 'master1', 'grep server: /etc/kubernetes/admin.conf').trim()).toBe(`server: https://${m1}:6443`);
    expect(must(lab, 'worker1', 'grep server: /etc/kubernetes/kubelet.conf').trim()).toBe(`server: https://${m1}:6443`);
    expect(must(lab, 'master1', `${ETCDCTL} member list`)).toContain('started, master1, https://127.0.0.1:2380');
    expect(must(lab, 'master1', 'kubectl get nodes --no-headers')).toMatch(/master1\s+Ready\s+control-plane[\s\S]*worker1\s+Ready/);
  });

  it('conversion pieces: kubeconfig phase refuses a kubeconfig with another server until it is removed; etcdctl member update fixes the peer URL', () => {
    const m1 = lab.hosts[0]?.ip;
    must(lab, 'master1', "kubectl -n kube-system get cm kubeadm-config -o jsonpath='{.data.ClusterConfiguration}' > /root/cluster.yaml && sed -i 's/^controlPlaneEndpoint: .*/controlPlaneEndpoint: k8s-api.legacy:6443/' /root/cluster.yaml");
    const refused = run(lab, 'master1', 'kubeadm init phase kubeconfig admin --config /root/cluster.yaml');
    expect(refused.rc).toBe(1);
    expect(refused.stderr).toContain(`a kubeconfig file "/etc/kubernetes/admin.conf" exists already but has an unexpected API Server URL: expected: https://k8s-api.legacy:6443, got: https://${m1}:6443`);
    expect(must(lab, 'master1', 'mv /etc/kubernetes/admin.conf /root/admin.conf.old && kubeadm init phase kubeconfig admin --config /root/cluster.yaml')).toContain('[kubeconfig] Writing "admin.conf" kubeconfig file');
    expect(must(lab, 'master1', 'grep server: /etc/kubernetes/admin.conf').trim()).toBe('server: https://k8s-api.legacy:6443');
    must(lab, 'master1', 'mv /root/admin.conf.old /etc/kubernetes/admin.conf');
    const id = must(lab, 'master1', `${ETCDCTL} member list`).split(',')[0];
    must(lab, 'master1', `${ETCDCTL} member update ${id} --peer-urls=https://${m1}:2380`);
    expect(must(lab, 'master1', `${ETCDCTL} member list`)).toContain(`started, master1, https://${m1}:2380`);
  });

  it('refuses a control-plane join: the cluster has no stable controlPlaneEndpoint', () => {
    const join = must(lab, 'master1', 'kubeadm token create --print-join-command').trim();
    const key = must(lab, 'master1', 'kubeadm init phase upload-certs --upload-certs | tail -n1').trim();
    const r = run(lab, 'master2', `${join} --control-plane --certificate-key ${key}`);
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain("unable to add a new control plane instance to a cluster that doesn't have a stable controlPlaneEndpoint address");
  });
});
