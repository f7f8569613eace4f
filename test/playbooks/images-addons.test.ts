// cluster-images.yaml on the lab (3 masters + 2 workers set up by cluster-setup): the image list from the
// lab's kubeadm and CNI manifest, fetched once with skopeo from a registry only the controller reaches
// (Debian's docker-registry on 127.0.0.1 in the lab namespace, or in master1's with IMAGES_FETCH_HOST),
// imported into each node's real containerd (test/lab/README.md); a second run changes nothing; a damaged
// archive is refused by its checksum; the upgrade's plan warns about a target's images a node lacks.
// Then, on the same cluster, the add-ons: cluster-dashboard.yaml (Headlamp, one replica per master, NodePort,
// metrics-server, admin-user), local-access.yaml with the admin-user token and without it, and
// uninstall-dashboard.yaml; each run twice. The lab has no kube-proxy or containers: the NodePort is checked
// as objects (DASHBOARD_VERIFY_HTTP false), the token against the lab's apiserver (real RS256 tokens).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabState, changedTasks, explain, kplay, must, recap, run, writeInventory } from '../support/cluster-lab.js';
// @ts-expect-error the lab is plain JavaScript (runs without a build: npm run lab)
import { labAvailable, labDown, labRun, labUp } from '../lab/lab.mjs';
// @ts-expect-error the lab is plain JavaScript
import { registryAvailable, registryPush, registryUp } from '../lab/registry.mjs';
import { tempDir } from '../support/tree.js';

const available = (labAvailable() as boolean) && (registryAvailable() as boolean);
const MASTERS = ['master1', 'master2', 'master3'];
const WORKERS = ['worker1', 'worker2'];
const PORT = 5055;
const CNI = ['docker.io/flannel/flannel-cni-plugin:v1.5.1-flannel2', 'docker.io/flannel/flannel:v0.25.6'];
// the add-ons kplay ships (cluster-dashboard.yaml)
const ADDONS = ['ghcr.io/headlamp-k8s/headlamp:v0.25.1', 'registry.k8s.io/metrics-server/metrics-server:v0.7.2'];
const CONTROL_PLANE = /\/(kube-apiserver|kube-controller-manager|kube-scheduler|etcd):/;

const unchanged = (out: string): boolean => Object.values(recap(out)).every((h) => h.changed === 0);
// what the kubelet's runtime lists on a node (crictl images), as repo:tag
const listed = (lab: LabState, host: string): string[] => must(lab, host, "crictl images | awk 'NR > 1 { print $1 \":\" $2 }'").split('\n').filter(Boolean).sort();

