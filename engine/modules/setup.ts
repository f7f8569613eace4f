// setup: the facts of Ansible's Linux collectors (platform, distribution, hardware, network with each
// interface, user, env, date_time, virtual, selinux, local, python...), gathered with one shell script from
// standard Linux files and tools; gather_subset keeps those of the collectors it asks for, as Ansible decides
// them, under the names Ansible's module gives (ansible_NAME). Declared: the facts are what the script
// printed, the plan (no step) makes Ansible's facts of them (setup-system, -network, -mounts, -virtual, local-facts).
import { globToRegExp } from '../inventory/patterns.js';
import { shellQuote } from '../util/shell.js';
import { factFileOf, localFacts } from './local-facts.js';
import { deviceFacts, deviceLinkFacts, lvmFacts, mountFacts, MOUNT_POINTS_AWK } from './setup-mounts.js';
import { virtInputOf, virtualFacts } from './setup-virtual.js';
import { askedInterpreter, DISCOVER_PYTHON, discoveredInterpreter } from './python/interpreter.js';
import { declareModule, failPlan } from './declare.js';
import { defaultLinkFacts, interfaceFacts, ipv4Net, type Addr4, type Addr6 } from './setup-network.js';
import { capsFacts, cmdlineFacts, cpuFacts, distributionFacts, dmiFacts, dnsFacts, fqdnFacts, lsbFacts, smallFacts, sshKeyFacts, storageIdFacts } from './setup-system.js';
import type { Module } from './types.js';

// the package managers Ansible's pkg_mgr collector looks for, in its order (the last one present wins)
const PKG_MGRS: [string, string][] = [
  ['/usr/bin/rpm-ostree', 'atomic_container'],
  ['/usr/bin/yum', 'yum'],
  ['/usr/bin/dnf', 'dnf'],
  ['/usr/bin/apt-get', 'apt'],
  ['/usr/bin/zypper', 'zypper'],
  ['/usr/sbin/urpmi', 'urpmi'],
  ['/usr/bin/pacman', 'pacman'],
  ['/bin/opkg', 'opkg'],
  ['/usr/pkg/bin/pkgin', 'pkgin'],
  ['/opt/local/bin/pkgin', 'pkgin'],
  ['/opt/tools/bin/pkgin', 'pkgin'],
  ['/opt/local/bin/port', 'macports'],
  ['/usr/local/bin/brew', 'homebrew'],
  ['/opt/homebrew/bin/brew', 'homebrew'],
  ['/sbin/apk', 'apk'],
  ['/usr/sbin/pkg', 'pkgng'],
  ['/usr/sbin/swlist', 'swdepot'],
  ['/usr/bin/emerge', 'portage'],
  ['/usr/sbin/pkgadd', 'svr4pkg'],
  ['/usr/bin/pkg', 'pkg5'],
  ['/usr/bin/xbps-install', 'xbps'],
  ['/usr/local/sbin/pkg', 'pkgng'],
  ['/usr/bin/swupd', 'swupd'],
  ['/usr/sbin/sorcery', 'sorcery'],
  ['/usr/bin/installp', 'installp'],
];

/** The package managers' names the collector gives (the package action runs these as ansible.legacy.NAME). */
export const PKG_MGR_NAMES: ReadonlySet<string> = new Set(PKG_MGRS.map(([, name]) => name));

/** The pkg_mgr fact as Ansible's collector decides it: the last manager present, then the family's official one. */
export function pkgMgr(present: string[], family: string, distribution: string, major: string, ostree: boolean, aptRpm: boolean): string {
  let name = present[present.length - 1] ?? 'unknown';
  if (family === 'RedHat') {
    if (ostree) return 'atomic_container';
    const v = Number.parseInt(major, 10);
    if (distribution === 'Fedora') name = Number.isNaN(v) ? 'dnf' : v < 23 ? (present.includes('yum') ? 'yum' : name) : present.includes('dnf') ? 'dnf' : name;
    else name = v < 8 ? 'yum' : 'dnf';
  } else if (family === 'Debian' && name !== 'apt') name = 'apt';
  else if (family === 'Altlinux' && name === 'apt') name = 'apt_rpm';
  return name === 'apt' && aptRpm ? 'apt_rpm' : name;
}

/** The awk program that prints /proc/cpuinfo's lines Ansible's CPU facts read (`cpu=KEY|VALUE`, and `cpu_novme=1` when a flags line lacks vme). */
export const CPUINFO_AWK = `{k=$1; gsub(/^[ \\t]+|[ \\t]+$/,"",k); v=(index($0,":") ? substr($0,index($0,":")+1) : ""); gsub(/^[ \\t]+|[ \\t]+$/,"",v); if (k ~ /^(model name|Processor|vendor_id|cpu|Vendor|processor|physical id|core id|cpu cores|siblings|# processors|ncpus active|machine)$/) print "cpu="k"|"v; else if (k=="flags" && index(v,"vme")==0) nv=1} END{if(nv)print "cpu_novme=1"}`;

// the python collector's facts and python_version, as the module's interpreter gives them, on one JSON line, then its load averages
const PYTHON_FACTS = [
  'import sys, json, platform',
  'try:',
  '    from ssl import create_default_context, SSLContext',
  '    s = True',
  'except ImportError:',
  '    s = False',
  'v = sys.version_info',
  "t = sys.implementation.name if hasattr(sys, 'implementation') else None",
  "print(json.dumps({'python': {'version': {'major': v[0], 'minor': v[1], 'micro': v[2], 'releaselevel': v[3], 'serial': v[4]}, 'version_info': list(v), 'executable': sys.executable, 'has_sslcontext': s, 'type': t}, 'python_version': platform.python_version()}))",
  // (and the loadavg collector's os.getloadavg(): the kernel's exact fractions, where /proc/loadavg rounds them)
  'import os',
  "if hasattr(os, 'getloadavg'): print('%r %r %r' % os.getloadavg())",
].join('\n');

