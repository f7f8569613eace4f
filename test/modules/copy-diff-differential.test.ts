// copy's and template's --diff against Ansible's actions: each engine in its own sandbox with --diff, the
// diff each task registers compared key by key (the destination named only when it existed, the source
// as the after header, a binary or too large side skipped with its reason; none for remote_src or a
// directory of several files) and the lines the console prints for it (a blank line after each unified
// diff, nothing for a result changed_when made unchanged). Where the bytes are there already, the diff is
// the file module's, of the attributes (the mode, the owner's id). Where Ansible names a temporary copy of its
// source (content, a rendered template), kplay names "dynamically generated" or the template: both are
// written as TEMP/ and the file's name. replace's and ini_file's diff is one mapping, as their modules register it.
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, printedTasks, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const steps: [Record<string, unknown>, 'changed' | 'ok'][] = [
  [{ copy: { src: 'a.txt', dest: '@WORK@/out/new.txt' } }, 'changed'],
  [{ copy: { src: 'a.txt', dest: '@WORK@/out/new.txt' } }, 'ok'],
  [{ copy: { src: 'b.txt', dest: '@WORK@/out/new.txt' } }, 'changed'],
  [{ copy: { content: 'one\ntwo\n', dest: '@WORK@/out/c.txt' } }, 'changed'],
  [{ copy: { content: 'one\nthree', dest: '@WORK@/out/c.txt' } }, 'changed'],
  [{ copy: { src: 'blob.bin', dest: '@WORK@/out/blob' } }, 'changed'],
  [{ copy: { src: 'a.txt', dest: '@WORK@/out/blob' } }, 'changed'],
  [{ copy: { src: 'big.txt', dest: '@WORK@/out/c.txt' } }, 'changed'],
  [{ copy: { src: 'a.txt', dest: '@WORK@/out/big.txt' } }, 'changed'],
  [{ copy: { src: 'tree/', dest: '@WORK@/out/tree/' } }, 'changed'],
  [{ copy: { src: 'solo/', dest: '@WORK@/out/solo/' } }, 'changed'],
  [{ copy: { src: '@WORK@/out/c.txt', dest: '@WORK@/out/remote.txt', remote_src: true } }, 'changed'],
  [{ template: { src: 't.j2', dest: '@WORK@/out/t.conf' }, vars: { port: 1 } }, 'changed'],
  [{ template: { src: 't.j2', dest: '@WORK@/out/t.conf' }, vars: { port: 2 } }, 'changed'],
  [{ copy: { content: 'hidden\n', dest: '@WORK@/out/t.conf' }, changed_when: false }, 'ok'],
  [{ copy: { content: 'checked\n', dest: '@WORK@/out/checked.txt' }, check_mode: true }, 'changed'],
  // the bytes there already: the file module's diff of the attributes
  [{ copy: { src: 'b.txt', dest: '@WORK@/out/new.txt', mode: '0600' } }, 'changed'],
  [{ copy: { src: 'b.txt', dest: '@WORK@/out/new.txt', mode: 'g+r', owner: 'nobody' } }, 'changed'],
  [{ copy: { src: 'b.txt', dest: '@WORK@/out/new.txt', mode: 'g+r', owner: 'nobody' } }, 'ok'],
  [{ copy: { content: 'one\nthree', dest: '@WORK@/out/c.txt', group: 'adm' }, check_mode: true }, 'changed'],
  [{ template: { src: 't.j2', dest: '@WORK@/out/t.conf', mode: '0640' }, vars: { port: 2 } }, 'changed'],
  [{ copy: { src: '@WORK@/out/c.txt', dest: '@WORK@/out/remote.txt', remote_src: true, mode: '0600' } }, 'changed'],
  // replace and ini_file register their one diff as the mapping itself, not in a list
  [{ ini_file: { path: '@WORK@/out/i.ini', section: 's', option: 'o', value: 'v' } }, 'changed'],
  [{ replace: { path: '@WORK@/out/i.ini', regexp: 'o = v', replace: 'o = w' } }, 'changed'],
];

