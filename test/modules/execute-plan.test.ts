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

  it.each([
    ['failureIf: exit status and stdout match, its failure replaces the step\'s', 3, { changed: false, failed: true, msg: 'not found', name: 'k' }],
    ['failureIf: another exit status, the step\'s own failure', 4, { changed: false, failed: true, msg: 'error 4', rc: 4 }],
  ])('%s', async (_why, rc, expected) => {
    const failureIf = { rc: 3, stdoutHas: 'not found on', failure: 'not found', failKeys: { name: 'k' } };
    const plan: Plan = { steps: [{ kind: 'run', command: `echo 'key not found on server'; exit ${rc}`, failure: 'error {rc}', failWith: ['rc'], failureIf }], result: { changed: true } };
    expect(await executePlan(moduleContext({}), plan)).toEqual(expected);
  });

  it("a hand-off step's module gets its arguments and its result is the result, in check mode too; the warnings are given first", async () => {
    const warned: string[] = [];
    const handed: unknown[] = [];
    const plan: Plan = { steps: [{ kind: 'handoff', module: 'apt', args: { name: ['htop'] } }], result: { changed: false }, warnings: ['w'] };
    const ctx = { ...moduleContext({}, { check: true }), warn: (m: string) => void warned.push(m) };
    expect(await executePlan(ctx, plan, async (module, args) => (handed.push([module, args, warned.length]), { changed: true, failed: false, cache_updated: false }))).toEqual({ changed: true, failed: false, cache_updated: false });
    expect(handed).toEqual([['apt', { name: ['htop'] }, 1]]);
    await expect(executePlan(moduleContext({}), plan)).rejects.toThrow("a plan hands the task to 'apt' and no module takes it");
  });

  it('attempts: the command runs again until it succeeds, at most that many times', async () => {
    const dir = writeTree({});
    const count = join(dir, 'count');
    // succeeds on the third run
    const command = `echo x >> ${count}; [ $(wc -l < ${count}) -ge 3 ]`;
    expect(await executePlan(moduleContext({}), { steps: [{ kind: 'run', command, failure: 'gave up', attempts: 2 }], result: { changed: true } })).toEqual({ changed: false, failed: true, msg: 'gave up' });
    expect(readFileSync(count, 'utf8')).toBe('x\nx\n');
    expect(await executePlan(moduleContext({}), { steps: [{ kind: 'run', command, failure: 'gave up', attempts: 5 }], result: { changed: true } })).toEqual({ changed: true });
    expect(readFileSync(count, 'utf8')).toBe('x\nx\nx\n');
  });

  it('stdinEncoding base64: the command reads the bytes, not their base64 text', async () => {
    const dir = writeTree({});
    const out = join(dir, 'bytes');
    const bytes = Buffer.from([0x99, 0x01, 0x0d, 0x00, 0xff, 0x0a]);
    const plan: Plan = { steps: [{ kind: 'run', command: `cat > ${out}`, stdin: bytes.toString('base64'), stdinEncoding: 'base64', failure: 'no' }], result: { changed: true } };
    expect(await executePlan(moduleContext({}), plan)).toEqual({ changed: true });
    expect(readFileSync(out)).toEqual(bytes);
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
