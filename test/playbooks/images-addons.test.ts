// cluster-images.yaml on the lab (3 masters + 2 workers set up by cluster-setup): the image list from the
// lab's kubeadm and CNI manifest, fetched once with skopeo from a registry only the controller reaches
// (Debian's docker-registry on 127.0.0.1 in the lab namespace, or in master1's with IMAGES_FETCH_HOST),
// imported into each node's real containerd (test/lab/README.md); a second run changes nothing; a damaged
// archive is refused by its checksum; the upgrade's plan warns about a target's images a node lacks.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabState, changedTasks, explain, kplay, must, recap, run, writeInventory } from '../support/cluster-lab.js';
// @ts-expect-error the lab is plain JavaScript (runs without a build: npm run lab)
import { labAvailable, labDown, labUp } from '../lab/lab.mjs';
// @ts-expect-error the lab is plain JavaScript
import { registryAvailable, registryPush, registryUp } from '../lab/registry.mjs';

const available = (labAvailable() as boolean) && (registryAvailable() as boolean);
const MASTERS = ['master1', 'master2', 'master3'];
const WORKERS = ['worker1', 'worker2'];
const PORT = 5055;
const CNI = ['docker.io/flannel/flannel-cni-plugin:v1.5.1-flannel2', 'docker.io/flannel/flannel:v0.25.6'];
const CONTROL_PLANE = /\/(kube-apiserver|kube-controller-manager|kube-scheduler|etcd):/;

const unchanged = (out: string): boolean => Object.values(recap(out)).every((h) => h.changed === 0);
// what the kubelet's runtime lists on a node (crictl images), as repo:tag
const listed = (lab: LabState, host: string): string[] => must(lab, host, "crictl images | awk 'NR > 1 { print $1 \":\" $2 }'").split('\n').filter(Boolean).sort();

describe.skipIf(!available)('cluster-images: offline images into every node\'s containerd', { timeout: 900_000 }, () => {
  let lab: LabState;
  let work: string;
  let inventory: string;
  let vars: string;
  let kubeadmImages: (version: string) => string[];
  const images = (...args: string[]): string[] => ['-i', inventory, 'playbooks/cluster-images.yaml', '-e', `@${vars}`, ...args];
  const archives = (): string[] => readdirSync(join(work, 'inv', 'images')).sort();
  const wanted = (version: string, host: string): string[] => [...kubeadmImages(version), ...CNI].filter((i) => host.startsWith('master') || !CONTROL_PLANE.test(i)).sort();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kplay-images-'));
    lab = labUp({ masters: 3, workers: 2, kube: 'fresh', dir: join(work, 'lab'), prefix: 'kpim' }) as LabState;
    inventory = writeInventory(lab, join(work, 'inv'), { masters: MASTERS, workers: WORKERS });
    const r = kplay(lab, ['-i', inventory, 'playbooks/cluster-setup.yaml', '-f', '10']);
    if (r.rc !== 0) throw new Error(explain(r.out));
    kubeadmImages = (version) => must(lab, 'master1', `kubeadm config images list --kubernetes-version v${version}`).split('\n').filter(Boolean);
    await registryUp(lab, PORT);
    registryPush(lab, PORT, [...kubeadmImages('1.30.5'), ...kubeadmImages('1.31.1'), ...CNI]);
    vars = join(work, 'images.yaml');
    writeFileSync(vars, `IMAGES_REGISTRY_MIRRORS: {"registry.k8s.io": "127.0.0.1:${PORT}", "docker.io": "127.0.0.1:${PORT}"}\nIMAGES_TLS_VERIFY: false\n`);
  }, 300_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kpim');
  });

  it('--check shows the images and what each node lacks, and fetches and imports nothing', () => {
    const r = kplay(lab, images('--check'));
    expect(r.rc, explain(r.out)).toBe(0);
    expect(r.out).toContain('"Images for Kubernetes v1.30.5 (9; masters only: kube-apiserver:v1.30.5, kube-controller-manager:v1.30.5, kube-scheduler:v1.30.5, etcd:3.5.15-0):"');
    expect(r.out).toContain('"  docker.io/flannel/flannel-cni-plugin:v1.5.1-flannel2"');
    expect(r.out).toContain('"master1 (amd64): lacks 9 of 9: kube-apiserver:v1.30.5, kube-controller-manager:v1.30.5, kube-scheduler:v1.30.5, kube-proxy:v1.30.5, coredns:v1.11.3, pause:3.9, etcd:3.5.15-0, flannel-cni-plugin:v1.5.1-flannel2, flannel:v0.25.6"');
    expect(r.out).toContain('"worker2 (amd64): lacks 5 of 5: kube-proxy:v1.30.5, coredns:v1.11.3, pause:3.9, flannel-cni-plugin:v1.5.1-flannel2, flannel:v0.25.6"');
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
    expect(archives()).toHaveLength(18);
    expect(spawnSync('sh', ['-c', 'sha256sum -c --strict *.sha256'], { cwd: join(work, 'inv', 'images') }).status).toBe(0);
    for (const h of [...MASTERS, ...WORKERS]) expect(run(lab, h, 'test -e /var/tmp/kplay-images').rc, h).toBe(1);
    expect(r.out).toContain('"master1  crictl lists the 9 images for v1.30.5  PASS  all"');
    expect(r.out).toContain('"worker2  crictl lists the 5 images for v1.30.5  PASS  all"');
    expect(r.out).toContain('"10 checks, 0 failed"');
    // each image fetched once, whatever the number of nodes that need it
    expect(r.out.match(/changed: \[[a-z0-9]+ -> localhost\] => \(item=registry\.k8s\.io\/pause:3\.9 \(amd64\)\)/g)).toHaveLength(1);

    const again = kplay(lab, images());
    expect(again.rc, explain(again.out)).toBe(0);
    expect(unchanged(again.out), changedTasks(again.out)).toBe(true);
    expect(again.out).toContain('"master2 (amd64): has all 9 images: nothing to do"');
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
});
