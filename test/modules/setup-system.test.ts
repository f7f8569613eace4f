// setup's system facts against Ansible's own collectors, each fed the same file texts or command output
// (the collector's file reads patched in Python): the CPUs, the kernel command line, resolv.conf, lsb,
// the SSH host keys and DMI. kplay's side reads what its gathering script would print for those texts
// (the CPU lines through the script's own awk program).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CPUINFO_AWK, setupModule } from '../../engine/modules/setup.js';
import { deviceFacts, deviceLinkFacts, lvmFacts, mountFacts, MOUNT_POINTS_AWK } from '../../engine/modules/setup-mounts.js';
import { virtualFacts } from '../../engine/modules/setup-virtual.js';
import { capsFacts, cmdlineFacts, cpuFacts, distributionFacts, dmiFacts, dnsFacts, lsbFacts, smallFacts, sshKeyFacts } from '../../engine/modules/setup-system.js';
import { moduleContext } from '../support/module-context.js';
import { pythonEval, systemPython } from '../support/python.js';
import { writeTree } from '../support/tree.js';

const cpu = (n: number, phys: string, core: string, extra = ''): string => `processor\t: ${n}\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel name\t: Intel(R) Xeon(R) Gold 6230\nphysical id\t: ${phys}\nsiblings\t: 4\ncore id\t\t: ${core}\ncpu cores\t: 2\n${extra}flags\t\t: fpu vme de pse\n\n`;
const CPUINFOS: [string, string, boolean][] = [
  // two sockets of two cores with two threads each
  [[0, 1, 2, 3, 4, 5, 6, 7].map((n) => cpu(n, String(Math.floor(n / 4)), String(Math.floor(n / 2) % 2))).join(''), 'x86_64', false],
  // a VM's single CPU without socket lines
  ['processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nflags\t\t: fpu vme\n\n', 'x86_64', false],
  // ARM: processor lines count
  ['processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n\nprocessor\t: 1\nBogoMIPS\t: 50.00\n\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 4\n', 'aarch64', false],
  // Xen paravirt: a flags line without vme
  ['processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nflags\t\t: fpu de\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nflags\t\t: fpu de\n\n', 'x86_64', true],
];

// the script's lines for a text: KEY=VALUE lines, the repeated keys' values listed
function scriptLines(out: string): { kv: Record<string, string>; lines: Record<string, string[]> } {
  const kv: Record<string, string> = {};
  const lines: Record<string, string[]> = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [k, v] = [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)];
    if (k === 'cpu') (lines.cpu ??= []).push(v);
    else kv[k] = v;
  }
  return { kv, lines };
}

