// pause's wait (the executor's part of pause): `seconds`, or a line typed on the terminal; then Ansible's
// keys: stdout ("Paused for 1.0 seconds", the time taken in the unit asked), start and stop (Python's
// datetime text), delta (whole seconds) and user_input.
import { pyFloatRepr } from '../inventory/python-literal.js';
import type { PauseStep } from './declare.js';
import { stamp } from './run-command.js';
import type { ModuleContext } from './types.js';

/** Carries out a pause step: what it adds to the result. */
export async function pauseFor(ctx: Pick<ModuleContext, 'prompt' | 'warn' | 'wait'>, step: PauseStep): Promise<{ adds: Record<string, unknown> }> {
  const started = new Date();
  let input = '';
  if (step.seconds !== undefined) await ctx.wait(step.seconds, step.prompt, step.echo);
  else if (!ctx.prompt) ctx.warn('Not waiting for response to prompt as stdin is not interactive', true);
  else input = await ctx.prompt(step.prompt ?? '', step.echo);
  const stopped = new Date();
  const took = (stopped.getTime() - started.getTime()) / 1000;
  const shown = Math.round((step.unit === 'minutes' ? took / 60 : took) * 100) / 100;
  return { adds: { stdout: `Paused for ${pyFloatRepr(shown)} ${step.unit}`, start: stamp(started), stop: stamp(stopped), delta: Math.floor(took), user_input: input } };
}
