// dnf: packages present, latest or absent (by name, name.arch or name-version-release), autoremove and the
// cache refresh, run with the host's dnf command as Ansible's dnf module decides them. Declared: the facts
// are the installed packages (rpm -qa) and the transaction dnf resolves for what the module would ask of
// it (`dnf --assumeno`, which changes nothing); the plan is that transaction, run with `dnf -y`, and
// Ansible's result (Installed:/Removed: lines). Groups, modules, rpm files and URLs, and the options kplay
// does not run itself, go to Ansible's own dnf module (package.ts chooses).
import { shellQuote as q } from '../util/shell.js';
import { declareModule, failPlan, type Options, type Plan, type RunStep } from './declare.js';
import { installedPackages, markFor, notNative, RPM_QUERY_FORMAT, transactionOf, type Installed, type Transaction } from './dnf-spec.js';
import type { HostIO, ModuleResult } from './types.js';

const bool = { type: 'bool' } as const;
const list = { type: 'list' } as const;

/** The options kplay's dnf runs itself. */
const OPTIONS = {
  name: { type: 'list', aliases: ['pkg'] },
  state: { type: 'str', choices: ['absent', 'installed', 'latest', 'present', 'removed'] },
  update_cache: { type: 'bool', aliases: ['expire-cache'] },
  conf_file: { type: 'str' },
  installroot: { type: 'str' },
  releasever: { type: 'str' },
  enablerepo: list,
  disablerepo: list,
  exclude: list,
  disable_gpg_check: bool,
  install_weak_deps: bool,
  allow_downgrade: bool,
  allowerasing: bool,
  nobest: bool,
  skip_broken: bool,
  cacheonly: bool,
  autoremove: bool,
  validate_certs: bool,
  sslverify: bool,
} as const;

/** The options of Ansible's dnf module kplay hands to that module: a task that gives one runs there. */
export const DNF_BY_ANSIBLE = {
  list: { type: 'str' },
  download_only: bool,
  download_dir: { type: 'str' },
  security: bool,
  bugfix: bool,
  update_only: bool,
  enable_plugin: list,
  disable_plugin: list,
  disable_excludes: { type: 'str' },
  install_repoquery: bool,
  lock_timeout: { type: 'int' },
} as const;

type DnfOptions = Options<typeof OPTIONS>;

/** One thing the module asks of dnf, and what dnf answered when asked with --assumeno. */
interface Resolution {
  op: 'install' | 'upgrade' | 'remove' | 'autoremove';
  specs: string[];
  rc: number;
  stdout: string;
  stderr: string;
}

interface DnfFacts {
  /** dnf's path ('' when the host has none). */
  dnf: string;
  /** The dnf command is dnf5 (Fedora 41 and later), whose answers kplay does not read. */
  dnf5: boolean;
  /** The task runs as root (dnf changes nothing otherwise). */
  root: boolean;
  /** rpm -qa in the install root (RPM_QUERY_FORMAT). */
  installed: string;
  resolved: Resolution[];
  /** Repositories to enable that match none configured (dnf says "Unknown repo"; Ansible's module passes them by). */
  unknownRepos?: string[] | undefined;
}

const DNF_ENV = { LANG: 'C', LC_ALL: 'C' };

// the option names (and aliases) kplay's dnf takes
const NATIVE_NAMES = new Set(Object.entries(OPTIONS).flatMap(([k, v]) => [k, ...('aliases' in v ? v.aliases : [])]));

/** Whether a task runs on kplay's dnf: only the options and specs it runs itself. */
export function nativeDnf(args: Record<string, unknown>): boolean {
  if (Object.keys(args).some((k) => !NATIVE_NAMES.has(k))) return false;
  const names = [args.name ?? args.pkg ?? []].flat().flatMap((n) => String(n).split(','));
  return !names.some((n) => notNative(n.trim()));
}

// the specs as the module lists them: comma-separated texts split, blanks dropped
const specsOf = (o: DnfOptions): string[] => (o.name ?? []).flatMap((n) => String(n).split(',')).map((s) => s.trim()).filter(Boolean);

// the state as the module defaults it (absent with autoremove alone)
const stateOf = (o: DnfOptions): string => o.state ?? (o.autoremove === true ? 'absent' : 'installed');

