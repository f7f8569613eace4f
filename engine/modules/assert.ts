// assert, declared: every condition in `that` must hold, else the host fails with fail_msg (or msg). Its
// facts are the conditions' values, evaluated on the controller in order up to the first that does not
// hold (as Ansible's action stops there, a later one is never evaluated).
import { plain, typeName } from '../template/expr/pyops.js';
import { declareModule, type Plan } from './declare.js';
import { ActionError } from './types.js';

// (`that` is raw: one condition is a list of one, never split at its commas as a list option's text is)
const OPTIONS = { that: { type: 'raw', required: true }, fail_msg: { type: 'raw', aliases: ['msg'] }, success_msg: { type: 'raw' }, quiet: { type: 'bool' } } as const;

// the conditions of `that`: a list as it is, anything else one condition
const conditions = (that: unknown): unknown[] => (Array.isArray(that) ? that : that === undefined ? [] : [that]);

// what is wrong with a message option's type: text or a list of texts (Ansible's AnsibleError words)
function messageProblem(v: unknown, name: string): string | undefined {
  if (v === undefined || typeof v === 'string') return undefined;
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') ? undefined : `Type of one of the elements in ${name} list is not string type`;
  return `Incorrect type for ${name}, expected a string or list and got <class '${typeName(plain(v))}'>`;
}

/** What assert reads: the values of `that`'s conditions, in order, up to the first false one. */
export interface AssertFacts {
  held: boolean[];
}

/** The assert module. */
export const assertModule = declareModule({
  spec: { controllerOnly: true, options: OPTIONS },
  controllerAction: true,
  facts: async (o, _host, local): Promise<AssertFacts> => {
    // the messages' types are checked before any condition, as Ansible's action checks them; what it raises
    // fails the task with the message alone (no `changed`)
    const wrong = messageProblem(o.fail_msg, 'fail_msg or msg') ?? messageProblem(o.success_msg, 'success_msg');
    if (wrong !== undefined) throw new ActionError(wrong);
    const held: boolean[] = [];
    for (const cond of conditions(o.that)) {
      held.push(local.condition(cond));
      if (!held.at(-1)) break;
    }
    return { held };
  },
  plan(o, f): Plan {
    const that = conditions(o.that);
    // printed whatever the verbosity, unless quiet (Ansible's _ansible_verbose_always)
    const shown = o.quiet === true ? {} : { _ansible_verbose_always: true };
    const failing = f.held.indexOf(false);
    if (failing >= 0) return { steps: [], result: { changed: false, failed: true, assertion: that[failing], evaluated_to: false, msg: o.fail_msg ?? 'Assertion failed', ...shown } };
    return { steps: [], result: { changed: false, msg: o.success_msg ?? 'All assertions passed', ...shown } };
  },
});
