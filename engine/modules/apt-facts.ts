// What the apt module reads before it decides, as Ansible's module reads it through python-apt: the tools,
// the age of the package lists, each named package's dpkg state and apt policy (its candidate and the
// versions apt knows), the package names when a name has a wildcard. Like Ansible's module it first runs
// `apt-get clean` (when asked, in check mode too) and refreshes stale package lists (not in check mode),
// so the packages are read as apt sees them after the update; what those two did is part of the facts.
import { shellQuote as q } from '../util/shell.js';
import { globToRegExp } from '../inventory/patterns.js';
import { updateCommand } from './apt-repository.js';
import type { HostIO } from './types.js';

/** A command's exit status and output. */
export interface Outcome {
  rc: number;
  stdout: string;
  stderr: string;
}

/** One package as dpkg and apt know it: dpkg-query's `Status-Abbrev|Version` line, apt-cache policy's text, and who provides it when apt has no version of it. */
export interface PackageRecord {
  status: string;
  policy: string;
  providers?: string[] | undefined;
}

/** The apt module's facts. */
export interface AptFacts {
  /** Where apt-get, aptitude and apt-mark are ('' when missing), and the PATH they were looked for in. */
  tools: { aptGet: string; aptitude: string; aptMark: string; path: string };
  /** apt-get clean's outcome, when `clean` was asked. */
  clean?: Outcome | undefined;
  /** The package lists' modification time and the host's clock (seconds) when the module started. */
  times: { mtime: number; now: number };
  /** When update_cache or cache_valid_time was given: whether the lists were older than cache_valid_time; the update's outcome and the lists' time after it, when one ran. */
  cache?: { stale: boolean; update?: Outcome | undefined; mtimeAfter?: number | undefined } | undefined;
  /** Every package name apt knows, when a wanted name has a wildcard. */
  names?: string[] | undefined;
  /** The named packages (and a lone provider of a virtual one). */
  packages: Record<string, PackageRecord>;
}

/** The environment Ansible's apt module runs apt-get, aptitude and apt-mark in (their output is read). */
export const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive', DEBIAN_PRIORITY: 'critical', LANG: 'C', LC_ALL: 'C', LC_MESSAGES: 'C', LC_CTYPE: 'C' };

/** A name pattern with a wildcard (none of these characters can be in a Debian package name). */
export const hasWildcard = (name: string): boolean => /[*?[\]!]/.test(name);

/** The name, comparison and version of a package spec (`kubeadm=1.30.*`, `containerd>=1.7`), as the module's package_split. */
export function splitSpec(spec: string): { name: string; cmp: '' | '=' | '>='; version: string } {
  const m = /^(.*?)(>?=)(.*)$/s.exec(spec);
  return m ? { name: m[1] as string, cmp: m[2] as '=' | '>=', version: m[3] as string } : { name: spec, cmp: '', version: '' };
}

const STAMP = '/var/lib/apt/periodic/update-success-stamp';
const LISTS = '/var/lib/apt/lists';
const TIME = `if [ -e ${STAMP} ]; then stat -c %.9Y ${STAMP}; elif [ -e ${LISTS} ]; then stat -c %.9Y ${LISTS}; else echo 0; fi`;
const PKG = '\u001e';
const FIELD = '\u001f';

// dpkg's and apt's record of each package, in one command: per package its name and dpkg-query line, apt-cache
// policy's text, and (when apt has no version of it) the packages that provide it
async function records(host: HostIO, names: string[], release: string | undefined): Promise<Record<string, PackageRecord>> {
  if (!names.length) return {};
  const script = [
    // dpkg's database where apt's configuration says it is (as python-apt reads it)
    `S=/var/lib/dpkg/status; eval "$(apt-config shell S Dir::State::status/f 2>/dev/null)"`,
    `for p in ${names.map(q).join(' ')}; do`,
    `  printf '${PKG}%s\\n' "$p"`,
    `  dpkg-query --admindir="\${S%/*}" -W -f='\${db:Status-Abbrev}|\${Version}\\n' "$p" 2>/dev/null | head -n 1`,
    `  pol=$(apt-cache${release ? ` -t ${q(release)}` : ''} policy "$p" 2>/dev/null); printf '${FIELD}%s\\n${FIELD}' "$pol"`,
    `  printf '%s\\n' "$pol" | grep -qE '^( \\*\\*\\*|     [^ ])' || apt-cache showpkg "$p" 2>/dev/null | sed '1,/^Reverse Provides:/d'`,
    'done',
  ].join('\n');
  const r = await host.run(script, { env: APT_ENV });
  const out: Record<string, PackageRecord> = {};
  for (const record of r.stdout.split(PKG).slice(1)) {
    const [head = '', policy = '', provides = ''] = record.split(FIELD);
    const [name = '', status = ''] = head.split('\n');
    const providers = [...new Set(provides.split('\n').map((l) => l.trim().split(' ')[0] ?? '').filter(Boolean))];
    out[name] = { status: status.trim(), policy: policy.trimEnd(), ...(providers.length ? { providers } : {}) };
  }
  return out;
}

