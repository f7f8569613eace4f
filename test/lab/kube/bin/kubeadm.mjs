#!/usr/bin/env node
// The lab's kubeadm: init, join, token, certs, kubeconfig user, upgrade, reset and the init phases our
// playbooks call, with kubeadm's output, error messages and exit codes. The certificates, kubeconfigs,
// static pods and etcd membership it makes are real; see test/lab/README.md for what is simulated.
import { existsSync, readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { spawnSync } from 'node:child_process';
import { Fatal, main, parseFlags, flag, flagList, sleep, YAML, writeFile, readJson, parseDuration, nodeIp, nodeName, formatTable, podProcesses, signalRecorded } from '../lib/common.mjs';
import { KubeClient, loadKubeconfig, ApiError, ConnError, resourcePath, makeKubeconfig } from '../lib/client.mjs';
import { caCertHash, readCert, newKey, PKI } from '../lib/pki.mjs';
import * as cfgLib from '../lib/kubeadm-config.mjs';
import * as phases from '../lib/kubeadm-phases.mjs';
import * as cl from '../lib/kubeadm-cluster.mjs';
import { installedVersion } from '../lib/packages.mjs';

const out = (s = '') => process.stdout.write(`${s}\n`);
const WAIT_MS = Number(process.env.LAB_KUBEADM_WAIT_MS ?? 120000);
const DISCOVERY_MS = Number(process.env.LAB_DISCOVERY_TIMEOUT_MS ?? 10000);
const ADMIN = '/etc/kubernetes/admin.conf';
const BOOL_FLAGS = ['upload-certs', 'control-plane', 'print-join-command', 'force', 'f', 'yes', 'y', 'skip-token-print', 'discovery-token-unsafe-skip-ca-verification', 'dry-run', 'skip-certificate-key-print', 'certificate-renewal', 'etcd-upgrade', 'allow-experimental-upgrades', 'ignore-preflight-errors-all'];

const stack = '\nTo see the stack trace of this error execute with --v=5 or higher';

/** Resolves cluster + init configuration from --config, flags and defaults. */
async function resolveConfig(flags, { fromCluster = false, mixable = true } = {}) {
  if (mixable) cfgLib.checkMix(flags);
  const file = flag(flags, 'config') ? cfgLib.readConfigFile(flag(flags, 'config')) : {};
  let clusterDoc = file.ClusterConfiguration;
  if (!clusterDoc && fromCluster && existsSync(ADMIN)) {
    try {
      clusterDoc = await cl.downloadClusterConfig(adminClient());
    } catch {
      clusterDoc = undefined;
    }
  }
  const cluster = cfgLib.defaultCluster(clusterDoc ?? {});
  const initDoc = file.InitConfiguration ?? {};
  if (flag(flags, 'control-plane-endpoint')) cluster.controlPlaneEndpoint = flag(flags, 'control-plane-endpoint');
  if (flag(flags, 'pod-network-cidr')) cluster.networking.podSubnet = flag(flags, 'pod-network-cidr');
  if (flag(flags, 'service-cidr')) cluster.networking.serviceSubnet = flag(flags, 'service-cidr');
  if (flag(flags, 'kubernetes-version')) cluster.kubernetesVersion = flag(flags, 'kubernetes-version').replace(/^v?/, 'v');
  if (flag(flags, 'apiserver-cert-extra-sans')) cluster.apiServer.certSANs = flagList(flags, 'apiserver-cert-extra-sans');
  if (flag(flags, 'cert-dir')) cluster.certificatesDir = flag(flags, 'cert-dir');
  const init = await cfgLib.defaultInit({
    ...initDoc,
    localAPIEndpoint: { ...(initDoc.localAPIEndpoint ?? {}), ...(flag(flags, 'apiserver-advertise-address') ? { advertiseAddress: flag(flags, 'apiserver-advertise-address') } : {}), ...(flag(flags, 'apiserver-bind-port') ? { bindPort: Number(flag(flags, 'apiserver-bind-port')) } : {}) },
    nodeRegistration: { ...(initDoc.nodeRegistration ?? {}), ...(flag(flags, 'node-name') ? { name: flag(flags, 'node-name') } : {}) },
  });
  return { cluster, init, file };
}

// kubeadm's client for the cluster; retryMs > 0: a call whose connection fails is tried again meanwhile, as
// kubeadm's upgrade does (its API calls retry until their timeout)
function adminClient(path = ADMIN, retryMs = 0) {
  return new KubeClient(loadKubeconfig(path), { retryMs });
}

/** Preflight: errors unless ignored (--ignore-preflight-errors=a,b or all). */
function preflight(flags, checks, initDoc) {
  out('[preflight] Running pre-flight checks');
  const ignore = new Set([...flagList(flags, 'ignore-preflight-errors'), ...(initDoc?.nodeRegistration?.ignorePreflightErrors ?? [])].map((x) => x.toLowerCase()));
  const errors = [];
  for (const [name, fail, warnOnly] of checks) {
    if (!fail) continue;
    if (warnOnly || ignore.has('all') || ignore.has(name.toLowerCase())) process.stderr.write(`\t[WARNING ${name}]: ${fail}\n`);
    else errors.push(`\t[ERROR ${name}]: ${fail}`);
  }
  if (errors.length) throw new Fatal(`error execution phase preflight: [preflight] Some fatal errors occurred:\n${errors.join('\n')}\n[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`${stack}`);
}

async function portInUse(port, host = '0.0.0.0') {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(true));
    s.listen(port, host, () => s.close(() => resolve(false)));
  });
}

function dirNotEmpty(d) {
  return existsSync(d) && readdirSync(d).length > 0;
}

function swapOn() {
  return existsSync('/etc/lab-swap-on');
}

async function commonChecks(flags, { controlPlane, initDoc, externalEtcd = false }) {
  const checks = [
    ['IsPrivilegedUser', process.getuid?.() !== 0 ? 'user is not running as root' : undefined],
    ['Swap', swapOn() ? 'running with swap on is not supported. Please disable swap' : undefined],
    ['FileAvailable--etc-kubernetes-kubelet.conf', existsSync('/etc/kubernetes/kubelet.conf') && !controlPlane ? '/etc/kubernetes/kubelet.conf already exists' : undefined],
    ['FileExisting-kubelet', installedVersion('kubelet') ? undefined : 'kubelet not found in system path'],
    ['Service-Kubelet', spawnSync('systemctl', ['is-enabled', '-q', 'kubelet']).status === 0 ? undefined : "kubelet service is not enabled, please run 'systemctl enable kubelet.service'", true],
  ];
  if (controlPlane) {
    checks.push(
      ['Port-6443', (await portInUse(6443)) ? 'Port 6443 is in use' : undefined],
      ['FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml', existsSync('/etc/kubernetes/manifests/kube-apiserver.yaml') ? '/etc/kubernetes/manifests/kube-apiserver.yaml already exists' : undefined],
      ['FileAvailable--etc-kubernetes-manifests-etcd.yaml', existsSync('/etc/kubernetes/manifests/etcd.yaml') ? '/etc/kubernetes/manifests/etcd.yaml already exists' : undefined],
    );
    if (!externalEtcd) {
      checks.push(
        ['DirAvailable--var-lib-etcd', dirNotEmpty('/var/lib/etcd') ? '/var/lib/etcd is not empty' : undefined],
        ['Port-2379', (await portInUse(2379, '127.0.0.1')) ? 'Port 2379 is in use' : undefined],
        ['Port-2380', (await portInUse(2380, '127.0.0.1')) ? 'Port 2380 is in use' : undefined],
      );
    }
  }
  preflight(flags, checks, initDoc);
}

function versionSkew(cluster, flags) {
  const [, kMaj, kMin] = /^v(\d+)\.(\d+)/.exec(cfgLib.kubeadmVersion()) ?? [];
  const [, cMaj, cMin] = /^v(\d+)\.(\d+)/.exec(cluster.kubernetesVersion) ?? [];
  if (!cMaj) throw new Fatal(`couldn't parse Kubernetes version "${cluster.kubernetesVersion}"`);
  if (cMaj !== kMaj || Number(cMin) < Number(kMin) - 1) throw new Fatal(`this version of kubeadm only supports deploying clusters with the control plane version >= ${kMaj}.${Number(kMin) - 1}.0. Current version: ${cluster.kubernetesVersion}${stack}`);
  if (Number(cMin) > Number(kMin)) preflight(flags, [['KubernetesVersion', `Kubernetes version is greater than kubeadm version. Please consider to upgrade kubeadm. Kubernetes version: ${cluster.kubernetesVersion.slice(1)}. Kubeadm version: ${kMaj}.${kMin}.x`]]);
}

/** Waits until the local apiserver answers /healthz (the wait-control-plane phase). */
async function waitApiserver(init, server) {
  out(`[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests"`);
  const start = Date.now();
  const kc = new KubeClient(loadKubeconfig(ADMIN), { server: server ?? cfgLib.localServer(init), timeoutMs: 2000 });
  while (Date.now() - start < WAIT_MS) {
    try {
      await kc.get('/healthz');
      out(`[api-check] The API server is healthy after ${((Date.now() - start) / 1000).toFixed(3)}s`);
      return kc;
    } catch {
      await sleep(500);
    }
  }
  throw new Fatal(`[api-check] The API server is not healthy after ${WAIT_MS / 1000}s\n\nUnfortunately, an error has occurred:\n\tcontext deadline exceeded\n\nThis error is likely caused by:\n\t- The kubelet is not running\n\t- The kubelet is unhealthy due to a misconfiguration of the node in some way (required cgroups disabled)\nerror execution phase wait-control-plane: could not initialize a Kubernetes cluster${stack}`);
}

/** Retries an API call while the apiserver settles. */
async function retry(fn, ms = 30000) {
  const start = Date.now();
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() - start > ms || (e instanceof ApiError && e.status < 500 && e.status !== 404 && e.status !== 409 && e.status !== 401)) throw e;
      await sleep(500);
    }
  }
}

