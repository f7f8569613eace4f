// script: copies a local script to the host (temp file), runs it with its arguments, removes it.
import { readFileSync } from 'node:fs';
import { shlexSplit } from '../inventory/shlex.js';
import { shellQuote as q } from '../util/shell.js';
import { runCommandModule } from './run-command.js';
import type { Module } from './types.js';

/** The script module. */
export const script: Module = async (ctx) => {
  const words = shlexSplit(String(ctx.args.cmd ?? ctx.args._raw_params ?? ''), false);
  const [name, ...rest] = words;
  if (!name) return { changed: false, failed: true, msg: 'script needs a script path' };
  const local = ctx.findLocal('files', name);
  if (!local) return { changed: false, failed: true, msg: `Could not find or access '${name}' (looked in the role's files/ and next to the playbook)` };
  if (ctx.check) return runCommandModule(ctx, 'true', words);
  const mk = await ctx.host.run('mktemp "${TMPDIR:-/tmp}/kplay-script.XXXXXX"');
  if (mk.rc !== 0) return { changed: false, failed: true, msg: `cannot create a temporary file: ${mk.stderr.trim()}` };
  const tmp = mk.stdout.trim();
  try {
    await ctx.host.write(tmp, readFileSync(local), { mode: '0700' });
    const exe = ctx.args.executable;
    const line = `${exe ? `${q(String(exe))} ` : ''}${q(tmp)}${rest.length ? ' ' + rest.map(q).join(' ') : ''}`;
    return await runCommandModule(ctx, line, words.join(' '));
  } finally {
    await ctx.host.run(`rm -f -- ${q(tmp)}`);
  }
};
