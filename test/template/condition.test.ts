import { describe, expect, it } from 'vitest';
import { compileCondition, evaluateCondition, evaluateWith } from '../../engine/template/condition.js';
import { TemplateError } from '../../engine/template/render.js';
import { pythonEval } from '../support/python.js';
import { hasAnsible } from '../support/oracle.js';
import { PyFloat } from '../../engine/util/py-float.js';

const vars: Record<string, unknown> = {
  groups: { etcd: ['m1', 'm2', 'm3'], 'primary-master': ['m1'], minions: [] },
  hostvars: { m1: { ansible_host: '10.0.0.1', role: 'master' } },
  h: 'm1',
  inventory_hostname: 'm2',
  n: 3,
  f: 1.5,
  s: 'Hello World',
  yes_str: 'yes',
  empty: '',
  none: null,
  list: [1, 2, 3],
  dict: { a: 1, b: [1, 2] },
  result: { rc: 0, stdout: 'Active: active (running)', changed: true, failed: false },
  version: '1.28.2',
  flag: true,
};
const lookup = (name: string): unknown => vars[name];

// [expression, value Ansible computes]
const cases: [string, unknown][] = [
  ['1 == 1', true],
  ['n == 3 and s != "x"', true],
  ['n > 2 or missing_var', true],
  ['not flag', false],
  ['not flag or n == 3', true],
  ['n < 5 < 10', true],
  ['(n + 1) * 2', 8],
  ['n // 2', 1],
  ['-7 % 3', 2],
  ['2 ** 3 ** 2', 64],
  ['-2 ** 2', 4],
  ['f * 2', new PyFloat(3)],
  ['"a" ~ n ~ none', 'a3None'],
  ['s ~ flag', 'Hello WorldTrue'],
  ['"World" in s', true],
  ['4 not in list', true],
  ['"a" in dict', true],
  ["groups['etcd'][0]", 'm1'],
  ["groups['etcd'] | length", 3],
  ["groups['etcd'] | length > 1", true],
  ["groups['primary-master'][0] == inventory_hostname", false],
  ['groups.etcd[-1]', 'm3'],
  ['groups.etcd[1:]', ['m2', 'm3']],
  ['hostvars[h].ansible_host', '10.0.0.1'],
  ["hostvars[groups['etcd'][0]]['role']", 'master'],
  ['missing is defined', false],
  ['missing is not defined', true],
  ['missing.deep is undefined', true],
  ['dict.a is defined', true],
  ['dict.zz is defined', false],
  ['missing | default(5)', 5],
  ['missing | default(5) + 1', 6],
  ['empty | default("x")', ''],
  ['empty | default("x", true)', 'x'],
  ['none | default("x")', null],
  ['yes_str | bool', true],
  ['"No" | bool', false],
  ['1 | bool', true],
  ['"42" | int + 1', 43],
  ['"4.7" | int', 4],
  ['"x" | int', 0],
  ['s | lower', 'hello world'],
  ['s.startswith("Hello")', true],
  ['s.split()', ['Hello', 'World']],
  ['s.split(" ")[1] | upper', 'WORLD'],
  ['list | first', 1],
  ['list | last', 3],
  ['list | join(",")', '1,2,3'],
  ['list | max', 3],
  ['[3, 1, 2] | sort', [1, 2, 3]],
  ['dict.keys() | list', ['a', 'b']],
  ['dict.get("zz", 9)', 9],
  ['result.rc == 0 and "running" in result.stdout', true],
  ['result is changed', true],
  ['result is failed', false],
  ['result is succeeded', true],
  ['result.stdout is search("act.ve")', true],
  ['result.stdout is match("Active")', true],
  ['result.stdout is match("active")', false],
  ["version is version('1.28', '>=')", true],
  ["version is version('1.30.0', '<')", true],
  ["version is version('1.28.2', 'eq')", true],
  ['n is divisibleby 3', true],
  ['n is even', false],
  ['none is none', true],
  ['list is iterable', true],
  ['n is number and s is string', true],
  ['1 if flag else 2', 1],
  ['"a" if not flag else "b"', 'b'],
  ['[1, "a"] + [2]', [1, 'a', 2]],
  ['{"k": n}', { k: 3 }],
  ['True == 1', true],
  ['1 == 1.0', true],
  ['"1.20" | float', 1.2],
  ['result.stdout | regex_search("[(][a-z]+[)]")', '(running)'],
  ['s | replace("World", "There")', 'Hello There'],
  ['groups.minions | length == 0', true],
];

