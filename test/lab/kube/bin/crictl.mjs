#!/usr/bin/env node
// The lab's crictl: lists and stops the kubelet's static pods on this host (its containers are the
// kubelet stand-in's processes, recorded in /var/lib/kubelet/lab-pods.json). `crictl stop` kills the
// process, and the kubelet starts it again after its back-off, as it restarts a stopped container.
// `images` and `rmi` ask the real containerd (its k8s.io namespace, through Debian's `ctr`) when the lab runs it.
// ps [--name RE] [--label k=v]... [-q] [-a]; pods [--name RE] [-q]; stop ID...; stopp ID...; rmp [-a] [-f] ID...;
// images [-q] [-o json]; rmi REF...
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Fatal, main, parseFlags, podProcesses, readJson, sameProcess, signalRecorded } from '../lib/common.mjs';

const STATE = '/var/lib/kubelet/lab-pods.json';
const GLOBAL = new Set(['runtime-endpoint', 'r', 'image-endpoint', 'i', 'timeout', 't', 'config', 'c']);

const idOf = (kind, file, pid) => createHash('sha256').update(`${kind}:${file}:${pid}`).digest('hex').slice(0, 13);

function entries() {
  return Object.entries(readJson(STATE, {})).map(([file, p]) => ({ file, ...p, running: sameProcess(p.pid, p.procStart) }));
}

function matches(flags, e, nameOf) {
  const name = flags.name === undefined ? undefined : new RegExp([].concat(flags.name).at(-1));
  if (name && !name.test(nameOf(e))) return false;
  for (const l of [].concat(flags.label ?? [])) {
    const [k, v] = String(l).split('=');
    if (e.labels?.[k] !== v) return false;
  }
  return true;
}

function list(flags, kind) {
  const all = flags.a === 'true' || flags.all === 'true';
  const nameOf = kind === 'c' ? (e) => e.containerName : (e) => e.podName;
  const rows = entries().filter((e) => (all || e.running) && matches(flags, e, nameOf));
  if (flags.q === 'true' || flags.quiet === 'true') return rows.map((e) => idOf(kind, e.file, e.pid)).join('\n') + (rows.length ? '\n' : '');
  const head = kind === 'c' ? 'CONTAINER           IMAGE                                             STATE     NAME                      ATTEMPT   POD' : 'POD ID              STATE     NAME                                 NAMESPACE     ATTEMPT';
  const line = (e) =>
    kind === 'c'
      ? `${idOf('c', e.file, e.pid).padEnd(20)}${String(e.image).padEnd(50)}${(e.running ? 'Running' : 'Exited').padEnd(10)}${String(e.containerName).padEnd(26)}${String(e.restarts).padEnd(10)}${e.podName}`
      : `${idOf('p', e.file, e.pid).padEnd(20)}${(e.running ? 'Ready' : 'NotReady').padEnd(10)}${String(e.podName).padEnd(37)}${String(e.ns).padEnd(14)}${e.restarts}`;
  return [head, ...rows.map(line)].join('\n') + '\n';
}

function stop(kind, ids) {
  if (!ids.length) throw new Fatal(`ID cannot be empty`);
  const byId = new Map(entries().map((e) => [idOf(kind, e.file, e.pid), e]));
  for (const id of ids) {
    const e = [...byId.entries()].find(([k]) => k.startsWith(id))?.[1];
    if (!e) throw new Fatal(`stopping the ${kind === 'c' ? 'container' : 'pod sandbox'} "${id}": rpc error: code = NotFound desc = an error occurred when try to find ${kind === 'c' ? 'container' : 'sandbox'} "${id}": not found`);
    signalRecorded(e.pid, e.procStart, 'SIGKILL');
    process.stdout.write(`${id}\n`);
  }
  return 0;
}

