// fetch: copies a file from the host to the controller, as Ansible's fetch action does: DEST/HOST/SRC, or
// DEST itself with flat (DEST/ takes SRC's name); a relative DEST is under the playbook's directory; the copy
// is made only when its sha1 differs from the host's file, and checked against it after (validate_checksum).
// Not in check mode (skipped, as Ansible's). kplay writes the copy atomically and honours `mode` for it.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import { checksums, normalizeMode } from './file-content.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const hash = (algo: 'sha1' | 'md5', b: Buffer): string => createHash(algo).update(b).digest('hex');

// a regular file's bytes on the controller, or undefined (missing, a directory)
const localBytes = (path: string): Buffer | undefined => (existsSync(path) && statSync(path).isFile() ? readFileSync(path) : undefined);

// the loader's path_dwim: ~ expanded, a relative path under the playbook's directory
function dwim(ctx: ModuleContext, path: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  if (isAbsolute(path)) return path;
  const dir = ctx.variable('playbook_dir').value;
  return join(typeof dir === 'string' && dir ? dir : process.cwd(), path);
}

// where the copy goes on the controller, or the action's failure
function destination(ctx: ModuleContext, src: string, dest: string): string | ModuleResult {
  if (ctx.args.flat !== true) return normalize(`${dwim(ctx, dest)}/${String(ctx.variable('inventory_hostname').value)}/${src}`);
  if (!dest.endsWith('/') && existsSync(dest) && statSync(dest).isDirectory()) return { changed: false, failed: true, msg: 'dest is an existing directory, use a trailing slash if you want to fetch src into that directory' };
  return normalize(dwim(ctx, dest.endsWith('/') ? join(dest, basename(src)) : dest));
}

// the copy's mode on the controller (Ansible's fetch accepts and ignores `mode`; kplay honours it, so a
// fetched secret written with 0600 stays private), or what is wrong with it
function wantedMode(v: unknown): number | undefined | string {
  const mode = normalizeMode(v);
  if (mode === undefined) return undefined;
  return /^[0-7]{4}$/.test(mode) ? parseInt(mode, 8) : `fetch: mode must be octal digits (such as 0600) for the copy on the controller, not '${mode}'`;
}

/** The fetch module. */
export const fetch: Module = async (ctx) => {
  if (ctx.check) return { changed: false, skipped: true, msg: 'check mode not (yet) supported for this module' };
  const src = String(ctx.args.src);
  const failOnMissing = ctx.args.fail_on_missing !== false;
  const mode = wantedMode(ctx.args.mode);
  if (typeof mode === 'string') return { changed: false, failed: true, msg: mode };
  const st = await ctx.host.stat(src, true);
  if (st.exists && st.type === 'directory') {
    const msg = 'remote file is a directory, fetch cannot work on directories';
    return failOnMissing ? { changed: false, failed: true, msg } : { changed: false, msg: `${msg}, not transferring, ignored` };
  }
  const remote = st.exists ? (await checksums(ctx.host, 'sha1', [src])).get(src) : undefined;
  if (remote === undefined) {
    // Ansible's message says "ignored" whether or not the task fails
    const msg = st.exists ? `file is not readable: ${src}` : 'the remote file does not exist, not transferring, ignored';
    return failOnMissing ? { changed: false, failed: true, msg } : { changed: false, file: src, msg };
  }
  const dest = destination(ctx, src, String(ctx.args.dest));
  if (typeof dest !== 'string') return dest;
  const before = localBytes(dest);
  const modeDiffers = mode !== undefined && before !== undefined && (statSync(dest).mode & 0o7777) !== mode;
  if (before !== undefined && hash('sha1', before) === remote) {
    if (modeDiffers) chmodSync(dest, mode);
    return { changed: modeDiffers, md5sum: hash('md5', before), file: src, dest, checksum: remote };
  }
  const content = await ctx.host.read(src);
  if (content === undefined) return { changed: false, failed: true, msg: `Failed to fetch the file: ${src} could not be read` };
  // atomic on the controller: a temporary file next to the copy, then a rename
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.kplay-${process.pid}`;
  writeFileSync(tmp, content, mode === undefined ? {} : { mode });
  if (mode !== undefined) chmodSync(tmp, mode);
  renameSync(tmp, dest);
  const written = readFileSync(dest);
  const [checksum, md5sum] = [hash('sha1', written), hash('md5', written)];
  if (ctx.args.validate_checksum !== false && checksum !== remote) return { changed: false, failed: true, md5sum, msg: 'checksum mismatch', file: src, dest, remote_md5sum: null, checksum, remote_checksum: remote };
  return { changed: true, md5sum, dest, remote_md5sum: null, checksum, remote_checksum: remote };
};
