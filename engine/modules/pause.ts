// pause, as Ansible's action: waits `seconds` or `minutes` (whole numbers, as Ansible's int() makes them;
// at least a second), in check mode too, or for a line typed on the terminal (prompt); without a terminal
// a prompt does not wait and user_input is empty, with a warning (shown, not registered). The result has Ansible's keys: rc,
// stdout ("Paused for 1.0 seconds", in the unit asked, minutes when none), stderr, start, stop, delta, echo.
import { pyFloatRepr } from '../inventory/python-literal.js';
import type { Module, ModuleResult } from './types.js';

// a pause length as Python's int() takes it (a float is cut, a boolean is 0 or 1; text must be a whole
// number), or Ansible's message why not
function whole(name: string, v: unknown): number | string {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return parseInt(v, 10);
  const why = typeof v === 'string' ? `invalid literal for int() with base 10: '${v}'` : `int() argument must be a string, a bytes-like object or a real number, not '${Array.isArray(v) ? 'list' : v === null ? 'NoneType' : 'dict'}'`;
  const type = typeof v === 'string' ? 'ansible.parsing.yaml.objects.AnsibleUnicode' : Array.isArray(v) ? 'list' : 'dict';
  return `argument '${name}' is of type <class '${type}'> and we were unable to convert to int: ${why}`;
}

// Python's str(datetime.now())
const pyNow = (d: Date): string => {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
};

/** The pause module. */
export const pause: Module = async (ctx) => {
  const a = ctx.args;
  const given = a.minutes !== undefined ? whole('minutes', a.minutes) : a.seconds !== undefined ? whole('seconds', a.seconds) : undefined;
  if (typeof given === 'string') return { changed: false, failed: true, msg: given };
  const unit = a.seconds !== undefined ? 'seconds' : 'minutes';
  const echo = a.echo !== false;
  const started = new Date();
  const finish = (user_input: string): ModuleResult => {
    const stopped = new Date();
    const took = (stopped.getTime() - started.getTime()) / 1000;
    const shown = Math.round((unit === 'minutes' ? took / 60 : took) * 100) / 100;
    return { changed: false, rc: 0, stderr: '', stdout: `Paused for ${pyFloatRepr(shown)} ${unit}`, start: pyNow(started), stop: pyNow(stopped), delta: Math.floor(took), echo, user_input };
  };
  if (given === undefined) {
    const text = a.prompt === undefined ? 'Press enter to continue, Ctrl+C to interrupt' : String(a.prompt);
    if (!ctx.prompt) {
      ctx.warn('Not waiting for response to prompt as stdin is not interactive', true);
      return finish('');
    }
    return finish(await ctx.prompt(text, echo));
  }
  // (less than a second is a second, as Ansible's alarm takes whole seconds)
  const seconds = Math.max(1, unit === 'minutes' ? given * 60 : given);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return finish('');
};
