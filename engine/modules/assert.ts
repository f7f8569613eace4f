// assert: every condition in `that` must hold, else the host fails with fail_msg.
import type { Module } from './types.js';

/** The assert module. */
export const assert: Module = async (ctx) => {
  const that = Array.isArray(ctx.args.that) ? ctx.args.that : [ctx.args.that];
  // printed whatever the verbosity, unless quiet (Ansible's _ansible_verbose_always)
  const shown = ctx.args.quiet === true ? {} : { _ansible_verbose_always: true };
  for (const cond of that) {
    if (!ctx.condition(cond)) {
      return { changed: false, failed: true, assertion: cond, evaluated_to: false, msg: ctx.args.fail_msg ?? 'Assertion failed', ...shown };
    }
  }
  return { changed: false, msg: ctx.args.success_msg ?? 'All assertions passed', ...shown };
};
