// setup's per-interface facts (ansible_eth0, ansible_lo, ...) as Ansible 2.14's Linux network collector
// makes them: each /sys/class/net device's address, MTU, state, type, driver module, PCI id, speed and
// promiscuous flag, bridge and bond settings, its IPv4 address and secondaries, its IPv6 addresses and,
// with ethtool, its features and timestamping. Pure functions of the gathering script's lines.

/** An IPv4 address as `ip -o -4 addr` shows it (label: the name after it, `eth0:1` for an alias). */
export interface Addr4 {
  iface: string;
  address: string;
  prefix: string;
  broadcast?: string;
  label?: string;
  secondary?: boolean;
}

/** An IPv6 address with its scope (global, link, host). */
export interface Addr6 {
  iface: string;
  address: string;
  prefix: string;
  scope: string;
}

// /sys/class/net/DEV/type's numbers, as Ansible names them
const INTERFACE_TYPE: Record<string, string> = { '1': 'ether', '32': 'infiniband', '512': 'ppp', '772': 'loopback', '65534': 'tunnel' };

/** An IPv4 address's netmask and network for its prefix length. */
export function ipv4Net(address: string, prefix: string): Record<string, string> {
  const bits = Number(prefix);
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((x) => !(x >= 0 && x <= 255)) || !(bits >= 0 && bits <= 32)) return {};
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const ip = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  const dotted = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
  return { netmask: dotted(mask), network: dotted((ip & mask) >>> 0) };
}

/** What the script read of /sys/class/net: `nsys=` lines (PATH:CONTENT of address, mtu, operstate, type, speed, flags), `ndev=`, `nbr=`, `nbond=`, `nslave=`, ethtool's `eth_k=`/`eth_t=` and their `eth_kok=`/`eth_tok=`. */
export type SysLines = Record<string, string[]>;

// each device's sysfs files: device → file → content
function sysFiles(lines: SysLines): Map<string, Map<string, string>> {
  const devices = new Map<string, Map<string, string>>();
  for (const line of lines.nsys ?? []) {
    const m = /^\/sys\/class\/net\/([^/]+)\/([a-z_]+):(.*)$/.exec(line);
    if (!m) continue;
    const files = devices.get(m[1]!) ?? new Map<string, string>();
    if (!files.has(m[2]!)) files.set(m[2]!, m[3]!.trim());
    devices.set(m[1]!, files);
  }
  return devices;
}

const basename = (p: string): string => p.replace(/\/+$/, '').split('/').pop() ?? '';
// a `KEY=DEVICE_PATH|…` line's device and fields
const fieldsOf = (line: string): [string, string[]] => {
  const [path = '', ...rest] = line.split('|');
  return [basename(path), rest];
};

/** A device's sysfs facts (no addresses): macaddress, mtu, active, module, type, bridge and bond settings, pciid, speed, promisc. */
function deviceFacts(device: string, files: Map<string, string>, lines: SysLines): Record<string, unknown> {
  const o: Record<string, unknown> = { device };
  const mac = files.get('address');
  if (mac && mac !== '00:00:00:00:00:00') o.macaddress = mac;
  if (files.has('mtu')) o.mtu = Number.parseInt(files.get('mtu')!, 10);
  if (files.has('operstate')) o.active = files.get('operstate') !== 'down';
  const dev = (lines.ndev ?? []).map(fieldsOf).find(([d]) => d === device)?.[1];
  if (dev?.[1]) o.module = basename(dev[1]);
  if (files.has('type')) o.type = INTERFACE_TYPE[files.get('type')!] ?? 'unknown';
  const br = (lines.nbr ?? []).map(fieldsOf).find(([d]) => d === device)?.[1];
  if (br) {
    const [id, stp, brif = ''] = br;
    o.type = 'bridge';
    o.interfaces = brif.split(' ').filter(Boolean);
    if (id !== undefined && id !== '-') o.id = id;
    if (stp !== undefined && stp !== '-') o.stp = stp === '1';
  }
  // (Ansible's collector reads a bond's later files from a wrong path once it has a primary: it gives them no further facts)
  let lost = false;
  const bond = (lines.nbond ?? []).map(fieldsOf).find(([d]) => d === device)?.[1];
  if (bond) {
    const [slaves = '', mode = '', miimon = '', lacp = '', primary = '', allActive = '-'] = bond;
    Object.assign(o, { type: 'bonding', slaves: slaves.split(/\s+/).filter(Boolean), mode: mode.split(/\s+/)[0] ?? '', miimon: miimon.split(/\s+/)[0] ?? '', lacp_rate: lacp.split(/\s+/)[0] ?? '' });
    if (primary) {
      o.primary = primary;
      if (allActive !== '-') o.all_slaves_active = allActive === '1';
      lost = true;
    }
  }
  if (lost) return o;
  const slave = (lines.nslave ?? []).map(fieldsOf).find(([d]) => d === device)?.[1];
  if (slave) o.perm_macaddress = slave[0] ?? '';
  if (dev) o.pciid = basename(dev[0] ?? '');
  if (files.has('speed') && /^-?\d+$/.test(files.get('speed')!)) o.speed = Number.parseInt(files.get('speed')!, 10);
  if (files.has('flags')) o.promisc = (Number.parseInt(files.get('flags')!, 16) & 0x100) > 0;
  return o;
}

