// lineinfile: one line present (replacing the last line matching `regexp`/`search_string`, or
// inserted after/before a match, or at the end) or absent, with Ansible's messages.
import { ensureFile, wantedAttrs } from './file-content.js';
import type { Module } from './types.js';

/** The outcome of editing text: the new text (undefined when unchanged) and Ansible's message. */
export interface LineEdit {
  text: string;
  changed: boolean;
  msg: string;
  /** lines removed (state=absent) */
  found?: number;
}

function pyRegex(p: string): RegExp {
  // Python's re syntax is close to JavaScript's for what playbooks use; (?P<n>..) needs translation
  return new RegExp(p.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>'));
}

function splitLines(text: string): { lines: string[]; trailingNewline: boolean } {
  if (text === '') return { lines: [], trailingNewline: true };
  const trailingNewline = text.endsWith('\n');
  const lines = (trailingNewline ? text.slice(0, -1) : text).split('\n');
  return { lines, trailingNewline };
}

function join(lines: string[]): string {
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** Applies lineinfile's rules to a file's text. */
export function editLine(text: string, a: Record<string, unknown>): LineEdit {
  const { lines } = splitLines(text);
  const state = String(a.state ?? 'present');
  const regexp = a.regexp === undefined || a.regexp === null ? undefined : pyRegex(String(a.regexp));
  const search = a.search_string === undefined || a.search_string === null ? undefined : String(a.search_string);
  const matches = (l: string): boolean => (regexp ? regexp.test(l) : search !== undefined ? l.includes(search) : false);
  if (state === 'absent') {
    const kept = lines.filter((l) => !(regexp || search !== undefined ? matches(l) : l === String(a.line)));
    const found = lines.length - kept.length;
    return { text: found ? join(kept) : text, changed: found > 0, msg: found ? `${found} line(s) removed` : '', found };
  }
  const line = String(a.line ?? '');
  const firstmatch = a.firstmatch === true;
  let idx = -1;
  if (regexp || search !== undefined) {
    lines.forEach((l, i) => {
      if (matches(l) && (idx === -1 || !firstmatch)) idx = i;
    });
  }
  if (idx !== -1) {
    let newLine = line;
    if (a.backrefs === true && regexp) {
      const m = regexp.exec(lines[idx] as string);
      newLine = line.replace(/\\(\d+)|\\g<(\w+)>/g, (_s, n: string | undefined, g: string | undefined) => (n !== undefined ? (m?.[Number(n)] ?? '') : (m?.groups?.[g as string] ?? m?.[Number(g)] ?? '')));
    }
    if (lines[idx] === newLine) return { text, changed: false, msg: '' };
    const out = [...lines];
    out[idx] = newLine;
    return { text: join(out), changed: true, msg: 'line replaced' };
  }
  if (a.backrefs === true) return { text, changed: false, msg: '' };
  if (lines.includes(line)) return { text, changed: false, msg: '' };
  // insert: after the last (or first) match of insertafter, before the match of insertbefore, or at EOF
  let at = lines.length;
  const after = a.insertafter === undefined || a.insertafter === null ? undefined : String(a.insertafter);
  const before = a.insertbefore === undefined || a.insertbefore === null ? undefined : String(a.insertbefore);
  if (before !== undefined) {
    if (before === 'BOF') at = 0;
    else {
      const re = pyRegex(before);
      const hits = lines.map((l, i) => (re.test(l) ? i : -1)).filter((i) => i !== -1);
      if (hits.length) at = (firstmatch ? hits[0] : hits[hits.length - 1]) as number;
    }
  } else if (after !== undefined && after !== 'EOF') {
    const re = pyRegex(after);
    const hits = lines.map((l, i) => (re.test(l) ? i : -1)).filter((i) => i !== -1);
    if (hits.length) at = ((firstmatch ? hits[0] : hits[hits.length - 1]) as number) + 1;
  }
  const out = [...lines];
  out.splice(at, 0, line);
  return { text: join(out), changed: true, msg: 'line added' };
}

/** The lineinfile module. */
export const lineinfile: Module = async (ctx) => {
  const a = ctx.args;
  const path = String(a.path);
  if ((a.state ?? 'present') === 'present' && a.line === undefined) return { changed: false, failed: true, msg: 'line is required with state=present' };
  const current = await ctx.host.inspect(path);
  const before = current.content;
  if (before === undefined) {
    if (a.state === 'absent') return { changed: false, msg: 'file not present', found: 0 };
    if (a.create !== true) return { changed: false, failed: true, rc: 257, msg: `Destination ${path} does not exist !` };
  }
  const edit = editLine(before?.toString('utf8') ?? '', a);
  if (!edit.changed && before !== undefined) {
    return ensureFile(ctx, path, before, wantedAttrs(a), { current, diffHeader: `${path} (content)`, msg: edit.msg });
  }
  const r = await ensureFile(ctx, path, Buffer.from(edit.text), wantedAttrs(a), { current, backup: a.backup === true, validateFailure: 'editor', diffHeader: `${path} (content)`, msg: edit.msg });
  return edit.found !== undefined ? { ...r, found: edit.found } : r;
};
