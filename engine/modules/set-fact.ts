// set_fact: sets host variables (at set_fact/register precedence) for the rest of the run; each name must
// be one a variable can have, as Ansible's action checks it (after templating).
import type { Module } from './types.js';

// Python's keywords and the names of its constants: not variable names (Ansible's isidentifier)
const KEYWORDS = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']);

/** True when `name` can name a variable (Ansible's isidentifier: an ASCII Python identifier, no keyword). */
export const isIdentifier = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name);

/** The set_fact module: its arguments become facts; the runner stores them. */
export const setFact: Module = async (ctx) => {
  const facts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ctx.args)) {
    if (k === 'cacheable') continue;
    if (!isIdentifier(k)) return { changed: false, failed: true, msg: `The variable name '${k}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.` };
    facts[k] = v;
  }
  if (!Object.keys(facts).length) return { changed: false, failed: true, msg: 'No key/value pairs provided, at least one is required for this action to succeed' };
  return { changed: false, ansible_facts: facts };
};
