// cluster-certs.yaml, etcd-backup.yaml and etcd-restore.yaml on one lab: a 3 + 1 cluster from
// cluster-setup (stacked etcd, the real etcd 3.4). Certificates: renew=auto on fresh ones changes
// nothing; --check shows the plan; renew=yes gives every master a new apiserver certificate (later
// notAfter, same SANs, same CA) while /readyz is polled through the endpoint; the kubeconfigs work after.
// Backup: snapshots on the controller whose checksum and `snapshot status` verify, the keep-count on
// both sides. Restore: a damaged snapshot and a missing confirmation are refused with nothing stopped;
// a ConfigMap deleted after the backup comes back and one created after it is gone, three members
// healthy, every node Ready through the endpoint; a second run changes nothing.
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETCDCTL, type LabState, changedTasks, explain, kplay, kplayInterrupted, must, pollApi, recap, run, writeInventory } from '../support/cluster-lab.js';
// @ts-expect-error the lab is plain JavaScript (runs without a build: npm run lab)
import { labAvailable, labDown, labUp } from '../lab/lab.mjs';
import { tempDir } from '../support/tree.js';

const available = labAvailable() as boolean;
const NAME = 'kpday2';
const MASTERS = ['master1', 'master2', 'master3'];
const ADMIN = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';

const unchanged = (out: string): boolean => Object.values(recap(out)).every((h) => h.changed === 0);
// the apiserver certificate of a master: notAfter, SANs, issuer and fingerprint, as on disk
const apiserverCert = (lab: LabState, host: string): { end: number; sans: string; issuer: string; fp: string } => {
  const [end, issuer, fp, ...sans] = must(lab, host, 'f=/etc/kubernetes/pki/apiserver.crt; openssl x509 -in $f -noout -enddate | cut -d= -f2; openssl x509 -in $f -noout -issuer; openssl x509 -in $f -noout -fingerprint -sha256; openssl x509 -in $f -noout -ext subjectAltName | tail -n +2').trim().split('\n');
  return { end: Date.parse(end as string), issuer: issuer as string, fp: fp as string, sans: sans.join(',').replace(/\s+/g, '') };
};
// the certificate the apiserver of a master serves
const served = (lab: LabState, host: string): string => must(lab, host, `openssl s_client -connect ${lab.hosts.find((h) => h.name === host)?.ip}:6443 </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256`).trim();
const containers = (lab: LabState): string => MASTERS.map((m) => must(lab, m, "crictl ps -q --name '^(etcd|kube-apiserver)$' | sort | tr '\\n' ' '; ls /etc/kubernetes/manifests | tr '\\n' ' '")).join('\n');

