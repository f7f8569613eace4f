// Ansible's own filters and tests that kplay has no native code for (ansible-core's plugins/filter and
// plugins/test, then Jinja's built-in ones: comment, log, urlencode, human_readable, xmlattr, wordwrap, the
// path tests…) run as Ansible's, on the controller's Python, instead of being refused; the ones the
// evaluator does itself (default, defined…) stay its own; a value JSON cannot carry (to_datetime's
// datetime, a timedelta) stays a Python object the template works on: its attributes, methods, arithmetic,
// comparisons and truth, its text when printed. Compared with ansible-playbook where it is installed
// (CI installs it) and with what it printed when this was written.
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../../support/oracle.js';
import { ENGINES, playMessages } from '../../support/play-messages.js';
import { writeTree } from '../../support/tree.js';

const SITE = `- hosts: localhost
  gather_facts: false
  vars:
    d: {a: 1, b: 'x y'}
    a: '2024-03-01 12:00:00'
    b: '2024-01-02 06:30:00'
  tasks:
    - debug: msg="{{ 'a b&c' | urlencode }} {{ 1024 | human_readable }} {{ '10 MB' | human_to_bytes }} {{ 'hello' | comment }}"
    - debug: msg="{{ 'x' | comment('c') }}|{{ 'a\\nb' | comment('cblock') }}|{{ 'y' | comment('xml', decoration='= ') }}"
    - debug: msg="{{ d | xmlattr }} {{ [1,2,3,4,5] | slice(2) | list }} {{ 'long text to wrap here' | wordwrap(8) }} {{ '<b>x</b>' | striptags }}"
    - debug: msg="{{ 'a/b' | relpath('a') }} {{ 'ns' | to_uuid }} {{ d | tojson }} {{ '/tmp' is is_dir }} {{ '/' is mount }} {{ 'http://x' is url }} {{ 'C:/x' | win_basename }}"
    - debug: msg="{{ 12345678 | filesizeformat }} {{ 'see http://x.org' | urlize }} {{ '%Y' | strftime(0) }} {{ x | default('own default') }} {{ x is defined }}"
    - debug: msg="{{ ('2024-01-02' | to_datetime('%Y-%m-%d')).year }} {{ ((a | to_datetime) - (b | to_datetime)).days }} {{ (a | to_datetime) > (b | to_datetime) }}"
    - debug: msg="{{ (a | to_datetime).strftime('%d/%m/%Y') }} {{ (a | to_datetime) - (b | to_datetime) }} {{ ((a | to_datetime) - (a | to_datetime)) | bool }} {{ [a | to_datetime] }}"
    - set_fact:
        kept: "{{ a | to_datetime }}"
    - debug: msg="{{ kept | type_debug }} {{ (a | to_datetime).nosuch | default('no such attribute') }}"
    - debug: msg="{{ '1.2.0.post1' is version('1.2.0', '>', version_type='pep440') }} {{ '1.2rc1' is version('1.2', operator='<', version_type='pep440') }}"
`;

const MESSAGES = [
  'a%20b%26c 1.00 KB 10485760 #\\n# hello\\n#',
  '//\\n// x\\n//|/*\\n *\\n * a\\n * b\\n *\\n */|<!--\\n=\\n= y\\n=\\n-->',
  ' a=\\"1\\" b=\\"x y\\" [[1, 2, 3], [4, 5]] long\\ntext to\\nwrap\\nhere x',
  'b e0c5724c-509c-5793-8d2c-52ec11c499f7 {\\"a\\": 1, \\"b\\": \\"x y\\"} True True True x',
  '12.3 MB see <a href=\\"http://x.org\\" rel=\\"noopener\\">http://x.org</a> 1970 own default False',
  '2024 59 True',
  '01/03/2024 59 days, 5:30:00 False [datetime.datetime(2024, 3, 1, 12, 0)]',
  // a template's value is its text, as Ansible 2.14's
  'str no such attribute',
  // the version test's pep440 comparison is Ansible's (Python's packaging library)
  'True True',
];

describe("Ansible's own filters and tests kplay has no native code for", () => {
  it("run as Ansible's, with the same values", () => {
    const root = writeTree({ 'site.yaml': SITE });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs, kplay.text).toEqual(MESSAGES);
    if (hasAnsible) expect(playMessages(ENGINES.ansible, root).msgs).toEqual(MESSAGES);
  });

  it('a name neither has is still refused before any task runs', () => {
    const root = writeTree({ 'site.yaml': "- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg=\"{{ 1 | nosuchfilter }}\"\n" });
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.text).toContain("no filter named 'nosuchfilter'");
    expect(kplay.text).not.toContain('TASK [');
  });
});