function joinCommand(endpoint, token, hash, cpKey) {
  return `kubeadm join ${endpoint} --token ${token} \\\n\t--discovery-token-ca-cert-hash ${hash}${cpKey ? ` \\\n\t--control-plane --certificate-key ${cpKey}` : ''}`;
}

function endpointOf(cluster, init) {
  return new URL(cfgLib.clusterServer(cluster, init)).host;
}

async function init(flags) {
  const { cluster, init: initCfg, file } = await resolveConfig(flags);
  versionSkew(cluster, flags);
  const skip = new Set([...flagList(flags, 'skip-phases'), ...(file.InitConfiguration?.skipPhases ?? [])]);
  out(`[init] Using Kubernetes version: ${cluster.kubernetesVersion}`);
  if (!skip.has('preflight')) await commonChecks(flags, { controlPlane: true, initDoc: file.InitConfiguration, externalEtcd: Boolean(cluster.etcd.external) });
  if (!skip.has('certs')) phases.phaseCerts(cluster, initCfg);
  if (!skip.has('kubeconfig')) phases.phaseKubeconfig(cluster, initCfg);
  if (!skip.has('etcd') && !cluster.etcd.external) {
    out(`[etcd] Creating static Pod manifest for local etcd in "/etc/kubernetes/manifests"`);
    phases.etcdManifest(cluster, initCfg, { legacyLocalhostPeer: process.env.LAB_LEGACY_ETCD === '1' });
  }
  if (!skip.has('control-plane')) {
    out('[control-plane] Using manifest folder "/etc/kubernetes/manifests"');
    phases.controlPlaneManifests(cluster, initCfg);
  }
  const kubeletText = phases.kubeletConfig(cluster);
  if (!skip.has('kubelet-start')) await phases.kubeletStart(kubeletText, initCfg);
  const kc = await waitApiserver(initCfg);
  await retry(() => cl.uploadConfig(kc, cluster));
  await retry(() => cl.uploadKubeletConfig(kc, kubeletText));
  let certKey;
  if (flags['upload-certs'] && !skip.has('upload-certs')) {
    certKey = flag(flags, 'certificate-key') ?? file.InitConfiguration?.certificateKey ?? cl.newCertificateKey();
    await retry(() => cl.uploadCerts(kc, cluster, certKey));
  } else out('[upload-certs] Skipping phase. Please see --upload-certs');
  // the kubelet registers the node; wait for it before marking it
  await retry(async () => {
    const n = await kc.getMaybe(resourcePath('nodes', undefined, initCfg.nodeRegistration.name));
    if (!n) throw new ApiError(503, { message: 'node not registered yet' });
  }, WAIT_MS);
  if (!skip.has('mark-control-plane')) await retry(() => cl.markControlPlane(kc, initCfg));
  const tokenCfg = file.InitConfiguration?.bootstrapTokens?.[0] ?? {};
  const token = flag(flags, 'token') ?? tokenCfg.token ?? cl.generateToken();
  const ttl = parseDuration(flag(flags, 'token-ttl') ?? tokenCfg.ttl ?? '24h');
  if (!skip.has('bootstrap-token')) {
    out(`[bootstrap-token] Using token: ${flags['skip-token-print'] ? '<value withheld>' : token}`);
    out('[bootstrap-token] Configured RBAC rules to allow Node Bootstrap tokens to get nodes');
    await retry(() => cl.createToken(kc, { token, ttlMs: ttl, description: tokenCfg.description ?? "The default bootstrap token generated by 'kubeadm init'." }));
    await retry(() => cl.publishClusterInfo(kc, cluster, initCfg));
  }
  if (!skip.has('addon')) await retry(() => cl.addons(kc, cluster, initCfg));
  const hash = caCertHash(readFileSync(`${cluster.certificatesDir}/ca.crt`));
  const ep = endpointOf(cluster, initCfg);
  out('\nYour Kubernetes control-plane has initialized successfully!\n');
  out('To start using your cluster, you need to run the following as a regular user:\n');
  out('  mkdir -p $HOME/.kube\n  sudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config\n  sudo chown $(id -u):$(id -g) $HOME/.kube/config\n');
  out('Alternatively, if you are the root user, you can run:\n\n  export KUBECONFIG=/etc/kubernetes/admin.conf\n');
  out('You should now deploy a pod network to the cluster.\nRun "kubectl apply -f [podnetwork].yaml" with one of the options listed at:\n  https://kubernetes.io/docs/concepts/cluster-administration/addons/\n');
  const shown = flags['skip-token-print'] ? '<value withheld>' : token;
  if (cluster.controlPlaneEndpoint) {
    out('You can now join any number of control-plane nodes running the following command on each as root:\n');
    out(`  ${joinCommand(ep, shown, hash, certKey && !flags['skip-certificate-key-print'] ? certKey : certKey ? '<value withheld>' : undefined).replace(/\n/g, '\n  ')}${certKey ? '' : ' \\\n\t--control-plane'}\n`);
    if (certKey) out('Please note that the certificate-key gives access to cluster sensitive data, keep it secret!\nAs a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use\n"kubeadm init phase upload-certs --upload-certs" to reload certs afterward.\n');
  }
  out('Then you can join any number of worker nodes by running the following on each as root:\n');
  out(joinCommand(ep, shown, hash));
  return 0;
}

