// copy: a file from the controller (files/ of the role, or next to the playbook), from the host
// itself (remote_src) or from `content`, written only when bytes or attributes differ; a controller
// directory copied file by file. The source's bytes are read while the facts are (base64, so any file
// travels in a fact and a step), with the destinations as the host has them; the plan compares them.
import { readControllerFile, VaultError } from '../vault/vault.js';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pyJson } from '../template/expr/dump.js';
import { shellQuote as q } from '../util/shell.js';
import { attrsCommand, wantedAttrs } from './file-content.js';
import { idsFor, sameBytesDiff, type WantedIds } from './file-diff.js';
import { attrsChange, bytesFact, declareModule, failPlan, linkFollowed, missingDirs, umaskFor, type Controller, type FactsMode, type Options, type BytesFact, type Plan, type Step, type WriteStep } from './declare.js';
import { FILE_ATTR_OPTIONS } from './option-kinds.js';
import type { FileAttrs, FileStat, HostIO, ModuleResult } from './types.js';

/** A destination as copy compares it: a file fact whose (regular file's) bytes are in base64. */
export type CopyDest = BytesFact;

/** What copy compares: the source (its bytes, or a controller directory's files) and the destinations. */
export type CopyFacts =
  | { problem: string }
  | { kind: 'file'; src: string | null; base64: string; destPath: string; dest: CopyDest; missingDirs?: string[] | undefined; umask?: number | undefined; replacesLink?: NewFileAttrs | undefined; ids?: WantedIds | undefined }
  | { kind: 'directory'; src: string; root: string; dirs: { path: string; dest: CopyDest }[]; files: { path: string; base64: string; dest: CopyDest }[]; links?: { path: string; target: string; dest: FileStat }[] | undefined; umask?: number | undefined };

const destFact = bytesFact;

/** What a file new on the host gets when nothing else is asked: the umask's mode, the (become) user's owner and group. */
export interface NewFileAttrs {
  mode: string;
  owner: string;
  group: string;
}

// a link dest (not followed) is replaced by a new file, as Ansible's module unlinks it and creates an empty
// one before the move: the attributes that file gets (one command)
async function newFileAttrs(host: HostIO): Promise<NewFileAttrs | undefined> {
  const r = await host.run('printf "%o\\n" $((0666 & ~$(umask))); id -un; id -gn');
  const [mode, owner, group] = r.stdout.split('\n');
  return r.rc === 0 && mode && owner && group ? { mode: mode.padStart(4, '0'), owner, group } : undefined;
}

/** A controller directory as copy walks it: paths relative to it (sorted, so the run is repeatable). */
interface SourceTree {
  /** Each file, and the file its bytes are read from (a link's target, followed). */
  files: { rel: string; real: string }[];
  dirs: string[];
  /** The links copied as links: their target as written. */
  links: { rel: string; target: string }[];
}

/**
 * The files, directories and links under a local directory, as Ansible's copy action walks it
 * (_walk_dirs): with local_follow, a link to a file is that file and a link to a directory is walked, unless
 * that directory is one the walk is already in (a loop: copied as a link); a dangling link, and every link
 * without local_follow, is copied as a link.
 */
function walkSource(top: string, follow: boolean): SourceTree {
  const tree: SourceTree = { files: [], dirs: [], links: [] };
  const id = (st: Stats): string => `${st.dev}:${st.ino}`;
  const walk = (dir: string, rel: string, within: Set<string>): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
      const path = join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) {
        let target: Stats | undefined;
        try {
          target = statSync(path);
        } catch {
          target = undefined; // dangling
        }
        if (follow && target?.isFile()) tree.files.push({ rel: r, real: realpathSync(path) });
        else if (follow && target?.isDirectory() && !within.has(id(target))) {
          tree.dirs.push(r);
          walk(realpathSync(path), r, new Set([...within, id(target)]));
        } else tree.links.push({ rel: r, target: readlinkSync(path) });
      } else if (e.isDirectory()) {
        tree.dirs.push(r);
        walk(path, r, new Set([...within, id(statSync(path))]));
      } else tree.files.push({ rel: r, real: path });
    }
  };
  walk(top, '', new Set([id(statSync(top))]));
  return tree;
}

