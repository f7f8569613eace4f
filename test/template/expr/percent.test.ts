// Python's % formatting (percent.ts) row by row: each row's expected text or error is what CPython gave
// when the row was written, and where the system Python is here the same row is evaluated there too.
import { describe, expect, it } from 'vitest';
import { literalEval } from '../../../engine/inventory/python-literal.js';
import { percentFormat } from '../../../engine/template/expr/percent.js';
import { pythonEval, systemPython } from '../../support/python.js';

// [format, the right operand as Python writes it, 'out' or 'error', Python's text or message]
const rows: [string, string, 'out' | 'error', string][] = [
  ["%s:%d", "('10.0.0.1', 6443)", "out", "10.0.0.1:6443"],
  ["%5.1f|%-6.2e|%#g", "(2.25, 0.5, 3.0)", "out", "  2.2|5.00e-01|3.00000"],
  ["%.0f %.0f %.0f %.0f", "(0.5, 1.5, 2.5, -0.5)", "out", "0 2 2 -0"],
  ["%.2f", "(2.675,)", "out", "2.67"],
  ["%.1f", "(0.25,)", "out", "0.2"],
  ["%f", "(1e22,)", "out", "10000000000000000000000.000000"],
  ["%.3e", "(9.9996,)", "out", "1.000e+01"],
  ["%g %g %g", "(1e-5, 123456789.0, 0.0001)", "out", "1e-05 1.23457e+08 0.0001"],
  ["%#.3g %G", "(1, 1e-10)", "out", "1.00 1E-10"],
  ["% 05d|%+.3d|%-4d|", "(-3, 5, 7)", "out", "-0003|+005|7   |"],
  ["%#x %#X %#o %x", "(255, 3054, 8, -255)", "out", "0xff 0XBEE 0o10 -ff"],
  ["%*d|%-*d|%.*f", "(5, 3, 4, 2, 2, 3.14159)", "out", "    3|2   |3.14"],
  ["%c%c", "(233, 'b')", "out", "éb"],
  ["%r %a", "('x', 'é')", "out", "'x' '\\xe9'"],
  ["%(name)s:%(port)05d %%", "{'name': 'https', 'port': 443}", "out", "https:00443 %"],
  ["%s", "[1, 2]", "out", "[1, 2]"],
  ["abc", "{'a': 1}", "out", "abc"],
  ["%.2s", "('abc',)", "out", "ab"],
  ["%d", "('x',)", "error", "%d format: a real number is required, not str"],
  ["%x", "(1.5,)", "error", "%x format: an integer is required, not float"],
  ["%f", "('x',)", "error", "must be real number, not str"],
  ["%c", "('ab',)", "error", "%c requires int or char"],
  ["%c", "(1114112,)", "error", "%c arg not in range(0x110000)"],
  ["%z", "(1,)", "error", "unsupported format character 'z' (0x7a) at index 1"],
  ["%s %s", "(1,)", "error", "not enough arguments for format string"],
  ["%s", "(1, 2)", "error", "not all arguments converted during string formatting"],
  ["abc", "5", "error", "not all arguments converted during string formatting"],
  ["%(a)s", "1", "error", "format requires a mapping"],
  ["%(a", "{'a': 1}", "error", "incomplete format key"],
  ["%", "()", "error", "incomplete format"],
  ["%-5%", "()", "error", "not enough arguments for format string"],
  ["%5%", "(1,)", "error", "unsupported format character '%' (0x25) at index 2"],
  ["%d", "(None,)", "error", "%d format: a real number is required, not NoneType"],
  ["%*d", "('x', 1)", "error", "* wants int"],
];

const ours = (fmt: string, args: string): ['out' | 'error', string] => {
  try {
    return ['out', percentFormat(fmt, literalEval(args).value, 0)];
  } catch (e) {
    return ['error', (e as Error).message];
  }
};

describe("Python's % formatting", () => {
  it.each(rows)('%j % %s', (fmt, args, kind, text) => {
    expect(ours(fmt, args)).toEqual([kind, text]);
  });

  it.skipIf(!systemPython)('gives what the system Python gives for every row', () => {
    const code = "import ast\ndef fn(rows):\n  out = []\n  for f, a in rows:\n    try: out.append(['out', f % ast.literal_eval(a)])\n    except Exception as e: out.append(['error', str(e)])\n  return out";
    const python = pythonEval<[string, string][]>(code, rows.map(([f, a]) => [f, a]));
    expect(rows.map(([f, a]) => ours(f, a))).toEqual(python);
  });
});
