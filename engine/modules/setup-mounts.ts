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
