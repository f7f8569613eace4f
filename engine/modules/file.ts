// file: a path's state (file, directory, link, hard, touch, absent) and attributes. Its facts are the
// path's stat, and where the plan needs them a link's source, whether anything under a directory lacks
// the wanted attributes (recurse) and the chattr flags (attributes); every change is a command.
import { basename } from 'node:path';
import { attrsCommand, attrsDiffer, isOctalMode, lackingTests, wantedAttrs } from './file-content.js';
import { declareModule, failPlan, missingDirs, umaskFor, type FactsMode, type Options, type Plan, type RunStep } from './declare.js';
import { FILE_ATTR_OPTIONS } from './option-kinds.js';
import { timeCommands, timesQuery, timeWants } from './file-times.js';
import { attrsDiff, createdStat, creatorOf, initialDiff, walkList, wantedIds, type Creator, type WantedIds } from './file-diff.js';
import type { FileAttrs, FileStat, HostIO, ObjectDiff } from './types.js';
import { pyRepr } from '../util/python-repr.js';
import { shellQuote as q } from '../util/shell.js';

const FILE_OPTIONS = {
  path: { type: 'path', required: true, aliases: ['dest', 'name'] },
  state: { type: 'str', choices: ['absent', 'directory', 'file', 'hard', 'link', 'touch'] },
  src: { type: 'path' },
  recurse: { type: 'bool' },
  force: { type: 'bool' },
  follow: { type: 'bool' },
  access_time: { type: 'str' },
  modification_time: { type: 'str' },
  access_time_format: { type: 'str' },
  modification_time_format: { type: 'str' },
  attributes: { type: 'str', aliases: ['attr'] },
  ...FILE_ATTR_OPTIONS,
} as const;

type FileOptions = Options<typeof FILE_OPTIONS>;

/** What the file module compares: the path, and what its state needs besides. */
export interface FileModuleFacts {
  stat: FileStat;
  /** state=link: whether the link's source exists (relative to the link's directory); state=hard: whether `src` exists. */
  sourceExists?: boolean | undefined;
  /** state=link with force over a directory: whether the directory is empty (Ansible replaces only an empty one). */
  emptyDir?: boolean | undefined;
  /** recurse: whether something under the directory lacks the wanted owner, group or (octal) mode. */
  differingBelow?: boolean | undefined;
  /** recurse with a symbolic mode: the kinds and modes found under the directory, links left out ("d 0755", "f 0644"; each pair once). */
  modesBelow?: string[] | undefined;
  /** attributes: the chattr flags the path has (lsattr's letters; empty when it has none or cannot say). */
  flags?: string | undefined;
  /** state=file or directory on a link, followed: the file it leads to (the path with every link resolved) and that file's stat. */
  target?: { path: string; stat: FileStat } | undefined;
  /** state=hard: the source is a directory (Linux makes no hard link to one). */
  sourceDir?: boolean | undefined;
  /** state=link or hard with owner, group or mode: the stat they are compared with (the link's source followed, the link itself with follow: false, the hard link's source). */
  attrsOf?: FileStat | undefined;
  /** A directory as path with `src` given (any state but link and absent): the path inside it the module works on, as Ansible's (path/basename(src)). */
  into?: string | undefined;
  /** The host's umask, read when the mode is symbolic without users (+x): what such a mode leaves depends on it. */
  umask?: number | undefined;
  /** state=hard on an existing path: whether it is the source itself (the same inode). */
  sameInode?: boolean | undefined;
  /** state=directory on a missing path: the directories mkdir will make, outermost first (each gets the attributes, as Ansible's). */
  created?: string[] | undefined;
  /** state=absent on a directory: what is below it (find's `%y%Y %p` lines), for the diff's path_content. */
  below?: string[] | undefined;
  /** owner or group given: the ids they name, for the diff. */
  ids?: WantedIds | undefined;
  /** touch or directory on a missing path, or a link made with follow: false, with attributes (not in check mode): what the new path gets, for the diff. */
  creator?: Creator | undefined;
  /** access_time or modification_time given as a time: each as a timestamp of the host's local time, and the path's times now (stat's `%.9X %.9Y`; none when it does not exist). */
  times?: { a?: number | undefined; m?: number | undefined; current?: string | undefined } | undefined;
}

