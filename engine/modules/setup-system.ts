// setup's system facts as Ansible 2.14's Linux collectors make them, from what the gathering script
// printed: the distribution (os-release, /etc/debian_version, the Red Hat release files), fqdn and domain
// (Python's socket.getfqdn), lsb, dns, the kernel command line, the SSH host keys, the CPUs (/proc/cpuinfo),
// DMI, and the small ones (machine_id, uptime, load, FIPS, AppArmor, chroot). Pure functions of the
// script's key=value lines, so that each is a fixture row.

/** The script's output: the first value of each key, and every value of the keys that repeat. */
export interface ScriptLines {
  values: Record<string, string>;
  lines: Record<string, string[]>;
}

const cap = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s);

// the os-release IDs whose distribution name is not the ID capitalized (Ansible's get_distribution and its release-file parsers)
const DISTRIBUTION_NAMES: Record<string, string> = {
  amzn: 'Amazon',
  rhel: 'RedHat',
  centos: 'CentOS',
  almalinux: 'AlmaLinux',
  ol: 'OracleLinux',
  'opensuse-leap': 'openSUSE Leap',
  'opensuse-tumbleweed': 'openSUSE Tumbleweed',
  sles: 'SLES',
  sled: 'SLED',
  arch: 'Archlinux',
  linuxmint: 'Linux Mint',
  pop: 'Pop!_OS',
};

// Ansible's OS_FAMILY_MAP, by distribution name
const FAMILY_OF: Record<string, string> = {
  ...Object.fromEntries(['RedHat', 'RHEL', 'Fedora', 'CentOS', 'Scientific', 'SLC', 'Ascendos', 'CloudLinux', 'PSBM', 'OracleLinux', 'OVS', 'OEL', 'Amazon', 'Virtuozzo', 'XenServer', 'Alibaba', 'EulerOS', 'openEuler', 'AlmaLinux', 'Rocky', 'TencentOS', 'EuroLinux', 'Kylin Linux Advanced Server'].map((d) => [d, 'RedHat'])),
  ...Object.fromEntries(['Debian', 'Ubuntu', 'Raspbian', 'Neon', 'KDE neon', 'Linux Mint', 'SteamOS', 'Devuan', 'Kali', 'Cumulus Linux', 'Pop!_OS', 'Parrot', 'Pardus GNU/Linux', 'Uos', 'Deepin', 'OSMC'].map((d) => [d, 'Debian'])),
  ...Object.fromEntries(['SuSE', 'SLES', 'SLED', 'openSUSE', 'openSUSE Tumbleweed', 'SLES_SAP', 'SUSE_LINUX', 'openSUSE Leap'].map((d) => [d, 'Suse'])),
  ...Object.fromEntries(['Archlinux', 'Antergos', 'Manjaro'].map((d) => [d, 'Archlinux'])),
  Alpine: 'Alpine',
  Gentoo: 'Gentoo',
};

// the most precise of versions (distro's best=True: the one with the most dotted parts)
function bestVersion(versions: (string | undefined)[]): string {
  let best = '';
  for (const v of versions) if (v && v.split('.').length > (best ? best.split('.').length : 0)) best = v;
  return best;
}

// the version in a release file's line as distro parses it (`CentOS Linux release 7.9.2009 (Core)`: 7.9.2009)
const releaseFileVersion = (line: string | undefined): string | undefined => (line ? /(\d+(?:\.\d+)*)/.exec(line.replace(/\([^)]*\)/g, ''))?.[1] : undefined);

/**
 * The distribution collector's facts: the name (os-release's ID, named by the Red Hat release file on that
 * family), the version (Debian's and CentOS's the most precise of os-release and the release file, CentOS's
 * cut to major.minor), the release (the codename os-release gives, or the one in VERSION's parentheses), Debian's
 * minor version (/etc/debian_version) and the family.
 */
