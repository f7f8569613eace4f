// service / systemd: a unit started, stopped, restarted or reloaded, enabled or disabled, with
// daemon-reload; reads `systemctl is-active` / `is-enabled` first and acts only when needed.
import { shellQuote as q } from '../util/shell.js';
import type { Module } from './types.js';

/** The systemd module (also serves `service`). */
export const systemd: Module = async (ctx) => {
  const a = ctx.args;
  const name = a.name === undefined ? undefined : String(a.name);
  const actions: string[] = [];
  if (a.daemon_reload === true && !ctx.check) {
    const r = await ctx.host.run('systemctl daemon-reload');
    if (r.rc !== 0) return { changed: false, failed: true, msg: `systemctl daemon-reload failed: ${r.stderr.trim()}` };
  }
  if (!name) {
    if (a.state !== undefined || a.enabled !== undefined) return { changed: false, failed: true, msg: 'name is required with state or enabled' };
    return { changed: false, msg: 'daemon reloaded' };
  }
  const active = (await ctx.host.run(`systemctl is-active ${q(name)}`)).stdout.trim();
  const enabledState = (await ctx.host.run(`systemctl is-enabled ${q(name)}`)).stdout.trim();
  const isActive = active === 'active' || active === 'activating' || active === 'reloading';
  const isEnabled = ['enabled', 'enabled-runtime', 'static', 'alias'].includes(enabledState);
  if (a.enabled !== undefined) {
    const want = a.enabled === true || ['yes', 'true', '1', 'on'].includes(String(a.enabled).toLowerCase());
    if (want !== isEnabled && enabledState !== 'static') actions.push(want ? 'enable' : 'disable');
  }
  switch (a.state) {
    case 'started':
      if (!isActive) actions.push('start');
      break;
    case 'stopped':
      if (isActive) actions.push('stop');
      break;
    case 'restarted':
      actions.push('restart');
      break;
    case 'reloaded':
      actions.push(isActive ? 'reload' : 'start');
      break;
  }
  if (!ctx.check) {
    for (const act of actions) {
      const r = await ctx.host.run(`systemctl ${act} ${q(name)}`);
      if (r.rc !== 0) return { changed: true, failed: true, name, msg: `Unable to ${act} service ${name}: ${(r.stderr || r.stdout).trim()}` };
    }
  }
  const state = a.state === 'stopped' ? 'stopped' : a.state !== undefined ? 'started' : isActive ? 'started' : 'stopped';
  return { changed: actions.length > 0, name, state, enabled: a.enabled ?? isEnabled, status: { ActiveState: active, UnitFileState: enabledState } };
};