// the timestamps of the times given as times (date on the host: its local time, as mktime there) and the
// path's times now, links followed (os.utime follows them): one round trip
async function timesFacts(host: HostIO, o: FileOptions, state: string, path: string): Promise<FileModuleFacts['times']> {
  const [a, m] = timeWants(o, state);
  if (typeof a === 'string' || typeof m === 'string') return undefined; // (the plan fails with the reason)
  const query = timesQuery(path, a, m);
  const r = await host.run(query.command);
  if (r.rc !== 0) throw new Error(`cannot read the times asked for ${path} on the host: ${r.stderr.trim()}`);
  return query.read(r.stdout);
}

// a link's source as the link resolves it
const linkSource = (path: string, src: string): string => (src.startsWith('/') ? src : `${path.replace(/\/[^/]*$/, '') || '/'}/${src}`);

// recurse with a symbolic mode: whether it changes any of the kinds and modes found below (as Ansible
// compares it path by path; a mode it cannot work out is a change)
const symbolicBelow = (attrs: FileAttrs, modes: string[], umask: number | undefined): boolean =>
  modes.some((line) => {
    const [kind = '', mode = ''] = line.split(' ');
    return attrsDiffer({ exists: true, type: kind === 'd' ? 'directory' : 'file', mode }, { mode: attrs.mode }, umask);
  });

// the state the path is asked for (its present one when not given)
const stateOf = (o: FileOptions, st: FileStat): string => o.state ?? (st.exists ? (st.type === 'directory' ? 'directory' : st.type === 'link' ? 'link' : 'file') : 'file');

// Ansible's warning for a link whose target is missing (follow: true, its default)
const DANGLING = 'Cannot set fs attributes on a non-existent symlink target. follow should be set to False to avoid this.';

// the path's kind as Ansible's file module names it (get_state): a file with more than one link is hard
const prevState = (st: FileStat): string => (!st.exists ? 'absent' : st.type === 'link' ? 'link' : st.type === 'directory' ? 'directory' : (st.links ?? 1) > 1 ? 'hard' : 'file');

// a link's own owner and group (follow: false): chown -h; its mode is refused before (Linux has no lchmod)
function linkAttrs(path: string, attrs: FileAttrs, run: (command: string) => RunStep): RunStep[] {
  const c = attrsCommand([path], { ...attrs, mode: undefined }, false, true);
  return c === undefined ? [] : [run(c)];
}

/**
 * The steps and result of the asked state (before `attributes`), with the keys Ansible's file module
 * returns for it: `path` for absent, directory and file; `dest` (and `src`) for touch, link and hard.
 */
