// set_fact: sets host variables (at set_fact/register precedence) for the rest of the run.
import type { Module } from './types.js';

/** The set_fact module: its arguments become facts; the runner stores them. */
export const setFact: Module = async (ctx) => {
  const facts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ctx.args)) if (k !== 'cacheable') facts[k] = v;
  if (!Object.keys(facts).length) return { changed: false, failed: true, msg: 'No key/value pairs provided, at least one is required for this action to succeed' };
  return { changed: false, ansible_facts: facts };
};
