#!/usr/bin/env node
// The lab's kubelet: runs the static pods in staticPodPath as real processes (etcd is Debian's etcd,
// the control-plane components are the lab's stand-ins), keeps them running across its own restarts
// (as containerd does), registers its Node through kubelet.conf's server with real TLS verification
// and heartbeats Ready, and keeps mirror pods for its static pods.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, closeSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags, flag, readMaybe, readJson, writeJson, YAML, sleep, nodeIp, nodeName, rfc3339, writeFile, procStart, sameProcess, signalRecorded } from '../lib/common.mjs';
import { KubeClient, loadKubeconfig, ApiError, resourcePath } from '../lib/client.mjs';
import { installedVersion } from '../lib/packages.mjs';

const BIN = dirname(fileURLToPath(import.meta.url));
const STATE = '/var/lib/kubelet/lab-pods.json';
const HEARTBEAT_MS = Number(process.env.LAB_HEARTBEAT_MS ?? 2000);
// how often an unchanged node status is posted (well inside the apiserver's 20 s grace period)
const STATUS_MS = Number(process.env.LAB_STATUS_MS ?? 5000);
const log = (m) => process.stderr.write(`${new Date().toISOString()} kubelet: ${m}\n`);

const { flags } = parseFlags(process.argv.slice(2));
const kubeconfigPath = flag(flags, 'kubeconfig') ?? '/etc/kubernetes/kubelet.conf';
const configPath = flag(flags, 'config') ?? '/var/lib/kubelet/config.yaml';
const name = (flag(flags, 'hostname-override') ?? (await nodeName())).toLowerCase();
const ip = flag(flags, 'node-ip') ?? (await nodeIp());
const extraLabels = Object.fromEntries(String(flag(flags, 'node-labels') ?? '').split(',').filter(Boolean).map((kv) => kv.split('=')));

/** The process a static pod's container stands for. */
function argvFor(container) {
  const cmd = [...(container.command ?? []), ...(container.args ?? [])];
  const [exe, ...rest] = cmd;
  const base = (exe ?? '').split('/').pop();
  if (base === 'etcd') return ['/usr/bin/etcd', ...rest];
  if (base === 'kube-apiserver') return [process.execPath, join(BIN, 'kube-apiserver.mjs'), ...rest];
  if (base === 'kube-controller-manager' || base === 'kube-scheduler') return [process.execPath, join(BIN, 'kube-component.mjs'), `--lab-component=${base}`, ...rest];
  return [process.execPath, '-e', 'setInterval(()=>{},1<<30)']; // anything else just runs
}

// a recorded pod process, only while it is still that process (PIDs are reused)
const alive = (cur) => sameProcess(cur.pid, cur.procStart);
const kill = (cur) => signalRecorded(cur.pid, cur.procStart, 'SIGTERM');

let pods = readJson(STATE, {}); // file -> { pid, hash, name, restarts, startedAt, image, labels, component }

function startPod(file, text, hash, pod, restarts = 0) {
  const c = pod.spec?.containers?.[0] ?? {};
  const podName = `${pod.metadata?.name}-${name}`;
  const dir = `/var/log/pods/${pod.metadata?.namespace ?? 'kube-system'}_${podName}`;
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, `${c.name ?? 'main'}.log`), 'a');
  const [exe, ...args] = argvFor(c);
  const env = { PATH: process.env.PATH, LAB_IMAGE: c.image ?? '', LAB_NODE_NAME: name, ...Object.fromEntries((c.env ?? []).map((e) => [e.name, String(e.value ?? '')])) };
  const child = spawn(exe, args, { detached: true, stdio: ['ignore', fd, fd], env });
  child.unref();
  closeSync(fd);
  log(`started static pod ${podName} (pid ${child.pid}) from ${file}`);
  pods[file] = { pid: child.pid, procStart: procStart(child.pid), hash, podName, restarts, startedAt: rfc3339(), image: c.image, labels: pod.metadata?.labels ?? {}, annotations: pod.metadata?.annotations ?? {}, containerName: c.name, ns: pod.metadata?.namespace ?? 'kube-system', mirrorUid: undefined, nextTry: 0 };
}

function readConfig() {
  const t = readMaybe(configPath);
  if (t === undefined) return undefined;
  return YAML.parse(t) ?? {};
}

