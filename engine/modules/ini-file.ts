// ini_file (community.general.ini_file): an option's value(s) in a section of an INI file present or
// absent, or a whole section removed, with the edit rules of the Ansible module (values deduplicated;
// existing lines matching a wanted value kept in place; with exclusive, other lines of the option
// rewritten or removed; new lines after the section's last non-blank, non-comment line; a missing
// section appended; commented-out `#option = x` lines reused unless modify_inactive_option is false;
// section_has_values to pick among same-named sections).
import { shellQuote as q } from '../util/shell.js';
import { ensureFile, wantedAttrs } from './file-content.js';
import type { Module } from './types.js';

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

/** The ini_file module. */
export const iniFile: Module = async (ctx) => {
  const a = ctx.args;
  const path = String(a.path);
  const state = a.state === 'absent' ? 'absent' : 'present';
  const given = a.value !== undefined && a.value !== null ? [String(a.value)] : Array.isArray(a.values) ? a.values.map(String) : [];
  if (state === 'present' && a.allow_no_value !== true && !given.length) return { changed: false, failed: true, msg: "Parameter 'value(s)' must be defined if state=present and allow_no_value=False." };
  const current = await ctx.host.inspect(path);
  if (!current.stat.exists && a.create === false) return { changed: false, failed: true, rc: 257, msg: `Destination ${path} does not exist!` };
  const has = Array.isArray(a.section_has_values)
    ? (a.section_has_values as Record<string, unknown>[]).map((c) => ({ option: String(c.option), values: c.value !== undefined && c.value !== null ? [String(c.value)] : Array.isArray(c.values) ? c.values.map(String) : [] }))
    : undefined;
  const edit = editIni(current.content?.toString('utf8') ?? '', {
    section: a.section === undefined || a.section === null ? undefined : String(a.section),
    sectionHasValues: has,
    option: a.option === undefined || a.option === null ? undefined : String(a.option),
    values: given,
    state,
    exclusive: a.exclusive !== false,
    noExtraSpaces: a.no_extra_spaces === true,
    ignoreSpaces: a.ignore_spaces === true,
    allowNoValue: a.allow_no_value === true,
    modifyInactive: a.modify_inactive_option !== false,
  });
  if (!edit.changed && current.content === undefined) return { changed: false, msg: edit.msg, path };
  if (!edit.changed && current.content !== undefined) return { ...(await ensureFile(ctx, path, current.content, wantedAttrs(a), { current, diffHeader: `${path} (content)` })), msg: edit.msg };
  if (!current.stat.exists && !ctx.check) await ctx.host.run(`mkdir -p -- "$(dirname -- ${q(path)})"`);
  const r = await ensureFile(ctx, path, Buffer.from(edit.text), wantedAttrs(a), { current, backup: a.backup === true, diffHeader: `${path} (content)` });
  return { ...r, msg: edit.msg };
};
