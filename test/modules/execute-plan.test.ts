// The shared executor of declared modules' plans, on the local host: what it reports of a plan's own
// diff, and what a failing command step puts in the module's failure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executePlan } from '../../engine/modules/execute-plan.js';
import type { Plan } from '../../engine/modules/declare.js';
import { moduleContext } from '../support/module-context.js';
import { writeTree } from '../support/tree.js';

const OWN_DIFF = [{ before_header: 'hostname', after_header: 'hostname', before: 'hostname = a\n', after: 'hostname = b\n' }];

describe('executePlan', () => {
  it.each([
    ['without --diff a plan\'s own diff is not reported (nothing to show)', false, { changed: true, name: 'b' }],
    ['with --diff it is', true, { changed: true, name: 'b', diff: OWN_DIFF }],
  ])('%s', async (_why, diff, expected) => {
    const plan: Plan = { steps: [], result: { changed: true, name: 'b', diff: OWN_DIFF } };
    expect(await executePlan(moduleContext({}, { diff }), plan)).toEqual(expected);
  });

  it.each([
    ['the failure message has the exit status and output', { failure: 'failed rc={rc}: {stderr}' }, { changed: false, failed: true, msg: 'failed rc=3: oops\n' }],
    ['failKeys and failWith add the module\'s keys', { failure: 'no', failKeys: { name: 'x' }, failWith: ['rc', 'stdout'] as const }, { changed: false, failed: true, name: 'x', msg: 'no', rc: 3, stdout: 'out\n' }],
  ])('%s', async (_why, step, expected) => {
    const plan: Plan = { steps: [{ kind: 'run', command: 'echo out; echo oops >&2; exit 3', ...step }], result: { changed: true } };
    expect(await executePlan(moduleContext({}), plan)).toEqual(expected);
  });

  it('in check mode a command step is not run unless it is a dry run', async () => {
    const fails: Plan = { steps: [{ kind: 'run', command: 'exit 1', failure: 'ran' }], result: { changed: true } };
    expect(await executePlan(moduleContext({}, { check: true }), fails)).toEqual({ changed: true });
    const dry: Plan = { steps: [{ kind: 'run', command: 'exit 1', failure: 'ran', inCheck: true }], result: { changed: true } };
    expect(await executePlan(moduleContext({}, { check: true }), dry)).toEqual({ changed: false, failed: true, msg: 'ran' });
  });

  it('a failing step runs its undo steps, whose own failures do not hide its failure', async () => {
    const dir = writeTree({ 'tab': 'old\n' });
    const tab = join(dir, 'tab');
    const plan: Plan = {
      steps: [
        { kind: 'write', path: tab, content: 'new\n' },
        { kind: 'run', command: 'exit 32', failure: 'mount failed: {rc}', undo: [{ kind: 'run', command: 'exit 1', failure: '' }, { kind: 'write', path: tab, content: 'old\n' }] },
      ],
      result: { changed: true },
    };
    expect(await executePlan(moduleContext({}), plan)).toEqual({ changed: false, failed: true, msg: 'mount failed: 32' });
    expect(readFileSync(tab, 'utf8')).toBe('old\n');
  });
});
