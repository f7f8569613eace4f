// setup's mounts fact as Ansible 2.14's Linux hardware collector makes it: /etc/mtab's (else
// /proc/mounts') devices and network shares (not 'none'), octal escapes read, bind mounts (findmnt's
// `[dir]` sources) marked, each with its file system's sizes (statvfs, as `stat -f` gives them) and its
// UUID (lsblk's, else udevadm's, else N/A). Pure functions of the gathering script's lines.

/** The awk program that prints the mount points Ansible keeps (octal escapes read), one per line, for `stat -f`. */
export const MOUNT_POINTS_AWK = `function unesc(s, o) { o = ""; while (match(s, /\\\\[0-7][0-7][0-7]/)) { o = o substr(s, 1, RSTART - 1) sprintf("%c", substr(s, RSTART + 1, 1) * 64 + substr(s, RSTART + 2, 1) * 8 + substr(s, RSTART + 3, 1)); s = substr(s, RSTART + 4) } return o s }
NF >= 4 { d = unesc($1); if ((d ~ /^[\\/\\\\]/ || index(d, ":/")) && unesc($3) != "none") print unesc($2) }`;

// Python's re.sub of \\NNN by the character
const unescape = (s: string): string => s.replace(/\\[0-9]{3}/g, (m) => String.fromCharCode(Number.parseInt(m.slice(1), 8)));

