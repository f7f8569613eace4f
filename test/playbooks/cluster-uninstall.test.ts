// cluster-uninstall.yaml on the lab, one 3 + 2 cluster from cluster-setup with Kubernetes' network
// leftovers added on every node (KUBE-/CNI- chains and the rules that jump to them, cni0, flannel.1)
// beside rules of the operator's own (SSH accepted, a FORWARD rule) that must stay. Refusals (no
// confirmation, a wrong name, a wrong typed answer, --limit on a master) and --check touch nothing;
// --limit worker2 uninstalls just worker2 and takes it out of the cluster; the whole cluster with the
// packages, interrupted at kubeadm reset and finished on a terminal where the cluster's name is typed;
// a second run changes nothing; cluster-setup at a lower version (1.30.4) builds it again. SSH answers
// on every node throughout. (The external etcd's uninstall is in cluster-setup.test.ts, on its lab.)
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabState, changedTasks, explain, kplay, kplayInterrupted, must, recap, root, run, snapshot, writeInventory } from '../support/cluster-lab.js';
import { openTerminal, tmuxAvailable } from '../support/tmux.js';
import { sleep } from '../support/until.js';
// @ts-expect-error the lab is plain JavaScript (runs without a build: npm run lab)
import { labAvailable, labDown, labUp } from '../lab/lab.mjs';
import { tempDir } from '../support/tree.js';

const available = (labAvailable() as boolean) && tmuxAvailable();
const PLAYBOOK = 'playbooks/cluster-uninstall.yaml';
const NAME = 'kplab';
const ALL = ['master1', 'master2', 'master3', 'worker1', 'worker2'];
const MASTERS = ['master1', 'master2', 'master3'];
const ADMIN = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';

const nodes = (lab: LabState, host: string): string[] => must(lab, host, `${ADMIN} get nodes -o name`).trim().split('\n').map((l) => l.replace('node/', '')).sort();
const unchanged = (out: string): boolean => Object.values(recap(out)).every((h) => h.changed === 0);

// what kube-proxy, a CNI plugin and flannel leave behind, next to the operator's own rules
const LEFTOVERS = [
  'iptables -A INPUT -p tcp --dport 22 -j ACCEPT',
  'iptables -A FORWARD -s 10.9.9.0/24 -m comment --comment operator -j ACCEPT',
  'iptables -N KUBE-FIREWALL && iptables -A KUBE-FIREWALL -j RETURN && iptables -I INPUT -j KUBE-FIREWALL',
  'iptables -N KUBE-SERVICES && iptables -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  'iptables -t nat -N KUBE-POSTROUTING && iptables -t nat -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
  'iptables -N CNI-FORWARD && iptables -A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD',
  'ip6tables -N FLANNEL-FWD && ip6tables -A FORWARD -j FLANNEL-FWD',
  'ip link add cni0 type bridge',
  'ip link add flannel.1 type veth peer name flannel-peer',
].join(' && ');
const OPERATOR_RULES = ['-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A FORWARD -s 10.9.9.0/24 -m comment --comment operator -j ACCEPT'];
// the network state a run could change, beside snapshot()'s files and services
const network = (lab: LabState, host: string): string => must(lab, host, "iptables-save | grep -v '^#'; ip6tables-save | grep -v '^#'; ip -o link show | awk -F': ' '{print $2}'; ip -4 -o addr show | awk '{print $2, $4}'");

// every trace of the cluster a node must not have after the uninstall (empty: none)
function traces(lab: LabState, host: string): string {
  return must(
    lab,
    host,
    [
      'for p in /etc/kubernetes /etc/cni/net.d /root/.kube /etc/keepalived/keepalived.conf /etc/keepalived/check_apiserver.sh /etc/nginx/stream.d/kube-apiserver.conf; do [ ! -e $p ] || echo "exists $p"; done',
      'for d in /var/lib/etcd /var/lib/kubelet; do [ -z "$(ls -A $d 2>/dev/null)" ] || echo "not empty $d"; done',
      `grep -q 'KPLAY' /etc/hosts /etc/nginx/nginx.conf 2>/dev/null && echo "kplay block left"`,
      'for s in kubelet keepalived nginx; do [ "$(systemctl is-active $s)" != active ] || echo "$s active"; done',
      "ss -Hltn | awk '{print $4}' | grep -E ':(6443|2379|2380|10250|8443)$' | sed 's/^/listening /'",
      `ip -4 -o addr show | grep -F ' ${lab.vip}/' | sed 's/^/vip /'`,
      "iptables-save | grep -E 'KUBE-|CNI-'; ip6tables-save | grep FLANNEL-",
      "ip -o link show | grep -E ': (cni0|flannel\\.1)[:@]'",
      "dpkg-query -W -f '${db:Status-Abbrev}${Package}\\n' kubeadm kubelet kubectl 2>/dev/null | grep -E '^[ih]i'",
      'true',
    ].join('; '),
  ).trim();
}

