// Warnings and deprecations are wrapped as Ansible's Display wraps them (Python's textwrap.wrap, breaking
// after a hyphen between letters, splitting a word longer than a line at its last hyphen that fits):
// each row against the system Python's textwrap where it is installed, and the deprecation Ansible
// prints for a bare include as ansible-playbook 2.14 printed it.
import { describe, expect, it } from 'vitest';
import { warningText } from '../../engine/report/console.js';
import { once } from '../../engine/report/shown-warnings.js';
import { textWrap } from '../../engine/report/textwrap.js';
import { pythonEval, systemPython } from '../support/python.js';
import { LOAD_DEPRECATION } from '../../engine/playbook/bare-include.js';

const ROWS: [string, boolean][] = [
  ['[WARNING]: a well-known long-winded self-explanatory thing -- with em--dashes and x-y-z and 12-34 and a-b-c-d-e-f-g and a-verylongwordwithoutanyhyphensatallthatislongerthanthewidthofthelineforsure-and-more', true],
  ['[DEPRECATION WARNING]: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bb  cc\tdd\neeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ffff-gggg-hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh', false],
  ['[WARNING]: /usr/lib/python3/dist-packages/ansible_collections/community-general/plugins/modules/some-long-module-name.py was not found --- trying', true],
  ['[DEPRECATION WARNING]: a line of exactly seventy-nine characters ends here, then a space starts the next', false],
  ['[WARNING]:   leading spaces, trailing ones   ', true],
];

describe('textWrap', () => {
  it('breaks after a hyphen between letters, as the deprecation of a bare include shows', () => {
    expect(warningText({ msg: LOAD_DEPRECATION, deprecation: true }).split('\n')).toEqual([
      '[DEPRECATION WARNING]: "include" is deprecated, use include_tasks/import_tasks ',
      'instead. See https://docs.ansible.com/ansible-',
      'core/2.14/user_guide/playbooks_reuse_includes.html for details. This feature ',
      'will be removed in version 2.16. Deprecation warnings can be disabled by ',
      'setting deprecation_warnings=False in ansible.cfg.',
    ]);
  });

  it('splits a word longer than a line at its last hyphen that fits, else at the width', () => {
    // (the lines Python 3.11's textwrap.wrap gives)
    expect(textWrap(`x ${'a1'.repeat(30)}-${'b'.repeat(50)}`, 40)).toEqual([`x ${'a1'.repeat(19)}`, `${'a1'.repeat(11)}-`, 'b'.repeat(40), 'b'.repeat(10)]);
    expect(textWrap(`x ${'a'.repeat(50)}-${'b'.repeat(50)}`, 40)).toEqual([`x ${'a'.repeat(38)}`, `${'a'.repeat(12)}-${'b'.repeat(27)}`, 'b'.repeat(23)]);
    expect(textWrap(`${'a'.repeat(30)}-${'b'.repeat(30)}`, 40)).toEqual([`${'a'.repeat(30)}-`, 'b'.repeat(30)]);
  });

  it.runIf(!!systemPython).each(ROWS)('wraps %j as Python does (drop_whitespace=%s)', (text, drop) => {
    const py = pythonEval<string[]>('import textwrap\ndef fn(a): return textwrap.wrap(a[0], 79, drop_whitespace=a[1])', [text, drop]);
    expect(textWrap(text, 79, drop)).toEqual(py);
  });
});

describe('once', () => {
  it('is true for a text only the first time, as Display prints a warning once a run', () => {
    const seen = new Set<string>();
    expect([once(seen, 'a'), once(seen, 'b'), once(seen, 'a')]).toEqual([true, true, false]);
  });
});
