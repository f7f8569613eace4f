// shell: runs a command line through /bin/sh (or `executable`), with pipes, redirections, globs.
import { shellQuote as q } from '../util/shell.js';
import { runCommandModule } from './run-command.js';
import type { Module } from './types.js';

/** The shell module. */
export const shell: Module = async (ctx) => {
  const line = String(ctx.args.cmd ?? ctx.args._raw_params ?? '');
  const exe = ctx.args.executable;
  return runCommandModule(ctx, exe ? `${q(String(exe))} -c ${q(line)}` : line, line);
};
