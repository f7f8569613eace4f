// kubeadm's configuration: --config documents (InitConfiguration, ClusterConfiguration,
// JoinConfiguration; v1beta3/v1beta4) merged with flags and defaults, as kubeadm resolves them.
import { Fatal, YAML, readMaybe, nodeIp, nodeName } from './common.mjs';
import { installedVersion } from './packages.mjs';

const API_VERSIONS = ['kubeadm.k8s.io/v1beta3', 'kubeadm.k8s.io/v1beta4'];
const KNOWN_KINDS = ['InitConfiguration', 'ClusterConfiguration', 'JoinConfiguration', 'KubeletConfiguration', 'KubeProxyConfiguration', 'ResetConfiguration', 'UpgradeConfiguration'];

/** kubeadm's own version ("v1.30.5"), from the installed package. */
export function kubeadmVersion() {
  return `v${(installedVersion('kubeadm') ?? '1.30.5-1.1').split('-')[0]}`;
}

/** Reads a --config file into { InitConfiguration, ClusterConfiguration, JoinConfiguration, ... }. */
export function readConfigFile(path) {
  const text = readMaybe(path);
  if (text === undefined) throw new Fatal(`unable to read config from "${path}" : open ${path}: no such file or directory`);
  const out = {};
  let docs;
  try {
    docs = YAML.parseAllDocuments(text).map((d) => {
      if (d.errors.length) throw d.errors[0];
      return d.toJS();
    });
  } catch (e) {
    throw new Fatal(`error converting YAML to JSON: yaml: ${e.message.split('\n')[0]}`);
  }
  for (const d of docs) {
    if (!d) continue;
    if (!d.kind || !d.apiVersion) throw new Fatal(`couldn't load config file ${path}: Object 'Kind' is missing in '${JSON.stringify(d).slice(0, 80)}'`);
    if (!KNOWN_KINDS.includes(d.kind)) throw new Fatal(`couldn't load config file ${path}: no kind "${d.kind}" is registered for version "${d.apiVersion}" in scheme`);
    if (d.apiVersion.startsWith('kubeadm.k8s.io/') && !API_VERSIONS.includes(d.apiVersion)) throw new Fatal(`your configuration file uses an old API spec: "${d.apiVersion}" (kind: "${d.kind}"). Please use kubeadm v1.22 instead and run 'kubeadm config migrate --old-config old.yaml --new-config new.yaml', which will write the new, similar spec using a newer API version.`);
    out[d.kind] = d;
  }
  return out;
}

/** The first usable address of a CIDR plus `n` (10.96.0.0/12 -> 10.96.0.1). */
export function cidrHost(cidr, n = 1) {
  const [base] = cidr.split('/');
  const parts = base.split('.').map(Number);
  const v = ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) + n;
  return [v >>> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255].join('.');
}

/** Fills a ClusterConfiguration with kubeadm's defaults. */
export function defaultCluster(c = {}) {
  const out = structuredClone(c);
  out.apiVersion ??= 'kubeadm.k8s.io/v1beta3';
  out.kind = 'ClusterConfiguration';
  out.kubernetesVersion ??= kubeadmVersion();
  if (!String(out.kubernetesVersion).startsWith('v')) out.kubernetesVersion = `v${out.kubernetesVersion}`;
  out.clusterName ??= 'kubernetes';
  out.certificatesDir ??= '/etc/kubernetes/pki';
  out.imageRepository ??= 'registry.k8s.io';
  out.controlPlaneEndpoint ??= '';
  out.networking = { dnsDomain: 'cluster.local', serviceSubnet: '10.96.0.0/12', ...(out.networking ?? {}) };
  out.apiServer ??= {};
  out.etcd ??= {};
  if (!out.etcd.external) out.etcd.local = { dataDir: '/var/lib/etcd', ...(out.etcd.local ?? {}) };
  out.dns ??= {};
  out.controllerManager ??= {};
  out.scheduler ??= {};
  return out;
}

/** Fills an InitConfiguration (local endpoint, node registration) with defaults for this host. */
export async function defaultInit(i = {}) {
  const out = structuredClone(i);
  out.apiVersion ??= 'kubeadm.k8s.io/v1beta3';
  out.kind = 'InitConfiguration';
  out.localAPIEndpoint = { bindPort: 6443, ...(out.localAPIEndpoint ?? {}) };
  out.localAPIEndpoint.advertiseAddress ||= await nodeIp();
  out.nodeRegistration = { criSocket: 'unix:///var/run/containerd/containerd.sock', imagePullPolicy: 'IfNotPresent', taints: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }], ...(out.nodeRegistration ?? {}) };
  out.nodeRegistration.name ||= await nodeName();
  return out;
}

/** The host and port of the controlPlaneEndpoint ("" when unset). */
export function splitEndpoint(ep, dfltPort = 6443) {
  if (!ep) return undefined;
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(ep);
  return { host: m?.[1] ?? ep, port: Number(m?.[2] ?? dfltPort) };
}

/** The URL every admin/kubelet kubeconfig gets: the controlPlaneEndpoint if set, else the advertise address. */
export function clusterServer(cluster, init) {
  const ep = splitEndpoint(cluster.controlPlaneEndpoint, init.localAPIEndpoint.bindPort);
  return ep ? `https://${ep.host}:${ep.port}` : `https://${init.localAPIEndpoint.advertiseAddress}:${init.localAPIEndpoint.bindPort}`;
}

/** The local apiserver URL (controller-manager and scheduler kubeconfigs). */
export function localServer(init) {
  return `https://${init.localAPIEndpoint.advertiseAddress}:${init.localAPIEndpoint.bindPort}`;
}

/** True when a string is an IPv4 address. */
export const isIp = (s) => /^\d{1,3}(\.\d{1,3}){3}$/.test(s);

/** The flags that may be mixed with --config (kubeadm refuses the others). */
export const MIXABLE = new Set(['config', 'ignore-preflight-errors', 'skip-phases', 'upload-certs', 'skip-token-print', 'v', 'dry-run', 'certificate-key', 'kubeconfig', 'kubeconfig-dir', 'node-name', 'control-plane', 'rootfs']);

/** Refuses flags that kubeadm does not allow together with --config. */
export function checkMix(flags) {
  if (flags.config === undefined) return;
  const bad = Object.keys(flags).filter((f) => !MIXABLE.has(f));
  if (bad.length) throw new Fatal(`can not mix '--config' with arguments [${bad.join(' ')}]\nTo see the stack trace of this error execute with --v=5 or higher`);
}

/** Serialises a configuration document for the kubeadm-config ConfigMap. */
export function toYaml(doc) {
  return YAML.stringify(doc);
}
