// setup's per-interface facts against Ansible's own Linux network collector (get_interfaces_info), both
// fed one made-up host: its /sys/class/net files and links (the collector's file reads patched in Python),
// `ip addr show primary|secondary dev X` for Ansible and the `ip -o` lines kplay's script reads, and
// ethtool's output. Devices: lo, an Ethernet card with an alias and secondaries, a bridge, a bond with a
// primary (whose later files Ansible's collector reads from a wrong path), its slave, a tunnel with a peer.
import { describe, expect, it } from 'vitest';
import { interfaceFacts, type Addr4, type Addr6 } from '../../engine/modules/setup-network.js';
import { pythonEval, systemPython } from '../support/python.js';

type V4 = { addr: string; prefix?: string; brd?: string; label?: string; secondary?: boolean; peer?: string };
type V6 = { addr: string; prefix: string; scope: string };
interface Device {
  name: string;
  files: Record<string, string>;
  device?: { link: string; module?: string };
  bridge?: { id: string; stp: string; brif: string[] };
  bond?: { slaves: string; mode: string; miimon: string; lacp_rate: string; primary: string; all_slaves_active: string };
  perm?: string;
  v4?: V4[];
  v6?: V6[];
  ethtool?: { k: string; t: string };
}

const DEVICES: Device[] = [
  { name: 'lo', files: { address: '00:00:00:00:00:00', mtu: '65536', operstate: 'unknown', type: '772', flags: '0x9' }, v4: [{ addr: '127.0.0.1', prefix: '8' }], v6: [{ addr: '::1', prefix: '128', scope: 'host' }] },
  {
    name: 'eth0',
    files: { address: '52:54:00:12:34:56', mtu: '1500', operstate: 'up', type: '1', speed: '1000', flags: '0x1003' },
    device: { link: '../../../0000:00:03.0', module: '/sys/module/e1000' },
    v4: [{ addr: '10.0.0.5', prefix: '24', brd: '10.0.0.255' }, { addr: '10.0.0.6', prefix: '24', brd: '10.0.0.255', label: 'eth0:1', secondary: true }, { addr: '10.0.0.7', prefix: '24', brd: '10.0.0.255', secondary: true }],
    v6: [{ addr: '2001:db8::5', prefix: '64', scope: 'global' }, { addr: 'fe80::5054:ff:fe12:3456', prefix: '64', scope: 'link' }],
    ethtool: {
      k: 'Features for eth0:\nrx-checksumming: on\ntx-checksumming: on\n\ttx-checksum-ipv4: off [fixed]\n\ttx-checksum-ip-generic: on\nscatter-gather: on\n\ttx-scatter-gather: on\n',
      t: 'Time stamping parameters for eth0:\nCapabilities:\n\tsoftware-transmit     (SOF_TIMESTAMPING_TX_SOFTWARE)\n\tsoftware-receive      (SOF_TIMESTAMPING_RX_SOFTWARE)\nPTP Hardware Clock: 0\nHardware Transmit Timestamp Modes: none\nHardware Receive Filter Modes:\n\tnone                  (HWTSTAMP_FILTER_NONE)\n\tall                   (HWTSTAMP_FILTER_ALL)\n',
    },
  },
  { name: 'br0', files: { address: '02:42:ac:11:00:01', mtu: '1500', operstate: 'up', type: '1', flags: '0x1103' }, bridge: { id: '8000.0242ac110001', stp: '0', brif: ['veth1'] }, v4: [{ addr: '172.17.0.1', prefix: '16', brd: '172.17.255.255' }] },
  { name: 'bond0', files: { address: '52:54:00:aa:bb:cc', mtu: '9000', operstate: 'up', type: '1', speed: '2000', flags: '0x1403' }, bond: { slaves: 'eth1 eth2', mode: 'active-backup 1', miimon: '100', lacp_rate: 'slow 0', primary: 'eth1', all_slaves_active: '0' }, v4: [{ addr: '192.168.1.10', prefix: '24', brd: '192.168.1.255' }] },
  { name: 'eth1', files: { address: '52:54:00:aa:bb:cc', mtu: '9000', operstate: 'up', type: '1', flags: '0x1803' }, perm: '52:54:00:00:00:01', device: { link: '../../../0000:00:04.0' } },
  { name: 'tun0', files: { address: '', mtu: '1500', operstate: 'unknown', type: '65534', flags: '0x10d1' }, v4: [{ addr: '10.8.0.1', peer: '10.8.0.2/32' }] },
];

