// lineinfile, declared: one line present (replacing the last line matching `regexp`/`search_string`, or
// inserted after/before a match, or at the end) or absent, with Ansible's messages, warnings and result
// keys (`found` for absent, `backup` for the backup file's name).
import { pyRegex as pythonRegex } from '../template/expr/pyregex.js';
import { declareModule, failPlan, makeParentDir, readOneFile, type Step } from './declare.js';
import { attrsMessage, wantedAttrs } from './file-content.js';
import { editedExtras, editorDiff } from './file-diff.js';
import { EDITED_PATH, FILE_ATTR_OPTIONS } from './option-kinds.js';

/** The outcome of editing text: the new text (undefined when unchanged) and Ansible's message. */
export interface LineEdit {
  text: string;
  changed: boolean;
  msg: string;
  /** lines removed (state=absent) */
  found?: number;
}

// a line's search as Python's re.search does it
const pyRegex = (p: string): RegExp => pythonRegex(p, 0, {});

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

// Ansible's warning for an empty regexp or search_string (it matches every line)
function emptyPatternWarnings(o: { regexp?: string | undefined; search_string?: string | undefined }): string[] {
  if (o.regexp !== '' && o.search_string !== '') return [];
  const what = o.regexp === '' ? 'regular expression' : 'search string';
  const tail = o.regexp === '' ? " If this is desired, use '^' to match every line in the file and avoid this warning." : '';
  return [`The ${what} is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending.${tail}`];
}

/** The lineinfile module. */
export const lineinfileModule = declareModule({
  spec: {
    options: {
      path: EDITED_PATH,
      line: { type: 'str', aliases: ['value'] },
      regexp: { type: 'str', aliases: ['regex'] },
      search_string: { type: 'str' },
      state: { type: 'str', choices: ['present', 'absent'] },
      insertafter: { type: 'str' },
      insertbefore: { type: 'str' },
      create: { type: 'bool' },
      backup: { type: 'bool' },
      backrefs: { type: 'bool' },
      firstmatch: { type: 'bool' },
      validate: { type: 'str' },
      ...FILE_ATTR_OPTIONS,
    },
    mutuallyExclusive: [['insertbefore', 'insertafter'], ['regexp', 'search_string'], ['backrefs', 'search_string']],
  },
  refuse(o) {
    if ((o.state ?? 'present') === 'present') {
      if (o.backrefs === true && o.regexp === undefined) return 'regexp is required with backrefs=true';
      if (o.line === undefined) return 'line is required with state=present';
    } else if (o.line === undefined && o.regexp === undefined && o.search_string === undefined) {
      return 'one of line, search_string, or regexp is required with state=absent';
    }
    return undefined;
  },
  async facts(o, host, _local, mode) {
    const one = await readOneFile(host, o.path ?? '', o.mode);
    return { ...one, ...(await editedExtras(host, one.file, wantedAttrs(o), o.create === true, mode)) };
  },
  plan(o, { file, umask, ...extras }, mode) {
    const path = o.path ?? '';
    const warnings = emptyPatternWarnings(o);
    const absent = o.state === 'absent';
    if (file.type === 'directory') return { ...failPlan(`Path ${path} is a directory !`, { rc: 256 }), warnings };
    if (!file.exists && absent) return { steps: [], result: { changed: false, msg: 'file not present' }, warnings };
    if (!file.exists && o.create !== true) return { ...failPlan(`Destination ${path} does not exist !`, { rc: 257 }), warnings };
    const edit = editLine(file.content ?? '', o);
    const attrs = wantedAttrs(o);
    const text = edit.changed ? edit.text : (file.content ?? '');
    // the attributes of the file, or of the one made now; the diff Ansible's lineinfile gives (content, attributes)
    const { attrsChanged, diff } = editorDiff(path, file, extras, attrs, umask, { before: file.content ?? '', after: text }, mode.check);
    const result = { changed: edit.changed || attrsChanged, msg: attrsMessage(edit.msg, edit.changed, attrsChanged), ...(absent ? { found: edit.found ?? 0 } : {}), backup: '', diff };
    const steps: Step[] = [];
    if (!file.exists) steps.push(makeParentDir(path));
    if (result.changed) steps.push({ kind: 'write', path, content: text, attrs, backup: o.backup === true, backupAs: 'backup', validate: o.validate, noDiff: true });
    return { steps, result, warnings };
  },
});
