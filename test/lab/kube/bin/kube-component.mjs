#!/usr/bin/env node
// The lab's kube-scheduler and kube-controller-manager: they talk to the server in their kubeconfig
// (failing visibly in their log and mirror pod when it is wrong) and the controller manager keeps the
// pods of Deployments (replicas) and DaemonSets (one per node) that playbooks look at.
import { createHash } from 'node:crypto';
import { parseFlags, flag, sleep, rfc3339 } from '../lib/common.mjs';
import { KubeClient, loadKubeconfig, resourcePath } from '../lib/client.mjs';

const { flags } = parseFlags(process.argv.slice(2), ['leader-elect', 'use-service-account-credentials', 'allocate-node-cidrs']);
const component = flag(flags, 'lab-component') ?? 'kube-scheduler';
const kubeconfig = flag(flags, 'kubeconfig') ?? flag(flags, 'authentication-kubeconfig');
const log = (m) => process.stderr.write(`${new Date().toISOString()} ${component}: ${m}\n`);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));

const short = (s) => createHash('sha256').update(s).digest('hex').slice(0, 5);

async function reconcile(kc) {
  const nodes = (await kc.get(resourcePath('nodes'))).items;
  const pods = (await kc.get('/api/v1/pods')).items;
  const readyNodes = nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  // new pods go to Ready nodes that are not cordoned; a pod keeps its node while that node is Ready
  // (cordoned or not: only an eviction or the node's deletion moves it, as in Kubernetes)
  const schedulable = readyNodes.filter((n) => !n.spec?.unschedulable);
  const wanted = [];
  for (const d of (await kc.get('/apis/apps/v1/deployments')).items) {
    const hash = short(JSON.stringify(d.spec.template ?? {}));
    const n = d.spec.replicas ?? 1;
    for (let i = 0; i < n; i++) {
      const name = `${d.metadata.name}-${hash}-${short(`${d.metadata.name}${i}`)}`;
      const placed = pods.find((p) => p.metadata.namespace === d.metadata.namespace && p.metadata.name === name)?.spec?.nodeName;
      const node = placed && readyNodes.some((r) => r.metadata.name === placed) ? placed : schedulable[i % Math.max(1, schedulable.length)]?.metadata.name;
      wanted.push({ owner: d, kind: 'Deployment', name, node });
    }
  }
  for (const ds of (await kc.get('/apis/apps/v1/daemonsets')).items) {
    for (const node of nodes) wanted.push({ owner: ds, kind: 'DaemonSet', name: `${ds.metadata.name}-${short(node.metadata.name)}`, node: node.metadata.name });
  }
  const wantedNames = new Set(wanted.map((w) => `${w.owner.metadata.namespace}/${w.name}`));
  for (const w of wanted) {
    const exists = pods.find((p) => p.metadata.namespace === w.owner.metadata.namespace && p.metadata.name === w.name);
    const nodeReady = readyNodes.some((n) => n.metadata.name === w.node);
    const phase = w.node ? 'Running' : 'Pending';
    const status = { phase, conditions: [{ type: 'Ready', status: nodeReady ? 'True' : 'False' }], containerStatuses: (w.owner.spec.template?.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image, ready: nodeReady, restartCount: 0 })) };
    if (!exists) {
      try {
        await kc.post(resourcePath('pods', w.owner.metadata.namespace), { metadata: { name: w.name, namespace: w.owner.metadata.namespace, labels: w.owner.spec.template?.metadata?.labels ?? {}, ownerReferences: [{ apiVersion: 'apps/v1', kind: w.kind, name: w.owner.metadata.name, uid: w.owner.metadata.uid, controller: true }] }, spec: { ...(w.owner.spec.template?.spec ?? {}), nodeName: w.node }, status: { ...status, startTime: rfc3339() } });
      } catch {
        // another controller manager created it first
      }
    } else if (JSON.stringify(exists.status?.conditions) !== JSON.stringify(status.conditions) || exists.status?.phase !== phase || exists.spec?.nodeName !== w.node) {
      await kc.patch(resourcePath('pods', exists.metadata.namespace, exists.metadata.name), { spec: { nodeName: w.node }, status }).catch(() => {});
    }
  }
  for (const p of pods) {
    const ref = p.metadata.ownerReferences?.find((r) => r.kind === 'Deployment' || r.kind === 'DaemonSet');
    if (ref && !wantedNames.has(`${p.metadata.namespace}/${p.metadata.name}`)) await kc.delete(resourcePath('pods', p.metadata.namespace, p.metadata.name)).catch(() => {});
  }
  for (const d of (await kc.get('/apis/apps/v1/deployments')).items) {
    const mine = wanted.filter((w) => w.owner.metadata.uid === d.metadata.uid);
    const ready = mine.filter((w) => readyNodes.some((n) => n.metadata.name === w.node)).length;
    const st = { replicas: mine.length, readyReplicas: ready, availableReplicas: ready, updatedReplicas: mine.length, observedGeneration: d.metadata.generation };
    if (JSON.stringify(d.status) !== JSON.stringify(st)) await kc.patch(resourcePath('deployments', d.metadata.namespace, d.metadata.name), { status: st }).catch(() => {});
  }
  for (const ds of (await kc.get('/apis/apps/v1/daemonsets')).items) {
    const ready = nodes.filter((n) => readyNodes.includes(n)).length;
    const st = { desiredNumberScheduled: nodes.length, currentNumberScheduled: nodes.length, numberReady: ready, numberAvailable: ready, updatedNumberScheduled: nodes.length, observedGeneration: ds.metadata.generation };
    if (JSON.stringify(ds.status) !== JSON.stringify(st)) await kc.patch(resourcePath('daemonsets', ds.metadata.namespace, ds.metadata.name), { status: st }).catch(() => {});
  }
}

log(`starting (kubeconfig ${kubeconfig})`);
let last = '';
let failingSince = 0;
const LOST_AFTER_MS = Number(process.env.LAB_LEADER_LOST_MS ?? 15000);
for (;;) {
  try {
    const kc = new KubeClient(loadKubeconfig(kubeconfig), { timeoutMs: 3000, keepAlive: true });
    await kc.get('/healthz');
    if (component === 'kube-controller-manager') await reconcile(kc);
    if (last) log('connection to the API server restored');
    last = '';
    failingSince = 0;
  } catch (e) {
    const msg = `error retrieving resource lock kube-system/${component}: ${e.message}`;
    if (msg !== last) log(msg);
    last = msg;
    failingSince ||= Date.now();
    if (Date.now() - failingSince > LOST_AFTER_MS) {
      // as the real components do when they cannot renew their lease: exit, the kubelet restarts them
      log('leaderelection lost');
      process.exit(1);
    }
  }
  await sleep(2000);
}
