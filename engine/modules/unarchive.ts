// unarchive, declared: a tar (gzip, bzip2, xz, zstd or plain) or zip archive unpacked into an existing
// directory on the host. The archive comes from the controller (role files/ or next to the playbook),
// from the host with remote_src, or from a URL the host downloads; the facts put it in a temporary
// directory on the host (in check mode too, as Ansible's action copies it) that `release` removes after
// the steps. As Ansible's module decides: a tar is unpacked when `tar --diff` against dest finds a
// difference it counts (times, modes, owners, missing files); a zip when a file of it is missing or
// differs in dest (kplay compares the unpacked bytes).
// creates, list_files, include/exclude, keep_newer (tar), extra_opts and owner/group/mode on the unpacked
// files. A tar is skipped in check mode, as Ansible's tar handler is.
import { readControllerFile } from '../vault/vault.js';
import { shellQuote as q } from '../util/shell.js';
import { curl, hostTempDir, requestSettings } from './curl.js';
import { declareModule, failPlan, type Controller, type Options, type Plan, type RunStep } from './declare.js';
import { attrsCommand, isOctalMode, lackingTests, wantedAttrs } from './file-content.js';
import { FILE_ATTR_OPTIONS, onlyValues } from './option-kinds.js';
import type { FileAttrs, HostIO } from './types.js';

type Handler = 'TgzArchive' | 'ZipArchive';

/** What unarchive compares: dest, the archive on the host, what it holds and whether dest holds it already. */
export interface UnarchiveFacts {
  /** `creates` exists: nothing else is read. */
  created?: boolean | undefined;
  dest?: { exists: boolean; type?: string | undefined } | undefined;
  /** The temporary directory the facts made on the host (removed after the steps, whatever happened). */
  tmp?: string | undefined;
  /** The archive on the host and its size, or why it is not there. */
  archive?: { path: string; size: number } | { fail: string } | undefined;
  /** Which tool reads it (null: none can). */
  handler?: Handler | null | undefined;
  /** Its member names, read when list_files or owner/group/mode need them. */
  files?: string[] | undefined;
  /** A zip: dest holds what the archive holds. */
  unarchived?: boolean | undefined;
  /** A tar: what `tar --diff` against dest said (its lines, stdout and stderr), and the user it ran as. */
  tarDiff?: { uid: number; lines: string[] } | undefined;
  /** Some unpacked path lacks the wanted owner, group or mode (read when dest holds the archive already). */
  attrsDiffer?: boolean | undefined;
}

const OPTIONS = {
  src: { type: 'path', required: true },
  dest: { type: 'path', required: true },
  remote_src: { type: 'bool' },
  copy: { type: 'bool' },
  creates: { type: 'path' },
  list_files: { type: 'bool' },
  exclude: { type: 'list' },
  include: { type: 'list' },
  keep_newer: { type: 'bool' },
  extra_opts: { type: 'list' },
  validate_certs: { type: 'bool' },
  decrypt: onlyValues('bool', true),
  io_buffer_size: onlyValues('int'),
  ...FILE_ATTR_OPTIONS,
} as const;

type UnarchiveOptions = Options<typeof OPTIONS>;

const list = (v: unknown[] | undefined): string[] => (v ?? []).map(String).filter((x) => x !== '');
const hasAttrs = (o: UnarchiveOptions): boolean => o.owner !== undefined || o.group !== undefined || o.mode !== undefined;

/** Which tool reads the archive: zip by its magic bytes, else tar if tar can list it. */
async function handlerOf(host: HostIO, archive: string): Promise<Handler | null> {
  const r = await host.run(`if [ "$(head -c 4 ${q(archive)} | od -An -tx1 | tr -d ' \\n')" = 504b0304 ]; then echo zip; elif tar -tf ${q(archive)} >/dev/null 2>&1; then echo tar; fi`);
  const kind = r.stdout.trim();
  return kind === 'zip' ? 'ZipArchive' : kind === 'tar' ? 'TgzArchive' : null;
}

/** The archive's member names. */
async function members(host: HostIO, handler: Handler, archive: string): Promise<string[]> {
  const r = await host.run(handler === 'ZipArchive' ? `unzip -Z1 ${q(archive)}` : `tar -tf ${q(archive)}`);
  return r.stdout.split('\n').filter(Boolean);
}

function tarFilters(o: UnarchiveOptions): string {
  return [...list(o.exclude).map((e) => `--exclude=${q(e)}`), ...(o.keep_newer === true ? ['--keep-newer-files'] : []), ...list(o.extra_opts).map(q)].join(' ');
}

// the zip command's options and member selection (include, exclude)
const zipArgs = (o: UnarchiveOptions, archive: string): string => `${list(o.extra_opts).map(q).join(' ')} ${q(archive)} ${list(o.include).map(q).join(' ')} ${list(o.exclude).length ? `-x ${list(o.exclude).map(q).join(' ')}` : ''}`;