// ethtool -k's features and -T's timestamping of a device (when ethtool ran and succeeded)
function ethtoolFacts(device: string, lines: SysLines): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const of = (key: string): string[] => (lines[key] ?? []).filter((l) => l.startsWith(`${device}|`)).map((l) => l.slice(device.length + 1));
  if ((lines.eth_kok ?? []).includes(device)) {
    const features: Record<string, string> = {};
    for (const line of of('eth_k')) {
      if (!line || line.endsWith(':') || !line.includes(': ')) continue;
      const [key = '', value = ''] = line.split(': ');
      if (value) features[key.trim().replace(/-/g, '_')] = value.trim();
    }
    out.features = features;
  }
  if ((lines.eth_tok ?? []).includes(device)) {
    const text = of('eth_t').join('\n');
    out.timestamping = [...text.matchAll(/SOF_TIMESTAMPING_(\w+)/g)].map((m) => m[1]!.toLowerCase());
    out.hw_timestamp_filters = [...text.matchAll(/HWTSTAMP_FILTER_(\w+)/g)].map((m) => m[1]!.toLowerCase());
    const phc = /PTP Hardware Clock: (\d+)/.exec(text);
    if (phc) out.phc_index = Number(phc[1]);
  }
  return out;
}

/**
 * The per-interface facts by name (a ':' in an alias's name made '_'), in the order of the devices, as
 * Ansible's get_interfaces_info: each device's sysfs facts, then its IPv4 addresses (the first primary one
 * as ipv4, the others in ipv4_secondaries; an alias label gets its own entry), IPv6 addresses and ethtool's
 * data. Empty when the script could not read /sys/class/net.
 */
export function interfaceFacts(lines: SysLines, addrs: Addr4[], addrs6: Addr6[]): Map<string, Record<string, unknown>> {
  const sys = sysFiles(lines);
  const all = new Map<string, Record<string, unknown>>();
  for (const [device, files] of sys) {
    all.set(device, deviceFacts(device, files, lines));
    const own = addrs.filter((a) => a.iface === device);
    for (const a of [...own.filter((x) => !x.secondary), ...own.filter((x) => x.secondary)]) {
      const label = a.label || device;
      if (label !== device) all.set(label, {});
      const entry = { address: a.address, broadcast: a.broadcast ?? '', ...ipv4Net(a.address, a.prefix || '32'), prefix: a.prefix || '32' };
      const target = all.get(label)!;
      if (!a.secondary && !('ipv4' in target)) target.ipv4 = entry;
      else target.ipv4_secondaries = [...((target.ipv4_secondaries as unknown[] | undefined) ?? []), entry];
      if (a.secondary) {
        const dev = all.get(device)!;
        dev.ipv4_secondaries ??= [];
        if (label !== device) (dev.ipv4_secondaries as unknown[]).push(entry);
      }
    }
    const six = addrs6.filter((a) => a.iface === device).map((a) => ({ address: a.address, prefix: a.prefix, scope: a.scope }));
    if (six.length) all.get(device)!.ipv6 = six;
    Object.assign(all.get(device)!, ethtoolFacts(device, lines));
  }
  return new Map([...all].map(([name, facts]) => [name.replace(/:/g, '_'), facts]));
}

/** A default address's device facts as Ansible adds them to default_ipv4/default_ipv6: the raw hardware address, the MTU and the type. */
export function defaultLinkFacts(lines: SysLines, device: string): Record<string, unknown> | undefined {
  const files = sysFiles(lines).get(device);
  if (!files) return undefined;
  const facts = deviceFacts(device, files, lines);
  return { ...(files.has('address') ? { macaddress: files.get('address') } : {}), ...(facts.mtu !== undefined ? { mtu: facts.mtu } : {}), type: facts.type ?? 'unknown' };
}