// a controller directory as Ansible's copy takes it: `src/` copies its contents into dest, `src` the directory itself
async function directoryFacts(host: HostIO, local: string, written: string, destArg: string, follow: boolean, read: (path: string) => Buffer): Promise<CopyFacts> {
  const root = destArg.replace(/\/+$/, '') + (written.endsWith('/') ? '' : `/${basename(local)}`);
  const { files, dirs, links } = walkSource(local, follow);
  const at = (rel: string): string => (rel ? `${root}/${rel}` : root);
  return {
    kind: 'directory',
    src: local,
    root,
    dirs: await Promise.all(['', ...dirs].map(async (d) => ({ path: at(d), dest: destFact({ stat: await host.stat(at(d)), content: undefined }) }))),
    files: await Promise.all(files.map(async (f) => ({ path: at(f.rel), base64: read(f.real).toString('base64'), dest: destFact(await host.inspect(at(f.rel))) }))),
    ...(links.length ? { links: await Promise.all(links.map(async (l) => ({ path: at(l.rel), target: l.target, dest: await host.stat(at(l.rel), false) }))) } : {}),
  };
}

/** One file's copy as copy's (and template's) plan sees it, for the keys the result reports. */
export interface CopiedFile {
  dest: string;
  bytes: Buffer;
  /** The destination lacks these bytes: they are written. */
  written: boolean;
  /** The bytes or the attributes differ. */
  changed: boolean;
  check: boolean;
  /** remote_src: the copy module itself compares and copies (the action does not). */
  remote: boolean;
  /** The source the result names, if any. */
  src?: string | undefined;
}

/**
 * The keys Ansible reports for one copied file. New bytes: the copy module's dest, src, md5sum and the
 * action's checksum (the source's sha1), or only `changed` in check mode, where the action stops before
 * the module. The same bytes: the file module's path (and dest) with the checksum. remote_src: always the
 * copy module's. add_path_info's keys come after (the declaration's pathInfo).
 */
export function copiedFileResult(c: CopiedFile): ModuleResult {
  const hex = (algo: string): string => createHash(algo).update(c.bytes).digest('hex');
  const src = c.src === undefined ? {} : { src: c.src };
  if (c.remote || c.written) return c.check && !c.remote ? { changed: true } : { changed: c.changed, dest: c.dest, ...src, md5sum: hex('md5'), checksum: hex('sha1') };
  return { changed: c.changed, path: c.dest, dest: c.dest, checksum: hex('sha1') };
}

// the attributes of the directories copy makes: directory_mode (none when not given), the owner and group
const dirAttrsOf = (o: Record<string, unknown>): FileAttrs => ({ ...wantedAttrs(o), mode: o.directory_mode === undefined ? undefined : wantedAttrs({ mode: o.directory_mode }).mode });

// the step making directories (mkdir -p of the last) and giving each these attributes
function makeDirs(dirs: string[], attrs: FileAttrs): Step {
  const set = attrsCommand(dirs, attrs);
  return { kind: 'run', command: [`mkdir -p -- ${q(dirs[dirs.length - 1] ?? '')}`, ...(set === undefined ? [] : [set])].join(' && '), failure: '{stderr}' };
}

// the sha1 of bytes given in base64 (Ansible's checksum)
const sha1 = (base64: string): string => createHash('sha1').update(Buffer.from(base64, 'base64')).digest('hex');

// the copy module's failure when the bytes it got are not the `checksum` the task gives
const checksumFailed = (got: string, expected: string): Plan => ({ steps: [], result: { changed: false, failed: true, msg: 'Copied file does not match the expected checksum. Transfer failed.', checksum: got, expected_checksum: expected } });

/** What a failed `validate` of copy's (and template's) write reports besides: the source's checksum, which Ansible's copy action adds. */
export const validateFailKeys = (validate: string | undefined, bytes: Buffer): { failKeys?: Record<string, unknown> } => (validate === undefined ? {} : { failKeys: { checksum: sha1(bytes.toString('base64')) } });

// true when the destination does not hold these bytes with these attributes
const differs = (dest: CopyDest, base64: string, attrs: FileAttrs, umask: number | undefined): boolean => dest.base64 !== base64 || attrsChange(dest, attrs, umask);

// copy's options, as Ansible's argument spec has them
const COPY_OPTIONS = {
  src: { type: 'path' },
  dest: { type: 'path', required: true },
  content: { type: 'raw' },
  backup: { type: 'bool' },
  force: { type: 'bool' },
  remote_src: { type: 'bool' },
  directory_mode: { type: 'raw' },
  validate: { type: 'str' },
  follow: { type: 'bool' },
  local_follow: { type: 'bool' },
  decrypt: { type: 'bool' },
  checksum: { type: 'str' },
  ...FILE_ATTR_OPTIONS,
} as const;

// copy's options as its facts and plan see them
type CopyOptions = Options<typeof COPY_OPTIONS>;

