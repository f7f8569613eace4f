// blockinfile: a block of lines between "# BEGIN ANSIBLE MANAGED BLOCK" / "# END ..." markers
// (Ansible's default markers, so blocks Ansible wrote are recognised and not duplicated).
import { declareModule, failPlan, makeParentDir, readOneFile, type Step } from './declare.js';
import { attrsMessage, wantedAttrs } from './file-content.js';
import { editedExtras, editorDiff } from './file-diff.js';
import { EDITED_PATH, FILE_ATTR_OPTIONS, onlyValues } from './option-kinds.js';

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
export const blockinfileModule = declareModule({
  spec: {
    options: {
      path: EDITED_PATH,
      block: { type: 'str', aliases: ['content'] },
      marker: { type: 'str' },
      marker_begin: { type: 'str' },
      marker_end: { type: 'str' },
      state: { type: 'str', choices: ['present', 'absent'] },
      insertafter: { type: 'str' },
      insertbefore: { type: 'str' },
      create: { type: 'bool' },
      backup: { type: 'bool' },
      validate: { type: 'str' },
      append_newline: onlyValues('bool', false),
      prepend_newline: onlyValues('bool', false),
      ...FILE_ATTR_OPTIONS,
    },
    mutuallyExclusive: [['insertbefore', 'insertafter']],
  },
  async facts(o, host, _local, mode) {
    const one = await readOneFile(host, o.path ?? '', o.mode);
    return { ...one, ...(await editedExtras(host, one.file, wantedAttrs(o), o.create === true, mode)) };
  },
  plan(o, { file, umask, ...extras }, mode) {
    const path = o.path ?? '';
    if (file.type === 'directory') return failPlan(`Path ${path} is a directory !`, { rc: 256 });
    const missing = !file.exists;
    if (missing && o.create !== true) return failPlan(`Path ${path} does not exist !`, { rc: 257 });
    if (missing && o.state === 'absent') return { steps: [], result: { changed: false, msg: `File ${path} not present` } };
    const edit = editBlock(file.content ?? '', o);
    const attrs = wantedAttrs(o);
    // the attributes of the file, or of the one made now; the diff Ansible's blockinfile gives (content, attributes)
    const { attrsChanged, diff } = editorDiff(path, file, extras, attrs, umask, { before: file.content ?? '', after: edit.text }, mode.check);
    const changed = edit.changed || missing;
    const msg = attrsMessage(missing ? 'File created' : edit.msg, changed, attrsChanged);
    const steps: Step[] = [];
    if (missing) steps.push(makeParentDir(path));
    if (changed || attrsChanged) steps.push({ kind: 'write', path, content: edit.text, attrs, backup: o.backup === true, validate: o.validate, noDiff: true });
    return { steps, result: { changed: changed || attrsChanged, msg, diff } };
  },
});
