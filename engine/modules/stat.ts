// stat: facts about a path (exists, type, mode, owner, size, checksum), never a change.
import { checksums } from './file-content.js';
import type { Module } from './types.js';

/** The stat module. */
export const stat: Module = async (ctx) => {
  const path = String(ctx.args.path);
  const st = await ctx.host.stat(path, ctx.args.follow === true);
  if (!st.exists) return { changed: false, stat: { exists: false } };
  const out: Record<string, unknown> = {
    exists: true,
    path,
    mode: st.mode,
    isdir: st.type === 'directory',
    isreg: st.type === 'file',
    islnk: st.type === 'link',
    pw_name: st.owner,
    gr_name: st.group,
    size: st.size,
    mtime: st.mtime,
  };
  if (st.linkTarget) out.lnk_target = st.linkTarget;
  if (st.type === 'file' && ctx.args.get_checksum !== false) {
    const algo = String(ctx.args.checksum_algorithm ?? 'sha1');
    const sum = (await checksums(ctx.host, algo, [path])).get(path);
    if (sum) out.checksum = sum;
  }
  return { changed: false, stat: out };
};