// the temporary copy Ansible names (…/ansible-local-…/tmpXXXX or …/tmpXXXX/t.j2), kplay's words for a content, its template
const source = (header: string): string =>
  header
    .replace(/^\/[^ ]*\/\.ansible\/tmp\/ansible-local-[^/]+\/tmp[^/]+(?:\/(.*))?$/, (_m, name: string | undefined) => `TEMP/${name ?? ''}`)
    .replace(/^dynamically generated$/, 'TEMP/')
    .replace(/^\S*\/templates\/([^/]+)$/, 'TEMP/$1')
    .replace(/\/tmp\/kplay-sandbox-[^/]+/g, '@SANDBOX@');

const diffs = (run: EngineRun): unknown[] =>
  run.results.slice(0, steps.length).map((r) => {
    const one = (d: Record<string, unknown>): unknown => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, typeof v === 'string' && k.endsWith('_header') ? source(v) : v]));
    // (a diff registered as one mapping, not a list, stays one)
    const d = Array.isArray(r.diff) ? (r.diff as Record<string, unknown>[]).map(one) : r.diff === undefined ? undefined : { mapping: one(r.diff as Record<string, unknown>) };
    return d === undefined ? d : (JSON.parse(JSON.stringify(d).replace(/\/tmp\/kplay-sandbox-[^/"]+/g, '@SANDBOX@')) as unknown);
  });

// the console's lines up to the report task's, the after headers' sources alike
const printed = (run: EngineRun): string[] => printedTasks(run).map((l) => (/^\+\+\+ after: /.test(l) ? `+++ after: ${source(l.slice('+++ after: '.length))}` : l));

describe.skipIf(!hasAnsible || !canSandbox())('copy and template --diff, kplay vs ansible-playbook', () => {
  const run = bothEngines(
    steps.map(([t]) => t),
    {
      'files/a.txt': 'alpha\n',
      'files/b.txt': 'alpha\nbeta\n',
      'files/blob.bin': Buffer.from([0x61, 0, 0x62]),
      'files/big.txt': `${'x'.repeat(120)}\n`.repeat(1000),
      'files/tree/one.conf': '1\n',
      'files/tree/two.conf': '2\n',
      'files/solo/only.conf': 'solo\n',
      'templates/t.j2': 'port={{ port }}\n',
      'out/big.txt': `${'y'.repeat(120)}\n`.repeat(1000),
    },
    ['--diff'],
  );

  it('every task has the outcome Ansible gives', () => {
    expect(run().kplay.results.slice(0, steps.length).map(outcome)).toEqual(run().ansible.results.slice(0, steps.length).map(outcome));
    expect(run().kplay.results.slice(0, steps.length).map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it("registers the diff Ansible's action registers: headers, texts, skipped sides", () => {
    const k = diffs(run().kplay);
    const a = diffs(run().ansible);
    k.forEach((d, i) => expect({ i, task: steps[i]?.[0], d }).toEqual({ i, task: steps[i]?.[0], d: a[i] }));
    // what the rows are for: a new file has no before header, binary and large sides are skipped
    expect(k[0]).toEqual([{ before: '', after_header: '@SANDBOX@/work/files/a.txt', after: 'alpha\n' }]);
    expect(k[5]).toEqual([{ before: '', src_binary: 1 }]);
    expect(k[7]).toEqual([expect.objectContaining({ src_larger: 104448 })]);
    expect(k[9]).toBeUndefined();
    expect(k[11]).toBeUndefined();
    expect(k[23]).toEqual({ mapping: expect.objectContaining({ before: '\n[s]\no = v\n', after: '\n[s]\no = w\n' }) });
    expect(k[16]).toEqual({ mapping: { before: { path: '@SANDBOX@/work/out/new.txt', mode: '0644' }, after: { path: '@SANDBOX@/work/out/new.txt', mode: '0600' } } });
  });

  it('prints the same diff lines', () => {
    expect(printed(run().kplay)).toEqual(printed(run().ansible));
    expect(printed(run().kplay)).toContain('diff skipped: destination file appears to be binary');
  });
});
