// package_facts: the installed packages as ansible_facts.packages (name -> a list of {name, version,
// arch, ...}, one per installed architecture or version), read from dpkg (apt) or rpm with one query.
import type { Module } from './types.js';

const DPKG = "dpkg-query -W -f='${Package}\\t${Version}\\t${Architecture}\\t${Section}\\t${Origin}\\t${db:Status-Abbrev}\\n'";
const RPM = "rpm -qa --queryformat '%{NAME}\\t%{VERSION}\\t%{RELEASE}\\t%{EPOCH}\\t%{ARCH}\\n'";

type Pkg = Record<string, unknown> & { name: string };

function fromDpkg(out: string): Pkg[] {
  const pkgs: Pkg[] = [];
  for (const line of out.split('\n')) {
    const [name, version, arch, category, origin, status] = line.split('\t');
    // installed: dpkg's second status letter is not n (not installed) or c (config files only)
    if (!name || !status || 'nc'.includes(status[1] ?? 'n')) continue;
    pkgs.push({ name, version: version ?? '', arch: arch ?? '', category: category ?? '', origin: origin ?? '', source: 'apt' });
  }
  return pkgs;
}

function fromRpm(out: string): Pkg[] {
  return out
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((f) => f[0])
    .map(([name, version, release, epoch, arch]) => ({ name: name as string, version: version ?? '', release: release ?? '', epoch: epoch && epoch !== '(none)' ? Number(epoch) : null, arch: arch ?? '', source: 'rpm' }));
}

/** The package_facts module (managers auto, apt, rpm). */
export const packageFacts: Module = async (ctx) => {
  const managers = (Array.isArray(ctx.args.manager) ? ctx.args.manager : ['auto']).map(String);
  const unknown = managers.filter((m) => !['auto', 'apt', 'rpm'].includes(m));
  if (unknown.length) return { changed: false, failed: true, msg: `package_facts: kplay reads apt (dpkg) and rpm packages; not ${unknown.join(', ')}` };
  // strategy first (the default): the first manager found answers; all: every one found
  const wanted = managers.includes('auto') ? ['apt', 'rpm'] : managers;
  const all = ctx.args.strategy === 'all';
  const packages: Record<string, Pkg[]> = {};
  let found = false;
  for (const m of wanted) {
    const tool = m === 'apt' ? 'dpkg-query' : 'rpm';
    if ((await ctx.host.run(`command -v ${tool}`)).rc !== 0) continue;
    const r = await ctx.host.run(m === 'apt' ? DPKG : RPM);
    if (r.rc !== 0) return { changed: false, failed: true, msg: `package_facts: ${tool} failed: ${r.stderr.trim()}` };
    found = true;
    for (const p of m === 'apt' ? fromDpkg(r.stdout) : fromRpm(r.stdout)) (packages[p.name] ??= []).push(p);
    if (!all) break;
  }
  if (!found) return { changed: false, failed: true, msg: `Could not detect a supported package manager from the following list: ${wanted.join(', ')}` };
  return { changed: false, ansible_facts: { packages } };
};
