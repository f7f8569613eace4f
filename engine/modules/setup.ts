// setup: the facts playbooks use (hostname, fqdn, OS, architecture, CPUs, memory, addresses,
// default route, init system), gathered with one shell script from standard Linux files.
import { globToRegExp } from '../inventory/patterns.js';
import type { Module } from './types.js';

const SCRIPT = `
echo "hostname=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"
echo "fqdn=$(hostname -f 2>/dev/null || hostname)"
echo "kernel=$(uname -r)"
echo "system=$(uname -s)"
echo "machine=$(uname -m)"
echo "nproc=$(nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo)"
echo "memtotal_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null)"
echo "memfree_kb=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo 2>/dev/null)"
echo "user=$(id -un)"
echo "init=$(cat /proc/1/comm 2>/dev/null)"
if [ -r /etc/os-release ]; then . /etc/os-release; echo "os_id=$ID"; echo "os_like=$ID_LIKE"; echo "os_version=$VERSION_ID"; echo "os_codename=$VERSION_CODENAME"; echo "os_name=$NAME"; fi
ip -4 route show default 2>/dev/null | awk '{for(i=1;i<=NF;i++){if($i=="via")print "gateway="$(i+1); if($i=="dev")print "default_if="$(i+1)}; exit}'
ip -o -4 addr show 2>/dev/null | awk '{split($4,a,"/"); print "addr="$2"|"a[1]"|"a[2]}'
`;

const FAMILIES: Record<string, string> = { debian: 'Debian', ubuntu: 'Debian', rhel: 'RedHat', centos: 'RedHat', fedora: 'RedHat', rocky: 'RedHat', almalinux: 'RedHat', suse: 'Suse', opensuse: 'Suse', arch: 'Archlinux', alpine: 'Alpine' };

/** The setup module (fact gathering). */
export const setup: Module = async (ctx) => {
  const a = ctx.args;
  // gather_timeout bounds the gathering as a whole (Ansible's bounds each collector)
  const r = await ctx.host.run(SCRIPT, a.gather_timeout !== undefined ? { timeoutMs: Number(a.gather_timeout) * 1000 } : {});
  if (r.rc !== 0) return { changed: false, failed: true, msg: `fact gathering failed: ${r.stderr.trim()}` };
  const kv: Record<string, string> = {};
  const addrs: { iface: string; address: string; prefix: string }[] = [];
  for (const line of r.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq === -1) continue;
    const k = line.slice(0, eq);
    const v = line.slice(eq + 1);
    if (k === 'addr') {
      const [iface = '', address = '', prefix = ''] = v.split('|');
      addrs.push({ iface, address, prefix });
    } else if (!(k in kv)) kv[k] = v;
  }
  const id = kv.os_id ?? '';
  const family = FAMILIES[id] ?? FAMILIES[(kv.os_like ?? '').split(' ')[0] ?? ''] ?? (id ? id[0]?.toUpperCase() + id.slice(1) : 'Unknown');
  const defaultIf = kv.default_if;
  const def = addrs.find((x) => x.iface === defaultIf) ?? addrs.find((x) => x.iface !== 'lo');
  const facts: Record<string, unknown> = {
    hostname: (kv.hostname ?? '').split('.')[0],
    nodename: kv.hostname,
    fqdn: kv.fqdn,
    kernel: kv.kernel,
    system: kv.system,
    architecture: kv.machine,
    machine: kv.machine,
    processor_vcpus: Number(kv.nproc ?? 0),
    processor_nproc: Number(kv.nproc ?? 0),
    memtotal_mb: Math.floor(Number(kv.memtotal_kb ?? 0) / 1024),
    memfree_mb: Math.floor(Number(kv.memfree_kb ?? 0) / 1024),
    user_id: kv.user,
    service_mgr: kv.init === 'systemd' ? 'systemd' : (kv.init ?? 'unknown'),
    distribution: kv.os_name ? (kv.os_name.split(' ')[0] ?? id) : 'Unknown',
    distribution_version: kv.os_version ?? '',
    distribution_major_version: (kv.os_version ?? '').split('.')[0] ?? '',
    distribution_release: kv.os_codename ?? '',
    os_family: family,
    all_ipv4_addresses: addrs.filter((x) => x.iface !== 'lo').map((x) => x.address),
    default_ipv4: def ? { address: def.address, interface: def.iface, prefix: def.prefix, gateway: kv.gateway ?? '' } : {},
    interfaces: [...new Set(addrs.map((x) => x.iface))],
    // kplay gathers this one set whatever the subset asked (more than Ansible's min, less than its all); the
    // subset is reported as asked, as Ansible does
    gather_subset: Array.isArray(a.gather_subset) ? a.gather_subset : ['all'],
  };
  // filter: only the facts whose name (ansible_NAME) matches one of the globs
  const globs = (Array.isArray(a.filter) ? a.filter : []).map((g) => globToRegExp(String(g)));
  const kept = globs.length ? Object.fromEntries(Object.entries(facts).filter(([k]) => globs.some((g) => g.test(`ansible_${k}`) || g.test(k)))) : facts;
  return { changed: false, ansible_facts: kept };
};