function statePlan(o: FileOptions, f: FileModuleFacts, mode: { check: boolean }): Plan {
  const path = f.into ?? o.path ?? '';
  const st = f.stat;
  const state = stateOf(o, st);
  const attrs = wantedAttrs(o);
  const run = (command: string, on = path): RunStep => ({ kind: 'run', command, failure: '{stderr}', failKeys: { path: on } });
  const setAttrs = (recursive = false, paths = [path]): RunStep[] => {
    const c = attrsCommand(paths, attrs, recursive, false, o.follow !== false);
    return c === undefined ? [] : [run(c, paths[paths.length - 1])];
  };
  const done = (steps: RunStep[], result: Record<string, unknown>): Plan => ({ steps, result: { ...result, changed: steps.length > 0 } });
  switch (state) {
    case 'absent':
      return done(st.exists ? [run(`rm -rf -- ${q(path)}`)] : [], { path, state: 'absent' });
    case 'directory': {
      // a link is followed (follow: true), as Ansible's ensure_directory: the directory is its target
      const [dir, dst] = st.type === 'link' && f.target ? [f.target.path, f.target.stat] : [path, st];
      if (dst.exists && dst.type !== 'directory') return failPlan(`${dir} already exists as a ${prevState(dst)}`, { path: dir });
      if (!dst.exists) return { steps: [run(`mkdir -p -- ${q(dir)}`), ...setAttrs(false, f.created?.length ? f.created : [dir])], result: { changed: true, path: dir } };
      const below = o.recurse === true && (f.differingBelow === true || (f.modesBelow !== undefined && symbolicBelow(attrs, f.modesBelow, f.umask)));
      return done([...(attrsDiffer(dst, attrs, f.umask) ? setAttrs(false, [dir]) : []), ...(below ? setAttrs(true, [dir]) : [])], { path: dir });
    }
    case 'file': {
      // a link is followed (follow: true): the file is its target; with follow: false it is a link, which fails
      const target = st.type === 'link' && f.target ? f.target : { path, stat: st };
      const prev = prevState(target.stat);
      if (prev !== 'file' && prev !== 'hard') return failPlan(`file (${target.path}) is ${prev}, cannot continue`, { path: target.path, state: prev });
      return done(attrsDiffer(target.stat, attrs, f.umask) ? setAttrs(false, [target.path]) : [], { path: target.path });
    }
    case 'touch': {
      // access_time/modification_time: preserve keeps an existing file's times (the idempotent touch),
      // now (touch's default) sets them
      const keepA = o.access_time === 'preserve';
      const keepM = o.modification_time === 'preserve';
      const own = o.follow === false && st.type === 'link';
      const setOwn = (): RunStep[] => (own ? linkAttrs(path, attrs, run) : setAttrs());
      // a time given as a time: the path made if missing; its times are set after (timesPlan)
      if (givenTimes(o)) return done([...(st.exists ? [] : [run(`touch -- ${q(path)}`)]), ...(st.exists && !attrsDiffer(st, attrs, f.umask) ? [] : setOwn())], { dest: path });
      if (st.exists && keepA && keepM) return done(attrsDiffer(st, attrs, f.umask) ? setOwn() : [], { dest: path });
      // the times are the target's either way (Ansible's os.utime follows the link)
      const flags = st.exists && keepA ? ' -m' : st.exists && keepM ? ' -a' : '';
      return { steps: [run(`touch${flags} -- ${q(path)}`), ...setOwn()], result: { changed: true, dest: path } };
    }
    case 'link':
    case 'hard': {
      if (o.src === undefined) return failPlan(`src is required for creating new ${state === 'link' ? 'symlinks' : 'hardlinks'}`);
      const src = o.src;
      const prev = prevState(st);
      // a missing source fails first, even where the link is already there, as in Ansible
      if (state === 'link' && o.force !== true && f.sourceExists === false) return failPlan(`src file does not exist, use "force=yes" if you really want to create the link: ${linkSource(path, src)}`, { path, src });
      // owner, group and mode go where Ansible's set_fs_attributes puts them: the link's target (followed, when
      // it exists), the link itself (follow: false; owner and group only), or the hard link's inode
      const followed = state === 'link' && o.follow !== false;
      const attrSteps = (made: boolean): RunStep[] => {
        if (followed && f.sourceExists === false) return [];
        if (!made && (f.attrsOf === undefined || !attrsDiffer(f.attrsOf, attrs, f.umask))) return [];
        return state === 'link' && !followed ? linkAttrs(path, attrs, run) : setAttrs();
      };
      if (state === 'link' && st.exists && st.type === 'link' && st.linkTarget === src) return { ...done(attrSteps(false), { dest: path, src }), ...(f.sourceExists === false ? { warnings: [DANGLING] } : {}) };
      if (state === 'hard' && f.sameInode === true) return done(attrSteps(false), { dest: path, src });
      if (state === 'link') {
        if (prev === 'directory' && o.force !== true) return failPlan(`refusing to convert from directory to symlink for ${path}`, { path });
        if (prev === 'directory') return f.emptyDir === true ? done([run(`rmdir -- ${q(path)} && ln -s -- ${q(src)} ${q(path)}`)], { dest: path, src }) : failPlan(`the directory ${path} is not empty, refusing to convert it`, { path });
        // as Ansible: a regular file is replaced by a link only with force
        if (o.force !== true && (prev === 'file' || prev === 'hard')) return failPlan(`refusing to convert from ${prev} to symlink for ${path}`, { path });
      } else {
        if (f.sourceExists === false) return failPlan('src does not exist', { dest: path, src });
        if (prev === 'directory') return failPlan(o.force === true ? `refusing to replace directory ${path} with a link` : 'Cannot link: different hard link exists at destination', { dest: path, src });
        if (o.force !== true && (prev === 'file' || prev === 'hard')) return failPlan(prev === 'hard' ? 'Cannot link, different hard link exists at destination' : 'Cannot link, file exists at destination', { dest: path, src });
        // os.link's refusal, as the module reports it (check mode makes no link, and says it would)
        if (f.sourceDir === true && !mode.check) return failPlan(`Error while linking: [Errno 1] Operation not permitted: b${pyRepr(src)} -> b${pyRepr(path)}`, { path });
      }
      // the attributes after a new link are set when they differ (a followed target's, a hard link's inode), always on a new link's own
      const made = done([run(state === 'link' ? `ln -sfn -- ${q(src)} ${q(path)}` : `ln -f -- ${q(src)} ${q(path)}`), ...attrSteps(state === 'link' && !followed)], { dest: path, src });
      // a link made (force) to a missing source: Ansible's follow cannot set the target's attributes, and says so (not in check mode before the link exists)
      return state === 'link' && f.sourceExists === false && !(mode.check && !st.exists) ? { ...made, warnings: [DANGLING] } : made;
    }
  }
  return failPlan(`unsupported state ${state}`, { path });
}

