// The actions that run on the controller (debug, assert, fail, set_fact, validate_argument_spec, pause)
// against Ansible's own: the same tasks under kplay and ansible-playbook, each registered, and every
// result key compared (the variables they read set by earlier tasks).
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed' | 'skipped'][] = [
  [{ set_fact: { port: 6443, name: 'api', nested: { a: [1, 'x'] } } }, 'ok'],
  [{ set_fact: { cached: 'yes', cacheable: true } }, 'ok'],
  [{ set_fact: { flag: 'yes', num: '12', text: '{{ port }}' } }, 'ok'],
  [{ debug: { msg: 'port {{ port }}' } }, 'ok'],
  [{ debug: null }, 'ok'],
  [{ debug: { msg: { a: 1, b: ['{{ name }}'] } } }, 'ok'],
  [{ debug: { msg: ['one', 2] } }, 'ok'],
  [{ debug: { var: 'port' } }, 'ok'],
  [{ debug: { var: 'nested.a[1]' } }, 'ok'],
  [{ debug: { var: 'nested' } }, 'ok'],
  [{ debug: { var: 'missing_var' } }, 'ok'],
  [{ debug: { var: 'port + 1' } }, 'ok'],
  [{ debug: { var: 'missing_var + 1' } }, 'ok'],
  [{ debug: { var: "nested['zz'] | default(missing_var)" } }, 'ok'],
  [{ debug: { var: 'name' } }, 'ok'],
  [{ debug: { var: 'flag' } }, 'ok'],
  [{ debug: { msg: 'hidden', verbosity: 2 } }, 'skipped'],
  [{ debug: { var: 'port', verbosity: '1' } }, 'skipped'],
  [{ assert: { that: ['port == 6443', 'name == "api"'] } }, 'ok'],
  [{ assert: { that: 'port > 1' } }, 'ok'],
  [{ assert: { that: "name in ['api', 'web']" } }, 'ok'],
  [{ assert: { that: "name in ['x', 'y']", fail_msg: 'a, b' } }, 'failed'],
  [{ assert: { that: ['port == 6443', 'name == "web"'] } }, 'failed'],
  [{ assert: { that: ['port == 1'], fail_msg: 'port is {{ port }}' } }, 'failed'],
  [{ assert: { that: ['port == 1'], msg: 'via msg' } }, 'failed'],
  [{ assert: { that: ['port == 6443'], success_msg: 'fine {{ name }}' } }, 'ok'],
  [{ assert: { that: ['port == 6443'], quiet: true } }, 'ok'],
  [{ assert: { that: ['port == 1'], quiet: 'yes' } }, 'failed'],
  [{ assert: { that: ['port == 1'], fail_msg: ['first', 'second'] } }, 'failed'],
  [{ assert: { that: ['nested.a | length == 2', 'missing_var is undefined'] } }, 'ok'],
  // (a condition that is not a boolean, `that: port`, is an error in kplay as in recent Ansible: docs/conditions.md)
  [{ assert: { that: ['port == 6443', '{{ name == "api" }}'] } }, 'ok'],
  [{ assert: { that: [true, 'flag | bool'] } }, 'ok'],
  [{ assert: { that: 'missing_var is defined', fail_msg: '{{ name }} lacks it', success_msg: 'unused' } }, 'failed'],
  [{ set_fact: { 'bad-name': 1 } }, 'failed'],
  [{ set_fact: { class: 1 } }, 'failed'],
  [{ set_fact: { _ok9: 1 } }, 'ok'],
  [{ set_fact: { 'ünicode': 2 } }, 'failed'],
  [{ set_fact: { empty_list: [], none_value: null, cacheable: 'no' } }, 'ok'],
  [{ debug: { var: 'none_value' } }, 'ok'],
  [{ debug: { var: 'empty_list' } }, 'ok'],
  [{ debug: { var: 'nested.a | to_json' } }, 'ok'],
  [{ debug: { var: 'name ~ "!"' } }, 'ok'],
  [{ debug: { var: 'port > 1' } }, 'ok'],
  [{ debug: { msg: '{{ port }}' } }, 'ok'],
  [{ debug: { msg: '{{ nested }}' } }, 'ok'],
  [{ debug: { msg: 'x', verbosity: 0 } }, 'ok'],
  [{ assert: { that: ['missing_var is defined'], fail_msg: { a: 1 } } }, 'failed'],
  [{ assert: { that: ['port == 6443'], success_msg: ['ok', 5] } }, 'failed'],
  [{ assert: { that: ['port == 6443'], msg: 12 } }, 'failed'],
  [{ fail: null }, 'failed'],
  [{ fail: { msg: 'stop at {{ port }}' } }, 'failed'],
  [{ fail: { msg: { reason: 'dict' } } }, 'failed'],
  [{ validate_argument_spec: { argument_spec: { port: { type: 'int', required: true }, name: { choices: ['api', 'web'] } } } }, 'ok'],
  [{ validate_argument_spec: { argument_spec: { a: { type: 'int', required: true }, b: { type: 'bool' }, c: { type: 'float' }, d: { type: 'dict' }, e: { type: 'list' }, port: { type: 'list', elements: 'str' } }, provided_arguments: { b: 'maybe', c: 'x', d: 'nope', e: { x: 1 } } } }, 'failed'],
  [{ validate_argument_spec: { argument_spec: { nodes: { type: 'list', elements: 'dict', options: { name: { required: true } } }, name: { choices: ['web'] } }, provided_arguments: { nodes: [{ ip: 1 }] } } }, 'failed'],
  [{ validate_argument_spec: { argument_spec: { a: { type: 'int', aliases: ['aa'] }, nodes: { type: 'list', elements: 'dict', options: { name: { required: true, aliases: ['n'] } } } }, provided_arguments: { aa: '7', zz: 1, nodes: [{ n: 'x' }] } } }, 'failed'],
  [{ validate_argument_spec: { argument_spec: { nodes: { type: 'list', elements: 'dict', options: { name: { required: true }, sub: { type: 'dict', options: { x: { type: 'int', aliases: ['ex'] } } } } } }, provided_arguments: { nodes: [{ name: 'a', sub: { ex: 1, w: 2 } }] } } }, 'failed'],
  [{ pause: { seconds: 1 } }, 'ok'],
  [{ pause: { seconds: '0' } }, 'ok'],
  [{ pause: { seconds: 0.4, echo: false } }, 'ok'],
  [{ pause: { minutes: 0 } }, 'ok'],
  [{ pause: { prompt: 'no terminal here' } }, 'ok'],
  [{ pause: { seconds: '1.5' } }, 'failed'],
];

