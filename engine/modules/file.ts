// file: a path's state (file, directory, link, hard, touch, absent) and attributes. Its facts are the
// path's stat, and where the plan needs them a link's source, whether anything under a directory lacks
// the wanted attributes (recurse) and the chattr flags (attributes); every change is a command.
import { attrsCommand, attrsDiffer, wantedAttrs } from './file-content.js';
import { declareModule, existing, failPlan, type Options, type Plan, type RunStep } from './declare.js';
import { FILE_ATTR_OPTIONS, onlyValues } from './option-kinds.js';
import type { FileAttrs, FileStat, HostIO, ModuleResult } from './types.js';
import { shellQuote as q } from '../util/shell.js';

const FILE_OPTIONS = {
  path: { type: 'path', required: true, aliases: ['dest', 'name'] },
  state: { type: 'str', choices: ['absent', 'directory', 'file', 'hard', 'link', 'touch'] },
  src: { type: 'path' },
  recurse: { type: 'bool' },
  force: { type: 'bool' },
  follow: onlyValues('bool', true),
  access_time: onlyValues('str', 'preserve', 'now'),
  modification_time: onlyValues('str', 'preserve', 'now'),
  attributes: { type: 'str', aliases: ['attr'] },
  ...FILE_ATTR_OPTIONS,
} as const;

type FileOptions = Options<typeof FILE_OPTIONS>;

/** What the file module compares: the path, and what its state needs besides. */
export interface FileModuleFacts {
  stat: FileStat;
  /** state=link without force: whether the link's source exists (relative to the link's directory). */
  sourceExists?: boolean | undefined;
  /** recurse: whether something under the directory lacks the wanted owner, group or mode. */
  differingBelow?: boolean | undefined;
  /** attributes: the chattr flags the path has (lsattr's letters; empty when it has none or cannot say). */
  flags?: string | undefined;
  /** state=hard on an existing path: whether it is the source itself (the same inode). */
  sameInode?: boolean | undefined;
  /** state=directory on a missing path: the directories mkdir will make, outermost first (each gets the attributes, as Ansible's). */
  created?: string[] | undefined;
}

// a link's source as the link resolves it
const linkSource = (path: string, src: string): string => (src.startsWith('/') ? src : `${path.replace(/\/[^/]*$/, '') || '/'}/${src}`);

// recurse: the find expression matching what lacks the wanted attributes (undefined: a symbolic mode, which always applies)
function lackingBelow(attrs: FileAttrs): string[] | undefined {
  const tests: string[] = [];
  if (attrs.owner !== undefined) tests.push(`! -user ${q(attrs.owner)}`);
  if (attrs.group !== undefined) tests.push(`! -group ${q(attrs.group)}`);
  if (attrs.mode !== undefined) {
    if (!/^[0-7]{4}$/.test(attrs.mode)) return undefined;
    tests.push(`! -perm ${attrs.mode}`);
  }
  return tests;
}

// the state the path is asked for (its present one when not given)
const stateOf = (o: FileOptions, st: FileStat): string => o.state ?? (st.exists ? (st.type === 'directory' ? 'directory' : st.type === 'link' ? 'link' : 'file') : 'file');

// a path's directories from the outermost: /a/b/c -> /a, /a/b, /a/b/c
const ancestry = (path: string): string[] => path.split('/').flatMap((_, i, parts) => (i > 0 && parts[i] ? [parts.slice(0, i + 1).join('/')] : []));

