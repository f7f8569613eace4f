// remove-node.yaml on the lab, one cluster through the first seed's migration: 3 masters + 2 workers
// from cluster-setup; the refusals (no node, a group name, quorum, no confirmation) and --check touch
// nothing; master4 added, master1 (the primary) removed, worker3 joined and worker1 removed while the
// API is polled through the endpoint (worker1's removal interrupted with Ctrl-C and run again); second
// runs change nothing; add-control-plane with the new inventory. Then a drain a disruption budget blocks (stops, named; completes once relaxed), and a
// master whose host is down removed with node_unreachable_ok.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETCDCTL, type LabState, changedTasks, explain, kplay, kplayInterrupted, must, pollApi, recap, snapshot, writeInventory } from '../support/cluster-lab.js';
// @ts-expect-error the lab is plain JavaScript (runs without a build: npm run lab)
import { labAvailable, labDown, labUp } from '../lab/lab.mjs';
import { tempDir } from '../support/tree.js';

const available = labAvailable() as boolean;
const ADMIN = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';

const members = (lab: LabState, host: string): string[] =>
  must(lab, host, `${ETCDCTL} member list`).trim().split('\n').map((l) => l.split(', ')[2] ?? '').sort();
const nodes = (lab: LabState, host: string): string[] => must(lab, host, `${ADMIN} get nodes -o name`).trim().split('\n').map((l) => l.replace('node/', '')).sort();
const unchanged = (out: string): boolean => Object.values(recap(out)).every((h) => h.changed === 0);
const balancerConfigs = (lab: LabState, host: string): string => must(lab, host, 'cat /etc/nginx/stream.d/kube-apiserver.conf /etc/keepalived/keepalived.conf');

