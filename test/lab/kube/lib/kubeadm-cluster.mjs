// kubeadm's phases that write to the cluster: kubeadm-config and kubelet-config ConfigMaps, bootstrap
// tokens, cluster-info, the encrypted kubeadm-certs Secret, control-plane marks, the CoreDNS and
// kube-proxy add-ons, and etcd membership for stacked control planes.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Fatal, YAML, rfc3339, writeFile } from './common.mjs';
import { ApiError, resourcePath } from './client.mjs';
import { Etcd } from './etcd.mjs';
import { SHARED_CERTS } from './kubeadm-phases.mjs';
import { toYaml, clusterServer } from './kubeadm-config.mjs';

const out = (s) => process.stdout.write(`${s}\n`);
const b64 = (s) => Buffer.from(s).toString('base64');
const unb64 = (s) => Buffer.from(s ?? '', 'base64').toString();

/** `kubeadm init phase upload-config kubeadm`: the ClusterConfiguration in kube-system/kubeadm-config. */
export async function uploadConfig(kc, cluster) {
  out('[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace');
  await kc.upsert(resourcePath('configmaps', 'kube-system'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kubeadm-config', namespace: 'kube-system' }, data: { ClusterConfiguration: toYaml(cluster) } });
}

/** `kubeadm init phase upload-config kubelet`. */
export async function uploadKubeletConfig(kc, kubeletConfigText) {
  out('[kubelet] Creating a ConfigMap "kubelet-config" in namespace kube-system with the configuration for the kubelets in the cluster');
  await kc.upsert(resourcePath('configmaps', 'kube-system'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kubelet-config', namespace: 'kube-system' }, data: { kubelet: kubeletConfigText } });
}

/** The ClusterConfiguration stored in the cluster, or undefined. */
export async function downloadClusterConfig(kc) {
  const cm = await kc.getMaybe(resourcePath('configmaps', 'kube-system', 'kubeadm-config'));
  return cm ? YAML.parse(cm.data.ClusterConfiguration) : undefined;
}

const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

/** A new random bootstrap token "abcdef.0123456789abcdef". */
export function generateToken() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n) => Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
  return `${pick(6)}.${pick(16)}`;
}

/** Checks a token's format as kubeadm does. */
export function checkToken(token) {
  if (!TOKEN_RE.test(token)) throw new Fatal(`the bootstrap token "${token}" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"`);
}

/** Creates a bootstrap token Secret; ttlMs 0 = never expires. Returns the Secret. */
export async function createToken(kc, { token, ttlMs = 24 * 3600e3, usages = ['signing', 'authentication'], groups = ['system:bootstrappers:kubeadm:default-node-token'], description }) {
  checkToken(token);
  const [, id, secret] = TOKEN_RE.exec(token);
  const data = { 'token-id': b64(id), 'token-secret': b64(secret) };
  if (ttlMs) data.expiration = b64(rfc3339(new Date(Date.now() + ttlMs)));
  for (const u of usages) data[`usage-bootstrap-${u}`] = b64('true');
  if (groups.length && usages.includes('authentication')) data['auth-extra-groups'] = b64(groups.join(','));
  if (description) data.description = b64(description);
  const obj = { apiVersion: 'v1', kind: 'Secret', type: 'bootstrap.kubernetes.io/token', metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' }, data };
  return kc.upsert(resourcePath('secrets', 'kube-system'), obj);
}

/** The bootstrap tokens in the cluster (expired ones are gone already). */
export async function listTokens(kc) {
  const list = await kc.get(`${resourcePath('secrets', 'kube-system')}?fieldSelector=type=bootstrap.kubernetes.io/token`);
  return list.items.map((s) => ({
    token: `${unb64(s.data['token-id'])}.${unb64(s.data['token-secret'])}`,
    expires: s.data.expiration ? unb64(s.data.expiration) : undefined,
    usages: Object.keys(s.data).filter((k) => k.startsWith('usage-bootstrap-') && unb64(s.data[k]) === 'true').map((k) => k.slice(16)),
    description: s.data.description ? unb64(s.data.description) : '',
    groups: s.data['auth-extra-groups'] ? unb64(s.data['auth-extra-groups']) : '',
    secret: s,
  }));
}

/** `[bootstrap-token]` and cluster-info: the CA and the endpoint joiners discover. */
export async function publishClusterInfo(kc, cluster, init) {
  out('[bootstrap-token] Creating the "cluster-info" ConfigMap in the "kube-public" namespace');
  const kubeconfig = YAML.stringify({ apiVersion: 'v1', clusters: [{ cluster: { 'certificate-authority-data': b64(readFileSync(`${cluster.certificatesDir}/ca.crt`)), server: clusterServer(cluster, init) }, name: '' }], contexts: null, 'current-context': '', kind: 'Config', preferences: {}, users: null });
  await kc.upsert(resourcePath('configmaps', 'kube-public'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-info', namespace: 'kube-public' }, data: { kubeconfig } });
}

/** The detached JWS (HS256) the bootstrap signer puts into cluster-info for a token. */
export function jwsFor(kubeconfig, token) {
  const [id, secret] = token.split('.');
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: id })).toString('base64url');
  const payload = Buffer.from(kubeconfig).toString('base64url');
  const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}..${sig}`;
}

/** A new certificate key (32 random bytes, hex). */
export function newCertificateKey() {
  return randomBytes(32).toString('hex');
}

function secretKeyName(file) {
  return file.replace('/', '-');
}

/** `init phase upload-certs --upload-certs`: AES-GCM-encrypted shared certs, owned by a 1-hour token. */
export async function uploadCerts(kc, cluster, key) {
  if (!/^[0-9a-f]{64}$/.test(key)) throw new Fatal(`error execution phase upload-certs: error uploading certs: error decoding certificate key: encoding/hex: invalid byte: U+0067 'g'`);
  out('[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace');
  const proxy = await createToken(kc, { token: generateToken(), ttlMs: 3600e3, usages: [], groups: [], description: 'Proxy for managing TTL for the kubeadm-certs secret' });
  const data = {};
  const files = [...SHARED_CERTS];
  if (cluster.etcd.external) files.splice(files.indexOf('etcd/ca.crt'), 2);
  for (const f of files) {
    const p = `${cluster.certificatesDir}/${f}`;
    if (!existsSync(p)) continue;
    const nonce = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', Buffer.from(key, 'hex'), nonce);
    const enc = Buffer.concat([nonce, c.update(readFileSync(p)), c.final(), c.getAuthTag()]);
    data[secretKeyName(f)] = enc.toString('base64');
  }
  for (const [k, f] of [['external-etcd-ca.crt', cluster.etcd.external?.caFile], ['external-etcd.crt', cluster.etcd.external?.certFile], ['external-etcd.key', cluster.etcd.external?.keyFile]]) {
    if (!f || !existsSync(f)) continue;
    const nonce = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', Buffer.from(key, 'hex'), nonce);
    data[k] = Buffer.concat([nonce, c.update(readFileSync(f)), c.final(), c.getAuthTag()]).toString('base64');
  }
  const obj = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'kubeadm-certs', namespace: 'kube-system', ownerReferences: [{ apiVersion: 'v1', kind: 'Secret', name: proxy.metadata.name, uid: proxy.metadata.uid, blockOwnerDeletion: true }] }, data };
  try {
    await kc.delete(resourcePath('secrets', 'kube-system', 'kubeadm-certs'));
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  }
  await kc.post(resourcePath('secrets', 'kube-system'), obj);
  out('[upload-certs] Using certificate key:');
  out(key);
}

/** `control-plane-prepare/download-certs`: decrypts kubeadm-certs with the certificate key into the PKI dir. */
export async function downloadCerts(kc, cluster, key) {
  const phase = 'error execution phase control-plane-prepare/download-certs: error downloading certs';
  const secret = await kc.getMaybe(resourcePath('secrets', 'kube-system', 'kubeadm-certs'));
  if (!secret) throw new Fatal(`${phase}: error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run \`kubeadm init phase upload-certs --upload-certs\` on a control plane to generate a new one`);
  if (!/^[0-9a-f]{64}$/.test(key ?? '')) throw new Fatal(`${phase}: error decoding certificate key: encoding/hex: invalid byte`);
  out('[download-certs] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace');
  const files = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) {
    const raw = Buffer.from(v, 'base64');
    try {
      const d = createDecipheriv('aes-256-gcm', Buffer.from(key, 'hex'), raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(raw.length - 16));
      files[k] = Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]);
    } catch {
      throw new Fatal(`${phase}: error decoding secret data with provided key: cipher: message authentication failed`);
    }
  }
  for (const f of SHARED_CERTS) {
    const v = files[secretKeyName(f)];
    if (v) writeFile(`${cluster.certificatesDir}/${f}`, v, f.endsWith('.key') ? 0o600 : 0o644);
  }
  const ext = cluster.etcd.external;
  if (ext) {
    // as kubeadm's copycerts: certificates 0644, keys 0600
    for (const [k, f] of [['external-etcd-ca.crt', ext.caFile], ['external-etcd.crt', ext.certFile], ['external-etcd.key', ext.keyFile]]) if (f && files[k]) writeFile(f, files[k], k.endsWith('.key') ? 0o600 : 0o644);
  }
}

