// stat: facts about a path, never a change, with the keys Ansible's module gives on Linux: the stat
// fields and mode bits, what the connecting user may do with it (readable, writeable, executable), a
// link's source and target, a regular file's checksum (and md5 when asked), its MIME type and charset
// (`file`), its attributes (`lsattr`). Declared: one command reads it all; the plan shapes the result.
import { shellQuote as q } from '../util/shell.js';
import { declareModule, failPlan } from './declare.js';
import { CHECKSUM_COMMANDS } from './file-content.js';
import type { HostIO } from './types.js';

/** lsattr's letters and Ansible's names for them (FILE_ATTRIBUTES of its module_utils). */
export const FILE_ATTRIBUTES: Record<string, string> = {
  A: 'noatime', a: 'append', c: 'compressed', C: 'nocow', d: 'nodump', D: 'dirsync', e: 'extents', E: 'encrypted', h: 'blocksize', i: 'immutable', I: 'indexed',
  j: 'journalled', N: 'inline', s: 'zero', S: 'synchronous', t: 'notail', T: 'blockroot', u: 'undelete', X: 'compressedraw', Z: 'compresseddirty',
};

/** What stat reads: GNU stat's fields, access, a link's source and target, the checksums, `file`'s and `lsattr`'s answers. */
export interface StatFacts {
  /** stat's error when the path cannot be read (a missing path is `fields: null` without it). */
  problem?: string | undefined;
  /** %f|%u|%g|%s|%i|%d|%h|%.9X|%.9Y|%.9Z|%b|%o|%t|%T|%U|%G, or null when the path does not exist. */
  fields: string | null;
  /** r, w, x for what access(2) allows. */
  access: string;
  link: { source: string; target: string } | null;
  checksum: string | null;
  md5: string | null;
  /** `file --mime-type --mime-encoding` output (null: no `file`, or it failed). */
  mime: string | null;
  /** `lsattr -vd` output (null: no lsattr, or it failed). */
  lsattr: string | null;
}

// the sum of a readable regular file (the path as stat saw it: followed or not)
const sum = (cmd: string, regular: string): string => `if ${regular}; then ${cmd} < "$p" | cut -d' ' -f1; fi`;

const MISSING: StatFacts = { fields: null, access: '', link: null, checksum: null, md5: null, mime: null, lsattr: null };

async function readFacts(host: HostIO, path: string, follow: boolean, algo: string, want: { checksum: boolean; md5: boolean; mime: boolean; attributes: boolean }): Promise<StatFacts> {
  const regular = follow ? '[ -f "$p" ] && [ -r "$p" ]' : '[ -f "$p" ] && [ ! -L "$p" ] && [ -r "$p" ]';
  const optional = (want: boolean, command: string): string => (want ? `if command -v ${command.split(' ')[0]} >/dev/null 2>&1; then ${command} 2>/dev/null || printf '\\002'; else printf '\\002'; fi` : `printf '\\002'`);
  // a missing path is not a failure; any other error of stat's is the module's (Ansible's strerror)
  const parts = [
    `s=$(LC_ALL=C stat ${follow ? '-L ' : ''}-c '%f|%u|%g|%s|%i|%d|%h|%.9X|%.9Y|%.9Z|%b|%o|%t|%T|%U|%G' -- "$p" 2>&1) || { case "$s" in *'No such file or directory') echo kplay-missing; exit 0;; esac; printf '%s' "\${s##*: }"; exit 3; }; printf '%s' "$s"`,
    `a=''; [ -r "$p" ] && a=r; [ -w "$p" ] && a="\${a}w"; [ -x "$p" ] && a="\${a}x"; printf '%s' "$a"`,
    follow ? ':' : `if [ -L "$p" ]; then realpath -m -- "$p"; printf '\\001'; readlink -- "$p"; fi`,
    want.checksum ? sum(CHECKSUM_COMMANDS[algo] ?? 'sha1sum', regular) : ':',
    want.md5 ? sum('md5sum', regular) : ':',
    optional(want.mime, 'file --mime-type --mime-encoding "$p"'),
    optional(want.attributes, 'lsattr -vd "$p"'),
  ];
  const r = await host.run(`p=${q(path)}; ${parts.join("; printf '\\0'; ")}`);
  if (r.stdout.startsWith('kplay-missing')) return MISSING;
  if (r.rc === 3) return { ...MISSING, problem: r.stdout.trim() };
  const [fields = '', access = '', link = '', checksum = '', md5 = '', mime = '\u0002', lsattr = '\u0002'] = r.stdout.split('\0');
  const [source, target] = link.split('\u0001');
  const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());
  return {
    fields: fields.trim(),
    access,
    link: target === undefined ? null : { source: (source ?? '').trim(), target: target.replace(/\n$/, '') },
    checksum: orNull(checksum),
    md5: orNull(md5),
    mime: mime === '\u0002' ? null : mime,
    lsattr: lsattr === '\u0002' ? null : lsattr,
  };
}

// st_rdev as Linux's makedev builds it from the major and minor numbers
const makedev = (major: number, minor: number): number => (minor & 0xff) + (major & 0xfff) * 0x100 + Math.floor(minor / 0x100) * 0x100000 + Math.floor(major / 0x1000) * 0x100000000;

