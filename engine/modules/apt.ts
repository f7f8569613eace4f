// apt and package: packages present (optionally `kubeadm=1.30.*` or `containerd>=1.7`), latest, fixed,
// absent or their build dependencies; upgrades, autoclean and autoremove; as Ansible's module decides
// them. Declared: the facts (apt-facts.ts) are each package's dpkg state and apt policy, read after the
// lists are refreshed; the plan builds the apt-get command Ansible's module would run (with --simulate in
// check mode, so check mode shows what apt would do), then marks the named packages manually installed.
import { compareDebVersions } from '../util/deb-version.js';
import { globToRegExp } from '../inventory/patterns.js';
import { APT_ENV, aptPolicy, dpkgState, expandSpecs, namedSpecs, readAptFacts, splitSpec, upgradeMode, upgradesAll, type AptFacts } from './apt-facts.js';
import { declareModule, failPlan, type Options, type Plan, type RunStep, type Step } from './declare.js';
import type { ModuleResult } from './types.js';

const OPTIONS = {
  name: { type: 'list', aliases: ['package', 'pkg'] },
  state: { type: 'str', choices: ['absent', 'build-dep', 'fixed', 'latest', 'present'] },
  update_cache: { type: 'bool', aliases: ['update-cache'] },
  update_cache_retries: { type: 'int' },
  update_cache_retry_max_delay: { type: 'int' },
  cache_valid_time: { type: 'int' },
  force: { type: 'bool' },
  install_recommends: { type: 'bool', aliases: ['install-recommends'] },
  allow_downgrade: { type: 'bool', aliases: ['allow-downgrade', 'allow_downgrades', 'allow-downgrades'] },
  allow_change_held_packages: { type: 'bool' },
  autoremove: { type: 'bool' },
  autoclean: { type: 'bool' },
  clean: { type: 'bool' },
  purge: { type: 'bool' },
  default_release: { type: 'str', aliases: ['default-release'] },
  upgrade: { type: 'str', choices: ['dist', 'full', 'no', 'safe', 'yes'] },
  force_apt_get: { type: 'bool' },
  fail_on_autoremove: { type: 'bool' },
  allow_unauthenticated: { type: 'bool', aliases: ['allow-unauthenticated'] },
  dpkg_options: { type: 'str' },
  only_upgrade: { type: 'bool' },
  lock_timeout: { type: 'int' },
  policy_rc_d: { type: 'int' },
} as const;

/** The options of Ansible's apt module kplay hands to that module: a task that gives one runs there (a .deb file's install: python-apt reads it). */
export const APT_BY_ANSIBLE = { deb: { type: 'path' } } as const;

type AptOptions = Options<typeof OPTIONS>;

const APT_GET_ZERO = '\n0 upgraded, 0 newly installed';
const APTITUDE_ZERO = '\n0 packages upgraded, 0 newly installed';

/** The dpkg options as the module passes them to apt-get (`-o "Dpkg::Options::=--force-confdef" ...`). */
const dpkgOptions = (o: AptOptions): string =>
  (o.dpkg_options ?? 'force-confdef,force-confold')
    .split(',')
    .map((d) => `-o "Dpkg::Options::=--${d}"`)
    .join(' ');

// a step running one of apt's tools as the module runs them (its environment; failures with the output)
const aptStep = (command: string, failure: string, more: Partial<RunStep> = {}): RunStep => ({ kind: 'run', command, failure, env: APT_ENV, inCheck: true, failWith: ['stdout', 'stderr', 'rc'], reportOutput: true, ...more });

// what lock_timeout adds to the commands that take dpkg's lock: how long apt-get waits for it
const lockWait = (o: AptOptions): string => (o.lock_timeout === undefined ? '' : ` -o DPkg::Lock::Timeout=${o.lock_timeout}`);

// the command run with /usr/sbin/policy-rc.d exiting `code` (101: the packages' services do not start), an existing one moved aside and put back after, as the module's PolicyRcD does
function withPolicyRcD(code: number, command: string): string {
  const p = '/usr/sbin/policy-rc.d';
  return [
    `b=; if [ -e ${p} ]; then b=$(mktemp -d /tmp/ansibleXXXXXXXX) && mv ${p} "$b/" || { echo "Fail to move ${p} to $b" >&2; exit 1; }; fi`,
    `printf '#!/bin/sh\nexit %d\n' ${Math.trunc(code)} > ${p} && chmod 0755 ${p} || { echo "Failed to create or chmod ${p}" >&2; exit 1; }`,
    `${command}`,
    'rc=$?',
    `if [ -n "$b" ]; then mv "$b/policy-rc.d" ${p} && rmdir "$b" || { echo "Fail to move back $b/policy-rc.d to ${p}" >&2; exit 1; }; else rm -f ${p} || { echo "Fail to remove ${p} (after package manipulation)" >&2; exit 1; }; fi`,
    'exit $rc',
  ].join('; ');
}

