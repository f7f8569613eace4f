// fail: fails the host with a message.
import type { Module } from './types.js';

/** The fail module. */
export const fail: Module = async (ctx) => ({ changed: false, failed: true, msg: ctx.args.msg ?? 'Failed as requested from task' });
