// ini_file: one row per case (file before, arguments -> file after, changed, message). Every row also
// runs through community.general's own ini_file (the collection Debian's ansible package installs; or
// the ini_file.py in the directory KPLAY_INI_ORACLE names).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editIni } from '../../engine/modules/ini-file.js';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleContext, ModuleResult } from '../../engine/modules/types.js';
import { ansibleModules } from '../support/ansible-modules.js';
import { hasAnsible } from '../support/oracle.js';
import { moduleContext } from '../support/module-context.js';
import { writeTree } from '../support/tree.js';

const CONF = '[main]\nfoo = 1\n\n[other]\nbar = 2\n';

// [before (undefined: no file), args, after, changed, msg]
const rows: [string | undefined, Record<string, unknown>, string | undefined, boolean, string][] = [
  [CONF, { section: 'main', option: 'foo', value: '1' }, CONF, false, 'OK'],
  [CONF, { section: 'main', option: 'foo', value: '2' }, '[main]\nfoo = 2\n\n[other]\nbar = 2\n', true, 'option changed'],
  [CONF, { section: 'main', option: 'baz', value: 'x' }, '[main]\nfoo = 1\nbaz = x\n\n[other]\nbar = 2\n', true, 'option added'],
  [CONF, { section: 'new', option: 'k', value: 'v' }, CONF + '[new]\nk = v\n', true, 'section and option added'],
  [CONF, { section: 'new', option: 'k', value: 'v', no_extra_spaces: true }, CONF + '[new]\nk=v\n', true, 'section and option added'],
  [CONF, { section: 'other', state: 'absent' }, '[main]\nfoo = 1\n\n', true, 'section removed'],
  [CONF, { section: 'main', option: 'foo', state: 'absent' }, '[main]\n\n[other]\nbar = 2\n', true, 'option changed'],
  [CONF, { section: 'main', option: 'nope', state: 'absent' }, CONF, false, 'OK'],
  ['[main]\nfoo=1\n', { section: 'main', option: 'foo', value: '1' }, '[main]\nfoo = 1\n', true, 'option changed'],
  ['[main]\nfoo=1\n', { section: 'main', option: 'foo', value: '1', ignore_spaces: true }, '[main]\nfoo=1\n', false, 'OK'],
  ['[main]\n#foo = 0\n', { section: 'main', option: 'foo', value: '1' }, '[main]\nfoo = 1\n', true, 'option changed'],
  ['[main]\n#foo = 0\n', { section: 'main', option: 'foo', value: '1', modify_inactive_option: false }, '[main]\nfoo = 1\n#foo = 0\n', true, 'option added'],
  ['[main]\n; foo is documented here\nfoo = 0\n', { section: 'main', option: 'foo', value: '1' }, '[main]\n; foo is documented here\nfoo = 1\n', true, 'option changed'],
  ['[main]\nfoo = a\nfoo = b\nfoo = c\n', { section: 'main', option: 'foo', values: ['c', 'd'] }, '[main]\nfoo = d\nfoo = c\n', true, 'option changed'],
  ['[main]\nfoo = a\nfoo = b\n', { section: 'main', option: 'foo', values: ['b', 'c'], exclusive: false }, '[main]\nfoo = a\nfoo = b\nfoo = c\n', true, 'option added'],
  ['[main]\nfoo = a\nfoo = b\n', { section: 'main', option: 'foo', values: ['a'], state: 'absent', exclusive: false }, '[main]\nfoo = b\n', true, 'option changed'],
  ['[main]\nfoo = a\n', { section: 'main', option: 'flag', allow_no_value: true }, '[main]\nfoo = a\nflag\n', true, 'option added'],
  ['[main]\nfoo = 1\n\n# trailing comment\n', { section: 'main', option: 'bar', value: '2' }, '[main]\nfoo = 1\nbar = 2\n\n# trailing comment\n', true, 'option added'],
  ['top = 1\n[main]\n', { option: 'top', value: '2' }, 'top = 2\n[main]\n', true, 'option changed'],
  ['[main]\nfoo = 1', { section: 'main', option: 'foo', value: '1' }, '[main]\nfoo = 1\n', true, 'OK'],
  ['[peer]\nip = a\nkey = 1\n[peer]\nip = b\nkey = 2\n', { section: 'peer', section_has_values: [{ option: 'ip', value: 'b' }], option: 'key', value: '3' }, '[peer]\nip = a\nkey = 1\n[peer]\nip = b\nkey = 3\n', true, 'option changed'],
  ['[peer]\nip = a\n', { section: 'peer', section_has_values: [{ option: 'ip', value: 'c' }], option: 'key', value: '3' }, '[peer]\nip = a\n[peer]\nip = c\nkey = 3\n', true, 'section and option added'],
  ['[ main ]\nfoo = 1\n', { section: 'main', option: 'foo', value: '2' }, '[ main ]\nfoo = 2\n', true, 'option changed'],
  [undefined, { section: 'main', option: 'foo', value: '1' }, '\n[main]\nfoo = 1\n', true, 'section and option added'],
  [undefined, { section: 'main', option: 'foo', state: 'absent' }, undefined, false, 'OK'],
  [CONF, { section: 'main', option: 'foo' }, CONF, false, "Parameter 'value(s)' must be defined if state=present and allow_no_value=False."],
];

