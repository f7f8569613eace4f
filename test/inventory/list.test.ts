import { describe, expect, it } from 'vitest';
import { dumpJson, dumpYaml } from '../../engine/inventory/list.js';
import { pyRepr } from '../../engine/util/python-repr.js';
import { PyTuple } from '../../engine/inventory/python-literal.js';
import { parseYaml } from '../../engine/yaml/load.js';
import { pythonEval, systemPython } from '../support/python.js';

describe('inventory output formats', () => {
  it('writes YAML that a YAML 1.1 reader (Ansible) reads back unchanged', () => {
    const value = { a: 'on', b: 'y', c: '0644', d: '1:20', e: '1.20', f: 'No', g: '~', h: 'plain', n: [1, 'yes'] };
    expect(parseYaml(dumpYaml(value), 'out.yaml').value).toEqual(value);
  });

  it('sorts JSON keys and indents by 4 like ansible-inventory', () => {
    expect(dumpJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{\n    "a": {\n        "c": 3,\n        "d": 2\n    },\n    "b": 1\n}');
  });

  const values: unknown[] = [null, true, 1, -2.5, 'it\'s', 'say "hi"', 'both \' and "', 'tab\there', [1, 'a', null], { k: [true] }, PyTuple.fromItems([1]), PyTuple.fromItems([1, 'x'])];
  it.skipIf(!systemPython)("prints values as Python's repr() does (for --graph --vars)", () => {
    const py = pythonEval<string[]>(
      'def fn(vs): return [repr(tuple(v["t"]) if isinstance(v, dict) and "t" in v else v) for v in vs]',
      values.map((v) => (v instanceof PyTuple ? { t: [...v] } : v)),
    );
    expect(values.map(pyRepr)).toEqual(py);
  });
});