/** A package's dpkg state: installed (dpkg's current state `i`) with its version, and whether it left files (installed or only its configuration). */
export function dpkgState(status: string): { installed: boolean; version: string; hasFiles: boolean } {
  const [abbrev = '', version = ''] = status.split('|');
  const current = abbrev[1] ?? 'n';
  return { installed: current === 'i', version: current === 'i' ? version : '', hasFiles: abbrev !== '' && current !== 'n' };
}

/** apt-cache policy's candidate ('' for none) and the versions of its table, newest first; none when apt does not know the package. */
export function aptPolicy(text: string): { known: boolean; candidate: string; versions: string[] } {
  const candidate = /^\s*Candidate:\s*(\S+)/m.exec(text)?.[1] ?? '';
  const versions = [...text.matchAll(/^(?: \*\*\*|    ) (\S+) -?\d+$/gm)].map((m) => m[1] as string);
  return { known: versions.length > 0, candidate: candidate === '(none)' ? '' : candidate, versions };
}

/** The options the facts depend on. */
export interface AptFactOptions {
  name?: unknown[] | undefined;
  state?: string | undefined;
  clean?: boolean | undefined;
  update_cache?: boolean | undefined;
  cache_valid_time?: number | undefined;
  update_cache_retries?: number | undefined;
  update_cache_retry_max_delay?: number | undefined;
  upgrade?: string | undefined;
  default_release?: string | undefined;
}

/** The upgrade asked for, if any (`no` is none). */
export const upgradeMode = (o: AptFactOptions): string | undefined => (o.upgrade === undefined || o.upgrade === 'no' ? undefined : o.upgrade);

/** `*` with state latest: every installed package upgraded (as upgrade: yes). */
export const upgradesAll = (o: AptFactOptions): boolean => o.state === 'latest' && (o.name ?? []).includes('*');

/** The packages a task names, without the `*` that means all installed ones. */
export const namedSpecs = (o: AptFactOptions): string[] => (o.name ?? []).map((n) => String(n)).filter((n) => n !== '*').map((n) => n.trim());

/** The package names the specs stand for: a wildcard name matched against every name apt knows (not the architecture-qualified ones unless it has a `:`). */
export function expandSpecs(specs: string[], names: string[]): { specs: string[] } | { unmatched: string } {
  const out: string[] = [];
  for (const spec of specs) {
    const { name } = splitSpec(spec);
    if (!hasWildcard(name)) {
      out.push(spec);
      continue;
    }
    const re = globToRegExp(name);
    const found = names.filter((n) => (name.includes(':') || !n.includes(':')) && re.test(n));
    if (!found.length) return { unmatched: name };
    out.push(...found);
  }
  return { specs: out };
}

/** Reads the apt module's facts, after apt-get clean and the lists' update where the options ask for them. */
export async function readAptFacts(o: AptFactOptions, host: HostIO, check: boolean): Promise<AptFacts> {
  const [retries, maxDelay] = [o.update_cache_retries ?? 5, o.update_cache_retry_max_delay ?? 12];
  const found = await host.run(`for b in apt-get aptitude apt-mark; do command -v "$b" || echo; done; ${TIME}; date +%s.%N; printf %s "$PATH"`);
  const [aptGet = '', aptitude = '', aptMark = '', mtime = '', now = '', ...path] = found.stdout.split('\n');
  const times = { mtime: Number(mtime) || 0, now: Number(now) || 0 };
  const facts: AptFacts = { tools: { aptGet, aptitude, aptMark, path: path.join('\n') }, times, packages: {} };
  if (o.clean === true) {
    facts.clean = await host.run('apt-get clean', { env: APT_ENV });
    if (facts.clean.rc !== 0 || facts.clean.stderr) return facts;
  }
  if (o.update_cache === true || (o.cache_valid_time ?? 0) !== 0) {
    const stale = times.mtime + (o.cache_valid_time ?? 0) < times.now;
    facts.cache = { stale };
    if (stale && !check) {
      const r = await host.run(updateCommand(retries, maxDelay), { env: APT_ENV });
      facts.cache = { stale, update: { rc: r.rc, stdout: '', stderr: r.stderr }, mtimeAfter: Number((await host.run(TIME)).stdout.trim()) || 0 };
      if (r.rc !== 0) return facts;
    }
  }
  if (upgradeMode(o) !== undefined || upgradesAll(o) || o.state === 'build-dep') return facts;
  const specs = namedSpecs(o);
  if (specs.some((s) => hasWildcard(splitSpec(s).name))) facts.names = (await host.run('apt-cache pkgnames', { env: APT_ENV })).stdout.split('\n').filter(Boolean).sort();
  const expanded = expandSpecs(specs, facts.names ?? []);
  if (!('specs' in expanded)) return facts;
  facts.packages = await records(host, [...new Set(expanded.specs.map((s) => splitSpec(s).name))], o.default_release);
  // a virtual package one package provides is that package, when it is installed
  const lone = Object.values(facts.packages).flatMap((p) => (!aptPolicy(p.policy).known && p.providers?.length === 1 ? p.providers : []));
  Object.assign(facts.packages, await records(host, lone.filter((n) => !(n in facts.packages)), o.default_release));
  return facts;
}
