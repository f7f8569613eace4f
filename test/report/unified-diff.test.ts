import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../engine/report/unified-diff.js';
import { writeTree } from '../support/tree.js';

const lines = (n: number, f: (i: number) => string = String): string => Array.from({ length: n }, (_, i) => f(i + 1) + '\n').join('');

// [before, after]
const cases: [string, string][] = [
  ['x\n', 'x'],
  ['a\nb\nc\n', 'a\nX\nb\nc\n'],
  [lines(12), lines(12, (i) => (i === 3 ? 'X' : i === 11 ? 'Y' : String(i)))],
  [lines(30), lines(30, (i) => (i === 3 || i === 25 ? 'changed' : String(i)))],
  ['', 'new\n'],
  ['old\n', ''],
  ['a\nb\n', 'b\na\n'],
];

describe('unified diff (--diff)', () => {
  it.each(cases)('matches diff -u for %j -> %j', (before, after) => {
    const dir = writeTree({});
    writeFileSync(join(dir, 'a'), before);
    writeFileSync(join(dir, 'b'), after);
    let ref: string;
    try {
      ref = execFileSync('diff', ['-u', '--label', 'before: f', '--label', 'after: f', join(dir, 'a'), join(dir, 'b')]).toString();
    } catch (e) {
      ref = (e as { stdout: Buffer }).stdout.toString();
    }
    expect(unifiedDiff(before, after, 'f', 'f')).toBe(ref);
  });

  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', 'f', 'f')).toBe('');
  });
});
