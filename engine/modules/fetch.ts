// fetch: copies a file from the host to the controller: DEST/HOST/SRC, or DEST itself with flat.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
  const changed = before !== checksum;
  if (changed && !ctx.check) {
    // atomic on the controller too: temp file, then rename
    mkdirSync(dirname(dest), { recursive: true });
    const tmp = `${dest}.kplay-${process.pid}`;
    writeFileSync(tmp, content);
    renameSync(tmp, dest);
  }
  return { changed, dest, file: src, checksum, remote_checksum: checksum };
};
