// cluster-upgrade.yaml on the lab, one 3-master + 2-worker cluster built at 1.29.9 and taken up
// 1.29.9 → 1.30.4 (minor; a worker's packages fail, --tags nodes finishes) → 1.30.5 (patch) → 1.31.1
// (minor), the API polled through the endpoint all along; a skipped minor, a downgrade, --limit and
// --tags nodes ahead of the control plane refused, --check touching nothing; second runs change nothing.
// The lab's apt offers a Kubernetes version only from the repository of its minor (pkgs.k8s.io's
// layout), so the repository switch is tested, not assumed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabState, changedTasks, explain, kplay, kplayInterrupted, must, pollApi, recap, run, snapshot, writeInventory } from '../support/cluster-lab.js';
// @ts-expect-error the lab is plain JavaScript (runs without a build: npm run lab)
import { labAvailable, labDown, labUp } from '../lab/lab.mjs';
import { tempDir } from '../support/tree.js';

const available = labAvailable() as boolean;
const ADMIN = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';
const ALL = ['master1', 'master2', 'master3', 'worker1', 'worker2'];

const unchanged = (out: string): boolean => Object.values(recap(out)).every((h) => h.changed === 0);
const kubelets = (lab: LabState): string => must(lab, 'master2', `${ADMIN} get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.status.nodeInfo.kubeletVersion} {end}'`).trim();
const packages = (lab: LabState, host: string): string => must(lab, host, "dpkg-query -W -f '${Package}=${Version}\\n' kubeadm kubelet kubectl | sort | tr '\\n' ' '; apt-mark showhold | sort | tr '\\n' ' '").trim();
const clusterVersion = (lab: LabState): string => must(lab, 'master2', `${ADMIN} -n kube-system get cm kubeadm-config -o jsonpath='{.data.ClusterConfiguration}' | sed -n 's/^kubernetesVersion: //p'`).trim();

