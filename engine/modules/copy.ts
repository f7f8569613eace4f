// copy: a file from the controller (files/ of the role, or next to the playbook), from the host
// itself (remote_src) or from `content`, written only when bytes or attributes differ; a controller
// directory copied file by file. The source's bytes are read while the facts are (base64, so any file
// travels in a fact and a step), with the destinations as the host has them; the plan compares them.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pyJson } from '../template/expr/dump.js';
import { shellQuote as q } from '../util/shell.js';
import { attrsCommand, wantedAttrs } from './file-content.js';
import { attrsChange, bytesFact, declareModule, failPlan, type BytesFact, type Plan, type Step, type WriteStep } from './declare.js';
import { FILE_ATTR_OPTIONS, onlyValues } from './option-kinds.js';
import type { FileAttrs, HostIO } from './types.js';

/** A destination as copy compares it: a file fact whose (regular file's) bytes are in base64. */
export type CopyDest = BytesFact;

/** What copy compares: the source (its bytes, or a controller directory's files) and the destinations. */
export type CopyFacts =
  | { problem: string }
  | { kind: 'file'; src: string | null; base64: string; destPath: string; dest: CopyDest }
  | { kind: 'directory'; src: string; root: string; dirs: { path: string; dest: CopyDest }[]; files: { path: string; base64: string; dest: CopyDest }[] };

const destFact = bytesFact;

/** The files under a local directory, as paths relative to it (sorted, so the run is repeatable). */
function filesUnder(dir: string, rel = ''): { files: string[]; dirs: string[] } {
  const files: string[] = [];
  const dirs: string[] = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      dirs.push(r);
      const below = filesUnder(dir, r);
      files.push(...below.files);
      dirs.push(...below.dirs);
    } else files.push(r);
  }
  return { files, dirs };
}

// a controller directory as Ansible's copy takes it: `src/` copies its contents into dest, `src` the directory itself
async function directoryFacts(host: HostIO, local: string, written: string, destArg: string): Promise<CopyFacts> {
  const root = destArg.replace(/\/+$/, '') + (written.endsWith('/') ? '' : `/${basename(local)}`);
  const { files, dirs } = filesUnder(local);
  const at = (rel: string): string => (rel ? `${root}/${rel}` : root);
  return {
    kind: 'directory',
    src: local,
    root,
    dirs: await Promise.all(['', ...dirs].map(async (d) => ({ path: at(d), dest: destFact({ stat: await host.stat(at(d)), content: undefined }) }))),
    files: await Promise.all(files.map(async (f) => ({ path: at(f), base64: readFileSync(join(local, f)).toString('base64'), dest: destFact(await host.inspect(at(f))) }))),
  };
}

// the sums Ansible reports: the copy action adds the source's sha1 (checksum), the copy module the
// md5sum too when it runs: when it writes the bytes (not in check mode, where the action stops first), and
// always for remote_src, which the module itself copies
function sums(base64: string, dest: CopyDest, check: boolean, remote: boolean): { checksum?: string; md5sum?: string } {
  const bytes = Buffer.from(base64, 'base64');
  const hex = (algo: string): string => createHash(algo).update(bytes).digest('hex');
  const written = dest.base64 !== base64;
  if (written && check && !remote) return {};
  return written || remote ? { checksum: hex('sha1'), md5sum: hex('md5') } : { checksum: hex('sha1') };
}

// true when the destination does not hold these bytes with these attributes
const differs = (dest: CopyDest, base64: string, attrs: FileAttrs): boolean => dest.base64 !== base64 || attrsChange(dest, attrs);

