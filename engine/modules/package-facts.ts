// package_facts: the installed packages as ansible_facts.packages (name -> a list of {name, version,
// arch, ...}, one per installed architecture or version), read from dpkg (apt) or rpm with one query.
// Declared: the facts are the query tools' answers; the plan parses them.
import { declareModule, failPlan } from './declare.js';
import type { HostIO } from './types.js';

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

/** One package manager's answer: its query's output, or that its tool is not on the host. */
export interface ManagerAnswer {
  manager: 'apt' | 'rpm';
  found: boolean;
  rc?: number | undefined;
  stdout?: string | undefined;
  stderr?: string | undefined;
}

/** What package_facts reads: the managers asked, in order (with strategy first, up to the first found). */
export interface PackageFactsFacts {
  answers: ManagerAnswer[];
}

const MANAGERS = ['auto', 'apt', 'rpm'];
const wantedOf = (manager: unknown[] | undefined): ('apt' | 'rpm')[] => {
  const m = (manager ?? ['auto']).map(String);
  return m.includes('auto') ? ['apt', 'rpm'] : (m.filter((x) => x === 'apt' || x === 'rpm') as ('apt' | 'rpm')[]);
};

async function ask(host: HostIO, manager: 'apt' | 'rpm'): Promise<ManagerAnswer> {
  const tool = manager === 'apt' ? 'dpkg-query' : 'rpm';
  if ((await host.run(`command -v ${tool}`)).rc !== 0) return { manager, found: false };
  const r = await host.run(manager === 'apt' ? DPKG : RPM);
  return { manager, found: true, rc: r.rc, stdout: r.stdout, stderr: r.stderr };
}

/** The package_facts module (managers auto, apt, rpm). */
export const packageFactsModule = declareModule({
  spec: { options: { manager: { type: 'list' }, strategy: { type: 'str', choices: ['first', 'all'] } } },
  refuse(o) {
    const unknown = (o.manager ?? []).map(String).filter((m) => !MANAGERS.includes(m));
    return unknown.length ? `package_facts: kplay reads apt (dpkg) and rpm packages; not ${unknown.join(', ')}` : undefined;
  },
  async facts(o, host): Promise<PackageFactsFacts> {
    const answers: ManagerAnswer[] = [];
    // strategy first (the default): the first manager found answers; all: every one found
    for (const m of wantedOf(o.manager)) {
      const a = await ask(host, m);
      answers.push(a);
      if (a.found && o.strategy !== 'all') break;
    }
    return { answers };
  },
  plan(o, f) {
    const packages: Record<string, Pkg[]> = {};
    const found = f.answers.filter((a) => a.found);
    for (const a of found) {
      if (a.rc !== 0) return failPlan(`package_facts: ${a.manager === 'apt' ? 'dpkg-query' : 'rpm'} failed: ${(a.stderr ?? '').trim()}`);
      for (const p of a.manager === 'apt' ? fromDpkg(a.stdout ?? '') : fromRpm(a.stdout ?? '')) (packages[p.name] ??= []).push(p);
      if (o.strategy !== 'all') break;
    }
    if (!found.length) return failPlan(`Could not detect a supported package manager from the following list: ${wantedOf(o.manager).join(', ')}`);
    return { steps: [], result: { changed: false, ansible_facts: { packages } } };
  },
});