// a host whose hardware died: every process in its namespace (sshd, kubelet, etcd, apiserver, keepalived) killed
function powerOff(lab: LabState, host: string): void {
  const ns = lab.hosts.find((h) => h.name === host)?.ns ?? '';
  for (const pid of spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

describe.skipIf(!available)('remove-node: replacing masters and workers on a running cluster', { timeout: 300_000 }, () => {
  let lab: LabState;
  let work: string;
  const inv = (name: string, masters: string[], workers: string[]): string => writeInventory(lab, join(work, name), { masters, workers });

  beforeAll(() => {
    work = tempDir('kplay-remove-');
    lab = labUp({ masters: 4, workers: 3, kube: 'fresh', dir: join(work, 'lab'), prefix: 'kprm' }) as LabState;
    const r = kplay(lab, ['-i', inv('setup', ['master1', 'master2', 'master3'], ['worker1', 'worker2']), 'playbooks/cluster-setup.yaml', '-f', '10']);
    if (r.rc !== 0) throw new Error(explain(r.out));
  }, 300_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kprm');
  });

  it('refuses without node, with a group name, a removal that breaks quorum, no confirmation; --check shows the plan; nothing is touched', () => {
    const three = join(work, 'setup', 'cluster.ini');
    const before = ['master1', 'worker1'].map((h) => snapshot(lab, h, true));
    for (const [args, message] of [
      [[], 'remove-node.yaml needs the nodes to remove: -e node=NAME[,NAME...]'],
      [['-e', 'node=minions', '-e', 'confirm=yes'], "'minions' is not a host of group nodes in the inventory"],
      [['-e', 'node=master1,master2', '-e', 'confirm=yes'], 'removing 2 of 3 etcd members at once leaves 1, fewer than the quorum of 2'],
      [['-e', 'node=worker1'], 'not confirmed: without a terminal, add -e confirm=yes to remove worker1'],
      [['-e', 'node=worker1', '-e', 'confirm=yes', '--limit', 'worker1'], 'remove-node.yaml reads and changes the whole cluster (balancers, /etc/hosts, etcd): run it without --limit'],
    ] as const) {
      const r = kplay(lab, ['-i', three, 'playbooks/remove-node.yaml', ...args]);
      expect(r.rc, explain(r.out)).toBe(2);
      expect(r.out).toContain(message);
      expect(r.out).not.toContain('PLAY [back up every node');
      expect(unchanged(r.out), changedTasks(r.out)).toBe(true);
    }
    const check = kplay(lab, ['-i', three, 'playbooks/remove-node.yaml', '-e', 'node=master1', '--check']);
    expect(check.rc, explain(check.out)).toBe(0);
    expect(check.out).toMatch(/"master1 \(master\): keepalived stopped \(it holds the VIP: the VIP moves to a master that stays\), nginx stopped; drained \(timeout 300s\); kubeadm reset, kubelet stopped; etcd member [0-9a-f]+ removed \(by kubeadm reset, else with etcdctl\); Node deleted"/);
    expect(check.out).toContain('WARNING: etcd will have 2 members, an even number');
    expect(check.out).not.toContain('is out of the cluster');
    expect(['master1', 'worker1'].map((h) => snapshot(lab, h, true))).toEqual(before);
    expect(nodes(lab, 'master1')).toEqual(['master1', 'master2', 'master3', 'worker1', 'worker2']);
  });

  it("the seed's migration: master4 added, master1 (the primary) removed, worker3 joined, worker1 removed; the API answers throughout", async () => {
    // the API through the endpoint, polled from worker2 during every step
    const poll = pollApi(lab, 'worker2', 'master2', 300);
    const step = async (args: string[]): Promise<string> => {
      const r = await kplayInterrupted(lab, args);
      expect(r.rc, explain(r.out)).toBe(0);
      return r.out;
    };
    const four = inv('four', ['master1', 'master2', 'master3', 'master4'], ['worker1', 'worker2']);
    const add = await step(['-i', four, 'playbooks/add-control-plane.yaml']);
    expect(add).toContain('WARNING: etcd has an even number of members'); // a warning, no longer an error
    const removed = await step(['-i', four, 'playbooks/remove-node.yaml', '-e', 'node=master1', '-e', 'confirm=yes']);
    expect(removed).toMatch(/cluster commands run on master2/);
    expect(removed).toMatch(/"\d+ checks, 0 failed"/);
    expect(removed).toContain('master1 is out of the cluster: delete it from the inventory now (and put another master in [primary-master])');
    expect(unchanged(await step(['-i', four, 'playbooks/remove-node.yaml', '-e', 'node=master1']))).toBe(true);
    // the operator's new inventory: master2 is the primary now
    const next = inv('next', ['master2', 'master3', 'master4'], ['worker1', 'worker2', 'worker3']);
    await step(['-i', next, 'playbooks/cluster-setup.yaml', '--tags', 'minions']);
    // Ctrl-C in the middle of worker1's removal; the next run completes it
    const cut = await kplayInterrupted(lab, ['-i', next, 'playbooks/remove-node.yaml', '-e', 'node=worker1', '-e', 'confirm=yes'], /TASK \[remove_node : kubeadm reset/, (pid) => process.kill(pid, 'SIGINT'));
    expect(cut.acted).toBe(true);
    expect(cut.rc, explain(cut.out)).not.toBe(0);
    expect(cut.out).not.toContain('worker1 is out of the cluster');
    const w1 = await step(['-i', next, 'playbooks/remove-node.yaml', '-e', 'node=worker1', '-e', 'confirm=yes']);
    expect(w1).toContain('worker1 is out of the cluster: delete it from the inventory now"');
    const again = await step(['-i', next, 'playbooks/remove-node.yaml', '-e', 'node=worker1']);
    expect(unchanged(again), changedTasks(again)).toBe(true);
    const outages = await poll.stop();
    // at most one short outage: the VIP leaving master1
    expect(outages.split('x').length - 1, `polls (x = failed): ${outages}`).toBeLessThanOrEqual(3);
    expect(Math.max(0, ...outages.split('.').map((s) => s.length)), outages).toBeLessThanOrEqual(2);

    expect(members(lab, 'master2')).toEqual(['master2', 'master3', 'master4']);
    expect(nodes(lab, 'master2')).toEqual(['master2', 'master3', 'master4', 'worker2', 'worker3']);
    for (const m of ['master2', 'master3', 'master4']) {
      expect(balancerConfigs(lab, m)).not.toMatch(/10\.213\.0\.11\b/);
      expect(must(lab, m, 'cat /etc/hosts')).not.toMatch(/\b(master1|worker1)\b/);
    }
    expect(must(lab, 'master1', 'systemctl is-active kubelet keepalived nginx; true').trim().split('\n')).toEqual(['inactive', 'inactive', 'inactive']);
    expect(must(lab, 'master1', 'ls /etc/kubernetes/manifests /var/lib/etcd 2>/dev/null; true').trim()).not.toMatch(/yaml|member/);
    expect(must(lab, 'worker1', 'systemctl is-active kubelet; ls /etc/kubernetes/kubelet.conf 2>&1; true')).toMatch(/inactive[\s\S]*No such file/);
    // each removal left a backup on the removed node and a verified snapshot on the controller
    expect(must(lab, 'master1', 'ls -d /var/backups/kplay/*-remove/etc/kubernetes/manifests')).toContain('-remove/etc/kubernetes/manifests');
    const snapshots = join(work, 'four', 'backups', 'kubernetes');
    const dirs = readdirSync(snapshots).filter((d) => d.endsWith('-remove'));
    expect(dirs.length).toBe(1);
    expect(statSync(join(snapshots, dirs[0] ?? '', 'etcd-snapshot.db')).mode & 0o777).toBe(0o600);

    // the playbooks after it work with the master the inventory now names first
    const final = inv('final', ['master2', 'master3', 'master4'], ['worker2', 'worker3']);
    const cp = kplay(lab, ['-i', final, 'playbooks/add-control-plane.yaml']);
    expect(cp.rc, explain(cp.out)).toBe(0);
    expect(unchanged(cp.out), changedTasks(cp.out)).toBe(true);
    expect(cp.out).not.toContain('WARNING: etcd has an even number');
  }, 600_000); // five playbook runs on a 4+3 lab; slower when other lab suites run alongside

  it('a drain a disruption budget blocks stops the run with the pod named; once the budget allows it, a second run completes', async () => {
    const final = join(work, 'final', 'cluster.ini');
    must(lab, 'master2', `${ADMIN} apply -f - <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 6
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: default}
spec:
  minAvailable: 6
  selector: {matchLabels: {app: web}}
EOF`);
    const onWorker2 = (): string => must(lab, 'master2', `${ADMIN} get pods -l app=web --field-selector spec.nodeName=worker2 -o name`).trim();
    for (let i = 0; i < 20 && !onWorker2(); i++) await new Promise((r) => setTimeout(r, 1000));
    const pod = onWorker2().replace('pod/', '');
    expect(pod).toMatch(/^web-/);
    const args = ['-i', final, 'playbooks/remove-node.yaml', '-e', 'node=worker2', '-e', 'confirm=yes', '-e', 'DRAIN_TIMEOUT=10s'];
    // the budget allows no disruption: refused before any change, the pod named
    const refused = kplay(lab, args);
    expect(refused.rc).toBe(2);
    expect(refused.out).toContain(`pod default/${pod} on worker2 (budget web: 6 healthy, 6 needed)`);
    expect(unchanged(refused.out)).toBe(true);
    // it allows one at the check, none any more when the drain starts: the drain stops at the pod
    must(lab, 'master2', `${ADMIN} patch pdb web --type merge -p '{"spec":{"minAvailable":5}}'`);
    const stuck = await kplayInterrupted(lab, args, /PLAY \[back up every node/, () => void must(lab, 'master2', `${ADMIN} patch pdb web --type merge -p '{"spec":{"minAvailable":6}}'`));
    expect(stuck.rc, explain(stuck.out)).toBe(2);
    expect(stuck.out).toContain(`the drain of worker2 did not finish within 10s; pods that block it: default/${pod}`);
    expect(must(lab, 'master2', `${ADMIN} get node worker2 -o jsonpath={.spec.unschedulable}`)).toBe('true');
    expect(must(lab, 'worker2', 'systemctl is-active kubelet; true').trim()).toBe('active');
    must(lab, 'master2', `${ADMIN} patch pdb web --type merge -p '{"spec":{"minAvailable":5}}'`);
    const done = kplay(lab, args);
    expect(done.rc, explain(done.out)).toBe(0);
    expect(nodes(lab, 'master2')).toEqual(['master2', 'master3', 'master4', 'worker3']);
    expect(must(lab, 'master2', `${ADMIN} get pods -l app=web --field-selector spec.nodeName=worker2 -o name`).trim()).toBe('');
  });

  it('a master whose host is down is removed with node_unreachable_ok=yes: etcd member and Node gone, balancers without it', () => {
    const inv5 = inv('down', ['master2', 'master3', 'master4'], ['worker3']);
    powerOff(lab, 'master4');
    const refused = kplay(lab, ['-i', inv5, 'playbooks/remove-node.yaml', '-e', 'node=master4', '-e', 'confirm=yes']);
    expect(refused.rc).toBe(2);
    expect(refused.out).toContain('master4 cannot be reached over SSH. If it is gone for good, -e node_unreachable_ok=yes');
    const r = kplay(lab, ['-i', inv5, 'playbooks/remove-node.yaml', '-e', 'node=master4', '-e', 'confirm=yes', '-e', 'node_unreachable_ok=yes']);
    expect(r.rc, explain(r.out)).toBe(0);
    expect(r.out).toContain('"master4 (master): does not answer: nothing done on the host; etcd member');
    expect(recap(r.out).master4?.unreachable).toBe(0);
    expect(members(lab, 'master2')).toEqual(['master2', 'master3']);
    expect(nodes(lab, 'master2')).toEqual(['master2', 'master3', 'worker3']);
    for (const m of ['master2', 'master3']) expect(balancerConfigs(lab, m)).not.toMatch(/10\.213\.0\.14\b/);
    expect(existsSync(join(work, 'down', 'backups'))).toBe(true);
  });
});
