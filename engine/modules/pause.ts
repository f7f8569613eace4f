// pause: waits for a number of seconds or minutes, or for a line typed on the terminal (prompt);
// without a terminal a prompt does not wait and user_input is empty, with a warning, as in Ansible.
import type { Module } from './types.js';

/** The pause module. */
export const pause: Module = async (ctx) => {
  const timed = ctx.args.seconds !== undefined || ctx.args.minutes !== undefined;
  const seconds = ctx.args.minutes !== undefined ? Number(ctx.args.minutes) * 60 : Number(ctx.args.seconds ?? 0);
  if (!Number.isFinite(seconds) || seconds < 0) return { changed: false, failed: true, msg: 'seconds/minutes must be a non-negative number' };
  const start = Date.now();
  if (!timed) {
    const text = ctx.args.prompt === undefined ? 'Press enter to continue, Ctrl+C to interrupt' : String(ctx.args.prompt);
    const echo = ctx.args.echo === undefined ? true : ctx.args.echo === true || /^(yes|true|on|1)$/i.test(String(ctx.args.echo));
    if (!ctx.prompt) {
      ctx.warn('Not waiting for response to prompt as stdin is not interactive');
      return { changed: false, delta: 0, user_input: '', echo };
    }
    const input = await ctx.prompt(text, echo);
    return { changed: false, delta: Math.round((Date.now() - start) / 1000), user_input: input, echo };
  }
  if (!ctx.check) await new Promise((r) => setTimeout(r, seconds * 1000));
  return { changed: false, delta: Math.round((Date.now() - start) / 1000), user_input: '', echo: true };
};
