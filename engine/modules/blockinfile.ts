// blockinfile: a block of lines between "# BEGIN ANSIBLE MANAGED BLOCK" / "# END ..." markers
// (Ansible's default markers, so blocks Ansible wrote are recognised and not duplicated).
import { ensureFile, wantedAttrs } from './file-content.js';
import type { Module } from './types.js';

/** The outcome of a block edit. */
export interface BlockEdit {
  text: string;
  changed: boolean;
  msg: string;
}

/** Applies blockinfile's rules to a file's text. */
export function editBlock(text: string, a: Record<string, unknown>): BlockEdit {
  const marker = String(a.marker ?? '# {mark} ANSIBLE MANAGED BLOCK');
  const begin = marker.replace('{mark}', String(a.marker_begin ?? 'BEGIN'));
  const end = marker.replace('{mark}', String(a.marker_end ?? 'END'));
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const state = String(a.state ?? 'present');
  const block = a.block === undefined || a.block === null ? '' : String(a.block);
  const blockLines = block === '' ? [] : block.replace(/\n$/, '').split('\n');
  const wanted = state === 'present' && blockLines.length ? [begin, ...blockLines, end] : [];
  const b = lines.indexOf(begin);
  const e = b === -1 ? -1 : lines.indexOf(end, b + 1);
  let out: string[];
  if (b !== -1 && e !== -1) {
    out = [...lines.slice(0, b), ...wanted, ...lines.slice(e + 1)];
  } else {
    if (!wanted.length) return { text, changed: false, msg: '' };
    let at = lines.length;
    const after = a.insertafter === undefined || a.insertafter === null ? 'EOF' : String(a.insertafter);
    const before = a.insertbefore === undefined || a.insertbefore === null ? undefined : String(a.insertbefore);
    if (before !== undefined) {
      if (before === 'BOF') at = 0;
      else {
        const re = new RegExp(before);
        const hit = lines.map((l, i) => (re.test(l) ? i : -1)).filter((i) => i !== -1).pop();
        if (hit !== undefined) at = hit;
      }
    } else if (after !== 'EOF') {
      const re = new RegExp(after);
      const hit = lines.map((l, i) => (re.test(l) ? i : -1)).filter((i) => i !== -1).pop();
      if (hit !== undefined) at = hit + 1;
    }
    out = [...lines];
    out.splice(at, 0, ...wanted);
  }
  const newText = out.length ? out.join('\n') + '\n' : '';
  if (newText === text) return { text, changed: false, msg: '' };
  return { text: newText, changed: true, msg: wanted.length ? 'Block inserted' : 'Block removed' };
}

/** The blockinfile module. */
export const blockinfile: Module = async (ctx) => {
  const a = ctx.args;
  const path = String(a.path);
  const current = await ctx.host.inspect(path);
  const before = current.content;
  if (before === undefined && a.state !== 'absent' && a.create !== true) {
    return { changed: false, failed: true, rc: 257, msg: `Path ${path} does not exist !` };
  }
  if (before === undefined && a.state === 'absent') return { changed: false, msg: '' };
  const edit = editBlock(before?.toString('utf8') ?? '', a);
  return ensureFile(ctx, path, Buffer.from(edit.text), wantedAttrs(a), { current, backup: a.backup === true, diffHeader: `${path} (content)`, msg: edit.msg });
};
