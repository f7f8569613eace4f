// stat: facts about a path (exists, type, mode, owner, size, checksum), never a change.
import { shellQuote as q } from '../util/shell.js';
import type { Module } from './types.js';

const SUMS: Record<string, string> = { md5: 'md5sum', sha1: 'sha1sum', sha224: 'sha224sum', sha256: 'sha256sum', sha384: 'sha384sum', sha512: 'sha512sum' };

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
    const r = await ctx.host.run(`${SUMS[algo] ?? 'sha1sum'} -- ${q(path)}`);
    if (r.rc === 0) out.checksum = r.stdout.split(/\s+/)[0];
  }
  return { changed: false, stat: out };
};
