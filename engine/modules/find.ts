// find: the files (or directories, links, anything) under some paths whose names match patterns
// (shell globs or regular expressions), with Ansible's filters (excludes, hidden, contains, age, size,
// depth) and its result: `files` (stat-like dicts), `matched`, `examined`, `skipped_paths`. One `find`
// run per path reads every entry with its metadata; nothing on the host changes. Declared: the facts are
// the listings (and which candidates contain the text, and their checksums); the plan selects.
import { globToRegExp } from '../inventory/patterns.js';
import { expandWord, expansionReads, expansionScript, parseExpansions, withLaterHomes } from './expand-args.js';
import { pyRegex } from '../template/expr/pyregex.js';
import { shellQuote as q } from '../util/shell.js';
import { declareModule, failPlan, type Options } from './declare.js';
import { checksums } from './file-content.js';
import type { HostIO } from './types.js';

// one entry as GNU find prints it with FORMAT: type, mode, size, uid, gid, user, group, times, inode,
// device, links, path; NUL-terminated (names may hold tabs and newlines)
const FORMAT = '%y\\t%m\\t%s\\t%U\\t%G\\t%u\\t%g\\t%T@\\t%A@\\t%C@\\t%i\\t%D\\t%n\\t%d\\t%p\\0';

/** One entry of a listing: its type letter (find's %y), size, depth under the path, path and stat dict. */
export interface FindEntry {
  type: string;
  size: number;
  depth: number;
  path: string;
  stat: Record<string, unknown>;
}