// what the diff needs besides the plan's facts: a removed directory's content, the ids owner and group name,
// what a path made now gets (read only with --diff, where the diff shows them)
async function diffFacts(host: HostIO, o: FileOptions, state: string, path: string, st: FileStat, mode: FactsMode): Promise<Partial<FileModuleFacts>> {
  const out: Partial<FileModuleFacts> = {};
  if (mode.diff !== true) return out;
  if (state === 'absent' && st.type === 'directory') {
    const r = await host.run(`find ${q(path)} -mindepth 1 -printf '%y%Y %p\\0'`);
    if (r.rc === 0) out.below = r.stdout.split('\0').filter(Boolean);
  }
  const attrs = wantedAttrs(o);
  if (state === 'absent' || Object.values(attrs).every((v) => v === undefined)) return out;
  if (attrs.owner !== undefined || attrs.group !== undefined) out.ids = await wantedIds(host, attrs, st);
  // (a link made with follow: false gets its own owner and group)
  const made = state === 'link' && o.follow === false ? st.type !== 'link' : !st.exists && (state === 'touch' || state === 'directory');
  if (made && !mode.check) {
    const creator = await creatorOf(host);
    if (creator) out.creator = creator;
  }
  return out;
}

/**
 * The diff Ansible's file module returns for the asked state (none for a path already absent, nor for a
 * missing path touched or linked in check mode): the state change, then the attributes that change on
 * what they are set on (chattr's flags are added by the plan). touch's times are not in it.
 */
function fileDiff(o: FileOptions, f: FileModuleFacts, mode: { check: boolean }): ObjectDiff | undefined {
  const path = f.into ?? o.path ?? '';
  const st = f.stat;
  const state = stateOf(o, st);
  const attrs = wantedAttrs(o);
  const ids = f.ids ?? {};
  const withAttrs = (d: ObjectDiff, on: FileStat | undefined): ObjectDiff => (on?.exists ? attrsDiff(d, on, attrs, ids, f.umask) : d);
  switch (state) {
    case 'absent':
      return st.exists ? initialDiff(path, 'absent', prevState(st), st.type === 'directory' ? walkList(path, f.below ?? []) : undefined) : undefined;
    case 'touch':
      if (!st.exists && mode.check) return undefined;
      return withAttrs(initialDiff(path, 'touch', prevState(st)), st.exists ? (st.type === 'link' && o.follow !== false ? undefined : st) : f.creator && createdStat(f.creator, false));
    case 'file': {
      const target = st.type === 'link' && f.target ? f.target : { path, stat: st };
      return withAttrs(initialDiff(target.path, 'file', prevState(target.stat)), target.stat);
    }
    case 'directory': {
      const [dir, dst] = st.type === 'link' && f.target ? [f.target.path, f.target.stat] : [path, st];
      const d = initialDiff(dir, 'directory', prevState(dst));
      return dst.exists ? withAttrs(d, dst) : mode.check ? d : withAttrs(d, f.creator && createdStat(f.creator, true));
    }
    case 'link':
    case 'hard': {
      const d = initialDiff(path, state, prevState(st));
      if (st.type === 'link' && o.src !== undefined && st.linkTarget !== o.src) [d.before.src, d.after.src] = [st.linkTarget, o.src];
      // (in check mode a link not yet there has nothing to set attributes on; a link made with follow: false, its own)
      if (mode.check && !st.exists) return d;
      return withAttrs(d, state === 'link' && o.follow === false && st.type !== 'link' ? f.creator && createdStat(f.creator, false) : f.attrsOf);
    }
  }
  return undefined;
}

/**
 * The command printing something when a path below the directory lacks the wanted owner, group or octal
 * mode, as Ansible's recursive_set_attributes compares them: a link by its own owner and group (it has no
 * mode of its own), and with follow what a link leads to as well, walked into when it is a directory
 * (find -L). Undefined when nothing is asked that find can compare.
 */
