// setup's virtualization facts as Ansible 2.14's Linux virtual collector decides them, in its order:
// containers (init's cgroups and environment, OpenVZ, systemd's container file, /.dockerenv), Xen, the
// DMI names of hypervisors, Linux-VServer, the CPU's model, the kernel modules (a KVM or VirtualBox host,
// a virtio guest), dmidecode's product name, /dev/kvm. The first found sets virtualization_type and
// _role; every one found is in virtualization_tech_guest or _host. A pure function of the script's lines.

/** What the script read for it (`virt_*` lines): init's cgroups and environment, files that exist, DMI names, modules, dmidecode's product name. */
export interface VirtInput {
  cgroup: string[];
  environ: string[];
  /** Paths that exist among /proc/vz, /proc/lve, /proc/bc, /.dockerenv, /.dockerinit, /proc/xen, /dev/kvm, /rhev/. */
  exists: Set<string>;
  xenCapabilities: string | undefined;
  systemdContainer: string | undefined;
  dmi: Record<string, string | undefined>;
  vxid: string | undefined;
  /** /proc/cpuinfo's model name, vendor_id and machine lines as KEY|VALUE. */
  cpu: string[];
  /** The loaded modules among kvm, vboxdrv, virtio (undefined: /proc/modules not readable). */
  modules: string[] | undefined;
  vdsmRunning: boolean;
  /** dmidecode -s system-product-name's output (undefined: no dmidecode, or it failed). */
  dmidecode: string | undefined;
}

const KVM_SYS_VENDORS = ['QEMU', 'Amazon EC2', 'DigitalOcean', 'Google', 'Scaleway', 'Nutanix'];

