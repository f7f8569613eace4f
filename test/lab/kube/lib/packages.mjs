// The lab's package database: which Kubernetes packages (and versions) apt "has", and which are
// installed on this host. Real Debian packages of the machine are listed as installed at lab start.
import { existsSync, readdirSync } from 'node:fs';
import { readJson, readMaybe, writeJson } from './common.mjs';

/** Where the lab's dpkg status lives on each host. */
export const STATUS = '/var/lib/dpkg/lab-status.json';

/** The versions the lab's apt repository offers (pkgs.k8s.io style revisions). */
export const CATALOG = {
  kubeadm: ['1.29.9-1.1', '1.30.4-1.1', '1.30.5-1.1', '1.31.1-1.1'],
  kubelet: ['1.29.9-1.1', '1.30.4-1.1', '1.30.5-1.1', '1.31.1-1.1'],
  kubectl: ['1.29.9-1.1', '1.30.4-1.1', '1.30.5-1.1', '1.31.1-1.1'],
  'kubernetes-cni': ['1.3.0-1.1', '1.4.0-1.1'],
  'cri-tools': ['1.30.1-1.1', '1.31.1-1.1'],
  containerd: ['1.6.20~ds1-1+b1', '1.7.12-1'],
  'containerd.io': ['1.6.33-1', '1.7.22-1'],
};

/** The packages pkgs.k8s.io serves: each minor version has its own repository (core:/stable:/v1.NN/deb/). */
export const REPO_PACKAGES = ['kubeadm', 'kubelet', 'kubectl', 'kubernetes-cni', 'cri-tools'];

/** What the last `apt-get update` found: the Kubernetes minors of the configured repositories. */
export const LISTS = '/var/lib/apt/lists/lab-kubernetes.json';

/** The text of the lab repository's signing key; a keyring holding it counts as the right key. */
export const LAB_KEY_MARK = 'kplay-lab-repository-key';

/** The minor ("1.31") of a catalog version ("1.31.1-1.1"). */
const minorOf = (v) => v.split('.').slice(0, 2).join('.');

/** The versions of a package apt can install now: Kubernetes packages only from a repository of their minor fetched by the last update. */
export function offered(name) {
  const all = CATALOG[name];
  if (!all || !REPO_PACKAGES.includes(name)) return all;
  const minors = readJson(LISTS, []);
  if (name === 'kubernetes-cni') return minors.length ? all : [];
  return all.filter((v) => minors.includes(minorOf(v)));
}

/** The repositories configured in sources.list(.d): one-line and deb822 entries as { uri, signedBy, trusted, file }. */
export function sources() {
  const dir = '/etc/apt/sources.list.d';
  const files = ['/etc/apt/sources.list', ...(existsSync(dir) ? readdirSync(dir).filter((f) => /\.(list|sources)$/.test(f)).sort().map((f) => `${dir}/${f}`) : [])];
  const out = [];
  for (const file of files) {
    const text = readMaybe(file) ?? '';
    if (file.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (k) => new RegExp(`^${k}:\\s*(.*)$`, 'mi').exec(stanza)?.[1]?.trim();
        if (!/\bdeb\b/.test(field('Types') ?? '') || /^no$/i.test(field('Enabled') ?? 'yes')) continue;
        for (const uri of (field('URIs') ?? '').split(/\s+/).filter(Boolean)) out.push({ uri, signedBy: field('Signed-By'), trusted: /^yes$/i.test(field('Trusted') ?? ''), file });
      }
      continue;
    }
    for (const line of text.split('\n')) {
      const m = /^\s*deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+\S+/.exec(line);
      if (!m) continue;
      const opts = Object.fromEntries((m[1] ?? '').trim().split(/\s+/).filter(Boolean).map((o) => o.split('=')));
      out.push({ uri: m[2], signedBy: opts['signed-by'], trusted: opts.trusted === 'yes', file });
    }
  }
  return out;
}

/** The Kubernetes minor a repository URI serves ("…/core:/stable:/v1.31/deb/" → "1.31"), or undefined. */
export function repoMinor(uri) {
  return /\/v(\d+\.\d+)\/deb\/?$/.exec(uri)?.[1];
}

/** The status database: { name: { version, hold } }. */
export function readStatus() {
  return readJson(STATUS, {});
}

/** Saves the status database. */
export function writeStatus(s) {
  writeJson(STATUS, s);
}

/** The installed version of a package, or undefined. */
export function installedVersion(name) {
  return readStatus()[name]?.version;
}

/** Compares Debian-ish versions well enough for the catalog (numeric runs compared as numbers). */
export function compareVersions(a, b) {
  const pa = a.split(/[^0-9]+/).filter(Boolean).map(Number);
  const pb = b.split(/[^0-9]+/).filter(Boolean).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

/** The newest version of a package apt can install now. */
export function candidate(name) {
  const v = offered(name);
  return v ? [...v].sort(compareVersions).at(-1) : undefined;
}
