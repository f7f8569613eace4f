// file: a path's state (file, directory, link, hard, touch, absent) and attributes.
import { attrsDiffer, applyAttrs, wantedAttrs } from './file-content.js';
import type { Module, ModuleResult } from './types.js';
import { shellQuote as q } from '../util/shell.js';

/** The file module. */
export const file: Module = async (ctx) => {
  const a = ctx.args;
  const path = String(a.path);
  const attrs = wantedAttrs(a);
  const st = await ctx.host.stat(path);
  const state = String(a.state ?? (st.exists ? (st.type === 'directory' ? 'directory' : st.type === 'link' ? 'link' : 'file') : 'file'));
  const base: ModuleResult = { changed: false, path, state };
  const run = async (cmd: string): Promise<ModuleResult | undefined> => {
    if (ctx.check) return undefined;
    const r = await ctx.host.run(cmd);
    return r.rc === 0 ? undefined : { ...base, failed: true, msg: r.stderr.trim() || `command failed: ${cmd}` };
  };
  switch (state) {
    case 'absent': {
      if (!st.exists) return { ...base, state: 'absent' };
      return (await run(`rm -rf -- ${q(path)}`)) ?? { ...base, changed: true, state: 'absent' };
    }
    case 'directory': {
      if (st.exists && st.type !== 'directory') return { ...base, failed: true, msg: `${path} already exists as a ${st.type}` };
      if (!st.exists) {
        const err = await run(`mkdir -p -- ${q(path)}`);
        if (err) return err;
        if (!ctx.check) await applyAttrs(ctx, path, attrs);
        return { ...base, changed: true };
      }
      if (!attrsDiffer(st, attrs)) return base;
      if (!ctx.check) await applyAttrs(ctx, path, attrs);
      return { ...base, changed: true };
    }
    case 'file': {
      if (!st.exists) return { ...base, failed: true, msg: `file (${path}) is absent, cannot continue` };
      if (!attrsDiffer(st, attrs)) return base;
      if (!ctx.check) await applyAttrs(ctx, path, attrs);
      return { ...base, changed: true };
    }
    case 'touch': {
      const err = await run(`touch -- ${q(path)}`);
      if (err) return err;
      if (!ctx.check) await applyAttrs(ctx, path, attrs);
      return { ...base, changed: true };
    }
    case 'link':
    case 'hard': {
      if (a.src === undefined) return { ...base, failed: true, msg: `src is required for state=${state}` };
      const src = String(a.src);
      if (state === 'link' && st.exists && st.type === 'link' && st.linkTarget === src) return base;
      if (st.exists && st.type === 'directory') return { ...base, failed: true, msg: `refusing to replace directory ${path} with a link` };
      const err = await run(state === 'link' ? `ln -sfn -- ${q(src)} ${q(path)}` : `ln -f -- ${q(src)} ${q(path)}`);
      return err ?? { ...base, changed: true, src };
    }
  }
  return { ...base, failed: true, msg: `unsupported state ${state}` };
};
