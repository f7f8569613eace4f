// slurp: a file's content, base64-encoded (for registering and decoding with b64decode).
import type { Module } from './types.js';

/** The slurp module. */
export const slurp: Module = async (ctx) => {
  const src = String(ctx.args.src);
  const content = await ctx.host.read(src);
  if (content === undefined) return { changed: false, failed: true, msg: `file not found: ${src}` };
  return { changed: false, content: content.toString('base64'), encoding: 'base64', source: src };
};
