// rpm's version ordering (rpmvercmp, and epoch:version-release as rpm's labelCompare orders them): the dnf
// module asks whether a newer version than the one named is installed, as Ansible's does with rpm's own.

const alnum = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9]/.test(c);
const digit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** rpmvercmp: 1 when `a` is newer, -1 when `b` is, 0 when they are the same version. */
export function rpmVerCmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && !alnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !alnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    // a tilde sorts before anything, even the end
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    // a caret sorts after the end, before anything else
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = digit(a[i]);
    const si = i;
    const sj = j;
    const same = numeric ? digit : (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);
    while (same(a[i])) i++;
    while (same(b[j])) j++;
    let x = a.slice(si, i);
    let y = b.slice(sj, j);
    // segments of different kinds: a number is newer than letters
    if (!y) return numeric ? 1 : -1;
    if (numeric) {
      x = x.replace(/^0+/, '');
      y = y.replace(/^0+/, '');
      if (x.length !== y.length) return x.length > y.length ? 1 : -1;
    }
    if (x !== y) return x > y ? 1 : -1;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** An rpm's epoch, version and release. */
export interface Evr {
  epoch: string;
  version: string;
  release: string;
}

/** labelCompare: epochs (as numbers, none being 0), then versions, then releases. */
export function compareEvr(a: Evr, b: Evr): number {
  const ea = Number(a.epoch || '0');
  const eb = Number(b.epoch || '0');
  if (ea !== eb) return ea > eb ? 1 : -1;
  return rpmVerCmp(a.version, b.version) || rpmVerCmp(a.release, b.release);
}
