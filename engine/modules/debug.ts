// debug, declared: prints a message or an expression's value (typed as Ansible's templating of
// `{{ var }}` types it: `port + 1` is text, `port` keeps its number), or is skipped below its verbosity;
// never changes anything. Its facts are the run's verbosity and the expression's value, read on the controller.
import { declareModule, type Plan } from './declare.js';

const OPTIONS = { msg: { type: 'raw' }, var: { type: 'str' }, verbosity: { type: 'int' } } as const;

/** What debug reads: the run's verbosity (-v count) and, when shown, var's value (absent when it is undefined). */
export interface DebugFacts {
  verbosity: number;
  value?: { defined: boolean; value?: unknown; error?: string | undefined } | undefined;
}

// an undefined var as debug shows it: with -v, the templating error too (Ansible's wraps it, so its text comes twice)
function notDefined(f: DebugFacts): string {
  const error = f.value?.error;
  return f.verbosity > 0 && error ? `VARIABLE IS NOT DEFINED!: ${error}. ${error}` : 'VARIABLE IS NOT DEFINED!';
}

/** The debug module. */
export const debugModule = declareModule({
  spec: { controllerOnly: true, options: OPTIONS, mutuallyExclusive: [['msg', 'var']] },
  controllerAction: true,
  facts: async (o, _host, local): Promise<DebugFacts> => {
    const verbosity = Number(local.variable('ansible_verbosity').value ?? 0);
    if ((o.verbosity ?? 0) > verbosity || o.var === undefined) return { verbosity };
    return { verbosity, value: local.variable(o.var, true) };
  },
  plan(o, f): Plan {
    if ((o.verbosity ?? 0) > f.verbosity) return { steps: [], result: { changed: false, skipped: true, skipped_reason: 'Verbosity threshold not met.' } };
    if (o.var !== undefined) return { steps: [], result: { changed: false, [o.var]: f.value?.defined ? f.value.value : notDefined(f) } };
    return { steps: [], result: { changed: false, msg: o.msg === undefined ? 'Hello world!' : o.msg } };
  },
});