// a step running apt-get or aptitude: with policy_rc_d, inside the policy-rc.d wrapper, as the module runs them (apt-mark is not)
const aptGetStep = (o: AptOptions, command: string, failure: string, more: Partial<RunStep> = {}): RunStep => aptStep(o.policy_rc_d === undefined ? command : withPolicyRcD(o.policy_rc_d, command), failure, more);

/** Whether the lists were refreshed, and their time, as the module reports them (cache_updated, cache_update_time). */
function cacheKeys(f: AptFacts, check: boolean): { cache_updated: boolean; cache_update_time: number } {
  const c = f.cache;
  const before = Math.trunc(f.times.mtime);
  if (!c || c.mtimeAfter === undefined) return { cache_updated: check && c !== undefined && c.stale, cache_update_time: before };
  const after = Math.trunc(c.mtimeAfter);
  return { cache_updated: after !== before, cache_update_time: after };
}

// upgrade: yes/safe (aptitude safe-upgrade, else apt-get upgrade --with-new-pkgs), full (aptitude full-upgrade,
// else apt-get dist-upgrade) or dist; changed unless apt says nothing was upgraded; the module ends here
function upgrade(o: AptOptions, f: AptFacts, mode: string, check: boolean): Plan {
  const useAptGet = o.force_apt_get === true || !f.tools.aptitude;
  const autoremove = o.autoremove === true ? '--auto-remove' : '';
  const [tool, sub] = mode === 'dist' || (mode === 'full' && useAptGet) ? [f.tools.aptGet, `dist-upgrade ${autoremove}`] : mode === 'full' ? [f.tools.aptitude, 'full-upgrade'] : useAptGet ? [f.tools.aptGet, `upgrade --with-new-pkgs ${autoremove}`] : [f.tools.aptitude, 'safe-upgrade'];
  if (!tool) return failPlan(`Failed to find required executable "apt-get" in paths: ${f.tools.path}`);
  const aptitude = tool === f.tools.aptitude;
  const force = o.force === true ? (aptitude ? '--assume-yes --allow-untrusted' : '--force-yes') : '';
  const flags = [dpkgOptions(o), force, o.fail_on_autoremove === true ? '--no-remove' : '', o.allow_unauthenticated === true ? '--allow-unauthenticated' : '', o.allow_downgrade === true ? '--allow-downgrades' : '', check ? '--simulate' : ''];
  const command = `${tool} -y ${flags.join(' ')} ${sub}${o.default_release ? ` -t '${o.default_release}'` : ''}`;
  const step = aptGetStep(o, command, `'${tool} ${sub}' failed: {stderr}`, { failWith: ['stdout', 'rc'], changedUnless: aptitude ? APTITUDE_ZERO : APT_GET_ZERO });
  return { steps: [step], result: { changed: true, stdout: '', stderr: '' } };
}

// apt-get autoclean or autoremove (with no package named); changed when apt deleted or removed something
function cleanup(o: AptOptions, f: AptFacts, operation: 'autoclean' | 'autoremove', check: boolean): Plan {
  const command = `${f.tools.aptGet} -y ${dpkgOptions(o)} ${o.purge === true ? '--purge' : ''} ${o.force === true ? '--force-yes' : ''} ${operation} ${check ? '--simulate' : ''}`;
  const step = aptGetStep(o, command, `'apt-get ${operation}' failed: {stderr}`, { changedIf: operation === 'autoremove' ? 'The following packages will be REMOVED' : 'Del ' });
  return { steps: [step], result: { changed: false, stdout: '', stderr: '' } };
}

/** A package as the module's package_status sees it: installed at all, installed in the wanted version, and the version to install (true: let apt choose). */
interface Status {
  installed: boolean;
  /** dpkg has files of it (installed, or its configuration left): what purge removes. */
  hasFiles: boolean;
  versionInstalled: boolean;
  installable: string | true | undefined;
}

// the newest version apt would install for the spec: for `=` the newest matching the pattern (the module pins them above all)
function bestMatch(policy: ReturnType<typeof aptPolicy>, cmp: string, version: string): string | undefined {
  if (cmp !== '=') return policy.candidate || undefined;
  const re = globToRegExp(version);
  return policy.versions.find((v) => re.test(v));
}

