// Where a task's src: is looked for on the controller, against ansible-playbook: a dependency's task finds a
// file in the files/ of the role depending on it, a task file's own directory comes before the playbook's,
// include_vars looks in vars/ the same way, and a file found nowhere fails with Ansible's message naming
// every path searched, in its order.
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const runnable = hasAnsible && canSandbox();

const FILES: Record<string, string> = {
  'roles/base/tasks/main.yml': [
    '- copy: { src: shared.txt, dest: "{{ out }}/shared" }',
    '  register: dep_copy',
    '- copy: { src: files/nothing.txt, dest: "{{ out }}/nothing" }',
    '  register: dep_missing',
    '  ignore_errors: true',
    '',
  ].join('\n'),
  'roles/r/meta/main.yml': 'dependencies: [base]\n',
  'roles/r/tasks/main.yml': '- debug: { msg: "r runs" }\n',
  'roles/r/files/shared.txt': 'from the depending role\n',
  'inc/t.yml': [
    '- template: { src: prec.j2, dest: "{{ out }}/prec" }',
    '- template: { src: nothing.j2, dest: "{{ out }}/nothing2" }',
    '  register: inc_missing',
    '  ignore_errors: true',
    '- include_vars: v.yml',
    '- include_vars: nothing.yml',
    '  register: vars_missing',
    '  ignore_errors: true',
    '',
  ].join('\n'),
  'inc/templates/prec.j2': "the task file's own\n",
  'templates/prec.j2': "the playbook's\n",
  'inc/vars/v.yml': 'which_vars: the task file\'s own\n',
  'vars/v.yml': "which_vars: the playbook's\n",
};

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ file: { path: '@WORK@/out', state: 'directory' } }, 'changed'],
  [{ set_fact: { out: '@WORK@/out' } }, 'ok'],
  [{ include_role: { name: 'r' } }, 'ok'],
  [{ debug: { msg: '{{ dep_copy.failed | default(false) }} {{ dep_missing.msg }}' } }, 'ok'],
  [{ include_tasks: 'inc/t.yml' }, 'ok'],
  [{ debug: { msg: '{{ inc_missing.msg }}' } }, 'ok'],
  [{ debug: { msg: '{{ which_vars }}: {{ vars_missing.message }} {{ vars_missing.ansible_included_var_files }}' } }, 'ok'],
  [{ command: 'cat @WORK@/out/shared @WORK@/out/prec' }, 'changed'],
  [{ copy: { src: 'nothing.txt', dest: '@WORK@/out/x' } }, 'failed'],
  [{ script: 'nothing.sh' }, 'failed'],
];

describe.skipIf(!runnable)("a task's src: on the controller, kplay vs ansible-playbook", () => {
  const run = bothEngines(
    steps.map(([t]) => t),
    FILES,
  );
  const work = (r: EngineRun): string => `${r.sandbox.dir}/work`;
  const said = (r: EngineRun): unknown[] => r.results.map((x, i) => ({ i, outcome: outcome(x), msg: String(x.msg ?? '').split(work(r)).join('@WORK@'), stdout: x.stdout }));

  it("finds the same files and fails with the same messages", () => {
    expect(said(run().kplay)).toEqual(said(run().ansible));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
    expect(run().kplay.results[7]?.stdout).toBe("from the depending role\nthe task file's own");
    expect(said(run().kplay)[3]).toMatchObject({ msg: expect.stringContaining('False Could not find or access') });
    expect(said(run().kplay)[6]).toMatchObject({ msg: expect.stringMatching(/^the task file's own: Could not find or access 'nothing.yml'[^]* \[\]$/) });
    expect(String(run().kplay.results[8]?.msg)).toContain('\nSearched in:\n\t');
  });
});
