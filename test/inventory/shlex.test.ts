import { describe, expect, it } from 'vitest';
import { ShlexError, shlexSplit } from '../../engine/inventory/shlex.js';
import { pythonEval, systemPython } from '../support/python.js';

const cases: [string, string[]][] = [
  ['host a=1 b=2', ['host', 'a=1', 'b=2']],
  ['h  x="a b"   y=\'c d\'', ['h', 'x=a b', 'y=c d']],
  ['h x="\'042\'"', ['h', "x='042'"]],
  ['h g={"k":"v"}', ['h', 'g={k:v}']],
  ['h x=a#b c=d', ['h', 'x=a']],
  ['h # comment x=1', ['h']],
  ['h x=""', ['h', 'x=']],
  ["h x=''", ['h', 'x=']],
  ['h x=a\\ b', ['h', 'x=a b']],
  ['h x="a\\"b"', ['h', 'x=a"b']],
  ['h x="a\\nb"', ['h', 'x=a\\nb']],
  ["h x='a\\nb'", ['h', 'x=a\\nb']],
  ['h x="a"\'b\'c', ['h', 'x=abc']],
  ['\th\tx=1\t', ['h', 'x=1']],
];

describe('shlexSplit (Python shlex.split, comments=True, posix=True)', () => {
  it.each(cases)('%j', (line, expected) => {
    expect(shlexSplit(line, true)).toEqual(expected);
  });

  it('rejects unclosed quotes and trailing escapes with Python\'s messages', () => {
    expect(() => shlexSplit('h x="abc', true)).toThrow(new ShlexError('No closing quotation'));
    expect(() => shlexSplit('h x=abc\\', true)).toThrow(new ShlexError('No escaped character'));
  });

  it('keeps # when comments are off (extra vars)', () => {
    expect(shlexSplit('a=1#2 b', false)).toEqual(['a=1#2', 'b']);
  });

  it.skipIf(!systemPython)('agrees with Python shlex on every row', () => {
    const py = pythonEval<string[][]>('import shlex\ndef fn(lines): return [shlex.split(l, comments=True) for l in lines]', cases.map(([l]) => l));
    expect(cases.map(([l]) => shlexSplit(l, true))).toEqual(py);
  });
});
