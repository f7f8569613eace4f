// The shipped playbooks load and validate with both example inventories, and the configuration checks
// stop a run before any host is contacted (the example hosts are in 192.0.2.0/24, TEST-NET-1: every
// case below must fail in the checks, which run on the controller, or it would try to reach them).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const kplay = (args: string[]): { rc: number | null; out: string } => {
  const r = spawnSync(process.execPath, [join(root, 'bin/kplay.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, KPLAY_NO_LIVE: '1' } });
  return { rc: r.status, out: `${r.stdout}${r.stderr}` };
};
const PLAYBOOKS = ['cluster-setup', 'cluster-load-balanced', 'add-control-plane', 'local-access', 'convert-to-ha', 'remove-node', 'cluster-upgrade', 'cluster-uninstall', 'cluster-certs', 'etcd-backup', 'etcd-restore', 'cluster-images', 'cluster-dashboard', 'uninstall-dashboard'];

describe('shipped playbooks', () => {
  it.each(PLAYBOOKS.flatMap((p) => ['my-cluster.inventory', 'my-cluster.yaml'].map((i) => [p, i])))('%s passes --syntax-check with %s', (p, i) => {
    const r = kplay(['-i', `inventories/${i}`, `playbooks/${p}.yaml`, '--syntax-check']);
    expect(r.rc, r.out).toBe(0);
    expect(r.out.trim()).toBe(`playbook: playbooks/${p}.yaml`);
  });

  it('cluster-setup has the stage tags operators use', () => {
    const r = kplay(['-i', 'inventories/my-cluster.inventory', 'playbooks/cluster-setup.yaml', '--list-tags']);
    const tags = new Set([...r.out.matchAll(/TAGS: \[([^\]]*)\]/g)].flatMap((m) => (m[1] as string).split(',').map((t) => t.trim())));
    for (const t of ['setup-system', 'setup-infrastructure', 'keepalived', 'nginx', 'haproxy', 'external-etcd', 'masters', 'primary-master', 'secondary-masters', 'minions', 'join-minions', 'nodes', 'ha-settings']) expect(tags, t).toContain(t);
  });

  it.each([
    [[], 'KEEPALIVED_AUTH_PASS must be set to 1-8 characters'],
    [['-e', 'KEEPALIVED_AUTH_PASS=toolongpassword'], 'KEEPALIVED_AUTH_PASS must be set to 1-8 characters'],
    [['-e', 'APISERVER_VIP=192.0.2.256'], "APISERVER_VIP '192.0.2.256' is not an IPv4 address"],
    [['-e', 'APISERVER_VIP=192.0.2.11'], 'APISERVER_VIP 192.0.2.11 is also the address of master1'],
    [['-e', 'KEEPALIVED_ROUTER_ID=0'], "KEEPALIVED_ROUTER_ID '0' must be a whole number from 1 to 255"],
    [['-e', 'ETCD_HOSTING=embedded'], 'ETCD_HOSTING stacked or external'],
    [['-e', 'APISERVER_LB_PORT=6443'], 'APISERVER_LB_PORT 6443: the balancer runs on the masters next to the apiservers'],
    [['-e', 'APISERVER_ENDPOINT_NAME=K8S_API'], "APISERVER_ENDPOINT_NAME 'K8S_API' is not a DNS name"],
    [['-e', 'KEEPALIVED_AUTH_PASS=x', '-e', 'KUBERNETES_VERSION_MINOR=x'], 'KUBERNETES_VERSION (or KUBERNETES_VERSION_MAJOR/MINOR/PATCH) must be numbers'],
    [['-e', 'KEEPALIVED_AUTH_PASS=x', '-e', 'POD_NETWORK_CIDR=10.244.0.0'], 'POD_NETWORK_CIDR and SERVICE_CIDR CIDRs'],
  ] as const)('cluster-setup %j stops in the checks', (args, message) => {
    const r = kplay(['-i', 'inventories/my-cluster.inventory', 'playbooks/cluster-setup.yaml', ...args]);
    expect(r.rc, r.out).toBe(2);
    expect(r.out).toContain(message);
    expect(r.out).not.toContain('PLAY [prepare the nodes]');
    expect(r.out).toMatch(/unreachable=0/);
    expect(r.out).not.toMatch(/unreachable=[1-9]/);
    expect(r.out).not.toContain('toolongpassword'); // a secret, even a wrong one, is never printed
  });
});