const SYS = '/sys/class/net';

// what kplay's gathering script prints for the devices (its sysfs lines, `ip -o` parsed, ethtool's lines)
function scriptView(): { lines: Record<string, string[]>; addrs: Addr4[]; addrs6: Addr6[] } {
  const lines: Record<string, string[]> = {};
  const push = (k: string, v: string): number => (lines[k] ??= []).push(v);
  const addrs: Addr4[] = [];
  const addrs6: Addr6[] = [];
  for (const d of DEVICES) {
    // (grep -H . prints the files with something in them)
    for (const f of ['address', 'mtu', 'operstate', 'type', 'speed', 'flags']) if (d.files[f]) push('nsys', `${SYS}/${d.name}/${f}:${d.files[f]}`);
    if (d.device) push('ndev', `${SYS}/${d.name}|${d.device.link}|${d.device.module ?? ''}`);
    if (d.bridge) push('nbr', `${SYS}/${d.name}|${d.bridge.id}|${d.bridge.stp}|${d.bridge.brif.map((b) => `${b} `).join('')}`);
    if (d.bond) push('nbond', `${SYS}/${d.name}|${d.bond.slaves}|${d.bond.mode}|${d.bond.miimon}|${d.bond.lacp_rate}|${d.bond.primary}|${d.bond.all_slaves_active}`);
    if (d.perm) push('nslave', `${SYS}/${d.name}|${d.perm}`);
    if (d.ethtool) {
      push('eth_kok', d.name);
      for (const l of d.ethtool.k.split('\n')) push('eth_k', `${d.name}|${l}`);
      push('eth_tok', d.name);
      for (const l of d.ethtool.t.split('\n')) push('eth_t', `${d.name}|${l}`);
    }
    for (const a of d.v4 ?? []) addrs.push({ iface: d.name, address: a.addr, prefix: a.prefix ?? '', ...(a.brd ? { broadcast: a.brd } : {}), label: a.label ?? d.name, ...(a.secondary ? { secondary: true } : {}) });
    for (const a of d.v6 ?? []) addrs6.push({ iface: d.name, address: a.addr, prefix: a.prefix, scope: a.scope });
  }
  return { lines, addrs, addrs6 };
}

// `ip addr show primary|secondary dev X` as iproute2 prints it, for Ansible's collector
function ipShow(d: Device, secondary: boolean): string {
  const out = [`2: ${d.name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${d.files.mtu} qdisc noqueue state UP group default qlen 1000`, `    link/ether ${d.files.address} brd ff:ff:ff:ff:ff:ff`];
  for (const a of (d.v4 ?? []).filter((x) => !!x.secondary === secondary)) {
    const where = a.peer ? `${a.addr} peer ${a.peer}` : `${a.addr}/${a.prefix}${a.brd ? ` brd ${a.brd}` : ''}`;
    out.push(`    inet ${where} scope global${a.secondary ? ' secondary' : ''} ${a.label ?? d.name}`, '       valid_lft forever preferred_lft forever');
  }
  if (!secondary) for (const a of d.v6 ?? []) out.push(`    inet6 ${a.addr}/${a.prefix} scope ${a.scope} `, '       valid_lft forever preferred_lft forever');
  return `${out.join('\n')}\n`;
}