function parse(line: string): FindEntry | undefined {
  const f = line.split('\t');
  if (f.length < 15) return undefined;
  const [type, modeText, size, uid, gid, user, group, mtime, atime, ctime, inode, dev, nlink, depth] = f;
  const path = f.slice(14).join('\t');
  const mode = parseInt(modeText ?? '0', 8);
  const bit = (b: number): boolean => (mode & b) !== 0;
  const num = (s: string | undefined): number => Number(s);
  return {
    type: type ?? '',
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
function amount(v: string | undefined, units: Record<string, number>): number | undefined | null {
  if (v === undefined) return undefined;
  const m = /^(-?\d+)([a-z]?)$/.exec(v.toLowerCase());
  const unit = m ? units[m[2] ?? ''] : undefined;
  return m && unit !== undefined ? Number(m[1]) * unit : null;
}

const OPTIONS = {
  paths: { type: 'list', required: true, aliases: ['name', 'path'] },
  patterns: { type: 'list', aliases: ['pattern'] },
  excludes: { type: 'list', aliases: ['exclude'] },
  contains: { type: 'str' },
  read_whole_file: { type: 'bool' },
  file_type: { type: 'str', choices: ['any', 'directory', 'file', 'link'] },
  recurse: { type: 'bool' },
  hidden: { type: 'bool' },
  follow: { type: 'bool' },
  get_checksum: { type: 'bool' },
  use_regex: { type: 'bool' },
  age: { type: 'str' },
  age_stamp: { type: 'str', choices: ['atime', 'ctime', 'mtime'] },
  size: { type: 'str' },
  depth: { type: 'int' },
} as const;

/** The filters the options ask for, or the module's failure. */
interface Filters {
  name(name: string): boolean;
  fileType: string;
  age?: number | undefined;
  stamp: string;
  size?: number | undefined;
  hidden: boolean;
  /** The deepest entry considered (depth 0 or none: no limit); the listing goes one deeper, as Ansible's walk examines it. */
  depth?: number | undefined;
}

function filtersOf(o: Options<typeof OPTIONS>): Filters | { fail: string; key: string; value: unknown } {
  const age = amount(o.age, UNITS);
  if (age === null) return { fail: 'failed to process age', key: 'age', value: o.age };
  const size = amount(o.size, SIZES);
  if (size === null) return { fail: 'failed to process size', key: 'size', value: o.size };
  const useRegex = o.use_regex === true;
  // Python's re.match: anchored at the start only (a sticky expression); fnmatch: the whole name
  const matcher = (p: unknown): RegExp => (useRegex ? pyRegex(p, 0, {}, 'y') : globToRegExp(String(p)));
  const patterns = (o.patterns?.length ? o.patterns : [useRegex ? '.*' : '*']).map(matcher);
  const excludes = (o.excludes ?? []).map(matcher);
  const test = (re: RegExp, name: string): boolean => {
    re.lastIndex = 0;
    return re.test(name);
  };
  return {
    name: (n) => patterns.some((p) => test(p, n)) && !excludes.some((p) => test(p, n)),
    fileType: o.file_type ?? 'file',
    age,
    stamp: o.age_stamp ?? 'mtime',
    size,
    hidden: o.hidden === true,
    depth: o.depth || undefined,
  };
}

// the entries the filters take, before `contains` (as Ansible: size for regular files only; `any` takes every type)
function selected(f: Filters, entries: FindEntry[], now: number): FindEntry[] {
  return entries.filter((e) => {
    const name = e.path.slice(e.path.lastIndexOf('/') + 1);
    if ((f.depth !== undefined && e.depth > f.depth) || (!f.hidden && name.startsWith('.')) || !f.name(name)) return false;
    const t = Number(e.stat[f.stamp] ?? e.stat.mtime);
    if (f.age !== undefined && !(f.age >= 0 ? now - t >= f.age : now - t <= -f.age)) return false;
    const sizeOk = f.size === undefined || (f.size >= 0 ? e.size >= f.size : e.size <= -f.size);
    if (f.fileType === 'any') return e.type !== 'f' || sizeOk;
    return (f.fileType === 'directory' && e.type === 'd') || (f.fileType === 'link' && e.type === 'l') || (f.fileType === 'file' && e.type === 'f' && sizeOk);
  });
}

/** One path's listing: its entries, or why it was skipped (not a directory; find's error, with what it listed). */
export interface FindListing {
  path: string;
  entries: FindEntry[];
  skipped?: string | undefined;
}

/** What find reads: each path's listing, the host's time (when an age is asked), which candidates hold `contains`, the candidates' sha1 checksums. */
export interface FindFacts {
  now: number;
  listings: FindListing[];
  /** The candidate regular files that hold `contains` (null: no `contains` to test). */
  containing: string[] | null;
  checksums: Record<string, string>;
}

async function listing(host: HostIO, root: string, o: Options<typeof OPTIONS>, f: Filters): Promise<FindListing> {
  const max = o.recurse === true ? (f.depth !== undefined ? ` -maxdepth ${f.depth + 1}` : '') : ' -maxdepth 1';
  const r = await host.run(`if [ -d ${q(root)} ]; then find ${o.follow === true ? '-L ' : ''}${q(root)} -mindepth 1${max} -printf '${FORMAT}'; else echo "kplay-not-a-directory"; fi`);
  if (r.stdout.startsWith('kplay-not-a-directory')) return { path: root, entries: [], skipped: `'${root}' is not a directory` };
  const entries = r.stdout.split('\0').flatMap((line) => parse(line) ?? []);
  return r.rc === 0 ? { path: root, entries } : { path: root, entries, skipped: r.stderr.trim().split('\n')[0] ?? `find exited with ${r.rc}` };
}

// contains, as Ansible's module tests it: the expression matched at the start of some line (re.match), or
// searched in the whole text with read_whole_file (re.search); Perl's expressions read Python's alike
// (`$` also before a final newline, `(?P<name>...)`); the files that hold it
const CONTAINS = 'my ($re, $whole) = (shift, shift); $re = qr/$re/; for my $f (@ARGV) { open(my $h, "<", $f) or next; if ($whole) { local $/; my $t = <$h>; print "$f\\0" if defined $t && $t =~ $re; next; } while (my $l = <$h>) { if ($l =~ /\\A$re/) { print "$f\\0"; last; } } }';

async function containing(host: HostIO, paths: string[], pattern: string, whole: boolean): Promise<string[]> {
  if (!paths.length) return [];
  const r = await host.run(`perl -e ${q(CONTAINS)} -- ${q(pattern)} ${whole ? 1 : 0} ${paths.map(q).join(' ')}`);
  return r.stdout.split('\0').filter(Boolean);
}

// paths as Ansible's module takes them (os.path.expandvars, then expanduser) on the host: $VAR and ${VAR}
// from the module's environment (an unknown one left as written), then ~ (HOME, else the user's home) and
// ~user, read in one command only when some path names them (expand-args.ts, as command's words)
async function expanded(host: HostIO, paths: string[]): Promise<string[]> {
  const reads = expansionReads(paths);
  if (!reads.vars.length && !reads.users.length) return paths;
  const r = await host.run(expansionScript(reads).join('\n'));
  if (r.rc !== 0) return paths;
  const x = await withLaterHomes(host, paths, parseExpansions(r.stdout.split('\n')));
  return paths.map((p) => expandWord(p, x));
}

/** The find module. */
export const findModule = declareModule({
  spec: { options: OPTIONS },
  refuse(o) {
    if (o.use_regex !== true) return undefined;
    for (const p of [...(o.patterns ?? []), ...(o.excludes ?? [])]) {
      try {
        pyRegex(p, 0, {}, 'y');
      } catch (e) {
        return (e as Error).message;
      }
    }
    return undefined;
  },
  async facts(o, host): Promise<FindFacts> {
    const f = filtersOf(o);
    // ages are measured against the host's clock, as Ansible's module measures them there
    const clock = !('fail' in f) && f.age !== undefined ? Number((await host.run('date +%s.%N')).stdout.trim()) : NaN;
    const now = Number.isFinite(clock) && clock > 0 ? clock : Date.now() / 1000;
    const { contains, read_whole_file: whole, get_checksum: sums } = o;
    if ('fail' in f) return { now, listings: [], containing: null, checksums: {} };
    const roots = await expanded(host, (o.paths ?? []).map(String));
    const listings = await Promise.all(roots.map((p) => listing(host, p, o, f)));
    const regular = listings.flatMap((l) => selected(f, l.entries, now)).filter((e) => e.type === 'f').map((e) => e.path);
    const withText = contains !== undefined && f.fileType === 'file' ? await containing(host, regular, contains, whole === true) : null;
    const summed = await checksums(host, 'sha1', sums === true ? (withText ?? regular) : []);
    return { now, listings, containing: withText, checksums: Object.fromEntries(summed) };
  },
  plan(o, facts) {
    const f = filtersOf(o);
    if ('fail' in f) return failPlan(f.fail, { [f.key]: f.value });
    const hits = facts.containing === null ? undefined : new Set(facts.containing);
    const files = facts.listings
      .flatMap((l) => selected(f, l.entries, facts.now))
      .filter((e) => hits === undefined || hits.has(e.path))
      .map((e) => (o.get_checksum === true && e.type === 'f' && facts.checksums[e.path] !== undefined ? { ...e.stat, checksum: facts.checksums[e.path] } : e.stat));
    const skipped = Object.fromEntries(facts.listings.filter((l) => l.skipped !== undefined).map((l) => [l.path, l.skipped]));
    const examined = facts.listings.reduce((n, l) => n + l.entries.length, 0);
    const warnings = Object.entries(skipped).map(([p, why]) => `Skipped '${p}' path due to this access issue: ${String(why)}`);
    const msg = warnings.length ? 'Not all paths examined, check warnings for details' : 'All paths examined';
    return { steps: [], result: { changed: false, files, matched: files.length, examined, skipped_paths: skipped, msg }, warnings };
  },
});
