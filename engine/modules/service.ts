// service: Ansible's service action. The service manager comes from `use`, else the host's service_mgr
// fact (gathered when unknown): on systemd the task is kplay's systemd module (pattern, runlevel, sleep
// and arguments dropped with the action's warning); on any other init (sysvinit, OpenRC, upstart, a
// container's) it is Ansible's module for that manager on the host's Python, ansible.legacy.service when
// Ansible has none by that name, as the action hands it on.
import { builtinModuleFile, locatePythonModule, type PythonModule } from './python/locate.js';
import { serviceMgrFor } from './python/backend.js';
import { pythonModule } from './python/run.js';
import { systemdModule } from './systemd.js';
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

/** The service task, as Ansible's service action hands it on. */
export const serviceTask: Module = async (ctx) => {
  const { name: manager } = await serviceMgrFor(ctx, ctx.args.use);
  const { use: _use, ...args } = ctx.args;
  if (manager === 'systemd') {
    for (const k of NOT_FOR_SYSTEMD) {
      if (args[k] === undefined) continue;
      delete args[k];
      ctx.warn(`Ignoring "${k}" as it is not used in "systemd"`);
    }
    return systemdModule.run({ ...ctx, args });
  }
  const backend = serviceBackend(manager);
  if ('problem' in backend) return { changed: false, failed: true, msg: backend.problem };
  return pythonModule(backend)({ ...ctx, args });
};
