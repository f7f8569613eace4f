// A variable whose template names an undefined variable is itself undefined, as Ansible's lazy variables
// are: `is defined` is false, `default(...)` gives the fallback, and only its use fails, saying why.
// Ansible's undef(hint) and now(utc, fmt) globals. Checked against ansible-playbook 2.14 (live where it
// is installed; the fixed lists are what it printed).
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const VARS =
  '- hosts: localhost\n  gather_facts: false\n  vars:\n    x: "{{ nope }}"\n    y: "pre-{{ nope }}"\n    z: "{{ x }}"\n' +
  '    d: {a: "{{ nope }}", b: 1}\n    must: "{{ undef(hint=\'Please set must\') }}"\n    plain_undef: "{{ undef() }}"\n  tasks:\n';

const DEFINED =
  VARS +
  '    - debug: msg="{{ x is defined }} {{ y is defined }} {{ z is defined }} {{ d is defined }} {{ must is defined }} {{ x is undefined }}"\n' +
  '    - debug: msg="{{ x | default(\'dx\') }} {{ z | default(\'dz\') }} {{ d.a | default(\'da\') }} {{ x.foo | default(\'df\') }} {{ must | default(\'dm\') }} {{ lookup(\'vars\', \'x\', default=\'lv\') }}"\n' +
  '    - debug: msg=not-shown\n      when: x is defined\n' +
  '    - debug: msg="{{ now(fmt=\'%Y\') | length }} {{ now().year > 2000 }} {{ now(utc=true, fmt=\'%H\') | length }} {{ now(true).tzinfo }}"\n';

const USED = (expr: string): string => `${VARS}    - debug: msg="{{ ${expr} }}"\n`;

describe('variables whose template names an undefined one', () => {
  it('are undefined: is defined, default and when see them so; now() is the clock', () => {
    const root = writeTree({ 'site.yaml': DEFINED });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs, kplay.text).toEqual(['False False False False False True', 'dx dz da df dm lv', '4 True 2 ']);
    if (hasAnsible) expect(playMessages(ENGINES.ansible, root).msgs).toEqual(kplay.msgs);
  });

  it.each([
    ['x', "'nope' is undefined"],
    ['d.b', "'nope' is undefined"],
    // the hint as the error, not only as the template's text (where it is followed by its quote)
    ['must', /Please set must(?!')/],
    ['plain_undef', 'Mandatory variable has not been overridden'],
  ])('used, %s fails saying why', (expr, why) => {
    const root = writeTree({ 'site.yaml': USED(expr) });
    for (const engine of hasAnsible ? [ENGINES.kplay, ENGINES.ansible] : [ENGINES.kplay]) {
      const run = playMessages(engine, root);
      expect(run.text).toMatch(/fatal: \[localhost\]: FAILED!/);
      expect(run.text).toMatch(why);
    }
  });
});
