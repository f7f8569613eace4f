// pause: waits for a number of seconds or minutes (prompts are not supported without a terminal).
import type { Module } from './types.js';

/** The pause module. */
export const pause: Module = async (ctx) => {
  const seconds = ctx.args.minutes !== undefined ? Number(ctx.args.minutes) * 60 : Number(ctx.args.seconds ?? 0);
  if (!Number.isFinite(seconds) || seconds < 0) return { changed: false, failed: true, msg: 'seconds/minutes must be a non-negative number' };
  if (ctx.args.prompt !== undefined && ctx.args.seconds === undefined && ctx.args.minutes === undefined) {
    return { changed: false, failed: true, msg: 'pause with a prompt and no timeout needs a terminal; kplay does not wait for input' };
  }
  const start = Date.now();
  if (!ctx.check) await new Promise((r) => setTimeout(r, seconds * 1000));
  return { changed: false, delta: Math.round((Date.now() - start) / 1000), user_input: '', echo: true };
};
