// service_facts: the host's services as ansible_facts.services (name -> {name, state, status, source}),
// read as Ansible's module reads them: systemd's units and unit files when PID 1 is systemd, and
// SysV scripts from `service --status-all` where no chkconfig or OpenRC is installed. Upstart,
// chkconfig and OpenRC listings are not read: the module warns that they are missing instead.
// Declared: the facts are the tools' outputs; the plan parses them.
import { shellQuote as q } from '../util/shell.js';
import { declareModule, failPlan } from './declare.js';
import type { HostIO } from './types.js';

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

/** A command's answer as the facts keep it. */
interface Answer {
  rc: number;
  stdout: string;
  stderr: string;
}

/** What service_facts reads: which tools the host has, and their listings. */
export interface ServiceFactsFacts {
  /** service, chkconfig, initctl, rc-status found on PATH; systemd-pid1 when PID 1 is systemd. */
  tools: string[];
  /** `service --status-all` (noInitd: it answered 4 and there is no /etc/init.d). */
  sysv?: (Answer & { noInitd?: boolean | undefined }) | undefined;
  units?: Answer | undefined;
  unitFiles?: Answer | undefined;
  /** `systemctl show` of the unit files systemd has not loaded (their ActiveState). */
  shown?: string | undefined;
}

// the unit files' lines: [name, status] pairs, or the malformed line
function unitFileLines(out: string): [string, string][] | { malformed: string } {
  const pairs: [string, string][] = [];
  for (const line of out.split('\n').filter((l) => l.includes('.service'))) {
    const [name, status] = line.trim().split(/\s+/);
    if (!name || !status) return { malformed: line };
    pairs.push([name, status]);
  }
  return pairs;
}

const usesSysv = (tools: Set<string>): boolean => tools.has('service') && !tools.has('chkconfig') && !tools.has('rc-status');

async function readFacts(host: HostIO): Promise<ServiceFactsFacts> {
  const found = await host.run(`for t in service chkconfig initctl rc-status; do command -v $t >/dev/null 2>&1 && echo $t; done; grep -q systemd /proc/1/comm 2>/dev/null && echo systemd-pid1`);
  const tools = found.stdout.split('\n').filter(Boolean);
  const has = new Set(tools);
  const f: ServiceFactsFacts = { tools };
  if (usesSysv(has)) {
    const r = await host.run('service --status-all');
    // `service` on RHEL 9 answers 4 when there is no /etc/init.d: then it lists nothing, and says nothing
    f.sysv = r.rc === 4 && (await host.run('[ -d /etc/init.d ]')).rc !== 0 ? { rc: 4, stdout: '', stderr: '', noInitd: true } : { rc: r.rc, stdout: r.stdout, stderr: r.stderr };
  }
  if (!has.has('systemd-pid1')) return f;
  const r = await host.run(`systemctl list-units --no-pager --type service --all; echo "${SEP}$?"; systemctl list-unit-files --no-pager --type service --all 2>&1; echo "${SEP}$?"`);
  const [units = '', unitsRc = '', files = '', filesRc = ''] = r.stdout.split(new RegExp(`${SEP}(\\d+)\\n?`));
  f.units = { rc: Number(unitsRc.trim()), stdout: units, stderr: r.stderr };
  f.unitFiles = { rc: Number(filesRc.trim()), stdout: files, stderr: '' };
  // the units systemd has not loaded: their ActiveState, asked for all at once
  const loaded: Record<string, Service> = {};
  if (f.units.rc === 0) fromUnits(units, loaded);
  const pairs = f.unitFiles.rc === 0 ? unitFileLines(files) : [];
  const missing = Array.isArray(pairs) ? pairs.filter(([n]) => !loaded[n]).map(([n]) => n) : [];
  if (missing.length) f.shown = (await host.run(`systemctl show --property=Id --property=ActiveState ${missing.map(q).join(' ')}`)).stdout;
  return f;
}

/** The service_facts module. */
export const serviceFactsModule = declareModule({
  spec: { options: {} },
  facts: (_o, host) => readFacts(host),
  plan(_o, f) {
    const services: Record<string, Service> = {};
    const warnings: string[] = [];
    const has = new Set(f.tools);
    if (f.sysv && !f.sysv.noInitd) {
      if (f.sysv.rc !== 0) warnings.push(`Unable to query 'service' tool (${f.sysv.rc}): ${f.sysv.stderr}`);
      fromSysv(f.sysv.stdout, services);
    }
    const unread = ['initctl', 'chkconfig', 'rc-status'].filter((t) => has.has(t));
    if (unread.length) warnings.push(`service_facts: kplay does not read ${unread.join(', ')}; services only they list are missing from the facts`);
    if (f.units && f.unitFiles) {
      if (f.units.rc !== 0) warnings.push(`Could not list units from systemd: ${f.units.stderr.trim()}`);
      else fromUnits(f.units.stdout, services);
      if (f.unitFiles.rc !== 0) warnings.push(`Could not get unit files data from systemd: ${f.unitFiles.stdout.trim()}`);
      else {
        const pairs = unitFileLines(f.unitFiles.stdout);
        if (!Array.isArray(pairs)) return { ...failPlan(`Malformed output discovered from systemd list-unit-files: ${pairs.malformed}`), warnings };
        const states = new Map<string, string>();
        for (const block of (f.shown ?? '').split(/\n\s*\n/)) {
          const id = /^Id=(.*)$/m.exec(block)?.[1];
          const state = /^ActiveState=(.*)$/m.exec(block)?.[1];
          if (id && state) states.set(id, state.trim());
        }
        for (const [name, status] of pairs) {
          const known = services[name];
          if (!known) services[name] = { name, state: states.get(name) ?? 'unknown', status, source: 'systemd' };
          else if (!BAD_STATES.includes(known.status ?? '')) known.status = status;
        }
      }
    }
    if (!Object.keys(services).length) return { steps: [], result: { changed: false, skipped: true, msg: 'Failed to find any services. This can be due to privileges or some other configuration issue.' }, warnings };
    return { steps: [], result: { changed: false, ansible_facts: { services } }, warnings };
  },
});