function syncStaticPods(cfg) {
  const dir = cfg.staticPodPath ?? '/etc/kubernetes/manifests';
  const seen = new Set();
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.startsWith('.')) : [];
  for (const f of files) {
    const file = join(dir, f);
    const text = readMaybe(file);
    if (text === undefined) continue;
    seen.add(file);
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
    let pod;
    try {
      pod = YAML.parse(text);
    } catch (e) {
      log(`could not parse ${file}: ${e.message}`);
      continue;
    }
    const cur = pods[file];
    if (cur) Object.assign(cur, { labels: pod.metadata?.labels ?? {}, annotations: pod.metadata?.annotations ?? {} });
    if (!cur) startPod(file, text, hash, pod);
    else if (cur.hash !== hash) {
      log(`manifest ${file} changed: restarting ${cur.podName}`);
      kill(cur);
      startPod(file, text, hash, pod);
    } else if (!alive(cur) && Date.now() >= (cur.nextTry ?? 0)) {
      if (cur.dead) {
        startPod(file, text, hash, pod, cur.restarts + 1);
      } else {
        // back off like CrashLoopBackOff (shorter, it is a lab)
        cur.dead = true;
        cur.nextTry = Date.now() + Math.min(30000, 1000 * 2 ** Math.min(cur.restarts, 5));
        log(`static pod ${cur.podName} exited; restarting (restart ${cur.restarts + 1})`);
      }
    }
  }
  for (const [file, cur] of Object.entries(pods)) {
    if (!seen.has(file)) {
      log(`manifest ${file} removed: stopping ${cur.podName}`);
      kill(cur);
      delete pods[file];
      cur.removed = true;
      removedMirrors.push(cur);
    }
  }
  writeJson(STATE, pods);
}

const removedMirrors = [];

function client() {
  if (!existsSync(kubeconfigPath)) return undefined;
  return new KubeClient(loadKubeconfig(kubeconfigPath), { timeoutMs: 3000, keepAlive: true });
}

function networkReady() {
  const dir = '/etc/cni/net.d';
  return existsSync(dir) && readdirSync(dir).some((f) => /\.(conf|conflist|json)$/.test(f));
}

async function cniApplied(kc) {
  // what a CNI DaemonSet's install container would do on this node: drop a config into /etc/cni/net.d
  if (networkReady()) return;
  const list = await kc.get('/apis/apps/v1/daemonsets');
  const cni = list.items.find((d) => /flannel|calico|cilium|weave|canal|kube-router|antrea/.test(d.metadata.name));
  if (cni) {
    writeFile('/etc/cni/net.d/10-lab.conflist', JSON.stringify({ cniVersion: '0.4.0', name: cni.metadata.name, plugins: [{ type: 'lab' }] }, null, 2) + '\n');
    log(`network plugin ${cni.metadata.name} installed its configuration`);
  }
}

/** The version this kubelet process runs: the package installed when it started (a restart picks up an upgrade). */
const version = `v${(installedVersion('kubelet') ?? '1.30.5').split('-')[0]}`;