// (rd reads a file's first line with the shell's own read: a process less per file, as starting one is
// what the gathering costs)
const SCRIPT = `
rd() { v=; [ -r "$1" ] && { IFS= read -r v < "$1" || :; }; }
rd /proc/sys/kernel/hostname; h=$v; [ -n "$h" ] || h=$(hostname 2>/dev/null)
echo "hostname=$h"
if command -v getent >/dev/null 2>&1; then a=$(getent ahosts "$h" 2>/dev/null | awk 'NR==1{print $1}'); [ -n "$a" ] && echo "fqdn_rev=$(getent hosts "$a" 2>/dev/null | head -n 1)"; else echo "fqdn=$(hostname -f 2>/dev/null || echo "$h")"; fi
rd /proc/sys/kernel/version; [ -n "$v" ] || v=$(uname -v); echo "kver=$v"
for f in /var/lib/dbus/machine-id /etc/machine-id; do rd "$f"; [ -n "$v" ] && { echo "machine_id=$v"; break; }; done
[ -r /proc/cpuinfo ] && awk -F: '${CPUINFO_AWK}' /proc/cpuinfo
rd /sys/hypervisor/type; { [ -e /proc/xen ] || [ "$v" = xen ]; } && echo "cpu_xen=1"
rd /proc/cmdline; echo "cmdline=$v"
rd /proc/uptime; echo "uptime=\${v%% *}"
rd /proc/loadavg; echo "loadavg=$v"
rd /proc/sys/crypto/fips_enabled; echo "fips=$v"
[ -e /sys/kernel/security/apparmor ] && echo "apparmor=1"
command -v capsh >/dev/null 2>&1 && o=$(capsh --print 2>/dev/null) && { echo "caps_ran=1"; printf '%s\\n' "$o" | sed -n 's/^Current:/caps=Current:/p'; }
echo "long_bit=$(getconf LONG_BIT 2>/dev/null)"
[ -r /etc/iscsi/initiatorname.iscsi ] && grep -v '^[#;]' /etc/iscsi/initiatorname.iscsi | sed -n 's/^InitiatorName=/iscsi=/p' | head -n 1
[ -r /etc/nvme/hostnqn ] && grep -m 1 '^nqn\.' /etc/nvme/hostnqn | sed 's/^/nqn=/'
for f in /sys/class/fc_host/*/port_name; do [ -r "$f" ] && sed 's/^/fcwwn=/' "$f"; done
[ -r /proc/1/cgroup ] && sed 's/^/virt_cgroup=/' /proc/1/cgroup
[ -r /proc/1/environ ] && { tr '\\000' '\\n' < /proc/1/environ; } 2>/dev/null | sed 's/^/virt_environ=/'
for p in /proc/vz /proc/lve /proc/bc /.dockerenv /.dockerinit /proc/xen /dev/kvm; do [ -e "$p" ] && echo "virt_exists=$p"; done; [ -d /rhev/ ] && echo "virt_exists=/rhev/"
[ -r /proc/xen/capabilities ] && sed 's/^/virt_xencaps=/' /proc/xen/capabilities
rd /run/systemd/container; [ -n "$v" ] && echo "virt_container=$v"
[ -r /proc/self/status ] && while IFS= read -r l; do case $l in VxID:*) echo "virt_vxid=$l"; break;; esac; done < /proc/self/status
if [ -r /proc/modules ]; then echo "virt_modules_read=1"; awk '$1 == "kvm" || $1 == "vboxdrv" || $1 == "virtio" {print "virt_module=" $1}' /proc/modules; fi
[ -d /rhev/ ] && grep -qx -e vdsm -e vdsmd /proc/[0-9]*/comm 2>/dev/null && echo "virt_vdsm=1"
command -v dmidecode >/dev/null 2>&1 && o=$(dmidecode -s system-product-name 2>/dev/null) && printf '%s\\n' "$o" | sed 's/^/virt_dmidecode=/'
[ -n "$py" ] || { py=$(${DISCOVER_PYTHON}); [ -n "$py" ] && echo "py_found=$py"; }
[ -n "$py" ] && "$py" -c ${shellQuote(PYTHON_FACTS)} 2>/dev/null | sed '1s/^/python=/;2s/^/loadavg_py=/'
m=/etc/mtab; [ -e "$m" ] || m=/proc/mounts
if [ -r "$m" ]; then
sed 's/^/mtab=/' "$m"
command -v findmnt >/dev/null 2>&1 && findmnt --list --noheadings --notruncate 2>/dev/null | sed 's/^/findmnt=/'
command -v lsblk >/dev/null 2>&1 && u=$(lsblk --list --noheadings --paths --output NAME,UUID --exclude 2 2>/dev/null) && printf '%s\n' "$u" | sed 's/^/lsblk=/'
awk '${MOUNT_POINTS_AWK}' "$m" | tr '\\n' '\\000' | xargs -0 -r stat -f -c 'mstat=%n|%S|%s|%b|%a|%f|%c|%d' 2>/dev/null
fi
for d in /dev/disk/by-id /dev/disk/by-uuid /dev/disk/by-label; do [ -d "$d" ] && find "$d" -mindepth 1 -maxdepth 1 -type l -printf "dlink=\${d##*/}|%f|%l\\n" 2>/dev/null; done
for s in /sys/block/*/slaves/*; do [ -e "$s" ] && echo "dslave=$s"; done
if [ -d /sys/block ]; then
find /sys/block -mindepth 1 -maxdepth 1 -printf 'blk=%f|%l\\n' 2>/dev/null
grep -sH . /sys/block/*/device/vendor /sys/block/*/device/model /sys/block/*/device/sas_address /sys/block/*/device/sas_device_handle /sys/block/*/device/serial /sys/block/*/removable /sys/block/*/queue/discard_granularity /sys/block/*/queue/rotational /sys/block/*/queue/scheduler /sys/block/*/size /sys/block/*/queue/logical_block_size /sys/block/*/queue/hw_sector_size /sys/block/*/*/start /sys/block/*/*/size /sys/block/*/*/queue/logical_block_size /sys/block/*/*/queue/hw_sector_size /sys/block/*/holders/*/dm/name /sys/block/*/*/holders/*/dm/name | sed 's/^/bsys=/'
for h in /sys/block/*/holders/* /sys/block/*/*/holders/*; do [ -e "$h" ] && echo "bhold=$h"; done
command -v lspci >/dev/null 2>&1 && lspci -D 2>/dev/null | sed 's/^/lspci=/'
if command -v sg_inq >/dev/null 2>&1; then echo "sginq=1"; for b in /sys/block/*; do s=$(sg_inq "/dev/\${b##*/}" 2>/dev/null | sed -n 's/.*\\(Unit serial\\|Serial\\) number:[[:space:]]*\\([[:alnum:]_]*\\).*/\\2/p' | head -n 1); [ -n "$s" ] && echo "bserial=\${b##*/}|$s"; done; fi
fi
if command -v vgs >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then echo "lvm_ran=1"; o='--noheadings --nosuffix --units g --separator ,'; vgs $o 2>/dev/null | sed 's/^/lvm_vg=/'; command -v lvs >/dev/null 2>&1 && lvs $o 2>/dev/null | sed 's/^/lvm_lv=/'; if command -v pvs >/dev/null 2>&1; then p=$(pvs $o 2>/dev/null); printf '%s\\n' "$p" | sed '/^$/d; s/^/lvm_pv=/'; for d in $(printf '%s\\n' "$p" | sed -n 's/^ *\\(\/dev\/dm-[0-9]*\\),.*/\\1/p'); do echo "lvm_dm=$d|$(dmsetup info -C --noheadings -o name "$d" 2>/dev/null)"; done; fi; fi
if [ -d "$fp" ]; then for f in "$fp"/*.fact; do [ -e "$f" ] || continue; case $(stat -c %A "$f" 2>/dev/null) in ???[xs]*) e=$(mktemp); o=$("$f" 2>"$e"); r=$?; echo "lfact=\${f##*/}|x|$r|$(printf '%s' "$o" | base64 -w0)|$(base64 -w0 < "$e")"; rm -f "$e";; *) echo "lfact=\${f##*/}|r|0|$(base64 -w0 < "$f")|";; esac; done; fi
set -- $(stat -c '%d:%i' / /proc/1/root/. 2>/dev/null); [ -n "$2" ] && echo "chroot=$1|$2|" || echo "chroot=$1||$(stat -f -c %T / 2>/dev/null)"
[ -r /etc/resolv.conf ] && sed 's/^/resolv=/' /etc/resolv.conf
if command -v lsb_release >/dev/null 2>&1; then lsb_release -a 2>/dev/null | sed 's/^/lsb=/'; fi
[ -r /etc/lsb-release ] && sed 's/^/lsbf=/' /etc/lsb-release
for d in /etc/ssh /etc/openssh /etc; do for k in dsa rsa ecdsa ed25519; do [ -r "$d/ssh_host_\${k}_key.pub" ] && rd "$d/ssh_host_\${k}_key.pub" && echo "sshkey=$d|$k|$v"; done; done
if [ -e /sys/devices/virtual/dmi/id/product_name ]; then for f in bios_date bios_vendor bios_version board_asset_tag board_name board_serial board_vendor board_version chassis_asset_tag chassis_serial chassis_vendor chassis_version chassis_type product_name product_serial product_uuid product_version sys_vendor product_family; do { IFS= read -r v < "/sys/devices/virtual/dmi/id/$f"; } 2>/dev/null && echo "dmi_$f=$v"; done; fi
rd /proc/sys/kernel/osrelease; [ -n "$v" ] || v=$(uname -r); echo "kernel=$v"
rd /proc/sys/kernel/ostype; [ -n "$v" ] || v=$(uname -s); echo "system=$v"
echo "machine=$(uname -m)"
echo "nproc=$(nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo)"
awk -F'[: ]+' '/^(MemTotal|MemFree|SwapTotal|SwapFree|Buffers|Cached|SwapCached):/ {print "mem_"$1"="$2}' /proc/meminfo 2>/dev/null
echo "user=$(id -un)"
echo "pw=$(getent passwd "$(id -un)" 2>/dev/null || getent passwd "$(id -u)")"
echo "ids=$(id -u) $(id -g)"
now=$(date +%s.%N)
LC_ALL=C date -d "@$now" '+dt=%Y|%m|%A|%w|%W|%d|%H|%M|%S|%s|%N|%Z|%z'
LC_ALL=C date -u -d "@$now" '+dtu=%Y-%m-%dT%H:%M:%S'
y=$(date +%Y); echo "tzs=$(date -d "$y-01-01T12:00" '+%z %Z')|$(date -d "$y-07-01T12:00" '+%z %Z')"
env -0 2>/dev/null | tr '\\n\\000' '\\001\\n' | sed 's/^/env=/'
rd /proc/1/comm; echo "init=$v"
for f in /etc/os-release /usr/lib/os-release; do [ -r "$f" ] || continue; . "$f"; echo "os_id=$ID"; echo "os_like=$ID_LIKE"; echo "os_version=$VERSION_ID"; echo "os_codename=$VERSION_CODENAME"; echo "os_name=$NAME"; echo "os_version_full=$VERSION"; echo "os_pretty=$PRETTY_NAME"; echo "os_ubuntu_codename=$UBUNTU_CODENAME"; echo "os_codename_set=\${VERSION_CODENAME+v}\${UBUNTU_CODENAME+u}"; break; done
[ -r /etc/debian_version ] && rd /etc/debian_version && echo "debian_version=$v"
for f in /etc/centos-release /etc/redhat-release; do [ -s "$f" ] && rd "$f" && echo "rhrel_\${f##*/}=$v"; done
for p in ${PKG_MGRS.map(([path, name]) => `${path}:${name}`).join(' ')}; do [ -e "\${p%%:*}" ] && echo "pkgmgr=\${p#*:}"; done
[ -e /run/ostree-booted ] && echo "ostree=1"
[ -e /usr/bin/rpm ] && /usr/bin/rpm -q --whatprovides /usr/bin/apt-get >/dev/null 2>&1 && echo "aptrpm=1"
ip -4 route show default 2>/dev/null | awk '{for(i=1;i<=NF;i++){if($i=="via")print "gateway="$(i+1); if($i=="dev")print "default_if="$(i+1)}; exit}'
ip -o -4 addr show 2>/dev/null | awk '{split($4,a,"/"); b=""; l=""; s=""; for(i=5;i<=NF;i++){if($i=="brd")b=$(i+1); if($i=="secondary")s=1; if(l=="" && $i ~ /\\$/){l=$i; sub(/\\$/,"",l)}} print "addr="$2"|"a[1]"|"a[2]"|"b"|"l"|"s}'
ip -o link show 2>/dev/null | awk '{n=$2; sub(/:$/,"",n); sub(/@.*/,"",n); m=""; t=""; for(i=3;i<=NF;i++){if($i=="mtu")m=$(i+1); if($i ~ /^link\\//){t=substr($i,6); h=$(i+1)}} print "link="n"|"m"|"t"|"h}'
for l in /lib/libselinux.so.1 /lib/*/libselinux.so.1 /lib64/libselinux.so.1 /usr/lib/libselinux.so.1 /usr/lib/*/libselinux.so.1 /usr/lib64/libselinux.so.1; do [ -e "$l" ] && { echo "selinux_lib=1"; break; }; done
if [ -e /sys/fs/selinux/enforce ]; then echo "selinux=$(cat /sys/fs/selinux/enforce 2>/dev/null)|$(cat /sys/fs/selinux/policyvers 2>/dev/null)|$(sed -n 's/^SELINUX=//p' /etc/selinux/config 2>/dev/null | tail -n 1)|$(sed -n 's/^SELINUXTYPE=//p' /etc/selinux/config 2>/dev/null | tail -n 1)"; fi
ip -6 route show default 2>/dev/null | awk '{for(i=1;i<=NF;i++){if($i=="via")print "gateway6="$(i+1); if($i=="dev")print "default_if6="$(i+1)}; exit}'
ip -o -6 addr show 2>/dev/null | awk '{split($4,a,"/"); if($5=="peer"){split($6,p,"/"); a[2]=p[2]} s=""; for(i=5;i<=NF;i++) if($i=="scope") s=$(i+1); print "addr6="$2"|"a[1]"|"a[2]"|"s}'
if [ -d /sys/class/net ]; then
grep -H . /sys/class/net/*/address /sys/class/net/*/mtu /sys/class/net/*/operstate /sys/class/net/*/type /sys/class/net/*/speed /sys/class/net/*/flags 2>/dev/null | sed 's/^/nsys=/'
for p in /sys/class/net/*/device; do [ -e "$p" ] && echo "ndev=\${p%/device}|$(readlink "$p")|$([ -e "$p/driver/module" ] && readlink -f "$p/driver/module")"; done
for b in /sys/class/net/*/bridge; do [ -d "$b" ] && echo "nbr=\${b%/bridge}|$(cat "$b/bridge_id" 2>/dev/null || echo -)|$(cat "$b/stp_state" 2>/dev/null || echo -)|$(ls "\${b%/bridge}/brif" 2>/dev/null | tr '\n' ' ')"; done
for b in /sys/class/net/*/bonding; do [ -d "$b" ] && echo "nbond=\${b%/bonding}|$(cat "$b/slaves" 2>/dev/null)|$(cat "$b/mode" 2>/dev/null)|$(cat "$b/miimon" 2>/dev/null)|$(cat "$b/lacp_rate" 2>/dev/null)|$(cat "$b/primary" 2>/dev/null)|$(cat "$b/all_slaves_active" 2>/dev/null || echo -)"; done
for b in /sys/class/net/*/bonding_slave; do [ -d "$b" ] && echo "nslave=\${b%/bonding_slave}|$(cat "$b/perm_hwaddr" 2>/dev/null)"; done
if command -v ethtool >/dev/null 2>&1; then for p in /sys/class/net/*; do n=\${p##*/}; o=$(ethtool -k "$n" 2>/dev/null) && { echo "eth_kok=$n"; printf '%s\n' "$o" | sed "s/^/eth_k=$n|/"; }; o=$(ethtool -T "$n" 2>/dev/null) && { echo "eth_tok=$n"; printf '%s\n' "$o" | sed "s/^/eth_t=$n|/"; }; done; fi
fi
`;

