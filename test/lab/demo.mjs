#!/usr/bin/env node
// npm run demo [-- --down]: a lab of 3 masters and 2 workers (fresh), cluster-setup with the live
// progress view, then `kubectl get nodes` through the VIP; leaves the lab up (or removes it with --down).
// npm run demo -- --legacy: a legacy single-master cluster (no endpoint) converted to HA with
// convert-to-ha.yaml (joining master2 and master3), then `kubectl get nodes` through the VIP.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labAvailable, labDown, labExecArgs, labUp } from './lab.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const down = process.argv.includes('--down');
const legacy = process.argv.includes('--legacy');

function step(text) {
  process.stdout.write(`\n\u001b[1m==> ${text}\u001b[0m\n`);
}

function inLab(state, argv, opts = {}) {
  const [bin, args] = labExecArgs(argv, state);
  return spawnSync(bin, args, { stdio: 'inherit', cwd: root, ...opts }).status ?? 1;
}

if (!labAvailable()) {
  console.error('demo: the lab needs root, network namespaces and openssh-server (see .ci/run for the packages)');
  process.exit(1);
}
let state;
let rc = 1;
try {
  const kubectl = [process.execPath, join(root, 'test/lab/kube/bin/kubectl.mjs')];
  if (legacy) {
    step('a legacy lab: master1 made by `kubeadm init` without an endpoint, worker1 and worker2 joined by IP; master2 and master3 only have the packages');
    state = labUp({ masters: 3, workers: 2, kube: 'legacy' });
  } else {
    step('a lab: master1 (primary), master2, master3, worker1, worker2 — packages installed, no cluster yet');
    state = labUp({ masters: 3, workers: 2, kube: 'fresh' });
  }
  for (const h of state.hosts) console.log(`  ${h.name.padEnd(8)} ${h.ip}`);
  console.log(`  VIP      ${state.vip}   (inventory: ${state.inventory})`);
  const playbook = legacy ? 'playbooks/convert-to-ha.yaml' : 'playbooks/cluster-setup.yaml';
  step(legacy ? 'kplay playbooks/convert-to-ha.yaml: read and check, plan, backup, endpoint, certificates, objects, kubeconfigs, etcd, workers, joins, verification' : 'kplay playbooks/cluster-setup.yaml: keepalived + nginx on the masters, kubeadm init, joins');
  rc = inLab(state, [process.execPath, join(root, 'bin/kplay.js'), '-i', state.inventory, playbook, '-f', '5']);
  if (rc !== 0) throw new Error(`${playbook} failed (exit ${rc})`);
  step(`kplay playbooks/local-access.yaml: an admin kubeconfig for the endpoint, in ${join(state.dir, 'admin.conf')}`);
  rc = inLab(state, [process.execPath, join(root, 'bin/kplay.js'), '-i', state.inventory, 'playbooks/local-access.yaml', '-e', `LOCAL_KUBECONFIG=${join(state.dir, 'admin.conf')}`], { env: { ...process.env, KPLAY_NO_LIVE: '1' }, stdio: ['inherit', 'ignore', 'inherit'] });
  if (rc !== 0) throw new Error(`local-access failed (exit ${rc})`);
  step(`kubectl get nodes through the VIP (https://${state.vip}:8443)`);
  rc = inLab(state, [...kubectl, '--kubeconfig', join(state.dir, 'admin.conf'), '--server', `https://${state.vip}:8443`, 'get', 'nodes', '-o', 'wide']);
  if (down) {
    step('removing the lab (--down)');
    labDown(state.dir);
  } else {
    step('the lab is still up');
    console.log('  a shell on a node:   npm run lab -- ssh master1');
    console.log(`  run it again:        npm run lab -- exec -- npx kplay -i .lab/inventory.ini ${playbook}`);
    console.log('  tear it down:        npm run lab -- down');
  }
} catch (e) {
  console.error(`demo: ${e.message}`);
  console.error(state ? 'the lab is left up for a look (npm run lab -- ssh master1); remove it with: npm run lab -- down' : '');
  process.exitCode = 1;
}
if (rc !== 0) process.exitCode = 1;
