// replace, declared: every match of a regular expression (Python's, multiline) replaced, in the whole
// file or only in the section Ansible's module cuts out with `after`/`before` (one expression
// `AFTER(?P<subsection>.*?)BEFORE`, dot matching newlines); a section that is not found changes nothing.
import { pyRegex, pyReplacement } from '../template/expr/pyregex.js';
import { attrsChange, declareModule, failPlan, readOneFile } from './declare.js';
import { attrsMessage, wantedAttrs } from './file-content.js';
import { EDITED_PATH, FILE_ATTR_OPTIONS, onlyValues } from './option-kinds.js';

// the expression Ansible's module cuts the section out with ('' when neither after nor before is given)
function sectionPattern(a: Record<string, unknown>): string {
  const after = a.after ? String(a.after) : '';
  const before = a.before ? String(a.before) : '';
  return after && before ? `${after}(?P<subsection>.*?)${before}` : after ? `${after}(?P<subsection>.*)` : before ? `(?P<subsection>.*)${before}` : '';
}

/** Replaces all matches of `regexp` in text (Python \1 backreferences), in the after/before section; `missing`: its expression, when that is not there. */
export function replaceText(text: string, a: Record<string, unknown>): { text: string; count: number; missing?: string } {
  const pattern = sectionPattern(a);
  let [start, end] = [0, text.length];
  if (pattern) {
    const at = pyRegex(pattern, 0, {}, 'sd').exec(text)?.indices?.groups?.subsection;
    if (!at) return { text, count: 0, missing: pattern };
    [start, end] = at;
  }
  const section = text.slice(start, end);
  const re = pyRegex(a.regexp, 0, { multiline: true }, 'g');
  const count = (section.match(re) ?? []).length;
  return { text: text.slice(0, start) + section.replace(re, pyReplacement(String(a.replace ?? ''))) + text.slice(end), count };
}

/** The replace module. */
export const replaceModule = declareModule({
  spec: {
    options: {
      path: EDITED_PATH,
      regexp: { type: 'str', required: true },
      replace: { type: 'str' },
      after: { type: 'str' },
      before: { type: 'str' },
      backup: { type: 'bool' },
      validate: { type: 'str' },
      encoding: onlyValues('str', 'utf-8', 'utf8'),
      ...FILE_ATTR_OPTIONS,
    },
  },
  facts: (o, host) => readOneFile(host, o.path ?? '', o.mode),
  plan(o, { file, umask }) {
    const path = o.path ?? '';
    if (file.type === 'directory') return failPlan(`Path ${path} is a directory !`, { rc: 256 });
    if (!file.exists || file.content === null) return failPlan(`Path ${path} does not exist !`, { rc: 257 });
    const r = replaceText(file.content, o);
    if (r.missing !== undefined) return { steps: [], result: { changed: false, msg: `Pattern for before/after params did not match the given file: ${r.missing}` } };
    const changed = r.count > 0 && r.text !== file.content;
    const attrs = wantedAttrs(o);
    const attrsChanged = attrsChange(file, attrs, umask);
    const result = { changed: changed || attrsChanged, msg: attrsMessage(changed ? `${r.count} replacements made` : '', changed, attrsChanged) };
    if (!result.changed) return { steps: [], result };
    return { steps: [{ kind: 'write', path, content: changed ? r.text : file.content, attrs, backup: o.backup === true, validate: o.validate, diffHeader: path, diffAsMapping: true }], result };
  },
});