/** The copy module. */
export const copyModule = declareModule({
  spec: {
    options: {
      src: { type: 'path' },
      dest: { type: 'path', required: true },
      content: { type: 'raw' },
      backup: { type: 'bool' },
      force: { type: 'bool' },
      remote_src: { type: 'bool' },
      directory_mode: { type: 'raw' },
      validate: { type: 'str' },
      follow: onlyValues('bool', false),
      ...FILE_ATTR_OPTIONS,
    },
    mutuallyExclusive: [['src', 'content']],
    requiredOneOf: [['src', 'content']],
  },
  async facts(o, host, local): Promise<CopyFacts> {
    const written = o.src ?? '';
    let bytes: Buffer;
    let src: string | null = null;
    // a mapping or list as content is written as Ansible's copy action writes it: json.dumps's text
    if (o.content !== undefined) bytes = Buffer.from(typeof o.content === 'string' ? o.content : pyJson(o.content, { sortKeys: false, ensureAscii: true }));
    else if (o.remote_src === true) {
      src = written;
      const remote = await host.read(src);
      if (remote === undefined) return { problem: `Source ${src} not found` };
      bytes = remote;
    } else {
      src = local.findLocal('files', written) ?? null;
      if (src === null) return { problem: `Could not find or access '${written}' (looked in the role's files/ and next to the playbook)` };
      if (statSync(src).isDirectory()) return directoryFacts(host, src, written, o.dest ?? '');
      try {
        bytes = readFileSync(src);
      } catch (e) {
        return { problem: `Could not read '${src}': ${(e as Error).message}` };
      }
    }
    // a destination that is a directory (or ends with /) means "copy into it"
    let destPath = o.dest ?? '';
    let dest = destFact(await host.inspect(destPath));
    if (destPath.endsWith('/') || (dest.exists && dest.type === 'directory')) {
      if (src === null) return { problem: 'dest must be a file path when content is used' };
      destPath = `${destPath.replace(/\/+$/, '')}/${basename(src)}`;
      dest = destFact(await host.inspect(destPath));
    }
    return { kind: 'file', src, base64: bytes.toString('base64'), destPath, dest };
  },
  plan(o, f, mode): Plan {
    if ('problem' in f) return failPlan(f.problem);
    const attrs = wantedAttrs(o);
    const write = (path: string, base64: string): WriteStep => ({ kind: 'write', path, content: base64, encoding: 'base64', attrs, backup: o.backup === true, validate: o.validate, validateStyle: 'copy' });
    if (f.kind === 'file') {
      const src = f.src === null ? {} : { src: f.src };
      // force: false only creates missing files, as in Ansible
      if (o.force === false && f.dest.exists) return { steps: [], result: { changed: false, dest: f.destPath, ...src } };
      if (f.dest.type === 'directory') return failPlan(`${f.destPath} is a directory`);
      const changed = differs(f.dest, f.base64, attrs);
      const reported = sums(f.base64, f.dest, mode.check, o.remote_src === true);
      return { steps: changed ? [write(f.destPath, f.base64)] : [], result: { changed, path: f.destPath, dest: f.destPath, ...src, ...reported, size: Buffer.from(f.base64, 'base64').length } };
    }
    // a directory: the directories made get directory_mode (the owner and group too), the files the module's attributes
    const dirAttrs: FileAttrs = { ...attrs, mode: o.directory_mode === undefined ? undefined : wantedAttrs({ mode: o.directory_mode }).mode };
    const steps: Step[] = [];
    for (const d of f.dirs) {
      if (d.dest.exists && d.dest.type !== 'directory') return failPlan(`${d.path} exists and is not a directory`);
      if (d.dest.exists) continue;
      const set = attrsCommand([d.path], dirAttrs);
      steps.push({ kind: 'run', command: [`mkdir -p -- ${q(d.path)}`, ...(set === undefined ? [] : [set])].join(' && '), failure: '{stderr}' });
    }
    for (const file of f.files) {
      if (o.force === false && file.dest.exists) continue;
      if (differs(file.dest, file.base64, attrs)) steps.push(write(file.path, file.base64));
    }
    return { steps, result: { changed: steps.length > 0, dest: o.dest ?? '', src: f.src } };
  },
});
