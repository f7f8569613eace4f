// fetch's copy (the executor's part of fetch): the host's file brought to the controller a chunk at a
// time into a temporary file beside the copy, hashed as it is written, then renamed into place and checked
// against the host's sha1 (validate_checksum); or, when the copy is already right, only its mode set.
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, createReadStream, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { shellQuote as q } from '../util/shell.js';
import type { FetchStep } from './declare.js';
import type { ModuleContext, ModuleResult } from './types.js';

/** How much of the host's file one read brings over: the most a fetch holds in memory, however big the file (an etcd snapshot, an image archive). */
export const FETCH_CHUNK = 4 * 1024 * 1024;

/** A file's sha1 and md5. */
export interface Sums {
  sha1: string;
  md5: string;
}

/** A controller file's sums, read as a stream: undefined when it is missing or not a regular file. */
export async function localSums(path: string): Promise<Sums | undefined> {
  if (!existsSync(path) || !statSync(path).isFile()) return undefined;
  const [sha1, md5] = [createHash('sha1'), createHash('md5')];
  for await (const chunk of createReadStream(path)) {
    sha1.update(chunk as Buffer);
    md5.update(chunk as Buffer);
  }
  return { sha1: sha1.digest('hex'), md5: md5.digest('hex') };
}

// copies the host's file to `tmp` on the controller a chunk at a time (dd in the task's become), hashing
// what it writes: the sums of the copy, or why it could not be read
async function copyToController(ctx: Pick<ModuleContext, 'host'>, src: string, tmp: string, mode: number | undefined): Promise<Sums | { error: string }> {
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

/** Carries out a fetch step: what it adds to the result (the copy's sums), or the module's failure. */
export async function fetchCopy(ctx: Pick<ModuleContext, 'host'>, step: FetchStep): Promise<{ adds: Record<string, unknown> } | { failure: ModuleResult }> {
  if (!step.transfer) {
    if (step.mode !== undefined) chmodSync(step.dest, step.mode);
    return { adds: {} };
  }
  // atomic on the controller: a temporary file next to the copy (streamed, never whole in memory), then a rename
  mkdirSync(dirname(step.dest), { recursive: true });
  const tmp = `${step.dest}.kplay-${process.pid}`;
  let copied: Sums | { error: string };
  try {
    copied = await copyToController(ctx, step.src, tmp, step.mode);
  } catch (e) {
    // a host that went away mid-copy is the runner's to report; the partial copy goes
    rmSync(tmp, { force: true });
    throw e;
  }
  if ('error' in copied) {
    rmSync(tmp, { force: true });
    return { failure: { changed: false, failed: true, msg: `Failed to fetch the file: ${copied.error}` } };
  }
  if (step.mode !== undefined) chmodSync(tmp, step.mode);
  renameSync(tmp, step.dest);
  const { sha1: checksum, md5: md5sum } = copied;
  if (step.validate && checksum !== step.remoteSha1) return { failure: { changed: false, failed: true, md5sum, msg: 'checksum mismatch', file: step.src, dest: step.dest, remote_md5sum: null, checksum, remote_checksum: step.remoteSha1 } };
  return { adds: { md5sum, checksum } };
}
