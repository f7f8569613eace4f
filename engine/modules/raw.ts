// raw: sends the command line as it is (no creates/removes, no chdir): for hosts without tools.
import { shellQuote as q } from '../util/shell.js';
import { runCommandModule } from './run-command.js';
import type { Module } from './types.js';

/** The raw module. */
export const raw: Module = async (ctx) => {
  const line = String(ctx.args._raw_params ?? '');
  const exe = ctx.args.executable;
  const { changed, ...rest } = await runCommandModule({ ...ctx, args: {} }, exe ? `${q(String(exe))} -c ${q(line)}` : line, line);
  return { changed, ...rest };
};
