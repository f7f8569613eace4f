// apt and package: packages present (optionally pinned, `kubeadm=1.30.2-1.1`), latest or absent,
// with `update_cache`; reads dpkg's state first and runs apt-get only when something must change.
import { shellQuote as q } from '../util/shell.js';
import type { Module, ModuleContext } from './types.js';

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

/** The apt module. */
export const apt: Module = async (ctx) => {
  const a = ctx.args;
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
  const flags = [lock, a.allow_downgrade === true ? '--allow-downgrades' : '', a.allow_change_held_packages === true ? '--allow-change-held-packages' : '', a.install_recommends === false ? '--no-install-recommends' : '', a.force === true ? '--allow-unauthenticated' : ''].filter(Boolean).join(' ');
  const changed = install.length > 0 || remove.length > 0;
  const result = { changed: changed || (cacheUpdated && !wanted.length), cache_updated: cacheUpdated, installed: install, removed: remove };
  if (ctx.check || !changed) return result;
  if (install.length) {
    const r = await ctx.host.run(['apt-get install -y -q', flags, ...install.map(q)].filter(Boolean).join(' '), { env: ENV });
    if (r.rc !== 0) return { ...result, failed: true, rc: r.rc, stdout: r.stdout, stderr: r.stderr, msg: `apt-get install failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}` };
  }
  if (remove.length) {
    const r = await ctx.host.run(['apt-get', a.purge === true ? 'purge' : 'remove', '-y -q', lock, ...remove.map(q)].filter(Boolean).join(' '), { env: ENV });
    if (r.rc !== 0) return { ...result, failed: true, rc: r.rc, msg: `apt-get remove failed: ${(r.stderr || r.stdout).trim()}` };
  }
  return result;
};

/** The generic package module: apt on Debian-family hosts. */
export const packageModule: Module = async (ctx) => {
  const hasApt = (await ctx.host.run('command -v apt-get')).rc === 0;
  if (!hasApt) return { changed: false, failed: true, msg: 'package: only apt-based hosts are supported by kplay' };
  return apt(ctx);
};