describe.skipIf(!available)('cluster-images and the add-ons on one cluster', { timeout: 900_000 }, () => {
  let lab: LabState;
  let work: string;
  let inventory: string;
  let vars: string;
  let kubeadmImages: (version: string) => string[];
  const images = (...args: string[]): string[] => ['-i', inventory, 'playbooks/cluster-images.yaml', '-e', `@${vars}`, ...args];
  const archives = (): string[] => readdirSync(join(work, 'inv', 'images')).sort();
  const wanted = (version: string, host: string): string[] => [...kubeadmImages(version), ...CNI, ...ADDONS].filter((i) => host.startsWith('master') || !CONTROL_PLANE.test(i)).sort();

  beforeAll(async () => {
    work = tempDir('kplay-images-');
    lab = labUp({ masters: 3, workers: 2, kube: 'fresh', dir: join(work, 'lab'), prefix: 'kpim' }) as LabState;
    inventory = writeInventory(lab, join(work, 'inv'), { masters: MASTERS, workers: WORKERS });
    const r = kplay(lab, ['-i', inventory, 'playbooks/cluster-setup.yaml', '-f', '10']);
    if (r.rc !== 0) throw new Error(explain(r.out));
    kubeadmImages = (version) => must(lab, 'master1', `kubeadm config images list --kubernetes-version v${version}`).split('\n').filter(Boolean);
    await registryUp(lab, PORT);
    registryPush(lab, PORT, [...kubeadmImages('1.30.5'), ...kubeadmImages('1.31.1'), ...CNI, ...ADDONS]);
    vars = join(work, 'images.yaml');
    writeFileSync(vars, `IMAGES_REGISTRY_MIRRORS: {"registry.k8s.io": "127.0.0.1:${PORT}", "docker.io": "127.0.0.1:${PORT}", "ghcr.io": "127.0.0.1:${PORT}"}\nIMAGES_TLS_VERIFY: false\nDASHBOARD_VERIFY_HTTP: false\n`);
  }, 300_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kpim');
  });

  it('--check shows the images and what each node lacks, and fetches and imports nothing', () => {
    const r = kplay(lab, images('--check'));
    expect(r.rc, explain(r.out)).toBe(0);
    expect(r.out).toContain('"Images for Kubernetes v1.30.5 (11; masters only: kube-apiserver:v1.30.5, kube-controller-manager:v1.30.5, kube-scheduler:v1.30.5, etcd:3.5.15-0):"');
    expect(r.out).toContain('"  docker.io/flannel/flannel-cni-plugin:v1.5.1-flannel2"');
    expect(r.out).toContain('"master1 (amd64): lacks 11 of 11: kube-apiserver:v1.30.5, kube-controller-manager:v1.30.5, kube-scheduler:v1.30.5, kube-proxy:v1.30.5, coredns:v1.11.3, pause:3.9, etcd:3.5.15-0, flannel-cni-plugin:v1.5.1-flannel2, flannel:v0.25.6, headlamp:v0.25.1, metrics-server:v0.7.2"');
    expect(r.out).toContain('"worker2 (amd64): lacks 7 of 7: kube-proxy:v1.30.5, coredns:v1.11.3, pause:3.9, flannel-cni-plugin:v1.5.1-flannel2, flannel:v0.25.6, headlamp:v0.25.1, metrics-server:v0.7.2"');
    expect(existsSync(join(work, 'inv', 'images'))).toBe(false);
    for (const h of [...MASTERS, ...WORKERS]) expect(listed(lab, h)).toEqual([]);
  });

  it('brings every image to the nodes that cannot reach the registry, once; a second run changes nothing', () => {
    // the nodes reach no registry: it listens on the controller's loopback only
    for (const h of ['master1', 'worker1']) expect(run(lab, h, `curl -fsS --max-time 3 http://127.0.0.1:${PORT}/v2/`).rc).not.toBe(0);
    const r = kplay(lab, images());
    expect(r.rc, explain(r.out)).toBe(0);
    for (const h of [...MASTERS, ...WORKERS]) expect(listed(lab, h), h).toEqual(wanted('1.30.5', h));
    expect(listed(lab, 'worker1')).not.toContain('registry.k8s.io/kube-apiserver:v1.30.5');
    // one archive per image on the controller, each with its checksum; nothing left on the nodes
    expect(archives()).toHaveLength(22);
    expect(spawnSync('sh', ['-c', 'sha256sum -c --strict *.sha256'], { cwd: join(work, 'inv', 'images') }).status).toBe(0);
    for (const h of [...MASTERS, ...WORKERS]) expect(run(lab, h, 'test -e /var/tmp/kplay-images').rc, h).toBe(1);
    expect(r.out).toContain('"master1  crictl lists the 11 images for v1.30.5  PASS  all"');
    expect(r.out).toContain('"worker2  crictl lists the 7 images for v1.30.5   PASS  all"');
    expect(r.out).toContain('"10 checks, 0 failed"');
    // each image fetched once, whatever the number of nodes that need it
    expect(r.out.match(/changed: \[[a-z0-9]+ -> localhost\] => \(item=registry\.k8s\.io\/pause:3\.9 \(amd64\)\)/g)).toHaveLength(1);

    const again = kplay(lab, images());
    expect(again.rc, explain(again.out)).toBe(0);
    expect(unchanged(again.out), changedTasks(again.out)).toBe(true);
    expect(again.out).toContain('"master2 (amd64): has all 11 images: nothing to do"');
    expect(again.out).toContain('"Every node has every image: nothing to fetch or import."');
  });

  it('refuses a damaged archive by its checksum before any node gets it; removed, it is fetched again', () => {
    must(lab, 'worker2', 'crictl rmi registry.k8s.io/pause:3.9');
    const file = join(work, 'inv', 'images', 'registry.k8s.io_pause_3.9_amd64.tar');
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from('X'), 0, 1, 2000);
    closeSync(fd);
    const r = kplay(lab, images());
    expect(r.rc, explain(r.out)).toBe(2);
    expect(r.out).toContain(`${file} does not match its checksum (.sha256 beside it): the archive is damaged and was not copied to any node. Remove it and its .sha256 and run again to fetch it again (or bring an intact copy).`);
    expect(listed(lab, 'worker2')).not.toContain('registry.k8s.io/pause:3.9');
    expect(run(lab, 'worker2', 'test -e /var/tmp/kplay-images').rc).toBe(1);

    rmSync(file);
    rmSync(`${file}.sha256`);
    const fixed = kplay(lab, images());
    expect(fixed.rc, explain(fixed.out)).toBe(0);
    expect(listed(lab, 'worker2')).toEqual(wanted('1.30.5', 'worker2'));
    // only the damaged image is fetched (on the controller) and only worker2 imports it
    const changed = changedTasks(fixed.out).split('\n').filter(Boolean);
    expect(changed.filter((l) => !/-> localhost\]|\[worker2\]/.test(l)), changedTasks(fixed.out)).toEqual([]);
    expect(changed.filter((l) => l.includes('fetched with skopeo'))).toEqual(['cluster_images : fetched with skopeo on localhost: [worker1 -> localhost] => (item=registry.k8s.io/pause:3.9 (amd64))']);
    expect(changed.filter((l) => l.includes('imported into containerd'))).toEqual(['cluster_images : checked and imported into containerd: [worker2] => (item=registry.k8s.io_pause_3.9_amd64.tar)']);
  });

  it('fetches on IMAGES_FETCH_HOST (a node that reaches a registry) and keeps the archives on the controller', async () => {
    await registryUp(lab, PORT + 1, { host: 'master1' });
    must(lab, 'worker1', 'crictl rmi registry.k8s.io/kube-proxy:v1.30.5');
    const file = join(work, 'inv', 'images', 'registry.k8s.io_kube-proxy_v1.30.5_amd64.tar');
    rmSync(file);
    rmSync(`${file}.sha256`);
    const r = kplay(lab, images('-e', 'IMAGES_FETCH_HOST=master1', '-e', `{"IMAGES_REGISTRY_MIRRORS": {"registry.k8s.io": "127.0.0.1:${PORT + 1}"}}`));
    expect(r.rc, explain(r.out)).toBe(0);
    expect(r.out).toContain('-> master1] => (item=registry.k8s.io/kube-proxy:v1.30.5 (amd64))');
    expect(listed(lab, 'worker1')).toEqual(wanted('1.30.5', 'worker1'));
    expect(existsSync(file) && existsSync(`${file}.sha256`)).toBe(true);
    expect(spawnSync('sha256sum', ['-c', '--strict', 'registry.k8s.io_kube-proxy_v1.30.5_amd64.tar.sha256'], { cwd: join(work, 'inv', 'images') }).status).toBe(0);
    expect(run(lab, 'master1', 'test -e /var/tmp/kplay-images').rc).toBe(1);
  });

  it('the upgrade plan warns about the target images a node lacks; cluster-images with the target version brings them', () => {
    const upgradeCheck = (): string => {
      const r = kplay(lab, ['-i', inventory, 'playbooks/cluster-upgrade.yaml', '-e', 'KUBERNETES_VERSION=1.31.1', '--check']);
      expect(r.rc, explain(r.out)).toBe(0);
      return r.out;
    };
    expect(upgradeCheck()).toContain('"WARNING: worker1 lacks 2 of the images for v1.31.1 (kube-proxy:v1.31.1, pause:3.10): the upgrade pulls them from the registries; a cluster without access to them needs cluster-images.yaml -e KUBERNETES_VERSION=1.31.1 first"');
    const r = kplay(lab, images('-e', 'KUBERNETES_VERSION=1.31.1'));
    expect(r.rc, explain(r.out)).toBe(0);
    for (const h of [...MASTERS, ...WORKERS]) expect(listed(lab, h), h).toEqual(expect.arrayContaining(wanted('1.31.1', h)));
    expect(upgradeCheck()).not.toContain('WARNING: ');
  });

  // kubectl on worker1 (it resolves the endpoint's name) with a kubeconfig from the controller
  const kubectlWith = (file: string, args: string): { rc: number; stdout: string; stderr: string } =>
    labRun(lab, 'worker1', `f=$(mktemp) && cat > "$f" && kubectl --kubeconfig "$f" ${args}; rc=$?; rm -f "$f"; exit $rc`, { input: readFileSync(file, 'utf8') });
  const ADMIN = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';

  it('cluster-dashboard: --check applies nothing; Headlamp with a replica per master on its NodePort, metrics-server, admin-user; a second run changes nothing', () => {
    const dashboard = (...args: string[]): string[] => ['-i', inventory, 'playbooks/cluster-dashboard.yaml', '-e', `@${vars}`, ...args];
    const check = kplay(lab, dashboard('--check'));
    expect(check.rc, explain(check.out)).toBe(0);
    expect(check.out).toContain('"Headlamp (ghcr.io/headlamp-k8s/headlamp:v0.25.1) in kplay-dashboard: 3 replicas (one per master), NodePort 32000: http://10.213.0.100:32000/"');
    expect(run(lab, 'master2', `${ADMIN} get namespace kplay-dashboard`).rc).not.toBe(0);

    const r = kplay(lab, dashboard());
    expect(r.rc, explain(r.out)).toBe(0);
    for (const line of [
      '"dashboard  Headlamp: one ready replica per master (3)               PASS  3 ready of 3"',
      '"dashboard  Service on NodePort 32000                                PASS  NodePort 32000"',
      '"dashboard  metrics-server ready, APIService v1beta1.metrics.k8s.io  PASS  1 ready of 1, kube-system/metrics-server"',
      '"dashboard  admin-user bound to cluster-admin                        PASS  cluster-admin kplay-dashboard/admin-user"',
      '"dashboard  an admin-user token works through k8s-api.lab.test:8443  PASS  5 nodes, kube-system secrets readable"',
      '"5 checks, 0 failed"',
    ]) expect(r.out).toContain(line);
    // the objects, read on another master
    expect(must(lab, 'master3', `${ADMIN} -n kplay-dashboard get deployment headlamp -o jsonpath='{.spec.replicas} {.spec.template.spec.containers[0].image}'`)).toBe('3 ghcr.io/headlamp-k8s/headlamp:v0.25.1');
    expect(must(lab, 'master3', `${ADMIN} -n kplay-dashboard get service headlamp -o jsonpath='{.spec.type} {.spec.ports[0].nodePort}'`)).toBe('NodePort 32000');
    expect(must(lab, 'master3', `${ADMIN} -n kplay-dashboard get pods -o name`).trim().split('\n')).toHaveLength(3);
    // no secret in the output
    expect(r.out).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);

    const again = kplay(lab, dashboard());
    expect(again.rc, explain(again.out)).toBe(0);
    expect(unchanged(again.out), changedTasks(again.out)).toBe(true);
  });

  it('local-access writes a kubeconfig with an expiring admin-user token; without admin-user, the client certificate', () => {
    const dest = join(work, 'local.conf');
    const r = kplay(lab, ['-i', inventory, 'playbooks/local-access.yaml', '-e', `LOCAL_KUBECONFIG=${dest}`, '-e', 'LOCAL_ACCESS_TOKEN_DURATION=2h']);
    expect(r.rc, explain(r.out)).toBe(0);
    expect(r.out).toContain('TASK [local_access : LOCAL_KUBECONFIG will hold a token of admin-user (expires after 2h)]');
    const text = readFileSync(dest, 'utf8');
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    expect(text).toMatch(/^ {6}server: https:\/\/k8s-api\.lab\.test:8443$/m);
    expect(text).not.toContain('client-key-data');
    const token = /^ {6}token: (\S+)$/m.exec(text)?.[1] ?? '';
    expect(r.out).not.toContain(token.slice(-20));
    // a bound token of admin-user that expires in 2 hours
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string; exp: number; iat: number };
    expect(claims.sub).toBe('system:serviceaccount:kplay-dashboard:admin-user');
    expect(claims.exp - claims.iat).toBe(7200);
    const nodes = kubectlWith(dest, 'get nodes -o name');
    expect(nodes.rc, nodes.stderr).toBe(0);
    expect(nodes.stdout.trim().split('\n')).toHaveLength(5);

    // uninstall-dashboard removes admin-user: its token stops working; local-access falls back to the certificate
    const un = kplay(lab, ['-i', inventory, 'playbooks/uninstall-dashboard.yaml', '-e', `@${vars}`]);
    expect(un.rc, explain(un.out)).toBe(0);
    const revoked = kubectlWith(dest, 'get nodes');
    expect(revoked.rc).not.toBe(0);
    expect(revoked.stderr).toContain('Unauthorized');
    const cert = kplay(lab, ['-i', inventory, 'playbooks/local-access.yaml', '-e', `LOCAL_KUBECONFIG=${dest}`]);
    expect(cert.rc, explain(cert.out)).toBe(0);
    expect(cert.out).toContain("TASK [local_access : LOCAL_KUBECONFIG will hold admin.conf's client certificate]");
    const certText = readFileSync(dest, 'utf8');
    expect(certText).toContain('client-key-data');
    expect(certText).not.toMatch(/^ +token:/m);
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    expect(kubectlWith(dest, 'get nodes -o name').rc).toBe(0);
    expect(cert.out).not.toContain('client-key-data');
  });

  it('uninstall-dashboard left nothing it created, and a second run changes nothing', () => {
    for (const [args, ns] of [
      ['namespace kplay-dashboard', ''],
      ['apiservice v1beta1.metrics.k8s.io', ''],
      ['clusterrolebinding kplay-dashboard-admin-user', ''],
      ['clusterrolebinding system:metrics-server', ''],
      ['clusterrole system:aggregated-metrics-reader', ''],
      ['deployment metrics-server', 'kube-system'],
      ['serviceaccount metrics-server', 'kube-system'],
      ['rolebinding metrics-server-auth-reader', 'kube-system'],
    ]) expect(run(lab, 'master2', `${ADMIN} ${ns ? `-n ${ns} ` : ''}get ${args}`).rc, args).not.toBe(0);
    expect(must(lab, 'master2', `${ADMIN} -n kplay-dashboard get pods -o name`).trim()).toBe('');
    const again = kplay(lab, ['-i', inventory, 'playbooks/uninstall-dashboard.yaml', '-e', `@${vars}`]);
    expect(again.rc, explain(again.out)).toBe(0);
    expect(unchanged(again.out), changedTasks(again.out)).toBe(true);
    expect(again.out).toContain('"dashboard  nothing of the dashboard or metrics-server left  PASS  nothing"');
  });
});
