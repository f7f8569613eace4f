// service: Ansible's service action. The service manager comes from `use`, else the host's service_mgr
// fact (gathered when unknown): on systemd the task is kplay's systemd module (pattern, runlevel, sleep
// and arguments dropped with the action's warning); on any other init (sysvinit, OpenRC, upstart, a
// container's) it is Ansible's module for that manager on the host's Python, ansible.legacy.service when
// Ansible has none by that name, as the action hands it on.
import { builtinModuleFile, locatePythonModule, type PythonModule } from './python/locate.js';
import { pythonModule } from './python/run.js';
import { systemdModule } from './systemd.js';
import type { Plan } from './declare.js';
import { declareHandoff } from './handoff.js';
import { MODULES, type ModuleSpec, type OptionSpec } from './specs.js';
import type { Module } from './types.js';

/** The service options systemd does not use (Ansible's UNUSED_PARAMS for systemd): dropped with a warning there, handed on elsewhere. */
export const NOT_FOR_SYSTEMD = ['pattern', 'runlevel', 'sleep', 'arguments', 'args'];
// the service managers ansible-core has a module for, run as ansible.legacy.NAME (Ansible's BUILTIN_SVC_MGR_MODULES)
const BUILTIN = new Set(['openwrt_init', 'service', 'systemd', 'sysvinit']);

/** The module Ansible's service action runs for a service manager: its name and file on the controller. */
export function serviceBackend(manager: string): PythonModule | { problem: string } {
  if (BUILTIN.has(manager)) {
    const path = builtinModuleFile(manager);
    if (path !== undefined) return { name: `ansible.legacy.${manager}`, path };
  } else if (manager && manager !== 'auto') {
    const found = locatePythonModule(manager, []);
    if ('module' in found) return { ...found.module, name: manager };
  }
  const path = builtinModuleFile('service');
  return path === undefined ? { problem: `kplay runs Ansible's service module on a host whose service manager is '${manager}' (not systemd), and this controller has no ansible-core` } : { name: 'ansible.legacy.service', path };
}

/** What service's plan reads: the host's service manager. */
export interface ServiceFacts {
  service_mgr: string;
}

/** The service module, as Ansible's service action hands it on (to systemd without the options systemd does not use, with a warning for each). */
export const serviceModule = declareHandoff({
  spec: MODULES.service as ModuleSpec & { options: Record<string, OptionSpec> },
  async facts(o, local): Promise<ServiceFacts> {
    return { service_mgr: await local.manager('service_mgr', o.use) };
  },
  plan(o, f: ServiceFacts): Plan {
    const { use: _use, ...args } = o as Record<string, unknown>;
    const warnings: string[] = [];
    if (f.service_mgr === 'systemd') {
      for (const k of NOT_FOR_SYSTEMD) {
        if (args[k] === undefined) continue;
        delete args[k];
        warnings.push(`Ignoring "${k}" as it is not used in "systemd"`);
      }
    }
    return { steps: [{ kind: 'handoff', module: f.service_mgr, args }], result: { changed: false }, ...(warnings.length ? { warnings } : {}) };
  },
  module: serviceManagerModule,
});

// the module a service manager's name runs: kplay's systemd, else Ansible's module for it on the host's Python
function serviceManagerModule(manager: string): Module {
  if (manager === 'systemd') return systemdModule.run;
  const backend = serviceBackend(manager);
  return 'problem' in backend ? async () => ({ changed: false, failed: true, msg: backend.problem }) : pythonModule(backend);
}