/** Discovery: cluster-info via the endpoint, the token's JWS and the pinned CA. Returns the validated kubeconfig info. */
async function discover(endpoint, token, hashes, unsafe) {
  out('[preflight] Running pre-flight checks');
  if (!hashes.length && !unsafe) throw new Fatal(`error execution phase preflight: couldn't validate the identity of the API Server: using token-based discovery without caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in your kubeadm config file or pass --discovery-token-unsafe-skip-ca-verification flag to continue${stack}`);
  cl.checkToken(token);
  const id = token.split('.')[0];
  const insecure = new KubeClient({}, { server: `https://${endpoint}`, insecure: true, timeoutMs: 3000 });
  const start = Date.now();
  for (;;) {
    let why;
    try {
      const cm = await insecure.get(resourcePath('configmaps', 'kube-public', 'cluster-info'));
      const kubeconfig = cm.data?.kubeconfig;
      const sig = cm.data?.[`jws-kubeconfig-${id}`];
      if (!sig) why = `could not find a JWS signature in the cluster-info ConfigMap for token ID "${id}"`;
      else if (sig !== cl.jwsFor(kubeconfig, token)) why = `failed to verify JWS signature of received cluster info object, can't trust this API Server`;
      else {
        const doc = YAML.parse(kubeconfig);
        const c = doc.clusters[0].cluster;
        const caPem = Buffer.from(c['certificate-authority-data'], 'base64').toString();
        const got = caCertHash(caPem);
        if (!unsafe && !hashes.includes(got)) throw new Fatal(`error execution phase preflight: couldn't validate the identity of the API Server: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${got}" are pinned${stack}`);
        // the second, verified request through the endpoint: its certificate must match the name
        const secure = new KubeClient({ ca: caPem, token }, { server: `https://${endpoint}`, timeoutMs: 3000 });
        try {
          await secure.get(resourcePath('configmaps', 'kube-public', 'cluster-info'));
        } catch (e) {
          throw new Fatal(`error execution phase preflight: couldn't validate the identity of the API Server: ${e.message}${stack}`);
        }
        out(`[discovery] Cluster info signature and contents are valid and ${unsafe ? 'no TLS pinning was specified' : 'TLS certificate validates against pinned roots'}, will use API Server "${endpoint}"`);
        return { caPem, server: c.server };
      }
    } catch (e) {
      if (e instanceof Fatal) throw e;
      why = e instanceof ConnError ? `Get "https://${endpoint}/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s": ${e.message.replace(/^Get "[^"]*": /, '')}` : e.message;
    }
    if (Date.now() - start > DISCOVERY_MS) throw new Fatal(`error execution phase preflight: couldn't validate the identity of the API Server: ${why}${stack}`);
    await sleep(1000);
  }
}

