// service / systemd: a unit started, stopped, restarted or reloaded, enabled or disabled, masked or
// unmasked, with daemon-reload/daemon-reexec, in the system, user or global scope. The unit's state
// (`is-enabled`, an init script, and `show`'s properties: ActiveState and the result's `status`) is read
// in one round trip, after daemon-reload/daemon-reexec (which run first, outside check mode, as in
// Ansible's module), and compared with the wanted one; systemctl acts only where they differ, in Ansible's
// order (mask, enable, state).
import { shellQuote as q } from '../util/shell.js';
import { declareModule, failPlan, type Plan, type RunStep } from './declare.js';
import type { HostIO, ModuleResult } from './types.js';

// the states `systemctl is-enabled` gives a unit it has (Ansible's valid_enabled_states, and alias)
const KNOWN_STATES = ['enabled', 'enabled-runtime', 'linked', 'linked-runtime', 'masked', 'masked-runtime', 'static', 'indirect', 'disabled', 'generated', 'transient', 'alias'];

/** What systemd compares: the unit's unit-file state, whether an init script has its name, and its properties (ActiveState among them). */
export interface UnitFacts {
  enabled: string;
  initScript: boolean;
  /** `systemctl show`'s properties, as Ansible's module parses them (its result's `status`); empty when show failed. */
  status: Record<string, string>;
  /** show failed with "Failed to parse bus message" (a container's systemctl): whether list-unit-files lists the
   * unit, as Ansible's workaround finds it (`status` then has is-active's answer as ActiveState). */
  listed?: boolean | undefined;
}

/** `systemctl show`'s lines as Ansible's parse_systemctl_show reads them: KEY=VALUE, an Exec* value in { } over several lines. */
export function parseSystemctlShow(text: string): Record<string, string> {
  const parsed: Record<string, string> = {};
  let key: string | undefined;
  let multi: string[] = [];
  for (const line of text.split('\n')) {
    if (key === undefined) {
      const at = line.indexOf('=');
      if (at < 0) continue;
      const [k, v] = [line.slice(0, at), line.slice(at + 1)];
      if (k.startsWith('Exec') && v.trimStart().startsWith('{') && !v.trimEnd().endsWith('}')) {
        key = k;
        multi = [v];
        continue;
      }
      parsed[k] = v.trim();
    } else {
      multi.push(line);
      if (line.trimEnd().endsWith('}')) {
        parsed[key] = multi.join('\n').trim();
        key = undefined;
      }
    }
  }
  return parsed;
}

const SEP = '--kplay-unit--';

/** What systemd reads: the unit (null when no name is given), or the failed daemon-reload/daemon-reexec that ran first. */
export type SystemdFacts = UnitFacts | null | { daemonFailed: string };

