// template: renders a template file from the role's templates/ (or next to the playbook) with the
// host's variables and writes the result only when it differs.
import { readFileSync } from 'node:fs';
import { ensureFile, wantedAttrs } from './file-content.js';
import type { Module } from './types.js';

/** The template module. */
export const template: Module = async (ctx) => {
  const a = ctx.args;
  const src = ctx.findLocal('templates', String(a.src));
  if (!src) return { changed: false, failed: true, msg: `Could not find or access '${String(a.src)}' (looked in the role's templates/ and next to the playbook)` };
  const text = ctx.render(readFileSync(src, 'utf8'), src);
  const r = await ensureFile(ctx, String(a.dest), Buffer.from(text), wantedAttrs(a), { backup: a.backup === true });
  return { ...r, src };
};
