#!/usr/bin/env node
// The lab's kube-apiserver: HTTPS on --secure-port with the real certificate from the manifest,
// client certificates checked against --client-ca-file, bootstrap tokens, service account tokens (bound,
// expiring JWTs signed with the --service-account-signing-key-file, as TokenRequest gives), a small RBAC, and the
// objects kept as JSON in etcd (--etcd-servers over mTLS), so every control plane sees one cluster.
import https from 'node:https';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createPublicKey, randomUUID, sign as rsaSign, verify as rsaVerify, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseFlags, flag, rfc3339 } from '../lib/common.mjs';
import { Etcd } from '../lib/etcd.mjs';
import { certCn, certOrgs } from '../lib/pki.mjs';
import { jwsFor } from '../lib/kubeadm-cluster.mjs';

const { flags } = parseFlags(process.argv.slice(2), ['allow-privileged', 'enable-bootstrap-token-auth']);
const port = Number(flag(flags, 'secure-port') ?? 6443);
const version = (process.env.LAB_IMAGE ?? '').split(':')[1] ?? 'v1.30.5';
const etcd = new Etcd({ endpoints: String(flag(flags, 'etcd-servers') ?? 'https://127.0.0.1:2379').split(','), ca: flag(flags, 'etcd-cafile'), cert: flag(flags, 'etcd-certfile'), key: flag(flags, 'etcd-keyfile') });
const caFile = flag(flags, 'client-ca-file');
const caKeyFile = caFile?.replace(/\.crt$/, '.key');
const NODE_GRACE_MS = Number(process.env.LAB_NODE_GRACE_MS ?? 20000);
const log = (m) => process.stderr.write(`${new Date().toISOString()} kube-apiserver: ${m}\n`);

const CLUSTER_SCOPED = new Set(['nodes', 'namespaces', 'certificatesigningrequests']);
const KINDS = { pods: 'Pod', nodes: 'Node', configmaps: 'ConfigMap', secrets: 'Secret', namespaces: 'Namespace', services: 'Service', endpoints: 'Endpoints', deployments: 'Deployment', daemonsets: 'DaemonSet', leases: 'Lease', certificatesigningrequests: 'CertificateSigningRequest', serviceaccounts: 'ServiceAccount', poddisruptionbudgets: 'PodDisruptionBudget' };
const GROUPS = { deployments: 'apps/v1', daemonsets: 'apps/v1', leases: 'coordination.k8s.io/v1', certificatesigningrequests: 'certificates.k8s.io/v1', poddisruptionbudgets: 'policy/v1' };

class HttpError extends Error {
  constructor(code, reason, message) {
    super(message);
    this.code = code;
    this.reason = reason;
  }
}

function status(code, reason, message) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

const keyOf = (resource, ns, name) => `/registry/${resource}/${CLUSTER_SCOPED.has(resource) || !ns ? '' : `${ns}/`}${name ?? ''}`;

// --- "controllers" that act on read: the token cleaner, garbage collection, node lifecycle ---
function b64d(s) {
  return Buffer.from(s ?? '', 'base64').toString();
}

function tokenExpired(secret) {
  const exp = b64d(secret?.data?.expiration);
  return exp !== '' && Date.parse(exp) < Date.now();
}

async function visible(resource, obj) {
  if (resource === 'secrets' && obj.type === 'bootstrap.kubernetes.io/token' && tokenExpired(obj)) {
    await etcd.del(keyOf('secrets', obj.metadata.namespace, obj.metadata.name)); // the token cleaner
    return false;
  }
  for (const ref of obj.metadata.ownerReferences ?? []) {
    if (ref.kind === 'Secret') {
      const owner = await etcd.get(keyOf('secrets', obj.metadata.namespace, ref.name));
      const o = owner && JSON.parse(owner.value);
      if (!o || o.metadata.uid !== ref.uid || tokenExpired(o)) {
        await etcd.del(keyOf(resource, obj.metadata.namespace, obj.metadata.name)); // garbage collector
        return false;
      }
    }
  }
  return true;
}