export function distributionFacts(kv: Record<string, string>): Record<string, unknown> {
  const id = kv.os_id ?? '';
  if (!id && !kv.os_name) return { distribution: 'Unknown', distribution_version: '', distribution_major_version: '', distribution_release: '', os_family: 'Unknown' };
  const rhRelease = kv['rhrel_centos-release'] ?? kv['rhrel_redhat-release'];
  let distribution = DISTRIBUTION_NAMES[id] ?? (id ? cap(id) : ((kv.os_name ?? '').split(' ')[0] ?? 'Unknown'));
  if (kv['rhrel_redhat-release'] !== undefined) distribution = kv['rhrel_redhat-release'].includes('Red Hat') ? 'RedHat' : (kv['rhrel_redhat-release'].split(/\s+/)[0] ?? distribution);
  let version = kv.os_version ?? '';
  if (id === 'debian') version = bestVersion([version, releaseFileVersion(kv.debian_version)]);
  if (id === 'centos') version = bestVersion([version, releaseFileVersion(rhRelease)]).split('.').slice(0, 2).join('.');
  // os-release's VERSION_CODENAME or UBUNTU_CODENAME when set (even empty), else the codename in VERSION
  const set = kv.os_codename_set ?? 'v';
  let release = set.includes('v') ? (kv.os_codename ?? '') : set.includes('u') ? (kv.os_ubuntu_codename ?? '') : (/\((\D+)\)|,\s*(\D+)/.exec(kv.os_version_full ?? '')?.slice(1).find(Boolean) ?? 'NA');
  if (id === 'debian') release = /PRETTY_NAME=[^(]+ \(?([^)]+?)\)/.exec(`PRETTY_NAME=${kv.os_pretty ?? ''}`)?.[1] ?? release;
  if (rhRelease?.includes('CentOS Stream')) release = 'Stream';
  const facts: Record<string, string> = {
    distribution,
    distribution_version: version || 'NA',
    distribution_major_version: version.split('.')[0] || 'NA',
    distribution_release: release,
    os_family: FAMILY_OF[distribution] ?? distribution,
  };
  const minor = id === 'debian' ? /(\d+)\.(\d+)/.exec(kv.debian_version ?? '')?.[2] : undefined;
  if (minor !== undefined) facts.distribution_minor_version = minor;
  return { ...facts, ...distributionFileFacts(kv) };
}

// the release file Ansible's DistributionFiles parsed, for the families kplay knows it for: CentOS Stream's
// centos-release, the Red Hat family's redhat-release, Debian's and Ubuntu's os-release
function distributionFileFacts(kv: Record<string, string>): Record<string, unknown> {
  if (kv['rhrel_centos-release']?.includes('CentOS Stream')) return { distribution_file_path: '/etc/centos-release', distribution_file_variety: 'CentOS', distribution_file_parsed: true };
  const rh = kv['rhrel_redhat-release'];
  if (rh !== undefined) return { distribution_file_path: '/etc/redhat-release', distribution_file_variety: 'RedHat', distribution_file_parsed: true, ...(rh.includes('Red Hat') ? { distribution_file_search_string: 'Red Hat' } : {}) };
  const text = `${kv.os_name ?? ''} ${kv.os_pretty ?? ''}`;
  if (/Debian|Raspbian|Ubuntu/.test(text)) return { distribution_file_path: '/etc/os-release', distribution_file_variety: 'Debian', distribution_file_parsed: true };
  return {};
}

/** fqdn as Python's socket.getfqdn gives it: the first name with a dot among the reverse lookup's (`getent hosts` of the name's first address), else its canonical name, else the host name; and domain, what follows fqdn's first dot. */
export function fqdnFacts(kv: Record<string, string>): Record<string, string> {
  const names = (kv.fqdn_rev ?? '').trim().split(/\s+/).slice(1);
  const fqdn = names.length ? (names.find((n) => n.includes('.')) ?? names[0]!) : (kv.fqdn ?? kv.hostname ?? '');
  return { fqdn, domain: fqdn.split('.').slice(1).join('.') };
}