/** The mounts fact of the script's lines: `mtab=` (the table), `findmnt=`, `lsblk=`, `udev=DEVICE|UUID` and `mstat=MOUNT|frsize|bsize|blocks|bavail|bfree|files|ffree`. */
export function mountFacts(lines: Record<string, string[]>): Record<string, unknown>[] {
  const bind = new Set((lines.findmnt ?? []).map((l) => l.split(/\s+/).filter(Boolean)).filter((f) => f.length >= 2 && f[1]!.includes(']')).map((f) => f[0]!));
  const uuids = new Map<string, string>();
  for (const l of lines.lsblk ?? []) {
    const fields = l.trim().split(/\s+/);
    if (fields.length < 2) continue;
    const uuid = fields.pop()!;
    const name = fields.join(' ');
    if (!uuids.has(name)) uuids.set(name, uuid);
  }
  const udev = new Map((lines.udev ?? []).map((l) => [l.slice(0, l.lastIndexOf('|')), l.slice(l.lastIndexOf('|') + 1)]));
  const sizes = new Map<string, Record<string, number>>();
  for (const l of lines.mstat ?? []) {
    const parts = l.split('|');
    const [frsize, bsize, blocks, bavail, , files, ffree] = parts.slice(-7).map(Number) as number[];
    // (statvfs's f_favail is f_ffree on Linux)
    sizes.set(parts.slice(0, -7).join('|'), { size_total: frsize! * blocks!, size_available: frsize! * bavail!, block_size: bsize!, block_total: blocks!, block_available: bavail!, block_used: blocks! - bavail!, inode_total: files!, inode_available: ffree!, inode_used: files! - ffree! });
  }
  // by mount point: a later line for the same point replaces the earlier one where it stood
  const mounts = new Map<string, Record<string, unknown>>();
  for (const line of lines.mtab ?? []) {
    const fields = line.split(/\s+/).filter(Boolean).map(unescape);
    if (fields.length < 4) continue;
    const [device, mount, fstype, options] = fields as [string, string, string, string];
    if ((!/^[/\\]/.test(device) && !device.includes(':/')) || fstype === 'none') continue;
    const info: Record<string, unknown> = { mount, device, fstype, options: bind.has(mount) && !/^.*bind.*"/.test(options) ? `${options},bind` : options };
    Object.assign(info, sizes.get(mount) ?? {});
    info.uuid = uuids.get(device) || udev.get(device) || 'N/A';
    mounts.set(mount, info);
  }
  return [...mounts.values()];
}

/** The device_links fact: /dev/disk/by-id, by-uuid and by-label (`dlink=DIR|NAME|TARGET`) by target device, and each device's masters (`dslave=/sys/block/MASTER/slaves/DEVICE`), names sorted. */
export function deviceLinkFacts(lines: Record<string, string[]>): Record<string, Record<string, string[]>> {
  const group = (pairs: [string, string][]): Record<string, string[]> => {
    const by = new Map<string, Set<string>>();
    for (const [target, name] of pairs) by.set(target, (by.get(target) ?? new Set()).add(name));
    return Object.fromEntries([...by].map(([k, v]) => [k, [...v].sort()]));
  };
  const links = (dir: string): Record<string, string[]> =>
    group(
      (lines.dlink ?? [])
        .map((l) => l.split('|'))
        .filter(([d]) => d === dir)
        .map(([, name = '', target = '']) => [target.split('/').pop() ?? '', name]),
    );
  const masters = group((lines.dslave ?? []).map((p) => p.split('/')).filter((e) => e.length >= 6).map((e) => [e[5]!, e[3]!]));
  return { ids: links('by-id'), uuids: links('by-uuid'), labels: links('by-label'), masters };
}

/** The lvm fact of vgs, lvs and pvs's lines (`lvm_vg=`, `lvm_lv=`, `lvm_pv=`; a /dev/dm-N PV named by `lvm_dm=/dev/dm-N|NAME`), as Ansible reads them; 'N/A' when they did not run (not root, no vgs). */
export function lvmFacts(kv: Record<string, string>, lines: Record<string, string[]>): unknown {
  if (kv.lvm_ran !== '1') return 'N/A';
  const fields = (l: string): string[] => l.trim().split(',');
  const vgs = Object.fromEntries((lines.lvm_vg ?? []).map(fields).map((i) => [i[0]!, { size_g: i.at(-2), free_g: i.at(-1), num_lvs: i[2], num_pvs: i[1] }]));
  const lvs = Object.fromEntries((lines.lvm_lv ?? []).map(fields).map((i) => [i[0]!, { size_g: i[3], vg: i[1] }]));
  const dm = new Map((lines.lvm_dm ?? []).map((l) => [l.slice(0, l.indexOf('|')), l.slice(l.indexOf('|') + 1).trimEnd()]));
  const pvs = Object.fromEntries((lines.lvm_pv ?? []).map(fields).map((i) => [dm.has(i[0]!) ? `/dev/mapper/${dm.get(i[0]!)}` : i[0]!, { size_g: i[4], free_g: i[5], vg: i[1] }]));
  return { lvs, vgs, pvs };
}

// Ansible's bytes_to_human: the largest unit the size reaches, two decimals ('0.00 Bytes', '100.00 GB')
function bytesToHuman(size: number): string {
  const units: [string, number][] = [['Y', 2 ** 80], ['Z', 2 ** 70], ['E', 2 ** 60], ['P', 2 ** 50], ['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10], ['B', 1]];
  const [suffix, limit] = units.find(([, l]) => size >= l) ?? units[units.length - 1]!;
  return `${(size / limit).toFixed(2)} ${limit === 1 ? 'Bytes' : `${suffix}B`}`;
}

/**
 * The devices fact as Ansible's hardware collector makes it of /sys/block (`blk=NAME|LINK`, `bsys=PATH:LINE`
 * of its files, `bhold=PATH` of holders), lspci -D's lines, sg_inq's serials (`bserial=NAME|SERIAL`, with
 * `sginq=1` when sg_inq is there) and the device links: each device's links, vendor, model, serial,
 * removable, discard, WWN, partitions (start, sectors, size, UUID, holders), rotational, scheduler,
 * sectors and size, PCI host and holders.
 */
export function deviceFacts(lines: Record<string, string[]>): Record<string, unknown> {
  const files = new Map<string, string>();
  for (const l of lines.bsys ?? []) {
    const at = l.indexOf(':');
    const [path, text] = [l.slice(0, at), l.slice(at + 1)];
    files.set(path, files.has(path) ? `${files.get(path)}\n${text}` : text);
  }
  // get_file_content: stripped, the default when empty or unread
  const read = <T>(path: string, dflt: T): string | T => {
    const v = files.get(path)?.trim();
    return v ? v : dflt;
  };
  const links = deviceLinkFacts(lines);
  const linksOf = (name: string): Record<string, string[]> => Object.fromEntries(Object.entries(links).map(([k, v]) => [k, v[name] ?? []]));
  const wwn = new Map((lines.dlink ?? []).map((l) => l.split('|')).filter(([d, n]) => d === 'by-id' && n?.startsWith('wwn-')).map(([, n = '', t = '']) => [t.split('/').pop() ?? '', n.slice(4)]));
  const uuidOf = (part: string): string | null => (lines.dlink ?? []).map((l) => l.split('|')).find(([d, , t]) => d === 'by-uuid' && t?.split('/').pop() === part)?.[1] ?? null;
  const holdersOf = (dir: string): string[] =>
    (lines.bhold ?? [])
      .filter((h) => h.startsWith(`${dir}/holders/`) && !h.slice(`${dir}/holders/`.length).includes('/'))
      .map((h) => h.slice(`${dir}/holders/`.length))
      .filter((f) => f.startsWith('dm-'))
      .map((f) => read(`${dir}/holders/${f}/dm/name`, f));
  const pci = (lines.lspci ?? []).join('\n');
  const serials = new Map((lines.bserial ?? []).map((l) => [l.slice(0, l.indexOf('|')), l.slice(l.indexOf('|') + 1)]));
  const devices: Record<string, unknown> = {};
  for (const entry of lines.blk ?? []) {
    const [name = '', link = ''] = entry.split('|');
    const dir = `/sys/block/${name}`;
    // the sysfs path Ansible joins (the link's target) is what its PCI host is read from
    const sysdir = `/sys/block/${link || name}`;
    const virtual = link ? 1 : [...files.keys()].some((p) => p.startsWith(`${dir}/`) && p.slice(dir.length + 1).split('/')[0]!.includes('device')) ? 0 : 1;
    const d: Record<string, unknown> = { virtual, links: linksOf(name) };
    for (const key of ['vendor', 'model', 'sas_address', 'sas_device_handle']) d[key] = read(`${dir}/device/${key}`, null);
    const serial = lines.sginq ? serials.get(name) : read(`${dir}/device/serial`, null);
    if (serial) d.serial = serial;
    d.removable = read(`${dir}/removable`, null);
    d.support_discard = read(`${dir}/queue/discard_granularity`, null);
    if (wwn.has(name)) d.wwn = wwn.get(name);
    const parts: Record<string, unknown> = {};
    const re = new RegExp(`(${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[p]?\\d+)`);
    const partNames = new Set([...files.keys()].filter((p) => p.startsWith(`${dir}/`) && p.endsWith('/start')).map((p) => p.slice(dir.length + 1).split('/')[0]!));
    for (const folder of partNames) {
      const m = re.exec(folder);
      if (!m) continue;
      const part = m[1]!;
      const pdir = `${dir}/${part}`;
      const sectors = read(`${pdir}/size`, 0);
      parts[part] = {
        links: linksOf(part),
        start: read(`${pdir}/start`, 0),
        sectors,
        sectorsize: read(`${pdir}/queue/logical_block_size`, null) ?? read(`${pdir}/queue/hw_sector_size`, 512),
        size: bytesToHuman(Number(sectors) * 512),
        uuid: uuidOf(part),
        holders: holdersOf(pdir),
      };
    }
    d.partitions = parts;
    d.rotational = read(`${dir}/queue/rotational`, null);
    const scheduler = read(`${dir}/queue/scheduler`, null);
    d.scheduler_mode = (scheduler === null ? undefined : /^.*?(\[(.*)\])/.exec(scheduler)?.[2]) ?? '';
    d.sectors = read(`${dir}/size`, 0);
    d.sectorsize = read(`${dir}/queue/logical_block_size`, null) ?? read(`${dir}/queue/hw_sector_size`, 512);
    d.size = bytesToHuman(Number(d.sectors) * 512);
    const host = /^.+\/([a-f0-9]{4}:[a-f0-9]{2}:[0|1][a-f0-9]\.[0-7])\//.exec(sysdir);
    const hostLine = host && pci ? new RegExp(`^${host[1]!.replace(/\./g, '\\.')}\\s(.*)$`, 'm').exec(pci) : null;
    d.host = hostLine ? hostLine[1] : '';
    d.holders = holdersOf(dir);
    devices[name] = d;
  }
  return devices;
}