async function heartbeat(kc) {
  const now = rfc3339();
  const ready = networkReady();
  const conditions = [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: now, lastTransitionTime: now },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: now, lastTransitionTime: now },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: now, lastTransitionTime: now },
    ready
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized', lastHeartbeatTime: now, lastTransitionTime: now },
  ];
  const status = { conditions, addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }], nodeInfo: { kubeletVersion: version, kubeProxyVersion: version, containerRuntimeVersion: `containerd://${(installedVersion('containerd') ?? '1.7.12').split('-')[0]}`, osImage: 'Debian GNU/Linux 12 (bookworm)', operatingSystem: 'linux', architecture: 'amd64', kernelVersion: 'lab' } };
  const path = resourcePath('nodes', undefined, name);
  const node = await kc.getMaybe(path);
  if (!node) {
    await kc.post(resourcePath('nodes'), { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64', ...extraLabels }, annotations: { 'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///var/run/containerd/containerd.sock' } }, spec: {}, status });
    log(`Successfully registered node ${name}`);
  } else {
    let same = true;
    for (const c of conditions) {
      const old = (node.status?.conditions ?? []).find((x) => x.type === c.type);
      if (old && old.status === c.status) c.lastTransitionTime = old.lastTransitionTime;
      else same = false;
    }
    // an unchanged status is posted every STATUS_MS (the heartbeat the grace period counts), a change at once
    const posted = Date.parse((node.status?.conditions ?? []).find((x) => x.type === 'Ready')?.lastHeartbeatTime ?? '') || 0;
    if (!same || JSON.stringify(node.status?.nodeInfo) !== JSON.stringify(status.nodeInfo) || Date.now() - posted >= STATUS_MS) await kc.patch(`${path}/status`, { status });
  }
}

async function syncMirrors(kc) {
  while (removedMirrors.length) {
    const cur = removedMirrors.shift();
    try {
      await kc.delete(resourcePath('pods', cur.ns, cur.podName));
    } catch {
      // already gone
    }
  }
  for (const [file, cur] of Object.entries(pods)) {
    const path = resourcePath('pods', cur.ns, cur.podName);
    const existing = await kc.getMaybe(path);
    const running = alive(cur);
    if (!existing && cur.mirrorUid) {
      // the mirror pod was deleted through the API: restart the static pod (what the seeds rely on)
      log(`mirror pod ${cur.podName} deleted: restarting the static pod`);
      kill(cur);
      const text = readMaybe(file);
      if (text) startPod(file, text, cur.hash, YAML.parse(text), cur.restarts + 1);
      writeJson(STATE, pods);
      continue;
    }
    const status = {
      phase: 'Running',
      hostIP: ip,
      podIP: ip,
      startTime: cur.startedAt,
      conditions: [{ type: 'Ready', status: running ? 'True' : 'False', lastTransitionTime: cur.startedAt }],
      containerStatuses: [{ name: cur.containerName, image: cur.image, ready: running, restartCount: cur.restarts, started: running, state: running ? { running: { startedAt: cur.startedAt } } : { waiting: { reason: 'CrashLoopBackOff' } } }],
    };
    if (!existing) {
      const created = await kc.post(resourcePath('pods', cur.ns), { apiVersion: 'v1', kind: 'Pod', metadata: { name: cur.podName, namespace: cur.ns, labels: cur.labels, annotations: { ...(cur.annotations ?? {}), 'kubernetes.io/config.mirror': cur.hash, 'kubernetes.io/config.source': 'file' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, controller: true }] }, spec: { nodeName: name, containers: [{ name: cur.containerName, image: cur.image }] }, status });
      cur.mirrorUid = created.metadata.uid;
    } else {
      cur.mirrorUid = existing.metadata.uid;
      const annotations = { ...(cur.annotations ?? {}), 'kubernetes.io/config.mirror': cur.hash, 'kubernetes.io/config.source': 'file' };
      if (JSON.stringify(existing.status) !== JSON.stringify(status) || JSON.stringify(existing.metadata.annotations) !== JSON.stringify(annotations)) await kc.patch(path, { metadata: { annotations, labels: cur.labels }, status });
    }
  }
  writeJson(STATE, pods);
}

// stopped between two event-loop turns, never between starting a pod and recording it (an unrecorded
// pod would outlive `kubeadm reset`, which a real runtime's container list prevents)
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));

log(`Starting kubelet stand-in ${version} for node ${name} (${ip})`);
let lastErr = '';
for (;;) {
  const cfg = readConfig();
  if (!cfg) {
    const msg = `failed to load kubelet config file, path: ${configPath}, error: open ${configPath}: no such file or directory`;
    if (msg !== lastErr) log(msg);
    lastErr = msg;
    await sleep(1000);
    continue;
  }
  syncStaticPods(cfg);
  const kc = (() => {
    try {
      return client();
    } catch (e) {
      log(e.message);
      return undefined;
    }
  })();
  if (kc) {
    try {
      await cniApplied(kc);
      await heartbeat(kc);
      await syncMirrors(kc);
      if (lastErr) log('node status updates resumed');
      lastErr = '';
    } catch (e) {
      const msg = e instanceof ApiError ? `API error: ${e.message}` : `Unable to register node with API server: ${e.message}`;
      if (msg !== lastErr) log(msg);
      lastErr = msg;
    }
  }
  await sleep(HEARTBEAT_MS);
}
