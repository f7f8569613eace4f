// synchronize's rsync run (the executor's part of synchronize): the line run where rsync runs (the
// controller, a delegate or the host), the connection's password on sshpass's standard input; `changed`
// when rsync itemized a change (with link_dest, one that is not only a hard link), its listing as msg and
// stdout_lines, and as the diff with --diff.
import type { RsyncStep } from './declare.js';
import type { ModuleContext, ModuleResult } from './types.js';

/** Carries out an rsync step: what it adds to the result, or the module's failure. */
export async function rsync(ctx: Pick<ModuleContext, 'sync' | 'diff'>, step: RsyncStep): Promise<{ adds: Record<string, unknown> } | { failure: ModuleResult }> {
  const sides = ctx.sync;
  if (!sides) return { failure: { changed: false, failed: true, msg: 'synchronize needs to know where rsync runs' } };
  const password = step.password ? sides.remote?.password : undefined;
  const r = await sides.runner.run(step.line, password === undefined ? undefined : { stdin: `${password}\n` });
  if (r.rc !== 0) return { failure: { changed: false, failed: true, msg: r.stderr, rc: r.rc, cmd: step.cmd } };
  const changed = step.linkDest ? !r.stdout.includes(`${step.marker}.`) : r.stdout.includes(step.marker);
  const clean = r.stdout.split(step.marker).join('');
  return { adds: { changed, msg: clean, rc: r.rc, cmd: step.cmd, stdout_lines: clean.split('\n').filter((l) => l !== ''), ...(ctx.diff ? { diff: [{ prepared: clean }] } : {}) } };
}