// gather_subset as Ansible 2.14 reads it on Linux: the names it accepts (collectors, and fact names that
// stand for their collector), the minimal set always gathered, and the collector of each of kplay's facts
const COLLECTOR_OF: Record<string, string> = {
  ...Object.fromEntries(['architecture', 'kernel', 'kernel_version', 'machine', 'machine_id', 'python_version', 'system'].map((f) => [f, 'platform'])),
  ...Object.fromEntries(['distribution_major_version', 'distribution_release', 'distribution_version', 'os_family'].map((f) => [f, 'distribution'])),
  ...Object.fromEntries(['all_ipv4_addresses', 'all_ipv6_addresses', 'default_ipv4', 'default_ipv6', 'interfaces'].map((f) => [f, 'network'])),
  ...Object.fromEntries(['devices', 'processor', 'processor_cores', 'processor_count', 'mounts'].map((f) => [f, 'hardware'])),
  ...Object.fromEntries(['effective_group_ids', 'effective_user_id', 'real_user_id', 'user_dir', 'user_gecos', 'user_gid', 'user_id', 'user_shell', 'user_uid'].map((f) => [f, 'user'])),
  ...Object.fromEntries(['virtualization_role', 'virtualization_tech_guest', 'virtualization_tech_host', 'virtualization_type'].map((f) => [f, 'virtual'])),
  ...Object.fromEntries(['is_chroot'].map((f) => [f, 'chroot'])),
  ...Object.fromEntries(['ssh_host_key_dsa_public', 'ssh_host_key_ecdsa_public', 'ssh_host_key_ed25519_public', 'ssh_host_key_rsa_public', 'ssh_host_pub_keys'].map((f) => [f, 'ssh_pub_keys'])),
  ...Object.fromEntries(['system_capabilities', 'system_capabilities_enforced'].map((f) => [f, 'caps'])),
};
const COLLECTORS = ['apparmor', 'caps', 'chroot', 'cmdline', 'date_time', 'distribution', 'dns', 'env', 'facter', 'fibre_channel_wwn', 'fips', 'hardware', 'iscsi', 'loadavg', 'local', 'lsb', 'network', 'nvme', 'ohai', 'pkg_mgr', 'platform', 'python', 'selinux', 'service_mgr', 'ssh_pub_keys', 'user', 'virtual'];
const VALID = new Set([...COLLECTORS, ...Object.keys(COLLECTOR_OF)]);
const MINIMAL = new Set(['apparmor', 'caps', 'cmdline', 'date_time', 'distribution', 'dns', 'env', 'fips', 'local', 'lsb', 'pkg_mgr', 'platform', 'python', 'selinux', 'service_mgr', 'ssh_pub_keys', 'user']);
// the collectors a collector needs first (their required_facts on Linux)
const REQUIRES: Record<string, string[]> = { network: ['distribution', 'platform'], hardware: ['platform'], pkg_mgr: ['distribution'] };
// what '!hardware' also excludes
const ALIASES: Record<string, string[]> = { hardware: ['devices', 'dmi'] };
// the collector each of kplay's facts comes from in Ansible
const FACT_COLLECTOR: Record<string, string> = {
  ...Object.fromEntries(['hostname', 'nodename', 'fqdn', 'domain', 'kernel', 'kernel_version', 'machine_id', 'system', 'architecture', 'machine'].map((f) => [f, 'platform'])),
  ...Object.fromEntries(['processor_vcpus', 'processor_nproc', 'processor', 'processor_count', 'processor_cores', 'processor_threads_per_core', 'memtotal_mb', 'memfree_mb', 'swaptotal_mb', 'swapfree_mb', 'memory_mb', 'uptime_seconds', 'mounts', 'device_links', 'lvm', 'devices'].map((f) => [f, 'hardware'])),
  ...Object.fromEntries(['bios_date', 'bios_vendor', 'bios_version', 'board_asset_tag', 'board_name', 'board_serial', 'board_vendor', 'board_version', 'chassis_asset_tag', 'chassis_serial', 'chassis_vendor', 'chassis_version', 'form_factor', 'product_name', 'product_serial', 'product_uuid', 'product_version', 'system_vendor'].map((f) => [f, 'hardware'])),
  ...Object.fromEntries(['distribution', 'distribution_version', 'distribution_major_version', 'distribution_minor_version', 'distribution_release', 'os_family'].map((f) => [f, 'distribution'])),
  ...Object.fromEntries(['cmdline', 'proc_cmdline'].map((f) => [f, 'cmdline'])),
  ...Object.fromEntries(['ssh_host_key_dsa_public', 'ssh_host_key_rsa_public', 'ssh_host_key_ecdsa_public', 'ssh_host_key_ed25519_public'].flatMap((f) => [[f, 'ssh_pub_keys'], [`${f}_keytype`, 'ssh_pub_keys']])),
  dns: 'dns',
  lsb: 'lsb',
  loadavg: 'loadavg',
  fips: 'fips',
  apparmor: 'apparmor',
  is_chroot: 'chroot',
  system_capabilities: 'caps',
  system_capabilities_enforced: 'caps',
  local: 'local',
  python: 'python',
  python_version: 'platform',
  ...Object.fromEntries(['virtualization_type', 'virtualization_role', 'virtualization_tech_guest', 'virtualization_tech_host'].map((f) => [f, 'virtual'])),
  userspace_bits: 'platform',
  userspace_architecture: 'platform',
  iscsi_iqn: 'iscsi',
  hostnqn: 'nvme',
  fibre_channel_wwn: 'fibre_channel_wwn',
  distribution_file_path: 'distribution',
  distribution_file_variety: 'distribution',
  distribution_file_parsed: 'distribution',
  distribution_file_search_string: 'distribution',
  ...Object.fromEntries(['all_ipv4_addresses', 'default_ipv4', 'interfaces'].map((f) => [f, 'network'])),
  ...Object.fromEntries(['user_id', 'user_uid', 'user_gid', 'user_gecos', 'user_dir', 'user_shell', 'real_user_id', 'effective_user_id', 'real_group_id', 'effective_group_id'].map((f) => [f, 'user'])),
  ...Object.fromEntries(['all_ipv6_addresses', 'default_ipv6'].map((f) => [f, 'network'])),
  env: 'env',
  date_time: 'date_time',
  selinux: 'selinux',
  selinux_python_present: 'selinux',
  service_mgr: 'service_mgr',
  pkg_mgr: 'pkg_mgr',
};