describe.skipIf(!available)('cluster-upgrade: one minor version at a time, the API available throughout', { timeout: 900_000 }, () => {
  let lab: LabState;
  let work: string;
  let inventory: string;
  const upgrade = (version: string, ...args: string[]): string[] => ['-i', inventory, 'playbooks/cluster-upgrade.yaml', '-e', `KUBERNETES_VERSION=${version}`, ...args];

  beforeAll(() => {
    work = tempDir('kplay-upgrade-');
    lab = labUp({ masters: 3, workers: 2, kube: 'fresh', kubeVersion: '1.29.9-1.1', dir: join(work, 'lab'), prefix: 'kpup' }) as LabState;
    inventory = writeInventory(lab, join(work, 'inv'), { masters: ['master1', 'master2', 'master3'], workers: ['worker1', 'worker2'], vars: { KUBERNETES_VERSION_MINOR: '29', KUBERNETES_VERSION_PATCH: '9' } });
    const r = kplay(lab, ['-i', inventory, 'playbooks/cluster-setup.yaml', '-f', '10']);
    if (r.rc !== 0) throw new Error(explain(r.out));
  }, 300_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kpup');
  });

  it('refuses a skipped minor, a downgrade, --limit and kubelets ahead of the control plane; --check shows the plan; nothing is touched', () => {
    expect(kubelets(lab)).toBe('master1=v1.29.9 master2=v1.29.9 master3=v1.29.9 worker1=v1.29.9 worker2=v1.29.9');
    // the v1.29 repository offers no 1.30 package: the lab's apt is per minor, as pkgs.k8s.io is
    const direct = run(lab, 'worker1', 'apt-get install -y kubeadm=1.30.4-1.1');
    expect(direct.rc).toBe(100);
    expect(direct.stderr).toContain("E: Version '1.30.4-1.1' for 'kubeadm' was not found");
    expect(must(lab, 'worker1', "apt-cache madison kubeadm | awk '{print $3}' | sort -u | tr '\\n' ' '").trim()).toBe('1.29.9-1.1');
    const before = ['master1', 'worker1'].map((h) => snapshot(lab, h, true));
    for (const [args, message] of [
      [upgrade('1.31.1'), 'the cluster is at v1.29.9 and 1.31.1 skips a minor version: kubeadm upgrades one minor version at a time. Upgrade to the next minor first (-e KUBERNETES_VERSION=1.30.PATCH), then to 1.31.1'],
      [upgrade('1.28.15'), 'the cluster is at v1.29.9 and KUBERNETES_VERSION is 1.28.15: kubeadm does not downgrade a cluster'],
      [upgrade('1.30.4', '--limit', 'worker1'), 'cluster-upgrade.yaml upgrades the control plane and then every node, in order'],
      [upgrade('1.30.4', '--tags', 'nodes'), 'a kubelet must never be newer than the apiservers: run without --tags, or with --tags cluster first'],
      [upgrade('1.30'), 'KUBERNETES_VERSION (or KUBERNETES_VERSION_MAJOR/MINOR/PATCH) must be numbers MAJOR.MINOR.PATCH'],
    ] as const) {
      const r = kplay(lab, [...args]);
      expect(r.rc, explain(r.out)).toBe(2);
      expect(r.out).toContain(message);
      expect(r.out).not.toContain('PLAY [back up the masters');
      expect(unchanged(r.out), changedTasks(r.out)).toBe(true);
    }
    const check = kplay(lab, upgrade('1.30.4', '--check'));
    expect(check.rc, explain(check.out)).toBe(0);
    expect(check.out).toContain('"upgrade v1.29.9 -> v1.30.4 (minor), packages 1.30.4-1.1 from https://pkgs.k8s.io/core:/stable:/v1.30/deb/"');
    expect(check.out).toContain('"  master1: kubeadm 1.29.9-1.1 -> 1.30.4-1.1, kubeadm upgrade apply v1.30.4 (control plane v1.29.9)"');
    expect(check.out).toContain('"  master2: kubeadm 1.29.9-1.1 -> 1.30.4-1.1, kubeadm upgrade node (control plane v1.29.9)"');
    expect(check.out).toContain('"  worker2: kubelet v1.29.9 -> v1.30.4"');
    expect(['master1', 'worker1'].map((h) => snapshot(lab, h, true))).toEqual(before);
    expect(clusterVersion(lab)).toBe('v1.29.9');
  });

  it('1.29.9 → 1.30.4 → 1.30.5 → 1.31.1 with the API polled: a failed worker stops the run, --tags nodes finishes it; second runs change nothing', async () => {
    // the API through the endpoint, polled from worker1 with an admin kubeconfig, during every run
    const poll = pollApi(lab, 'worker1', 'master1', 300);
    const step = async (args: string[], rc = 0): Promise<string> => {
      const r = await kplayInterrupted(lab, args);
      expect(r.rc, explain(r.out)).toBe(rc);
      return r.out;
    };

    // a minor upgrade; worker2's package manager is broken: the run stops there, saying what is done
    must(lab, 'worker2', 'touch /var/lib/dpkg/lab-broken');
    const failed = await step(upgrade('1.30.4'), 2);
    expect(failed).toMatch(/the upgrade stopped on worker2 at 'the packages at the cluster's version': '\S*apt-get -y .* install 'kubeadm=1\.30\.4-1\.1'.*' failed: dpkg: error processing package kubeadm .*dpkg returned an error code \(1\)\. Done/);
    expect(failed).toContain('Done (kubelet and packages at v1.30.4): worker1, master1, master2, master3; not yet: worker2.');
    expect(kubelets(lab)).toBe('master1=v1.30.4 master2=v1.30.4 master3=v1.30.4 worker1=v1.30.4 worker2=v1.29.9');
    expect(must(lab, 'master1', 'cat /etc/apt/sources.list.d/kubernetes.list')).toContain('https://pkgs.k8s.io/core:/stable:/v1.30/deb/ /');
    // fixed: the nodes' half alone finishes; the masters are not touched again
    must(lab, 'worker2', 'rm /var/lib/dpkg/lab-broken');
    const nodes = await step(upgrade('1.30.4', '--tags', 'nodes'));
    expect(Object.entries(recap(nodes)).filter(([, v]) => v.changed > 0).map(([h]) => h)).toEqual(['worker2']);
    expect(nodes).toMatch(/"\d+ checks, 0 failed"/);
    expect(kubelets(lab)).toBe('master1=v1.30.4 master2=v1.30.4 master3=v1.30.4 worker1=v1.30.4 worker2=v1.30.4');

    // a patch upgrade, then the next minor
    const patch = await step(upgrade('1.30.5'));
    expect(patch).toContain('"upgrade v1.30.4 -> v1.30.5 (patch), packages 1.30.5-1.1 from https://pkgs.k8s.io/core:/stable:/v1.30/deb/"');
    expect(patch).toMatch(/"\d+ checks, 0 failed"/);
    const minor = await step(upgrade('1.31.1'));
    expect(minor).toMatch(/"\d+ checks, 0 failed"/);
    const again = await step(upgrade('1.31.1'));
    expect(again).toContain('every node is at v1.31.1 already');
    expect(unchanged(again), changedTasks(again)).toBe(true);
    const outages = await poll.stop();
    // the master being upgraded is out of the balancers while its apiserver restarts: no failed poll
    // is the target; a poll may time out (3 s) on this loaded 2-CPU lab, never twice in a row
    console.log(`API polls through the endpoint during the upgrades: ${outages.length}, failed: ${outages.split('x').length - 1}`);
    expect(outages.split('x').length - 1, `polls (x = failed): ${outages}`).toBeLessThanOrEqual(2);
    expect(outages, 'two failed polls in a row').not.toContain('xx');

    expect(kubelets(lab)).toBe('master1=v1.31.1 master2=v1.31.1 master3=v1.31.1 worker1=v1.31.1 worker2=v1.31.1');
    expect(clusterVersion(lab)).toBe('v1.31.1');
    for (const h of ALL) {
      expect(packages(lab, h)).toBe('kubeadm=1.31.1-1.1 kubectl=1.31.1-1.1 kubelet=1.31.1-1.1 kubeadm kubectl kubelet');
      expect(must(lab, h, 'cat /etc/apt/sources.list.d/kubernetes.list')).toContain('https://pkgs.k8s.io/core:/stable:/v1.31/deb/ /');
    }
    for (const m of ['master1', 'master2', 'master3']) {
      expect(must(lab, m, "grep -h 'image:' /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/manifests/kube-controller-manager.yaml /etc/kubernetes/manifests/kube-scheduler.yaml | sed 's/.*://' | sort -u").trim()).toBe('v1.31.1');
      // every master back in its balancer
      expect(must(lab, m, 'cat /etc/nginx/stream.d/kube-apiserver.conf')).not.toContain(' down;');
    }
    expect(must(lab, 'master2', `${ADMIN} get nodes -o jsonpath='{.items[*].spec.unschedulable}'`).trim()).toBe('');
    // one backup per run that changed the control plane (not the --tags nodes run), each with a snapshot
    const backups = readdirSync(join(work, 'inv', 'backups', 'kubernetes')).filter((d) => d.endsWith('-upgrade'));
    expect(backups.length).toBe(3);
  });
});