function decorate(resource, obj, modRevision) {
  obj.metadata.resourceVersion = String(modRevision);
  obj.kind = KINDS[resource] ?? obj.kind;
  obj.apiVersion = GROUPS[resource] ?? obj.apiVersion ?? 'v1';
  if (resource === 'nodes') {
    // the node lifecycle controller: no heartbeat within the grace period -> Unknown
    const ready = (obj.status?.conditions ?? []).find((c) => c.type === 'Ready');
    if (ready && Date.now() - Date.parse(ready.lastHeartbeatTime) > NODE_GRACE_MS && ready.status !== 'Unknown') {
      Object.assign(ready, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    }
  }
  return obj;
}

// the disruption controller: a budget's status from the pods its selector matches (Ready ones are healthy)
async function budgetStatus(pdb) {
  const want = pdb.spec?.selector?.matchLabels ?? {};
  const { items } = await etcd.list(`/registry/pods/${pdb.metadata.namespace}/`);
  const pods = items.map((kv) => JSON.parse(kv.value)).filter((p) => Object.entries(want).every(([k, v]) => p.metadata.labels?.[k] === v));
  const healthy = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  const count = (v) => (typeof v === 'string' && v.endsWith('%') ? Math.ceil((pods.length * Number(v.slice(0, -1))) / 100) : Number(v));
  const desired = pdb.spec?.minAvailable !== undefined ? count(pdb.spec.minAvailable) : pods.length - count(pdb.spec?.maxUnavailable ?? 0);
  pdb.status = { currentHealthy: healthy, desiredHealthy: desired, expectedPods: pods.length, disruptionsAllowed: Math.max(0, healthy - desired), observedGeneration: pdb.metadata.generation ?? 1 };
  return pdb;
}

async function readObj(resource, ns, name) {
  const kv = await etcd.get(keyOf(resource, ns, name));
  if (!kv) return undefined;
  const obj = JSON.parse(kv.value);
  if (!(await visible(resource, obj))) return undefined;
  if (resource === 'configmaps' && ns === 'kube-public' && name === 'cluster-info' && obj.data?.kubeconfig) await signClusterInfo(obj);
  if (resource === 'poddisruptionbudgets') await budgetStatus(obj);
  return { obj: decorate(resource, obj, kv.modRevision), rev: kv.modRevision };
}

// the bootstrap signer: a detached JWS of cluster-info's kubeconfig per valid signing token
async function signClusterInfo(obj) {
  for (const k of Object.keys(obj.data)) if (k.startsWith('jws-kubeconfig-')) delete obj.data[k];
  const { items } = await etcd.list('/registry/secrets/kube-system/bootstrap-token-');
  for (const kv of items) {
    const s = JSON.parse(kv.value);
    if (tokenExpired(s) || b64d(s.data?.['usage-bootstrap-signing']) !== 'true') continue;
    const token = `${b64d(s.data['token-id'])}.${b64d(s.data['token-secret'])}`;
    obj.data[`jws-kubeconfig-${b64d(s.data['token-id'])}`] = jwsFor(obj.data.kubeconfig, token);
  }
}

function notFound(resource, name) {
  const group = (GROUPS[resource] ?? 'v1').includes('/') ? `.${GROUPS[resource].split('/')[0]}` : '';
  return new HttpError(404, 'NotFound', `${resource}${group} "${name}" not found`);
}

// --- selectors ---
function matchLabels(labels = {}, selector) {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const t = term.trim();
    let m;
    if ((m = /^([^!=]+)!=(.*)$/.exec(t))) return labels[m[1]] !== m[2];
    if ((m = /^([^!=]+)==?(.*)$/.exec(t))) return labels[m[1]] === m[2];
    if ((m = /^([^\s]+)\s+in\s+\((.*)\)$/.exec(t))) return m[2].split(/\s*,\s*/).includes(labels[m[1]]);
    if (t.startsWith('!')) return !(t.slice(1) in labels);
    return t in labels;
  });
}

function fieldValue(obj, path) {
  return path.split('.').reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), obj);
}

function matchFields(obj, selector) {
  if (!selector) return true;
  return selector.split(',').every((t) => {
    const neg = t.includes('!=');
    const [k, v] = t.split(neg ? '!=' : /==?/);
    const have = String(fieldValue(obj, k) ?? '');
    return neg ? have !== v : have === v;
  });
}