describe('conditions (Ansible/Jinja2 expression syntax)', () => {
  it.each(cases)('%s', (expr, expected) => {
    expect(evaluateWith(compileCondition(expr, { file: 'play.yaml', line: 3 }), lookup)).toEqual(expected);
  });

  it.skipIf(!hasAnsible)("agrees with Ansible's Templar on every row", () => {
    const py = pythonEval<{ value?: unknown; error?: string }[]>(
      `import json
from ansible.template import Templar
from ansible.parsing.dataloader import DataLoader
def fn(arg):
    out = []
    for expr in arg['exprs']:
        t = Templar(loader=DataLoader(), variables=arg['vars'])
        try:
            r = t.template('{{ "X" ~ ((' + expr + ') | to_json) }}')
            out.append({'value': json.loads(r[1:])})
        except Exception as e:
            out.append({'error': type(e).__name__})
    return out`,
      { exprs: cases.map(([e]) => e), vars },
    );
    // through JSON, as the Python side is (3.0 is 3 there)
    expect(py.map((r, i) => [cases[i]?.[0], r.value])).toEqual(cases.map(([e, v]) => [e, JSON.parse(JSON.stringify(v ?? null)) as unknown]));
  });

  it('requires a boolean result, as recent Ansible does', () => {
    const c = compileCondition('list', { file: 'play.yaml', line: 7 });
    expect(() => evaluateCondition(c, lookup)).toThrow(TemplateError);
    expect(() => evaluateCondition(c, lookup)).toThrow('gave [1,2,3], not a boolean');
    expect(evaluateCondition(compileCondition('list | length > 0', { file: 'p', line: 1 }), lookup)).toBe(true);
    expect(evaluateCondition(compileCondition(true, { file: 'p', line: 1 }), lookup)).toBe(true);
  });

  it('reports an undefined variable with its name and column', () => {
    const c = compileCondition('n == 3 and missing == 2', { file: 'roles/x/tasks/main.yaml', line: 12, col: 11 });
    try {
      evaluateCondition(c, lookup);
      expect.unreachable();
    } catch (e) {
      const err = e as TemplateError;
      expect(err.message).toBe(`error in condition "n == 3 and missing == 2" at column 12: 'missing' is undefined`);
      expect(err.pos).toEqual({ file: 'roles/x/tasks/main.yaml', line: 12, col: 11 });
    }
  });

  it.each([
    ['n ==', 5, 'expected a value'],
    ['n = 3', 3, "unexpected text after the expression, got '='"],
    ['(n', 3, "expected ')'"],
    ["groups['etcd'", 14, "expected ']'"],
    ['n | ', 4, 'expected a filter or test name'],
    ['"open', 1, 'unterminated string'],
    ['n $ 2', 3, "unexpected character '$'"],
  ])('syntax error in %j at column %i', (expr, col, message) => {
    try {
      compileCondition(expr, { file: 'p.yaml', line: 2 });
      expect.unreachable();
    } catch (e) {
      const err = e as TemplateError;
      expect(err).toBeInstanceOf(TemplateError);
      expect(err.message).toContain(`at column ${col}: ${message}`);
      expect(err.pos).toMatchObject({ file: 'p.yaml', line: 2 });
    }
  });

  it.each([
    ['s.__class__', "'str object' has no attribute '__class__'"],
    ['dict.constructor', "'dict object' has no attribute 'constructor'"],
    ['dict["__proto__"]', "'dict object' has no attribute '__proto__'"],
    ['list.constructor', "'list object' has no attribute 'constructor'"],
    ['s.toString()', "'str object' has no attribute 'toString'"],
    ['lookup("pipe", "id")', 'is undefined'],
    ['dict.a()', 'is not callable'],
    ['range', "'range' is undefined"],
    ['range.__call__(3)', 'is undefined'],
  ])('gives no access to prototypes or functions: %s', (expr, message) => {
    expect(() => evaluateWith(compileCondition(expr, { file: 'p', line: 1 }), lookup)).toThrow(message);
  });

  it('unwraps {{ }} in conditions with a warning, as Ansible does', () => {
    const c = compileCondition('{{ n == 3 }}', { file: 'p', line: 1 });
    expect(c.warning).toContain('should not include jinja2 templating delimiters');
    expect(evaluateCondition(c, lookup)).toBe(true);
  });
});