function lackingBelow(path: string, attrs: FileAttrs, follow: boolean): string | undefined {
  const own = lackingTests({ owner: attrs.owner, group: attrs.group });
  const tests = [...own, ...lackingTests({ mode: attrs.mode }).map((t) => `\\( ! -type l ${t} \\)`)];
  if (!tests.length) return undefined;
  const below = (flags: string, expr: string[], links = ''): string => `find${flags} ${q(path)} -mindepth 1${links} \\( ${expr.join(' -o ')} \\) -print -quit`;
  if (!follow) return below('', tests);
  return [...(own.length ? [below('', own, ' -type l')] : []), below(' -L', tests)].join(' && ');
}

/**
 * `attributes` (chattr flags) as Ansible's set_attributes_if_different applies them: `-x` always runs
 * chattr; `+x` or `x` (exact) when lsattr's flags are not exactly those letters.
 */
function attributesStep(path: string, wanted: string, current: string): RunStep | undefined {
  const op = wanted.startsWith('-') || wanted.startsWith('+') ? wanted[0] : '=';
  const letters = op === '=' ? wanted : wanted.slice(1);
  if (current === letters && op !== '-') return undefined;
  return { kind: 'run', command: `chattr ${q(`${op}${letters}`)} -- ${q(path)}`, failure: 'chattr failed' };
}

// access_time or modification_time given as a time (not preserve or now): its format is read, the path's times compared
const givenTimes = (o: FileOptions): boolean => [o.access_time, o.modification_time].some((v) => v !== undefined && v !== 'preserve' && v !== 'now');

// a time its format does not read: Ansible's module reads the times before anything else (for any state
// but absent) and fails with the message alone
function timesProblem(o: FileOptions, f: FileModuleFacts): string | undefined {
  const state = stateOf(o, f.stat);
  if (state === 'absent') return undefined;
  const problem = timeWants(o, state).find((w) => typeof w === 'string');
  return typeof problem === 'string' ? problem : undefined;
}

// the times set last, as Ansible's update_timestamp_for_file after the state and the attributes (not for
// absent; touch's own now and preserve are its touch command)
function timesPlan(o: FileOptions, f: FileModuleFacts, plan: Plan): Plan {
  const state = stateOf(o, f.stat);
  const [a, m] = timeWants(o, state);
  if (state === 'absent' || (state === 'touch' && !givenTimes(o)) || typeof a === 'string' || typeof m === 'string') return plan;
  const path = f.into ?? o.path ?? '';
  const commands = timeCommands(path, a, m, { a: f.times?.a, m: f.times?.m }, f.times?.current);
  if (!commands.length) return plan;
  const step: RunStep = { kind: 'run', command: commands.join(' && '), failure: 'Error while updating modification or access time: {stderr}', failKeys: { path } };
  return { ...plan, steps: [...plan.steps, step], result: { ...plan.result, changed: true } };
}

