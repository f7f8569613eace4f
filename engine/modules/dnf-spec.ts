// What the dnf module makes of its package specs and of dnf's answers: a spec's name, arch and version as
// Ansible's dnf module splits them, what it asks dnf to do for each (install, upgrade, nothing) against the
// installed packages, and the transaction dnf resolves (read from the table `dnf --assumeno` prints).
import { compareEvr, type Evr } from '../util/rpm-version.js';

// Ansible's list (rpm's platforms on Fedora 28)
const RPM_ARCHES = new Set('aarch64 alphaev56 alphaev5 alphaev67 alphaev6 alpha alphapca56 amd64 armv3l armv4b armv4l armv5tejl armv5tel armv5tl armv6hl armv6l armv7hl armv7hnl armv7l athlon geode i386 i486 i586 i686 ia32e ia64 m68k mips64el mips64 mips64r6el mips64r6 mipsel mips mipsr6el mipsr6 noarch pentium3 pentium4 ppc32dy4 ppc64iseries ppc64le ppc64 ppc64p7 ppc64pseries ppc8260 ppc8560 ppciseries ppc ppcpseries riscv64 s390 s390x sh3 sh4a sh4 sh sparc64 sparc64v sparc sparcv8 sparcv9 sparcv9v x86_64'.split(' '));

/** An installed package: its name, epoch, version, release and arch (rpm -qa). */
export interface Installed extends Evr {
  name: string;
  arch: string;
}

/** The query that lists the installed packages as `installedPackages` reads them. */
export const RPM_QUERY_FORMAT = '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n';

/** The installed packages from rpm -qa's lines (RPM_QUERY_FORMAT). */
export function installedPackages(text: string): Installed[] {
  return text.split('\n').flatMap((line) => {
    const [name, epoch, version, release, arch] = line.split('\t');
    return name && version !== undefined && release !== undefined && arch !== undefined ? [{ name, epoch: epoch ?? '0', version, release, arch }] : [];
  });
}

/** A package as dnf names it in its results: name-[epoch:]version-release.arch. */
export const nevra = (p: Installed): string => `${p.name}-${p.epoch && p.epoch !== '0' ? `${p.epoch}:` : ''}${p.version}-${p.release}.${p.arch}`;

/** A spec's name and arch, when it ends in a known arch (`kubeadm.x86_64`). */
export function splitArch(spec: string): { name: string; arch?: string } {
  const dot = spec.lastIndexOf('.');
  const arch = spec.slice(dot + 1);
  return dot > 0 && RPM_ARCHES.has(arch) ? { name: spec.slice(0, dot), arch } : { name: spec };
}

/** A spec naming at least name, version and release (`kubeadm-1.30.2-150500.1.1`), as the module's _packagename_dict parses it; undefined otherwise. */
export function versionedSpec(spec: string): (Evr & { name: string }) | undefined {
  let s = spec.endsWith('.rpm') ? spec.slice(0, -4) : spec;
  const { name: nevr, arch } = splitArch(s);
  if (arch) s = nevr;
  const m = /^(\S+)-(?:(\d*):)?(.*)-(~?\w+[\w.+]*)/.exec(s);
  if (!m) return undefined;
  let [, name = '', epoch = '', version = '', release = ''] = m;
  if (!version || !/^\d+$/.test(version.split('.')[0] ?? '')) return undefined;
  if (!epoch) epoch = '0';
  if (name.includes(':')) {
    const parts = name.split(':');
    epoch = parts[0] ?? '0';
    name = parts.slice(1).join('');
  }
  return { name, epoch, version, release };
}

/** Whether a package matching the spec is installed (its name, or its exact version when it names one), as _is_installed. */
export function isInstalled(spec: string, installed: Installed[]): boolean {
  const { name, arch } = splitArch(spec);
  const v = versionedSpec(spec);
  return installed.some((p) => (arch === undefined || p.arch === arch) && (v ? p.name === v.name && Number(p.epoch) === Number(v.epoch) && p.version === v.version && p.release === v.release : p.name === name));
}

/** Whether the spec names a version older than the installed one (the first installed of its name), as _is_newer_version_installed. */
export function newerInstalled(spec: string, installed: Installed[]): boolean {
  const v = versionedSpec(spec);
  const have = v && installed.find((p) => p.name === v.name);
  return have !== undefined && compareEvr(have, v as Evr) === 1;
}

/** What dnf is asked to do with a spec present or latest: Ansible's _mark_package_install. */
export function markFor(spec: string, installed: Installed[], latest: boolean, allowDowngrade: boolean): 'install' | 'upgrade' | undefined {
  if (newerInstalled(spec, installed)) return allowDowngrade ? 'install' : undefined;
  if (isInstalled(spec, installed)) return latest ? 'upgrade' : undefined;
  return 'install';
}

/** A spec the native module does not take: a group or module (@), an rpm file or URL (Ansible's dnf handles those itself). */
export const notNative = (spec: string): boolean => spec.startsWith('@') || spec.endsWith('.rpm') || spec.includes('/');

/** The transaction dnf resolved: what it installs (upgrades' and downgrades' new versions too) and what it removes. */
export interface Transaction {
  install: string[];
  remove: string[];
}

// a table entry (name, arch, [epoch:]version-release) as dnf names the package in its results
function entry(name: string, arch: string, evr: string): string {
  const [, epoch = '0', version = '', release = ''] = /^(?:(\d+):)?(.*)-([^-]*)$/.exec(evr) ?? [];
  return nevra({ name, arch, epoch, version, release });
}

const INSTALLING = /^(Installing|Upgrading|Downgrading|Reinstalling)\b/;
const REMOVING = /^Removing\b/;

/**
 * The transaction in dnf's table (`dnf --assumeno` before it asks): each section's packages as
 * name-[epoch:]version-release.arch; an upgraded or downgraded package's old version (from `installed`) and
 * what an entry replaces (obsoletes) are removed. Wrapped lines are joined; skipped packages are not in it.
 */
export function transactionOf(table: string, installed: Installed[]): Transaction {
  const out: Transaction = { install: [], remove: [] };
  let section: 'install' | 'remove' | undefined;
  let replaces = false;
  let tokens: string[] = [];
  const flush = (): void => {
    if (tokens.length >= 3 && section) {
      const [name = '', arch = '', evr = ''] = tokens;
      if (section === 'remove') out.remove.push(entry(name, arch, evr));
      else {
        out.install.push(entry(name, arch, evr));
        if (replaces) for (const old of installed.filter((x) => x.name === name && x.arch === arch)) out.remove.push(nevra(old));
      }
    }
    tokens = [];
  };
  for (const line of table.split('\n')) {
    if (/^\S/.test(line)) {
      flush();
      const head = line.replace(/:$/, '');
      section = INSTALLING.test(head) ? 'install' : REMOVING.test(head) ? 'remove' : undefined;
      replaces = /^(Upgrading|Downgrading)/.test(head);
      continue;
    }
    if (!line.trim()) {
      flush();
      section = undefined;
      continue;
    }
    // an obsoleted package: "     replacing  name.arch  version"
    const repl = /^\s+replacing\s+(\S+)\.(\S+)\s+(\S+)/.exec(line);
    if (repl && section) {
      flush();
      const [, name = '', arch = '', evr = ''] = repl;
      out.remove.push(entry(name, arch, evr));
      continue;
    }
    if (/^ \S/.test(line)) flush();
    tokens.push(...line.trim().split(/\s+/));
  }
  flush();
  return out;
}
