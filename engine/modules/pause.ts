// pause, declared, as Ansible's action: waits `seconds` or `minutes` (whole numbers, as Ansible's int()
// makes them; at least a second), in check mode too, or for a line typed on the terminal (prompt); without
// a terminal a prompt does not wait and user_input is empty, with a warning (shown, not registered); with
// seconds a prompt is only shown. It
// reads nothing; its one step (pause-step.ts) waits and adds Ansible's keys: stdout ("Paused for 1.0
// seconds", in the unit asked, minutes when none), start, stop, delta and user_input.
import { isNumber } from '../util/py-float.js';
import { declareModule, failPlan, type Plan } from './declare.js';

const OPTIONS = { minutes: { type: 'raw' }, seconds: { type: 'raw' }, prompt: { type: 'str' }, echo: { type: 'bool' } } as const;

// a pause length as Python's int() takes it (a float is cut, a boolean is 0 or 1; text must be a whole
// number), or Ansible's message why not
function whole(name: string, v: unknown): number | string {
  if (isNumber(v) && Number.isFinite(Number(v))) return Math.trunc(Number(v));
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return parseInt(v, 10);
  const why = typeof v === 'string' ? `invalid literal for int() with base 10: '${v}'` : `int() argument must be a string, a bytes-like object or a real number, not '${Array.isArray(v) ? 'list' : 'dict'}'`;
  const type = typeof v === 'string' ? 'ansible.parsing.yaml.objects.AnsibleUnicode' : Array.isArray(v) ? 'list' : 'dict';
  return `argument '${name}' is of type <class '${type}'> and we were unable to convert to int: ${why}`;
}

/** The pause module. */
export const pauseModule = declareModule({
  spec: { controllerOnly: true, options: OPTIONS, mutuallyExclusive: [['minutes', 'seconds']] },
  controllerAction: true,
  facts: async () => ({}),
  plan(o): Plan {
    const given = o.minutes !== undefined ? whole('minutes', o.minutes) : o.seconds !== undefined ? whole('seconds', o.seconds) : undefined;
    if (typeof given === 'string') return failPlan(given);
    const unit = o.seconds !== undefined ? 'seconds' : 'minutes';
    const echo = o.echo !== false;
    // (less than a second is a second, as Ansible's alarm takes whole seconds)
    const wait = given === undefined ? { prompt: o.prompt ?? 'Press enter to continue, Ctrl+C to interrupt' } : { seconds: Math.max(1, unit === 'minutes' ? given * 60 : given), prompt: o.prompt };
    return { steps: [{ kind: 'pause', ...wait, unit, echo }], result: { changed: false, rc: 0, stderr: '', echo } };
  },
});