// a time with nanoseconds as Python's float (seconds + nanoseconds * 1e-9)
const seconds = (t: string): number => {
  const [s = '0', ns = '0'] = t.split('.');
  return Number(s) + Number(ns.padEnd(9, '0').slice(0, 9)) * 1e-9;
};

/** The result's stat dict from the facts (Ansible's format_output, then its additions, in its order). */
function output(path: string, f: StatFacts & { fields: string }, o: { mime: boolean; attributes: boolean }): Record<string, unknown> {
  const [rawMode = '0', uid, gid, size, inode, dev, nlink, atime = '0', mtime = '0', ctime = '0', blocks, blksize, major = '0', minor = '0', user = '', group = ''] = f.fields.split('|');
  const mode = parseInt(rawMode, 16);
  const kind = mode & 0o170000;
  const bit = (b: number): boolean => (mode & b) !== 0;
  const out: Record<string, unknown> = {
    exists: true,
    path,
    mode: (mode & 0o7777).toString(8).padStart(4, '0'),
    isdir: kind === 0o040000,
    ischr: kind === 0o020000,
    isblk: kind === 0o060000,
    isreg: kind === 0o100000,
    isfifo: kind === 0o010000,
    islnk: kind === 0o120000,
    issock: kind === 0o140000,
    uid: Number(uid),
    gid: Number(gid),
    size: Number(size),
    inode: Number(inode),
    dev: Number(dev),
    nlink: Number(nlink),
    atime: seconds(atime),
    mtime: seconds(mtime),
    ctime: seconds(ctime),
    wusr: bit(0o200),
    rusr: bit(0o400),
    xusr: bit(0o100),
    wgrp: bit(0o20),
    rgrp: bit(0o40),
    xgrp: bit(0o10),
    woth: bit(0o2),
    roth: bit(0o4),
    xoth: bit(0o1),
    isuid: bit(0o4000),
    isgid: bit(0o2000),
    blocks: Number(blocks),
    block_size: Number(blksize),
    device_type: makedev(parseInt(major, 16), parseInt(minor, 16)),
    readable: f.access.includes('r'),
    writeable: f.access.includes('w'),
    executable: f.access.includes('x'),
  };
  if (out.islnk === true && f.link) {
    out.lnk_source = f.link.source;
    out.lnk_target = f.link.target;
  }
  // a name the account database does not know is left out, as Ansible's KeyError is
  if (user !== 'UNKNOWN') out.pw_name = user;
  if (group !== 'UNKNOWN') out.gr_name = group;
  if (out.isreg === true && out.readable === true) {
    if (f.md5 !== null) out.md5 = f.md5;
    if (f.checksum !== null) out.checksum = f.checksum;
  }
  if (o.mime) {
    out.mimetype = 'unknown';
    out.charset = 'unknown';
    // "PATH: TYPE; charset=CHARSET", split as the module splits it
    const m = f.mime === null ? null : /^.*:\s*([^;]*);\s*[^=]*=\s*(.*?)\s*$/s.exec(f.mime);
    if (m) {
      out.mimetype = (m[1] as string).trim();
      out.charset = (m[2] as string).trim();
    }
  }
  if (o.attributes) {
    const words = f.lsattr?.trim().split(/\s+/) ?? [];
    const flags = words.length >= 2 ? (words[1] as string).replace(/-/g, '') : undefined;
    out.version = words.length >= 2 ? words[0] : null;
    out.attributes = flags === undefined ? [] : [...flags].flatMap((c) => FILE_ATTRIBUTES[c] ?? []);
    out.attr_flags = flags ?? '';
  }
  return out;
}

/** The stat module. */
export const statModule = declareModule({
  spec: {
    options: {
      path: { type: 'path', required: true, aliases: ['dest', 'name'] },
      follow: { type: 'bool' },
      get_checksum: { type: 'bool' },
      checksum_algorithm: { type: 'str', choices: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'], aliases: ['checksum', 'checksum_algo'] },
      get_md5: { type: 'bool' },
      get_mime: { type: 'bool', aliases: ['mime', 'mime_type', 'mime-type'] },
      get_attributes: { type: 'bool', aliases: ['attr', 'attributes'] },
    },
  },
  facts: (o, host) =>
    readFacts(host, o.path ?? '', o.follow === true, o.checksum_algorithm ?? 'sha1', { checksum: o.get_checksum !== false, md5: o.get_md5 === true, mime: o.get_mime !== false, attributes: o.get_attributes !== false }),
  plan(o, f) {
    if (f.problem !== undefined) return failPlan(f.problem);
    if (f.fields === null) return { steps: [], result: { changed: false, stat: { exists: false } } };
    // the module reads only what was asked: a fact read anyway is not reported
    const facts = { ...f, fields: f.fields, checksum: o.get_checksum === false ? null : f.checksum, md5: o.get_md5 === true ? f.md5 : null };
    return { steps: [], result: { changed: false, stat: output(o.path ?? '', facts, { mime: o.get_mime !== false, attributes: o.get_attributes !== false }) } };
  },
});