async function run(before: string | undefined, args: Record<string, unknown>, check = false): Promise<{ r: ModuleResult; after: string | undefined }> {
  const root = writeTree(before === undefined ? {} : { 'f.ini': before });
  const path = join(root, 'f.ini');
  const r = await (IMPLEMENTATIONS.ini_file as (c: ModuleContext) => Promise<ModuleResult>)(moduleContext({ ...args, path }, { check }));
  let after: string | undefined;
  try {
    after = readFileSync(path, 'utf8');
  } catch {
    after = undefined;
  }
  return { r, after };
}

describe('ini_file', () => {
  it.each(rows)('%j with %j', async (before, args, after, changed, msg) => {
    const { r, after: got } = await run(before, args);
    expect(got).toBe(after);
    expect(r.changed).toBe(changed);
    expect(r.msg).toBe(msg);
  });

  it('changes nothing in check mode; create: false needs the file', async () => {
    expect(await run(CONF, { section: 'main', option: 'foo', value: '9' }, true)).toMatchObject({ after: CONF, r: { changed: true } });
    expect((await run(undefined, { section: 'main', option: 'foo', value: '1', create: false })).r).toMatchObject({ failed: true, rc: 257 });
  });

  it('the edit is a pure function of the text', () => {
    expect(editIni('[a]\nx = 1\n', { section: 'a', option: 'x', values: ['2'], state: 'present', exclusive: true, noExtraSpaces: false, ignoreSpaces: false, allowNoValue: false, modifyInactive: true }).text).toBe('[a]\nx = 2\n');
  });
});

const COLLECTION = '/usr/lib/python3/dist-packages/ansible_collections/community/general/plugins/modules/ini_file.py';
// options newer than the collection Debian installs (community.general 6), and section names with spaces
// around them (`[ main ]`, matched trimmed since community.general 8.5, PR 8075): those rows need KPLAY_INI_ORACLE
const NEWER = ['ignore_spaces', 'modify_inactive_option', 'section_has_values'];
const oracle = process.env.KPLAY_INI_ORACLE ? 'library' : hasAnsible && existsSync(COLLECTION) ? 'collection' : undefined;

describe.skipIf(!oracle)('ini_file rows against community.general.ini_file', () => {
  it('gives the same file, changed and message for every row', () => {
    const module = oracle === 'library' ? 'ini_file' : 'community.general.ini_file';
    const checked = oracle === 'library' ? rows : rows.filter(([before, args]) => !NEWER.some((o) => o in args) && !before?.includes('[ '));
    const outcomes = ansibleModules(checked.map(([before, args]) => ({ module, before, args })), process.env.KPLAY_INI_ORACLE);
    const want = checked.map(([, , after, changed, msg]) => ({ after, changed, msg }));
    expect(outcomes.map((o) => ({ after: o.after, changed: o.changed, msg: o.msg }))).toEqual(want);
  });
});
