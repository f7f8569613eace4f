// Helpers for the playbook tests on the lab's Kubernetes (test/lab/README.md): commands on lab hosts,
// an inventory with site values, kplay run inside the lab namespace (to completion, or watched and
// interrupted), the PLAY RECAP parsed, and a fingerprint of what a run could change on a host.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error the lab is plain JavaScript (runs without a build: npm run lab)
import { labRun, labSshArgv } from '../lab/lab.mjs';

/** A running lab, as labUp returns it. */
export interface LabState {
  dir: string;
  labNs: string;
  hosts: { name: string; ip: string; ns: string }[];
  vip: string;
  key: string;
  knownHosts: string;
}

/** A command's exit code and output. */
export interface RunResult {
  rc: number;
  stdout: string;
  stderr: string;
}

/** The repository's root. */
export const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/kplay.js');

/** etcdctl against the stacked etcd of the master it runs on, with kubeadm's client certificate. */
export const ETCDCTL = 'ETCDCTL_API=3 etcdctl --endpoints https://127.0.0.1:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key';

/** Runs a shell command on a lab host. */
export const run = (lab: LabState, host: string, cmd: string): RunResult => labRun(lab, host, cmd) as RunResult;

/** Runs a shell command on a lab host; throws with its output when it fails. */
export function must(lab: LabState, host: string, cmd: string): string {
  const r = run(lab, host, cmd);
  if (r.rc !== 0) throw new Error(`${host}: ${cmd}: exit ${r.rc}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** A lab host's address. */
export const ipOf = (lab: LabState, name: string): string => lab.hosts.find((h) => h.name === name)?.ip ?? '';

/** An inventory for the lab with the given masters (the first is the primary) and workers, and site values in its group_vars. */
export function writeInventory(lab: LabState, dir: string, opts: { masters: string[]; workers: string[]; vars?: Record<string, string> }): string {
  mkdirSync(join(dir, 'group_vars'), { recursive: true });
  const line = (n: string): string => `${n} ansible_host=${ipOf(lab, n)}`;
  writeFileSync(
    join(dir, 'cluster.ini'),
    [
      '[apiserver_vip]',
      lab.vip,
      '[primary-master]',
      line(opts.masters[0] ?? ''),
      '[secondary-masters]',
      ...opts.masters.slice(1).map(line),
      '[masters:children]',
      'primary-master',
      'secondary-masters',
      '[etcd:children]',
      'masters',
      '[minions]',
      ...opts.workers.map(line),
      '[nodes:children]',
      'masters',
      'minions',
      '[all:vars]',
      'ansible_user=root',
      `ansible_ssh_private_key_file=${lab.key}`,
      `ansible_ssh_common_args='-o UserKnownHostsFile=${lab.knownHosts}'`,
      '',
    ].join('\n'),
  );
  const vars = { APISERVER_ENDPOINT_NAME: 'k8s-api.lab.test', KEEPALIVED_AUTH_PASS: 'labvrrp1', CNI_MANIFEST_FILE: join(root, 'test/lab/kube/manifests/lab-flannel.yaml'), KUBERNETES_REPOSITORY_KEY_FILE: join(root, 'test/lab/kube/repo/Release.key'), ...(opts.vars ?? {}) };
  writeFileSync(join(dir, 'group_vars', 'all.yaml'), Object.entries(vars).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
  return join(dir, 'cluster.ini');
}

/** kplay with the line output, inside the lab namespace, to completion. */
export function kplay(lab: LabState, args: string[]): { rc: number | null; out: string } {
  const r = spawnSync('ip', ['netns', 'exec', lab.labNs, process.execPath, bin, ...args], { cwd: root, encoding: 'utf8', timeout: 600_000, env: { ...process.env, KPLAY_NO_LIVE: '1' } });
  return { rc: r.status, out: `${r.stdout}${r.stderr}` };
}

/**
 * kplay started in the background (the test's event loop keeps running): `act` is called once when
 * its output first matches `when` (to interrupt it); resolves with its exit code and output.
 */
export function kplayInterrupted(lab: LabState, args: string[], when?: RegExp, act?: (pid: number) => void): Promise<{ rc: number | null; out: string; acted: boolean }> {
  return new Promise((resolve) => {
    // no `ip netns exec` wrapper process in between: a signal must reach kplay itself
    const child = spawn('nsenter', [`--net=/run/netns/${lab.labNs}`, process.execPath, bin, ...args], { cwd: root, env: { ...process.env, KPLAY_NO_LIVE: '1' } });
    let out = '';
    let acted = false;
    const on = (d: Buffer): void => {
      out += d.toString();
      if (!acted && when && act && when.test(out)) {
        acted = true;
        act(child.pid ?? 0);
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('close', (rc) => {
      clearTimeout(timer);
      resolve({ rc, out, acted });
    });
  });
}

/** A failed run's story for an assertion message: its fatal lines (each cut), then its last lines. */
export function explain(out: string): string {
  const fatal = out.split('\n').filter((l) => /^fatal: |^failed: |\[ERROR\]|^ERROR!/.test(l)).map((l) => (l.length > 1500 ? `${l.slice(0, 700)} … ${l.slice(-700)}` : l));
  return [...fatal, '…', out.slice(-1500)].join('\n');
}

/** The PLAY RECAP by host. */
export function recap(out: string): Record<string, { ok: number; changed: number; failed: number; unreachable: number }> {
  const res: Record<string, { ok: number; changed: number; failed: number; unreachable: number }> = {};
  for (const m of out.matchAll(/^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)) res[m[1] as string] = { ok: Number(m[2]), changed: Number(m[3]), unreachable: Number(m[4]), failed: Number(m[5]) };
  return res;
}

/** "TASK name: host" for every changed result in a run's output (for failure messages). */
export function changedTasks(out: string): string {
  const lines: string[] = [];
  let task = '';
  for (const l of out.split('\n')) {
    const t = /^(?:TASK|RUNNING HANDLER) \[(.*)\]/.exec(l);
    if (t) task = t[1] as string;
    else if (l.startsWith('changed: ')) lines.push(`${task}: ${l.slice(9)}`);
  }
  return lines.join('\n');
}

/** Hosts whose recap shows a change. */
export const changedHosts = (out: string): string[] => Object.entries(recap(out)).filter(([, v]) => v.changed > 0).map(([h]) => h);

/**
 * What a run could have changed on a host: files under /etc, /var/lib and /var/backups, services,
 * packages. On a running cluster (`running`), etcd's data and the kubelet's pod records change by
 * themselves and are left out.
 */
export function snapshot(lab: LabState, host: string, running = false): string {
  const varLib = running ? 'var/lib/kubelet/config.yaml var/lib/kubelet/kubeadm-flags.env' : 'var/lib/kubelet var/lib/etcd';
  return must(lab, host, `cd / && find etc/hosts etc/apt/sources.list.d etc/apt/keyrings etc/keepalived etc/nginx etc/haproxy etc/kubernetes etc/containerd etc/sysctl.d etc/modules-load.d etc/etcd etc/default ${varLib} var/lib/kplay var/backups root/.kube -type f 2>/dev/null | sort | xargs -r sha256sum; cat /var/lib/dpkg/lab-status.json | sha256sum; for u in kubelet nginx keepalived haproxy etcd containerd; do echo "$u $(systemctl is-active $u)"; done; ls /run/lab-modules 2>/dev/null; true`);
}

/**
 * Polls the API from `host` in the background with a copy of `from`'s admin.conf (the server it names),
 * every `everyMs` after the last poll ended, until stop(): resolves with one character per poll, '.'
 * answered, 'x' failed. One process on the host polls (test/lab/kube/bin/api-poll.mjs, kubectl's
 * `get --raw /readyz` on a fresh connection each time); if its ssh session drops, the poll goes on in a
 * new one and the gap counts as one failed poll.
 */
export function pollApi(lab: LabState, host: string, from: string, everyMs: number): { stop(): Promise<string> } {
  must(lab, host, `mkdir -p /root/poll && cat > /root/poll/admin.conf <<'EOF'\n${must(lab, from, 'cat /etc/kubernetes/admin.conf')}EOF`);
  const ip = ipOf(lab, host);
  let polls = '';
  let polling = true;
  let child: ChildProcess | undefined;
  const session = (): Promise<void> =>
    new Promise((resolve) => {
      child = spawn('ip', [...(labSshArgv(lab, ip) as string[]), `exec node /usr/local/lib/kplay-lab/bin/api-poll.mjs --kubeconfig /root/poll/admin.conf --every-ms ${everyMs} --timeout-ms 3000`], { stdio: ['pipe', 'pipe', 'ignore'] });
      child.stdout?.on('data', (d: Buffer) => {
        polls += d.toString().replace(/[^.x]/g, '');
      });
      child.on('close', () => resolve());
    });
  const poller = (async () => {
    while (polling) {
      await session();
      if (!polling) break;
      polls += 'x';
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      polling = false;
      child?.stdin?.end();
      // the poller ends within a poll and a pause; an ssh that hangs instead is killed
      const kill = setTimeout(() => child?.kill('SIGKILL'), 15_000);
      await poller;
      clearTimeout(kill);
      return polls;
    },
  };
}