// package_status: the state of one package, or the failure of a name apt does not know
function status(f: AptFacts, name: string, cmp: string, version: string, forInstall: boolean): Status | string {
  const rec = f.packages[name];
  const policy = aptPolicy(rec?.policy ?? '');
  if (!rec || !policy.known) {
    if (!forInstall) return { installed: false, hasFiles: false, versionInstalled: false, installable: undefined };
    const providers = rec?.providers ?? [];
    if (!providers.length) return `No package matching '${name}' is available`;
    const lone = providers.length === 1 ? status(f, providers[0] as string, cmp, version, true) : undefined;
    if (lone !== undefined && typeof lone !== 'string' && lone.installed) return lone;
    return { installed: false, hasFiles: false, versionInstalled: false, installable: true };
  }
  const dpkg = dpkgState(rec.status);
  const best = bestMatch(policy, cmp, version);
  const known = { installed: dpkg.installed, hasFiles: dpkg.hasFiles };
  if (!dpkg.installed) return { ...known, versionInstalled: false, installable: best };
  const have = dpkg.version;
  const newer = best !== undefined && have !== best ? best : undefined;
  if (cmp === '=') return { ...known, versionInstalled: globToRegExp(version).test(have), installable: newer };
  if (cmp === '>=') return { ...known, versionInstalled: compareDebVersions(have, version) >= 0, installable: newer !== undefined && compareDebVersions(newer, version) >= 0 ? newer : undefined };
  return { ...known, versionInstalled: true, installable: newer };
}

// install: the packages that are missing (or older than wanted, for latest), with apt-get install (or build-dep)
function install(o: AptOptions, f: AptFacts, specs: string[], check: boolean): Plan {
  const state = o.state ?? 'present';
  const buildDep = state === 'build-dep';
  const cache = cacheKeys(f, check);
  const list: string[] = [];
  const names: string[] = [];
  for (const spec of specs) {
    if (buildDep) {
      list.push(`'${spec}'`);
      continue;
    }
    const { name, cmp, version } = splitSpec(spec);
    names.push(name);
    const s = status(f, name, cmp, version, true);
    if (typeof s === 'string') return failPlan(s);
    if (!s.installed && o.only_upgrade === true) continue;
    if (!s.versionInstalled && !s.installable) return failPlan(`no available installation candidate for ${spec}`, cache);
    if (s.installable && ((!s.installed && o.only_upgrade !== true) || state === 'latest' || !s.versionInstalled)) list.push(s.installable !== true ? `'${name}=${s.installable}'` : version ? `'${name}=${version}'` : `'${name}'`);
    else if (s.versionInstalled && s.installable && cmp === '=') list.push(`'${name}=${version}'`);
  }
  const steps: Step[] = [];
  if (list.length) {
    const flag = (on: boolean | undefined, text: string): string => (on === true ? text : '');
    const common = [dpkgOptions(o), flag(o.only_upgrade, '--only-upgrade'), flag(state === 'fixed', '--fix-broken'), flag(o.force, '--force-yes')];
    const head = buildDep ? [...common, flag(o.fail_on_autoremove, '--no-remove'), check ? '--simulate' : '', 'build-dep'] : [...common, flag(o.autoremove, '--auto-remove'), flag(o.fail_on_autoremove, '--no-remove'), check ? '--simulate' : '', 'install'];
    let command = `${f.tools.aptGet} -y ${head.join(' ')} ${list.join(' ')}`;
    if (o.default_release) command += ` -t '${o.default_release}'`;
    if (o.install_recommends !== undefined) command += ` -o APT::Install-Recommends=${o.install_recommends ? 'yes' : 'no'}`;
    if (o.allow_unauthenticated === true) command += ' --allow-unauthenticated';
    if (o.allow_downgrade === true) command += ' --allow-downgrades';
    if (o.allow_change_held_packages === true) command += ' --allow-change-held-packages';
    command += lockWait(o);
    steps.push(aptGetStep(o, command, `'${command}' failed: {stderr}`, { failKeys: cache, ...(buildDep ? { changedUnless: APT_GET_ZERO } : {}) }));
  }
  if (!buildDep && !check && names.length && f.tools.aptMark) {
    const command = `${f.tools.aptMark} manual ${names.join(' ')}`;
    steps.push(aptStep(command, `'${command}' failed: {stderr}`, { inCheck: false, reportOutput: false }));
  }
  const result: ModuleResult = list.length ? { changed: true, stdout: '', stderr: '', ...cache } : { changed: false, ...cache };
  const warnings = !buildDep && !check && names.length && !f.tools.aptMark ? ['Could not find apt-mark binary, not marking package(s) as manually installed.'] : undefined;
  return { steps, result, warnings };
}