// rmp [-a] [-f] [ID...]: the pods are stopped (their processes killed) and forgotten, so the kubelet
// does not start them again (it starts a static pod again only from its manifest)
function removePods(flags, ids) {
  const all = flags.a === 'true' || flags.all === 'true';
  if (!all && !ids.length) throw new Fatal('ID cannot be empty');
  const state = readJson(STATE, {});
  for (const e of entries()) {
    const id = idOf('p', e.file, e.pid);
    if (!all && !ids.some((x) => id.startsWith(x))) continue;
    if (e.running && !(flags.f === 'true' || flags.force === 'true')) throw new Fatal(`removing the pod sandbox "${id}": rpc error: code = Unknown desc = sandbox container "${id}" is not fully stopped`);
    signalRecorded(e.pid, e.procStart, 'SIGKILL');
    delete state[e.file];
    process.stdout.write(`Removed sandbox ${id}\n`);
  }
  writeFileSync(STATE, JSON.stringify(state));
  // -a: every pod the runtime runs for this node, recorded or not
  if (all) for (const p of podProcesses(hostname().toLowerCase())) signalRecorded(p.pid, p.start, 'SIGKILL');
  return 0;
}

// The images in containerd's k8s.io namespace, as the CRI sees them: [{ repo, tag, id, size }]
function images() {
  const out = execFileSync('ctr', ['-n', 'k8s.io', 'images', 'ls'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').slice(1).filter(Boolean).map((l) => l.split(/\s+/)).filter(([ref]) => !ref.includes('@'))
    .map(([ref, , digest, size, unit]) => {
      const at = ref.lastIndexOf(':');
      return { repo: ref.slice(0, at), tag: ref.slice(at + 1), id: digest, size: `${size}${unit}`.replace('i', '').replace('KB', 'kB') };
    });
}

function listImages(flags) {
  const rows = images();
  if (flags.q === 'true' || flags.quiet === 'true') return rows.map((r) => r.id).join('\n') + (rows.length ? '\n' : '');
  if (flags.o === 'json' || flags.output === 'json') return JSON.stringify({ images: rows.map((r) => ({ id: r.id, repoTags: [`${r.repo}:${r.tag}`], repoDigests: [], size: r.size })) }, null, 2) + '\n';
  const w = Math.max(5, ...rows.map((r) => r.repo.length)) + 2;
  const t = Math.max(3, ...rows.map((r) => r.tag.length)) + 2;
  return [`${'IMAGE'.padEnd(w)}${'TAG'.padEnd(t)}${'IMAGE ID'.padEnd(15)}SIZE`, ...rows.map((r) => `${r.repo.padEnd(w)}${r.tag.padEnd(t)}${r.id.replace('sha256:', '').slice(0, 13).padEnd(15)}${r.size}`)].join('\n') + '\n';
}

function removeImages(refs) {
  if (!refs.length) throw new Fatal('ID cannot be empty');
  for (const ref of refs) {
    const name = ref.includes(':') ? ref : `${ref}:latest`;
    if (!images().some((r) => `${r.repo}:${r.tag}` === name)) throw new Fatal(`no such image ${ref} present`);
    execFileSync('ctr', ['-n', 'k8s.io', 'images', 'rm', name], { stdio: 'ignore' });
    process.stdout.write(`Deleted: ${name}\n`);
  }
  return 0;
}

main(() => {
  const { flags, args } = parseFlags(process.argv.slice(2), ['q', 'quiet', 'a', 'all', 'f', 'force']);
  const [cmd, ...rest] = args;
  for (const f of Object.keys(flags)) if (!GLOBAL.has(f) && !['name', 'label', 'q', 'quiet', 'a', 'all', 'state', 'f', 'force', 'o', 'output'].includes(f)) throw new Fatal(`flag provided but not defined: -${f}`);
  switch (cmd) {
    case 'ps':
      process.stdout.write(list(flags, 'c'));
      return 0;
    case 'pods':
      process.stdout.write(list(flags, 'p'));
      return 0;
    case 'images':
    case 'img':
      process.stdout.write(listImages(flags));
      return 0;
    case 'rmi':
      return removeImages(rest);
    case 'stop':
      return stop('c', rest);
    case 'stopp':
      return stop('p', rest);
    case 'rmp':
      return removePods(flags, rest);
    case 'version':
      process.stdout.write('Version:  0.1.0\nRuntimeName:  containerd\nRuntimeVersion:  1.7.12 lab\nRuntimeApiVersion:  v1\n');
      return 0;
    default:
      throw new Fatal(`No help topic for '${cmd ?? ''}'`);
  }
});