async function join(flags, args) {
  const file = flag(flags, 'config') ? cfgLib.readConfigFile(flag(flags, 'config')) : {};
  cfgLib.checkMix(flags);
  const jc = file.JoinConfiguration ?? {};
  const bt = jc.discovery?.bootstrapToken ?? {};
  const endpoint = args[0] ?? bt.apiServerEndpoint;
  const token = flag(flags, 'token', 'discovery-token') ?? bt.token ?? jc.discovery?.tlsBootstrapToken;
  if (!endpoint) throw new Fatal(`discovery: Invalid value: "": bootstrapToken or file must be set${stack}`);
  if (!token) throw new Fatal(`discovery.bootstrapToken.token: Invalid value: "": the bootstrap token is invalid${stack}`);
  const hashes = [...flagList(flags, 'discovery-token-ca-cert-hash'), ...(bt.caCertHashes ?? [])];
  const unsafe = Boolean(flags['discovery-token-unsafe-skip-ca-verification'] ?? bt.unsafeSkipCAVerification);
  const controlPlane = Boolean(flags['control-plane'] ?? jc.controlPlane);
  const certKey = flag(flags, 'certificate-key') ?? jc.controlPlane?.certificateKey;
  const name = (flag(flags, 'node-name') ?? jc.nodeRegistration?.name ?? (await import('node:os')).hostname()).toLowerCase();
  const advertise = flag(flags, 'apiserver-advertise-address') ?? jc.controlPlane?.localAPIEndpoint?.advertiseAddress ?? (await nodeIp());
  const disc = await discover(endpoint, token, hashes, unsafe);
  const boot = new KubeClient({ ca: disc.caPem, token }, { server: `https://${endpoint}` });
  out('[preflight] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...');
  out("[preflight] Use 'kubeadm init phase upload-config --config your-config.yaml' to re-upload it.");
  const clusterDoc = await cl.downloadClusterConfig(boot);
  if (!clusterDoc) throw new Fatal(`error execution phase preflight: unable to fetch the kubeadm-config ConfigMap: failed to get config map: configmaps "kubeadm-config" not found${stack}`);
  const cluster = cfgLib.defaultCluster(clusterDoc);
  await commonChecks(flags, { controlPlane, initDoc: jc, externalEtcd: Boolean(cluster.etcd.external) });
  const initCfg = await cfgLib.defaultInit({ localAPIEndpoint: { advertiseAddress: advertise, bindPort: Number(flag(flags, 'apiserver-bind-port') ?? jc.controlPlane?.localAPIEndpoint?.bindPort ?? 6443) }, nodeRegistration: { ...(jc.nodeRegistration ?? {}), name } });
  const kubeletCm = await boot.getMaybe(resourcePath('configmaps', 'kube-system', 'kubelet-config'));
  const kubeletText = kubeletCm?.data?.kubelet ?? phases.kubeletConfig(cluster);
  if (controlPlane) {
    if (!cluster.controlPlaneEndpoint) throw new Fatal(`error execution phase preflight: \nOne or more conditions for hosting a new control plane instance is not satisfied.\n\nunable to add a new control plane instance to a cluster that doesn't have a stable controlPlaneEndpoint address\n\nPlease ensure that:\n* The cluster has a stable controlPlaneEndpoint address.\n* The certificates that must be shared among control plane instances are provided.\n\n${stack.trim()}`);
    out('[preflight] Running pre-flight checks before initializing the new control plane instance');
    if (certKey) await cl.downloadCerts(boot, cluster, certKey);
    else if (!existsSync(`${cluster.certificatesDir}/ca.key`)) throw new Fatal(`error execution phase control-plane-prepare/certs: error creating PKI assets: failure loading ca certificate: couldn't load the certificate file ${cluster.certificatesDir}/ca.crt: open ${cluster.certificatesDir}/ca.crt: no such file or directory${stack}`);
    phases.phaseCerts(cluster, initCfg);
    phases.phaseKubeconfig(cluster, initCfg);
    out('[control-plane] Using manifest folder "/etc/kubernetes/manifests"');
    phases.controlPlaneManifests(cluster, initCfg);
    out('[check-etcd] Checking that the etcd cluster is healthy');
    const admin = adminClient();
    if (!cluster.etcd.external) {
      const eps = await retryBriefly(() => cl.etcdEndpoints(admin));
      const etcd = cl.etcdClient(cluster, eps.length ? eps : [`https://${new URL(disc.server).hostname}:2379`]);
      // etcd refuses a new member while a recent one is still catching up: retry, as kubeadm does
      let initialCluster;
      const until = Date.now() + Number(process.env.LAB_ETCD_JOIN_MS ?? 60000);
      for (;;) {
        try {
          initialCluster = await cl.memberAdd(etcd, name, `https://${advertise}:2380`);
          break;
        } catch (e) {
          if (Date.now() > until) throw new Fatal(`error execution phase check-etcd: error syncing endpoints with etcd: ${e.message}${stack}`);
          await sleep(1000);
        }
      }
      out(`[etcd] Announced new etcd member joining to the existing etcd cluster`);
      out(`[etcd] Creating static Pod manifest for "etcd"`);
      phases.etcdManifest(cluster, initCfg, { initialCluster });
    }
    await phases.kubeletStart(kubeletText, initCfg);
    out('[etcd] Waiting for the new etcd member to join the cluster. This can take up to 40s');
    await waitApiserver(initCfg, cfgLib.localServer(initCfg));
    await retry(async () => {
      const n = await admin.getMaybe(resourcePath('nodes', undefined, name));
      if (!n) throw new ApiError(503, { message: 'node not registered yet' });
    }, WAIT_MS);
    await retry(() => cl.markControlPlane(admin, initCfg));
    out('\nThis node has joined the cluster and a new control plane instance was created:\n');
    out('* Certificate signing request was sent to apiserver and approval was received.\n* The Kubelet was informed of the new secure connection details.\n* Control plane label and taint were applied to the new node.\n* The Kubernetes control plane instances scaled up.\n* A new etcd member was added to the local/stacked etcd cluster.\n');
    out('To start administering your cluster from this node, you need to run the following as a regular user:\n\n\tmkdir -p $HOME/.kube\n\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config\n\tsudo chown $(id -u):$(id -g) $HOME/.kube/config\n\nRun \'kubectl get nodes\' to see this node join the cluster.');
    return 0;
  }
  // worker: TLS bootstrap through the bootstrap token; kubelet.conf gets cluster-info's server
  mkdirSync('/etc/kubernetes/pki', { recursive: true });
  writeFile('/etc/kubernetes/pki/ca.crt', disc.caPem);
  out('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"');
  const existing = await boot.getMaybe(resourcePath('nodes', undefined, name)).catch(() => undefined);
  if (existing && existing.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) throw new Fatal(`error execution phase kubelet-start: a Node with name "${name}" and status "Ready" already exists in the cluster. You must delete the existing Node or change the name of this new joining Node${stack}`);
  const keyPath = '/var/lib/kubelet/pki/kubelet-client.key';
  newKey(keyPath);
  const csr = spawnSync('openssl', ['req', '-new', '-key', keyPath, '-subj', `/O=system:nodes/CN=system:node:${name}`], { encoding: 'utf8' }).stdout;
  const created = await retry(() => boot.post(resourcePath('certificatesigningrequests'), { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { generateName: 'csr-' }, spec: { request: Buffer.from(csr).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] } }));
  const certPem = Buffer.from(created.status.certificate, 'base64').toString();
  writeFile('/var/lib/kubelet/pki/kubelet-client-current.pem', certPem + readFileSync(keyPath, 'utf8'), 0o600);
  rmSync(keyPath, { force: true });
  const kubeconfig = YAML.parse(makeKubeconfig({ cluster: 'default-cluster', server: disc.server, caPem: disc.caPem, user: 'default-auth', certPem: 'x', keyPem: 'x' }));
  kubeconfig.users[0].user = { 'client-certificate': '/var/lib/kubelet/pki/kubelet-client-current.pem', 'client-key': '/var/lib/kubelet/pki/kubelet-client-current.pem' };
  kubeconfig.contexts[0].name = 'default-context';
  kubeconfig['current-context'] = 'default-context';
  writeFile('/etc/kubernetes/kubelet.conf', YAML.stringify(kubeconfig), 0o600);
  await phases.kubeletStart(kubeletText, initCfg);
  out('[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. This can take up to 4m0s');
  out('[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap');
  const nodeClient = new KubeClient(loadKubeconfig('/etc/kubernetes/kubelet.conf'));
  await retry(async () => {
    const n = await nodeClient.getMaybe(resourcePath('nodes', undefined, name));
    if (!n) throw new ApiError(503, { message: 'node not registered yet' });
  }, WAIT_MS).catch((e) => {
    throw new Fatal(`error execution phase kubelet-start: timed out waiting for the condition: ${e.message}${stack}`);
  });
  out('\nThis node has joined the cluster:\n* Certificate signing request was sent to apiserver and a response was received.\n* The Kubelet was informed of the new secure connection details.\n\nRun \'kubectl get nodes\' on the control-plane to see this node join the cluster.');
  return 0;
}

