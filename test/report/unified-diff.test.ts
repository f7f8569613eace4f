// --diff's unified diffs against Python's difflib as Ansible's callback (_get_diff) calls it: the texts
// split with splitlines(keepends), a last line without a line break marked, unified_diff with 3 lines of context.
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../engine/report/unified-diff.js';
import { pythonEval, systemPython } from '../support/python.js';

const CALLBACK = `
import difflib
def one(before, after):
    before_lines = before.splitlines(True)
    after_lines = after.splitlines(True)
    if before_lines and not before_lines[-1].endswith('\\n'):
        before_lines[-1] += '\\n\\\\ No newline at end of file\\n'
    if after_lines and not after_lines[-1].endswith('\\n'):
        after_lines[-1] += '\\n\\\\ No newline at end of file\\n'
    return ''.join(difflib.unified_diff(before_lines, after_lines, fromfile='before: f', tofile='after: f', fromfiledate='', tofiledate='', n=3))
def fn(cases):
    return [one(b, a) for b, a in cases]
`;

const lines = (n: number, f: (i: number) => string = String): string => Array.from({ length: n }, (_, i) => f(i + 1) + '\n').join('');

// a small random generator (mulberry32) so that the cases are the same on every run
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// a text of lines from a few words (lines repeat, as braces and blank lines do in configuration files), and
// an edit of it: lines changed, removed, added and moved; sometimes no final line break
function edited(seed: number, size: number): [string, string] {
  const r = random(seed);
  const words = ['{', '}', '', 'listen 80;', 'server {', 'include x;', 'a', 'b', 'c'];
  const pick = (): string => (r() < 0.5 ? (words[Math.floor(r() * words.length)] as string) : `line ${Math.floor(r() * size * 2)}`);
  const before = Array.from({ length: size }, pick);
  const after: string[] = [];
  for (const l of before) {
    const x = r();
    if (x < 0.1) continue;
    if (x < 0.2) after.push(pick());
    else if (x < 0.25) after.push(pick(), l);
    else after.push(l);
  }
  const text = (ls: string[]): string => ls.join('\n') + (r() < 0.8 ? '\n' : '');
  return [text(before), text(after)];
}

const cases: [string, string][] = [
  ['x\n', 'x'],
  ['x', 'y'],
  ['a\nb\nc\n', 'a\nX\nb\nc\n'],
  [lines(12), lines(12, (i) => (i === 3 ? 'X' : i === 11 ? 'Y' : String(i)))],
  [lines(30), lines(30, (i) => (i === 3 || i === 25 ? 'changed' : String(i)))],
  ['', 'new\n'],
  ['old\n', ''],
  ['a\nb\n', 'b\na\n'],
  // line endings other than \n, as splitlines reads them
  ['a\r\nb\r\n', 'a\r\nc\r\n'],
  ['a\rb\n', 'a\rc\n'],
  ['one\u2028two\n', 'one\u2028three\n'],
  ['a\vb\fc\x1cd\x85e\n', 'a\vB\fc\x1cd\x85e\n'],
  // a long text: lines in more than 1% of 200 or more are "popular" to difflib
  [lines(300, (i) => (i % 3 === 0 ? '}' : `l${i}`)), lines(300, (i) => (i % 3 === 0 ? '}' : i === 150 ? 'changed' : `l${i}`))],
  ...Array.from({ length: 40 }, (_, i) => edited(i + 1, 5 + ((i * 7) % 60))),
  ...Array.from({ length: 6 }, (_, i) => edited(100 + i, 220 + i * 40)),
];

describe.skipIf(!systemPython)('unified diff (--diff) as Ansible prints it', () => {
  it(`gives difflib's lines for ${cases.length} pairs of texts`, () => {
    const theirs = pythonEval<string[]>(CALLBACK, cases);
    const wrong = cases.map(([before, after], i) => ({ before, after, ours: unifiedDiff(before, after, 'f', 'f'), theirs: theirs[i] })).filter((c) => c.ours !== c.theirs);
    expect(wrong.map((c) => `${JSON.stringify([c.before, c.after])}\nansible:\n${c.theirs}\nkplay:\n${c.ours}`)).toEqual([]);
  });

  it('is empty for equal texts, and names a header not given bare', () => {
    expect(unifiedDiff('a\n', 'a\n', 'f', 'f')).toBe('');
    expect(unifiedDiff('a\n', 'b\n', undefined, undefined)).toBe('--- before\n+++ after\n@@ -1 +1 @@\n-a\n+b\n');
  });
});
