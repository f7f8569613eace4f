// command: runs a program with arguments, without a shell's expansions (argv quoted word by word).
import { shlexSplit } from '../inventory/shlex.js';
import { shellQuote as q } from '../util/shell.js';
import { runCommandModule } from './run-command.js';
import type { Module } from './types.js';

/** The command module. */
export const command: Module = async (ctx) => {
  const a = ctx.args;
  const argv = Array.isArray(a.argv) ? a.argv.map(String) : shlexSplit(String(a.cmd ?? a._raw_params ?? ''), false);
  if (!argv.length) return { changed: false, failed: true, msg: 'no command given' };
  return runCommandModule(ctx, argv.map(q).join(' '), argv);
};
