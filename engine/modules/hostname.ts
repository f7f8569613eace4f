// hostname: the host's name, current and permanent, set the way Ansible's hostname module sets it on
// Linux: with hostnamectl where systemd runs (or with use: systemd/debian), else by the distribution's
// file (/etc/hostname on the Debian family, HOSTNAME= in /etc/sysconfig/network on the Red Hat family,
// /etc/hostname and `hostname -F` on Alpine). Returns the hostname facts and a before/after diff.
import { shellQuote as q } from '../util/shell.js';
import type { HostIO, Module, ModuleResult } from './types.js';

type Strategy = 'systemd' | 'file' | 'redhat' | 'alpine';

// os-release IDs of the distributions Ansible's module handles by file when systemd is not running
const FILE_IDS = ['debian', 'ubuntu', 'linuxmint', 'raspbian', 'kali', 'devuan', 'pop', 'neon', 'parrot', 'deepin', 'uos', 'kylin', 'void', 'linaro', 'cumulus-linux'];
const REDHAT_IDS = ['rhel', 'centos', 'ol', 'amzn', 'cloudlinux', 'scientific', 'virtuozzo', 'eurolinux', 'anolis', 'alinux', 'altlinux'];
const NETWORK_FILE = '/etc/sysconfig/network';

/** The strategy for this host: `use` when given, else systemd when it runs, else by distribution. */
async function strategyOf(host: HostIO, use: unknown): Promise<Strategy | string> {
  if (use === 'systemd' || use === 'debian') return 'systemd';
  if (use === 'redhat' || use === 'alpine') return use;
  const r = await host.run('if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then echo systemd; else (. /etc/os-release 2>/dev/null; echo "${ID:-unknown}"); fi');
  const id = r.stdout.trim();
  if (id === 'systemd') return 'systemd';
  if (FILE_IDS.includes(id)) return 'file';
  if (REDHAT_IDS.includes(id)) return 'redhat';
  if (id === 'alpine') return 'alpine';
  return `kplay cannot set the hostname on this host: systemd is not running and its distribution ('${id}') has no file kplay knows; set use: systemd, redhat or alpine`;
}

/** Reads (current, permanent), or a failure message. */
async function names(host: HostIO, s: Strategy): Promise<[string, string] | string> {
  if (s === 'systemd') {
    const t = await host.run('hostnamectl --transient status');
    const p = await host.run('hostnamectl --static status');
    const bad = [t, p].find((r) => r.rc !== 0);
    if (bad) return `Command failed rc=${bad.rc}, out=${bad.stdout}, err=${bad.stderr}`;
    return [t.stdout.trim(), p.stdout.trim()];
  }
  if (s === 'redhat') {
    const content = await host.read(NETWORK_FILE);
    if (content === undefined) return `failed to read hostname: [Errno 2] No such file or directory: '${NETWORK_FILE}'`;
    const line = content.toString('utf8').split('\n').map((l) => l.trim()).find((l) => l.startsWith('HOSTNAME'));
    if (line === undefined) return `Unable to locate HOSTNAME entry in ${NETWORK_FILE}`;
    const v = (line.split('=')[1] ?? '').trim();
    return [v, v];
  }
  const v = (await host.read('/etc/hostname'))?.toString('utf8').trim() ?? '';
  return [v, v];
}

/** Sets the permanent name, then the current one (hostnamectl; the file strategies have no current). */
async function setName(host: HostIO, s: Strategy, name: string, permanent: boolean, current: boolean): Promise<string | undefined> {
  const run = async (cmd: string): Promise<string | undefined> => {
    const r = await host.run(cmd);
    return r.rc === 0 ? undefined : `Command failed rc=${r.rc}, out=${r.stdout}, err=${r.stderr}`;
  };
  if (s === 'systemd') {
    return (permanent ? await run(`hostnamectl --pretty --static set-hostname ${q(name)}`) : undefined) ?? (current ? await run(`hostnamectl --transient set-hostname ${q(name)}`) : undefined);
  }
  if (!permanent) return undefined;
  if (s === 'redhat') {
    const lines = ((await host.read(NETWORK_FILE))?.toString('utf8') ?? '').split(/(?<=\n)/).filter(Boolean);
    let found = false;
    const out = lines.map((l) => (l.trim().startsWith('HOSTNAME') ? ((found = true), `HOSTNAME=${name}\n`) : l));
    if (!found) out.push(`HOSTNAME=${name}\n`);
    await host.write(NETWORK_FILE, Buffer.from(out.join('')), {});
    return undefined;
  }
  await host.write('/etc/hostname', Buffer.from(`${name}\n`), {});
  return s === 'alpine' ? run('hostname -F /etc/hostname') : undefined;
}

/** The hostname module. */
export const hostname: Module = async (ctx) => {
  const name = String(ctx.args.name);
  const s = await strategyOf(ctx.host, ctx.args.use);
  if (s !== 'systemd' && s !== 'file' && s !== 'redhat' && s !== 'alpine') return { changed: false, failed: true, msg: s };
  if (s === 'systemd' && name.length > 64) return { changed: false, failed: true, msg: 'name cannot be longer than 64 characters on systemd servers, try a shorter name' };
  const read = await names(ctx.host, s);
  if (typeof read === 'string') return { changed: false, failed: true, msg: read };
  const [current, permanent] = read;
  const changed = current !== name || permanent !== name;
  if (changed && !ctx.check) {
    const failed = await setName(ctx.host, s, name, permanent !== name, current !== name);
    if (failed) return { changed: false, failed: true, msg: failed };
  }
  const fqdn = (await ctx.host.run('hostname -f 2>/dev/null || hostname')).stdout.trim();
  const result: ModuleResult = {
    changed,
    name,
    ansible_facts: { ansible_hostname: name.split('.')[0], ansible_nodename: name, ansible_fqdn: fqdn, ansible_domain: fqdn.split('.').slice(1).join('.') },
  };
  const before = current !== name ? current : permanent;
  if (changed) result.diff = [{ before_header: 'hostname', after_header: 'hostname', before: `hostname = ${before}\n`, after: `hostname = ${name}\n` }];
  return result;
};