describe.skipIf(!hasAnsible || !canSandbox())('controller actions, kplay vs ansible-playbook', () => {
  const run = bothEngines(steps.map(([t]) => t));
  const shown = (r: EngineRun): unknown[] =>
    r.results.map((x) => {
      // (times differ by nature; the pause's measured length is checked to a tenth of a second; Ansible's
      // failed argument checks carry an empty traceback, `exception`, kplay's do not; Ansible names a YAML
      // string's class AnsibleUnicode where kplay says str; its set of booleans is in Python's hash order)
      const { invocation: _i, start: _s, stop: _t, exception: _e, ...rest } = x;
      const text = JSON.stringify(rest).split('ansible.parsing.yaml.objects.AnsibleUnicode').join('str').replace(/Valid booleans include: [^"\\]*/g, 'Valid booleans include: …');
      const same = JSON.parse(text) as Record<string, unknown>;
      return typeof same.stdout === 'string' ? { ...same, stdout: same.stdout.replace(/(\d+\.\d)\d*/, '$1') } : same;
    });

  it('every task reports what Ansible reports, with the same keys and messages', () => {
    const outcomes = (r: EngineRun): string[] => r.results.map((x) => (x.skipped === true ? 'skipped' : outcome(x)));
    expect(outcomes(run().ansible)).toEqual(steps.map(([, o]) => o));
    expect(outcomes(run().kplay)).toEqual(outcomes(run().ansible));
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
  });

  it("pause's start and stop are Python's datetime text", () => {
    for (const r of run().kplay.results.filter((x) => x.start !== undefined)) expect(r.start).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/);
  });
});

// with -v, debug's var shows why a value is undefined, in Jinja's words; a list or dict var is never templated twice
const verbose: Record<string, unknown>[] = [
  { set_fact: { d: { a: 1, n: 3 }, l: [1, 2] } },
  { command: 'echo hi' },
  { debug: { var: 'd.b' } },
  { debug: { var: 'd.b.c' } },
  { debug: { var: 'd[1]' } },
  { debug: { var: 'l[5]' } },
  { debug: { var: "l['x']" } },
  { debug: { var: 'd.n.x' } },
  { debug: { var: 'missing.x.y' } },
  { debug: { var: 'groups.nogroup' } },
  { debug: { var: 'hostvars.localhost.nokey' } },
  { debug: { var: "hostvars['nohost'].x" } },
  { debug: { var: 'vars.nokey' } },
  { debug: { var: "vars['d'].a" } },
  // a loop's variable is not among vars, as Ansible's vars is the task's variables before the loop
  { debug: { msg: "{{ vars.item | default('none') }} {{ item }}" }, loop: [7] },
  { debug: { var: '([] | first)' } },
  { debug: { var: '(l | first).x' } },
  { debug: { var: ['d', '{{ l }}'] } },
  { debug: { var: { k: 'd' } } },
];

describe.skipIf(!hasAnsible || !canSandbox())('debug var with -v, kplay vs ansible-playbook', () => {
  const run = bothEngines(verbose, {}, ['-v']);
  it("names what is undefined as Jinja does ('dict object' has no attribute 'b')", () => {
    const shown = (r: EngineRun): unknown[] => r.results.slice(2);
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
  });
});
