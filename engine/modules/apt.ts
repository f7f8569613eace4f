// apt and package: packages present (optionally pinned, `kubeadm=1.30.2-1.1`), latest or absent,
// with `update_cache`; reads dpkg's state first and runs apt-get only when something must change.
import { shellQuote as q } from '../util/shell.js';
import { backendModule, pkgMgrFor } from './python/backend.js';
import { pythonModule } from './python/run.js';
import { ActionError, type Module, type ModuleContext, type ModuleResult } from './types.js';

interface Wanted {
  name: string;
  version: string | undefined;
}

function parseNames(v: unknown): Wanted[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : String(v).split(',');
  return list
    .map((x) => String(x).trim())
    .filter(Boolean)
    .map((x) => {
      const eq = x.indexOf('=');
      return eq === -1 ? { name: x, version: undefined } : { name: x.slice(0, eq), version: x.slice(eq + 1) };
    });
}

async function installedVersion(ctx: ModuleContext, name: string): Promise<string | undefined> {
  const r = await ctx.host.run(`dpkg-query -W -f='\${Status}|\${Version}' ${q(name)} 2>/dev/null`);
  if (r.rc !== 0) return undefined;
  const [status = '', version = ''] = r.stdout.split('|');
  return status.endsWith('installed') && !status.includes('not-installed') && !status.includes('config-files') ? version : undefined;
}

async function candidateVersion(ctx: ModuleContext, name: string): Promise<string | undefined> {
  const r = await ctx.host.run(`apt-cache policy ${q(name)} 2>/dev/null`);
  const m = /Candidate:\s*(\S+)/.exec(r.stdout);
  return m && m[1] !== '(none)' ? m[1] : undefined;
}

const ENV = { DEBIAN_FRONTEND: 'noninteractive' };
// the environment Ansible's apt module runs apt-get and aptitude in (their output is read)
const UPGRADE_ENV = { DEBIAN_FRONTEND: 'noninteractive', DEBIAN_PRIORITY: 'critical', LANG: 'C', LC_ALL: 'C', LC_MESSAGES: 'C', LC_CTYPE: 'C' };

/**
 * upgrade: yes/safe (aptitude safe-upgrade, else apt-get upgrade --with-new-pkgs), full (aptitude
 * full-upgrade, else apt-get dist-upgrade) or dist (apt-get dist-upgrade), as Ansible's module builds the
 * command; `changed` unless apt says "0 upgraded, 0 newly installed". As in Ansible, the module ends here
 * (a `name` given with upgrade is not installed).
 */
async function upgrade(ctx: ModuleContext, mode: string): Promise<ModuleResult> {
  const a = ctx.args;
  const found = await ctx.host.run('command -v aptitude; command -v apt-get');
  const paths = found.stdout.split('\n').filter(Boolean);
  const aptitude = paths.find((p) => p.endsWith('/aptitude'));
  const aptGet = paths.find((p) => p.endsWith('/apt-get'));
  const useAptGet = a.force_apt_get === true || !aptitude;
  const autoremove = a.autoremove === true ? '--auto-remove' : '';
  let tool: string | undefined;
  let sub: string;
  if (mode === 'dist' || (mode === 'full' && useAptGet)) [tool, sub] = [aptGet, `dist-upgrade ${autoremove}`];
  else if (mode === 'full') [tool, sub] = [aptitude, 'full-upgrade'];
  else if (useAptGet) [tool, sub] = [aptGet, `upgrade --with-new-pkgs ${autoremove}`];
  else [tool, sub] = [aptitude, 'safe-upgrade'];
  const name = tool?.endsWith('/aptitude') ? 'aptitude' : 'apt-get';
  if (!tool) return { changed: false, failed: true, msg: `Failed to find required executable "${name}" in paths: ${(await ctx.host.run('printf %s "$PATH"')).stdout}` };
  const force = a.force === true ? (name === 'apt-get' ? '--force-yes' : '--assume-yes --allow-untrusted') : '';
  const flags = [dpkgOptions(a), force, a.fail_on_autoremove === true ? '--no-remove' : '', a.allow_unauthenticated === true ? '--allow-unauthenticated' : '', a.allow_downgrade === true ? '--allow-downgrades' : '', ctx.check ? '--simulate' : ''];
  let cmd = `${tool} -y ${flags.join(' ')} ${sub}`;
  if (a.default_release) cmd += ` -t ${q(a.default_release)}`;
  const r = await ctx.host.run(cmd, { env: UPGRADE_ENV });
  // Ansible names the tool by the path it found
  if (r.rc !== 0) return { changed: false, failed: true, msg: `'${tool} ${sub}' failed: ${r.stderr}`, stdout: r.stdout, rc: r.rc };
  const zero = name === 'apt-get' ? '\n0 upgraded, 0 newly installed' : '\n0 packages upgraded, 0 newly installed';
  return { changed: !r.stdout.includes(zero), msg: r.stdout, stdout: r.stdout, stderr: r.stderr };
}

const dpkgOptions = (a: Record<string, unknown>): string =>
  String(a.dpkg_options ?? 'force-confdef,force-confold')
    .split(',')
    .map((o) => `-o "Dpkg::Options::=--${o}"`)
    .join(' ');