// what copy compares for one task: the source's bytes (or a controller directory's files) and the destinations
async function copyFacts(o: CopyOptions, host: HostIO, local: Controller, mode: FactsMode): Promise<CopyFacts> {
  const written = o.src ?? '';
  let bytes: Buffer;
  let src: string | null = null;
  // decrypt: false copies a vault-encrypted file as it is; local_follow: false copies a directory's links as links
  const decrypt = o.decrypt !== false;
  const localFollow = o.local_follow !== false;
  const read = (path: string): Buffer => (decrypt ? readControllerFile(path) : readFileSync(path));
  // a mapping or list as content is written as Ansible's copy action writes it: json.dumps's text
  if (o.content !== undefined) bytes = Buffer.from(typeof o.content === 'string' ? o.content : pyJson(o.content, { sortKeys: false, ensureAscii: true }));
  else if (o.remote_src === true) {
    src = written;
    const remote = await host.read(src);
    if (remote === undefined) return { problem: `Source ${src} not found` };
    bytes = remote;
  } else {
    src = local.findLocal('files', written) ?? null;
    if (src === null) return { problem: local.missingLocal('files', written) };
    if (statSync(src).isDirectory()) return directoryFacts(host, src, written, o.dest ?? '', localFollow, read);
    try {
      bytes = read(src);
    } catch (e) {
      if (e instanceof VaultError) throw e;
      return { problem: `Could not read '${src}': ${(e as Error).message}` };
    }
  }
  // a destination that is a directory (or ends with /) means "copy into it"
  let destPath = o.dest ?? '';
  let inspected = await host.inspect(destPath);
  if (destPath.endsWith('/') || (inspected.stat.exists && inspected.stat.type === 'directory')) {
    if (src === null) return { problem: 'can not use content with a dir as dest' };
    destPath = `${destPath.replace(/\/+$/, '')}/${basename(src)}`;
    inspected = await host.inspect(destPath);
  }
  // follow: a link to an existing file is kept, and the file it leads to is written (as Ansible's module);
  // without it, the link is replaced by a new file (always a change), as Ansible's module replaces it
  const followed = o.follow === true ? await linkFollowed(host, destPath) : undefined;
  if (followed !== undefined) {
    destPath = followed;
    inspected = await host.inspect(destPath);
  }
  const replacesLink = followed === undefined && inspected.stat.linkTarget !== undefined ? await newFileAttrs(host) : undefined;
  const dest = destFact(inspected);
  // a new file's directory: made when dest ends with /, else the copy fails (the directories missing, outermost first)
  const missing = !dest.exists && destPath.startsWith('/') ? await missingDirs(host, dirname(destPath)) : [];
  const ids = dest.exists && o.remote_src !== true ? await idsFor(host, wantedAttrs(o), dest, mode) : {};
  return { kind: 'file', src, base64: bytes.toString('base64'), destPath, dest, ...(missing.length ? { missingDirs: missing } : {}), ...(replacesLink ? { replacesLink } : {}), ...ids };
}