// remove: the installed packages (and, with purge, those that left their configuration), with apt-get remove
function remove(o: AptOptions, f: AptFacts, specs: string[], check: boolean): Plan {
  const list = specs.filter((spec) => {
    const { name, cmp, version } = splitSpec(spec);
    const s = status(f, name, cmp, version, false);
    return typeof s !== 'string' && (s.versionInstalled || (o.purge === true && s.hasFiles));
  });
  if (!list.length) return { steps: [], result: { changed: false } };
  const packages = list.map((p) => `'${p}'`).join(' ');
  const command = `${f.tools.aptGet} -q -y ${dpkgOptions(o)} ${o.purge === true ? '--purge' : ''} ${o.force === true ? '--force-yes' : ''} ${o.autoremove === true ? '--auto-remove' : ''} ${check ? '--simulate' : ''} remove ${packages}${lockWait(o)}`;
  return { steps: [aptGetStep(o, command, `'apt-get remove ${packages}' failed: {stderr}`)], result: { changed: true, stdout: '', stderr: '' } };
}

/** The apt module, declared. */
export const aptModule = declareModule({
  spec: { options: OPTIONS, mutuallyExclusive: [['deb', 'name', 'upgrade']] },
  facts: (o, host, _local, mode) => readAptFacts(o, host, mode.check),
  plan(o, f, { check }) {
    if (f.clean && f.clean.rc !== 0) return failPlan('apt-get clean failed', { stdout: f.clean.stdout, rc: f.clean.rc });
    if (f.clean?.stderr) return failPlan(`apt-get clean failed: ${f.clean.stderr}`, { stdout: f.clean.stdout, rc: f.clean.rc });
    if (!f.tools.aptGet) return failPlan(`Failed to find required executable "apt-get" in paths: ${f.tools.path}`);
    if (f.cache?.update && f.cache.update.rc !== 0) return failPlan(`Failed to update apt cache: ${f.cache.update.stderr || 'unknown reason'}`);
    const mode = upgradeMode(o);
    const all = (o.name ?? []).includes('*');
    const specs = namedSpecs(o);
    if (f.cache && !specs.length && !all && !mode) {
      const { cache_updated, cache_update_time } = cacheKeys(f, check);
      return { steps: [], result: { changed: cache_updated, cache_updated, cache_update_time } };
    }
    if (mode) return upgrade(o, f, mode, check);
    if (upgradesAll(o)) return specs.length ? failPlan('unable to install additional packages when upgrading all installed packages') : upgrade(o, f, 'yes', check);
    const invalid = specs.find((s) => (s.match(/=/g) ?? []).length > 1);
    if (invalid !== undefined) return failPlan(`invalid package spec: ${invalid}`);
    if (!specs.length && o.autoclean === true) return cleanup(o, f, 'autoclean', check);
    if (!specs.length && o.autoremove === true) return cleanup(o, f, 'autoremove', check);
    const expanded = o.state === 'build-dep' ? { specs } : expandSpecs(specs, f.names ?? []);
    if (!('specs' in expanded)) return failPlan(`No package(s) matching '${expanded.unmatched}' available`);
    return o.state === 'absent' ? remove(o, f, expanded.specs, check) : install(o, f, expanded.specs, check);
  },
  // an upgrade's output is also its msg; --diff shows the part of apt's output that lists the changes
  async after(o, _f, _host, { result, diff }) {
    const out = typeof result.stdout === 'string' ? result.stdout : undefined;
    const keys: Record<string, unknown> = {};
    if (out !== undefined && (upgradeMode(o) !== undefined || upgradesAll(o))) keys.msg = out;
    if (out !== undefined && diff && result.changed) keys.diff = { prepared: preparedDiff(out) };
    return keys;
  },
});

/** The part of apt's output --diff shows: after "Reading state information..." (or aptitude's "Resolving dependencies...") up to the "N upgraded" line. */
export function preparedDiff(out: string): string {
  const lines = out.split(/\r?\n|\r/);
  if (lines.at(-1) === '') lines.pop();
  let start = lines.indexOf('Resolving dependencies...');
  if (start === -1) start = lines.indexOf('Reading state information...');
  let end = lines.findIndex((l) => /^[0-9]+ (packages )?upgraded/.test(l));
  if (end === -1) end = lines.length;
  return lines.slice(start + 1, end + 1).join('\n');
}
