// fetch: copies a file from the host to the controller: DEST/HOST/SRC, or DEST itself with flat.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { normalizeMode } from './file-content.js';
import { basename, dirname, join } from 'node:path';
import type { Module } from './types.js';

const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('hex');

/** The fetch module. */
export const fetch: Module = async (ctx) => {
  const src = String(ctx.args.src);
  const content = await ctx.host.read(src);
  if (content === undefined) {
    if (ctx.args.fail_on_missing === false) return { changed: false, msg: 'the remote file does not exist, not transferring, ignored', file: src };
    return { changed: false, failed: true, msg: 'the remote file does not exist, not transferring', file: src };
  }
  let dest = String(ctx.args.dest);
  if (ctx.args.flat === true) {
    if (dest.endsWith('/')) dest = join(dest, basename(src));
  } else {
    dest = join(dest, String(ctx.variable('inventory_hostname').value), src);
  }
  const checksum = sha1(content);
  const before = existsSync(dest) ? sha1(readFileSync(dest)) : undefined;
  // mode: the fetched copy's permissions on the controller (Ansible's fetch takes the option and
  // ignores it; kplay honours it, so a fetched secret written with mode 0600 stays private)
  const mode = ctx.args.mode === undefined || ctx.args.mode === null ? undefined : normalizeMode(ctx.args.mode);
  if (mode !== undefined && !/^[0-7]{4}$/.test(mode)) return { changed: false, failed: true, msg: `fetch: mode must be octal digits (such as 0600) for the copy on the controller, not '${mode}'` };
  const modeDiffers = mode !== undefined && before !== undefined && (statSync(dest).mode & 0o7777) !== parseInt(mode, 8);
  const changed = before !== checksum || modeDiffers;
  if (before !== checksum && !ctx.check) {
    // atomic on the controller too: temp file, then rename
    mkdirSync(dirname(dest), { recursive: true });
    const tmp = `${dest}.kplay-${process.pid}`;
    writeFileSync(tmp, content, mode ? { mode: parseInt(mode, 8) } : {});
    if (mode) chmodSync(tmp, parseInt(mode, 8));
    renameSync(tmp, dest);
  } else if (modeDiffers && !ctx.check) chmodSync(dest, parseInt(mode as string, 8));
  return { changed, dest, file: src, checksum, remote_checksum: checksum };
};