/** What `tar --diff` says of dest against the archive (with the owner and group asked for, as Ansible's module runs it), and the user it ran as. */
async function tarDiff(host: HostIO, archive: string, dest: string, o: UnarchiveOptions): Promise<{ uid: number; lines: string[] }> {
  const own = [...(o.owner !== undefined ? [`--owner=${q(o.owner)}`] : []), ...(o.group !== undefined ? [`--group=${q(o.group)}`] : [])].join(' ');
  const r = await host.run(`id -u; cd ${q(dest)} && LC_ALL=C tar --diff -C ${q(dest)} ${own} ${tarFilters(o)} -f ${q(archive)} ${list(o.include).map(q).join(' ')} 2>&1`);
  const [uid = '', ...lines] = r.stdout.split('\n');
  return { uid: Number(uid), lines: lines.filter(Boolean) };
}

// the lines of tar --diff that make dest differ, as Ansible's module counts them: uid and gid (as root,
// unless owner or group is given: they are set anyway), mode (unless given), times, missing files and
// unknown owners; "Contents differ" alone is not one of them
function tarDiffers(d: { uid: number; lines: string[] }, o: UnarchiveOptions): boolean {
  return d.lines.some((line) => {
    if (/: : Warning: Cannot stat: No such file or directory$/.test(line)) return false;
    if (d.uid === 0 && o.owner === undefined && /: Uid differs$/.test(line)) return true;
    if (d.uid === 0 && o.group === undefined && /: Gid differs$/.test(line)) return true;
    if (o.mode === undefined && /: Mode differs$/.test(line)) return true;
    return /: Mod time differs$|: Warning: Cannot stat: No such file or directory$|: Invalid owner|: Invalid group/.test(line);
  });
}

/** Whether dest already holds what a zip holds (Ansible's is_unarchived). */
async function zipUnarchived(host: HostIO, archive: string, dest: string, o: UnarchiveOptions, tmp: string): Promise<boolean> {
  // unpacked beside, then every regular file compared with dest's
  const beside = `${tmp}/unpacked`;
  const x = await host.run(`mkdir -p ${q(beside)} && unzip -qq -o ${zipArgs(o, archive)} -d ${q(beside)}`);
  if (x.rc !== 0) return false;
  const r = await host.run(`cd ${q(beside)} && find . -type f | while IFS= read -r f; do cmp -s "$f" ${q(dest)}/"$f" || { echo differs; break; }; done`);
  return r.stdout.trim() === '';
}

// the unpacked paths the attributes go to (each once, without a trailing slash)
const unpackedPaths = (dest: string, names: string[]): string[] => [...new Set(names.map((n) => `${dest}/${n.replace(/\/$/, '')}`))];

/** Whether some unpacked path lacks the wanted owner, group or mode (a symbolic mode always applies). */
async function attrsLacking(host: HostIO, dest: string, names: string[], attrs: FileAttrs): Promise<boolean> {
  const tests = [...lackingTests(attrs), ...(attrs.mode !== undefined && !isOctalMode(attrs.mode) ? ['-true'] : [])];
  if (!tests.length || !names.length) return false;
  return (await host.run(`find ${unpackedPaths(dest, names).map(q).join(' ')} -maxdepth 0 \\( ${tests.join(' -o ')} \\) -print -quit`)).stdout.trim() !== '';
}

/** Where the archive comes from: a URL the host downloads (with its TLS setting), the host itself, or the controller. */
type Source = { url: string; request: Record<string, unknown> } | { host: string } | { controller: string };

const sourceOf = (o: UnarchiveOptions): Source => {
  const src = o.src ?? '';
  if (src.includes('://')) return { url: src, request: requestSettings(o) };
  // copy: false is the old spelling of remote_src: true
  return o.remote_src === true || o.copy === false ? { host: src } : { controller: src };
};

/** The archive on the host: the given path, a download, or a copy of the controller's file (both in `tmp`). */
async function archiveOnHost(host: HostIO, local: Controller, from: Source, tmp: string): Promise<{ path: string; size: number } | { fail: string }> {
  let path: string;
  if ('url' in from) {
    path = `${tmp}/${from.url.split('/').pop() || 'archive'}`;
    const r = await curl(host, from.request, from.url, { follow: true, out: path, timeout: 10 });
    if (r.error || r.code >= 400) return { fail: `Failure downloading ${from.url}, ${r.error ?? `HTTP Error ${r.code}: ${r.reason}`}` };
  } else if ('host' in from) {
    path = from.host;
    if (!(await host.stat(path)).exists) return { fail: `Source '${path}' does not exist` };
  } else {
    const src = from.controller;
    const found = local.findLocal('files', src);
    if (!found) return { fail: local.missingLocal('files', src) };
    path = `${tmp}/archive`;
    await host.write(path, readControllerFile(found), { mode: '0600' });
  }
  return { path, size: (await host.stat(path)).size ?? 0 };
}