// dnf's options for the module's: the install root and its configuration, the repositories (but those to
// enable that match none: the module passes them by where dnf's command refuses them), the checks
function flags(o: DnfOptions, unknownRepos: readonly string[] = []): string {
  const f: string[] = [];
  if (o.installroot && o.installroot !== '/') f.push(`--installroot=${q(o.installroot)}`);
  if (o.conf_file) f.push(`--config=${q(o.conf_file)}`);
  if (o.releasever) f.push(`--releasever=${q(o.releasever)}`);
  // the module disables before it enables
  for (const r of o.disablerepo ?? []) f.push(`--disablerepo=${q(String(r))}`);
  for (const r of o.enablerepo ?? []) if (!unknownRepos.includes(String(r))) f.push(`--enablerepo=${q(String(r))}`);
  if ((o.exclude ?? []).length) f.push(`--exclude=${q((o.exclude ?? []).map(String).join(','))}`);
  f.push(o.disable_gpg_check === true ? '--nogpgcheck' : '--setopt=gpgcheck=True --setopt=localpkg_gpgcheck=True');
  if (o.sslverify === false || o.validate_certs === false) f.push('--setopt=sslverify=False');
  if (o.skip_broken === true) f.push('--setopt=strict=False');
  if (o.nobest === true) f.push('--setopt=best=False');
  if (o.cacheonly === true) f.push('--cacheonly');
  f.push(`--setopt=install_weak_deps=${o.install_weak_deps === false ? 'False' : 'True'}`);
  f.push(`--setopt=clean_requirements_on_remove=${o.autoremove === true ? 'True' : 'False'}`);
  return f.join(' ');
}

// what the module asks dnf: per spec, install or upgrade (present, latest), or the installed matches removed (absent)
function asks(o: DnfOptions, installed: Installed[]): { op: Resolution['op']; specs: string[] }[] {
  const specs = specsOf(o);
  const state = stateOf(o);
  if (state === 'absent' || state === 'removed') {
    // with autoremove the module also removes what nothing needs any more (dnf autoremove, after the removal)
    return [...(specs.length ? [{ op: 'remove' as const, specs }] : []), ...(o.autoremove === true ? [{ op: 'autoremove' as const, specs: [] }] : [])];
  }
  if (state === 'latest' && specs.length === 1 && specs[0] === '*') return [{ op: 'upgrade', specs: [] }];
  const install: string[] = [];
  const upgrade: string[] = [];
  for (const s of specs) {
    const mark = markFor(s, installed, state === 'latest', o.allow_downgrade === true);
    if (mark === 'install') install.push(s);
    else if (mark === 'upgrade') upgrade.push(s);
  }
  return [...(install.length ? [{ op: 'install' as const, specs: install }] : []), ...(upgrade.length ? [{ op: 'upgrade' as const, specs: upgrade }] : [])];
}

// the dnf command for one request: --assumeno to resolve it, -y to carry it out
const dnfLine = (o: DnfOptions, dnf: string, r: { op: Resolution['op']; specs: string[] }, answer: '--assumeno' | '-y', unknownRepos: readonly string[]): string =>
  `${q(dnf)} ${answer} ${flags(o, unknownRepos)}${o.allowerasing === true || r.op === 'remove' ? ' --allowerasing' : ''} ${r.op}${r.specs.map((s) => ` ${q(s)}`).join('')}`;

async function readFacts(o: DnfOptions, host: HostIO): Promise<DnfFacts> {
  const root = o.installroot && o.installroot !== '/' ? ` --root ${q(o.installroot)}` : '';
  const r = await host.run(`d=$(command -v dnf); echo "$d"; if [ -n "$d" ]; then readlink -f "$d"; else echo; fi; id -u; rpm${root} -qa --qf '${RPM_QUERY_FORMAT}' 2>/dev/null`, { env: DNF_ENV });
  const [dnf = '', real = '', uid = '', ...rest] = r.stdout.split('\n');
  const facts: DnfFacts = { dnf, dnf5: /dnf5$/.test(real), root: uid.trim() === '0', installed: rest.join('\n'), resolved: [] };
  if (facts.dnf5) return facts;
  if (dnf && o.enablerepo?.length) facts.unknownRepos = await unknownRepos(o, dnf, host);
  if (!dnf || !facts.root || (o.update_cache === true && !specsOf(o).length && o.autoremove !== true)) return facts;
  const installed = installedPackages(facts.installed);
  for (const a of asks(o, installed)) {
    // the cache is refreshed where the module refreshes it: when it reads the repositories
    const line = dnfLine(o, dnf, a, '--assumeno', facts.unknownRepos ?? []) + (o.update_cache === true ? ' --refresh' : '');
    const answer = await host.run(line, { env: DNF_ENV });
    facts.resolved.push({ ...a, rc: answer.rc, stdout: answer.stdout, stderr: answer.stderr });
  }
  return facts;
}

// the repositories to enable that match none configured, as dnf names them when it refuses one (its strict
// setting): one repolist per unknown one, the first with all of them
async function unknownRepos(o: DnfOptions, dnf: string, host: HostIO): Promise<string[]> {
  const unknown: string[] = [];
  for (const _ of o.enablerepo ?? []) {
    const r = await host.run(`${q(dnf)} -q ${flags(o, unknown)} repolist`, { env: DNF_ENV });
    const repo = /Unknown repo: '(.*)'/.exec(`${r.stdout}\n${r.stderr}`)?.[1];
    if (repo === undefined || unknown.includes(repo)) break;
    unknown.push(repo);
  }
  return unknown;
}

