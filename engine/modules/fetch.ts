// fetch: copies a file from the host to the controller, as Ansible's fetch action does: DEST/HOST/SRC, or
// DEST itself with flat (DEST/ takes SRC's name); a relative DEST is under the playbook's directory; the copy
// is made only when its sha1 differs from the host's file, and checked against it after (validate_checksum).
// Not in check mode (skipped, as Ansible's). kplay writes the copy atomically and honours `mode` for it;
// the file comes over FETCH_CHUNK bytes at a time, so a big one (an etcd snapshot) is never whole in memory.
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, createReadStream, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import { shellQuote as q } from '../util/shell.js';
import { checksums, normalizeMode } from './file-content.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

/** How much of the host's file one read brings over: the most a fetch holds in memory, however big the file (an etcd snapshot, an image archive). */
export const FETCH_CHUNK = 4 * 1024 * 1024;

/** A file's sha1 and md5. */
export interface Sums {
  sha1: string;
  md5: string;
}

// a regular file's sums on the controller, read as a stream; undefined when it is missing or not a file
async function localSums(path: string): Promise<Sums | undefined> {
  if (!existsSync(path) || !statSync(path).isFile()) return undefined;
  const [sha1, md5] = [createHash('sha1'), createHash('md5')];
  for await (const chunk of createReadStream(path)) {
    sha1.update(chunk as Buffer);
    md5.update(chunk as Buffer);
  }
  return { sha1: sha1.digest('hex'), md5: md5.digest('hex') };
}

/**
 * Copies the host's file to `tmp` on the controller a chunk at a time (dd in the task's become), hashing
 * what it writes: the sums of the copy, or why it could not be read.
 */
export async function copyToController(ctx: Pick<ModuleContext, 'host'>, src: string, tmp: string, mode: number | undefined): Promise<Sums | { error: string }> {
  const fd = openSync(tmp, 'w', mode ?? 0o666);
  const [sha1, md5] = [createHash('sha1'), createHash('md5')];
  try {
    for (let block = 0; ; block++) {
      const r = await ctx.host.run(`dd if=${q(src)} bs=${FETCH_CHUNK} skip=${block} count=1 2>/dev/null`);
      if (r.rc !== 0) return { error: `${src} could not be read` };
      const bytes = r.stdoutBytes;
      writeSync(fd, bytes);
      sha1.update(bytes);
      md5.update(bytes);
      if (bytes.length < FETCH_CHUNK) break;
    }
  } finally {
    closeSync(fd);
  }
  return { sha1: sha1.digest('hex'), md5: md5.digest('hex') };
}

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
  const before = await localSums(dest);
  const modeDiffers = mode !== undefined && before !== undefined && (statSync(dest).mode & 0o7777) !== mode;
  if (before !== undefined && before.sha1 === remote) {
    if (modeDiffers) chmodSync(dest, mode);
    return { changed: modeDiffers, md5sum: before.md5, file: src, dest, checksum: remote };
  }
  // atomic on the controller: a temporary file next to the copy (streamed, never whole in memory), then a rename
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.kplay-${process.pid}`;
  let copied: Sums | { error: string };
  try {
    copied = await copyToController(ctx, src, tmp, mode);
  } catch (e) {
    // a host that went away mid-copy is the runner's to report; the partial copy goes
    rmSync(tmp, { force: true });
    throw e;
  }
  if ('error' in copied) {
    rmSync(tmp, { force: true });
    return { changed: false, failed: true, msg: `Failed to fetch the file: ${copied.error}` };
  }
  if (mode !== undefined) chmodSync(tmp, mode);
  renameSync(tmp, dest);
  const [checksum, md5sum] = [copied.sha1, copied.md5];
  if (ctx.args.validate_checksum !== false && checksum !== remote) return { changed: false, failed: true, md5sum, msg: 'checksum mismatch', file: src, dest, remote_md5sum: null, checksum, remote_checksum: remote };
  return { changed: true, md5sum, dest, remote_md5sum: null, checksum, remote_checksum: remote };
};
