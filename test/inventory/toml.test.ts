// TOML as ansible-inventory --toml writes it, through the python toml library (0.10.2): each row's text is
// what toml.dumps gave for the same value, quirks included (it drops the backslash of a \x escape, writes
// None in a list as "None", and fails on some values).
import { describe, expect, it } from 'vitest';
import { dumpToml } from '../../engine/inventory/toml.js';
import { PyFloat } from '../../engine/util/py-float.js';

describe('dumpToml', () => {
  it.each([
    ['a control character: the library drops its backslash', { k: 'a\x01' }, 'k = "ax01"\n'],
    ['a backslash before one: the library undoubles it', { k: 'a\\\x01' }, 'k = "a\\x01"\n'],
    ['DEL after a non-ASCII letter', { k: 'é\x7f' }, 'k = "éx7f"\n'],
    ['a tab', { k: 'tab\there' }, 'k = "tab\\there"\n'],
    ['both quotes', { k: 'q"uo\'te' }, 'k = "q\\"uo\'te"\n'],
    ['a backslash', { k: 'back\\slash' }, 'k = "back\\\\slash"\n'],
    [
      'plain keys first, None left out, tables breadth first, an empty table kept',
      { a: [1, 2.5, null, true, 'x'], b: new PyFloat(1), c: new PyFloat(1e20), n: null, d: { e: { f: 1 }, g: 2 }, 'sp ace': 1, e: {} },
      'a = [ 1, 2.5, "None", true, "x",]\nb = 1.0\nc = 1e+20\n"sp ace" = 1\n\n[d]\ng = 2\n\n[e]\n\n[d.e]\nf = 1\n',
    ],
    ['an array of tables after the plain keys', { g: [{ h: 1, i: { j: 2 } }, { h: 2 }], z: 1 }, 'z = 1\n[[g]]\nh = 1\n\n[g.i]\nj = 2\n[[g]]\nh = 2\n\n'],
    ['a table of tables only: the innermost header alone', { top: { mid: { leaf: {} } } }, '[top.mid.leaf]\n'],
  ])('%s', (_what, value, want) => {
    expect(dumpToml(value as Record<string, unknown>)).toBe(want);
  });

  it.each([
    ['a list mixing tables and other values', { a: [{ x: 1 }, 5] }, "cannot be represented in TOML: 'int' object is not iterable"],
    ['a list in an array of tables', { m: [[1, 2], { a: 1 }] }, 'cannot be represented in TOML: list indices must be integers or slices, not str'],
    ['text that starts with a control character', { k: '\x01a' }, 'list index out of range'],
  ])('fails as the library does on %s', (_what, value, message) => {
    expect(() => dumpToml(value as Record<string, unknown>)).toThrow(message);
  });
});
