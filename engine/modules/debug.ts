// debug, declared: prints a message or an expression's value (typed as Ansible's templating of
// `{{ var }}` types it: `port + 1` is text, `port` keeps its number), or is skipped below its verbosity;
// never changes anything. Its facts are the run's verbosity and the expression's value, read on the controller.
import { PyFloat } from '../util/py-float.js';
import { declareModule, type Plan } from './declare.js';

const OPTIONS = { msg: { type: 'raw', keepsNull: true }, var: { type: 'raw' }, verbosity: { type: 'int' } } as const;

/** What debug reads: the run's verbosity (-v count) and, when shown, var's value (absent when it is undefined). */
export interface DebugFacts {
  verbosity: number;
  value?: { defined: boolean; value?: unknown; error?: string | undefined } | undefined;
}

// an undefined var as debug shows it: with -v, the templating error too (Ansible's wraps it, so its text
// comes twice; a var that is not text raises it without words)
function notDefined(f: DebugFacts): string {
  if (f.verbosity === 0) return 'VARIABLE IS NOT DEFINED!';
  const error = f.value?.error;
  return error ? `VARIABLE IS NOT DEFINED!: ${error}. ${error}` : 'VARIABLE IS NOT DEFINED!: ';
}

// the key debug shows a var under: its text, or for a list or dict its Python type, as Ansible's debug
// (whose var, not being text, is never a variable's name: always VARIABLE IS NOT DEFINED!)
function shownAs(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return "<class 'list'>";
  if (v instanceof PyFloat) return String(v);
  if (v && typeof v === 'object') return "<class 'dict'>";
  return JSON.stringify(v);
}

/** The debug module. */
export const debugModule = declareModule({
  spec: { controllerOnly: true, options: OPTIONS, mutuallyExclusive: [['msg', 'var']] },
  controllerAction: true,
  facts: async (o, _host, local): Promise<DebugFacts> => {
    const verbosity = Number(local.variable('ansible_verbosity').value ?? 0);
    if ((o.verbosity ?? 0) > verbosity || typeof o.var !== 'string') return { verbosity };
    return { verbosity, value: local.variable(o.var, true) };
  },
  plan(o, f): Plan {
    if ((o.verbosity ?? 0) > f.verbosity) return { steps: [], result: { changed: false, skipped: true, skipped_reason: 'Verbosity threshold not met.' } };
    if (o.var !== undefined) return { steps: [], result: { changed: false, [shownAs(o.var)]: f.value?.defined ? f.value.value : notDefined(f) } };
    return { steps: [], result: { changed: false, msg: o.msg === undefined ? 'Hello world!' : o.msg } };
  },
});