const FAILED_SOME = 'Failed to install some of the specified packages';

// the packages dnf found no match for: the module's failures for an install or upgrade
// (every one when no repository is enabled: the module finds none of them)
function unmatched(r: Resolution): string[] {
  const text = `${r.stdout}\n${r.stderr}`;
  if (/^Error: There are no enabled repositories/m.test(text)) return r.specs;
  return [...text.matchAll(/^No match for argument: (.*)$/gm)].map((m) => (m[1] ?? '').trim());
}

// a resolution's transaction, the specs dnf found no package for, or dnf's error
function resolved(r: Resolution, installed: Installed[]): Transaction | { missing: string[] } | { error: string } {
  const t = transactionOf(r.stdout, installed);
  if (t.install.length || t.remove.length) return t;
  const missing = r.op === 'install' || r.op === 'upgrade' ? unmatched(r) : [];
  if (missing.length) return { missing };
  // dnf's error as the module words it (its text starts after "Error: ", on the same line or the next)
  if (r.rc !== 0) return { error: (/^Error: ([\s\S]*)$/m.exec(`${r.stdout}\n${r.stderr}`)?.[1] ?? (r.stderr || r.stdout)).trimEnd() };
  return t;
}

/** The dnf module, declared. */
export const dnfModule = declareModule({
  spec: { options: OPTIONS },
  refuse(o) {
    const bad = specsOf(o).find(notNative);
    if (bad !== undefined) return `kplay's dnf installs packages by name: ${bad} is for Ansible's dnf module (a group, module, rpm file or URL)`;
    return undefined;
  },
  facts: (o, host) => readFacts(o, host),
  plan(o, f, { check }): Plan {
    if (o.autoremove === true && o.state !== undefined && o.state !== 'absent' && o.state !== 'removed') return failPlan('Autoremove should be used alone or with state=absent', { results: [] });
    if (!f.dnf) return failPlan('kplay runs dnf with the host\'s dnf command, and the host has none on its PATH', { results: [] });
    if (f.dnf5) return failPlan(`kplay's dnf reads dnf 4's answers, and this host's dnf is dnf5 (${f.dnf}): use ansible.builtin.dnf5, which runs as Ansible's module`, { results: [] });
    if (!f.root) return failPlan('This command has to be run under the root user.', { results: [] });
    const specs = specsOf(o);
    if (o.update_cache === true && !specs.length && o.autoremove !== true) {
      const step: RunStep = { kind: 'run', command: `${q(f.dnf)} ${flags(o, f.unknownRepos)} makecache --refresh`, failure: '{stderr}', failKeys: { results: [], rc: 1 }, env: DNF_ENV, inCheck: true };
      return { steps: [step], result: { changed: false, msg: 'Cache updated', results: [], rc: 0 } };
    }
    const installed = installedPackages(f.installed);
    const results: string[] = [];
    const steps: RunStep[] = [];
    const failures: string[] = [];
    // what the module asks of dnf follows from the options and the installed packages; dnf's answers are facts
    for (const ask of asks(o, installed)) {
      const r = f.resolved.find((x) => x.op === ask.op && x.specs.join('\n') === ask.specs.join('\n'));
      if (!r) return failPlan(`dnf was not asked to ${ask.op} ${ask.specs.join(' ')} (the facts lack its answer)`, { results: [] });
      const t = resolved(r, installed);
      if ('error' in t) return failPlan(`Depsolve Error occurred: ${t.error}`, { failures: [], results: [], rc: 1 });
      if ('missing' in t) {
        failures.push(...t.missing.map((s) => `No package ${s} available.`));
        continue;
      }
      if (!t.install.length && !t.remove.length) continue;
      // sorted: the module lists dnf's sets in no order of their own
      results.push(...[...t.install].sort().map((p) => `Installed: ${p}`), ...[...t.remove].sort().map((p) => `Removed: ${p}`));
      const line = dnfLine(o, f.dnf, r, '-y', f.unknownRepos ?? []);
      steps.push({ kind: 'run', command: line, failure: FAILED_SOME, failKeys: { results: [], rc: 1 }, failWith: ['stdout', 'stderr'], env: DNF_ENV });
    }
    // the module fails before it changes anything when any spec has no package
    if (failures.length) return failPlan(FAILED_SOME, { failures, results: [], rc: 1 });
    // (a package the removal and autoremove both take is listed once, as in the module's one transaction)
    results.splice(0, results.length, ...new Set(results));
    if (!steps.length) return { steps: [], result: { changed: false, msg: 'Nothing to do', results: [], rc: 0 } };
    const result: ModuleResult = { changed: true, msg: check ? 'Check mode: No changes made, but would have if not in check mode' : '', results, rc: 0 };
    return { steps, result };
  },
});