describe.skipIf(!available)('day 2: certificates, etcd backup and restore on a 3 + 1 cluster', { timeout: 900_000 }, () => {
  let lab: LabState;
  let work: string;
  let inv: string;
  let backups: string;

  beforeAll(() => {
    work = tempDir('kplay-day2-');
    lab = labUp({ masters: 3, workers: 1, kube: 'fresh', dir: join(work, 'lab'), prefix: 'kpd2' }) as LabState;
    inv = writeInventory(lab, join(work, 'inv'), { masters: MASTERS, workers: ['worker1'], vars: { CLUSTER_NAME: NAME } });
    backups = join(work, 'inv', 'backups', NAME, 'etcd');
    const r = kplay(lab, ['-i', inv, 'playbooks/cluster-setup.yaml', '-f', '10']);
    if (r.rc !== 0) throw new Error(explain(r.out));
  }, 400_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kpd2');
  });

  it('certificates: renew=auto on fresh ones changes nothing; --check -e renew=yes shows the plan and changes nothing', () => {
    const before = MASTERS.map((m) => apiserverCert(lab, m).fp);
    const auto = kplay(lab, ['-i', inv, 'playbooks/cluster-certs.yaml']);
    expect(auto.rc, explain(auto.out)).toBe(0);
    expect(unchanged(auto.out), changedTasks(auto.out)).toBe(true);
    for (const m of MASTERS) expect(auto.out).toMatch(new RegExp(`${m}: nothing to renew \\(first expiry: \\S+ in 36[45] days\\)`));
    expect(auto.out).toMatch(/master1 +apiserver +\w{3} \d\d, \d{4} \d\d:\d\d UTC +364d|master1 +admin\.conf/);
    expect(auto.out).toMatch(/"\d+ checks, 0 failed"/);
    expect(must(lab, 'master1', 'ls /var/backups/kplay 2>/dev/null || true')).not.toMatch(/-certs$/m);
    const check = kplay(lab, ['-i', inv, 'playbooks/cluster-certs.yaml', '-e', 'renew=yes', '--check']);
    expect(check.rc, explain(check.out)).toBe(0);
    for (const m of MASTERS) expect(check.out).toContain(`${m}: renew now (renew=yes;`);
    expect(unchanged(check.out), changedTasks(check.out)).toBe(true);
    expect(MASTERS.map((m) => apiserverCert(lab, m).fp)).toEqual(before);
    const bad = kplay(lab, ['-i', inv, 'playbooks/cluster-certs.yaml', '-e', 'renew=maybe']);
    expect(bad.rc).toBe(2);
    expect(bad.out).toContain('renew=maybe: use -e renew=auto');
  });

  it('certificates: a renewal stopped while an apiserver is down is finished by the next run (renew=auto does not renew again)', async () => {
    const before = apiserverCert(lab, 'master1');
    const stopped = await kplayInterrupted(lab, ['-i', inv, 'playbooks/cluster-certs.yaml', '-e', 'renew=yes'], /TASK \[static_pod_restart : kube-apiserver: manifest moved aside[^\n]*\n(changed|ok): \[master1\]/, (pid) => process.kill(pid, 'SIGINT'));
    expect(stopped.acted, stopped.out.slice(-2000)).toBe(true);
    expect(stopped.rc).not.toBe(0);
    // renewed on disk, not served yet; kplay's marker says so, and the master is out of the balancers
    expect(apiserverCert(lab, 'master1').end).toBeGreaterThan(before.end);
    expect(must(lab, 'master1', 'ls /etc/kubernetes/kplay-certs-restart')).toContain('kplay-certs-restart');
    const plan = kplay(lab, ['-i', inv, 'playbooks/cluster-certs.yaml', '--check']);
    expect(plan.rc, explain(plan.out)).toBe(0);
    expect(plan.out).toMatch(/master1: restart the control plane to serve the renewed certificates \(restart pending/);
    const r = kplay(lab, ['-i', inv, 'playbooks/cluster-certs.yaml']);
    expect(r.rc, explain(r.out)).toBe(0);
    expect(r.out).toMatch(/"\d+ checks, 0 failed"/);
    expect(r.out).not.toMatch(/TASK \[certs_renew : kubeadm certs renew all\][^\n]*\nchanged/);
    expect(served(lab, 'master1')).toBe(apiserverCert(lab, 'master1').fp);
    expect(must(lab, 'master1', 'ls /etc/kubernetes/manifests | tr "\\n" " "').trim()).toBe('etcd.yaml kube-apiserver.yaml kube-controller-manager.yaml kube-scheduler.yaml');
    for (const m of MASTERS) expect(must(lab, m, 'cat /etc/nginx/stream.d/kube-apiserver.conf')).not.toContain(' down;');
  });

  it('certificates: renew=yes renews every master one at a time, the API answering through the endpoint throughout', async () => {
    const before = Object.fromEntries(MASTERS.map((m) => [m, apiserverCert(lab, m)]));
    const poll = pollApi(lab, 'worker1', 'master1', 300);
    const r = await kplayInterrupted(lab, ['-i', inv, 'playbooks/cluster-certs.yaml', '-e', 'renew=yes']);
    const outages = await poll.stop();
    expect(r.rc, explain(r.out)).toBe(0);
    expect(r.out).toMatch(/"\d+ checks, 0 failed"/);
    console.log(`API polls through the endpoint during the renewal: ${outages.length}, failed: ${outages.split('x').length - 1}`);
    // a poll may time out (3 s) on this loaded 2-CPU lab, never twice in a row
    expect(outages.split('x').length - 1, `polls (x = failed): ${outages}`).toBeLessThanOrEqual(2);
    expect(outages, 'two failed polls in a row').not.toContain('xx');
    // one master at a time: master2 starts only after master1's restart is done
    const order = [...r.out.matchAll(/^TASK \[certs_renew : kubeadm certs renew all\][\s\S]*?^changed: \[(\w+)\]/gm)].map((m) => m[1]);
    expect(order).toEqual(MASTERS);
    for (const m of MASTERS) {
      const after = apiserverCert(lab, m);
      expect(after.end, m).toBeGreaterThan(before[m]?.end ?? Infinity);
      expect(after.sans, m).toBe(before[m]?.sans);
      expect(after.issuer, m).toBe(before[m]?.issuer);
      expect(served(lab, m), `${m} serves the renewed certificate`).toBe(after.fp);
      // the kubeconfigs work: root's (refreshed from admin.conf) and admin.conf, through the endpoint
      expect(must(lab, m, 'cmp /etc/kubernetes/admin.conf /root/.kube/config && kubectl get --raw /readyz')).toBe('ok');
      expect(must(lab, m, `${ADMIN} get nodes -o name | wc -l`).trim()).toBe('4');
      expect(must(lab, m, 'ls /etc/kubernetes/manifests | tr "\\n" " "').trim()).toBe('etcd.yaml kube-apiserver.yaml kube-controller-manager.yaml kube-scheduler.yaml');
      expect(must(lab, m, 'cat /etc/nginx/stream.d/kube-apiserver.conf')).not.toContain(' down;');
      expect(must(lab, m, 'ls /etc/keepalived/kplay-upgrading /etc/kubernetes/kplay-certs-restart 2>&1 || true')).toContain('No such file');
      // the backup of /etc/kubernetes taken before
      expect(must(lab, m, 'ls /var/backups/kplay')).toMatch(/Z-certs$/m);
    }
    const again = kplay(lab, ['-i', inv, 'playbooks/cluster-certs.yaml']);
    expect(again.rc, explain(again.out)).toBe(0);
    expect(unchanged(again.out), changedTasks(again.out)).toBe(true);
  });

  it('certificates: schedule=yes installs a timer on every master whose renewal takes the cluster lock; schedule=no removes it', () => {
    const r = kplay(lab, ['-i', inv, 'playbooks/cluster-certs.yaml', '-e', 'schedule=yes']);
    expect(r.rc, explain(r.out)).toBe(0);
    for (const m of MASTERS) expect(must(lab, m, 'systemctl is-enabled kplay-certs-renew.timer; systemctl is-active kplay-certs-renew.timer').trim()).toBe('enabled\nactive');
    // nothing due: the timer's run changes nothing
    expect(must(lab, 'master2', 'systemctl start kplay-certs-renew.service && journalctl -u kplay-certs-renew')).toMatch(/nothing to renew: the first certificate expires in 36[45] days/);
    // another master holds the lock: this one waits (and is stopped here before it renews anything)
    const before = apiserverCert(lab, 'master3');
    must(lab, 'master1', `${ADMIN} -n kube-system create configmap kplay-certs-renewal --from-literal=holder=master1 --from-literal=since=$(date -u +%s)`);
    const waiting = run(lab, 'master3', 'KPLAY_RENEW_NOW=yes timeout 15 /usr/local/sbin/kplay-certs-renew');
    expect(waiting.rc).toBe(124);
    expect(waiting.stdout).toContain('master1 renews its certificates: waiting');
    expect(apiserverCert(lab, 'master3').fp).toBe(before.fp);
    // a lock older than an hour is stale: taken over, the certificates renewed and served, the lock released
    must(lab, 'master1', `${ADMIN} -n kube-system delete configmap kplay-certs-renewal && ${ADMIN} -n kube-system create configmap kplay-certs-renewal --from-literal=holder=master1 --from-literal=since=$(( $(date -u +%s) - 7200 ))`);
    const renewed = must(lab, 'master3', 'KPLAY_RENEW_NOW=yes /usr/local/sbin/kplay-certs-renew');
    expect(renewed).toContain('taking over the stale lock of master1');
    expect(renewed).toContain('done: the control plane here serves the renewed certificates');
    const after = apiserverCert(lab, 'master3');
    expect(after.end).toBeGreaterThan(before.end);
    expect(after.sans).toBe(before.sans);
    expect(served(lab, 'master3')).toBe(after.fp);
    expect(must(lab, 'master1', `${ADMIN} -n kube-system get configmap kplay-certs-renewal 2>&1 || true`)).toContain('NotFound');
    const removed = kplay(lab, ['-i', inv, 'playbooks/cluster-certs.yaml', '-e', 'schedule=no']);
    expect(removed.rc, explain(removed.out)).toBe(0);
    for (const m of MASTERS) expect(must(lab, m, 'ls /etc/systemd/system/kplay-certs-renew.timer /usr/local/sbin/kplay-certs-renew 2>&1 || true')).not.toMatch(/^\/etc|^\/usr/m);
  });

  it('etcd-backup: a verified snapshot with its checksum on the controller; ETCD_BACKUP_KEEP honoured on both sides', () => {
    for (let i = 0; i < 3; i++) {
      const r = kplay(lab, ['-i', inv, 'playbooks/etcd-backup.yaml', '-e', 'ETCD_BACKUP_KEEP=2']);
      expect(r.rc, explain(r.out)).toBe(0);
      expect(r.out).toMatch(/"\d+ checks, 0 failed"/);
    }
    const files = readdirSync(backups).sort();
    expect(files).toHaveLength(4);
    for (const f of files.filter((x) => x.endsWith('.db'))) {
      expect(f).toMatch(new RegExp(`^${NAME}-\\d{8}T\\d{6}Z-rev\\d+\\.db$`));
      expect(files).toContain(`${f}.sha256`);
      execFileSync('sha256sum', ['-c', '--strict', `${f}.sha256`], { cwd: backups });
      const status = JSON.parse(execFileSync('sh', ['-c', `ETCDCTL_API=3 etcdctl snapshot status ${f} -w json`], { cwd: backups, encoding: 'utf8' })) as { revision: number; totalKey: number };
      expect(status.revision).toBeGreaterThan(0);
      expect(status.totalKey).toBeGreaterThan(0);
      expect(Number(/rev(\d+)\.db$/.exec(f)?.[1])).toBe(status.revision);
    }
    // the member that took them keeps as many
    expect(must(lab, 'master1', `ls /var/backups/kplay/etcd | grep -c '^${NAME}-.*\\.db$'`).trim()).toBe('2');
    // schedule=yes: a timer on every member takes the same verified snapshot there
    const timer = kplay(lab, ['-i', inv, 'playbooks/etcd-backup.yaml', '-e', 'ETCD_BACKUP_KEEP=2', '-e', 'schedule=yes']);
    expect(timer.rc, explain(timer.out)).toBe(0);
    expect(must(lab, 'master2', 'systemctl is-enabled kplay-etcd-backup.timer').trim()).toBe('enabled');
    expect(must(lab, 'master2', 'systemctl start kplay-etcd-backup.service && journalctl -u kplay-etcd-backup')).toMatch(/kplay-etcd-backup: \/var\/backups\/kplay\/etcd\/kpday2-\d{8}T\d{6}Z-rev\d+\.db: revision \d+, \d+ keys/);
    expect(must(lab, 'master2', 'cd /var/backups/kplay/etcd && sha256sum -c --strict *.sha256 | grep -c OK').trim()).toBe('1');
  });

  it('etcd-restore: a damaged snapshot and a missing confirmation are refused before anything is stopped', () => {
    const snap = readdirSync(backups).filter((f) => f.endsWith('.db')).sort().at(-1) as string;
    const damaged = join(work, 'damaged.db');
    const bytes = readFileSync(join(backups, snap));
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
    writeFileSync(damaged, bytes);
    copyFileSync(join(backups, `${snap}.sha256`), `${damaged}.sha256`);
    const before = containers(lab);
    const r = kplay(lab, ['-i', inv, 'playbooks/etcd-restore.yaml', '-e', `snapshot=${damaged}`, '-e', `confirm=${NAME}`]);
    expect(r.rc).toBe(2);
    expect(r.out).toContain(`snapshot refused: ${damaged} does not match its checksum`);
    expect(r.out).toContain('Nothing was stopped or changed.');
    expect(unchanged(r.out), changedTasks(r.out)).toBe(true);
    const unconfirmed = kplay(lab, ['-i', inv, 'playbooks/etcd-restore.yaml', '-e', `snapshot=${join(backups, snap)}`]);
    expect(unconfirmed.rc).toBe(2);
    expect(unconfirmed.out).toContain(`not confirmed: without a terminal, add -e confirm=${NAME}`);
    expect(unchanged(unconfirmed.out), changedTasks(unconfirmed.out)).toBe(true);
    const missing = kplay(lab, ['-i', inv, 'playbooks/etcd-restore.yaml', '-e', `confirm=${NAME}`]);
    expect(missing.rc).toBe(2);
    expect(missing.out).toContain('add -e snapshot=FILE');
    expect(containers(lab)).toBe(before);
  });

  it('etcd-restore: the cluster goes back to the snapshot on every member; a second run changes nothing', () => {
    must(lab, 'master1', `${ADMIN} -n default create configmap kp-before --from-literal=at=backup`);
    const b = kplay(lab, ['-i', inv, 'playbooks/etcd-backup.yaml']);
    expect(b.rc, explain(b.out)).toBe(0);
    const snap = join(backups, readdirSync(backups).filter((f) => f.endsWith('.db')).sort().at(-1) as string);
    must(lab, 'master2', `${ADMIN} -n default delete configmap kp-before && ${ADMIN} -n default create configmap kp-after --from-literal=at=later`);

    const check = kplay(lab, ['-i', inv, 'playbooks/etcd-restore.yaml', '-e', `snapshot=${snap}`, '--check']);
    expect(check.rc, explain(check.out)).toBe(0);
    expect(check.out).toContain('--initial-cluster master1=https://');
    expect(unchanged(check.out), changedTasks(check.out)).toBe(true);

    const r = kplay(lab, ['-i', inv, 'playbooks/etcd-restore.yaml', '-e', `snapshot=${snap}`, '-e', `confirm=${NAME}`]);
    expect(r.rc, explain(r.out)).toBe(0);
    expect(r.out).toMatch(/"\d+ checks, 0 failed"/);
    expect(must(lab, 'master3', `${ADMIN} -n default get configmap kp-before -o jsonpath='{.data.at}'`)).toBe('backup');
    expect(must(lab, 'master3', `${ADMIN} -n default get configmap kp-after 2>&1 || true`)).toContain('NotFound');
    // three members, healthy, each with its own data directory restored and the old data kept
    const members = must(lab, 'master1', `${ETCDCTL} member list -w simple`).trim().split('\n');
    expect(members).toHaveLength(3);
    expect(must(lab, 'master1', `${ETCDCTL} endpoint health --cluster 2>&1`).match(/is healthy/g)).toHaveLength(3);
    for (const m of MASTERS) {
      expect(must(lab, m, 'ls -d /var/lib/etcd.before-restore-*/member | wc -l').trim()).toBe('1');
      expect(must(lab, m, 'ls /etc/kubernetes/manifests | tr "\\n" " "').trim()).toBe('etcd.yaml kube-apiserver.yaml kube-controller-manager.yaml kube-scheduler.yaml');
    }
    // every node Ready through the endpoint (admin.conf's server is the VIP's name)
    expect(must(lab, 'worker1', `kubectl --kubeconfig /root/poll/admin.conf get nodes --no-headers | awk '{print $2}' | sort -u`).trim()).toBe('Ready');
    expect(existsSync(join(work, 'inv', 'backups', NAME))).toBe(true);
    expect(readdirSync(join(work, 'inv', 'backups', NAME)).some((d) => d.endsWith('-etcd-restore'))).toBe(true);

    const again = kplay(lab, ['-i', inv, 'playbooks/etcd-restore.yaml', '-e', `snapshot=${snap}`, '-e', `confirm=${NAME}`]);
    expect(again.rc, explain(again.out)).toBe(0);
    expect(again.out).toContain('restored from this snapshot already');
    expect(unchanged(again.out), changedTasks(again.out)).toBe(true);
  });
});
