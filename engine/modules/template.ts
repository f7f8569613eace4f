// template: renders a template file from the role's templates/ (or next to the playbook) with the
// host's variables and writes the result only when it differs.
import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { ensureFile, wantedAttrs } from './file-content.js';
import type { Module } from './types.js';

// The variables Ansible's template module adds (generate_ansible_template_vars).
function templateVars(written: string, src: string, dest: string): Record<string, unknown> {
  let uid: string;
  try {
    const id = statSync(src).uid;
    uid = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[2] === String(id))?.split(':')[0] ?? String(id);
  } catch {
    uid = 'unknown';
  }
  const now = new Date();
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return {
    template_host: hostname(),
    template_path: written,
    template_fullpath: src,
    template_destpath: dest,
    template_uid: uid,
    template_run_date: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds() * 1000, 6)}`,
    ansible_managed: 'Ansible managed',
  };
}

/** The template module. */
export const template: Module = async (ctx) => {
  const a = ctx.args;
  const src = ctx.findLocal('templates', String(a.src));
  if (!src) return { changed: false, failed: true, msg: `Could not find or access '${String(a.src)}' (looked in the role's templates/ and next to the playbook)` };
  // force: false writes only a file that is not there yet
  if (a.force === false && (await ctx.host.stat(String(a.dest), true)).exists) return { changed: false, dest: String(a.dest), src };
  let text = ctx.render(readFileSync(src, 'utf8'), src, templateVars(String(a.src), src, String(a.dest)));
  // newline_sequence: the line ends the written file gets (\n by default)
  if (a.newline_sequence !== undefined && a.newline_sequence !== '\n') text = text.replace(/\r\n|\r|\n/g, String(a.newline_sequence));
  const r = await ensureFile(ctx, String(a.dest), Buffer.from(text), wantedAttrs(a), { backup: a.backup === true });
  return { ...r, src };
};
