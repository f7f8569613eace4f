// file: a path's state (file, directory, link, hard, touch, absent) and attributes.
import { attrsDiffer, applyAttrs, wantedAttrs } from './file-content.js';
import type { FileAttrs, Module, ModuleResult } from './types.js';
import { shellQuote as q } from '../util/shell.js';

// recurse: whether anything under a directory lacks the wanted owner, group or (numeric) mode; a
// symbolic mode always applies, as on the directory itself
async function differingBelow(ctx: Parameters<Module>[0], path: string, attrs: FileAttrs): Promise<boolean> {
  const tests: string[] = [];
  if (attrs.owner !== undefined) tests.push(`! -user ${q(attrs.owner)}`);
  if (attrs.group !== undefined) tests.push(`! -group ${q(attrs.group)}`);
  if (attrs.mode !== undefined) {
    if (!/^[0-7]{4}$/.test(attrs.mode)) return true;
    tests.push(`! -perm ${attrs.mode}`);
  }
  if (!tests.length) return false;
  const r = await ctx.host.run(`find ${q(path)} -mindepth 1 \\( ${tests.join(' -o ')} \\) -print -quit`);
  if (r.rc !== 0) throw new Error(`cannot read ${path}: ${r.stderr.trim()}`);
  return r.stdout.trim() !== '';
}

// the attributes applied to everything under a directory (symlinks themselves are not followed)
function recursively(path: string, attrs: FileAttrs): string {
  const cmds: string[] = [];
  if (attrs.owner !== undefined) cmds.push(`chown -R ${q(attrs.owner)} -- ${q(path)}`);
  if (attrs.group !== undefined) cmds.push(`chgrp -R ${q(attrs.group)} -- ${q(path)}`);
  if (attrs.mode !== undefined) cmds.push(`chmod -R ${q(attrs.mode)} -- ${q(path)}`);
  return cmds.join(' && ');
}

/**
 * `attributes` (chattr flags) as Ansible's set_attributes_if_different applies them: `-x` always runs
 * chattr; `+x` or `x` (exact) when lsattr's flags are not exactly those letters.
 */
async function setAttributes(ctx: Parameters<Module>[0], path: string, wanted: string, result: ModuleResult): Promise<ModuleResult> {
  const op = wanted.startsWith('-') || wanted.startsWith('+') ? wanted[0] : '=';
  const letters = op === '=' ? wanted : wanted.slice(1);
  const r = await ctx.host.run(`lsattr -vd -- ${q(path)}`);
  const current = r.rc === 0 ? (r.stdout.trim().split(/\s+/)[1] ?? '').replace(/-/g, '') : '';
  if (current === letters && op !== '-') return result;
  if (!ctx.check) {
    const set = await ctx.host.run(`chattr ${q(`${op}${letters}`)} -- ${q(path)}`);
    if (set.rc !== 0) return { ...result, failed: true, msg: 'chattr failed', details: set.stderr.trim() };
  }
  return { ...result, changed: true };
}

/** The file module. */
export const file: Module = async (ctx) => {
  const r = await fileState(ctx);
  const attributes = ctx.args.attributes;
  if (r.failed || attributes === undefined || attributes === null || attributes === '' || r.state === 'absent') return r;
  return setAttributes(ctx, String(ctx.args.path), String(attributes), r);
};

const fileState: Module = async (ctx) => {
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
      const below = a.recurse === true ? await differingBelow(ctx, path, attrs) : false;
      if (!attrsDiffer(st, attrs) && !below) return base;
      if (!ctx.check) await applyAttrs(ctx, path, attrs);
      if (!ctx.check && below) {
        const err = await run(recursively(path, attrs));
        if (err) return err;
      }
      return { ...base, changed: true };
    }
    case 'file': {
      if (!st.exists) return { ...base, failed: true, msg: `file (${path}) is absent, cannot continue` };
      if (!attrsDiffer(st, attrs)) return base;
      if (!ctx.check) await applyAttrs(ctx, path, attrs);
      return { ...base, changed: true };
    }
    case 'touch': {
      // access_time/modification_time: preserve keeps an existing file's times (the idempotent touch),
      // now (touch's default) sets them; a timestamp is not supported (an error before the run)
      const keep = (which: unknown): boolean => which === 'preserve';
      if (st.exists && keep(a.access_time) && keep(a.modification_time)) {
        if (!attrsDiffer(st, attrs)) return base;
        if (!ctx.check) await applyAttrs(ctx, path, attrs);
        return { ...base, changed: true };
      }
      const flags = st.exists && keep(a.access_time) ? ' -m' : st.exists && keep(a.modification_time) ? ' -a' : '';
      const err = await run(`touch${flags} -- ${q(path)}`);
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
      // as Ansible: a regular file is replaced by a link, and a link made to a missing source, only with force
      if (a.force !== true && st.exists && st.type === 'file') return { ...base, failed: true, msg: `refusing to convert from file to ${state === 'link' ? 'symlink' : 'hard link'} for ${path}` };
      if (a.force !== true && state === 'link') {
        const target = src.startsWith('/') ? src : `${path.replace(/\/[^/]*$/, '') || '/'}/${src}`;
        if (!(await ctx.host.stat(target)).exists) return { ...base, failed: true, msg: `src file does not exist, use "force=yes" if you really want to create the link: ${target}` };
      }
      const err = await run(state === 'link' ? `ln -sfn -- ${q(src)} ${q(path)}` : `ln -f -- ${q(src)} ${q(path)}`);
      return err ?? { ...base, changed: true, src };
    }
  }
  return { ...base, failed: true, msg: `unsupported state ${state}` };
};