/** The virtual collector's facts. */
export function virtualFacts(v: VirtInput): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  let found = false;
  const guest = new Set<string>();
  const host = new Set<string>();
  const set = (type: string, role?: string): void => {
    facts.virtualization_type = type;
    if (role !== undefined) facts.virtualization_role = role;
  };
  // a guest technology; the first found names the type (and the role when given)
  const guestOf = (tech: string, role: string | undefined = 'guest'): void => {
    guest.add(tech);
    if (!found) {
      set(tech, role);
      found = true;
    }
  };
  for (const line of v.cgroup) {
    if (/\/docker(\/|-[0-9a-f]+\.scope)/.test(line)) guestOf('docker');
    if (/\/lxc\//.test(line) || /\/machine\.slice\/machine-lxc/.test(line)) guestOf('lxc');
    if (/\/system\.slice\/containerd\.service/.test(line)) guestOf('containerd');
  }
  for (const line of v.environ) {
    if (/container=lxc/.test(line)) guestOf('lxc');
    if (/container=podman/.test(line)) guestOf('podman');
    if (/^container=./.test(line)) guestOf('container');
  }
  if (v.exists.has('/proc/vz') && !v.exists.has('/proc/lve')) {
    facts.virtualization_type = 'openvz';
    if (v.exists.has('/proc/bc')) {
      host.add('openvz');
      if (!found) facts.virtualization_role = 'host';
    } else {
      guest.add('openvz');
      if (!found) facts.virtualization_role = 'guest';
    }
    found = true;
  }
  if (v.systemdContainer) guestOf(v.systemdContainer);
  if (v.exists.has('/.dockerenv') || v.exists.has('/.dockerinit')) guestOf('docker');
  if (['docker', 'lxc', 'podman', 'openvz', 'containerd'].some((t) => guest.has(t)) || v.systemdContainer) guest.add('container');
  if (v.exists.has('/proc/xen')) {
    if ((v.xenCapabilities ?? '').includes('control_d')) {
      host.add('xen');
      if (!found) set('xen', 'host');
    } else if (!found) set('xen', 'guest');
    found = true;
  }
  // (assumed a guest from here; taken back if nothing is found)
  if (!found) facts.virtualization_role = 'guest';
  const { product_name: product, sys_vendor: vendor, product_family: family, bios_vendor: bios } = v.dmi;
  const typeOf = (tech: string): void => {
    guest.add(tech);
    if (!found) {
      facts.virtualization_type = tech;
      found = true;
    }
  };
  if (['KVM', 'KVM Server', 'Bochs', 'AHV'].includes(product ?? '')) typeOf('kvm');
  if (vendor === 'oVirt') typeOf('oVirt');
  if (vendor === 'Red Hat') {
    if (family === 'RHV') typeOf('RHV');
    else if (product === 'RHEV Hypervisor') typeOf('RHEV');
  }
  if (['VMware Virtual Platform', 'VMware7,1'].includes(product ?? '')) typeOf('VMware');
  if (['OpenStack Compute', 'OpenStack Nova'].includes(product ?? '')) typeOf('openstack');
  if (bios === 'Xen') typeOf('xen');
  if (bios === 'innotek GmbH') typeOf('virtualbox');
  if (['Amazon EC2', 'DigitalOcean', 'Hetzner'].includes(bios ?? '')) typeOf('kvm');
  if (KVM_SYS_VENDORS.includes(vendor ?? '')) typeOf('kvm');
  if (vendor === 'KubeVirt') typeOf('KubeVirt');
  if (vendor === 'Microsoft Corporation') typeOf('VirtualPC');
  if (vendor === 'Parallels Software International Inc.') typeOf('parallels');
  if (vendor === 'OpenStack Foundation') typeOf('openstack');
  if (!found) delete facts.virtualization_role;
  if (v.vxid !== undefined && /^VxID:\s+\d+/.test(v.vxid)) {
    if (!found) facts.virtualization_type = 'linux_vserver';
    const isHost = /^VxID:\s+0/.test(v.vxid);
    (isHost ? host : guest).add('linux_vserver');
    if (!found) facts.virtualization_role = isHost ? 'host' : 'guest';
    found = true;
  }
  for (const line of v.cpu) {
    const [key, value = ''] = [line.slice(0, line.indexOf('|')), line.slice(line.indexOf('|') + 1)];
    let tech: string | undefined;
    if (key === 'model name' && value.includes('QEMU Virtual CPU')) tech = 'kvm';
    else if (key === 'vendor_id' && value.includes('User Mode Linux')) tech = 'uml';
    else if (key === 'model name' && value.includes('UML')) tech = 'uml';
    else if (key === 'machine' && /CHRP IBM pSeries .emulated by qemu./.test(value)) tech = 'kvm';
    else if (key === 'vendor_id' && value.includes('PowerVM Lx86')) tech = 'powervm_lx86';
    else if (key === 'vendor_id' && value.includes('IBM/S390')) tech = 'PR/SM';
    else continue;
    guest.add(tech);
    if (!found) {
      facts.virtualization_type = tech;
      facts.virtualization_role = tech === 'PR/SM' ? 'LPAR' : 'guest';
      found = true;
    }
  }
  if (v.modules) {
    if (v.modules.includes('kvm')) {
      host.add('kvm');
      if (!found) set('kvm', 'host');
      if (v.exists.has('/rhev/') && v.vdsmRunning) {
        host.add('RHEV');
        if (!found) facts.virtualization_type = 'RHEV';
      }
      found = true;
    }
    if (v.modules.includes('vboxdrv')) {
      host.add('virtualbox');
      if (!found) {
        set('virtualbox', 'host');
        found = true;
      }
    }
    if (v.modules.includes('virtio')) {
      host.add('kvm');
      if (!found) {
        set('kvm', 'guest');
        found = true;
      }
    }
  }
  if (v.dmidecode !== undefined) {
    const name = v.dmidecode.split('\n').filter((l) => !l.startsWith('#')).map((l) => l.trim()).join('');
    if (name.startsWith('VMware')) guestOf('VMware');
    if (v.dmidecode.includes('BHYVE')) guestOf('bhyve');
  }
  if (v.exists.has('/dev/kvm')) {
    host.add('kvm');
    if (!found) {
      set('kvm', 'host');
      found = true;
    }
  }
  if (!found) set('NA', 'NA');
  return { ...facts, virtualization_tech_guest: [...guest], virtualization_tech_host: [...host] };
}

/** The script's `virt_*` lines read into the collector's input (the DMI names from setup's own `dmi_*` values). */
export function virtInputOf(kv: Record<string, string>, lines: Record<string, string[]>): VirtInput {
  const dmi = (f: string): string | undefined => (kv[`dmi_${f}`] === undefined ? undefined : kv[`dmi_${f}`]!.trim());
  return {
    cgroup: lines.virt_cgroup ?? [],
    environ: lines.virt_environ ?? [],
    exists: new Set(lines.virt_exists ?? []),
    xenCapabilities: lines.virt_xencaps?.join('\n'),
    systemdContainer: kv.virt_container?.trim() || undefined,
    dmi: { product_name: dmi('product_name'), sys_vendor: dmi('sys_vendor'), product_family: dmi('product_family'), bios_vendor: dmi('bios_vendor') },
    vxid: kv.virt_vxid,
    cpu: (lines.cpu ?? []).filter((l) => /^(model name|vendor_id|machine)\|/.test(l)),
    modules: kv.virt_modules_read === '1' ? (lines.virt_module ?? []) : undefined,
    vdsmRunning: kv.virt_vdsm === '1',
    dmidecode: lines.virt_dmidecode?.join('\n'),
  };
}