/** The collectors gather_subset asks for (Ansible's get_collector_names), or the name it refuses. */
export function collectorsFor(subset: string[]): Set<string> | { bad: string } {
  const add = new Set<string>();
  const exclude = new Set<string>();
  const explicit = new Set<string>();
  for (const id of ['min', ...subset]) {
    if (id === 'min') MINIMAL.forEach((x) => add.add(x));
    else if (id === 'all') VALID.forEach((x) => add.add(x));
    else if (id === '!min') MINIMAL.forEach((x) => exclude.add(x));
    else if (id === '!all') VALID.forEach((x) => MINIMAL.has(x) || exclude.add(x));
    else if (id.startsWith('!')) [id.slice(1), ...(ALIASES[id.slice(1)] ?? [])].forEach((x) => exclude.add(x));
    else if (!VALID.has(id)) return { bad: id };
    else {
      explicit.add(id);
      add.add(id);
    }
  }
  if (!add.size) VALID.forEach((x) => add.add(x));
  for (const x of exclude) if (!explicit.has(x)) add.delete(x);
  const collectors = new Set([...add].map((x) => COLLECTOR_OF[x] ?? x));
  // a collector brings those it needs (Ansible's required_facts): network needs distribution and platform
  for (const c of [...collectors]) for (const r of REQUIRES[c] ?? []) collectors.add(r);
  return collectors;
}


