// The package manager Ansible's package and yum actions hand a task to: the `use` (or yum's `use_backend`)
// option, else the host's pkg_mgr fact, else the fact gathered now (setup's pkg_mgr collector), and the
// module on the controller that runs it (ansible-core's dnf, yum, zypper... as ansible.legacy.NAME).
import { PKG_MGR_NAMES, setup } from '../setup.js';
import { ActionFailed, type ModuleContext } from '../types.js';
import { resolveModuleName } from '../specs.js';
import { locatePythonModule, type PythonModule } from './locate.js';

/** The host's package manager as the actions find it: `asked` unless 'auto', the pkg_mgr fact, or gathered now. */
export function pkgMgrFor(ctx: ModuleContext, asked: unknown): Promise<{ name: string; gathered: boolean }> {
  return managerFor(ctx, asked, 'pkg_mgr');
}

/** A manager fact as the package and service actions read it: the option unless 'auto', the fact, else the fact gathered now ('auto' when none). */
export async function managerFor(ctx: ModuleContext, asked: unknown, fact: 'pkg_mgr' | 'service_mgr'): Promise<{ name: string; gathered: boolean }> {
  if (asked !== undefined && asked !== null && asked !== 'auto') return { name: String(asked), gathered: false };
  const known = ctx.variable(`ansible_facts.${fact}`);
  if (known.defined && known.value) return { name: String(known.value), gathered: false };
  const r = await setup({ ...ctx, args: { gather_subset: ['!all'], filter: [`ansible_${fact}`] } });
  const found = (r.ansible_facts as Record<string, unknown> | undefined)?.[`ansible_${fact}`];
  return { name: typeof found === 'string' ? found : 'auto', gathered: true };
}

/** Ansible's module for a package manager, found on the controller as Ansible finds ansible.legacy.NAME. */
export function backendModule(name: string): PythonModule {
  const found = locatePythonModule(`ansible.legacy.${name}`, []);
  // the module itself: ansible.legacy.yum is found as the yum action, which is what is being resolved here;
  // it runs under the name the action asked for, which its messages give ("(ansible.legacy.dnf) module"):
  // a package manager Ansible's facts name gets the ansible.legacy prefix, any other name is as given
  if ('module' in found) return { name: PKG_MGR_NAMES.has(name) ? `ansible.legacy.${name}` : name, path: found.module.path };
  throw new ActionFailed('problem' in found ? found.problem : `Could not find a module for ${name}.`);
}

/** The name a package manager's module is kept under among module_defaults, as the loader keys them: kplay's module, else the module Ansible finds, else the name. */
export function moduleDefaultsKey(name: string): string {
  const own = resolveModuleName(name);
  if (own) return own;
  const found = locatePythonModule(name, []);
  return 'module' in found ? found.module.name : name;
}