describe.skipIf(!available)('cluster-uninstall: a 3 + 2 cluster uninstalled and set up again', { timeout: 300_000 }, () => {
  let lab: LabState;
  let work: string;
  let inv: string;

  beforeAll(() => {
    work = tempDir('kplay-uninstall-');
    lab = labUp({ masters: 3, workers: 2, kube: 'fresh', dir: join(work, 'lab'), prefix: 'kpun' }) as LabState;
    inv = writeInventory(lab, join(work, 'inv'), { masters: MASTERS, workers: ['worker1', 'worker2'], vars: { CLUSTER_NAME: NAME } });
    const r = kplay(lab, ['-i', inv, 'playbooks/cluster-setup.yaml', '-f', '10']);
    if (r.rc !== 0) throw new Error(explain(r.out));
    for (const h of ALL) must(lab, h, LEFTOVERS);
  }, 300_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kpun');
  });

  it('refuses without confirmation, with a wrong name (given or typed) and --limit on a master; --check shows the plan; nothing is touched', async () => {
    const before = ALL.map((h) => snapshot(lab, h, true) + network(lab, h));
    for (const [args, message] of [
      [[], `not confirmed: without a terminal, add -e confirm=${NAME} (the cluster's name). Nothing was changed.`],
      [['-e', 'confirm=yes'], `not confirmed: -e confirm=yes is not the cluster's name; without a terminal, add -e confirm=${NAME}`],
      [['--limit', 'master2', '-e', `confirm=${NAME}`], 'master2 serves the running cluster as master: uninstalling it alone would leave the balancers, keepalived and etcd of the other masters pointing at it. Take it out of the cluster with remove-node.yaml -e node=master2 first'],
    ] as const) {
      const r = kplay(lab, ['-i', inv, PLAYBOOK, ...args]);
      expect(r.rc, explain(r.out)).toBe(2);
      expect(r.out).toContain(message);
      expect(r.out).not.toContain('PLAY [back up the files');
      expect(unchanged(r.out), changedTasks(r.out)).toBe(true);
    }
    const term = openTerminal(['nsenter', `--net=/run/netns/${lab.labNs}`, process.execPath, join(root, 'bin/kplay.js'), '-i', inv, PLAYBOOK], { cols: 200, rows: 50, cwd: root });
    try {
      for (let i = 0; i < 600 && !term.screen().join('\n').includes('to go on:'); i++) await sleep(100);
      expect(term.screen().join('\n')).toContain(`Type the cluster's name (${NAME}) to go on:`);
      term.type('kubernetes');
      expect(await term.exited(60_000)).toBe(2);
      expect(term.history().join('\n')).toContain("not confirmed: the answer was not the cluster's name (CLUSTER_NAME). Nothing was changed.");
    } finally {
      term.kill();
    }
    const check = kplay(lab, ['-i', inv, PLAYBOOK, '--check']);
    expect(check.rc, explain(check.out)).toBe(0);
    expect(check.out).toMatch(/"master1: keepalived stopped and disabled; nginx stopped and disabled; the VIP 10\.213\.0\.100 released; kubeadm reset; kubelet stopped and disabled; \d+ pods removed; removed \/etc\/kubernetes, \/etc\/cni\/net\.d, \/root\/\.kube; emptied \/var\/lib\/etcd, \/var\/lib\/kubelet; kplay's \/etc\/keepalived\/keepalived\.conf, \/etc\/keepalived\/check_apiserver\.sh, \/etc\/nginx\/stream\.d\/kube-apiserver\.conf removed; kplay's block in \/etc\/hosts removed; kplay's block in \/etc\/nginx\/nginx\.conf removed; KUBE-\/CNI-\/FLANNEL- chains removed \(iptables 4, ip6tables 1; every other rule kept\); interfaces cni0, flannel\.1 deleted"/);
    expect(check.out).toContain('an etcd snapshot from master1 to');
    expect(check.out).not.toMatch(/\d+ checks, \d+ failed/); // no verification in check mode
    expect(ALL.map((h) => snapshot(lab, h, true) + network(lab, h))).toEqual(before);
    expect(nodes(lab, 'master1')).toEqual(ALL);
  });

  it('--limit worker2 uninstalls worker2 alone and takes it out of the cluster', () => {
    const others = ALL.filter((h) => h !== 'worker2');
    const before = others.map((h) => snapshot(lab, h, true));
    const r = kplay(lab, ['-i', inv, PLAYBOOK, '--limit', 'worker2', '-e', `confirm=${NAME}`]);
    expect(r.rc, explain(r.out)).toBe(0);
    expect(r.out).toContain('"worker2: drained, its Node deleted (through master1); kubeadm reset; kubelet stopped and disabled;');
    expect(r.out).toMatch(/worker2\s+gone from the cluster \(no Node object\)\s+PASS/);
    expect(Object.keys(recap(r.out))).toEqual(['worker2']);
    expect(traces(lab, 'worker2')).toBe('hi kubeadm\nhi kubelet\nhi kubectl'); // the packages stay (held) without uninstall_packages
    expect(nodes(lab, 'master1')).toEqual(others);
    expect(others.map((h) => snapshot(lab, h, true))).toEqual(before);
    expect(must(lab, 'worker2', 'iptables-save').split('\n').filter((l) => l.startsWith('-A '))).toEqual(OPERATOR_RULES);
  });

  it('uninstalls the whole cluster with its packages: interrupted at kubeadm reset, finished on a terminal with the typed name; a second run changes nothing', async () => {
    const stopped = await kplayInterrupted(lab, ['-i', inv, PLAYBOOK, '-e', `confirm=${NAME}`, '-e', 'uninstall_packages=yes'], /TASK \[uninstall_node : kubeadm reset/, (pid) => process.kill(pid, 'SIGINT'));
    expect(stopped.acted, explain(stopped.out)).toBe(true);
    expect(stopped.rc).not.toBe(0);
    for (const h of ALL) expect(run(lab, h, 'true').rc, `ssh ${h}`).toBe(0);

    const term = openTerminal(['nsenter', `--net=/run/netns/${lab.labNs}`, process.execPath, join(root, 'bin/kplay.js'), '-i', inv, PLAYBOOK, '-e', 'uninstall_packages=yes'], { cols: 200, rows: 50, cwd: root });
    let history = '';
    try {
      for (let i = 0; i < 600 && !term.screen().join('\n').includes('to go on:'); i++) await sleep(100);
      expect(term.screen().join('\n')).toContain(`Type the cluster's name (${NAME}) to go on:`);
      term.type(NAME);
      const rc = await term.exited(240_000);
      history = term.history().join('\n');
      expect(rc, history.slice(-3000)).toBe(0);
    } finally {
      term.kill();
    }
    expect(history).toMatch(/(\d+) checks, 0 failed/);
    expect(history).toMatch(/master1\s+kubeadm, kubelet, kubectl purged\s+PASS/);
    for (const h of ALL) {
      expect(run(lab, h, 'true').rc, `ssh ${h}`).toBe(0);
      expect(traces(lab, h), h).toBe('');
      expect(must(lab, h, 'iptables-save').split('\n').filter((l) => l.startsWith('-A ')), h).toEqual(OPERATOR_RULES);
      expect(must(lab, h, 'apt-mark showhold').trim(), h).toBe('');
    }
    // backups: the first (interrupted) run's and the second's, each on every node that had files; one snapshot per run on the controller
    expect(must(lab, 'master1', 'ls /var/backups/kplay').trim().split('\n').filter((d) => d.endsWith('-uninstall')).length).toBeGreaterThanOrEqual(1);
    const snapshots = join(work, 'inv', 'backups', NAME);
    expect(existsSync(snapshots) && readdirSync(snapshots).some((d) => existsSync(join(snapshots, d, 'etcd-snapshot.db')))).toBe(true);

    const backupsBefore = must(lab, 'master1', 'ls /var/backups/kplay');
    const again = kplay(lab, ['-i', inv, PLAYBOOK, '-e', 'uninstall_packages=yes']);
    expect(again.rc, explain(again.out)).toBe(0);
    expect(unchanged(again.out), changedTasks(again.out)).toBe(true);
    expect(again.out).toContain('"master1: nothing of the cluster left: nothing to do"');
    expect(must(lab, 'master1', 'ls /var/backups/kplay')).toBe(backupsBefore);
  });

  it('cluster-setup at a lower version (1.30.4) sets the cluster up again: every node Ready through the VIP', () => {
    const r = kplay(lab, ['-i', inv, 'playbooks/cluster-setup.yaml', '-f', '10', '-e', 'KUBERNETES_VERSION=1.30.4']);
    expect(r.rc, explain(r.out)).toBe(0);
    const listed = must(lab, 'master1', `${ADMIN} get nodes --no-headers`); // admin.conf: https://k8s-api.lab.test:8443, the VIP
    expect(listed.trim().split('\n').map((l) => l.split(/\s+/).filter((_, i) => i !== 2 && i !== 3).join(' '))).toEqual(ALL.map((h) => `${h} Ready v1.30.4`));
    expect(MASTERS.filter((h) => must(lab, h, 'ip -4 -o addr show').includes(` ${lab.vip}/`))).toHaveLength(1);
  });
});
