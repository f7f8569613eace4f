// group: a local group present (with a gid, as a system group) or absent, through groupadd, groupmod
// and groupdel, as Ansible's group module runs them on Linux; the result has Ansible's keys.
import { applySteps, readAccounts, type Step } from './accounts.js';
import type { Module, ModuleResult } from './types.js';

/** The group module. */
export const group: Module = async (ctx) => {
  const a = ctx.args;
  const name = String(a.name);
  const state = String(a.state ?? 'present');
  const gid = a.gid === undefined || a.gid === null ? undefined : Number(a.gid);
  if (a.non_unique === true && gid === undefined) return { changed: false, failed: true, msg: 'non_unique is True but all of the following are missing: gid' };
  const current = (await readAccounts(ctx, name)).groups.find((g) => g.name === name);
  const unique = a.non_unique === true ? ['-o'] : [];
  const steps: Step[] = [];
  if (state === 'absent') {
    if (current) steps.push({ argv: ['groupdel', name] });
  } else if (!current) {
    steps.push({ argv: ['groupadd', ...(gid === undefined ? [] : ['-g', String(gid), ...unique]), ...(a.system === true ? ['-r'] : []), name] });
  } else if (gid !== undefined && current.gid !== gid) {
    steps.push({ argv: ['groupmod', '-g', String(gid), ...unique, name] });
  }
  // Ansible's check mode returns at once for an add or a delete
  if (ctx.check && steps.length && (state === 'absent' || !current)) return { changed: true };
  const applied = await applySteps(ctx, steps);
  if (!applied.ok) return { changed: false, failed: true, name, msg: applied.stderr };
  const result: ModuleResult = { changed: steps.length > 0, name, state };
  if (applied.stdout) result.stdout = applied.stdout;
  if (applied.stderr) result.stderr = applied.stderr;
  const after = ctx.check ? current : (await readAccounts(ctx, name)).groups.find((g) => g.name === name);
  if (after && state === 'present') Object.assign(result, { gid: after.gid, system: a.system === true });
  return result;
};