// apt-get autoclean / autoremove, changed when apt says it deleted or removed something
async function cleanup(ctx: ModuleContext, op: 'autoclean' | 'autoremove'): Promise<ModuleResult> {
  const a = ctx.args;
  const cmd = ['apt-get -y', dpkgOptions(a), a.purge === true ? '--purge' : '', a.force === true ? '--force-yes' : '', op, ctx.check ? '--simulate' : ''].filter(Boolean).join(' ');
  const r = await ctx.host.run(cmd, { env: UPGRADE_ENV });
  if (r.rc !== 0) return { changed: false, failed: true, msg: `'apt-get ${op}' failed: ${r.stderr}`, stdout: r.stdout, stderr: r.stderr, rc: r.rc };
  return { changed: r.stdout.includes(op === 'autoremove' ? 'The following packages will be REMOVED' : 'Del '), stdout: r.stdout, stderr: r.stderr };
}

/** The apt module. */
export const apt: Module = async (ctx) => {
  const a = ctx.args;
  // clean: apt-get clean first, then the rest of the task; cleaning alone reports no change, as Ansible's does
  if (a.clean === true) {
    const r = await ctx.host.run('apt-get clean', { env: UPGRADE_ENV });
    if (r.rc !== 0 || r.stderr) return { changed: false, failed: true, msg: r.rc !== 0 ? 'apt-get clean failed' : `apt-get clean failed: ${r.stderr}`, stdout: r.stdout, rc: r.rc };
  }
  const state = String(a.state ?? 'present');
  const wanted = parseNames(a.name);
  let cacheUpdated = false;
  if (a.update_cache === true) {
    let fresh = false;
    if (a.cache_valid_time !== undefined) {
      const r = await ctx.host.run('stat -c %Y /var/lib/apt/periodic/update-success-stamp /var/lib/apt/lists 2>/dev/null | head -n1');
      const age = Date.now() / 1000 - Number(r.stdout.trim() || 0);
      fresh = r.rc === 0 && age < Number(a.cache_valid_time);
    }
    if (!fresh && !ctx.check) {
      const r = await ctx.host.run('apt-get update -q', { env: ENV });
      if (r.rc !== 0) return { changed: false, failed: true, msg: `Failed to update apt cache: ${(r.stderr || r.stdout).trim()}` };
    }
    cacheUpdated = !fresh;
  }
  const mode = a.upgrade === undefined || a.upgrade === null || a.upgrade === 'no' ? undefined : String(a.upgrade);
  if (mode) return upgrade(ctx, mode === 'true' || mode === 'True' ? 'yes' : mode);
  // no packages: autoclean, then autoremove, as Ansible's cleanup (it ends the module)
  if (!wanted.length && (a.autoclean === true || a.autoremove === true)) return cleanup(ctx, a.autoclean === true ? 'autoclean' : 'autoremove');
  const install: string[] = [];
  const remove: string[] = [];
  for (const w of wanted) {
    const have = await installedVersion(ctx, w.name);
    if (state === 'absent') {
      if (have !== undefined) remove.push(w.name);
    } else if (state === 'latest') {
      const candidate = await candidateVersion(ctx, w.name);
      if (have === undefined || (candidate !== undefined && candidate !== have)) install.push(w.name);
    } else if (have === undefined || (w.version !== undefined && !have.startsWith(w.version))) {
      install.push(w.version ? `${w.name}=${w.version}` : w.name);
    }
  }
  // lock_timeout: how long apt-get waits for another apt/dpkg to release its lock (apt's own default when not given)
  const lock = a.lock_timeout !== undefined ? `-o DPkg::Lock::Timeout=${Number(a.lock_timeout)}` : '';
  const flags = [lock, dpkgOptions(a), a.autoremove === true ? '--auto-remove' : '', a.fail_on_autoremove === true ? '--no-remove' : '', a.allow_unauthenticated === true ? '--allow-unauthenticated' : '', a.allow_downgrade === true ? '--allow-downgrades' : '', a.allow_change_held_packages === true ? '--allow-change-held-packages' : '', a.install_recommends === false ? '--no-install-recommends' : '', a.force === true ? '--allow-unauthenticated' : ''].filter(Boolean).join(' ');
  const changed = install.length > 0 || remove.length > 0;
  const result = { changed: changed || (cacheUpdated && !wanted.length), cache_updated: cacheUpdated, installed: install, removed: remove };
  if (ctx.check || !changed) return result;
  if (install.length) {
    const release = a.default_release ? `-t ${q(a.default_release)}` : '';
    const r = await ctx.host.run(['apt-get install -y -q', flags, ...install.map(q), release].filter(Boolean).join(' '), { env: ENV });
    if (r.rc !== 0) return { ...result, failed: true, rc: r.rc, stdout: r.stdout, stderr: r.stderr, msg: `apt-get install failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}` };
  }
  if (remove.length) {
    const r = await ctx.host.run(['apt-get', a.purge === true ? 'purge' : 'remove', '-y -q', lock, dpkgOptions(a), a.autoremove === true ? '--auto-remove' : '', ...remove.map(q)].filter(Boolean).join(' '), { env: ENV });
    if (r.rc !== 0) return { ...result, failed: true, rc: r.rc, msg: `apt-get remove failed: ${(r.stderr || r.stdout).trim()}` };
  }
  return result;
};

/**
 * The generic package module, as Ansible's package action: the package manager from `use`, else the
 * pkg_mgr fact (gathered when unknown); apt runs natively, any other (dnf, yum, zypper...) as Ansible's
 * own module for it (the controller's ansible-core, the host's Python).
 */
export const packageModule: Module = async (ctx) => {
  const { name } = await pkgMgrFor(ctx, ctx.args.use);
  if (name === 'auto') throw new ActionError('Could not detect which package manager to use. Try gathering facts or setting the "use" option.');
  const { use: _use, ...args } = ctx.args;
  if (name === 'apt') return apt({ ...ctx, args });
  return pythonModule(backendModule(name))({ ...ctx, args });
};