async function retryBriefly(fn) {
  return retry(fn, 20000);
}

async function phase(flags, args) {
  const [what, sub = 'all'] = args;
  const { cluster, init: initCfg } = await resolveConfig(flags, { fromCluster: true });
  switch (what) {
    case 'certs':
      if (sub !== 'all' && !phases.certPhaseNames(cluster, initCfg).includes(sub)) throw new Fatal(`error: unknown command "${sub}" for "kubeadm init phase certs"`);
      phases.phaseCerts(cluster, initCfg, sub);
      return 0;
    case 'kubeconfig':
      phases.phaseKubeconfig(cluster, initCfg, sub, flag(flags, 'kubeconfig-dir') ?? '/etc/kubernetes');
      return 0;
    case 'upload-config': {
      const kc = adminClient();
      if (sub === 'all' || sub === 'kubeadm') await cl.uploadConfig(kc, cluster);
      if (sub === 'all' || sub === 'kubelet') await cl.uploadKubeletConfig(kc, phases.kubeletConfig(cluster));
      return 0;
    }
    case 'upload-certs': {
      if (!flags['upload-certs']) {
        out('[upload-certs] Skipping phase. Please see --upload-certs');
        return 0;
      }
      const key = flag(flags, 'certificate-key') ?? cl.newCertificateKey();
      await cl.uploadCerts(adminClient(), cluster, key);
      return 0;
    }
    case 'control-plane':
      phases.controlPlaneManifests(cluster, initCfg);
      return 0;
    case 'etcd':
      phases.etcdManifest(cluster, initCfg);
      return 0;
    case 'bootstrap-token':
      await cl.publishClusterInfo(adminClient(), cluster, initCfg);
      return 0;
    case 'addon':
      await cl.addons(adminClient(), cluster, initCfg);
      return 0;
    case 'mark-control-plane':
      await cl.markControlPlane(adminClient(), initCfg);
      return 0;
    default:
      throw new Fatal(`error: unknown command "${what}" for "kubeadm init phase"`);
  }
}

function ttlText(expires) {
  if (!expires) return '<forever>';
  const ms = Date.parse(expires) - Date.now();
  const h = Math.floor(ms / 3600e3);
  return h >= 1 ? `${h}h` : `${Math.max(0, Math.floor(ms / 60e3))}m`;
}

async function token(flags, args) {
  const [sub, ...rest] = args;
  const kc = adminClient(flag(flags, 'kubeconfig') ?? ADMIN);
  if (sub === 'generate') {
    out(cl.generateToken());
    return 0;
  }
  if (sub === 'create') {
    const t = rest[0] ?? cl.generateToken();
    cl.checkToken(t);
    const ttlMs = parseDuration(flag(flags, 'ttl') ?? '24h');
    const usages = flagList(flags, 'usages');
    const groups = flagList(flags, 'groups');
    await cl.createToken(kc, { token: t, ttlMs, description: flag(flags, 'description'), ...(usages.length ? { usages } : {}), ...(groups.length ? { groups } : {}) });
    if (flags['print-join-command']) {
      const cluster = cfgLib.defaultCluster((await cl.downloadClusterConfig(kc)) ?? {});
      const info = await kc.get(resourcePath('configmaps', 'kube-public', 'cluster-info'));
      const c = YAML.parse(info.data.kubeconfig).clusters[0].cluster;
      const hash = caCertHash(Buffer.from(c['certificate-authority-data'], 'base64').toString());
      const host = cluster.controlPlaneEndpoint || new URL(c.server).host;
      const key = flag(flags, 'certificate-key');
      out(`kubeadm join ${host} --token ${t} --discovery-token-ca-cert-hash ${hash}${key ? ` --control-plane --certificate-key ${key}` : ''} `);
    } else out(t);
    return 0;
  }
  if (sub === 'list') {
    const list = await cl.listTokens(kc);
    if (!list.length) return 0;
    const rows = [['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS'], ...list.map((t) => [t.token, ttlText(t.expires), t.expires ?? '<never>', t.usages.join(',') || '<none>', t.description || '<none>', t.groups || '<none>'])];
    out(formatTable(rows));
    return 0;
  }
  if (sub === 'delete') {
    if (!rest.length) throw new Fatal(`missing argument; 'token delete' is missing token of form "[a-z0-9]{6}" or "[a-z0-9]{6}\\.[a-z0-9]{16}"${stack}`);
    for (const t of rest) {
      const id = t.split('.')[0];
      try {
        await kc.delete(resourcePath('secrets', 'kube-system', `bootstrap-token-${id}`));
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) throw new Fatal(`failed to delete bootstrap token with id "${id}": secrets "bootstrap-token-${id}" not found${stack}`);
        throw e;
      }
      out(`bootstrap token "${id}" deleted`);
    }
    return 0;
  }
  throw new Fatal(`error: unknown command "${sub}" for "kubeadm token"`);
}