/** `[mark-control-plane]`: labels and taints on this node. */
export async function markControlPlane(kc, init) {
  const name = init.nodeRegistration.name;
  out(`[mark-control-plane] Marking the node ${name} as control-plane by adding the labels: [node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]`);
  const taints = init.nodeRegistration.taints ?? [];
  out(`[mark-control-plane] Marking the node ${name} as control-plane by adding the taints [${taints.map((t) => `${t.key}:${t.effect}`).join(' ')}]`);
  await kc.patch(resourcePath('nodes', undefined, name), { metadata: { labels: { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' } }, spec: { taints } });
}

/** `[addons]`: CoreDNS (Deployment, 2 replicas) and kube-proxy (ConfigMap with the server, DaemonSet). */
export async function addons(kc, cluster, init) {
  const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, spec: { replicas: 2, selector: { matchLabels: { 'k8s-app': 'kube-dns' } }, template: { metadata: { labels: { 'k8s-app': 'kube-dns' } }, spec: { containers: [{ name: 'coredns', image: `${cluster.imageRepository}/coredns/coredns:v1.11.1` }] } } } };
  if (!(await kc.getMaybe(resourcePath('deployments', 'kube-system', 'coredns')))) await kc.post(resourcePath('deployments', 'kube-system'), dep);
  await kc.upsert(resourcePath('configmaps', 'kube-system'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: `.:53 {\n    errors\n    health\n    kubernetes ${cluster.networking.dnsDomain} in-addr.arpa ip6.arpa\n    forward . /etc/resolv.conf\n    cache 30\n}\n` } });
  out('[addons] Applied essential addon: CoreDNS');
  const kubeconfig = YAML.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ cluster: { 'certificate-authority': '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', server: clusterServer(cluster, init) }, name: 'default' }], contexts: [{ context: { cluster: 'default', namespace: 'default', user: 'default' }, name: 'default' }], 'current-context': 'default', users: [{ name: 'default', user: { tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' } }] });
  const config = YAML.stringify({ apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', kind: 'KubeProxyConfiguration', clientConnection: { kubeconfig: '/var/lib/kube-proxy/kubeconfig.conf' }, clusterCIDR: cluster.networking.podSubnet ?? '', mode: '' });
  if (!(await kc.getMaybe(resourcePath('configmaps', 'kube-system', 'kube-proxy')))) await kc.post(resourcePath('configmaps', 'kube-system'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { app: 'kube-proxy' } }, data: { 'config.conf': config, 'kubeconfig.conf': kubeconfig } });
  const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' } }, spec: { selector: { matchLabels: { 'k8s-app': 'kube-proxy' } }, template: { metadata: { labels: { 'k8s-app': 'kube-proxy' } }, spec: { containers: [{ name: 'kube-proxy', image: `${cluster.imageRepository}/kube-proxy:${cluster.kubernetesVersion}` }] } } } };
  const cur = await kc.getMaybe(resourcePath('daemonsets', 'kube-system', 'kube-proxy'));
  if (!cur) await kc.post(resourcePath('daemonsets', 'kube-system'), ds);
  else await kc.patch(resourcePath('daemonsets', 'kube-system', 'kube-proxy'), { spec: ds.spec });
  out('[addons] Applied essential addon: kube-proxy');
}

/** An etcd client over the local PKI (healthcheck-client) for the given client URLs. */
export function etcdClient(cluster, endpoints) {
  const d = `${cluster.certificatesDir}/etcd`;
  return new Etcd({ endpoints, ca: `${d}/ca.crt`, cert: `${d}/healthcheck-client.crt`, key: `${d}/healthcheck-client.key` });
}

/** The etcd client URLs of the stacked members, from the etcd mirror pods' annotation. */
export async function etcdEndpoints(kc) {
  const pods = await kc.get(`${resourcePath('pods', 'kube-system')}?labelSelector=component=etcd`);
  return pods.items.map((p) => p.metadata.annotations?.['kubeadm.kubernetes.io/etcd.advertise-client-urls']).filter(Boolean);
}

/** etcd's member list (via the gateway). */
export async function memberList(etcd) {
  const r = await etcd.call('/v3/cluster/member/list', {});
  return (r.members ?? []).map((m) => ({ id: m.ID, name: m.name ?? '', peerURLs: m.peerURLs ?? [], clientURLs: m.clientURLs ?? [] }));
}

/** Adds a member and returns the --initial-cluster value for it. */
export async function memberAdd(etcd, name, peerUrl) {
  const members = await memberList(etcd);
  if (!members.some((m) => m.peerURLs.includes(peerUrl))) {
    await etcd.call('/v3/cluster/member/add', { peerURLs: [peerUrl] });
  }
  const all = await memberList(etcd);
  return all.map((m) => `${m.name || (m.peerURLs.includes(peerUrl) ? name : '')}=${m.peerURLs[0]}`).filter((x) => !x.startsWith('=')).join(',');
}

/** Removes this node's member (kubeadm reset on a stacked control plane). */
export async function memberRemove(etcd, peerUrl) {
  const m = (await memberList(etcd)).find((x) => x.peerURLs.includes(peerUrl));
  if (m) await etcd.call('/v3/cluster/member/remove', { ID: m.id });
  return Boolean(m);
}
