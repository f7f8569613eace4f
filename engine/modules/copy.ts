// copy: a file from the controller (files/ of the role, or next to the playbook), from the host
// itself (remote_src) or from `content`, written only when bytes or attributes differ.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ensureFile, wantedAttrs } from './file-content.js';
import type { Module } from './types.js';

/** The copy module. */
export const copy: Module = async (ctx) => {
  const a = ctx.args;
  let content: Buffer;
  let src: string | undefined;
  if (a.content !== undefined) {
    content = Buffer.from(typeof a.content === 'string' ? a.content : JSON.stringify(a.content));
  } else if (a.remote_src === true) {
    src = String(a.src);
    const remote = await ctx.host.read(src);
    if (remote === undefined) return { changed: false, failed: true, msg: `Source ${src} not found` };
    content = remote;
  } else {
    src = ctx.findLocal('files', String(a.src));
    if (!src) return { changed: false, failed: true, msg: `Could not find or access '${String(a.src)}' (looked in the role's files/ and next to the playbook)` };
    try {
      content = readFileSync(src);
    } catch (e) {
      return { changed: false, failed: true, msg: `Could not read '${src}': ${(e as Error).message}` };
    }
  }
  let dest = String(a.dest);
  // one round trip reads the destination's state and bytes; a directory means "copy into it"
  let current = await ctx.host.inspect(dest);
  if (dest.endsWith('/') || (current.stat.exists && current.stat.type === 'directory')) {
    if (!src) return { changed: false, failed: true, msg: 'dest must be a file path when content is used' };
    dest = dest.replace(/\/+$/, '') + '/' + basename(src);
    current = await ctx.host.inspect(dest);
  }
  // force: false only creates missing files, as in Ansible
  if (a.force === false && current.stat.exists) return { changed: false, dest, ...(src ? { src } : {}) };
  const r = await ensureFile(ctx, dest, content, wantedAttrs(a), { backup: a.backup === true, current });
  return { ...r, ...(src ? { src } : {}), size: content.length };
};