function fmtDate(d) {
  const m = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${m} ${String(d.getUTCDate()).padStart(2, '0')}, ${d.getUTCFullYear()} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;
}

async function certs(flags, args) {
  const [sub, which] = args;
  const { cluster, init: initCfg } = await resolveConfig(flags, { fromCluster: true });
  if (sub === 'certificate-key') {
    out(cl.newCertificateKey());
    return 0;
  }
  if (sub === 'check-expiration') {
    out('[check-expiration] Reading configuration from the cluster...');
    const list = phases.certsOnDisk(cluster, initCfg);
    const rows = [['CERTIFICATE', 'EXPIRES', 'RESIDUAL TIME', 'CERTIFICATE AUTHORITY', 'EXTERNALLY MANAGED']];
    const resid = (c) => {
      const days = Math.floor((Date.parse(c.validTo) - Date.now()) / 86400e3);
      return days >= 365 ? `${Math.floor(days / 365)}y` : days >= 0 ? `${days}d` : '<invalid>';
    };
    for (const f of ['admin.conf', 'super-admin.conf', 'controller-manager.conf', 'scheduler.conf']) {
      const p = `/etc/kubernetes/${f}`;
      if (!existsSync(p)) continue;
      const kc = loadKubeconfig(p);
      const { X509Certificate } = await import('node:crypto');
      const c = new X509Certificate(kc.cert);
      rows.push([f, fmtDate(new Date(c.validTo)), resid(c), 'ca', 'no']);
    }
    for (const c of list.filter((x) => x.ca)) rows.push([c.name, fmtDate(new Date(c.cert.validTo)), resid(c.cert), c.ca.endsWith('etcd/ca') ? 'etcd-ca' : c.ca.split('/').pop(), 'no']);
    out(formatTable(rows));
    out();
    const cas = [['CERTIFICATE AUTHORITY', 'EXPIRES', 'RESIDUAL TIME', 'EXTERNALLY MANAGED'], ...list.filter((x) => !x.ca).map((c) => [c.name, fmtDate(new Date(c.cert.validTo)), resid(c.cert), 'no'])];
    out(formatTable(cas));
    return 0;
  }
  if (sub === 'renew') {
    if (!which) throw new Fatal(`missing subcommand; "renew" is not meant to be run on its own${stack}`);
    const names = which === 'all' ? phases.certPhaseNames(cluster, initCfg).filter((n) => !n.endsWith('ca') && n !== 'sa') : [which];
    for (const n of names) {
      if (phases.renewCert(cluster, initCfg, n)) out(`certificate for ${n.replace(/-/g, ' ')} renewed`);
    }
    if (which === 'all') {
      for (const f of ['admin.conf', 'super-admin.conf', 'controller-manager.conf', 'scheduler.conf']) {
        const p = `/etc/kubernetes/${f}`;
        if (!existsSync(p)) continue;
        const cur = loadKubeconfig(p);
        const { X509Certificate } = await import('node:crypto');
        const c = new X509Certificate(cur.cert);
        const cn = /CN=([^\n]*)/.exec(c.subject)?.[1];
        const orgs = [...c.subject.matchAll(/O=([^\n]*)/g)].map((m) => m[1]);
        writeFile(p, phases.clientKubeconfig(cluster, cn, orgs, cur.server), 0o600);
        out(`certificate embedded in the kubeconfig file for the ${f === 'admin.conf' ? 'admin to use and for kubeadm itself' : f.replace('.conf', '')} renewed`);
      }
    }
    out('\nDone renewing certificates. You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd, so that they can use the new certificates.');
    return 0;
  }
  throw new Fatal(`error: unknown command "${sub}" for "kubeadm certs"`);
}

async function kubeconfigUser(flags) {
  // `kubeconfig user` takes --client-name, --org and --validity-period with --config (no mixing check)
  const { cluster, init: initCfg } = await resolveConfig(flags, { fromCluster: true, mixable: false });
  const name = flag(flags, 'client-name');
  if (!name) throw new Fatal(`required flag(s) "client-name" not set`);
  const days = Math.max(1, Math.round((parseDuration(flag(flags, 'validity-period') ?? '8760h') ?? 0) / 86400e3));
  process.stdout.write(phases.clientKubeconfig(cluster, name, flagList(flags, 'org'), cfgLib.clusterServer(cluster, initCfg), name, days));
  return 0;
}

