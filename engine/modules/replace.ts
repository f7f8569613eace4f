// replace: replaces every match of a regular expression (optionally only after/before a match).
import { pyRegex, pyReplacement } from '../template/expr/pyregex.js';
import { ensureFile, wantedAttrs } from './file-content.js';
import type { Module } from './types.js';

/** Replaces all matches of `regexp` in text (Python \1 backreferences), between after/before. */
export function replaceText(text: string, a: Record<string, unknown>): { text: string; count: number } {
  // Python's re with MULTILINE, as Ansible's replace module compiles it
  const re = pyRegex(a.regexp, 0, { multiline: true }, 'g');
  const repl = pyReplacement(String(a.replace ?? ''));
  let start = 0;
  let end = text.length;
  if (a.after !== undefined && a.after !== null) {
    const m = pyRegex(a.after, 0, { multiline: true }).exec(text);
    if (m) start = m.index + m[0].length;
  }
  if (a.before !== undefined && a.before !== null) {
    const m = pyRegex(a.before, 0, { multiline: true }).exec(text.slice(start));
    if (m) end = start + m.index;
  }
  const section = text.slice(start, end);
  const count = (section.match(re) ?? []).length;
  return { text: text.slice(0, start) + section.replace(re, repl) + text.slice(end), count };
}

/** The replace module. */
export const replace: Module = async (ctx) => {
  const a = ctx.args;
  const path = String(a.path);
  const current = await ctx.host.inspect(path);
  const before = current.content;
  if (before === undefined) return { changed: false, failed: true, rc: 257, msg: `Path ${path} does not exist !` };
  const { text, count } = replaceText(before.toString('utf8'), a);
  return ensureFile(ctx, path, Buffer.from(text), wantedAttrs(a), { current, backup: a.backup === true, validateFailure: 'editor', diffHeader: `${path} (content)`, msg: count ? `${count} replacements made` : '' });
};