/** A network link as `ip -o link` shows it. */
export interface Link {
  iface: string;
  mtu: string;
  type: string;
  mac: string;
}

/** What setup reads: the gathering script's key=value lines (the first of each key), the package managers present and the IPv4 addresses; or why it failed. */
export type SetupFacts =
  | {
      values: Record<string, string>;
      pkgMgrs: string[];
      addrs: Addr4[];
      /** The links (`ip -o link`): name, MTU, link type (ether, loopback), hardware address. */
      links?: Link[];
      /** IPv6 addresses with their scope (global, link, host). */
      addrs6?: Addr6[];
      /** Every line of the keys that repeat (/sys/class/net's files, /proc/cpuinfo's, resolv.conf's, lsb's, the SSH host keys), by key. */
      lines?: Record<string, string[]>;
      /** The environment the commands run in. */
      env?: Record<string, string>;
    }
  | { error: string };

// the script's output read into facts
function readOutput(stdout: string): SetupFacts {
  const values: Record<string, string> = {};
  const addrs: Addr4[] = [];
  const addrs6: Addr6[] = [];
  const lines: Record<string, string[]> = {};
  const env: Record<string, string> = {};
  const links: Link[] = [];
  const pkgMgrs: string[] = [];
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq === -1) continue;
    const k = line.slice(0, eq);
    const v = line.slice(eq + 1);
    if (k === 'pkgmgr') pkgMgrs.push(v);
    else if (REPEATED.has(k)) (lines[k] ??= []).push(v);
    else if (k === 'addr') {
      const [iface = '', address = '', prefix = '', broadcast = '', label = '', secondary = ''] = v.split('|');
      addrs.push({ iface, address, prefix, ...(broadcast ? { broadcast } : {}), ...(label ? { label } : {}), ...(secondary ? { secondary: true } : {}) });
    } else if (k === 'link') {
      const [iface = '', mtu = '', type = '', mac = ''] = v.split('|');
      links.push({ iface, mtu, type, mac });
    } else if (k === 'addr6') {
      const [iface = '', address = '', prefix = '', scope = ''] = v.split('|');
      addrs6.push({ iface, address, prefix, scope });
    } else if (k === 'env') {
      // a variable's line breaks came as \x01 (the variables are \0-separated)
      const at = v.indexOf('=');
      if (at > 0) env[v.slice(0, at)] = v.slice(at + 1).replace(/\x01/g, '\n');
    } else if (!(k in values)) values[k] = v;
  }
  return { values, pkgMgrs, addrs, addrs6, env, links, lines };
}