/** The steps and result of the asked state (before `attributes`). */
function statePlan(o: FileOptions, f: FileModuleFacts): Plan {
  const path = o.path ?? '';
  const st = f.stat;
  const state = stateOf(o, st);
  const attrs = wantedAttrs(o);
  const base: ModuleResult = { changed: false, path, state };
  const run = (command: string): RunStep => ({ kind: 'run', command, failure: '{stderr}', failKeys: { path, state } });
  const setAttrs = (recursive = false, paths = [path]): RunStep[] => {
    const c = attrsCommand(paths, attrs, recursive);
    return c === undefined ? [] : [run(c)];
  };
  const done = (steps: RunStep[], extra: Record<string, unknown> = {}): Plan => ({ steps, result: { ...base, ...extra, changed: steps.length > 0 } });
  switch (state) {
    case 'absent':
      return done(st.exists ? [run(`rm -rf -- ${q(path)}`)] : []);
    case 'directory':
      if (st.exists && st.type !== 'directory') return failPlan(`${path} already exists as a ${st.type ?? 'file'}`, base);
      if (!st.exists) return { steps: [run(`mkdir -p -- ${q(path)}`), ...setAttrs(false, f.created?.length ? f.created : [path])], result: { ...base, changed: true } };
      return done([...(attrsDiffer(st, attrs) ? setAttrs() : []), ...(o.recurse === true && f.differingBelow ? setAttrs(true) : [])]);
    case 'file':
      if (!st.exists) return failPlan(`file (${path}) is absent, cannot continue`, base);
      return done(attrsDiffer(st, attrs) ? setAttrs() : []);
    case 'touch': {
      // access_time/modification_time: preserve keeps an existing file's times (the idempotent touch),
      // now (touch's default) sets them
      const keepA = o.access_time === 'preserve';
      const keepM = o.modification_time === 'preserve';
      if (st.exists && keepA && keepM) return done(attrsDiffer(st, attrs) ? setAttrs() : []);
      const flags = st.exists && keepA ? ' -m' : st.exists && keepM ? ' -a' : '';
      return { steps: [run(`touch${flags} -- ${q(path)}`), ...setAttrs()], result: { ...base, changed: true } };
    }
    case 'link':
    case 'hard': {
      if (o.src === undefined) return failPlan(`src is required for state=${state}`, base);
      const src = o.src;
      if (state === 'link' && st.exists && st.type === 'link' && st.linkTarget === src) return done([]);
      if (state === 'hard' && f.sameInode === true) return done([]);
      if (st.exists && st.type === 'directory') return failPlan(`refusing to replace directory ${path} with a link`, base);
      // as Ansible: a regular file is replaced by a link, and a link made to a missing source, only with force
      if (o.force !== true && st.exists && st.type === 'file') return failPlan(state === 'link' ? `refusing to convert from file to symlink for ${path}` : 'Cannot link, file exists at destination', base);
      if (o.force !== true && state === 'link' && f.sourceExists === false) return failPlan(`src file does not exist, use "force=yes" if you really want to create the link: ${linkSource(path, src)}`, base);
      return done([run(state === 'link' ? `ln -sfn -- ${q(src)} ${q(path)}` : `ln -f -- ${q(src)} ${q(path)}`)], { src });
    }
  }
  return failPlan(`unsupported state ${state}`, base);
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

/** The file module. */
export const fileModule = declareModule({
  spec: { options: FILE_OPTIONS },
  async facts(o, host: HostIO): Promise<FileModuleFacts> {
    const path = o.path ?? '';
    const stat = await host.stat(path);
    const state = stateOf(o, stat);
    const facts: FileModuleFacts = { stat };
    if (state === 'link' && o.force !== true && o.src !== undefined) facts.sourceExists = (await host.stat(linkSource(path, o.src))).exists;
    if (state === 'hard' && stat.exists && o.src !== undefined) facts.sameInode = (await host.run(`[ ${q(path)} -ef ${q(o.src)} ]`)).rc === 0;
    if (state === 'directory' && !stat.exists && path.startsWith('/')) {
      const dirs = ancestry(path);
      const found = await existing(host, dirs);
      // (all there by now: only the path itself is the one asked for)
      const first = found.indexOf(false);
      facts.created = dirs.slice(first < 0 ? -1 : first);
    }
    if (state === 'directory' && o.recurse === true && stat.type === 'directory') {
      const tests = lackingBelow(wantedAttrs(o));
      if (tests === undefined) facts.differingBelow = true;
      else if (tests.length) {
        const r = await host.run(`find ${q(path)} -mindepth 1 \\( ${tests.join(' -o ')} \\) -print -quit`);
        if (r.rc !== 0) throw new Error(`cannot read ${path}: ${r.stderr.trim()}`);
        facts.differingBelow = r.stdout.trim() !== '';
      } else facts.differingBelow = false;
    }
    if (o.attributes && state !== 'absent') {
      const r = await host.run(`lsattr -vd -- ${q(path)}`);
      facts.flags = r.rc === 0 ? (r.stdout.trim().split(/\s+/)[1] ?? '').replace(/-/g, '') : '';
    }
    return facts;
  },
  plan(o, f): Plan {
    const plan = statePlan(o, f);
    const step = o.attributes && !plan.result.failed && plan.result.state !== 'absent' ? attributesStep(o.path ?? '', o.attributes, f.flags ?? '') : undefined;
    return step ? { steps: [...plan.steps, step], result: { ...plan.result, changed: true } } : plan;
  },
});
