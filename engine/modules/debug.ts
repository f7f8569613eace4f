// debug: prints a message or an expression's value (typed as Ansible's templating of `{{ var }}` types
// it: `port + 1` is text, `port` keeps its number), or is skipped below its verbosity; never changes anything.
import type { Module } from './types.js';

/** The debug module. */
export const debug: Module = async (ctx) => {
  const verbosity = Number(ctx.args.verbosity ?? 0);
  const current = Number(ctx.variable('ansible_verbosity').value ?? 0);
  if (verbosity > current) return { changed: false, skipped: true, skipped_reason: 'Verbosity threshold not met.' };
  if (ctx.args.var !== undefined) {
    const name = String(ctx.args.var);
    const v = ctx.variable(name, true);
    return { changed: false, [name]: v.defined ? v.value : 'VARIABLE IS NOT DEFINED!' };
  }
  return { changed: false, msg: ctx.args.msg === undefined ? 'Hello world!' : ctx.args.msg };
};