describe.skipIf(!systemPython)("setup's system facts as Ansible's collectors make them of the same files", () => {
  it('the CPUs: the processor list, sockets, cores, threads and vCPUs (x86 sockets, a one-CPU VM, ARM, Xen paravirt)', () => {
    const dir = writeTree({});
    const ours = CPUINFOS.map(([text, arch, xen], i) => {
      const file = join(dir, `cpuinfo${i}`);
      writeFileSync(file, text);
      const { kv, lines } = scriptLines(execFileSync('awk', ['-F:', CPUINFO_AWK, file], { encoding: 'utf8' }));
      const { processor_nproc: _n, ...facts } = cpuFacts({ ...kv, ...(xen ? { cpu_xen: '1' } : {}) }, lines, arch);
      return facts;
    });
    const theirs = pythonEval<Record<string, unknown>[]>(
      [
        'import ansible.module_utils.facts.hardware.linux as L',
        'def fn(cases):',
        '    out = []',
        '    real_exists = L.os.path.exists',
        '    for text, arch, xen in cases:',
        "        L.get_file_lines = lambda path, text=text: text.splitlines() if path == '/proc/cpuinfo' else []",
        "        L.os.path.exists = lambda p, xen=xen: xen if p == '/proc/xen' else real_exists(p)",
        "        f = L.LinuxHardware(module=None).get_cpu_facts(collected_facts={'ansible_architecture': arch})",
        "        f.pop('processor_nproc', None)",
        '        out.append(f)',
        '    L.os.path.exists = real_exists',
        '    return out',
      ].join('\n'),
      CPUINFOS,
    );
    expect(ours).toEqual(theirs);
    expect(ours[0]).toMatchObject({ processor_count: 2, processor_cores: 2, processor_threads_per_core: 2, processor_vcpus: 8 });
  });

  it('the kernel command line: a name given twice, quoted values, a quote never closed', () => {
    const texts = ['BOOT_IMAGE=/vmlinuz-6.1 root=UUID=abc ro quiet console=tty0 console=ttyS0,115200', 'a="b c" \'d e\' x=1 x=2 x=3 flag', 'broken="never closed', '  spaced   out  '];
    const ours = texts.map((t) => cmdlineFacts({ cmdline: t }));
    const theirs = pythonEval<unknown[]>(
      "from ansible.module_utils.facts.system.cmdline import CmdLineFactCollector as C\ndef fn(texts):\n    c = C()\n    return [{'cmdline': c._parse_proc_cmdline(t), 'proc_cmdline': c._parse_proc_cmdline_facts(t)} for t in texts]",
      texts,
    );
    expect(ours).toEqual(theirs);
  });

  it('resolv.conf: nameservers, domain, search, sortlist, options (comments and blank lines skipped)', () => {
    const texts = ['# generated\nnameserver 10.0.0.2\nnameserver 10.0.0.3 10.0.0.4\n; old\ndomain lab.example\nsearch lab.example svc.cluster.local\nsortlist 10.0.0.0/255.0.0.0\noptions ndots:5 rotate timeout:2\n\n', '', 'options\nsearch\n'];
    const ours = texts.map((t) => dnsFacts({ resolv: t.split('\n') }));
    const theirs = pythonEval<unknown[]>(
      'import ansible.module_utils.facts.system.dns as D\ndef fn(texts):\n    out = []\n    for t in texts:\n        D.get_file_content = lambda path, default=None, t=t: t\n        out.append(D.DnsFactCollector().collect())\n    return out',
      texts,
    );
    expect(ours).toEqual(theirs);
  });

  it("lsb: lsb_release -a's lines, else /etc/lsb-release's", () => {
    const cases: [string | null, string | null][] = [
      ['No LSB modules are available.\nDistributor ID:\tDebian\nDescription:\tDebian GNU/Linux 12 (bookworm)\nRelease:\t12\nCodename:\tbookworm', null],
      [null, 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION="Ubuntu 22.04.4 LTS"'],
      [null, null],
    ];
    const ours = cases.map(([bin, file]) => lsbFacts({ ...(bin === null ? {} : { lsb: bin.split('\n') }), ...(file === null ? {} : { lsbf: file.split('\n') }) }));
    const theirs = pythonEval<unknown[]>(
      [
        'import ansible.module_utils.facts.system.lsb as S',
        'class M:',
        '    def __init__(self, out): self.out = out',
        "    def get_bin_path(self, name): return '/usr/bin/lsb_release' if self.out is not None else None",
        '    def run_command(self, args, errors=None): return (0, self.out, "")',
        'def fn(cases):',
        '    out = []',
        '    for bin_out, file_text in cases:',
        "        S.os.path.exists = lambda p, f=file_text: f is not None and p == '/etc/lsb-release'",
        '        S.get_file_lines = lambda p, f=file_text: f.splitlines()',
        '        out.append(S.LSBFactCollector().collect(module=M(bin_out)))',
        '    return out',
      ].join('\n'),
      cases,
    );
    expect(ours).toEqual(theirs);
  });

  it('the SSH host keys: those of the first directory holding them, as Ansible stops looking', () => {
    const key = (t: string): string => `${t} AAAAkey${t} root@host`;
    const cases: Record<string, string>[] = [
      { '/etc/ssh/ssh_host_rsa_key.pub': key('ssh-rsa'), '/etc/ssh/ssh_host_ed25519_key.pub': key('ssh-ed25519'), '/etc/ssh_host_dsa_key.pub': key('ssh-dss') },
      { '/etc/openssh/ssh_host_ecdsa_key.pub': key('ecdsa-sha2-nistp256'), '/etc/ssh_host_rsa_key.pub': key('ssh-rsa') },
      { '/etc/ssh/ssh_host_dsa_key.pub': key('ssh-dss'), '/etc/openssh/ssh_host_rsa_key.pub': key('ssh-rsa') },
      {},
    ];
    const ours = cases.map((files) => sshKeyFacts({ sshkey: Object.entries(files).map(([p, text]) => `${p.slice(0, p.lastIndexOf('/'))}|${/ssh_host_(\w+)_key/.exec(p)![1]}|${text}`) }));
    const theirs = pythonEval<unknown[]>('import ansible.module_utils.facts.system.ssh_pub_keys as K\ndef fn(cases):\n    out = []\n    for files in cases:\n        K.get_file_content = lambda p, files=files: files.get(p)\n        out.append(K.SshPubKeyFactCollector().collect())\n    return out', cases);
    expect(ours).toEqual(theirs);
  });

  it("DMI: /sys/devices/virtual/dmi/id's files, 'NA' for one not read, the chassis type named", () => {
    const files: Record<string, string> = { product_name: 'KVM', sys_vendor: 'QEMU', chassis_type: '1', bios_date: '04/01/2014', bios_version: '1.16.2-debian-1.16.2-1', product_uuid: 'ab-cd' };
    const ours = dmiFacts(Object.fromEntries(Object.entries(files).map(([k, v]) => [`dmi_${k}`, v])));
    const theirs = pythonEval<unknown>(
      "import ansible.module_utils.facts.hardware.linux as L\ndef fn(files):\n    L.os.path.exists = lambda p: p == '/sys/devices/virtual/dmi/id/product_name'\n    L.get_file_content = lambda p, default=None: files.get(p.rsplit('/', 1)[1], default)\n    return L.LinuxHardware(module=None).get_dmi_facts()",
      files,
    );
    expect(ours).toEqual(theirs);
    expect(dmiFacts({ dmi_chassis_type: '99' }).form_factor).toBe('unknown (99)');
  });
});

describe('the loadavg fact', () => {
  it.each([
    ["Python's os.getloadavg(), the kernel's exact fractions, where the host has Python", { loadavg: '1.97 2.57 1.57 2/301 4242', loadavg_py: '1.96875 2.57080078125 1.57421875' }, { '1m': 1.96875, '5m': 2.57080078125, '15m': 1.57421875 }],
    ["/proc/loadavg's rounded figures without it", { loadavg: '1.97 2.57 1.57 2/301 4242' }, { '1m': 1.97, '5m': 2.57, '15m': 1.57 }],
  ])('%s', (_why, kv, loadavg) => {
    expect(smallFacts(kv, undefined).loadavg).toEqual(loadavg);
  });

  it("the gathering script gives os.getloadavg()'s figures on this machine", async () => {
    const r = await setupModule.run(moduleContext({ gather_subset: ['!all', 'loadavg'] }));
    const got = (r.ansible_facts as Record<string, Record<string, number>>).ansible_loadavg as Record<string, number>;
    // (a figure with more than two decimals comes from the kernel's fixed point, not /proc/loadavg's rounding; 1/1024 steps)
    expect(Object.values(got).every((x) => Number.isInteger(x * 2048))).toBe(true);
  });
});

describe('the distribution facts', () => {
  it.each([
    ['Debian: the version and minor version from /etc/debian_version, the release from PRETTY_NAME', { os_id: 'debian', os_name: 'Debian GNU/Linux', os_version: '12', os_codename: 'bookworm', os_codename_set: 'v', os_pretty: 'Debian GNU/Linux 12 (bookworm)', debian_version: '12.11' }, { distribution: 'Debian', distribution_version: '12.11', distribution_major_version: '12', distribution_minor_version: '11', distribution_release: 'bookworm', os_family: 'Debian', distribution_file_path: '/etc/os-release', distribution_file_variety: 'Debian', distribution_file_parsed: true }],
    ['Ubuntu: os-release as it is', { os_id: 'ubuntu', os_name: 'Ubuntu', os_version: '22.04', os_codename: 'jammy', os_codename_set: 'vu', os_ubuntu_codename: 'jammy', os_pretty: 'Ubuntu 22.04.4 LTS', debian_version: 'bookworm/sid' }, { distribution: 'Ubuntu', distribution_version: '22.04', distribution_major_version: '22', distribution_release: 'jammy', os_family: 'Debian', distribution_file_path: '/etc/os-release', distribution_file_variety: 'Debian', distribution_file_parsed: true }],
    ['CentOS 7: major.minor of the release file, the codename in VERSION', { os_id: 'centos', os_name: 'CentOS Linux', os_version: '7', os_version_full: '7 (Core)', os_codename_set: '', 'rhrel_centos-release': 'CentOS Linux release 7.9.2009 (Core)', 'rhrel_redhat-release': 'CentOS Linux release 7.9.2009 (Core)' }, { distribution: 'CentOS', distribution_version: '7.9', distribution_major_version: '7', distribution_release: 'Core', os_family: 'RedHat', distribution_file_path: '/etc/redhat-release', distribution_file_variety: 'RedHat', distribution_file_parsed: true }],
    ['CentOS Stream 9', { os_id: 'centos', os_name: 'CentOS Stream', os_version: '9', os_version_full: '9', os_codename_set: '', 'rhrel_centos-release': 'CentOS Stream release 9', 'rhrel_redhat-release': 'CentOS Stream release 9' }, { distribution: 'CentOS', distribution_version: '9', distribution_major_version: '9', distribution_release: 'Stream', os_family: 'RedHat', distribution_file_path: '/etc/centos-release', distribution_file_variety: 'CentOS', distribution_file_parsed: true }],
    ['RHEL 9: RedHat, named by the release file', { os_id: 'rhel', os_name: 'Red Hat Enterprise Linux', os_version: '9.3', os_version_full: '9.3 (Plow)', os_codename_set: '', 'rhrel_redhat-release': 'Red Hat Enterprise Linux release 9.3 (Plow)' }, { distribution: 'RedHat', distribution_version: '9.3', distribution_major_version: '9', distribution_release: 'Plow', os_family: 'RedHat', distribution_file_path: '/etc/redhat-release', distribution_file_variety: 'RedHat', distribution_file_parsed: true, distribution_file_search_string: 'Red Hat' }],
    ['Rocky 9: the release file names it', { os_id: 'rocky', os_name: 'Rocky Linux', os_version: '9.3', os_version_full: '9.3 (Blue Onyx)', os_codename_set: '', 'rhrel_redhat-release': 'Rocky Linux release 9.3 (Blue Onyx)' }, { distribution: 'Rocky', distribution_version: '9.3', distribution_major_version: '9', distribution_release: 'Blue Onyx', os_family: 'RedHat', distribution_file_path: '/etc/redhat-release', distribution_file_variety: 'RedHat', distribution_file_parsed: true }],
  ])('%s', (_why, kv, facts) => {
    expect(distributionFacts(kv as Record<string, string>)).toEqual(facts);
  });
});

describe.skipIf(!systemPython)("setup's mounts as Ansible's hardware collector makes them of the same mount table", () => {
  const MTAB = [
    '/dev/vda1 / ext4 rw,relatime,discard 0 0',
    'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
    'tmpfs /run tmpfs rw,nosuid,nodev 0 0',
    '/dev/vda1 /var/lib/kubelet ext4 rw,relatime 0 0',
    '/dev/vdb /mnt/with\\040space xfs rw 0 2',
    'nfs.example:/export /srv/nfs nfs4 rw,vers=4.2 0 0',
    '/dev/sdz /gone none rw 0 0',
    '/dev/vdc /data ext4 rw 0 0',
    '/dev/vdc /data ext4 ro 0 0',
    'short line',
  ].join('\n');
  const FINDMNT = ['/ /dev/vda1 ext4 rw,relatime', '/var/lib/kubelet /dev/vda1[/var/lib/kubelet] ext4 rw,relatime', '/data /dev/vdc ext4 ro'].join('\n');
  const LSBLK = ['/dev/vda', '/dev/vda1 32caaec3-ef40-4691-a3b6-438c3f9bc1c0', '/dev/vdb 57b1a3e7-9019-4747-9809-7ec52bba9179', '/dev/vdc   '].join('\n');
  // statvfs per mount point: frsize, bsize, blocks, bavail, bfree, files, ffree (none for the NFS share: it does not answer)
  const STATVFS: Record<string, number[]> = { '/': [4096, 4096, 1000, 600, 700, 500, 300], '/var/lib/kubelet': [4096, 4096, 1000, 600, 700, 500, 300], '/mnt/with space': [512, 4096, 2000, 1500, 1600, 64, 60], '/data': [1024, 1024, 10, 1, 2, 8, 7] };

  it('devices and network shares with their sizes and UUIDs, bind mounts marked, escapes read, a mount point listed twice once', () => {
    const dir = writeTree({ mtab: `${MTAB}\n` });
    // the mount points kplay's script asks `stat -f` about (its awk program)
    const points = execFileSync('awk', [MOUNT_POINTS_AWK, join(dir, 'mtab')], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(points).toEqual(['/', '/var/lib/kubelet', '/mnt/with space', '/srv/nfs', '/data', '/data']);
    const ours = mountFacts({
      mtab: MTAB.split('\n'),
      findmnt: FINDMNT.split('\n'),
      lsblk: LSBLK.split('\n'),
      mstat: points.filter((p) => STATVFS[p]).map((p) => `${p}|${STATVFS[p]!.join('|')}`),
    });
    const theirs = pythonEval<{ mounts: Record<string, unknown>[] }>(
      [
        'import ansible.module_utils.facts.hardware.linux as L',
        'class M:',
        '    def __init__(self, out): self.out = out',
        "    def get_bin_path(self, name): return '/usr/bin/' + name if name in self.out else None",
        '    def run_command(self, args, errors=None): return (0, self.out[args[0].rsplit("/", 1)[1]], "")',
        '    def warn(self, m): pass',
        'def fn(spec):',
        "    L.os.path.exists = lambda p: p == '/etc/mtab'",
        "    L.get_file_content = lambda p, default=None: spec['mtab'] if p == '/etc/mtab' else default",
        '    def size(m):',
        "        v = spec['statvfs'].get(m)",
        '        if v is None: return {}',
        '        fr, bs, blocks, bavail, bfree, files, ffree = v',
        "        return {'size_total': fr * blocks, 'size_available': fr * bavail, 'block_size': bs, 'block_total': blocks, 'block_available': bavail, 'block_used': blocks - bavail, 'inode_total': files, 'inode_available': ffree, 'inode_used': files - ffree}",
        '    L.get_mount_size = size',
        "    h = L.LinuxHardware(module=M({'findmnt': spec['findmnt'], 'lsblk': spec['lsblk']}))",
        '    return h.get_mount_facts()',
      ].join('\n'),
      { mtab: MTAB, findmnt: FINDMNT, lsblk: LSBLK, statvfs: STATVFS },
    );
    // (Ansible lists them as its threads finish: compared by mount point)
    const byMount = (l: Record<string, unknown>[]): Record<string, unknown>[] => [...l].sort((a, b) => String(a.mount).localeCompare(String(b.mount)));
    expect(byMount(ours)).toEqual(byMount(theirs.mounts));
    expect(ours.find((m) => m.mount === '/var/lib/kubelet')).toMatchObject({ options: 'rw,relatime,bind', uuid: '32caaec3-ef40-4691-a3b6-438c3f9bc1c0', size_total: 4096000 });
    expect(ours.find((m) => m.mount === '/data')).toMatchObject({ options: 'ro', uuid: 'N/A' });
  });
});

describe.skipIf(!systemPython)("setup's virtualization facts as Ansible's virtual collector decides them", () => {
  type Case = { cgroup?: string[]; environ?: string[]; exists?: string[]; xencaps?: string; container?: string; dmi?: Record<string, string>; vxid?: string; cpu?: string[]; modules?: string[]; dmidecode?: string };
  const CASES: [string, Case][] = [
    ['a docker container', { cgroup: ['0::/docker/0123abcd'], exists: ['/.dockerenv'], dmi: { product_name: 'KVM', sys_vendor: 'QEMU' } }],
    ['an LXC container by its environment', { environ: ['PATH=/bin', 'container=lxc'] }],
    ['podman', { environ: ['container=podman'] }],
    ['systemd-nspawn', { container: 'systemd-nspawn' }],
    ['a KVM guest', { dmi: { product_name: 'KVM', sys_vendor: 'QEMU', bios_vendor: 'SeaBIOS' }, modules: ['virtio'] }],
    ['a VMware guest', { dmi: { product_name: 'VMware Virtual Platform', sys_vendor: 'VMware, Inc.' } }],
    ['a KVM host', { exists: ['/dev/kvm'], modules: ['kvm'], dmi: { product_name: 'PowerEdge R640', sys_vendor: 'Dell Inc.' } }],
    ['a Xen guest', { exists: ['/proc/xen'], xencaps: '' }],
    ['a Xen host', { exists: ['/proc/xen'], xencaps: 'control_d' }],
    ['bare metal', { dmi: { product_name: 'PowerEdge R640', sys_vendor: 'Dell Inc.' }, modules: [] }],
    ['an EC2 instance', { dmi: { bios_vendor: 'Amazon EC2', sys_vendor: 'Amazon EC2', product_name: 'm5.large' } }],
    ['an OpenVZ guest', { exists: ['/proc/vz'] }],
    ['a QEMU CPU', { cpu: ['model name|QEMU Virtual CPU version 2.5+'] }],
    ['a Linux-VServer guest', { vxid: 'VxID:\t42' }],
    ['dmidecode names VMware', { dmidecode: 'VMware7,1' }],
  ];

  it.each(CASES)('%s', (_name, c) => {
    const ours = virtualFacts({ cgroup: c.cgroup ?? [], environ: c.environ ?? [], exists: new Set(c.exists ?? []), xenCapabilities: c.xencaps, systemdContainer: c.container, dmi: c.dmi ?? {}, vxid: c.vxid, cpu: c.cpu ?? [], modules: c.modules, vdsmRunning: false, dmidecode: c.dmidecode });
    const theirs = pythonEval<Record<string, unknown>>(
      [
        'import ansible.module_utils.facts.virtual.linux as L',
        'class M:',
        '    def __init__(self, c): self.c = c',
        "    def get_bin_path(self, name): return '/usr/sbin/dmidecode' if name == 'dmidecode' and self.c.get('dmidecode') is not None else None",
        "    def run_command(self, cmd): return (0, self.c['dmidecode'] + '\\n', '')",
        'def fn(c):',
        "    files = {'/proc/1/cgroup': '\\n'.join(c.get('cgroup', [])), '/proc/1/environ': '\\x00'.join(c.get('environ', []))}",
        "    if 'xencaps' in c: files['/proc/xen/capabilities'] = c['xencaps']",
        "    if 'vxid' in c: files['/proc/self/status'] = 'Name:\\tx\\n' + c['vxid']",
        "    if 'cpu' in c: files['/proc/cpuinfo'] = '\\n'.join(l.replace('|', '\\t: ', 1) for l in c['cpu'])",
        "    if 'modules' in c: files['/proc/modules'] = '\\n'.join(m + ' 16384 0 - Live 0x0' for m in c['modules'])",
        "    content = {'/run/systemd/container': c.get('container')}",
        "    for k, v in c.get('dmi', {}).items(): content['/sys/devices/virtual/dmi/id/' + k] = v",
        "    exists = set(c.get('exists', [])) | set(files) | set(k for k, v in content.items() if v is not None)",
        '    L.os.path.exists = lambda p: p in exists',
        '    L.os.path.isdir = lambda p: p in exists',
        '    L.os.access = lambda p, mode: p in exists',
        "    L.get_file_lines = lambda p, line_sep=None: [l for l in files.get(p, '').split(line_sep or '\\n')] if p in files else []",
        '    L.get_file_content = lambda p, default=None: content.get(p, default)',
        '    L.glob.glob = lambda pat: []',
        '    f = L.LinuxVirtual(module=M(c)).get_virtual_facts()',
        "    for k in ('virtualization_tech_guest', 'virtualization_tech_host'): f[k] = sorted(f[k])",
        '    return f',
      ].join('\n'),
      c,
    );
    expect({ ...ours, virtualization_tech_guest: [...(ours.virtualization_tech_guest as string[])].sort(), virtualization_tech_host: [...(ours.virtualization_tech_host as string[])].sort() }).toEqual(theirs);
  });
});

describe.skipIf(!systemPython)("setup's capabilities as Ansible's caps collector reads capsh --print", () => {
  it.each([
    ['root with every capability', 'Current: =ep\nBounding set =cap_chown\n'],
    ['a capability dropped', 'Current: =ep cap_sys_resource-ep\nBounding set =cap_chown\n'],
    ['a short list', 'Current: = cap_chown,cap_kill+ep\n'],
    ['no Current line', 'Bounding set =cap_chown\n'],
    ['no capsh', null],
  ])('%s', (_name, out) => {
    const kv: Record<string, string> = out === null ? {} : { caps_ran: '1', ...(/^Current:.*$/m.exec(out) ? { caps: /^Current:.*$/m.exec(out)![0] } : {}) };
    const theirs = pythonEval<unknown>(
      "from ansible.module_utils.facts.system.caps import SystemCapabilitiesFactCollector as C\nclass M:\n    def __init__(self, out): self.out = out\n    def get_bin_path(self, name): return '/usr/sbin/capsh' if self.out is not None else None\n    def run_command(self, args, errors=None, handle_exceptions=True): return (0, self.out, '')\ndef fn(out):\n    return C().collect(module=M(out))",
      out,
    );
    expect(capsFacts(kv)).toEqual(theirs);
  });
});

describe.skipIf(!systemPython)("setup's device_links and lvm as Ansible's hardware collector reads them", () => {
  it('device links by target device (names sorted), masters from /sys/block/*/slaves', () => {
    const links: Record<string, Record<string, string>> = {
      '/dev/disk/by-id': { 'ata-DISK_1': '../../sda', 'ata-DISK_1-part1': '../../sda1', 'wwn-0x5000': '../../sda', 'dm-name-vg-root': '../../dm-0' },
      '/dev/disk/by-uuid': { '32caaec3-ef40': '../../sda1', 'ab12': '../../dm-0' },
    };
    const slaves = ['/sys/block/dm-0/slaves/sda2', '/sys/block/md0/slaves/sdb1', '/sys/block/md0/slaves/sdc1'];
    const ours = deviceLinkFacts({ dlink: Object.entries(links).flatMap(([dir, l]) => Object.entries(l).map(([name, target]) => `${dir.split('/').pop()}|${name}|${target}`)), dslave: slaves });
    const theirs = pythonEval<unknown>(
      "import ansible.module_utils.facts.hardware.linux as L\ndef fn(spec):\n    links, slaves = spec\n    L.os.path.exists = lambda p: p in links\n    L.os.listdir = lambda p: list(links[p])\n    L.os.readlink = lambda p: links[p.rsplit('/', 1)[0]][p.rsplit('/', 1)[1]]\n    L.glob.glob = lambda pat: slaves\n    return L.LinuxHardware(module=None).get_all_device_links()",
      [links, slaves],
    );
    expect(ours).toEqual(theirs);
    expect(ours.ids).toMatchObject({ sda: ['ata-DISK_1', 'wwn-0x5000'] });
  });

  it("lvm of vgs, lvs and pvs (a /dev/dm-N PV named by dmsetup), 'N/A' without them", () => {
    const out = {
      vgs: '  vg0,1,2,0,wz--n-,99.50,10.00\n  vg1,2,1,0,wz--n-,200.00,0\n',
      lvs: '  root,vg0,-wi-ao----,50.00,,,,,,,\n  swap,vg0,-wi-ao----,39.50,,,,,,,\n  data,vg1,-wi-a-----,200.00,,,,,,,\n',
      pvs: '  /dev/sda2,vg0,lvm2,a--,99.50,10.00\n  /dev/dm-3,vg1,lvm2,a--,100.00,0\n  /dev/sdc,vg1,lvm2,a--,100.00,0\n',
      dmsetup: 'crypt-disk\n',
    };
    const lines = (t: string): string[] => t.split('\n').filter(Boolean);
    const ours = lvmFacts({ lvm_ran: '1' }, { lvm_vg: lines(out.vgs), lvm_lv: lines(out.lvs), lvm_pv: lines(out.pvs), lvm_dm: [`/dev/dm-3|${out.dmsetup}`] });
    const theirs = pythonEval<unknown>(
      "import ansible.module_utils.facts.hardware.linux as L\nclass M:\n    def __init__(self, out): self.out = out\n    def get_bin_path(self, name, required=False): return '/sbin/' + name\n    def run_command(self, cmd): return (0, self.out[cmd.split()[0].rsplit('/', 1)[1]], '')\ndef fn(out):\n    L.os.getuid = lambda: 0\n    return L.LinuxHardware(module=M(out)).get_lvm_facts()['lvm']",
      out,
    );
    expect(ours).toEqual(theirs);
    expect(lvmFacts({}, {})).toBe('N/A');
  });
});

describe.skipIf(!systemPython)("setup's devices as Ansible's hardware collector reads /sys/block", () => {
  it('disks with partitions, holders, WWN, UUIDs, a PCI host, an NVMe disk, a loop device', () => {
    // /sys/block's links, the files under each device (as /sys/block/NAME/...), its holders, and /dev/disk's links
    const blk: Record<string, string> = { sda: '../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda', nvme0n1: '../devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1', loop0: '../devices/virtual/block/loop0' };
    const files: Record<string, string> = {
      'sda/device/vendor': 'ATA     ', 'sda/device/model': 'Samsung SSD 860', 'sda/removable': '0', 'sda/queue/discard_granularity': '512', 'sda/queue/rotational': '0', 'sda/queue/scheduler': 'none [mq-deadline] kyber', 'sda/size': '1953525168', 'sda/queue/logical_block_size': '512',
      'sda/sda1/start': '2048', 'sda/sda1/size': '1048576', 'sda/sda2/start': '1050624', 'sda/sda2/size': '1952474511', 'sda/sda2/holders/dm-0/dm/name': 'vg0-root',
      'nvme0n1/device/model': 'Samsung SSD 970', 'nvme0n1/device/serial': 'S4EWNX0N', 'nvme0n1/removable': '0', 'nvme0n1/queue/rotational': '0', 'nvme0n1/queue/scheduler': '[none] mq-deadline', 'nvme0n1/size': '976773168', 'nvme0n1/queue/logical_block_size': '512', 'nvme0n1/nvme0n1p1/start': '2048', 'nvme0n1/nvme0n1p1/size': '976771072',
      'loop0/removable': '0', 'loop0/queue/rotational': '1', 'loop0/queue/scheduler': 'none', 'loop0/size': '0', 'loop0/queue/hw_sector_size': '512',
    };
    const holders = ['sda/sda2/holders/dm-0', 'sda/holders/md127'];
    const dlinks: Record<string, Record<string, string>> = { 'by-id': { 'wwn-0x5002538e4': '../../sda', 'ata-Samsung_SSD_860': '../../sda', 'nvme-Samsung_SSD_970': '../../nvme0n1' }, 'by-uuid': { 'aa-bb': '../../sda1', 'cc-dd': '../../nvme0n1p1' } };
    const lspci = '0000:00:1f.2 SATA controller: Intel Corporation C600/X79 series chipset 6-Port SATA AHCI Controller (rev 06)\n0000:3d:00.0 Non-Volatile memory controller: Samsung Electronics Co Ltd NVMe SSD Controller SM981/PM981/PM983';
    const ours = deviceFacts({
      blk: Object.entries(blk).map(([n, l]) => `${n}|${l}`),
      bsys: Object.entries(files).map(([p, v]) => `/sys/block/${p}:${v}`),
      bhold: holders.map((h) => `/sys/block/${h}`),
      dlink: Object.entries(dlinks).flatMap(([d, l]) => Object.entries(l).map(([n, t]) => `${d}|${n}|${t}`)),
      lspci: lspci.split('\n'),
    });
    const theirs = pythonEval<Record<string, unknown>>(
      [
        'import ansible.module_utils.facts.hardware.linux as L',
        'def patch(spec):',
        "    blk, files, holders, dlinks = spec['blk'], spec['files'], spec['holders'], spec['dlinks']",
        '    real = {}',
        "    for n, l in blk.items(): real['/sys/block/' + l] = '/sys/block/' + n",
        '    def canon(p):',
        '        for k, v in real.items():',
        "            if p == k or p.startswith(k + '/'): return v + p[len(k):]",
        '        return p',
        "    paths = set('/sys/block/' + p for p in files) | set('/sys/block/' + h for h in holders)",
        '    def listdir(p):',
        "        if p.startswith('/dev/disk/'): return list(dlinks.get(p.rsplit('/', 1)[1], {}))",
        '        p = canon(p)',
        "        if p == '/sys/block': return list(blk)",
        "        return sorted(set(q[len(p) + 1:].split('/')[0] for q in paths if q.startswith(p + '/')))",
        '    def readlink(p):',
        "        if p.startswith('/dev/disk/'): d, n = p.split('/')[3:5]; return dlinks[d][n]",
        "        return blk[p.rstrip('/').rsplit('/', 1)[1]]",
        '    L.os.listdir = listdir',
        '    L.os.readlink = readlink',
        "    L.os.path.realpath = lambda p: '/dev/' + readlink(p).rsplit('/', 1)[1]",
        "    L.os.path.exists = lambda p: p.rsplit('/', 1)[0] in ('/dev/disk/by-id', '/dev/disk/by-uuid') or p in ('/dev/disk/by-id', '/dev/disk/by-uuid')",
        "    L.os.path.isdir = lambda p: any(q.startswith(canon(p) + '/') for q in paths)",
        "    L.get_file_content = lambda p, default=None: (files.get(canon(p)[len('/sys/block/'):], '').strip() or default) if canon(p).startswith('/sys/block/') else default",
        "    L.glob.glob = lambda pat: []",
        'class M:',
        '    def __init__(self, out): self.out = out',
        "    def get_bin_path(self, name): return '/usr/bin/lspci' if name == 'lspci' else None",
        "    def run_command(self, args, errors=None): return (0, self.out, '')",
        'def fn(spec):',
        '    patch(spec)',
        "    return L.LinuxHardware(module=M(spec['lspci'])).get_device_facts()['devices']",
      ].join('\n'),
      { blk, files, holders, dlinks, lspci },
    );
    expect(ours).toEqual(theirs);
    expect(ours.sda).toMatchObject({ wwn: '0x5002538e4', vendor: 'ATA', scheduler_mode: 'mq-deadline', size: '931.51 GB', host: expect.stringMatching(/^SATA controller/), holders: [], partitions: { sda1: { uuid: 'aa-bb', start: '2048', size: '512.00 MB' }, sda2: { holders: ['vg0-root'] } } });
    expect(ours.nvme0n1).toMatchObject({ serial: 'S4EWNX0N', partitions: { nvme0n1p1: { uuid: 'cc-dd' } } });
    expect(ours.loop0).toMatchObject({ size: '0.00 Bytes', sectorsize: '512', vendor: null });
  });
});
