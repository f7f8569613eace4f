// unarchive: a tar (gzip, bzip2, xz, zstd or plain) or zip archive unpacked into an existing directory
// on the host. The archive comes from the controller (role files/ or next to the playbook), from the
// host with remote_src, or from a URL the host downloads. As Ansible's module decides: a tar is
// unpacked when `tar --diff` against dest finds a difference; a zip when a file of it is missing or
// differs in dest (kplay compares the unpacked bytes). creates, list_files, include/exclude,
// keep_newer (tar), extra_opts and owner/group/mode on the unpacked files. A tar is skipped in check
// mode, as Ansible's tar handler is.
import { readFileSync } from 'node:fs';
import { shellQuote as q } from '../util/shell.js';
import { curl, hostTempDir } from './curl.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

type Handler = 'TgzArchive' | 'ZipArchive';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null || v === '' ? [] : [String(v)]);

/** Which tool reads the archive: zip by its magic bytes, else tar if tar can list it. */
async function handlerOf(ctx: ModuleContext, archive: string): Promise<Handler | undefined> {
  const r = await ctx.host.run(`if [ "$(head -c 4 ${q(archive)} | od -An -tx1 | tr -d ' \\n')" = 504b0304 ]; then echo zip; elif tar -tf ${q(archive)} >/dev/null 2>&1; then echo tar; fi`);
  const kind = r.stdout.trim();
  return kind === 'zip' ? 'ZipArchive' : kind === 'tar' ? 'TgzArchive' : undefined;
}

/** The archive's member names. */
async function members(ctx: ModuleContext, handler: Handler, archive: string): Promise<string[]> {
  const r = await ctx.host.run(handler === 'ZipArchive' ? `unzip -Z1 ${q(archive)}` : `tar -tf ${q(archive)}`);
  return r.stdout.split('\n').filter(Boolean);
}

function tarFilters(a: Record<string, unknown>): string {
  return [...list(a.exclude).map((e) => `--exclude=${q(e)}`), ...(a.keep_newer === true ? ['--keep-newer-files'] : []), ...list(a.extra_opts).map(q)].join(' ');
}

/** Whether dest already holds what the archive holds (Ansible's is_unarchived). */
async function unarchived(ctx: ModuleContext, handler: Handler, archive: string, dest: string, a: Record<string, unknown>): Promise<boolean> {
  const include = list(a.include).map(q).join(' ');
  if (handler === 'TgzArchive') {
    const r = await ctx.host.run(`LC_ALL=C tar --diff -C ${q(dest)} ${tarFilters(a)} -f ${q(archive)} ${include}`);
    return r.rc === 0;
  }
  // a zip: unpacked beside, then every regular file compared with dest's
  const tmp = await hostTempDir(ctx.host);
  if (!tmp) return false;
  try {
    const x = await ctx.host.run(`unzip -qq -o ${list(a.extra_opts).map(q).join(' ')} ${q(archive)} ${include} ${list(a.exclude).length ? `-x ${list(a.exclude).map(q).join(' ')}` : ''} -d ${q(tmp)}`);
    if (x.rc !== 0) return false;
    const r = await ctx.host.run(`cd ${q(tmp)} && find . -type f | while IFS= read -r f; do cmp -s "$f" ${q(dest)}/"$f" || { echo differs; break; }; done`);
    return r.stdout.trim() === '';
  } finally {
    await ctx.host.run(`rm -rf -- ${q(tmp)}`);
  }
}

/** Unpacks the archive into dest; the command's outcome as Ansible reports it (extract_results). */
async function unpack(ctx: ModuleContext, handler: Handler, archive: string, dest: string, a: Record<string, unknown>): Promise<{ cmd: string; rc: number; out: string; err: string }> {
  const include = list(a.include).map(q).join(' ');
  const cmd =
    handler === 'TgzArchive'
      ? `tar --extract -C ${q(dest)} ${tarFilters(a)} -f ${q(archive)} ${include}`
      : `unzip -o ${list(a.extra_opts).map(q).join(' ')} ${q(archive)} ${include} ${list(a.exclude).length ? `-x ${list(a.exclude).map(q).join(' ')}` : ''} -d ${q(dest)}`;
  const r = await ctx.host.run(cmd.replace(/\s+/g, ' ').trim());
  return { cmd: cmd.replace(/\s+/g, ' ').trim(), rc: r.rc, out: r.stdout, err: r.stderr };
}