// where Ansible's local collector looks for *.fact files
const FACT_PATH = '/etc/ansible/facts.d';

// the script's keys that repeat: every line is kept
const REPEATED = new Set(['blk', 'bsys', 'bhold', 'lspci', 'bserial', 'dlink', 'dslave', 'lvm_vg', 'lvm_lv', 'lvm_pv', 'lvm_dm', 'virt_cgroup', 'virt_environ', 'virt_exists', 'virt_xencaps', 'virt_module', 'virt_dmidecode', 'mtab', 'findmnt', 'lsblk', 'mstat', 'lfact', 'fcwwn', 'nsys', 'ndev', 'nbr', 'nbond', 'nslave', 'eth_k', 'eth_t', 'eth_kok', 'eth_tok', 'cpu', 'resolv', 'lsb', 'lsbf', 'sshkey']);

/** The python collector's facts (and platform's python_version) as the host's interpreter printed them, none without one. */
function pythonFacts(kv: Record<string, string>): Record<string, unknown> {
  if (!kv.python) return {};
  try {
    return JSON.parse(kv.python) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The user collector's facts: the login's passwd entry (getent's line) and its real and effective ids. */
export function userFacts(kv: Record<string, string>): Record<string, unknown> {
  const [, , uid = '', gid = '', gecos = '', dir = '', shell = ''] = (kv.pw ?? '').split(':');
  const [realUid = '', realGid = ''] = (kv.ids ?? '').split(' ');
  if (!kv.pw || !realUid) return {};
  return { user_uid: Number(uid), user_gid: Number(gid), user_gecos: gecos, user_dir: dir, user_shell: shell, real_user_id: Number(realUid), effective_user_id: Number(realUid), real_group_id: Number(realGid), effective_group_id: Number(realGid) };
}

/**
 * The date_time collector's facts of one instant (the script's local `dt` fields, `dtu` in UTC): the texts
 * Python's strftime gives, iso8601 in UTC, tz_dst the zone's daylight-saving name (its standard name where it has none).
 */
export function dateTimeFacts(kv: Record<string, string>): Record<string, string> {
  const [year = '', month = '', weekday = '', wday = '', week = '', day = '', hour = '', minute = '', second = '', epoch = '', nanos = '', tz = '', offset = ''] = (kv.dt ?? '').split('|');
  const micro = nanos.slice(0, 6).padEnd(6, '0');
  // the zone's names in January and July: the one further east of UTC is daylight-saving time's
  const [jan = '', jul = ''] = (kv.tzs ?? '').split('|');
  const zone = (t: string): { off: number; name: string } => ({ off: Number(t.split(' ')[0] ?? 0), name: t.split(' ')[1] ?? tz });
  const [a, b] = [zone(jan), zone(jul)];
  const tzDst = a.off === b.off ? a.name : a.off > b.off ? a.name : b.name;
  return {
    year, month, weekday, weekday_number: wday, weeknumber: week, day, hour, minute, second, epoch, epoch_int: epoch,
    date: `${year}-${month}-${day}`, time: `${hour}:${minute}:${second}`,
    iso8601_micro: `${kv.dtu}.${micro}Z`, iso8601: `${kv.dtu}Z`, iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`, iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
    tz, tz_dst: tzDst, tz_offset: offset,
  };
}

/**
 * The selinux collector's facts as Ansible's (which loads libselinux.so.1): without the library only a status
 * saying so; else disabled, or enabled with the mode, the policy version, the configured mode and type.
 */
export function selinuxFacts(kv: Record<string, string>): Record<string, unknown> {
  if (kv.selinux_lib !== '1') return { selinux: { status: 'Missing selinux Python library' }, selinux_python_present: false };
  if (kv.selinux === undefined) return { selinux: { status: 'disabled' }, selinux_python_present: true };
  const [enforce = '', policyvers = '', config = '', type = ''] = kv.selinux.split('|');
  const mode = (v: string): string => ({ '1': 'enforcing', '0': 'permissive', enforcing: 'enforcing', permissive: 'permissive', disabled: 'disabled' })[v.trim()] ?? 'unknown';
  return {
    selinux: { status: 'enabled', policyvers: /^\d+$/.test(policyvers) ? Number(policyvers) : 'unknown', config_mode: mode(config), mode: mode(enforce), type: type.trim() || 'unknown' },
    selinux_python_present: true,
  };
}

// the IPv6 facts: every address but ::1, and the default route's interface's first global address
function ipv6Facts(addrs6: Addr6[], kv: Record<string, string>, links: Link[] | undefined, lines: Record<string, string[]>): Record<string, unknown> {
  const def = kv.default_if6 ? addrs6.find((x) => x.iface === kv.default_if6 && x.scope === 'global') : undefined;
  return {
    all_ipv6_addresses: addrs6.filter((x) => x.address !== '::1').map((x) => x.address),
    default_ipv6: def ? { address: def.address, gateway: kv.gateway6 ?? '', interface: def.iface, ...linkFacts(links, def.iface, lines), prefix: def.prefix, scope: def.scope } : {},
  };
}

// a default address's link: its hardware address, MTU and type (ether, loopback), as the network collector adds them
// (from /sys/class/net when the script read it, else from `ip -o link`)
function linkFacts(links: Link[] | undefined, iface: string, lines: Record<string, string[]>): Record<string, unknown> {
  const sys = defaultLinkFacts(lines, iface);
  if (sys) return sys;
  const l = links?.find((x) => x.iface === iface);
  if (!l) return {};
  return { ...(l.mac && l.type === 'ether' ? { macaddress: l.mac } : {}), ...(l.mtu ? { mtu: Number(l.mtu) } : {}), type: l.type === 'ether' || l.type === 'loopback' ? l.type : 'unknown' };
}

/**
 * The memory facts as Ansible's Linux hardware collector makes them of /proc/meminfo (the script's mem_KEY
 * lines, in kB): memtotal_mb, memfree_mb, swaptotal_mb, swapfree_mb for the lines there, and memory_mb's
 * real/nocache/swap figures (null where a line is missing); none without /proc/meminfo.
 */
export function memoryFacts(kv: Record<string, string>): Record<string, unknown> {
  const mb = (key: string): number | null => (kv[`mem_${key}`] === undefined ? null : Math.floor(Number(kv[`mem_${key}`]) / 1024));
  const [total, free, swapTotal, swapFree, buffers, cached, swapCached] = [mb('MemTotal'), mb('MemFree'), mb('SwapTotal'), mb('SwapFree'), mb('Buffers'), mb('Cached'), mb('SwapCached')] as const;
  if ([total, free, swapTotal, swapFree, buffers, cached, swapCached].every((v) => v === null)) return {};
  const out: Record<string, unknown> = {};
  for (const [name, v] of [['memtotal_mb', total], ['memfree_mb', free], ['swaptotal_mb', swapTotal], ['swapfree_mb', swapFree]] as const) if (v !== null) out[name] = v;
  const minus = (a: number | null | undefined, b: number | null | undefined): number | null => (a === null || a === undefined || b === null || b === undefined ? null : a - b);
  const nocacheFree = cached === null || free === null || buffers === null ? null : cached + free + buffers;
  out.memory_mb = {
    real: { total, used: minus(total, free), free },
    nocache: { free: nocacheFree, used: minus(total, nocacheFree) },
    swap: { total: swapTotal, free: swapFree, used: minus(swapTotal, swapFree), cached: swapCached },
  };
  return out;
}

/** The setup module (fact gathering), declared: the facts are what one script read; the plan makes Ansible's facts of them. */
export const setupModule = declareModule({
  spec: { options: { gather_subset: { type: 'list' }, filter: { type: 'list' }, gather_timeout: { type: 'int' }, fact_path: { type: 'path' } } },
  refuse(o) {
    const collectors = collectorsFor((o.gather_subset ?? ['all']).map(String));
    return collectors instanceof Set ? undefined : `Bad subset '${collectors.bad}' given to Ansible. gather_subset options allowed: all, ${[...VALID].sort().join(', ')}`;
  },
  async facts(o, host, local): Promise<SetupFacts> {
    // gather_timeout bounds the gathering as a whole (Ansible's bounds each collector)
    // (fact_path, for ansible_local, is the script's $fp; ansible_python_interpreter, or the interpreter
    // discovered before, its $py: else the script discovers one and says so)
    const py = askedInterpreter(local.variable('ansible_python_interpreter')) ?? discoveredInterpreter(local.variable) ?? '';
    const r = await host.run(`fp=${shellQuote(o.fact_path ?? FACT_PATH)}\npy=${shellQuote(py)}\n${SCRIPT}`, o.gather_timeout !== undefined ? { timeoutMs: o.gather_timeout * 1000 } : {});
    return r.rc === 0 ? readOutput(r.stdout) : { error: `fact gathering failed: ${r.stderr.trim()}` };
  },
  plan(o, f) {
    if ('error' in f) return failPlan(f.error);
    const subset = (o.gather_subset ?? ['all']).map(String);
    const collectors = collectorsFor(subset);
    const kv = f.values;
    const addrs = f.addrs;
    const lines = f.lines ?? {};
    const dist = distributionFacts(kv);
    const defaultIf = kv.default_if;
    const ifaces = interfaceFacts(lines, addrs, f.addrs6 ?? []);
    const local = localFacts(o.fact_path ?? FACT_PATH, (lines.lfact ?? []).map(factFileOf));
    const def = addrs.find((x) => x.iface === defaultIf) ?? addrs.find((x) => x.iface !== 'lo');
    const facts: Record<string, unknown> = {
      hostname: (kv.hostname ?? '').split('.')[0],
      nodename: kv.hostname,
      ...fqdnFacts(kv),
      kernel: kv.kernel,
      system: kv.system,
      architecture: kv.machine,
      machine: kv.machine,
      ...cpuFacts(kv, lines, kv.machine ?? ''),
      ...(lines.nsys || kv.dmi_product_name !== undefined ? dmiFacts(kv) : {}),
      ...(lines.mtab ? { mounts: mountFacts(lines) } : {}),
      ...(kv.cmdline !== undefined ? { device_links: deviceLinkFacts(lines), lvm: lvmFacts(kv, lines), devices: deviceFacts(lines) } : {}),
      ...(kv.virt_modules_read !== undefined || lines.virt_cgroup ? virtualFacts(virtInputOf(kv, lines)) : {}),
      ...smallFacts(kv, f.env),
      ...(kv.cmdline !== undefined ? capsFacts(kv) : {}),
      ...pythonFacts(kv),
      ...(kv.cmdline !== undefined ? storageIdFacts(kv, lines) : {}),
      ...(kv.cmdline !== undefined ? cmdlineFacts(kv) : {}),
      ...(lines.resolv || kv.cmdline !== undefined ? dnsFacts(lines) : {}),
      ...(kv.cmdline !== undefined ? lsbFacts(lines) : {}),
      ...sshKeyFacts(lines),
      ...(local.local ? { local: local.local } : {}),
      ...memoryFacts(kv),
      user_id: kv.user,
      ...userFacts(kv),
      ...(f.env ? { env: f.env } : {}),
      ...(kv.dt ? { date_time: dateTimeFacts(kv) } : {}),
      ...(f.addrs6 ? ipv6Facts(f.addrs6, kv, f.links, lines) : {}),
      ...selinuxFacts(kv),
      service_mgr: kv.init === 'systemd' ? 'systemd' : (kv.init ?? 'unknown'),
      ...dist,
      pkg_mgr: pkgMgr(f.pkgMgrs, String(dist.os_family), String(dist.distribution), String(dist.distribution_major_version), kv.ostree === '1', kv.aptrpm === '1'),
      all_ipv4_addresses: addrs.filter((x) => !x.address.startsWith('127.')).map((x) => x.address),
      default_ipv4: def ? { address: def.address, alias: def.label ?? def.iface, ...(def.broadcast || ifaces.size ? { broadcast: def.broadcast ?? '' } : {}), gateway: kv.gateway ?? '', interface: def.iface, ...linkFacts(f.links, def.iface, lines), ...ipv4Net(def.address, def.prefix || '32'), prefix: def.prefix || '32' } : {},
      interfaces: ifaces.size ? [...ifaces.keys()].sort() : f.links?.length ? [...new Set(f.links.map((x) => x.iface))].sort() : [...new Set(addrs.map((x) => x.iface))],
      ...Object.fromEntries(ifaces),
    };
    // only the facts of the collectors gather_subset asks for; the subset reported as asked, as Ansible does
    for (const k of Object.keys(facts)) if (!(collectors instanceof Set) || !collectors.has(FACT_COLLECTOR[k] ?? (ifaces.has(k) ? 'network' : ''))) delete facts[k];
    // the names Ansible's module gives: ansible_NAME, and its metadata collector's gather_subset and module_setup
    const named: Record<string, unknown> = { ...Object.fromEntries(Object.entries(facts).map(([k, v]) => [`ansible_${k}`, v])), gather_subset: subset, module_setup: true };
    // filter: only the facts whose name matches one of the globs
    const globs = (o.filter ?? []).map((g) => globToRegExp(String(g)));
    const kept = globs.length ? Object.fromEntries(Object.entries(named).filter(([k]) => globs.some((g) => g.test(k)))) : named;
    // a .fact file that failed is warned of, as Ansible's local collector does
    const warnings = collectors instanceof Set && collectors.has('local') && local.warnings.length ? local.warnings : undefined;
    // the interpreter the script discovered, whatever the subset and filter (Ansible's executor adds it to the module's facts)
    const found = kv.py_found ? { discovered_interpreter_python: kv.py_found } : {};
    return { steps: [], result: { changed: false, ansible_facts: { ...kept, ...found } }, ...(warnings ? { warnings } : {}) };
  },
});

/** The setup module as the runner and the Python backend call it. */
export const setup: Module = setupModule.run;
