// hostname: the host's name, current and permanent, set the way Ansible's hostname module sets it on
// Linux, declared: with hostnamectl where systemd runs (or with use: systemd/debian), else by the distribution's
// file (/etc/hostname on the Debian family, HOSTNAME= in /etc/sysconfig/network on the Red Hat family,
// /etc/hostname and `hostname -F` on Alpine). Returns the hostname facts and a before/after diff.
import { shellQuote as q } from '../util/shell.js';
import { declareModule, failPlan, type Step } from './declare.js';
import type { HostIO, ModuleResult } from './types.js';

type Strategy = 'systemd' | 'file' | 'redhat' | 'alpine';

// os-release IDs of the distributions Ansible's module handles by file when systemd is not running
const FILE_IDS = ['debian', 'ubuntu', 'linuxmint', 'raspbian', 'kali', 'devuan', 'pop', 'neon', 'parrot', 'deepin', 'uos', 'kylin', 'void', 'linaro', 'cumulus-linux'];
const REDHAT_IDS = ['rhel', 'centos', 'ol', 'amzn', 'cloudlinux', 'scientific', 'virtuozzo', 'eurolinux', 'anolis', 'alinux', 'altlinux'];
const NETWORK_FILE = '/etc/sysconfig/network';

/** The strategy for this host: `use` when given, else systemd when it runs, else by distribution. */
async function strategyOf(host: HostIO, use: unknown): Promise<Strategy | { problem: string }> {
  if (use === 'systemd' || use === 'debian') return 'systemd';
  if (use === 'redhat' || use === 'alpine') return use;
  const r = await host.run('if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then echo systemd; else (. /etc/os-release 2>/dev/null; echo "${ID:-unknown}"); fi');
  const id = r.stdout.trim();
  if (id === 'systemd') return 'systemd';
  if (FILE_IDS.includes(id)) return 'file';
  if (REDHAT_IDS.includes(id)) return 'redhat';
  if (id === 'alpine') return 'alpine';
  return { problem: `kplay cannot set the hostname on this host: systemd is not running and its distribution ('${id}') has no file kplay knows; set use: systemd, redhat or alpine` };
}

/** What hostname compares: how the name is set here, the current and permanent names, and the Red Hat file. */
export interface HostnameFacts {
  /** The strategy, or why kplay cannot set the name on this host. */
  strategy: Strategy | { problem: string };
  /** (current, permanent), or why they could not be read. */
  names: [string, string] | { problem: string };
  /** /etc/sysconfig/network's text (the redhat strategy; null otherwise or when missing). */
  network: string | null;
}

// the name in /etc/sysconfig/network's text (current and permanent alike), or why there is none
function redhatNames(text: string | null): [string, string] | { problem: string } {
  if (text === null) return { problem: `failed to read hostname: [Errno 2] No such file or directory: '${NETWORK_FILE}'` };
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.startsWith('HOSTNAME'));
  if (line === undefined) return { problem: `Unable to locate HOSTNAME entry in ${NETWORK_FILE}` };
  const v = (line.split('=')[1] ?? '').trim();
  return [v, v];
}

/** Reads (current, permanent) where the strategy keeps them, or why it could not. */
async function names(host: HostIO, s: Strategy, network: string | null): Promise<[string, string] | { problem: string }> {
  if (s === 'systemd') {
    const t = await host.run('hostnamectl --transient status');
    const p = await host.run('hostnamectl --static status');
    const bad = [t, p].find((r) => r.rc !== 0);
    if (bad) return { problem: `Command failed rc=${bad.rc}, out=${bad.stdout}, err=${bad.stderr}` };
    return [t.stdout.trim(), p.stdout.trim()];
  }
  if (s === 'redhat') return redhatNames(network);
  const v = (await host.read('/etc/hostname'))?.toString('utf8').trim() ?? '';
  return [v, v];
}

const FAILED = 'Command failed rc={rc}, out={stdout}, err={stderr}';

/** The hostname module. */
export const hostnameModule = declareModule({
  spec: {
    options: {
      name: { type: 'str', required: true },
      use: { type: 'str', choices: ['alpine', 'debian', 'freebsd', 'generic', 'macos', 'macosx', 'darwin', 'openbsd', 'openrc', 'redhat', 'sles', 'solaris', 'systemd'], only: ['systemd', 'debian', 'redhat', 'alpine'] },
    },
  },
  async facts(o, host): Promise<HostnameFacts> {
    const s = await strategyOf(host, o.use);
    if (typeof s !== 'string') return { strategy: s, names: { problem: 'not read' }, network: null };
    const network = s === 'redhat' ? ((await host.read(NETWORK_FILE))?.toString('utf8') ?? null) : null;
    return { strategy: s, names: await names(host, s, network), network };
  },
  plan(o, f) {
    const name = o.name ?? '';
    if (typeof f.strategy !== 'string') return failPlan(f.strategy.problem);
    const s = f.strategy;
    if (s === 'systemd' && name.length > 64) return failPlan('name cannot be longer than 64 characters on systemd servers, try a shorter name');
    if (!Array.isArray(f.names)) return failPlan(f.names.problem);
    const [current, permanent] = f.names;
    const changed = current !== name || permanent !== name;
    const steps: Step[] = [];
    if (s === 'systemd') {
      if (permanent !== name) steps.push({ kind: 'run', command: `hostnamectl --pretty --static set-hostname ${q(name)}`, failure: FAILED });
      if (current !== name) steps.push({ kind: 'run', command: `hostnamectl --transient set-hostname ${q(name)}`, failure: FAILED });
    } else if (permanent !== name && s === 'redhat') {
      const lines = (f.network ?? '').split(/(?<=\n)/).filter(Boolean);
      let found = false;
      const out = lines.map((l) => (l.trim().startsWith('HOSTNAME') ? ((found = true), `HOSTNAME=${name}\n`) : l));
      if (!found) out.push(`HOSTNAME=${name}\n`);
      steps.push({ kind: 'write', path: NETWORK_FILE, content: out.join(''), noDiff: true });
    } else if (permanent !== name) {
      steps.push({ kind: 'write', path: '/etc/hostname', content: `${name}\n`, noDiff: true });
      if (s === 'alpine') steps.push({ kind: 'run', command: 'hostname -F /etc/hostname', failure: FAILED });
    }
    const before = current !== name ? current : permanent;
    const result: ModuleResult = { changed, name };
    // (one mapping without headers, as Ansible's hostname module gives it: shown as a bare "--- before")
    if (changed) result.diff = { before: `hostname = ${before}\n`, after: `hostname = ${name}\n` };
    return { steps, result };
  },
  // the hostname facts, as the host now answers (its fqdn comes from the resolver)
  async after(o, _facts, host) {
    const name = o.name ?? '';
    const fqdn = (await host.run('hostname -f 2>/dev/null || hostname')).stdout.trim();
    return { ansible_facts: { ansible_hostname: name.split('.')[0], ansible_nodename: name, ansible_fqdn: fqdn, ansible_domain: fqdn.split('.').slice(1).join('.') } };
  },
});
