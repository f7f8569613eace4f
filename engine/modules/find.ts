// find: the files (or directories, links, anything) under some paths whose names match patterns
// (shell globs or regular expressions), with Ansible's filters (excludes, hidden, contains, age, size,
// depth) and its result: `files` (stat-like dicts), `matched`, `examined`, `skipped_paths`. One `find`
// run per path reads every entry with its metadata; nothing on the host changes.
import { globToRegExp } from '../inventory/patterns.js';
import { checksums } from './file-content.js';
import { shellQuote as q } from '../util/shell.js';
import type { Module, ModuleContext } from './types.js';

// one entry as GNU find prints it with FORMAT: type, mode, size, uid, gid, user, group, times, inode,
// device, links, path; NUL-terminated (names may hold tabs and newlines)
const FORMAT = '%y\\t%m\\t%s\\t%U\\t%G\\t%u\\t%g\\t%T@\\t%A@\\t%C@\\t%i\\t%D\\t%n\\t%d\\t%p\\0';

interface Entry {
  type: string;
  mode: number;
  size: number;
  depth: number;
  path: string;
  stat: Record<string, unknown>;
}

function parse(line: string): Entry | undefined {
  const f = line.split('\t');
  if (f.length < 15) return undefined;
  const [type, modeText, size, uid, gid, user, group, mtime, atime, ctime, inode, dev, nlink, depth] = f;
  const path = f.slice(14).join('\t');
  const mode = parseInt(modeText ?? '0', 8);
  const bit = (b: number): boolean => (mode & b) !== 0;
  const num = (s: string | undefined): number => Number(s);
  return {
    type: type ?? '',
    mode,
    size: num(size),
    depth: num(depth),
    path,
    stat: {
      path,
      mode: mode.toString(8).padStart(4, '0'),
      isdir: type === 'd',
      isreg: type === 'f',
      islnk: type === 'l',
      ischr: type === 'c',
      isblk: type === 'b',
      isfifo: type === 'p',
      issock: type === 's',
      uid: num(uid),
      gid: num(gid),
      pw_name: user,
      gr_name: group,
      size: num(size),
      mtime: num(mtime),
      atime: num(atime),
      ctime: num(ctime),
      inode: num(inode),
      dev: num(dev),
      nlink: num(nlink),
      isuid: bit(0o4000),
      isgid: bit(0o2000),
      rusr: bit(0o400),
      wusr: bit(0o200),
      xusr: bit(0o100),
      rgrp: bit(0o40),
      wgrp: bit(0o20),
      xgrp: bit(0o10),
      roth: bit(0o4),
      woth: bit(0o2),
      xoth: bit(0o1),
    },
  };
}

const UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const SIZES: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

// "2d", "-1w" (age) and "10m", "-1k" (size): a number with a unit; negative means "at most"
function amount(v: unknown, units: Record<string, number>, what: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const m = /^(-?\d+)([a-z]?)$/i.exec(String(v).trim());
  const unit = m ? units[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`failed to process ${what} '${String(v)}'`);
  return Number(m[1]) * unit;
}

const list = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** The find module. */
export const find: Module = async (ctx) => {
  const a = ctx.args;
  const useRegex = a.use_regex === true;
  // Python's re.match: anchored at the start only; fnmatch: the whole name
  const matcher = (p: string): RegExp => (useRegex ? new RegExp(`^(?:${p})`) : globToRegExp(p));
  const patterns = (list(a.patterns).length ? list(a.patterns) : [useRegex ? '.*' : '*']).map(matcher);
  const excludes = list(a.excludes).map(matcher);
  const fileType = String(a.file_type ?? 'file');
  const age = amount(a.age, UNITS, 'age');
  const size = amount(a.size, SIZES, 'size');
  const stamp = String(a.age_stamp ?? 'mtime');
  const depth = a.depth === undefined || a.depth === null ? undefined : Number(a.depth);
  const now = Date.now() / 1000;
  const files: Record<string, unknown>[] = [];
  const skipped: Record<string, string> = {};
  let examined = 0;
  for (const root of list(a.paths)) {
    const max = a.recurse === true ? (depth !== undefined ? ` -maxdepth ${depth}` : '') : ' -maxdepth 1';
    const r = await ctx.host.run(`if [ -d ${q(root)} ]; then find ${a.follow === true ? '-L ' : ''}${q(root)} -mindepth 1${max} -printf '${FORMAT}'; else echo "kplay-not-a-directory"; fi`);
    if (r.stdout.startsWith('kplay-not-a-directory')) {
      skipped[root] = `'${root}' is not a directory`;
      ctx.warn(`Skipped '${root}' path due to this access issue: '${root}' is not a directory`);
      continue;
    }
    if (r.rc !== 0 && !r.stdout) return { changed: false, failed: true, msg: `find in ${root} failed: ${r.stderr.trim()}` };
    for (const line of r.stdout.split('\0')) {
      const e = parse(line);
      if (!e) continue;
      examined += 1;
      const name = e.path.slice(e.path.lastIndexOf('/') + 1);
      if (a.hidden !== true && name.startsWith('.')) continue;
      if (!patterns.some((p) => p.test(name)) || excludes.some((p) => p.test(name))) continue;
      const t = Number(e.stat[stamp] ?? e.stat.mtime);
      const ageOk = age === undefined || (age >= 0 ? now - t >= age : now - t <= -age);
      // as Ansible: size and contains filter regular files only; `any` takes every type by name and age
      if (fileType === 'any' || (fileType === 'directory' && e.type === 'd') || (fileType === 'link' && e.type === 'l')) {
        if (ageOk) files.push(e.stat);
      } else if (fileType === 'file' && e.type === 'f') {
        const sizeOk = size === undefined || (size >= 0 ? e.size >= size : e.size <= -size);
        if (ageOk && sizeOk) files.push(e.stat);
      }
    }
  }
  const kept = a.contains !== undefined && a.contains !== null && fileType === 'file' ? await containing(ctx, files, String(a.contains), a.read_whole_file === true) : files;
  if (a.get_checksum === true) {
    // every regular file's checksum in one run, not one round trip per file
    const sums = await checksums(ctx, 'sha1', kept.filter((f) => f.isreg === true).map((f) => String(f.path)));
    for (const f of kept) if (sums.has(String(f.path))) f.checksum = sums.get(String(f.path));
  }
  return { changed: false, files: kept, matched: kept.length, examined, skipped_paths: skipped, msg: 'All paths examined' };
};

// contains: a regular expression searched in each line (or the whole file with read_whole_file), with
// grep -P (Perl's syntax, close to Python's re)
async function containing(ctx: ModuleContext, files: Record<string, unknown>[], pattern: string, whole: boolean): Promise<Record<string, unknown>[]> {
  if (!files.length) return files;
  const r = await ctx.host.run(`grep -l -s -P ${whole ? '-z ' : ''}-e ${q(pattern)} -- ${files.map((f) => q(String(f.path))).join(' ')}`);
  if (r.rc > 1) throw new Error(`contains: grep failed: ${r.stderr.trim()}`);
  const hits = new Set(r.stdout.split('\n').filter(Boolean));
  return files.filter((f) => hits.has(String(f.path)));
}