// --- patching ---
function mergePatch(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function jsonPatch(doc, ops) {
  const out = structuredClone(doc);
  for (const op of ops) {
    const parts = op.path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop();
    let parent = out;
    for (const p of parts) {
      if (parent[p] === undefined) throw new HttpError(422, 'Invalid', `jsonpatch ${op.op} operation does not apply: doc is missing path: "${op.path}"`);
      parent = parent[p];
    }
    if (op.op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (op.op === 'add' || op.op === 'replace') {
      if (op.op === 'replace' && !(last in parent)) throw new HttpError(422, 'Invalid', `jsonpatch replace operation does not apply: doc is missing key: ${op.path}`);
      if (Array.isArray(parent)) {
        if (last === '-') parent.push(op.value);
        else if (op.op === 'add') parent.splice(Number(last), 0, op.value);
        else parent[Number(last)] = op.value;
      } else parent[last] = op.value;
    } else if (op.op === 'test') {
      if (JSON.stringify(parent[last]) !== JSON.stringify(op.value)) throw new HttpError(422, 'Invalid', `testing value ${op.path} failed`);
    }
  }
  return out;
}

// --- service account tokens (TokenRequest): RS256 JWTs bound to the account's uid ---
const saIssuer = String(flag(flags, 'service-account-issuer') ?? 'https://kubernetes.default.svc.cluster.local');
const b64url = (b) => Buffer.from(b).toString('base64url');

function issueToken(sa, seconds) {
  const now = Math.floor(Date.now() / 1000);
  const { name, namespace, uid } = sa.metadata;
  const claims = { aud: [saIssuer], exp: now + seconds, iat: now, nbf: now, iss: saIssuer, 'kubernetes.io': { namespace, serviceaccount: { name, uid } }, sub: `system:serviceaccount:${namespace}:${name}` };
  const data = `${b64url(JSON.stringify({ alg: 'RS256', kid: 'lab' }))}.${b64url(JSON.stringify(claims))}`;
  const sig = rsaSign('sha256', Buffer.from(data), readFileSync(String(flag(flags, 'service-account-signing-key-file'))));
  return { token: `${data}.${b64url(sig)}`, expirationTimestamp: new Date((now + seconds) * 1000).toISOString().replace(/\.\d+Z$/, 'Z') };
}

// the account a token names, when its signature, lifetime and account (same uid: deleted means revoked) hold
async function tokenAccount(token) {
  const [h, c, sig] = token.split('.');
  const key = createPublicKey(readFileSync(String(flag(flags, 'service-account-key-file'))));
  if (!sig || !rsaVerify('sha256', Buffer.from(`${h}.${c}`), key, Buffer.from(sig, 'base64url'))) return undefined;
  const claims = JSON.parse(Buffer.from(c, 'base64url').toString());
  if (claims.iss !== saIssuer || claims.exp * 1000 < Date.now()) return undefined;
  const { namespace, serviceaccount } = claims['kubernetes.io'] ?? {};
  const sa = await readObj('serviceaccounts', namespace, serviceaccount?.name);
  return sa && sa.obj.metadata.uid === serviceaccount.uid ? sa.obj : undefined;
}

// whether a ClusterRoleBinding gives the account the cluster-admin ClusterRole (the one role the lab's RBAC knows)
async function boundToClusterAdmin(ns, name) {
  const { items } = await etcd.list('/registry/clusterrolebindings/');
  return items.map((kv) => JSON.parse(kv.value)).some((b) => b.roleRef?.kind === 'ClusterRole' && b.roleRef?.name === 'cluster-admin' && (b.subjects ?? []).some((x) => x.kind === 'ServiceAccount' && x.name === name && (x.namespace ?? 'default') === ns));
}

// --- authentication and authorisation ---
async function authenticate(req) {
  const peer = req.socket.getPeerCertificate?.();
  if (peer && peer.raw && req.socket.authorized) {
    const c = new X509Certificate(peer.raw);
    return { user: certCn(c), groups: certOrgs(c) };
  }
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer ([a-z0-9]{6})\.([a-z0-9]{16})$/.exec(auth);
  if (m) {
    const s = await readObj('secrets', 'kube-system', `bootstrap-token-${m[1]}`);
    if (!s || b64d(s.obj.data?.['token-secret']) !== m[2] || b64d(s.obj.data?.['usage-bootstrap-authentication']) !== 'true') throw new HttpError(401, 'Unauthorized', 'Unauthorized');
    const extra = b64d(s.obj.data?.['auth-extra-groups']).split(',').filter(Boolean);
    return { user: `system:bootstrap:${m[1]}`, groups: ['system:bootstrappers', ...extra] };
  }
  const jwt = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(auth);
  if (jwt) {
    const sa = await tokenAccount(jwt[1]).catch(() => undefined);
    if (!sa) throw new HttpError(401, 'Unauthorized', 'Unauthorized');
    const { name, namespace } = sa.metadata;
    return { user: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'], clusterAdmin: await boundToClusterAdmin(namespace, name) };
  }
  if (auth) throw new HttpError(401, 'Unauthorized', 'Unauthorized');
  return { user: 'system:anonymous', groups: ['system:unauthenticated'] };
}

function allowed(who, verb, resource, ns, name) {
  const g = who.groups;
  if (g.includes('system:masters') || g.includes('kubeadm:cluster-admins') || who.clusterAdmin) return true;
  if (['system:kube-controller-manager', 'system:kube-scheduler', 'kube-apiserver-kubelet-client'].includes(who.user)) return true;
  if (g.includes('system:nodes')) return verb === 'get' || verb === 'list' || ['nodes', 'pods', 'leases', 'certificatesigningrequests'].includes(resource);
  if (g.includes('system:bootstrappers')) {
    if (resource === 'certificatesigningrequests') return true;
    if (resource === 'configmaps' && verb === 'get') return true;
    if (resource === 'nodes' && verb === 'get') return true;
    if (resource === 'secrets' && verb === 'get' && name === 'kubeadm-certs') return true;
    return false;
  }
  return resource === 'configmaps' && ns === 'kube-public' && name === 'cluster-info' && verb === 'get';
}

// --- the CSR signer (kube-controller-manager's csrsigning, with auto-approval) ---
function signCsr(csrPem, usages) {
  const dir = mkdtempSync(join(tmpdir(), 'lab-csr-'));
  try {
    writeFileSync(join(dir, 'csr.pem'), csrPem);
    writeFileSync(join(dir, 'ext'), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=${usages.includes('server auth') ? 'serverAuth' : 'clientAuth'}\n`);
    return execFileSync('openssl', ['x509', '-req', '-in', join(dir, 'csr.pem'), '-CA', caFile, '-CAkey', caKeyFile, '-set_serial', `0x${randomUUID().replace(/-/g, '').slice(0, 16)}`, '-days', '365', '-sha256', '-extfile', join(dir, 'ext')], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- request routing ---
function route(path) {
  const p = path.split('/').filter(Boolean);
  let rest;
  let gv;
  if (p[0] === 'api' && p[1] === 'v1') [gv, rest] = ['v1', p.slice(2)];
  else if (p[0] === 'apis' && p.length >= 4) [gv, rest] = [`${p[1]}/${p[2]}`, p.slice(3)];
  else return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) return { gv, ns: rest[1], resource: rest[2], name: rest[3], sub: rest[4] };
  return { gv, ns: undefined, resource: rest[0], name: rest[1], sub: rest[2] };
}

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const t = Buffer.concat(chunks).toString();
  if (!t) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    throw new HttpError(400, 'BadRequest', 'the request body is not valid JSON');
  }
}

async function store(resource, obj, expect) {
  const rev = await etcd.put(keyOf(resource, obj.metadata.namespace, obj.metadata.name), JSON.stringify(obj), expect);
  if (rev === undefined) {
    if (expect === 0) throw new HttpError(409, 'AlreadyExists', `${resource} "${obj.metadata.name}" already exists`);
    throw new HttpError(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
  }
  return decorate(resource, obj, rev);
}

async function handleApi(req, url, who) {
  const r = route(url.pathname);
  if (!r || !r.resource) throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
  const { resource, sub } = r;
  if (GROUPS[resource] && GROUPS[resource] !== r.gv) throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
  const namespaced = KINDS[resource] ? !CLUSTER_SCOPED.has(resource) : r.ns !== undefined;
  const ns = namespaced ? r.ns ?? (req.method === 'POST' ? 'default' : undefined) : undefined;
  const verb = { GET: r.name ? 'get' : 'list', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[req.method];
  if (!allowed(who, verb, resource, ns, r.name)) {
    const scope = ns ? `in the namespace "${ns}"` : 'at the cluster scope';
    throw new HttpError(403, 'Forbidden', `${resource}${r.name ? ` "${r.name}"` : ''} is forbidden: User "${who.user}" cannot ${verb} resource "${resource}" in API group "${(GROUPS[resource] ?? '').split('/')[0] ?? ''}" ${scope}`);
  }
  if (req.method === 'GET' && !r.name) {
    const prefix = ns ? `/registry/${resource}/${ns}/` : `/registry/${resource}/`;
    const { items, revision } = await etcd.list(prefix);
    const out = [];
    for (const kv of items) {
      const o = JSON.parse(kv.value);
      if (!(await visible(resource, o))) continue;
      if (resource === 'poddisruptionbudgets') await budgetStatus(o);
      decorate(resource, o, kv.modRevision);
      if (matchLabels(o.metadata.labels, url.searchParams.get('labelSelector')) && matchFields(o, url.searchParams.get('fieldSelector'))) out.push(o);
    }
    return { kind: `${KINDS[resource] ?? out[0]?.kind ?? 'Object'}List`, apiVersion: GROUPS[resource] ?? r.gv, metadata: { resourceVersion: String(revision) }, items: out };
  }
  if (req.method === 'POST' && !r.name) {
    const obj = (await body(req)) ?? {};
    obj.metadata ??= {};
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${randomUUID().slice(0, 5)}`;
    obj.apiVersion ??= r.gv;
    if (!obj.metadata.name) throw new HttpError(422, 'Invalid', `${KINDS[resource] ?? obj.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
    if (ns) obj.metadata.namespace = ns;
    Object.assign(obj.metadata, { uid: randomUUID(), creationTimestamp: rfc3339() });
    delete obj.metadata.resourceVersion;
    if (resource === 'certificatesigningrequests') {
      const pem = Buffer.from(obj.spec.request, 'base64').toString();
      obj.spec.username = who.user;
      obj.status = { conditions: [{ type: 'Approved', status: 'True', reason: 'AutoApproved', message: 'Auto approving kubelet client certificate after SubjectAccessReview.' }], certificate: Buffer.from(signCsr(pem, obj.spec.usages ?? [])).toString('base64') };
    }
    if (resource === 'deployments' || resource === 'daemonsets') obj.metadata.generation = 1;
    return [201, await store(resource, obj, 0)];
  }
  const cur = await readObj(resource, ns, r.name);
  if (req.method === 'GET') {
    if (!cur) throw notFound(resource, r.name);
    if (sub === 'scale') return scaleOf(cur.obj);
    return cur.obj;
  }
  if (req.method === 'DELETE') {
    if (!cur) throw notFound(resource, r.name);
    await etcd.del(keyOf(resource, ns, r.name));
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: r.name, kind: resource, uid: cur.obj.metadata.uid } };
  }
  if (req.method === 'POST' && resource === 'serviceaccounts' && sub === 'token') {
    if (!cur) throw notFound(resource, r.name);
    const b = (await body(req)) ?? {};
    const seconds = b.spec?.expirationSeconds ?? 3600;
    if (seconds < 600) throw new HttpError(422, 'Invalid', `TokenRequest.authentication.k8s.io "${r.name}" is invalid: spec.expirationSeconds: Invalid value: ${seconds}: may not specify a duration less than 10 minutes`);
    return [201, { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { name: r.name, namespace: ns }, spec: { audiences: [saIssuer], expirationSeconds: seconds }, status: issueToken(cur.obj, seconds) }];
  }
  if (req.method === 'POST' && sub === 'eviction') {
    if (!cur) throw notFound(resource, r.name);
    const { items } = await etcd.list(`/registry/poddisruptionbudgets/${ns}/`);
    for (const kv of items) {
      const pdb = await budgetStatus(JSON.parse(kv.value));
      const want = pdb.spec?.selector?.matchLabels ?? {};
      if (!Object.entries(want).every(([k, v]) => cur.obj.metadata.labels?.[k] === v)) continue;
      if (pdb.status.disruptionsAllowed < 1) throw new HttpError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.");
    }
    await etcd.del(keyOf(resource, ns, r.name));
    return [201, { kind: 'Status', apiVersion: 'v1', status: 'Success' }];
  }
  const b = (await body(req)) ?? {};
  if (req.method === 'PUT') {
    if (sub === 'scale') return scaleOf(await update(resource, cur, { ...cur?.obj, spec: { ...cur?.obj.spec, replicas: b.spec?.replicas } }, r.name));
    const expect = b.metadata?.resourceVersion ? Number(b.metadata.resourceVersion) : cur?.rev;
    if (!cur) throw notFound(resource, r.name);
    b.metadata = { ...b.metadata, uid: cur.obj.metadata.uid, creationTimestamp: cur.obj.metadata.creationTimestamp, namespace: ns, name: r.name };
    bumpGeneration(resource, cur.obj, b);
    return store(resource, b, expect);
  }
  if (req.method === 'PATCH') {
    const ct = req.headers['content-type'] ?? '';
    // as the real apiserver: a patch without a resourceVersion is applied again to the newest object
    // when a concurrent write (a kubelet heartbeat) got in first, instead of failing with a Conflict
    for (let attempt = 0, obj = cur; ; attempt++, obj = await readObj(resource, ns, r.name)) {
      if (!obj) throw notFound(resource, r.name);
      const target = sub === 'scale' ? scaleOf(obj.obj) : obj.obj;
      let patched = ct.includes('json-patch+json') ? jsonPatch(target, b) : mergePatch(target, b);
      if (sub === 'scale') patched = { ...obj.obj, spec: { ...obj.obj.spec, replicas: patched.spec.replicas } };
      try {
        const out = await update(resource, obj, patched, r.name);
        return sub === 'scale' ? scaleOf(out) : out;
      } catch (e) {
        const pinned = !Array.isArray(b) && b.metadata?.resourceVersion !== undefined;
        if (!(e instanceof HttpError && e.reason === 'Conflict') || pinned || attempt >= 5) throw e;
      }
    }
  }
  throw new HttpError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

function bumpGeneration(resource, before, after) {
  if (resource !== 'deployments' && resource !== 'daemonsets') return;
  const changed = JSON.stringify(before.spec) !== JSON.stringify(after.spec);
  after.metadata.generation = (before.metadata.generation ?? 1) + (changed ? 1 : 0);
}

async function update(resource, cur, next, name) {
  if (!cur) throw notFound(resource, name);
  next.metadata = { ...next.metadata, uid: cur.obj.metadata.uid, name: cur.obj.metadata.name, namespace: cur.obj.metadata.namespace, creationTimestamp: cur.obj.metadata.creationTimestamp };
  delete next.metadata.resourceVersion;
  bumpGeneration(resource, cur.obj, next);
  return store(resource, next, cur.rev);
}

function scaleOf(obj) {
  return { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace }, spec: { replicas: obj.spec?.replicas ?? 1 }, status: { replicas: obj.status?.replicas ?? 0 } };
}

function send(res, code, obj) {
  const text = typeof obj === 'string' ? obj : JSON.stringify(obj);
  res.writeHead(code, { 'content-type': typeof obj === 'string' ? 'text/plain' : 'application/json' });
  res.end(text);
}

const server = https.createServer(
  {
    cert: readFileSync(flag(flags, 'tls-cert-file')),
    key: readFileSync(flag(flags, 'tls-private-key-file')),
    ca: caFile ? readFileSync(caFile) : undefined,
    requestCert: true,
    rejectUnauthorized: false,
  },
  async (req, res) => {
    const url = new URL(req.url ?? '/', 'https://x');
    try {
      if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
        const ok = await etcd.healthy();
        if (!ok) return send(res, 500, `[+]ping ok\n[-]etcd failed: reason withheld\n${url.pathname.slice(1)} check failed\n`);
        return send(res, 200, 'ok');
      }
      if (url.pathname === '/version') {
        const [major, minor] = version.replace(/^v/, '').split('.');
        return send(res, 200, { major, minor, gitVersion: version, gitCommit: 'lab', gitTreeState: 'clean', goVersion: 'go1.22.5', compiler: 'gc', platform: 'linux/amd64' });
      }
      const who = await authenticate(req);
      const out = await handleApi(req, url, who);
      if (Array.isArray(out)) send(res, out[0], out[1]);
      else send(res, 200, out);
    } catch (e) {
      if (e instanceof HttpError) send(res, e.code, status(e.code, e.reason, e.message));
      else {
        log(`internal error: ${e?.stack ?? e}`);
        send(res, 500, status(500, 'InternalError', `Internal error occurred: ${e?.message ?? e}`));
      }
    }
  },
);
server.listen(port, '0.0.0.0', () => log(`Serving securely on [::]:${port} (${version})`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