describe.skipIf(!systemPython)("setup's per-interface facts as Ansible's Linux network collector makes them", () => {
  it('each device: its sysfs facts, IPv4 address and secondaries (an alias its own entry), IPv6 addresses, ethtool features and timestamping', () => {
    const files: Record<string, string> = {};
    const dirs: string[] = [];
    const links: Record<string, string> = {};
    const ip: Record<string, { primary: string; secondary: string }> = {};
    const ethtool: Record<string, { k: string; t: string }> = {};
    for (const d of DEVICES) {
      const base = `${SYS}/${d.name}`;
      dirs.push(base);
      for (const [f, v] of Object.entries(d.files)) files[`${base}/${f}`] = v;
      if (d.device) {
        links[`${base}/device`] = d.device.link;
        if (d.device.module) links[`${base}/device/driver/module`] = d.device.module;
      }
      if (d.bridge) {
        dirs.push(`${base}/bridge`, ...d.bridge.brif.map((b) => `${base}/brif/${b}`));
        Object.assign(files, { [`${base}/bridge/bridge_id`]: d.bridge.id, [`${base}/bridge/stp_state`]: d.bridge.stp });
      }
      if (d.bond) {
        dirs.push(`${base}/bonding`);
        for (const [f, v] of Object.entries(d.bond)) files[`${base}/bonding/${f}`] = v;
      }
      if (d.perm) {
        dirs.push(`${base}/bonding_slave`);
        files[`${base}/bonding_slave/perm_hwaddr`] = d.perm;
      }
      ip[d.name] = { primary: ipShow(d, false), secondary: ipShow(d, true) };
      if (d.ethtool) ethtool[d.name] = d.ethtool;
    }
    const theirs = pythonEval<Record<string, unknown>>(
      [
        'import fnmatch',
        'import ansible.module_utils.facts.network.linux as L',
        'def fn(spec):',
        "    files, dirs, links, ip, eth = spec['files'], spec['dirs'], spec['links'], spec['ip'], spec['ethtool']",
        '    paths = list(dirs) + list(files) + list(links)',
        "    L.glob.glob = lambda pat: [p for p in dirs if fnmatch.fnmatch(p, pat) and p.count('/') == pat.count('/')]",
        '    L.os.path.isdir = lambda p: p in dirs',
        '    L.os.path.exists = lambda p: p in paths',
        '    L.os.path.realpath = lambda p: links.get(p, p)',
        '    L.os.readlink = lambda p: links[p]',
        '    L.get_file_content = lambda p, default=None, strip=True: files.get(p, default)',
        '    class M:',
        "        def get_bin_path(self, name): return '/usr/sbin/' + name",
        '        def run_command(self, args, errors=None):',
        "            if args[1:3] == ['addr', 'show'] and args[3] in ('primary', 'secondary'): return (0, ip[args[5]][args[3]], '')",
        "            if args[1] in ('-k', '-T') and args[2] in eth: return (0, eth[args[2]][args[1][1].lower()], '')",
        "            return (1, '', 'no')",
        "    interfaces, ips = L.LinuxNetwork(M()).get_interfaces_info('/usr/sbin/ip', {}, {})",
        "    return {'interfaces': interfaces, 'ips': ips}",
      ].join('\n'),
      { files, dirs, links, ip, ethtool },
    );
    const { lines, addrs, addrs6 } = scriptView();
    const ours = Object.fromEntries(interfaceFacts(lines, addrs, addrs6));
    expect(ours).toEqual(theirs.interfaces);
    // what the test is about: an alias's own entry, a secondary, the bond's quirk, the tunnel's /32
    expect(Object.keys(ours).sort()).toEqual(['bond0', 'br0', 'eth0', 'eth0_1', 'eth1', 'lo', 'tun0']);
    expect(ours.eth0).toMatchObject({ ipv4: { address: '10.0.0.5', netmask: '255.255.255.0' }, ipv4_secondaries: [{ address: '10.0.0.6' }, { address: '10.0.0.7' }], module: 'e1000', pciid: '0000:00:03.0', promisc: false, speed: 1000 });
    expect(ours.bond0).not.toHaveProperty('speed');
    expect(ours.tun0).toMatchObject({ ipv4: { address: '10.8.0.1', prefix: '32', netmask: '255.255.255.255', broadcast: '' } });
    expect(ours.br0).toMatchObject({ type: 'bridge', interfaces: ['veth1'], stp: false, promisc: true });
  });
});