/** Compares "v1.30.5"-style tags numerically. */
function compareTags(a, b) {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

const UPGRADE_RETRY_MS = 15000;

async function upgrade(flags, args) {
  const [sub, target] = args;
  // `upgrade node` on a worker reads the cluster's configuration with the kubelet's credentials, as kubeadm does
  const kc = sub === 'node' && !existsSync(ADMIN) ? adminClient('/etc/kubernetes/kubelet.conf', UPGRADE_RETRY_MS) : adminClient(ADMIN, UPGRADE_RETRY_MS);
  const cluster = cfgLib.defaultCluster((await cl.downloadClusterConfig(kc)) ?? {});
  const mine = cfgLib.kubeadmVersion();
  if (sub === 'plan') {
    out('[preflight] Running pre-flight checks.\n[upgrade/config] Reading configuration from the cluster...');
    out(`[upgrade] Running cluster health checks\n[upgrade] Fetching available versions to upgrade to\n[upgrade/versions] Cluster version: ${cluster.kubernetesVersion}\n[upgrade/versions] kubeadm version: ${mine}`);
    const t = (target ?? mine).replace(/^v?/, 'v');
    const minor = (v) => Number(v.split('.')[1]);
    if (minor(t) > minor(mine) || (minor(t) === minor(mine) && compareTags(t, mine) > 0)) throw new Fatal(`[upgrade/version] FATAL: the --version argument is invalid due to these errors:\n\n\t- Specified version to upgrade to "${t}" is higher than the kubeadm version "${mine}". Upgrade kubeadm first using the tool you used to install kubeadm${stack}`);
    if (minor(t) > minor(cluster.kubernetesVersion) + 1) throw new Fatal(`[upgrade/version] FATAL: the --version argument is invalid due to these errors:\n\n\t- Specified version to upgrade to "${t}" is too high; kubeadm can upgrade only 1 minor version at a time${stack}`);
    if (t === cluster.kubernetesVersion) out('\nAwesome, you\'re up-to-date! Enjoy!');
    else out(`\nUpgrade to the latest stable version:\n\nCOMPONENT                 NODE      CURRENT   TARGET\nkube-apiserver                      ${cluster.kubernetesVersion}   ${t}\n\nYou can now apply the upgrade by executing the following command:\n\n\tkubeadm upgrade apply ${t}\n`);
    return 0;
  }
  if (sub === 'apply') {
    const t = (target ?? '').replace(/^v?/, 'v');
    if (!/^v\d+\.\d+\.\d+$/.test(t)) throw new Fatal(`[upgrade/version] FATAL: the version argument is invalid due to these errors:\n\n\t- Specified version to upgrade to "${target ?? ''}" is an invalid version${stack}`);
    const [tMin, mMin, cMin] = [t, mine, cluster.kubernetesVersion].map((v) => Number(v.split('.')[1]));
    if (tMin >= mMin && compareTags(t, mine) > 0) throw new Fatal(`[upgrade/version] FATAL: the --version argument is invalid due to these errors:\n\n\t- Specified version to upgrade to "${t}" is higher than the kubeadm version "${mine}". Upgrade kubeadm first using the tool you used to install kubeadm${stack}`);
    if (tMin > cMin + 1) throw new Fatal(`[upgrade/version] FATAL: the --version argument is invalid due to these errors:\n\n\t- Specified version to upgrade to "${t}" is too high; kubeadm can upgrade only 1 minor version at a time${stack}`);
    out(`[upgrade/config] Making sure the configuration is correct:\n[upgrade/version] You have chosen to change the cluster version to "${t}"\n[upgrade/versions] Cluster version: ${cluster.kubernetesVersion}\n[upgrade/versions] kubeadm version: ${mine}`);
    cluster.kubernetesVersion = t;
    phases.retagManifests(t);
    await cl.uploadConfig(kc, cluster);
    await kc.patch(resourcePath('daemonsets', 'kube-system', 'kube-proxy'), { spec: { template: { spec: { containers: [{ name: 'kube-proxy', image: `${cluster.imageRepository}/kube-proxy:${t}` }] } } } }).catch(() => {});
    out(`[upgrade/staticpods] Component "kube-apiserver" upgraded successfully!\n[upgrade/staticpods] Component "kube-controller-manager" upgraded successfully!\n[upgrade/staticpods] Component "kube-scheduler" upgraded successfully!\n[upgrade/successful] SUCCESS! Your cluster was upgraded to "${t}". Enjoy!\n\n[upgrade/kubelet] Now that your control plane is upgraded, please proceed with upgrading your kubelets if you haven't already done so.`);
    return 0;
  }
  if (sub === 'node') {
    out('[upgrade] Reading configuration from the cluster...');
    if (compareTags(mine, cluster.kubernetesVersion) < 0) throw new Fatal(`[upgrade/version] FATAL: the cluster is at "${cluster.kubernetesVersion}" and this kubeadm is "${mine}": upgrade kubeadm first using the tool you used to install kubeadm${stack}`);
    if (existsSync('/etc/kubernetes/manifests/kube-apiserver.yaml')) {
      phases.retagManifests(cluster.kubernetesVersion);
      out(`[upgrade/staticpods] Component "kube-apiserver" upgraded successfully!`);
    } else out('[upgrade] Skipping phase. Not a control plane node.');
    out('[upgrade] The configuration for this node was successfully updated!\n[upgrade] Now you should go ahead and upgrade the kubelet package using your package manager.');
    return 0;
  }
  throw new Fatal(`error: unknown command "${sub}" for "kubeadm upgrade"`);
}

async function reset(flags) {
  if (!flags.force && !flags.f) throw new Fatal('[reset] WARNING: Changes made to this host by \'kubeadm init\' or \'kubeadm join\' will be reverted.\n[reset] Are you sure you want to proceed? [y/N]: error: won\'t proceed; the user didn\'t answer (Y|y) in order to continue');
  out("[preflight] Running pre-flight checks");
  const skip = new Set(flagList(flags, 'skip-phases'));
  for (const p of skip) if (!['preflight', 'remove-etcd-member', 'cleanup-node'].includes(p)) throw new Fatal(`error: invalid phase name: ${p}`);
  if (!skip.has('remove-etcd-member') && existsSync('/etc/kubernetes/manifests/etcd.yaml') && existsSync(ADMIN)) {
    // kubeadm asks the API for the etcd endpoints and removes the member with retries (an apiserver that
    // is restarting, a leader election in progress): a minute at most, then a warning and the reset goes on
    const until = Date.now() + 60_000;
    for (;;) {
      try {
        const kc = adminClient(ADMIN, UPGRADE_RETRY_MS);
        const cluster = cfgLib.defaultCluster((await cl.downloadClusterConfig(kc)) ?? {});
        const ip = await nodeIp();
        const eps = (await cl.etcdEndpoints(kc)).filter((e) => !e.includes(`//${ip}:`));
        if (eps.length) {
          await cl.memberRemove(cl.etcdClient(cluster, eps), `https://${ip}:2380`);
          out('[reset] Removing info for node from the etcd cluster');
        }
        break;
      } catch (e) {
        if (Date.now() < until) {
          await sleep(1000);
          continue;
        }
        process.stderr.write(`W [reset] Failed to remove etcd member: ${e.message}, please manually remove this etcd member using etcdctl\n`);
        break;
      }
    }
  }
  out('[reset] Stopping the kubelet service');
  spawnSync('systemctl', ['stop', 'kubelet']);
  out('[reset] Unmounting mounted directories in "/var/lib/kubelet"');
  // kubeadm removes every container the runtime lists, whatever the kubelet recorded
  const pods = [...Object.values(readJson('/var/lib/kubelet/lab-pods.json', {})).map((p) => ({ pid: p.pid, start: p.procStart })), ...podProcesses(await nodeName())];
  for (const p of pods) signalRecorded(p.pid, p.start, 'SIGKILL');
  out('[reset] Deleting contents of directories: [/etc/kubernetes/manifests /var/lib/kubelet /etc/kubernetes/pki]');
  for (const d of ['/etc/kubernetes/manifests', '/var/lib/kubelet', PKI]) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) rmSync(`${d}/${f}`, { recursive: true, force: true });
  }
  out('[reset] Deleting files: [/etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf /etc/kubernetes/kubelet.conf /etc/kubernetes/bootstrap-kubelet.conf /etc/kubernetes/controller-manager.conf /etc/kubernetes/scheduler.conf]');
  for (const f of ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'bootstrap-kubelet.conf', 'controller-manager.conf', 'scheduler.conf']) rmSync(`/etc/kubernetes/${f}`, { force: true });
  if (existsSync('/var/lib/etcd')) for (const f of readdirSync('/var/lib/etcd')) rmSync(`/var/lib/etcd/${f}`, { recursive: true, force: true });
  out('\nThe reset process does not clean CNI configuration. To do so, you must remove /etc/cni/net.d\n\nThe reset process does not reset or clean up iptables rules or IPVS tables.\n\nThe reset process does not clean your kubeconfig files and you must remove them manually.\nPlease, check the contents of the $HOME/.kube/config file.');
  return 0;
}

