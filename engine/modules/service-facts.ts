// service_facts: the host's services as ansible_facts.services (name -> {name, state, status, source}),
// read as Ansible's module reads them: systemd's units and unit files when PID 1 is systemd, and
// SysV scripts from `service --status-all` where no chkconfig or OpenRC is installed. Upstart,
// chkconfig and OpenRC listings are not read: the module warns that they are missing instead.
import { shellQuote as q } from '../util/shell.js';
import type { HostIO, Module } from './types.js';

/** One service as Ansible's facts describe it. */
type Service = { name: string; state: string; status?: string; source: string };

const BAD_STATES = ['not-found', 'masked', 'failed'];
const SEP = '--kplay-service-facts--';

/** Services from `systemctl list-units` (ACTIVE as status, SUB running or not as state). */
function fromUnits(out: string, services: Record<string, Service>): void {
  for (const line of out.split('\n').filter((l) => l.includes('.service'))) {
    let fields = line.trim().split(/\s+/);
    let status: string;
    const bad = BAD_STATES.find((b) => fields.includes(b));
    if (bad) {
      status = bad;
      // the line starts with a marker (●) when the unit is in a bad state
      fields = fields.slice(1);
    } else status = fields[2] ?? 'unknown';
    const name = fields[0] as string;
    services[name] = { name, state: fields[3] === 'running' ? 'running' : 'stopped', status, source: 'systemd' };
  }
}

/** Services from `service --status-all` ([ + ] running, [ - ] stopped). */
function fromSysv(out: string, services: Record<string, Service>): void {
  for (const m of out.matchAll(/^\s*\[ ([+-]) \]\s+(.+)$/gm)) {
    const name = (m[2] as string).trimEnd();
    services[name] = { name, state: m[1] === '+' ? 'running' : 'stopped', source: 'sysv' };
  }
}

/** Adds systemd's services; returns a failure message for output it cannot read. */
async function systemdServices(host: HostIO, services: Record<string, Service>, warn: (m: string) => void): Promise<string | undefined> {
  const r = await host.run(`systemctl list-units --no-pager --type service --all; echo "${SEP}$?"; systemctl list-unit-files --no-pager --type service --all 2>&1; echo "${SEP}$?"`);
  const [units = '', unitsRc = '', files = '', filesRc = ''] = r.stdout.split(new RegExp(`${SEP}(\\d+)\\n?`));
  if (unitsRc.trim() !== '0') warn(`Could not list units from systemd: ${r.stderr.trim()}`);
  else fromUnits(units, services);
  if (filesRc.trim() !== '0') {
    warn(`Could not get unit files data from systemd: ${files.trim()}`);
    return undefined;
  }
  const missing: [string, string][] = [];
  for (const line of files.split('\n').filter((l) => l.includes('.service'))) {
    const [name, status] = line.trim().split(/\s+/);
    if (!name || !status) return `Malformed output discovered from systemd list-unit-files: ${line}`;
    const known = services[name];
    if (!known) missing.push([name, status]);
    else if (!BAD_STATES.includes(known.status ?? '')) known.status = status;
  }
  if (!missing.length) return undefined;
  // the units systemd has not loaded: their ActiveState, asked for all at once
  const show = await host.run(`systemctl show --property=Id --property=ActiveState ${missing.map(([n]) => q(n)).join(' ')}`);
  const states = new Map<string, string>();
  for (const block of show.stdout.split(/\n\s*\n/)) {
    const id = /^Id=(.*)$/m.exec(block)?.[1];
    const state = /^ActiveState=(.*)$/m.exec(block)?.[1];
    if (id && state) states.set(id, state.trim());
  }
  for (const [name, status] of missing) services[name] = { name, state: states.get(name) ?? 'unknown', status, source: 'systemd' };
  return undefined;
}

/** The service_facts module. */
export const serviceFacts: Module = async (ctx) => {
  const services: Record<string, Service> = {};
  const tools = await ctx.host.run(`for t in service chkconfig initctl rc-status; do command -v $t >/dev/null 2>&1 && echo $t; done; grep -q systemd /proc/1/comm 2>/dev/null && echo systemd-pid1`);
  const has = new Set(tools.stdout.split('\n').filter(Boolean));
  if (has.has('service') && !has.has('chkconfig') && !has.has('rc-status')) {
    const r = await ctx.host.run('service --status-all');
    if (r.rc !== 0) ctx.warn(`Unable to query 'service' tool (${r.rc}): ${r.stderr}`);
    fromSysv(r.stdout, services);
  }
  const unread = ['initctl', 'chkconfig', 'rc-status'].filter((t) => has.has(t));
  if (unread.length) ctx.warn(`service_facts: kplay does not read ${unread.join(', ')}; services only they list are missing from the facts`);
  if (has.has('systemd-pid1')) {
    const malformed = await systemdServices(ctx.host, services, (m) => ctx.warn(m));
    if (malformed) return { changed: false, failed: true, msg: malformed };
  }
  if (!Object.keys(services).length) return { changed: false, skipped: true, msg: 'Failed to find any services. This can be due to privileges or some other configuration issue.' };
  return { changed: false, ansible_facts: { services } };
};
