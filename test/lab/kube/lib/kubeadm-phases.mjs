// kubeadm's phases that write files on the node: certificates, kubeconfigs, static pod manifests,
// the kubelet's configuration. Output lines are kubeadm's own.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Fatal, YAML, writeFile } from './common.mjs';
import { newCa, newCert, newSaKeys, readCert, certSans } from './pki.mjs';
import { makeKubeconfig, loadKubeconfig } from './client.mjs';
import { cidrHost, clusterServer, localServer, splitEndpoint, isIp } from './kubeadm-config.mjs';

const out = (s) => process.stdout.write(`${s}\n`);

/** The CA-shared files a control plane needs (what upload-certs carries). */
export const SHARED_CERTS = ['ca.crt', 'ca.key', 'sa.key', 'sa.pub', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'etcd/ca.crt', 'etcd/ca.key'];

function apiserverSans(cluster, init) {
  const dns = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${cluster.networking.dnsDomain}`, init.nodeRegistration.name];
  const ip = [cidrHost(cluster.networking.serviceSubnet), init.localAPIEndpoint.advertiseAddress];
  const ep = splitEndpoint(cluster.controlPlaneEndpoint);
  if (ep) (isIp(ep.host) ? ip : dns).push(ep.host);
  for (const s of cluster.apiServer.certSANs ?? []) (isIp(s) ? ip : dns).push(String(s));
  return { dns: [...new Set(dns)], ip: [...new Set(ip)] };
}

function etcdSans(cluster, init, kind) {
  const extra = (kind === 'server' ? cluster.etcd.local?.serverCertSANs : cluster.etcd.local?.peerCertSANs) ?? [];
  const dns = [init.nodeRegistration.name, 'localhost', ...extra.filter((s) => !isIp(s))];
  const ip = [init.localAPIEndpoint.advertiseAddress, '127.0.0.1', '0:0:0:0:0:0:0:1', ...extra.filter(isIp)];
  return { dns, ip };
}

/** The certificates kubeadm makes, in its order: [name, base, ca, spec]. */
function certList(cluster, init) {
  const d = cluster.certificatesDir;
  const local = !cluster.etcd.external;
  const list = [
    ['ca', `${d}/ca`, undefined, { cn: 'kubernetes' }],
    ['apiserver', `${d}/apiserver`, `${d}/ca`, { cn: 'kube-apiserver', usage: 'server', sans: apiserverSans(cluster, init) }],
    ['apiserver-kubelet-client', `${d}/apiserver-kubelet-client`, `${d}/ca`, { cn: 'kube-apiserver-kubelet-client', orgs: ['kubeadm:cluster-admins'], usage: 'client' }],
    ['front-proxy-ca', `${d}/front-proxy-ca`, undefined, { cn: 'front-proxy-ca' }],
    ['front-proxy-client', `${d}/front-proxy-client`, `${d}/front-proxy-ca`, { cn: 'front-proxy-client', usage: 'client' }],
  ];
  if (local) {
    list.push(
      ['etcd-ca', `${d}/etcd/ca`, undefined, { cn: 'etcd-ca' }],
      ['etcd-server', `${d}/etcd/server`, `${d}/etcd/ca`, { cn: init.nodeRegistration.name, usage: 'both', sans: etcdSans(cluster, init, 'server') }],
      ['etcd-peer', `${d}/etcd/peer`, `${d}/etcd/ca`, { cn: init.nodeRegistration.name, usage: 'both', sans: etcdSans(cluster, init, 'peer') }],
      ['etcd-healthcheck-client', `${d}/etcd/healthcheck-client`, `${d}/etcd/ca`, { cn: 'kube-etcd-healthcheck-client', usage: 'client' }],
      ['apiserver-etcd-client', `${d}/apiserver-etcd-client`, `${d}/etcd/ca`, { cn: 'kube-apiserver-etcd-client', usage: 'client' }],
    );
  }
  return list;
}

/** The names `kubeadm init phase certs` accepts. */
export function certPhaseNames(cluster, init) {
  return [...certList(cluster, init).map((c) => c[0]), 'sa'];
}

function describeSans(name, sans) {
  return `[certs] ${name} serving cert is signed for DNS names [${sans.dns.join(' ')}] and IPs [${sans.ip.join(' ')}]`;
}

/** `init phase certs NAME|all`: creates what is missing; an existing certificate is used as it is. */
export function phaseCerts(cluster, init, which = 'all') {
  const d = cluster.certificatesDir;
  out(`[certs] Using certificateDir folder "${d}"`);
  const list = certList(cluster, init).filter((c) => which === 'all' || c[0] === which);
  if (which !== 'all' && which !== 'sa' && !list.length) throw new Fatal(`unknown certificate "${which}"`);
  for (const [name, base, ca, spec] of list) {
    if (existsSync(`${base}.crt`) && existsSync(`${base}.key`)) {
      if (ca) {
        const c = readCert(`${base}.crt`);
        if (!c.verify(readCert(`${ca}.crt`).publicKey)) throw new Fatal(`error execution phase certs/${name}: [certs] certificate ${name} not signed by CA certificate ${ca.split('/').pop()}: crypto/rsa: verification error`);
      }
      out(ca ? `[certs] Using existing ${name} certificate and key on disk` : `[certs] Using existing ${name} certificate authority`);
      continue;
    }
    if (ca && !(existsSync(`${ca}.crt`) && existsSync(`${ca}.key`))) {
      if (existsSync(`${ca}.crt`)) throw new Fatal(`error execution phase certs/${name}: couldn't load CA certificate ${ca.split('/').pop()}: couldn't load the private key file ${ca}.key: open ${ca}.key: no such file or directory`);
      throw new Fatal(`error execution phase certs/${name}: couldn't load CA certificate ${ca.split('/').pop()}: couldn't load the certificate file ${ca}.crt: open ${ca}.crt: no such file or directory`);
    }
    if (ca) {
      out(`[certs] Generating "${name}" certificate and key`);
      newCert(base, ca, spec);
      if (spec.sans) out(describeSans(name, spec.sans));
    } else {
      out(`[certs] Generating "${name}" certificate and key`);
      newCa(base, spec.cn);
    }
  }
  if (which === 'all' || which === 'sa') {
    if (existsSync(join(d, 'sa.key'))) out('[certs] Using the existing "sa" key');
    else {
      out('[certs] Generating "sa" key and public key');
      newSaKeys(d);
    }
  }
}

/** Re-signs a certificate with its existing key (kubeadm certs renew). */
export function renewCert(cluster, init, name) {
  const c = certList(cluster, init).find((x) => x[0] === name);
  if (!c || !c[2]) return false;
  if (!existsSync(`${c[1]}.crt`)) return false;
  const current = readCert(`${c[1]}.crt`);
  const spec = { ...c[3], keepKey: true };
  if (spec.sans) spec.sans = certSans(current); // renew keeps the SANs the certificate has
  newCert(c[1], c[2], spec);
  return true;
}

/** Every certificate on disk with its expiry, for check-expiration. */
export function certsOnDisk(cluster, init) {
  return certList(cluster, init).filter((c) => existsSync(`${c[1]}.crt`)).map(([name, base, ca]) => ({ name, base, ca, cert: readCert(`${base}.crt`) }));
}

const KUBECONFIGS = {
  'admin.conf': (n) => ({ user: 'kubernetes-admin', cn: 'kubernetes-admin', orgs: ['kubeadm:cluster-admins'] }),
  'super-admin.conf': () => ({ user: 'kubernetes-super-admin', cn: 'kubernetes-super-admin', orgs: ['system:masters'] }),
  'kubelet.conf': (n) => ({ user: `system:node:${n}`, cn: `system:node:${n}`, orgs: ['system:nodes'] }),
  'controller-manager.conf': () => ({ user: 'system:kube-controller-manager', cn: 'system:kube-controller-manager', orgs: [], local: true }),
  'scheduler.conf': () => ({ user: 'system:kube-scheduler', cn: 'system:kube-scheduler', orgs: [], local: true }),
};

const PHASE_FILES = { admin: 'admin.conf', 'super-admin': 'super-admin.conf', kubelet: 'kubelet.conf', 'controller-manager': 'controller-manager.conf', scheduler: 'scheduler.conf' };

/** `init phase kubeconfig NAME|all`. */
export function phaseKubeconfig(cluster, init, which = 'all', dir = '/etc/kubernetes') {
  out(`[kubeconfig] Using kubeconfig folder "${dir}"`);
  const names = which === 'all' ? Object.keys(KUBECONFIGS) : [PHASE_FILES[which]];
  if (!names[0]) throw new Fatal(`invalid subcommand "${which}"`);
  for (const file of names) writeOneKubeconfig(cluster, init, file, dir);
}

/** Writes one of kubeadm's kubeconfigs; an existing one must match (CA and server), as kubeadm checks. */
export function writeOneKubeconfig(cluster, init, file, dir = '/etc/kubernetes') {
  const d = cluster.certificatesDir;
  const spec = KUBECONFIGS[file](init.nodeRegistration.name);
  const server = spec.local ? localServer(init) : clusterServer(cluster, init);
  const path = `${dir}/${file}`;
  const caPem = readFileSync(`${d}/ca.crt`, 'utf8');
  if (existsSync(path)) {
    const cur = loadKubeconfig(path);
    if (cur.ca?.trim() !== caPem.trim()) throw new Fatal(`error execution phase kubeconfig/${file.replace('.conf', '')}: a kubeconfig file "${path}" exists already but has got the wrong CA cert`);
    if (cur.server !== server) throw new Fatal(`error execution phase kubeconfig/${file.replace('.conf', '')}: a kubeconfig file "${path}" exists already but has an unexpected API Server URL: expected: ${server}, got: ${cur.server}`);
    out(`[kubeconfig] Using existing kubeconfig file: "${path}"`);
    return;
  }
  out(`[kubeconfig] Writing "${file}" kubeconfig file`);
  writeFile(path, clientKubeconfig(cluster, spec.cn, spec.orgs, server, spec.user), 0o600);
}

/** A kubeconfig with a fresh client certificate signed by the cluster CA. */
export function clientKubeconfig(cluster, cn, orgs, server, user = cn, days = 365) {
  const d = cluster.certificatesDir;
  const tmp = `/tmp/.lab-kc-${process.pid}-${Math.random().toString(36).slice(2)}`;
  newCert(tmp, `${d}/ca`, { cn, orgs, usage: 'client', days });
  const certPem = readFileSync(`${tmp}.crt`, 'utf8');
  const keyPem = readFileSync(`${tmp}.key`, 'utf8');
  for (const f of [`${tmp}.crt`, `${tmp}.key`]) rmSync(f, { force: true });
  return makeKubeconfig({ cluster: cluster.clusterName, server, caPem: readFileSync(`${d}/ca.crt`, 'utf8'), user, certPem, keyPem });
}

function image(cluster, name) {
  return `${cluster.imageRepository}/${name}:${cluster.kubernetesVersion}`;
}

function pod(name, img, command, extra = {}) {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...(extra.annotations ? { annotations: extra.annotations } : {}), labels: { component: name, tier: 'control-plane' }, name, namespace: 'kube-system' },
    spec: { containers: [{ command, image: img, imagePullPolicy: 'IfNotPresent', name }], hostNetwork: true, priority: 2000001000, priorityClassName: 'system-node-critical' },
    status: {},
  });
}

const argsOf = (m) => Object.entries(m).map(([k, v]) => `--${k}=${v}`);

/** `init phase etcd local`: the etcd static pod. `initialCluster` lists existing members for a join. */
export function etcdManifest(cluster, init, { initialCluster, legacyLocalhostPeer = false } = {}) {
  const ip = init.localAPIEndpoint.advertiseAddress;
  const name = init.nodeRegistration.name;
  const peerHost = legacyLocalhostPeer ? '127.0.0.1' : ip;
  const d = cluster.certificatesDir;
  const flags = {
    'advertise-client-urls': `https://${ip}:2379`,
    'cert-file': `${d}/etcd/server.crt`,
    'client-cert-auth': 'true',
    'data-dir': cluster.etcd.local.dataDir,
    'experimental-initial-corrupt-check': 'true',
    'initial-advertise-peer-urls': `https://${peerHost}:2380`,
    'initial-cluster': initialCluster ?? `${name}=https://${peerHost}:2380`,
    ...(initialCluster ? { 'initial-cluster-state': 'existing' } : {}),
    'key-file': `${d}/etcd/server.key`,
    'listen-client-urls': `https://127.0.0.1:2379,https://${ip}:2379`,
    'listen-metrics-urls': 'http://127.0.0.1:2381',
    'listen-peer-urls': `https://${peerHost}:2380`,
    name,
    'peer-cert-file': `${d}/etcd/peer.crt`,
    'peer-client-cert-auth': 'true',
    'peer-key-file': `${d}/etcd/peer.key`,
    'peer-trusted-ca-file': `${d}/etcd/ca.crt`,
    'snapshot-count': '10000',
    'trusted-ca-file': `${d}/etcd/ca.crt`,
    ...(cluster.etcd.local.extraArgs ?? {}),
  };
  delete flags['experimental-initial-corrupt-check']; // etcd 3.4 (the lab's) does not know it
  writeFile('/etc/kubernetes/manifests/etcd.yaml', pod('etcd', `${cluster.imageRepository}/etcd:3.5.15-0`, ['etcd', ...argsOf(flags)], { annotations: { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${ip}:2379` } }), 0o600);
}

/** `init phase control-plane all`: apiserver, controller-manager, scheduler manifests. */
export function controlPlaneManifests(cluster, init) {
  const ip = init.localAPIEndpoint.advertiseAddress;
  const d = cluster.certificatesDir;
  const ext = cluster.etcd.external;
  const etcdFlags = ext
    ? { 'etcd-servers': (ext.endpoints ?? []).join(','), ...(ext.caFile ? { 'etcd-cafile': ext.caFile } : {}), ...(ext.certFile ? { 'etcd-certfile': ext.certFile } : {}), ...(ext.keyFile ? { 'etcd-keyfile': ext.keyFile } : {}) }
    : { 'etcd-cafile': `${d}/etcd/ca.crt`, 'etcd-certfile': `${d}/apiserver-etcd-client.crt`, 'etcd-keyfile': `${d}/apiserver-etcd-client.key`, 'etcd-servers': 'https://127.0.0.1:2379' };
  const api = {
    'advertise-address': ip,
    'allow-privileged': 'true',
    'authorization-mode': 'Node,RBAC',
    'client-ca-file': `${d}/ca.crt`,
    'enable-admission-plugins': 'NodeRestriction',
    'enable-bootstrap-token-auth': 'true',
    ...etcdFlags,
    'kubelet-client-certificate': `${d}/apiserver-kubelet-client.crt`,
    'kubelet-client-key': `${d}/apiserver-kubelet-client.key`,
    'proxy-client-cert-file': `${d}/front-proxy-client.crt`,
    'proxy-client-key-file': `${d}/front-proxy-client.key`,
    'secure-port': String(init.localAPIEndpoint.bindPort),
    'service-account-issuer': `https://kubernetes.default.svc.${cluster.networking.dnsDomain}`,
    'service-account-key-file': `${d}/sa.pub`,
    'service-account-signing-key-file': `${d}/sa.key`,
    'service-cluster-ip-range': cluster.networking.serviceSubnet,
    'tls-cert-file': `${d}/apiserver.crt`,
    'tls-private-key-file': `${d}/apiserver.key`,
    ...(cluster.apiServer.extraArgs ?? {}),
  };
  writeFile('/etc/kubernetes/manifests/kube-apiserver.yaml', pod('kube-apiserver', image(cluster, 'kube-apiserver'), ['kube-apiserver', ...argsOf(api)], { annotations: { 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${ip}:${init.localAPIEndpoint.bindPort}` } }), 0o600);
  out('[control-plane] Creating static Pod manifest for "kube-apiserver"');
  const cm = { 'authentication-kubeconfig': '/etc/kubernetes/controller-manager.conf', 'authorization-kubeconfig': '/etc/kubernetes/controller-manager.conf', 'bind-address': '127.0.0.1', 'client-ca-file': `${d}/ca.crt`, 'cluster-name': cluster.clusterName, 'cluster-signing-cert-file': `${d}/ca.crt`, 'cluster-signing-key-file': `${d}/ca.key`, controllers: '*,bootstrapsigner,tokencleaner', kubeconfig: '/etc/kubernetes/controller-manager.conf', 'leader-elect': 'true', 'root-ca-file': `${d}/ca.crt`, 'service-account-private-key-file': `${d}/sa.key`, 'use-service-account-credentials': 'true', ...(cluster.networking.podSubnet ? { 'allocate-node-cidrs': 'true', 'cluster-cidr': cluster.networking.podSubnet } : {}), ...(cluster.controllerManager.extraArgs ?? {}) };
  writeFile('/etc/kubernetes/manifests/kube-controller-manager.yaml', pod('kube-controller-manager', image(cluster, 'kube-controller-manager'), ['kube-controller-manager', ...argsOf(cm)]), 0o600);
  out('[control-plane] Creating static Pod manifest for "kube-controller-manager"');
  const sch = { 'authentication-kubeconfig': '/etc/kubernetes/scheduler.conf', 'authorization-kubeconfig': '/etc/kubernetes/scheduler.conf', 'bind-address': '127.0.0.1', kubeconfig: '/etc/kubernetes/scheduler.conf', 'leader-elect': 'true', ...(cluster.scheduler.extraArgs ?? {}) };
  writeFile('/etc/kubernetes/manifests/kube-scheduler.yaml', pod('kube-scheduler', image(cluster, 'kube-scheduler'), ['kube-scheduler', ...argsOf(sch)]), 0o600);
  out('[control-plane] Creating static Pod manifest for "kube-scheduler"');
}

/** Rewrites the image tags of the control-plane manifests (kubeadm upgrade). */
export function retagManifests(version) {
  const dir = '/etc/kubernetes/manifests';
  for (const f of existsSync(dir) ? readdirSync(dir) : []) {
    if (!/^kube-(apiserver|controller-manager|scheduler)\.yaml$/.test(f)) continue;
    const p = join(dir, f);
    const t = readFileSync(p, 'utf8').replace(/(image: \S+?:)v[\d.]+/, `$1${version}`);
    writeFile(p, t, 0o600);
  }
}

/** The KubeletConfiguration kubeadm writes (and uploads as kubelet-config). */
export function kubeletConfig(cluster) {
  return YAML.stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: `${cluster.certificatesDir}/ca.crt` } },
    authorization: { mode: 'Webhook' },
    cgroupDriver: 'systemd',
    clusterDNS: [cidrHost(cluster.networking.serviceSubnet, 10)],
    clusterDomain: cluster.networking.dnsDomain,
    rotateCertificates: true,
    staticPodPath: '/etc/kubernetes/manifests',
  });
}

/** `[kubelet-start]`: flags file and config, then (re)starts the kubelet through systemctl. */
export async function kubeletStart(configText, init) {
  out('[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"');
  writeFile('/var/lib/kubelet/kubeadm-flags.env', `KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=${init.nodeRegistration.criSocket} --pod-infra-container-image=registry.k8s.io/pause:3.9${init.nodeRegistration.name ? ` --hostname-override=${init.nodeRegistration.name}` : ''}${init.nodeRegistration.kubeletExtraArgs ? ' ' + Object.entries(init.nodeRegistration.kubeletExtraArgs).map(([k, v]) => `--${k}=${v}`).join(' ') : ''}"\n`);
  out('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"');
  writeFile('/var/lib/kubelet/config.yaml', configText);
  out('[kubelet-start] Starting the kubelet');
  const r = spawnSync('systemctl', ['restart', 'kubelet'], { encoding: 'utf8' });
  if (r.status !== 0) out(`[kubelet-start] WARNING: unable to start the kubelet service: [${(r.stderr || r.error?.message || '').trim()}]`);
}