/** The lsb collector's facts: `lsb_release -a`'s lines (`lsb=`), else /etc/lsb-release's (`lsbf=`); major_release of release. */
export function lsbFacts(lines: Record<string, string[]>): Record<string, unknown> {
  const lsb: Record<string, string> = {};
  for (const line of lines.lsb ?? []) {
    if (!line.includes(':')) continue;
    const value = line.slice(line.indexOf(':') + 1).trim();
    if (line.includes('LSB Version:') || line.includes('Release:')) lsb.release = value;
    else if (line.includes('Distributor ID:')) lsb.id = value;
    else if (line.includes('Description:')) lsb.description = value;
    else if (line.includes('Codename:')) lsb.codename = value;
  }
  if (!Object.keys(lsb).length) {
    for (const line of lines.lsbf ?? []) {
      if (!line.includes('=')) continue;
      const value = line.slice(line.indexOf('=') + 1).trim();
      if (line.includes('DISTRIB_ID')) lsb.id = value;
      else if (line.includes('DISTRIB_RELEASE')) lsb.release = value;
      else if (line.includes('DISTRIB_DESCRIPTION')) lsb.description = value;
      else if (line.includes('DISTRIB_CODENAME')) lsb.codename = value;
    }
  }
  if (lsb.release !== undefined) lsb.major_release = lsb.release.split('.')[0] ?? '';
  for (const [k, v] of Object.entries(lsb)) if (v) lsb[k] = v.replace(/^["'\\]+|["'\\]+$/g, '');
  return { lsb };
}

/** The dns collector's fact: /etc/resolv.conf's nameservers, domain, search, sortlist and options. */
export function dnsFacts(lines: Record<string, string[]>): Record<string, unknown> {
  const dns: Record<string, unknown> = {};
  for (const line of lines.resolv ?? []) {
    if (line.startsWith('#') || line.startsWith(';') || !line.trim()) continue;
    const [word, ...rest] = line.trim().split(/\s+/);
    if (word === 'nameserver') dns.nameservers = [...((dns.nameservers as string[] | undefined) ?? []), ...rest];
    else if (word === 'domain' && rest.length) dns.domain = rest[0];
    else if (word === 'search') dns.search = rest;
    else if (word === 'sortlist') dns.sortlist = rest;
    else if (word === 'options') dns.options = Object.fromEntries(rest.map((o) => (o.includes(':') ? [o.slice(0, o.indexOf(':')), o.slice(o.indexOf(':') + 1) || true] : [o, true])));
  }
  return { dns };
}

// Python's shlex.split(s, posix=False): whitespace-separated words, a quoted one (at a word's start) kept with its quotes; undefined when a quote is not closed
function shlexWords(s: string): string[] | undefined {
  const out: string[] = [];
  const space = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
  let i = 0;
  while (i < s.length) {
    while (i < s.length && space(s[i])) i++;
    if (i >= s.length) break;
    const c = s[i]!;
    let j: number;
    if (c === '"' || c === "'") {
      j = s.indexOf(c, i + 1);
      if (j < 0) return undefined;
      j++;
    } else for (j = i; j < s.length && !space(s[j]); j++);
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

/** The cmdline collector's facts of /proc/cmdline: cmdline (a name's last value) and proc_cmdline (a name given twice: a list). */
export function cmdlineFacts(kv: Record<string, string>): Record<string, unknown> {
  if (!kv.cmdline?.trim()) return {};
  const cmdline: Record<string, unknown> = {};
  const proc: Record<string, unknown> = {};
  for (const piece of shlexWords(kv.cmdline) ?? []) {
    const eq = piece.indexOf('=');
    if (eq < 0) {
      cmdline[piece] = true;
      proc[piece] = true;
      continue;
    }
    const [k, v] = [piece.slice(0, eq), piece.slice(eq + 1)];
    cmdline[k] = v;
    const had = proc[k];
    proc[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return { cmdline, proc_cmdline: proc };
}

/** The ssh_pub_keys collector's facts (`sshkey=DIR|ALGO|KEY LINE`): the keys of /etc/ssh, else /etc/openssh, else /etc, as Ansible looks there. */
export function sshKeyFacts(lines: Record<string, string[]>): Record<string, string> {
  const facts: Record<string, string> = {};
  const found = new Map((lines.sshkey ?? []).map((l) => [l.split('|', 2).join('|'), l.split('|').slice(2).join('|')]));
  for (const dir of ['/etc/ssh', '/etc/openssh', '/etc']) {
    for (const algo of ['dsa', 'rsa', 'ecdsa', 'ed25519']) {
      const name = `ssh_host_key_${algo}_public`;
      // a key already found in an earlier directory: Ansible stops looking
      if (name in facts) return facts;
      const line = found.get(`${dir}|${algo}`);
      if (line === undefined) continue;
      const [keytype = '', key = ''] = line.trim().split(/\s+/);
      facts[name] = key;
      facts[`${name}_keytype`] = keytype;
    }
  }
  return facts;
}

/**
 * The hardware collector's CPU facts of /proc/cpuinfo (`cpu=KEY|VALUE` lines of the keys Ansible reads):
 * the processor list, sockets, cores, threads per core and vCPUs as its get_cpu_facts counts them, and
 * processor_nproc, the CPUs the process may run on.
 */
export function cpuFacts(kv: Record<string, string>, lines: Record<string, string[]>, architecture: string): Record<string, unknown> {
  if (!lines.cpu) return kv.nproc ? { processor_vcpus: Number(kv.nproc), processor_nproc: Number(kv.nproc) } : {};
  const processor: string[] = [];
  let i = 0;
  const seen = { vendor_id: 0, 'model name': 0, processor: 0 } as Record<string, number>;
  let physid = '0';
  let coreid = '0';
  const sockets = new Map<string, number>();
  const cores = new Map<string, number>();
  let declaredCores: number | undefined;
  for (const line of lines.cpu) {
    const bar = line.indexOf('|');
    const [key, val] = [line.slice(0, bar), line.slice(bar + 1)];
    if (['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor'].includes(key)) {
      processor.push(val);
      if (key in seen) seen[key]! += 1;
      i += 1;
    } else if (key === 'physical id') {
      physid = val;
      if (!sockets.has(physid)) sockets.set(physid, 1);
    } else if (key === 'core id') {
      coreid = val;
      // (Ansible tests the sockets here, not the cores)
      if (!sockets.has(coreid)) cores.set(coreid, 1);
    } else if (key === 'cpu cores') sockets.set(physid, Number.parseInt(val, 10));
    else if (key === 'siblings') cores.set(coreid, Number.parseInt(val, 10));
    else if (key === '# processors') declaredCores = Number.parseInt(val, 10);
    else if (key === 'ncpus active') i = Number.parseInt(val, 10);
  }
  if (seen.vendor_id! > 0 && seen.vendor_id === seen['model name']) i = seen.vendor_id!;
  if (/^(armv|aarch|ppc)/.test(architecture)) i = seen.processor!;
  const facts: Record<string, unknown> = { processor };
  if (declaredCores !== undefined) facts.processor_cores = declaredCores;
  if (architecture === 's390x') return facts;
  const nproc = kv.nproc ? Number(kv.nproc) : seen.processor!;
  if (kv.cpu_xen === '1' && kv.cpu_novme === '1') return { ...facts, processor_count: i, processor_cores: i, processor_threads_per_core: 1, processor_vcpus: i, processor_nproc: nproc };
  const count = sockets.size ? sockets.size : i;
  const first = [...sockets.values()][0];
  const perSocket = first ? first : 1;
  const firstCore = [...cores.values()][0];
  const threads = firstCore !== undefined ? Math.floor(firstCore / perSocket) : Math.floor(1 / perSocket);
  return { ...facts, processor_count: count, processor_cores: perSocket, processor_threads_per_core: threads, processor_vcpus: threads * count * perSocket, processor_nproc: nproc };
}

// DMI's chassis types (DSP0134), as Ansible names form_factor
const FORM_FACTOR = ['Unknown', 'Other', 'Unknown', 'Desktop', 'Low Profile Desktop', 'Pizza Box', 'Mini Tower', 'Tower', 'Portable', 'Laptop', 'Notebook', 'Hand Held', 'Docking Station', 'All In One', 'Sub Notebook', 'Space-saving', 'Lunch Box', 'Main Server Chassis', 'Expansion Chassis', 'Sub Chassis', 'Bus Expansion Chassis', 'Peripheral Chassis', 'RAID Chassis', 'Rack Mount Chassis', 'Sealed-case PC', 'Multi-system', 'CompactPCI', 'AdvancedTCA', 'Blade', 'Blade Enclosure', 'Tablet', 'Convertible', 'Detachable', 'IoT Gateway', 'Embedded PC', 'Mini PC', 'Stick PC'];
const DMI_FILES: Record<string, string> = {
  bios_date: 'bios_date', bios_vendor: 'bios_vendor', bios_version: 'bios_version', board_asset_tag: 'board_asset_tag', board_name: 'board_name', board_serial: 'board_serial', board_vendor: 'board_vendor', board_version: 'board_version',
  chassis_asset_tag: 'chassis_asset_tag', chassis_serial: 'chassis_serial', chassis_vendor: 'chassis_vendor', chassis_version: 'chassis_version', form_factor: 'chassis_type', product_name: 'product_name', product_serial: 'product_serial',
  product_uuid: 'product_uuid', product_version: 'product_version', system_vendor: 'sys_vendor',
};

/** The hardware collector's DMI facts of /sys/devices/virtual/dmi/id (`dmi_FILE=` lines; 'NA' for a file not read). Without that directory Ansible asks dmidecode; kplay gives 'NA'. */
export function dmiFacts(kv: Record<string, string>): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const [fact, file] of Object.entries(DMI_FILES)) {
    const v = kv[`dmi_${file}`];
    if (v === undefined) facts[fact] = 'NA';
    else if (fact === 'form_factor') facts[fact] = FORM_FACTOR[Number.parseInt(v, 10)] ?? `unknown (${v})`;
    else facts[fact] = v.trim();
  }
  return facts;
}

/** The caps collector's facts of `capsh --print`'s Current: line (`caps=`, `caps_ran=1` when capsh ran and succeeded): 'N/A' without capsh. */
export function capsFacts(kv: Record<string, string>): Record<string, unknown> {
  if (kv.caps_ran !== '1') return { system_capabilities_enforced: 'N/A', system_capabilities: 'N/A' };
  const line = kv.caps;
  if (line === undefined) return { system_capabilities_enforced: 'NA', system_capabilities: [] };
  if ((line.split(':')[1] ?? '').trim() === '=ep') return { system_capabilities_enforced: 'False', system_capabilities: [] };
  return { system_capabilities_enforced: 'True', system_capabilities: (line.split('=')[1] ?? '').split(',').map((c) => c.trim()) };
}

/** The iscsi, nvme and fibre_channel_wwn collectors' facts: the initiator name, the host NQN, the FC ports' WWNs ('' and [] when there are none). */
export function storageIdFacts(kv: Record<string, string>, lines: Record<string, string[]>): Record<string, unknown> {
  return { iscsi_iqn: kv.iscsi ?? '', hostnqn: kv.nqn ?? '', fibre_channel_wwn: (lines.fcwwn ?? []).map((l) => l.trimEnd().slice(2)) };
}

/** The small collectors' facts: kernel_version, machine_id, uptime_seconds, loadavg, fips, apparmor, is_chroot. */
export function smallFacts(kv: Record<string, string>, env: Record<string, string> | undefined): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  if (kv.kver !== undefined) facts.kernel_version = kv.kver;
  // userspace_bits: the word size (Ansible's is its Python's); userspace_architecture on x86_64 only
  if (kv.long_bit) {
    facts.userspace_bits = kv.long_bit;
    if (kv.machine === 'x86_64' && (kv.long_bit === '64' || kv.long_bit === '32')) facts.userspace_architecture = kv.long_bit === '64' ? 'x86_64' : 'i386';
  }
  if (kv.machine_id) facts.machine_id = kv.machine_id;
  if (kv.uptime) facts.uptime_seconds = Math.trunc(Number.parseFloat(kv.uptime));
  // (Python's os.getloadavg() where the host has Python, as Ansible's collector calls it; else /proc/loadavg's rounded figures)
  const [m1, m5, m15] = (kv.loadavg_py ?? kv.loadavg ?? '').split(/\s+/).map(Number.parseFloat);
  if (m1 !== undefined && !Number.isNaN(m1)) facts.loadavg = { '1m': m1, '5m': m5, '15m': m15 };
  facts.fips = kv.fips?.trim() === '1';
  facts.apparmor = { status: kv.apparmor === '1' ? 'enabled' : 'disabled' };
  // is_chroot: debian_chroot set, or / another file than init's root (or, unreadable, not the root inode of its file system)
  const [mine = '', init = '', fstype = ''] = (kv.chroot ?? '').split('|');
  if (env?.debian_chroot) facts.is_chroot = true;
  else if (mine && init) facts.is_chroot = mine !== init;
  else if (mine) facts.is_chroot = mine.split(':')[1] !== String(fstype.includes('btrfs') ? 256 : fstype.includes('xfs') ? 128 : 2);
  return facts;
}
