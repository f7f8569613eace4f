// Which module a package task runs on: package (and yum's dnf backend) hand it to the host's package
// manager as Ansible's actions do; apt and dnf run natively, dnf only for what kplay's dnf takes (the rest,
// and every other package manager, as Ansible's own module on the host's Python).
import { apt } from './apt.js';
import { dnfModule, nativeDnf } from './dnf.js';
import { backendModule, pkgMgrFor } from './python/backend.js';
import { pythonModule } from './python/run.js';
import { ActionError, type Module } from './types.js';

/** The dnf task: kplay's dnf for the specs and options it takes, Ansible's dnf module for the others. */
export const dnfTask: Module = (ctx) => (nativeDnf(ctx.args) ? dnfModule.run(ctx) : pythonModule(backendModule('dnf'))(ctx));

/** The module for a package manager's name: apt and dnf natively, any other Ansible's. */
export function backendTask(name: string): Module {
  if (name === 'apt') return apt;
  if (name === 'dnf' || name === 'yum4') return dnfTask;
  return pythonModule(backendModule(name));
}

/**
 * The generic package module, as Ansible's package action: the package manager from `use`, else the
 * pkg_mgr fact (gathered when unknown), and its module.
 */
export const packageModule: Module = async (ctx) => {
  const { name } = await pkgMgrFor(ctx, ctx.args.use);
  if (name === 'auto') throw new ActionError('Could not detect which package manager to use. Try gathering facts or setting the "use" option.');
  const { use: _use, ...args } = ctx.args;
  return backendTask(name)({ ...ctx, args });
};
