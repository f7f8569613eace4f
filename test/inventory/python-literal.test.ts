import { describe, expect, it } from 'vitest';
import { literalEval, pyFloatRepr } from '../../engine/inventory/python-literal.js';
import { pythonEval, systemPython } from '../support/python.js';
import { PyFloat } from '../../engine/util/py-float.js';
import { pyRepr } from '../../engine/util/python-repr.js';

// [INI text, value Ansible stores]
const cases: [string, unknown][] = [
  ['1', 1],
  ['-5', -5],
  ['-0', 0],
  ['-0.0', new PyFloat(-0)],
  ['[-0, -0x0]', [0, 0]],
  ['+7', 7],
  ['1.20', 1.2],
  ['1.0', new PyFloat(1)],
  ['1e3', new PyFloat(1000)],
  ['.5', 0.5],
  ['5.', new PyFloat(5)],
  ['1_000', 1000],
  ['0x1f', 31],
  ['0o17', 15],
  ['0b101', 5],
  ['00', 0],
  ['0123', '0123'],
  ['1__0', '1__0'],
  ['True', true],
  ['False', false],
  ['None', null],
  ['true', 'true'],
  ['none', 'none'],
  ["'42'", '42'],
  ['"hello"', 'hello'],
  ["'a' 'b'", 'ab'],
  ["'tab\\there'", 'tab\there'],
  ["r'raw\\n'", 'raw\\n'],
  ["b'bytes'", 'bytes'],
  ["f'x'", "f'x'"],
  ['[1, 2]', [1, 2]],
  ['[1, [2, 3], ]', [1, [2, 3]]],
  ['(1, 2)', [1, 2]],
  ['(1,)', [1]],
  ['()', []],
  ['(5)', 5],
  ["{'a': 1, 'b': [True, None]}", { a: 1, b: [true, null] }],
  ['{1: 2}', { '1': 2 }],
  ['{}', {}],
  ['{k:v}', '{k:v}'],
  ['10.0.0.1', '10.0.0.1'],
  ['1.28.2', '1.28.2'],
  ['v1.2', 'v1.2'],
  ['hello world', 'hello world'],
  ['', ''],
  ['1 # comment', 1],
  ['a # comment', 'a # comment'],
  ['--1', '--1'],
  ['-True', '-True'],
  ['1+2j', '1+2j'],
  ['2j', '2j'],
  ['1 2', '1 2'],
  ["'unterminated", "'unterminated"],
  ['[1, 2', '[1, 2'],
  ['abc def', 'abc def'],
  ['/etc/hosts', '/etc/hosts'],
  ['12345678901234567890', '12345678901234567890'],
];

describe('literalEval (Ansible INI value typing)', () => {
  it.each(cases)('%j -> %j', (text, expected) => {
    expect(literalEval(text).value).toEqual(expected);
  });

  it('flags floats whose spelling changes, such as a version pin 1.20', () => {
    expect(literalEval('1.20').floatRespelled).toBe(true);
    expect(literalEval('1.2').floatRespelled).toBe(false);
    expect(literalEval('1.28.2').floatRespelled).toBe(false);
    expect(literalEval('42').floatRespelled).toBe(false);
  });

  it.skipIf(!systemPython)('agrees with Python ast.literal_eval on every row', () => {
    // bigints and complex numbers are the documented exceptions (JSON cannot hold them)
    const rows = cases.filter(([t]) => !['12345678901234567890', '1+2j', '2j'].includes(t));
    const py = pythonEval<string[]>(
      `import ast
def conv(v):
    if isinstance(v, bytes): return v.decode()
    if isinstance(v, list): return [conv(x) for x in v]
    if isinstance(v, tuple): return tuple(conv(x) for x in v)
    if isinstance(v, dict): return {str(k) if not isinstance(k, bool) else str(k).lower(): conv(x) for k, x in v.items()}
    return v
def one(t):
    try:
        return conv(ast.literal_eval(t))
    except (ValueError, SyntaxError):
        return t
def fn(items): return [repr(one(t)) for t in items]`,
      rows.map(([t]) => t),
    );
    // compared as Python's repr: a whole-number float prints 1.0, a tuple (1, 2)
    expect(rows.map(([t]) => pyRepr(literalEval(t).value))).toEqual(py);
  });
});

describe('pyFloatRepr', () => {
  it.each([
    [1.2, '1.2'],
    [1, '1.0'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [-2.5, '-2.5'],
    [123456.789, '123456.789'],
  ])('%d -> %s', (x, s) => {
    expect(pyFloatRepr(x)).toBe(s);
  });

  it.skipIf(!systemPython)('agrees with Python repr()', () => {
    const xs = [1.2, 1, 0.0001, 0.00001, 1e16, 1e15, -2.5, 0.1 + 0.2, 1e-7, 123456789.123, 5e-324, 1.7976931348623157e308];
    const py = pythonEval<string[]>('def fn(xs): return [repr(float(x)) for x in xs]', xs);
    expect(xs.map(pyFloatRepr)).toEqual(py);
  });
});
