// include_vars' directory options (dir, depth, files_matching, ignore_files, extensions,
// ignore_unknown_extensions) and hash_behaviour, which were accepted and ignored (a `dir:` failed reading a
// directory as a file). Rows: arguments -> the files read (in order), the variables or the failure; each
// expectation is what Ansible 2.14's action gave on the same tree (the playbook rows at the end compare
// with ansible-playbook live where it is installed).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { includeVarsResult } from '../../engine/runner/include-vars.js';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const TREE = {
  'vars/d/one.yml': 'a: 1\n',
  'vars/d/two.yaml': 'b: 2\na: 2\n',
  'vars/d/four.json': '{"j": 4}\n',
  'vars/d/skip.txt': 'x=1\n',
  'vars/d/sub/three.yml': 'c: 3\n',
  'vars/d/sub/deeper/five.yml': 'e: 5\n',
  'vars/bad/a.yml': '- 1\n',
  'vars/m.yml': 'm: {y: 2}\n',
};

const root = writeTree(TREE);

function run(args: Record<string, unknown>, current: Record<string, unknown> = {}, rolePath?: string): ReturnType<typeof includeVarsResult> {
  return includeVarsResult({ args, rolePath, taskDir: root, find: (f) => join(root, f), missing: (f) => `missing ${f}`, current: (n) => current[n] });
}

const names = (r: ReturnType<typeof includeVarsResult>): string[] => (r.result.ansible_included_var_files as string[]).map((f) => f.slice(root.length + 1));

describe('include_vars', () => {
  it.each([
    ['a directory with a file of another extension fails there, naming it; what was read before stays listed', { dir: 'vars/d' }, ['vars/d/four.json', 'vars/d/one.yml'], undefined, 'vars/d/skip.txt does not have a valid extension: yaml, yml, json'],
    ['ignore_unknown_extensions: the walk goes on, each directory sorted, later files winning', { dir: 'vars/d', ignore_unknown_extensions: true }, ['vars/d/four.json', 'vars/d/one.yml', 'vars/d/two.yaml', 'vars/d/sub/three.yml', 'vars/d/sub/deeper/five.yml'], { j: 4, a: 2, b: 2, c: 3, e: 5 }, undefined],
    ['depth: 2 takes the first two directories in sorted order', { dir: 'vars/d', ignore_unknown_extensions: true, depth: 2 }, ['vars/d/four.json', 'vars/d/one.yml', 'vars/d/two.yaml', 'vars/d/sub/three.yml'], { j: 4, a: 2, b: 2, c: 3 }, undefined],
    ['files_matching and extensions', { dir: 'vars/d', files_matching: '^t', extensions: ['yml', 'yaml'] }, ['vars/d/two.yaml', 'vars/d/sub/three.yml'], { a: 2, b: 2, c: 3 }, undefined],
    ['ignore_files as a string of patterns, matched at the end of the name', { dir: 'vars/d', ignore_files: 'skip.txt two.yaml', depth: 1 }, ['vars/d/four.json', 'vars/d/one.yml'], { j: 4, a: 1 }, undefined],
    ['name holds them all', { dir: 'vars/d/sub', name: 'got' }, ['vars/d/sub/three.yml', 'vars/d/sub/deeper/five.yml'], { got: { c: 3, e: 5 } }, undefined],
    ['a file that is not a mapping', { dir: 'vars/bad' }, [], undefined, 'vars/bad/a.yml must be stored as a dictionary/hash'],
    ['a directory that is not there', { dir: 'nosuch' }, [], undefined, 'nosuch directory does not exist'],
  ])('%s', (_name, args, files, vars, failure) => {
    const r = run(args);
    expect(names(r)).toEqual(files);
    if (failure) {
      expect(r.result.failed).toBe(true);
      expect(String(r.result.message)).toBe(join(root, failure));
      expect(r.vars).toBeUndefined();
    } else expect(r.vars).toEqual(vars);
  });

  it('file and dir options together fail with Ansible\'s words', () => {
    expect(run({ dir: 'vars/d', file: 'x.yml' }).result).toEqual({ failed: true, msg: 'You are mixing file only and dir only arguments, these are incompatible' });
  });

  it('hash_behaviour: merge merges mappings into the values the host has (replace replaces)', () => {
    expect(run({ file: 'vars/m.yml', hash_behaviour: 'merge' }, { m: { x: 1, y: 1 } }).vars).toEqual({ m: { x: 1, y: 2 } });
    expect(run({ file: 'vars/m.yml', hash_behaviour: 'replace' }, { m: { x: 1, y: 1 } }).vars).toEqual({ m: { y: 2 } });
  });

  it("in a role, dir is under the role's vars/ (or the role's own vars/... path)", () => {
    const role = writeTree({ 'vars/os/a.yml': 'o: 1\n', 'vars/main.yml': 'x: 1\n' });
    expect(run({ dir: 'os' }, {}, role).vars).toEqual({ o: 1 });
    expect(run({ dir: 'vars/os' }, {}, role).vars).toEqual({ o: 1 });
  });

  it.runIf(hasAnsible)('a playbook reads the same files and values under ansible-playbook', () => {
    const dir = writeTree({ ...TREE, 'site.yaml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - include_vars: {dir: vars/d, ignore_unknown_extensions: true, depth: 2}\n      register: r\n    - debug: msg="{{ r.ansible_included_var_files | map(\'basename\') | join(\',\') }} {{ a }} {{ c }}"\n' });
    const kplay = playMessages(ENGINES.kplay, dir);
    expect(kplay.msgs, kplay.text).toEqual(['four.json,one.yml,two.yaml,three.yml 2 3']);
    expect(playMessages(ENGINES.ansible, dir).msgs).toEqual(kplay.msgs);
  });
});
