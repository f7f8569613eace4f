// service / systemd: a unit started, stopped, restarted or reloaded, enabled or disabled, masked or
// unmasked, with daemon-reload/daemon-reexec, in the system, user or global scope; reads
// `systemctl is-active` / `is-enabled` first and acts only when needed.
import { shellQuote as q } from '../util/shell.js';
import type { Module } from './types.js';

// the states `systemctl is-enabled` gives a unit it has (Ansible's valid_enabled_states, and alias)
const KNOWN_STATES = ['enabled', 'enabled-runtime', 'linked', 'linked-runtime', 'masked', 'masked-runtime', 'static', 'indirect', 'disabled', 'generated', 'transient', 'alias'];

/** The systemd module (also serves `service`). */
export const systemd: Module = async (ctx) => {
  const a = ctx.args;
  const name = a.name === undefined ? undefined : String(a.name);
  // scope user/global: systemctl --user / --global; no_block: jobs queued, not waited for; force: enable
  // and mask replace conflicting symlinks
  const systemctl = `systemctl${a.scope === 'user' ? ' --user' : a.scope === 'global' ? ' --global' : ''}`;
  const actions: string[] = [];
  for (const [on, what] of [[a.daemon_reexec, 'daemon-reexec'], [a.daemon_reload, 'daemon-reload']] as const) {
    if (on !== true || ctx.check) continue;
    const r = await ctx.host.run(`${systemctl} ${what}`);
    if (r.rc !== 0) return { changed: false, failed: true, msg: `systemctl ${what} failed: ${r.stderr.trim()}` };
  }
  if (!name) {
    if (a.state !== undefined || a.enabled !== undefined || a.masked !== undefined) return { changed: false, failed: true, msg: 'name is required with state, enabled or masked' };
    return { changed: false, msg: 'daemon reloaded' };
  }
  const active = (await ctx.host.run(`${systemctl} is-active ${q(name)}`)).stdout.trim();
  const enabledState = (await ctx.host.run(`${systemctl} is-enabled ${q(name)}`)).stdout.trim();
  // a unit systemd knows answers is-enabled with a state; else only an init script makes it a service (Ansible's found)
  const found = KNOWN_STATES.includes(enabledState) || (await ctx.host.run(`test -e ${q(`/etc/init.d/${name}`)}`)).rc === 0;
  if (!found && (a.enabled !== undefined || a.state !== undefined)) return { changed: false, failed: true, msg: `Could not find the requested service ${name}: host` };
  const isActive = active === 'active' || active === 'activating' || active === 'reloading';
  const isEnabled = ['enabled', 'enabled-runtime', 'static', 'alias'].includes(enabledState);
  const force = a.force === true ? ' --force' : '';
  // as Ansible: masked first, then enabled, then state
  if (a.masked !== undefined && a.masked !== (enabledState === 'masked' || enabledState === 'masked-runtime')) actions.push(a.masked === true ? `mask${force}` : 'unmask');
  if (a.enabled !== undefined) {
    if (a.enabled !== isEnabled && enabledState !== 'static') actions.push(a.enabled === true ? `enable${force}` : 'disable');
  }
  const job = a.no_block === true ? ' --no-block' : '';
  switch (a.state) {
    case 'started':
      if (!isActive) actions.push(`start${job}`);
      break;
    case 'stopped':
      if (isActive) actions.push(`stop${job}`);
      break;
    case 'restarted':
      actions.push(`restart${job}`);
      break;
    case 'reloaded':
      actions.push(`${isActive ? 'reload' : 'start'}${job}`);
      break;
  }
  if (!ctx.check) {
    for (const act of actions) {
      const r = await ctx.host.run(`${systemctl} ${act} ${q(name)}`);
      if (r.rc !== 0) return { changed: true, failed: true, name, msg: `Unable to ${act.split(' ')[0]} service ${name}: ${(r.stderr || r.stdout).trim()}` };
    }
  }
  const state = a.state === 'stopped' ? 'stopped' : a.state !== undefined ? 'started' : isActive ? 'started' : 'stopped';
  return { changed: actions.length > 0, name, state, enabled: a.enabled ?? isEnabled, status: { ActiveState: active, UnitFileState: enabledState } };
};
