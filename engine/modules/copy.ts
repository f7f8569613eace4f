// copy: a file from the controller (files/ of the role, or next to the playbook), from the host
// itself (remote_src) or from `content`, written only when bytes or attributes differ.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { shellQuote as q } from '../util/shell.js';
import { ensureFile, wantedAttrs } from './file-content.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

/** The files under a local directory, as paths relative to it (sorted, so the run is repeatable). */
function filesUnder(dir: string, rel = ''): { files: string[]; dirs: string[] } {
  const files: string[] = [];
  const dirs: string[] = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      dirs.push(r);
      const below = filesUnder(dir, r);
      files.push(...below.files);
      dirs.push(...below.dirs);
    } else files.push(r);
  }
  return { files, dirs };
}

/**
 * A local directory copied to the host as Ansible's copy does: `src/` copies its contents into dest,
 * `src` copies the directory itself into dest; directories made are given directory_mode (the
 * owner and group too), files the module's attributes; changed when any file or directory was made
 * or changed.
 */
async function copyDirectory(ctx: ModuleContext, local: string, a: Record<string, unknown>): Promise<ModuleResult> {
  const written = String(a.src);
  const root = String(a.dest).replace(/\/+$/, '') + (written.endsWith('/') ? '' : `/${basename(local)}`);
  const { files, dirs } = filesUnder(local);
  const dirAttrs = { ...wantedAttrs(a), mode: a.directory_mode === undefined || a.directory_mode === null ? undefined : wantedAttrs({ mode: a.directory_mode }).mode };
  let changed = false;
  for (const d of ['', ...dirs]) {
    const path = d ? `${root}/${d}` : root;
    const st = await ctx.host.stat(path);
    if (st.exists && st.type !== 'directory') return { changed, failed: true, msg: `${path} exists and is not a directory` };
    if (st.exists) continue;
    changed = true;
    if (ctx.check) continue;
    const r = await ctx.host.run(`mkdir -p -- ${q(path)}${dirAttrs.mode ? ` && chmod ${q(dirAttrs.mode)} -- ${q(path)}` : ''}${dirAttrs.owner ? ` && chown ${q(dirAttrs.owner)} -- ${q(path)}` : ''}${dirAttrs.group ? ` && chgrp ${q(dirAttrs.group)} -- ${q(path)}` : ''}`);
    if (r.rc !== 0) return { changed, failed: true, msg: r.stderr.trim() };
  }
  for (const f of files) {
    const path = `${root}/${f}`;
    const current = await ctx.host.inspect(path);
    if (a.force === false && current.stat.exists) continue;
    const r = await ensureFile(ctx, path, readFileSync(join(local, f)), wantedAttrs(a), { backup: a.backup === true, current });
    if (r.failed) return r;
    changed ||= r.changed;
  }
  return { changed, dest: String(a.dest), src: local };
}

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
    if (statSync(src).isDirectory()) return copyDirectory(ctx, src, a);
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