/** The file module. */
export const fileModule = declareModule({
  spec: { options: FILE_OPTIONS },
  pathInfo: true,
  async facts(o, host: HostIO, _local, mode): Promise<FileModuleFacts> {
    let path = o.path ?? '';
    let stat = await host.stat(path);
    const facts: FileModuleFacts = { stat };
    // a directory as path, with src: the module works on the path of src's name inside it (not for link and absent)
    if (o.state !== 'link' && o.state !== 'absent' && stat.type === 'directory' && o.src) {
      path = `${path.replace(/\/+$/, '')}/${basename(o.src)}`;
      stat = await host.stat(path);
      Object.assign(facts, { into: path, stat });
    }
    const state = stateOf(o, stat);
    const umask = await umaskFor(host, o.mode);
    if (umask !== undefined) facts.umask = umask;
    const withAttrs = Object.values(wantedAttrs(o)).some((v) => v !== undefined);
    if ((state === 'link' || state === 'hard') && o.src !== undefined) {
      // the source followed: whether it exists, and (followed link, hard link) the attributes it has
      const source = await host.stat(state === 'link' ? linkSource(path, o.src) : o.src, true).catch((): FileStat => ({ exists: false }));
      facts.sourceExists = source.exists;
      if (state === 'hard' && source.type === 'directory') facts.sourceDir = true;
      if (withAttrs) facts.attrsOf = state === 'link' && o.follow === false ? stat : source;
    }
    if (state === 'link' && o.force === true && stat.type === 'directory') facts.emptyDir = (await host.run(`[ -z "$(ls -A -- ${q(path)})" ]`)).rc === 0;
    if ((state === 'file' || state === 'directory') && stat.type === 'link' && o.follow !== false) {
      // followed as os.path.realpath resolves it (a missing part included)
      const r = await host.run(`realpath -m -- ${q(path)}`);
      if (r.rc !== 0) throw new Error(`cannot resolve ${path}: ${r.stderr.trim()}`);
      const target = r.stdout.replace(/\n$/, '');
      facts.target = { path: target, stat: await host.stat(target) };
      // a directory's other facts are its target's
      if (state === 'directory') [path, stat] = [target, facts.target.stat];
    }
    if (state === 'hard' && stat.exists && o.src !== undefined) facts.sameInode = (await host.run(`[ ${q(path)} -ef ${q(o.src)} ]`)).rc === 0;
    if (state === 'directory' && !stat.exists && path.startsWith('/')) facts.created = await missingDirs(host, path);
    if (state === 'directory' && o.recurse === true && stat.type === 'directory') {
      const attrs = wantedAttrs(o);
      const follow = o.follow !== false;
      const lacking = lackingBelow(path, attrs, follow);
      if (lacking !== undefined) {
        const r = await host.run(lacking);
        if (r.rc !== 0) throw new Error(`cannot read ${path}: ${r.stderr.trim()}`);
        facts.differingBelow = r.stdout.trim() !== '';
      } else facts.differingBelow = false;
      if (attrs.mode !== undefined && !isOctalMode(attrs.mode)) {
        // each kind and mode once: as many lines as there are different modes, not files
        // (sh has no pipefail: find's failure is a line of its own); with follow, what links lead to too
        const r = await host.run(`{ find${follow ? ' -L' : ''} ${q(path)} -mindepth 1 ! -type l -printf '%y %m\\n' || echo kplay-failed; } | sort -u`);
        const lines = r.stdout.split('\n').filter(Boolean);
        if (r.rc !== 0 || lines.includes('kplay-failed')) throw new Error(`cannot read ${path}: ${r.stderr.trim()}`);
        facts.modesBelow = lines.map((l) => l.replace(/ ([0-7]{1,4})$/, (_, m: string) => ` ${m.padStart(4, '0')}`));
      }
    }
    if (o.attributes && state !== 'absent') {
      const r = await host.run(`lsattr -vd -- ${q(path)}`);
      facts.flags = r.rc === 0 ? (r.stdout.trim().split(/\s+/)[1] ?? '').replace(/-/g, '') : '';
    }
    if (state !== 'absent' && givenTimes(o)) facts.times = await timesFacts(host, o, state, path);
    Object.assign(facts, await diffFacts(host, o, state, path, stat, mode));
    return facts;
  },
  plan(o, f, mode): Plan {
    const state = stateOf(o, f.stat);
    const path = f.into ?? o.path ?? '';
    // a link's own mode (follow: false) is something Linux does not have: refused, never silently left
    if (o.follow === false && o.mode !== undefined && (state === 'link' || (state === 'touch' && f.stat.type === 'link'))) {
      return failPlan(`kplay cannot set the mode of the link ${path} itself (follow: false): Linux links have no mode of their own; leave mode out, or set it on the link's target`, { path });
    }
    const timeProblem = timesProblem(o, f);
    if (timeProblem !== undefined) return failPlan(timeProblem);
    const plan = statePlan(o, f, mode);
    const step = o.attributes && !plan.result.failed && stateOf(o, f.stat) !== 'absent' ? attributesStep(f.into ?? o.path ?? '', o.attributes, f.flags ?? '') : undefined;
    const withFlags = step ? { steps: [...plan.steps, step], result: { ...plan.result, changed: true } } : plan;
    const planned = plan.result.failed ? withFlags : timesPlan(o, f, withFlags);
    const diff = planned.result.failed ? undefined : fileDiff(o, f, mode);
    // chattr's flags, as set_attributes_if_different adds them: the flags there, and the operator with the letters
    if (diff && step && o.attributes) [diff.before.attributes, diff.after.attributes] = [f.flags ?? null, /^[-+=]/.test(o.attributes) ? o.attributes : `=${o.attributes}`];
    return diff ? { ...planned, result: { ...planned.result, diff } } : planned;
  },
});