/** The systemd module (also serves `service`). */
export const systemdModule = declareModule({
  spec: {
    options: {
      name: { type: 'str', aliases: ['service', 'unit'] },
      state: { type: 'str', choices: ['reloaded', 'restarted', 'started', 'stopped'] },
      enabled: { type: 'bool' },
      daemon_reload: { type: 'bool', aliases: ['daemon-reload'] },
      daemon_reexec: { type: 'bool', aliases: ['daemon-reexec'] },
      masked: { type: 'bool' },
      force: { type: 'bool' },
      no_block: { type: 'bool' },
      scope: { type: 'str', choices: ['system', 'user', 'global'] },
    },
    // (Ansible's required_one_of is always met: daemon_reload and daemon_reexec default to false)
  },
  refuse(o) {
    const glob = ['*', '?', '['].find((g) => o.name?.includes(g));
    if (glob !== undefined) return `This module does not currently support using glob patterns, found '${glob}' in service name: ${o.name ?? ''}`;
    // Ansible's required_by: state, enabled and masked need a name
    const needs = (['state', 'enabled', 'masked'] as const).find((k) => o[k] !== undefined);
    return o.name === undefined && needs !== undefined ? `missing parameter(s) required by '${needs}': name` : undefined;
  },
  // daemon-reload and daemon-reexec run first (not in check mode), as Ansible's module runs them before it
  // reads the unit: a unit file fixed on disk is then read as systemd now loads it
  async facts(o, host: HostIO, _local, mode): Promise<SystemdFacts> {
    const systemctl = systemctlFor(o.scope);
    for (const verb of ['daemon-reload', 'daemon-reexec'] as const) {
      if ((verb === 'daemon-reload' ? o.daemon_reload : o.daemon_reexec) !== true || mode.check) continue;
      const r = await host.run(`${systemctl} ${verb}`);
      if (r.rc !== 0) return { daemonFailed: `failure ${r.rc} during ${verb}: ${r.stderr}` };
    }
    if (o.name === undefined) return null;
    const n = q(o.name);
    // show's output only when it succeeded, as Ansible's module takes it; when it failed with systemd's
    // "Failed to parse bus message" (exit 1), list-unit-files and is-active stand in, as in Ansible's workaround
    // (ansible/ansible#71528)
    const search = `${o.name.split('@')[0] ?? ''}${o.name.includes('@') ? '@' : ''}`;
    const bus = `${SEP}; ${systemctl} list-unit-files ${q(`${search}*`)} 2>/dev/null; echo ${SEP}; ${systemctl} is-active ${n} 2>/dev/null`;
    const r = await host.run(
      `${systemctl} is-enabled ${n} 2>/dev/null; echo ${SEP}; if [ -e ${q(`/etc/init.d/${o.name}`)} ]; then echo yes; fi; echo ${SEP}; ` +
        `if s=$(${systemctl} show ${n} 2>/dev/null); then printf '%s\\n' "$s"; else e=$(${systemctl} show ${n} 2>&1 >/dev/null); [ $? = 1 ] && case "$e" in *'Failed to parse bus message'*) echo ${bus};; esac; fi`,
    );
    const [enabled = '', init = '', show = '', listing, active] = r.stdout.split(`${SEP}\n`);
    const facts: UnitFacts = { enabled: enabled.trim(), initScript: init.trim() === 'yes', status: parseSystemctlShow(show) };
    if (listing === undefined) return facts;
    return { ...facts, status: { ...facts.status, ActiveState: (active ?? '').replace(/\n+$/, '') }, listed: listing.includes(search) };
  },
  plan(o, f): Plan {
    const systemctl = systemctlFor(o.scope);
    const run = (command: string, failure: string): RunStep => ({ kind: 'run', command, failure });
    if (f !== null && 'daemonFailed' in f) return failPlan(f.daemonFailed);
    if (o.name === undefined || f === null) return { steps: [], result: { changed: false, name: null, status: {} } };
    const name = o.name;
    // a unit systemd loaded with an error fails (a masked or unknown one aside), as Ansible's module checks after show
    const load = f.status.LoadState;
    if (load !== undefined && load !== 'not-found' && load !== 'masked' && f.status.LoadError !== undefined) return failPlan(`Error loading unit file '${name}': ${f.status.LoadError}`);
    // a unit systemd knows: by show's LoadState when show answered, else by is-enabled's state; otherwise
    // only an init script makes it a service (Ansible's found)
    const known = f.listed ?? (Object.keys(f.status).length > 0 ? load !== undefined && load !== 'not-found' : KNOWN_STATES.includes(f.enabled));
    if (!known && !f.initScript && (o.enabled !== undefined || o.state !== undefined)) return failPlan(`Could not find the requested service ${name}: host`);
    const warnings = !known && f.initScript ? [`The service (${name}) is actually an init script but the system is managed by systemd`] : [];
    // Ansible's readings: running is active or activating; enabled is what `is-enabled` answers with exit status 0,
    // but indirect and alias; masked is masked alone (a runtime mask is made a lasting one)
    // the state is show's ActiveState, as Ansible's module reads it: without it (show failed) the state is unknown
    const active = f.status.ActiveState;
    const running = active === 'active' || active === 'activating';
    const isEnabled = ['enabled', 'enabled-runtime', 'static', 'generated', 'transient'].includes(f.enabled);
    const force = o.force === true ? ' --force' : '';
    // mask and enable fail with systemctl's output and errors, a state change with its errors (as Ansible's)
    const act = (verb: string, flags: string, failure: string): RunStep => run(`${systemctl} ${verb}${flags} ${q(name)}`, `Unable to ${verb} service ${name}: ${failure}`);
    const unit: RunStep[] = [];
    if (o.masked !== undefined && o.masked !== (f.enabled === 'masked')) unit.push(act(o.masked ? 'mask' : 'unmask', o.masked ? force : '', '{stdout}{stderr}'));
    if (o.enabled !== undefined && o.enabled !== isEnabled) unit.push(act(o.enabled ? 'enable' : 'disable', o.enabled ? force : '', '{stdout}{stderr}'));
    // restarted and reloaded start a unit that is not running
    const verbs: Record<string, string | undefined> = { started: running ? undefined : 'start', stopped: running || active === 'deactivating' ? 'stop' : undefined, restarted: running ? 'restart' : 'start', reloaded: running ? 'reload' : 'start' };
    // (after the mask and enable it asked, as Ansible's module fails only when it comes to the state)
    if (o.state !== undefined && active === undefined) return { steps: unit, result: { changed: false, failed: true, msg: 'Service is in unknown state', status: f.status } };
    const verb = o.state === undefined ? undefined : verbs[o.state];
    if (verb !== undefined) unit.push(act(verb, o.no_block === true ? ' --no-block' : '', '{stderr}'));
    // state and enabled are in the result only when asked, as Ansible's module sets them (restarted and reloaded say started)
    const result: ModuleResult = { changed: unit.length > 0, name, ...(o.state === undefined ? {} : { state: o.state === 'stopped' ? 'stopped' : 'started' }), ...(o.enabled === undefined ? {} : { enabled: o.enabled }), status: f.status };
    return { steps: unit, result, warnings };
  },
});

// systemctl in the unit's scope
function systemctlFor(scope: string | undefined): string {
  return `systemctl${scope === 'user' ? ' --user' : scope === 'global' ? ' --global' : ''}`;
}