/** owner/group/mode on every unpacked path; whether any differed (checked with find, set with chown/chmod). */
async function ownFiles(ctx: ModuleContext, dest: string, names: string[], a: Record<string, unknown>): Promise<boolean | string> {
  const tests: string[] = [];
  if (a.owner !== undefined && a.owner !== null) tests.push(`! -user ${q(a.owner)}`);
  if (a.group !== undefined && a.group !== null) tests.push(`! -group ${q(a.group)}`);
  const mode = a.mode === undefined || a.mode === null ? undefined : String(a.mode);
  if (mode !== undefined) tests.push(/^0?[0-7]{3,4}$/.test(mode) ? `! -perm ${mode.padStart(4, '0')}` : '-true');
  if (!tests.length || !names.length) return false;
  const paths = [...new Set(names.map((n) => n.replace(/\/$/, '')))].map((n) => q(`${dest}/${n}`)).join(' ');
  const found = await ctx.host.run(`find ${paths} -maxdepth 0 \\( ${tests.join(' -o ')} \\) -print -quit`);
  if (!found.stdout.trim()) return false;
  if (ctx.check) return true;
  const cmds = [
    ...(a.owner !== undefined && a.owner !== null ? [`chown -h ${q(a.owner)} -- ${paths}`] : []),
    ...(a.group !== undefined && a.group !== null ? [`chgrp -h ${q(a.group)} -- ${paths}`] : []),
    ...(mode !== undefined ? [`chmod ${q(mode)} -- ${paths}`] : []),
  ];
  const r = await ctx.host.run(cmds.join(' && '));
  return r.rc === 0 ? true : r.stderr.trim();
}

/** The archive on the host: the given path, a download, or a copy of the controller's file. */
async function archiveOnHost(ctx: ModuleContext, a: Record<string, unknown>, tmp: string): Promise<string | ModuleResult> {
  const src = String(a.src);
  if (src.includes('://')) {
    const out = `${tmp}/${src.split('/').pop() || 'archive'}`;
    const r = await curl(ctx.host, a, src, { follow: true, out, timeout: 10 });
    if (r.error || r.code >= 400) return { changed: false, failed: true, msg: `Failure downloading ${src}, ${r.error ?? `HTTP Error ${r.code}: ${r.reason}`}` };
    return out;
  }
  // copy: false is the old spelling of remote_src: true
  if (a.remote_src === true || a.copy === false) {
    if (!(await ctx.host.stat(src)).exists) return { changed: false, failed: true, msg: `Source '${src}' does not exist` };
    return src;
  }
  const local = ctx.findLocal('files', src);
  if (!local) return { changed: false, failed: true, msg: `Could not find or access '${src}' (looked in the role's files/ and next to the playbook)` };
  const out = `${tmp}/archive`;
  await ctx.host.write(out, readFileSync(local), { mode: '0600' });
  return out;
}

/** The unarchive module. */
export const unarchive: Module = async (ctx) => {
  const a = ctx.args;
  const dest = String(a.dest);
  const base: ModuleResult = { changed: false, dest, src: String(a.src) };
  if (a.creates !== undefined && a.creates !== null && (await ctx.host.stat(String(a.creates))).exists) {
    // Ansible's action skips before the module runs: the result names no dest
    return { changed: false, skipped: true, msg: `skipped, since ${String(a.creates)} exists` };
  }
  const d = await ctx.host.stat(dest);
  if (!d.exists || d.type !== 'directory') return { ...base, failed: true, msg: `dest '${dest}' must be an existing dir` };
  const tmp = await hostTempDir(ctx.host);
  if (!tmp) return { ...base, failed: true, msg: 'could not make a temporary directory on the host' };
  try {
    const archive = await archiveOnHost(ctx, a, tmp);
    if (typeof archive !== 'string') return { ...base, ...archive };
    if (((await ctx.host.stat(archive)).size ?? 0) === 0) return { ...base, failed: true, msg: `Invalid archive '${archive}', the file is 0 bytes` };
    const handler = await handlerOf(ctx, archive);
    // as Ansible's module: its tar handler does not run in check mode
    if (handler === 'TgzArchive' && ctx.check) return { changed: false, skipped: true, msg: 'remote module (unarchive) does not support check mode when using gtar' };
    if (!handler) return { ...base, failed: true, msg: `Failed to find handler for "${archive}". Make sure the required command to extract the file is installed.` };
    const result: ModuleResult = { ...base, handler };
    // the member list costs a run on the host: read only when list_files or owner/group/mode need it
    const attrs = ['owner', 'group', 'mode'].some((k) => a[k] !== undefined && a[k] !== null);
    const names = a.list_files === true || attrs ? await members(ctx, handler, archive) : [];
    if (a.list_files === true) result.files = names;
    if (!(await unarchived(ctx, handler, archive, dest, a))) {
      result.changed = true;
      if (!ctx.check) {
        const x = await unpack(ctx, handler, archive, dest, a);
        result.extract_results = x;
        if (x.rc !== 0) return { ...result, failed: true, msg: `failed to unpack ${archive} to ${dest}` };
      }
    }
    const owned = await ownFiles(ctx, dest, names, a);
    if (typeof owned === 'string') return { ...result, failed: true, msg: owned };
    if (owned) result.changed = true;
    return result;
  } finally {
    await ctx.host.run(`rm -rf -- ${q(tmp)}`);
  }
};
