import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../engine/yaml/load.js';
import { ParseError } from '../../engine/errors.js';
import { pythonEval, systemPython } from '../support/python.js';
import { PyFloat } from '../../engine/util/py-float.js';
import { pyRepr } from '../../engine/util/python-repr.js';

// [YAML plain scalar, value PyYAML (and so Ansible) gives]
const cases: [string, unknown][] = [
  ['yes', true], ['Yes', true], ['ON', true], ['true', true], ['off', false], ['No', false],
  ['y', 'y'], ['n', 'n'], ['Y', 'Y'],
  ['0644', 420], ['0755', 493], ['09', '09'], ['0x1F', 31], ['0b11', 3], ['1_000', 1000], ['1:20', 80], ['-1:30', -90],
  ['1.20', 1.2], ['1e5', '1e5'], ['1.5e+3', new PyFloat(1500)], ['.5', 0.5], ['1.', new PyFloat(1)], ['0.0', new PyFloat(0)], ['-2.0', new PyFloat(-2)], ['-0', 0], ['-0x0', 0], ['-0.0', new PyFloat(-0)],
  ['~', null], ['null', null], ['', null],
  ['1.28.2', '1.28.2'], ['10.0.0.1', '10.0.0.1'], ['2001-12-14', '2001-12-14'], ['v1.30', 'v1.30'],
];

describe('YAML scalars as PyYAML reads them', () => {
  it.each(cases)('%j -> %j', (src, expected) => {
    expect((parseYaml(`v: ${src}\n`, 't.yaml').value as { v: unknown }).v).toEqual(expected);
  });

  it.skipIf(!systemPython)('agrees with PyYAML safe_load on every row', () => {
    const py = pythonEval<string[]>(
      `import yaml, datetime
def fn(items):
    out = []
    for s in items:
        v = yaml.safe_load('v: ' + s + '\\n')['v']
        out.append(repr(v.isoformat() if isinstance(v, datetime.date) else v))
    return out`,
      cases.map(([s]) => s),
    );
    // compared as Python's repr: a whole-number float prints 1.0
    expect(cases.map(([s]) => pyRepr((parseYaml(`v: ${s}\n`, 't.yaml').value as { v: unknown }).v))).toEqual(py);
  });

  it('supports merge keys', () => {
    const y = parseYaml('base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n', 't.yaml');
    expect((y.value as { x: unknown }).x).toEqual({ a: 1, b: 3 });
  });

  it.each([
    ['a: 1\nb: 2\na: 2\n', 3, 1, 'duplicate key'],
    ['a:\n\t- 1\n', 2, 1, 'tab'],
    ['msg: {{ foo }}\n', 1, 6, 'unquoted template'],
    ['a: [1, 2\n', 2, 1, 'invalid YAML'],
    // a template inside a flow mapping: the hint says to quote it there too (and not for one already quoted)
    ['- file: {path: /tmp/x-{{ n }}, state: touch}\n', 1, 23, 'hint: quote values that hold {{ }}, in a { } mapping too'],
    ['- file: {path: "/tmp/x-{{ n }}", state: touch\n', 2, 1, 'invalid YAML'],
  ])('reports %j at line %i col %i', (text, line, col, words) => {
    try {
      parseYaml(text, 'vars.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      const err = e as ParseError;
      expect(err.pos).toMatchObject({ file: 'vars.yaml', line, col });
      expect(err.format()).toContain(words);
    }
  });
});
