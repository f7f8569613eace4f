#!/usr/bin/env node
// The lab's kubectl: HTTPS to the server in the kubeconfig with certificate verification, and the
// verbs playbooks use (get/describe/apply/patch/edit/delete/label/cordon/uncordon/drain/scale/wait/
// cluster-info/version/config view), with kubectl's output and error wording.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, rmSync, mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fatal, main, parseFlags, flag, YAML, sleep, parseDuration, formatTable } from '../lib/common.mjs';
import { KubeClient, loadKubeconfig, ApiError, ConnError, resourcePath } from '../lib/client.mjs';
import { renderJsonPath } from '../lib/jsonpath.mjs';

const out = (s = '') => process.stdout.write(`${s}\n`);
const BOOLS = ['A', 'all-namespaces', 'all', 'ignore-not-found', 'overwrite', 'ignore-daemonsets', 'delete-emptydir-data', 'force', 'minify', 'insecure-skip-tls-verify', 'no-headers', 'show-labels', 'wait', 'local', 'dry-run', 'recursive', 'R'];

const RESOURCES = [
  ['nodes', 'Node', 'v1', true, ['node', 'no']],
  ['pods', 'Pod', 'v1', false, ['pod', 'po']],
  ['configmaps', 'ConfigMap', 'v1', false, ['configmap', 'cm']],
  ['secrets', 'Secret', 'v1', false, ['secret']],
  ['namespaces', 'Namespace', 'v1', true, ['namespace', 'ns']],
  ['services', 'Service', 'v1', false, ['service', 'svc']],
  ['serviceaccounts', 'ServiceAccount', 'v1', false, ['serviceaccount', 'sa']],
  ['endpoints', 'Endpoints', 'v1', false, ['ep']],
  ['deployments', 'Deployment', 'apps/v1', false, ['deployment', 'deploy']],
  ['daemonsets', 'DaemonSet', 'apps/v1', false, ['daemonset', 'ds']],
  ['leases', 'Lease', 'coordination.k8s.io/v1', false, ['lease']],
  ['certificatesigningrequests', 'CertificateSigningRequest', 'certificates.k8s.io/v1', true, ['csr', 'certificatesigningrequest']],
  ['poddisruptionbudgets', 'PodDisruptionBudget', 'policy/v1', false, ['pdb', 'poddisruptionbudget']],
  ['clusterroles', 'ClusterRole', 'rbac.authorization.k8s.io/v1', true, ['clusterrole']],
  ['clusterrolebindings', 'ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', true, ['clusterrolebinding']],
  ['roles', 'Role', 'rbac.authorization.k8s.io/v1', false, ['role']],
  ['rolebindings', 'RoleBinding', 'rbac.authorization.k8s.io/v1', false, ['rolebinding']],
  ['apiservices', 'APIService', 'apiregistration.k8s.io/v1', true, ['apiservice']],
];
const CLUSTER_KINDS = new Set(['ClusterRole', 'ClusterRoleBinding', 'Namespace', 'Node', 'CustomResourceDefinition', 'PriorityClass', 'StorageClass', 'PersistentVolume', 'PodSecurityPolicy', 'APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'CertificateSigningRequest', 'IngressClass', 'RuntimeClass']);

/** A resource type from a kubectl word (nodes, no, deploy, deployment.apps, ...). */
function resolveType(word) {
  const w = word.toLowerCase().split('.')[0];
  const r = RESOURCES.find(([plural, kind, , , aliases]) => plural === w || aliases.includes(w) || kind.toLowerCase() === w);
  if (!r) throw new Fatal(`error: the server doesn't have a resource type "${word}"`);
  return { plural: r[0], kind: r[1], gv: r[2], clusterScoped: r[3] };
}

/** A resource type from an object's apiVersion and kind (apply -f). */
function typeOfObject(obj) {
  const known = RESOURCES.find(([, kind]) => kind === obj.kind);
  if (known) return { plural: known[0], kind: known[1], gv: known[2], clusterScoped: known[3] };
  const lower = obj.kind.toLowerCase();
  const plural = lower.endsWith('s') ? `${lower}es` : lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : `${lower}s`;
  return { plural, kind: obj.kind, gv: obj.apiVersion, clusterScoped: CLUSTER_KINDS.has(obj.kind) };
}

function pathOf(t, ns, name) {
  const base = t.gv === 'v1' ? '/api/v1' : `/apis/${t.gv}`;
  return `${base}${t.clusterScoped || !ns ? '' : `/namespaces/${ns}`}/${t.plural}${name ? `/${name}` : ''}`;
}

const qualified = (t) => (t.gv.includes('/') ? `${t.kind.toLowerCase()}.${t.gv.split('/')[0]}` : t.kind.toLowerCase());

function kubeconfigPath(flags) {
  return flag(flags, 'kubeconfig') ?? (process.env.KUBECONFIG ? process.env.KUBECONFIG.split(':')[0] : join(homedir(), '.kube/config'));
}

function client(flags) {
  const p = kubeconfigPath(flags);
  const server = flag(flags, 'server', 's');
  const insecure = flags['insecure-skip-tls-verify'] ? true : undefined;
  const timeoutMs = flag(flags, 'request-timeout') ? parseDuration(flag(flags, 'request-timeout')) : 10000;
  if (!existsSync(p)) {
    if (flag(flags, 'kubeconfig')) throw new Fatal(`error: stat ${p}: no such file or directory`);
    return new KubeClient({}, { server: server ?? 'http://localhost:8080', timeoutMs, insecure });
  }
  return new KubeClient(loadKubeconfig(p), { server, timeoutMs, insecure });
}

function connFatal(e, kc) {
  if (e instanceof ConnError) {
    if (e.refused) return new Fatal(`The connection to the server ${kc.hostPort} was refused - did you specify the right host or port?`);
    return new Fatal(`Unable to connect to the server: ${e.message.replace(/^Get "[^"]*": /, '')}`);
  }
  if (e instanceof ApiError) {
    if (e.status === 401) return new Fatal('error: You must be logged in to the server (Unauthorized)');
    return new Fatal(`Error from server (${e.reason ?? 'InternalError'}): ${e.message}`);
  }
  return e;
}

function age(ts) {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function nodeStatus(n) {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  const st = ready?.status === 'True' ? 'Ready' : 'NotReady';
  return n.spec?.unschedulable ? `${st},SchedulingDisabled` : st;
}

function roles(n) {
  const r = Object.keys(n.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice(24));
  return r.length ? r.sort().join(',') : '<none>';
}

function podReady(p) {
  const cs = p.status?.containerStatuses ?? [];
  const total = p.spec?.containers?.length ?? cs.length;
  return `${cs.filter((c) => c.ready).length}/${total}`;
}

function podStatus(p) {
  const waiting = p.status?.containerStatuses?.find((c) => c.state?.waiting)?.state.waiting.reason;
  return waiting ?? p.status?.phase ?? 'Pending';
}

function table(t, items, { wide, allNs, showLabels, noHeaders }) {
  const cols = {
    Node: [['NAME', (o) => o.metadata.name], ['STATUS', nodeStatus], ['ROLES', roles], ['AGE', (o) => age(o.metadata.creationTimestamp)], ['VERSION', (o) => o.status?.nodeInfo?.kubeletVersion ?? '']],
    Pod: [['NAME', (o) => o.metadata.name], ['READY', podReady], ['STATUS', podStatus], ['RESTARTS', (o) => String((o.status?.containerStatuses ?? []).reduce((a, c) => a + (c.restartCount ?? 0), 0))], ['AGE', (o) => age(o.metadata.creationTimestamp)]],
    ConfigMap: [['NAME', (o) => o.metadata.name], ['DATA', (o) => String(Object.keys(o.data ?? {}).length)], ['AGE', (o) => age(o.metadata.creationTimestamp)]],
    Secret: [['NAME', (o) => o.metadata.name], ['TYPE', (o) => o.type ?? 'Opaque'], ['DATA', (o) => String(Object.keys(o.data ?? {}).length)], ['AGE', (o) => age(o.metadata.creationTimestamp)]],
    Deployment: [['NAME', (o) => o.metadata.name], ['READY', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`], ['UP-TO-DATE', (o) => String(o.status?.updatedReplicas ?? 0)], ['AVAILABLE', (o) => String(o.status?.availableReplicas ?? 0)], ['AGE', (o) => age(o.metadata.creationTimestamp)]],
    DaemonSet: [['NAME', (o) => o.metadata.name], ['DESIRED', (o) => String(o.status?.desiredNumberScheduled ?? 0)], ['CURRENT', (o) => String(o.status?.currentNumberScheduled ?? 0)], ['READY', (o) => String(o.status?.numberReady ?? 0)], ['UP-TO-DATE', (o) => String(o.status?.updatedNumberScheduled ?? 0)], ['AVAILABLE', (o) => String(o.status?.numberAvailable ?? 0)], ['NODE SELECTOR', (o) => Object.entries(o.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'], ['AGE', (o) => age(o.metadata.creationTimestamp)]],
    Namespace: [['NAME', (o) => o.metadata.name], ['STATUS', () => 'Active'], ['AGE', (o) => age(o.metadata.creationTimestamp)]],
  }[t.kind] ?? [['NAME', (o) => o.metadata.name], ['AGE', (o) => age(o.metadata.creationTimestamp)]];
  const c = [...cols];
  if (wide && t.kind === 'Node') c.push(['INTERNAL-IP', (o) => o.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '<none>'], ['EXTERNAL-IP', () => '<none>'], ['OS-IMAGE', (o) => o.status?.nodeInfo?.osImage ?? ''], ['KERNEL-VERSION', (o) => o.status?.nodeInfo?.kernelVersion ?? ''], ['CONTAINER-RUNTIME', (o) => o.status?.nodeInfo?.containerRuntimeVersion ?? '']);
  if (wide && t.kind === 'Pod') c.push(['IP', (o) => o.status?.podIP ?? '<none>'], ['NODE', (o) => o.spec?.nodeName ?? '<none>'], ['NOMINATED NODE', () => '<none>'], ['READINESS GATES', () => '<none>']);
  if (allNs && !t.clusterScoped) c.unshift(['NAMESPACE', (o) => o.metadata.namespace]);
  if (showLabels) c.push(['LABELS', (o) => Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>']);
  const rows = items.map((o) => c.map(([, f]) => f(o)));
  if (!noHeaders) rows.unshift(c.map(([h]) => h));
  return formatTable(rows);
}

function print(t, objs, single, flags) {
  const o = flag(flags, 'output', 'o');
  const clean = (x) => x;
  if (o === 'json') return out(JSON.stringify(single ? clean(objs[0]) : { apiVersion: 'v1', items: objs.map(clean), kind: 'List', metadata: { resourceVersion: '' } }, null, 4));
  if (o === 'yaml') return process.stdout.write(YAML.stringify(single ? objs[0] : { apiVersion: 'v1', items: objs, kind: 'List', metadata: { resourceVersion: '' } }));
  if (o === 'name') return objs.forEach((x) => out(`${qualified(t)}/${x.metadata.name}`));
  if (o?.startsWith('jsonpath=') || o?.startsWith('jsonpath-as-json=')) {
    const data = single ? objs[0] : { apiVersion: 'v1', items: objs, kind: 'List' };
    return process.stdout.write(renderJsonPath(o.slice(o.indexOf('=') + 1), data));
  }
  if (o?.startsWith('custom-columns=')) {
    const spec = o.slice(15).split(',').map((x) => x.split(':'));
    const rows = objs.map((x) => spec.map((s) => renderJsonPath(`{${s[1]}}`, x) || '<none>'));
    return out(formatTable(flags['no-headers'] ? rows : [spec.map((s) => s[0]), ...rows]));
  }
  if (o && o !== 'wide') throw new Fatal(`error: unable to match a printer suitable for the output format "${o}", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml`);
  return out(table(t, objs, { wide: o === 'wide', allNs: flags.A || flags['all-namespaces'], showLabels: flags['show-labels'], noHeaders: flags['no-headers'] }));
}

/** TYPE NAME..., TYPE/NAME..., or TYPE1,TYPE2 → [{ t, names }]. */
function targets(args) {
  if (!args.length) throw new Fatal('You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.');
  if (args.every((a) => a.includes('/'))) return args.map((a) => ({ t: resolveType(a.split('/')[0]), names: [a.split('/')[1]] }));
  const [types, ...names] = args;
  return types.split(',').map((w) => ({ t: resolveType(w), names }));
}

function query(flags) {
  const q = [];
  if (flag(flags, 'selector', 'l')) q.push(`labelSelector=${encodeURIComponent(flag(flags, 'selector', 'l'))}`);
  if (flag(flags, 'field-selector')) q.push(`fieldSelector=${encodeURIComponent(flag(flags, 'field-selector'))}`);
  return q.length ? `?${q.join('&')}` : '';
}

async function fetchAll(kc, t, names, ns, flags) {
  const allNs = flags.A || flags['all-namespaces'];
  if (names.length) {
    const objs = [];
    for (const n of names) objs.push(await kc.get(pathOf(t, ns, n)));
    return objs;
  }
  return (await kc.get(`${pathOf(t, allNs ? undefined : ns)}${query(flags)}`)).items;
}

async function get(kc, flags, args, ns) {
  const raw = flag(flags, 'raw');
  if (raw !== undefined && raw !== 'true') {
    const body = await kc.request('GET', raw, undefined, { accept: '*/*' });
    process.stdout.write(typeof body.message === 'string' && Object.keys(body).length === 1 ? body.message : JSON.stringify(body));
    return 0;
  }
  let printed = false;
  const all = [];
  for (const { t, names } of targets(args)) {
    let objs;
    try {
      objs = await fetchAll(kc, t, names, ns, flags);
    } catch (e) {
      if (flags['ignore-not-found'] && e instanceof ApiError && e.status === 404) continue;
      throw e;
    }
    all.push({ t, objs, single: names.length === 1 });
  }
  const o = flag(flags, 'output', 'o');
  if (all.length > 1 && (o === 'json' || o === 'yaml')) return print(all[0].t, all.flatMap((x) => x.objs), false, flags);
  for (const { t, objs, single } of all) {
    // as kubectl: a list asked for as JSON or YAML is printed even when it is empty
    if (!objs.length && !(!single && (o === 'json' || o === 'yaml'))) continue;
    if (printed && !o) out();
    print(t, objs, single, flags);
    printed = true;
  }
  if (!printed && !o?.startsWith('jsonpath') && o !== 'json' && o !== 'yaml' && !flags['ignore-not-found']) process.stderr.write(all[0]?.t.clusterScoped || flags.A ? 'No resources found\n' : `No resources found in ${ns} namespace.\n`);
  return 0;
}

function describeObj(t, o) {
  const lines = [`Name:         ${o.metadata.name}`];
  if (!t.clusterScoped) lines.push(`Namespace:    ${o.metadata.namespace}`);
  const kv = (m) => Object.entries(m ?? {}).map(([k, v]) => `${k}=${v}`);
  const labels = kv(o.metadata.labels);
  lines.push(`Labels:       ${labels[0] ?? '<none>'}`, ...labels.slice(1).map((l) => `              ${l}`));
  const ann = Object.entries(o.metadata.annotations ?? {}).map(([k, v]) => `${k}: ${v}`);
  lines.push(`Annotations:  ${ann[0] ?? '<none>'}`, ...ann.slice(1).map((l) => `              ${l}`));
  lines.push(`CreationTimestamp:  ${o.metadata.creationTimestamp}`);
  if (t.kind === 'Node') {
    lines.push(`Taints:             ${(o.spec?.taints ?? []).map((x) => `${x.key}:${x.effect}`).join(', ') || '<none>'}`, `Unschedulable:      ${Boolean(o.spec?.unschedulable)}`, 'Conditions:', '  Type             Status  LastHeartbeatTime     Reason                       Message', '  ----             ------  -----------------     ------                       -------');
    for (const c of o.status?.conditions ?? []) lines.push(`  ${c.type.padEnd(17)}${c.status.padEnd(8)}${c.lastHeartbeatTime.padEnd(22)}${(c.reason ?? '').padEnd(29)}${c.message ?? ''}`);
    lines.push('Addresses:', ...(o.status?.addresses ?? []).map((a) => `  ${a.type}:  ${a.address}`));
    lines.push('System Info:', `  Kubelet Version:            ${o.status?.nodeInfo?.kubeletVersion ?? ''}`, `  Container Runtime Version:  ${o.status?.nodeInfo?.containerRuntimeVersion ?? ''}`);
  } else if (t.kind === 'Pod') {
    lines.push(`Node:         ${o.spec?.nodeName ?? '<none>'}`, `Status:       ${podStatus(o)}`, `IP:           ${o.status?.podIP ?? ''}`, 'Containers:', ...(o.spec?.containers ?? []).map((c) => `  ${c.name}:\n    Image:  ${c.image}`));
  } else if (o.data) {
    lines.push('', 'Data', '====');
    for (const [k, v] of Object.entries(o.data)) lines.push(`${k}:`, '----', t.kind === 'Secret' ? `${Buffer.from(v, 'base64').length} bytes` : v, '');
  } else if (o.spec) lines.push('Spec:', ...YAML.stringify(o.spec).trimEnd().split('\n').map((l) => `  ${l}`));
  lines.push('Events:       <none>');
  return lines.join('\n');
}

async function describe(kc, flags, args, ns) {
  const chunks = [];
  for (const { t, names } of targets(args)) {
    const objs = await fetchAll(kc, t, names, ns, flags);
    for (const o of objs) chunks.push(describeObj(t, o));
  }
  out(chunks.join('\n\n\n'));
  return 0;
}

function readManifests(flags) {
  const files = [].concat(flags.filename ?? flags.f ?? []);
  if (!files.length) throw new Fatal('error: must specify one of -f and -k');
  const docs = [];
  const readOne = (f) => {
    let text;
    if (f === '-') text = readFileSync(0, 'utf8');
    else if (/^https?:\/\//.test(f)) throw new Fatal(`error: unable to read URL "${f}", server reported: the lab has no network access; download it first`);
    else if (!existsSync(f)) throw new Fatal(`error: the path "${f}" does not exist`);
    else if (statSync(f).isDirectory()) {
      for (const x of readdirSync(f).filter((n) => /\.(ya?ml|json)$/.test(n)).sort()) readOne(join(f, x));
      return;
    } else text = readFileSync(f, 'utf8');
    for (const d of YAML.parseAllDocuments(text)) {
      if (d.errors.length) throw new Fatal(`error: error parsing ${f}: error converting YAML to JSON: yaml: ${d.errors[0].message.split('\n')[0]}`);
      const o = d.toJS();
      if (!o) continue;
      if (o.kind === 'List') docs.push(...(o.items ?? []));
      else docs.push(o);
    }
  };
  for (const f of files) readOne(f);
  for (const d of docs) if (!d.kind || !d.apiVersion) throw new Fatal(`error: error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false`);
  return docs;
}

function sameContent(a, b) {
  const strip = (o) => {
    const { metadata, status, ...rest } = o;
    return JSON.stringify({ ...rest, labels: metadata?.labels ?? {}, annotations: metadata?.annotations ?? {} });
  };
  return strip(a) === strip(b);
}

async function apply(kc, flags, ns) {
  for (const obj of readManifests(flags)) {
    const t = typeOfObject(obj);
    const objNs = t.clusterScoped ? undefined : obj.metadata.namespace ?? ns;
    if (objNs && !t.clusterScoped) obj.metadata.namespace = objNs;
    const cur = await kc.getMaybe(pathOf(t, objNs, obj.metadata.name));
    if (!cur) {
      await kc.post(pathOf(t, objNs), obj);
      out(`${qualified(t)}/${obj.metadata.name} created`);
      continue;
    }
    const next = { ...cur, ...obj, metadata: { ...cur.metadata, labels: obj.metadata.labels ?? cur.metadata.labels, annotations: obj.metadata.annotations ?? cur.metadata.annotations }, status: cur.status };
    if (sameContent(cur, next)) {
      out(`${qualified(t)}/${obj.metadata.name} unchanged`);
      continue;
    }
    await kc.put(pathOf(t, objNs, obj.metadata.name), next);
    out(`${qualified(t)}/${obj.metadata.name} configured`);
  }
  return 0;
}

// create -f FILE (an existing object is an error: AlreadyExists, as the server answers), or
// create configmap NAME [--from-literal=KEY=VALUE]...
async function create(kc, flags, args, ns) {
  if (args[0] === 'configmap' || args[0] === 'cm') {
    if (args.length !== 2) throw new Fatal(`error: exactly one NAME is required, got ${args.length - 1}`);
    const data = Object.fromEntries([].concat(flags['from-literal'] ?? []).map((kv) => [String(kv).split('=')[0], String(kv).split('=').slice(1).join('=')]));
    await kc.post(pathOf(typeOfObject({ apiVersion: 'v1', kind: 'ConfigMap' }), ns), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: args[1], namespace: ns }, data });
    out(`configmap/${args[1]} created`);
    return 0;
  }
  if (args[0] === 'token') {
    if (args.length !== 2) throw new Fatal(`error: exactly one NAME is required, got ${args.length - 1}`);
    const duration = flag(flags, 'duration');
    const seconds = duration === undefined ? undefined : Math.floor(parseDuration(duration) / 1000);
    const r = await kc.post(`${pathOf(typeOfObject({ apiVersion: 'v1', kind: 'ServiceAccount' }), ns, args[1])}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: seconds === undefined ? {} : { expirationSeconds: seconds } });
    out(r.status.token);
    return 0;
  }
  if (args.length) throw new Fatal(`error: unknown command "${args[0]}" for "kubectl create" (the lab's kubectl creates from -f, configmaps and tokens)`);
  for (const obj of readManifests(flags)) {
    const t = typeOfObject(obj);
    const objNs = t.clusterScoped ? undefined : obj.metadata.namespace ?? ns;
    if (objNs) obj.metadata.namespace = objNs;
    await kc.post(pathOf(t, objNs), obj);
    out(`${qualified(t)}/${obj.metadata.name} created`);
  }
  return 0;
}

async function patch(kc, flags, args, ns) {
  const [{ t, names }] = targets(args);
  const file = flag(flags, 'patch-file');
  const p = file ? readFileSync(file, 'utf8') : flag(flags, 'patch', 'p');
  if (!p) throw new Fatal('error: must specify --patch or --patch-file containing the contents of the patch');
  let body;
  try {
    body = YAML.parse(p);
  } catch (e) {
    throw new Fatal(`error: unable to parse "${p}": ${e.message}`);
  }
  const type = flag(flags, 'type') ?? 'strategic';
  const ct = type === 'json' ? 'application/json-patch+json' : 'application/merge-patch+json';
  for (const n of names) {
    const before = await kc.get(pathOf(t, ns, n));
    const after = await kc.patch(pathOf(t, ns, n), body, ct);
    out(`${qualified(t)}/${n} patched${before.metadata.resourceVersion === after.metadata.resourceVersion || sameContent(before, after) ? ' (no change)' : ''}`);
  }
  return 0;
}

async function edit(kc, flags, args, ns) {
  const [{ t, names }] = targets(args);
  const editor = process.env.KUBE_EDITOR ?? process.env.EDITOR ?? 'vi';
  for (const n of names) {
    const cur = await kc.get(pathOf(t, ns, n));
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-edit-'));
    const file = join(dir, `${n}.yaml`);
    const text = `# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit.\n#\n${YAML.stringify(cur)}`;
    writeFileSync(file, text);
    const r = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' });
    const edited = readFileSync(file, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    if (r.status !== 0) throw new Fatal(`error: there was a problem with the editor "${editor}"`);
    if (edited === text) {
      out('Edit cancelled, no changes made.');
      continue;
    }
    await kc.put(pathOf(t, ns, n), YAML.parse(edited));
    out(`${qualified(t)}/${n} edited`);
  }
  return 0;
}

async function del(kc, flags, args, ns) {
  const list = [];
  if (flags.filename || flags.f) for (const o of readManifests(flags)) list.push({ t: typeOfObject(o), ns: o.metadata.namespace ?? ns, name: o.metadata.name });
  else {
    for (const { t, names } of targets(args)) {
      if (names.length) for (const n of names) list.push({ t, ns, name: n });
      else if (flag(flags, 'selector', 'l') || flags.all) for (const o of (await kc.get(`${pathOf(t, ns)}${query(flags)}`)).items) list.push({ t, ns, name: o.metadata.name });
      else throw new Fatal('error: resource(s) were provided, but no name was specified');
    }
  }
  if (!list.length) {
    process.stderr.write(`No resources found\n`);
    return 0;
  }
  for (const x of list) {
    try {
      await kc.delete(pathOf(x.t, x.ns, x.name));
      out(`${x.t.kind.toLowerCase()} "${x.name}" deleted`);
    } catch (e) {
      if (!(flags['ignore-not-found'] && e instanceof ApiError && e.status === 404)) throw e;
    }
  }
  return 0;
}

async function label(kc, flags, args, ns, field = 'labels') {
  const [type, name, ...changes] = args[0]?.includes('/') ? [args[0].split('/')[0], args[0].split('/')[1], ...args.slice(1)] : args;
  const t = resolveType(type);
  const cur = await kc.get(pathOf(t, ns, name));
  const patchMap = {};
  for (const c of changes) {
    if (c.endsWith('-')) patchMap[c.slice(0, -1)] = null;
    else {
      const [k, ...v] = c.split('=');
      const val = v.join('=');
      const have = cur.metadata[field]?.[k];
      if (have !== undefined && have !== val && !flags.overwrite) throw new Fatal(`error: '${k}' already has a value (${have}), and --overwrite is false`);
      patchMap[k] = val;
    }
  }
  const after = await kc.patch(pathOf(t, ns, name), { metadata: { [field]: patchMap } });
  const changed = JSON.stringify(after.metadata[field] ?? {}) !== JSON.stringify(cur.metadata[field] ?? {});
  out(`${qualified(t)}/${name} ${changed ? (field === 'labels' ? 'labeled' : 'annotated') : `not ${field === 'labels' ? 'labeled' : 'annotated'}`}`);
  return 0;
}

async function cordon(kc, name, on) {
  const n = await kc.get(resourcePath('nodes', undefined, name));
  if (Boolean(n.spec?.unschedulable) === on) {
    out(`node/${name} already ${on ? 'cordoned' : 'uncordoned'}`);
    return;
  }
  await kc.patch(resourcePath('nodes', undefined, name), { spec: { unschedulable: on ? true : null } });
  out(`node/${name} ${on ? 'cordoned' : 'uncordoned'}`);
}

async function drain(kc, flags, name) {
  await cordon(kc, name, true);
  const pods = (await kc.get(`/api/v1/pods?fieldSelector=spec.nodeName=${name}`)).items;
  const ds = pods.filter((p) => p.metadata.ownerReferences?.some((r) => r.kind === 'DaemonSet'));
  if (ds.length && !flags['ignore-daemonsets']) throw new Fatal(`error: unable to drain node "${name}" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${ds.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ')}, continuing command...\nThere are pending nodes to be drained:\n ${name}`);
  if (ds.length) process.stderr.write(`Warning: ignoring DaemonSet-managed Pods: ${ds.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ')}\n`);
  const evict = pods.filter((p) => !ds.includes(p) && !p.metadata.annotations?.['kubernetes.io/config.mirror']);
  // as kubectl: an eviction a disruption budget refuses (429) is retried every 5 s until --timeout
  const timeout = flag(flags, 'timeout');
  const deadline = timeout && parseDuration(timeout) > 0 ? Date.now() + parseDuration(timeout) : Infinity;
  for (const p of evict) {
    out(`evicting pod ${p.metadata.namespace}/${p.metadata.name}`);
    for (;;) {
      try {
        await kc.post(`/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: p.metadata.name, namespace: p.metadata.namespace } });
        break;
      } catch (e) {
        if (e.status !== 429) throw e;
        if (Date.now() + 5000 > deadline) {
          throw new Fatal(`There are pending pods in node "${name}" when an error occurred: error when evicting pods/"${p.metadata.name}" -n "${p.metadata.namespace}": global timeout reached: ${timeout}\nerror: unable to drain node "${name}" due to error: error when evicting pods/"${p.metadata.name}" -n "${p.metadata.namespace}": global timeout reached: ${timeout}, continuing command...\nThere are pending nodes to be drained:\n ${name}`);
        }
        process.stderr.write(`error when evicting pods/"${p.metadata.name}" -n "${p.metadata.namespace}" (will retry after 5s): ${e.message}\n`);
        await sleep(5000);
      }
    }
  }
  for (const p of evict) out(`pod/${p.metadata.name} evicted`);
  out(`node/${name} drained`);
}

async function scale(kc, flags, args, ns) {
  const replicas = flag(flags, 'replicas');
  if (replicas === undefined || !/^\d+$/.test(replicas)) throw new Fatal('error: --replicas=COUNT is required, and COUNT must be greater than or equal to 0');
  for (const { t, names } of targets(args)) {
    for (const n of names) {
      await kc.patch(`${pathOf(t, ns, n)}/scale`, { spec: { replicas: Number(replicas) } });
      out(`${qualified(t)}/${n} scaled`);
    }
  }
  return 0;
}

function conditionMet(o, forSpec) {
  if (forSpec === 'delete') return false;
  const m = /^condition=([^=]+)(?:=(.*))?$/i.exec(forSpec);
  if (m) {
    const want = (m[2] ?? 'True').toLowerCase();
    if (o.kind === 'Deployment' && m[1].toLowerCase() === 'available') return (o.status?.availableReplicas ?? 0) >= (o.spec?.replicas ?? 1) === (want === 'true');
    return (o.status?.conditions ?? []).some((c) => c.type.toLowerCase() === m[1].toLowerCase() && c.status.toLowerCase() === want);
  }
  const j = /^jsonpath=\{(.*)\}=(.*)$/.exec(forSpec);
  if (j) return renderJsonPath(`{${j[1]}}`, o) === j[2];
  throw new Fatal(`error: unrecognized condition: "${forSpec}"`);
}

async function wait(kc, flags, args, ns) {
  const forSpec = flag(flags, 'for');
  if (!forSpec) throw new Fatal('error: --for must be specified');
  const timeoutMs = parseDuration(flag(flags, 'timeout') ?? '30s');
  const deadline = Date.now() + timeoutMs;
  for (const { t, names } of targets(args)) {
    for (;;) {
      let objs;
      try {
        objs = await fetchAll(kc, t, names, ns, flags);
      } catch (e) {
        if (forSpec === 'delete' && e instanceof ApiError && e.status === 404) break;
        if (!(e instanceof ApiError && e.status === 404) && !(e instanceof ConnError)) throw e;
        objs = undefined;
      }
      if (forSpec === 'delete' && objs && !objs.length) break;
      if (objs?.length && objs.every((o) => conditionMet(o, forSpec))) {
        for (const o of objs) out(`${qualified(t)}/${o.metadata.name} condition met`);
        break;
      }
      if (Date.now() > deadline) {
        const pending = (objs ?? []).filter((o) => !conditionMet(o, forSpec)).map((o) => `${t.plural}/${o.metadata.name}`);
        throw new Fatal(`error: timed out waiting for the condition on ${pending[0] ?? `${t.plural}/${names[0] ?? ''}`}`);
      }
      await sleep(500);
    }
  }
  return 0;
}

async function clusterInfo(kc) {
  await kc.get('/api/v1/namespaces/kube-system/configmaps');
  out(`Kubernetes control plane is running at ${kc.server}`);
  out(`CoreDNS is running at ${kc.server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy`);
  out("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
  return 0;
}

function configView(flags) {
  const p = kubeconfigPath(flags);
  const doc = existsSync(p) ? YAML.parse(readFileSync(p, 'utf8')) : { apiVersion: 'v1', clusters: null, contexts: null, 'current-context': '', kind: 'Config', preferences: {}, users: null };
  if (!flags.raw) {
    for (const c of doc.clusters ?? []) if (c.cluster['certificate-authority-data']) c.cluster['certificate-authority-data'] = 'DATA+OMITTED';
    for (const u of doc.users ?? []) for (const k of ['client-certificate-data', 'client-key-data', 'token']) if (u.user?.[k]) u.user[k] = k === 'client-certificate-data' ? 'DATA+OMITTED' : 'REDACTED';
  }
  const o = flag(flags, 'output', 'o');
  if (o?.startsWith('jsonpath=')) process.stdout.write(renderJsonPath(o.slice(9), doc));
  else if (o === 'json') out(JSON.stringify(doc, null, 4));
  else process.stdout.write(YAML.stringify(doc));
  return 0;
}

async function version(kc, flags) {
  const v = `v${(readFileSync('/var/lib/dpkg/lab-status.json', 'utf8').match(/"kubectl":\s*\{\s*"version":\s*"([^"-]+)/) ?? [])[1] ?? '1.30.5'}`;
  out(`Client Version: ${v}\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3`);
  if (flags.client) return 0;
  const s = await kc.get('/version');
  out(`Server Version: ${s.gitVersion}`);
  return 0;
}

await main(async () => {
  // --raw is a switch for `config view`, a path for `get --raw /readyz`
  const isConfig = process.argv.slice(2).find((a) => !a.startsWith('-')) === 'config';
  const { flags, args } = parseFlags(process.argv.slice(2), [...BOOLS, 'client', ...(isConfig ? ['raw'] : [])]);
  const [verb, ...rest] = args;
  if (verb === 'config') {
    if (rest[0] === 'view') return configView(flags);
    throw new Fatal(`error: unknown command "${rest[0] ?? ''}" for "kubectl config"`);
  }
  const kc = client(flags);
  const ns = flag(flags, 'namespace', 'n') ?? 'default';
  try {
    switch (verb) {
      case 'get':
        return await get(kc, flags, rest, ns);
      case 'describe':
        return await describe(kc, flags, rest, ns);
      case 'apply':
        return await apply(kc, flags, ns);
      case 'create':
        return await create(kc, flags, rest, ns);
      case 'patch':
        return await patch(kc, flags, rest, ns);
      case 'edit':
        return await edit(kc, flags, rest, ns);
      case 'delete':
        return await del(kc, flags, rest, ns);
      case 'label':
        return await label(kc, flags, rest, ns);
      case 'annotate':
        return await label(kc, flags, rest, ns, 'annotations');
      case 'cordon':
      case 'uncordon':
        for (const n of rest.map((x) => x.replace(/^nodes?\//, ''))) await cordon(kc, n, verb === 'cordon');
        return 0;
      case 'drain':
        for (const n of rest.map((x) => x.replace(/^nodes?\//, ''))) await drain(kc, flags, n);
        return 0;
      case 'scale':
        return await scale(kc, flags, rest, ns);
      case 'wait':
        return await wait(kc, flags, rest, ns);
      case 'cluster-info':
        return await clusterInfo(kc);
      case 'version':
        return await version(kc, flags);
      default:
        throw new Fatal(`error: unknown command "${verb ?? ''}" for "kubectl"`);
    }
  } catch (e) {
    throw connFatal(e, kc);
  }
});
