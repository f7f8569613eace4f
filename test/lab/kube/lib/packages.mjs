// The lab's package database: which Kubernetes packages (and versions) apt "has", and which are
// installed on this host. Real Debian packages of the machine are listed as installed at lab start.
import { readJson, writeJson } from './common.mjs';

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

/** The newest catalog version of a package. */
export function candidate(name) {
  const v = CATALOG[name];
  return v ? [...v].sort(compareVersions).at(-1) : undefined;
}
