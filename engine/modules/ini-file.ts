// ini_file (community.general.ini_file): an option's value(s) in a section of an INI file present or
// absent, or a whole section removed, with the edit rules of the Ansible module (values deduplicated;
// existing lines matching a wanted value kept in place; with exclusive, other lines of the option
// rewritten or removed; new lines after the section's last non-blank, non-comment line; a missing
// section appended; commented-out `#option = x` lines reused unless modify_inactive_option is false;
// section_has_values to pick among same-named sections).
import { attrsChange, declareModule, failPlan, makeParentDir, readOneFile, type Step } from './declare.js';
import { wantedAttrs } from './file-content.js';
import { FILE_ATTR_OPTIONS, onlyValues } from './option-kinds.js';

/** A condition a same-named section must meet to be the one edited (section_has_values). */
export interface SectionCondition {
  option: string;
  /** Any value of the option matches when empty. */
  values: string[];
}

/** What to do to the text. */
export interface IniEdit {
  section?: string | undefined;
  sectionHasValues?: SectionCondition[] | undefined;
  option?: string | undefined;
  values: string[];
  state: 'present' | 'absent';
  exclusive: boolean;
  noExtraSpaces: boolean;
  ignoreSpaces: boolean;
  allowNoValue: boolean;
  modifyInactive: boolean;
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// [1] comment mark, [2] separator ("=" or "" at the line's end), [3] value (the module's named groups);
// Python's `$` also matches before a line's final newline and its `.` stops at a newline, as here
const optionRe = (option: string, inactive: boolean): RegExp => new RegExp(`^(?: |\\t)*(${inactive ? '[#;]?' : ''})(?: |\\t)*${esc(option)}(?: |\\t)*(=|(?=\\n?$))(?: |\\t)*(.*)`);
const matchOpt = (option: string, line: string): RegExpExecArray | null => optionRe(option, true).exec(line);
const matchActive = (option: string, line: string): RegExpExecArray | null => optionRe(option, false).exec(line);
const blankOrComment = /^[ \t]*([#;].*)?\n?$/;
// the section markers the module puts around the text so every line belongs to a section
const FAKE = 'ad01e11446efb704fcdbdb21f2c43757423d91c5';

function meets(conditions: SectionCondition[] | undefined, lines: string[]): boolean {
  return (conditions ?? []).every((c) =>
    lines.some((l) => {
      const m = matchOpt(c.option, l);
      return m !== null && (c.values.length === 0 || c.values.includes(m[3] ?? ''));
    }),
  );
}

/** Applies the edit to the file's text; returns the new text, whether it changed and the module's message. */
export function editIni(text: string, e: IniEdit): { text: string; changed: boolean; msg: string } {
  const lines = text === '' ? ['\n'] : text.split(/(?<=\n)/);
  let changed = false;
  const last = lines.length - 1;
  if (!(lines[last] as string).endsWith('\n')) {
    lines[last] += '\n';
    changed = true;
  }
  lines.unshift(`[${FAKE}]`);
  lines.push('[');
  const section = e.section || FAKE;
  const values = [...new Set(e.values)];
  const sep = e.noExtraSpaces ? '=' : ' = ';
  const heading = new RegExp(`^\\[\\s*${esc(section.trim())}\\s*]`);
  let within = false;
  let start = 0;
  let end = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (within && line.startsWith('[')) {
      if (meets(e.sectionHasValues, lines.slice(start, i))) {
        end = i;
        break;
      }
      within = false;
      start = end = 0;
    }
    if (heading.test(line)) {
      within = true;
      start = i;
    }
  }
  const before = lines.slice(0, start);
  let sec = lines.slice(start, end);
  const after = lines.slice(end);
  const touched = sec.map(() => false);
  let msg = 'OK';
  let noValuePresent = false;
  const match = e.modifyInactive ? matchOpt : matchActive;
  const update = (option: string, i: number, newline: string): void => {
    let differs: boolean | undefined;
    if (e.ignoreSpaces) {
      const old = matchOpt(option, sec[i] as string);
      if (old && !old[1]) differs = old[3] !== matchOpt(option, newline)?.[3];
    }
    differs ??= sec[i] !== newline;
    if (differs) {
      sec[i] = newline;
      changed = true;
      msg = 'option changed';
    }
    touched[i] = true;
  };
  // a commented mention without "=" ("; option") is a comment, not a setting
  const setting = (option: string, i: number): boolean => {
    const m = touched[i] ? null : match(option, sec[i] as string);
    return m !== null && !(m[1] && !m[2]);
  };
  const option = e.option;
  if (e.state === 'present' && option) {
    for (let i = 0; i < sec.length; i++) {
      const m = match(option, sec[i] as string);
      if (!m) continue;
      const v = m[3] ?? '';
      if (values.length && values.includes(v)) {
        if (!v && e.allowNoValue) {
          update(option, i, `${option}\n`);
          noValuePresent = true;
        } else update(option, i, `${option}${sep}${v}\n`);
        values.splice(values.indexOf(v), 1);
      } else if (!values.length && e.allowNoValue) {
        update(option, i, `${option}\n`);
        noValuePresent = true;
        break;
      }
    }
    if (e.exclusive && !e.allowNoValue) {
      for (let i = 0; i < sec.length && values.length; i++) if (setting(option, i)) update(option, i, `${option}${sep}${values.shift() as string}\n`);
      for (let i = sec.length - 1; i > 0; i--) {
        if (!setting(option, i)) continue;
        sec.splice(i, 1);
        touched.splice(i, 1);
        changed = true;
        msg = 'option changed';
      }
    }
  }
  if (e.state === 'present') {
    for (let i = sec.length; i > 0; i--) {
      if (blankOrComment.test(sec[i - 1] as string)) continue;
      if (option && values.length) {
        sec.splice(i, 0, ...values.map((v) => `${option}${sep}${v}\n`));
        msg = 'option added';
        changed = true;
      } else if (option && e.allowNoValue && !noValuePresent) {
        sec.splice(i, 0, `${option}\n`);
        msg = 'option added';
        changed = true;
      }
      break;
    }
  }
  if (e.state === 'absent') {
    if (option) {
      if (e.exclusive || values.length) {
        const kept = sec.filter((l) => {
          const m = matchActive(option, l);
          return !(m && (e.exclusive || values.includes(m[3] ?? '')));
        });
        if (kept.length !== sec.length) {
          sec = kept;
          changed = true;
          msg = 'option changed';
        }
      }
    } else if (sec.length) {
      sec = [];
      msg = 'section removed';
      changed = true;
    }
  }
  const out = [...before, ...sec, ...after].slice(1, -1);
  if (!within && e.state === 'present') {
    out.push(`[${section}]\n`);
    msg = 'section and option added';
    for (const c of e.sectionHasValues ?? []) {
      if (c.option !== option) {
        if (c.values.length) out.push(...c.values.map((v) => `${c.option}${sep}${v}\n`));
        else if (e.allowNoValue) out.push(`${c.option}\n`);
      } else if (!e.exclusive) for (const v of c.values) if (!values.includes(v)) values.push(v);
    }
    if (option && values.length) out.push(...values.map((v) => `${option}${sep}${v}\n`));
    else if (option && e.allowNoValue) out.push(`${option}\n`);
    else msg = 'only section added';
    changed = true;
  }
  return { text: out.join(''), changed, msg };
}

// the values asked for: value, else values
const wantedValues = (o: { value?: string | undefined; values?: unknown[] | undefined }): string[] => (o.value !== undefined ? [o.value] : (o.values ?? []).map(String));

/** The ini_file module. */
export const iniFileModule = declareModule({
  pathInfo: true,
  spec: {
    options: {
      path: { type: 'path', required: true, aliases: ['dest'] },
      section: { type: 'str' },
      section_has_values: { type: 'list' },
      option: { type: 'str' },
      value: { type: 'str' },
      values: { type: 'list' },
      state: { type: 'str', choices: ['absent', 'present'] },
      exclusive: { type: 'bool' },
      no_extra_spaces: { type: 'bool' },
      ignore_spaces: { type: 'bool' },
      allow_no_value: { type: 'bool' },
      create: { type: 'bool' },
      backup: { type: 'bool' },
      follow: onlyValues('bool', false),
      modify_inactive_option: { type: 'bool' },
      ...FILE_ATTR_OPTIONS,
    },
    mutuallyExclusive: [['value', 'values']],
  },
  refuse(o) {
    if (o.state !== 'absent' && o.allow_no_value !== true && !wantedValues(o).length) return "Parameter 'value(s)' must be defined if state=present and allow_no_value=False.";
    return undefined;
  },
  facts: (o, host) => readOneFile(host, o.path ?? '', o.mode),
  plan(o, { file, umask }, { check }) {
    const path = o.path ?? '';
    if (!file.exists && o.create === false) return failPlan(`Destination ${path} does not exist!`, { rc: 257 });
    const has = o.section_has_values?.map((c) => {
      const cond = c as Record<string, unknown>;
      return { option: String(cond.option), values: cond.value !== undefined && cond.value !== null ? [String(cond.value)] : Array.isArray(cond.values) ? cond.values.map(String) : [] };
    });
    const edit = editIni(file.content ?? '', {
      section: o.section,
      sectionHasValues: has,
      option: o.option,
      values: wantedValues(o),
      state: o.state === 'absent' ? 'absent' : 'present',
      exclusive: o.exclusive !== false,
      noExtraSpaces: o.no_extra_spaces === true,
      ignoreSpaces: o.ignore_spaces === true,
      allowNoValue: o.allow_no_value === true,
      modifyInactive: o.modify_inactive_option !== false,
    });
    const attrs = wantedAttrs(o);
    // as the Ansible module: attributes are compared only outside check mode, and do not change the message
    const attrsChanged = !check && attrsChange(file, attrs, umask);
    const result = { changed: edit.changed || attrsChanged, msg: edit.msg, path };
    const steps: Step[] = [];
    if (!file.exists && edit.changed) steps.push(makeParentDir(path));
    if (result.changed) steps.push({ kind: 'write', path, content: edit.changed ? edit.text : (file.content ?? ''), attrs, backup: o.backup === true, diffHeader: `${path} (content)`, diffAsMapping: true });
    return { steps, result };
  },
});