// kubeadm's images for a version, from its constants: etcd, CoreDNS and pause follow the minor version
const IMAGE_VERSIONS = { 29: ['3.5.10-0', 'v1.11.1', '3.9'], 30: ['3.5.15-0', 'v1.11.3', '3.9'], 31: ['3.5.15-0', 'v1.11.3', '3.10'] };

// config images list [--kubernetes-version vX.Y.Z] [--image-repository R]: one image per line
function imagesList(flags) {
  const raw = String(flag(flags, 'kubernetes-version') ?? cfgLib.kubeadmVersion());
  const m = /^v?(1)\.(\d+)\.(\d+)$/.exec(raw);
  if (!m) throw new Fatal(`could not convert cfg to an internal cfg: couldn't parse Kubernetes version "${raw}"`);
  const v = `v${m[1]}.${m[2]}.${m[3]}`;
  const [etcd, coredns, pause] = IMAGE_VERSIONS[Number(m[2])] ?? IMAGE_VERSIONS[31];
  const repo = flag(flags, 'image-repository') ?? 'registry.k8s.io';
  const names = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'].map((n) => `${repo}/${n}:${v}`);
  process.stdout.write([...names, `${repo}/coredns/coredns:${coredns}`, `${repo}/pause:${pause}`, `${repo}/etcd:${etcd}`].join('\n') + '\n');
  return 0;
}

function version(flags) {
  const v = cfgLib.kubeadmVersion();
  const o = flag(flags, 'output', 'o');
  if (o === 'short') out(v);
  else if (o === 'json') out(JSON.stringify({ clientVersion: { major: v.split('.')[0].slice(1), minor: v.split('.')[1], gitVersion: v, gitTreeState: 'clean', goVersion: 'go1.22.5', compiler: 'gc', platform: 'linux/amd64' } }, null, 2));
  else out(`kubeadm version: &version.Info{Major:"${v.split('.')[0].slice(1)}", Minor:"${v.split('.')[1]}", GitVersion:"${v}", GitCommit:"lab", GitTreeState:"clean", GoVersion:"go1.22.5", Compiler:"gc", Platform:"linux/amd64"}`);
  return 0;
}

await main(async () => {
  const argv = process.argv.slice(2);
  const { flags, args } = parseFlags(argv, BOOL_FLAGS);
  const [cmd, ...rest] = args;
  if (flags.help || flags.h) {
    out('Usage:\n  kubeadm [command]\n\nAvailable Commands:\n  certs, config, init, join, kubeconfig, reset, token, upgrade, version');
    return 0;
  }
  switch (cmd) {
    case 'version':
      return version(flags);
    case 'init':
      if (rest[0] === 'phase') return phase(flags, rest.slice(1));
      return init(flags);
    case 'join':
      return join(flags, rest);
    case 'token':
      return token(flags, rest);
    case 'certs':
      return certs(flags, rest);
    case 'kubeconfig':
      if (rest[0] !== 'user') throw new Fatal(`error: unknown command "${rest[0] ?? ''}" for "kubeadm kubeconfig"`);
      return kubeconfigUser(flags);
    case 'upgrade':
      return upgrade(flags, rest);
    case 'reset':
      return reset(flags);
    case 'config':
      if (rest[0] === 'print' && rest[1] === 'init-defaults') {
        const { cluster, init: i } = await resolveConfig({});
        process.stdout.write(`${YAML.stringify(i)}---\n${YAML.stringify(cluster)}`);
        return 0;
      }
      if (rest[0] === 'images' && rest[1] === 'list') return imagesList(flags);
      throw new Fatal(`error: unknown command "${rest.join(' ')}" for "kubeadm config"`);
    default:
      throw new Fatal(`unknown command "${cmd ?? ''}" for "kubeadm"\nRun 'kubeadm --help' for usage.`);
  }
});