/** The unarchive module. */
export const unarchiveModule = declareModule({
  spec: { options: OPTIONS, mutuallyExclusive: [['copy', 'remote_src']] },
  pathInfo: true,
  async facts(o, host, local): Promise<UnarchiveFacts> {
    if (o.creates !== undefined && (await host.stat(o.creates)).exists) return { created: true };
    const from = sourceOf(o);
    const dest = o.dest ?? '';
    const d = await host.stat(dest);
    const facts: UnarchiveFacts = { dest: { exists: d.exists, type: d.type } };
    if (!d.exists || d.type !== 'directory') return facts;
    facts.tmp = await hostTempDir(host);
    if (facts.tmp === undefined) return { ...facts, archive: { fail: 'could not make a temporary directory on the host' } };
    facts.archive = await archiveOnHost(host, local, from, facts.tmp);
    if ('fail' in facts.archive || facts.archive.size === 0) return facts;
    const archive = facts.archive.path;
    facts.handler = await handlerOf(host, archive);
    if (facts.handler === null) return facts;
    // the member list costs a run on the host: read only when list_files or owner/group/mode need it
    if (o.list_files === true || hasAttrs(o)) facts.files = await members(host, facts.handler, archive);
    if (facts.handler === 'TgzArchive') facts.tarDiff = await tarDiff(host, archive, dest, o);
    else facts.unarchived = await zipUnarchived(host, archive, dest, o, facts.tmp);
    const done = facts.tarDiff ? !tarDiffers(facts.tarDiff, o) : facts.unarchived === true;
    if (done && hasAttrs(o)) facts.attrsDiffer = await attrsLacking(host, dest, facts.files ?? [], wantedAttrs(o));
    return facts;
  },
  async release(f, host) {
    if (f.tmp !== undefined) await host.run(`rm -rf -- ${q(f.tmp)}`);
  },
  plan(o, f, mode): Plan {
    // Ansible's action skips before the module runs: the result names no dest
    if (f.created) return { steps: [], result: { changed: false, skipped: true, msg: `skipped, since ${o.creates ?? ''} exists` }, actionResult: true };
    const dest = o.dest ?? '';
    const base = { changed: false, dest, src: o.src ?? '' };
    if (!f.dest?.exists || f.dest.type !== 'directory') return failPlan(`dest '${dest}' must be an existing dir`, base);
    // (an archive that could not be had fails with the message alone, as fetch_file's and the source checks' fail_json)
    if (f.archive === undefined || 'fail' in f.archive) return failPlan(f.archive?.fail ?? 'the archive was not read');
    const archive = f.archive.path;
    if (f.archive.size === 0) return failPlan(`Invalid archive '${archive}', the file is 0 bytes`, base);
    // as Ansible's module: its tar handler does not run in check mode
    if (f.handler === 'TgzArchive' && mode.check) return { steps: [], result: { changed: false, skipped: true, msg: 'remote module (unarchive) does not support check mode when using gtar' }, actionResult: true };
    if (!f.handler) return failPlan(`Failed to find handler for "${archive}". Make sure the required command to extract the file is installed.`, base);
    const result = { ...base, handler: f.handler, ...(o.list_files === true ? { files: f.files ?? [] } : {}) };
    const steps: RunStep[] = [];
    const done = f.tarDiff ? !tarDiffers(f.tarDiff, o) : f.unarchived === true;
    if (!done) {
      const command = (f.handler === 'TgzArchive' ? `tar --extract -C ${q(dest)} ${tarFilters(o)} -f ${q(archive)} ${list(o.include).map(q).join(' ')}` : `unzip -o ${zipArgs(o, archive)} -d ${q(dest)}`).replace(/\s+/g, ' ').trim();
      steps.push({ kind: 'run', command, failure: `failed to unpack ${archive} to ${dest}`, failKeys: result, resultAs: 'extract_results' });
    }
    // owner, group and mode on every unpacked path: after an unpack always, else where some path lacks them
    if (hasAttrs(o) && (f.files ?? []).length && (!done || f.attrsDiffer)) {
      // (chown -h: a link among them is changed itself, not its target)
      const command = attrsCommand(unpackedPaths(dest, f.files ?? []), wantedAttrs(o), false, true);
      if (command !== undefined) steps.push({ kind: 'run', command, failure: '{stderr}', failKeys: result });
    }
    return { steps, result: { ...result, changed: steps.length > 0 } };
  },
});