/** The copy module. */
export const copyModule = declareModule({
  pathInfo: true,
  spec: {
    options: COPY_OPTIONS,
    mutuallyExclusive: [['src', 'content']],
    requiredOneOf: [['src', 'content']],
  },
  async facts(o, host, local, mode): Promise<CopyFacts> {
    const f = await copyFacts(o, host, local, mode);
    // (the host's umask, when a symbolic mode without users needs it to be compared)
    const umask = 'problem' in f ? undefined : await umaskFor(host, o.mode);
    return umask === undefined ? f : { ...f, umask };
  },
  plan(o, f, mode): Plan {
    if ('problem' in f) return failPlan(f.problem);
    const attrs = wantedAttrs(o);
    // --diff as the action shows it: its source file ("dynamically generated" for content, where Ansible names a temporary
    // copy of it); remote_src shows none, the copy module giving no diff
    const diff = (source: string | null): Partial<WriteStep> => (o.remote_src === true ? { noDiff: true } : { diffSource: source ?? 'dynamically generated' });
    const write = (path: string, base64: string, shown: Partial<WriteStep>): WriteStep => ({ kind: 'write', path, content: base64, encoding: 'base64', attrs, backup: o.backup === true, validate: o.validate, validateStyle: 'copy', ...validateFailKeys(o.validate, Buffer.from(base64, 'base64')), ...shown });
    if (f.kind === 'file') {
      // force: false only creates missing files, as in Ansible
      if (o.force === false && f.dest.exists) return { steps: [], result: { changed: false, dest: f.destPath, ...(f.src === null ? {} : { src: f.src }) }, actionResult: true };
      if (f.dest.type === 'directory') return failPlan(`${f.destPath} is a directory`);
      const dirs: Step[] = [];
      // Ansible's action stops before the module in check mode (remote_src aside): the directory is not looked at
      if (f.missingDirs && !(mode.check && o.remote_src !== true)) {
        // (the action adds the source's checksum to the module's failure too)
        if (!(o.dest ?? '').endsWith('/')) return failPlan(`Destination directory ${dirname(f.destPath)} does not exist`, { checksum: sha1(f.base64) });
        dirs.push(makeDirs(f.missingDirs, dirAttrsOf(o)));
      }
      // a link replaced by a file: a change whatever it led to, and the new file's attributes are a new file's
      const link = f.replacesLink;
      const changed = link !== undefined || differs(f.dest, f.base64, attrs, f.umask);
      const written = link !== undefined || f.dest.base64 !== f.base64;
      // a checksum given is the one the bytes sent must have: the copy module compares it, and runs when the
      // bytes differ (not in check mode, where the action stops before it), or always with remote_src
      const compared = o.remote_src === true || (written && !mode.check);
      if (o.checksum !== undefined && compared && sha1(f.base64) !== o.checksum) return checksumFailed(sha1(f.base64), o.checksum);
      const copied = copiedFileResult({ dest: f.destPath, bytes: Buffer.from(f.base64, 'base64'), written, changed, check: mode.check, remote: o.remote_src === true, src: f.src ?? undefined });
      // the bytes there already: the action runs the file module, whose diff is of the attributes (the copy module gives none)
      const result = written || !f.dest.exists || o.remote_src === true ? copied : { ...copied, diff: sameBytesDiff(f.destPath, f.dest, attrs, f.ids, f.umask) };
      const step = write(f.destPath, f.base64, diff(f.src));
      if (link) step.attrs = { ...step.attrs, mode: step.attrs?.mode ?? link.mode, owner: step.attrs?.owner ?? link.owner, group: step.attrs?.group ?? link.group };
      return { steps: changed ? [...dirs, step] : [], result };
    }
    // a directory: the directories made get directory_mode (the owner and group too), the files the module's attributes
    const dirAttrs = dirAttrsOf(o);
    const root = f.src;
    const sourceOf = (destFile: string): string => join(root, destFile.slice(f.root.length + 1));
    const steps: Step[] = [];
    for (const d of f.dirs) {
      if (d.dest.exists && d.dest.type !== 'directory') return failPlan(`${d.path} exists and is not a directory`);
      if (!d.dest.exists) steps.push(makeDirs([d.path], dirAttrs));
    }
    // a directory of one file (and no directory below) reports that file's copy, as Ansible's action
    // gives the last module's result when it copied one file; of more, the files' diffs are dropped with their results
    const only = f.files.length === 1 && f.dirs.length === 1 && !f.links ? f.files[0] : undefined;
    for (const file of f.files) {
      if (o.force === false && file.dest.exists) continue;
      if (!differs(file.dest, file.base64, attrs, f.umask)) continue;
      // a checksum given is the one every file sent must have (the copy module compares it after the transfer)
      if (o.checksum !== undefined && !mode.check && file.dest.base64 !== file.base64 && sha1(file.base64) !== o.checksum) return checksumFailed(sha1(file.base64), o.checksum);
      steps.push(write(file.path, file.base64, only ? diff(sourceOf(file.path)) : { noDiff: true }));
    }
    // the links copied as links, as the action has the file module make them (state=link, force)
    for (const l of f.links ?? []) {
      if (l.dest.type === 'link' && l.dest.linkTarget === l.target) continue;
      steps.push(l.dest.type === 'directory' ? { kind: 'run', command: `rmdir -- ${q(l.path)} && ln -s -- ${q(l.target)} ${q(l.path)}`, failure: `the directory ${l.path} is not empty, refusing to convert it` } : { kind: 'run', command: `ln -sfn -- ${q(l.target)} ${q(l.path)}`, failure: 'Error while linking: {stderr}' });
    }
    if (only && !(o.force === false && only.dest.exists)) {
      return { steps, result: copiedFileResult({ dest: only.path, bytes: Buffer.from(only.base64, 'base64'), written: only.dest.base64 !== only.base64, changed: steps.length > 0, check: mode.check, remote: false, src: sourceOf(only.path) }) };
    }
    // (the action names a recursive copy's destination as a directory: with a trailing slash)
    return { steps, result: { changed: steps.length > 0, dest: (o.dest ?? '').replace(/\/*$/, '/'), src: (o.src ?? '').endsWith('/') ? f.src.replace(/\/*$/, '/') : f.src }, actionResult: true };
  },
});
