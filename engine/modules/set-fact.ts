// set_fact, declared: sets host variables (at set_fact/register precedence) for the rest of the run; each
// name must be one a variable can have, as Ansible's action checks it (after templating). It reads nothing:
// its arguments (every option name is a variable) are its result's ansible_facts, which the runner stores
// (with cacheable, among the host's facts too).
import { declareModule, failPlan, type Plan } from './declare.js';

// Python's keywords and the names of its constants: not variable names (Ansible's isidentifier)
const KEYWORDS = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']);

/** True when `name` can name a variable (Ansible's isidentifier: an ASCII Python identifier, no keyword). */
export const isIdentifier = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name);

/** The set_fact module. */
export const setFactModule = declareModule({
  spec: { anyOptions: true, controllerOnly: true, options: { cacheable: { type: 'bool' } } },
  controllerAction: true,
  facts: async () => ({}),
  plan(o): Plan {
    const facts: Record<string, unknown> = {};
    // cacheable: the facts also go where gathered facts are (ansible_facts), as Ansible's fact cache
    // (kplay keeps none between runs, as Ansible's default memory cache)
    for (const [k, v] of Object.entries(o)) {
      if (k === 'cacheable') continue;
      if (!isIdentifier(k)) return failPlan(`The variable name '${k}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`);
      facts[k] = v;
    }
    if (!Object.keys(facts).length) return failPlan('No key/value pairs provided, at least one is required for this action to succeed');
    return { steps: [], result: { changed: false, ansible_facts: facts, ...(o.cacheable === true ? { _ansible_facts_cacheable: true } : {}) } };
  },
});
