// Which module a package task runs on: package (and yum's dnf backend) hand it to the host's package
// manager as Ansible's actions do; apt and dnf run natively, apt but for a .deb file and dnf only for what
// kplay's dnf takes (the rest, and every other package manager, as Ansible's own module on the host's Python).
import { aptModule } from './apt.js';
import { dnfModule, nativeDnf } from './dnf.js';
import { converted } from '../playbook/module-args.js';
import { backendModule, moduleDefaultsKey } from './python/backend.js';
import { pythonModule } from './python/run.js';
import { failPlan, type Plan } from './declare.js';
import { declareHandoff } from './handoff.js';
import { MODULES, ONE_SIDED_PACKAGE_ALIASES, type ModuleSpec, type OptionSpec } from './specs.js';
import { conversionProblem } from './validate-argument-spec.js';
import type { Module } from './types.js';

// Ansible's names for kplay's option names where they differ: its apt calls the package list `package` (name and pkg are aliases)
const ANSIBLE_NAMES: Record<string, Record<string, string>> = { apt: { name: 'package' } };

/**
 * What Ansible's module for a package manager says of arguments the package action handed it that its spec
 * does not take (package accepts the options of both apt and dnf when the task is loaded), in its words:
 * unsupported names, a value not among the choices, options given together that exclude each other.
 * Undefined when the module takes them.
 */
export function backendArgsProblem(module: 'apt' | 'dnf', args: Record<string, unknown>): string | undefined {
  const spec = MODULES[module] as ModuleSpec;
  const named = ANSIBLE_NAMES[module] ?? {};
  const unsupported = Object.keys(args).filter((k) => !(k in spec.options)).sort();
  if (unsupported.length) {
    const names: string[] = [];
    const aliases: string[] = [];
    for (const [k, o] of Object.entries(spec.options)) {
      const own = named[k] ?? k;
      names.push(own);
      aliases.push(...(o.aliases ?? []).filter((a) => a !== own), ...(own === k ? [] : [k]));
    }
    return `Unsupported parameters for (ansible.legacy.${module}) module: ${unsupported.join(', ')}. Supported parameters include: ${names.sort().join(', ')} (${aliases.sort().join(', ')}).`;
  }
  for (const [k, o] of Object.entries(spec.options)) {
    const v = args[k];
    if (o.choices && typeof v === 'string' && !o.choices.includes(v)) return `value of ${named[k] ?? k} must be one of: ${o.choices.join(', ')}, got: ${v}`;
  }
  for (const group of spec.mutuallyExclusive ?? []) {
    const given = group.filter((g) => args[g] !== undefined);
    if (given.length > 1) return `parameters are mutually exclusive: ${group.map((g) => named[g] ?? g).join('|')}`;
  }
  return undefined;
}

/**
 * package's arguments under the option names of the module they go to: an alias only that module gives
 * (dnf's expire-cache, loaded as written) becomes its option, converted to the option's type; an alias only
 * the other module gives stays as it is, for the module's check to refuse. Or what is wrong, in Ansible's words.
 */
export function ownNames(module: 'apt' | 'dnf', args: Record<string, unknown>): Record<string, unknown> | string {
  const spec = MODULES[module] as ModuleSpec;
  const out = { ...args };
  for (const [alias, name] of Object.entries(ONE_SIDED_PACKAGE_ALIASES)) {
    const o = spec.options[name];
    if (!(alias in out) || !o?.aliases?.includes(alias)) continue;
    if (name in out) return `parameter '${name}' of module '${module}' is given twice (through an alias)`;
    const value = out[alias];
    delete out[alias];
    if (value === null || value === undefined) continue;
    const c = converted(o, value);
    if ('problem' in c) return conversionProblem(name, o.type, value, c.problem);
    out[name] = c.value;
  }
  return out;
}

// module_defaults as package's arguments: each alias under its option's name and each value of its type (a
// name neither apt nor dnf takes stays as it is, for the chosen module to refuse); or what is wrong
function asArguments(defaults: Record<string, unknown>): Record<string, unknown> | string {
  const spec = MODULES.package as ModuleSpec;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(defaults)) {
    const name = key in spec.options ? key : (Object.entries(spec.options).find(([, o]) => o.aliases?.includes(key))?.[0] ?? key);
    const o = spec.options[name];
    const c = o ? converted(o, value) : { value };
    if ('problem' in c) return `argument '${key}' of the module_defaults must be ${c.problem}, got ${JSON.stringify(value)}`;
    out[name] = c.value;
  }
  return out;
}

/** The apt task: kplay's apt, but a .deb file's install (`deb`), which goes to Ansible's apt module (python-apt reads the file). */
export const aptTask: Module = (ctx) => (ctx.args.deb === undefined ? aptModule.run(ctx) : pythonModule(backendModule('apt'))(ctx));

/** The dnf task: kplay's dnf for the specs and options it takes, Ansible's dnf module for the others. */
export const dnfTask: Module = (ctx) => (nativeDnf(ctx.args) ? dnfModule.run(ctx) : pythonModule(backendModule('dnf'))(ctx));

/** The module for a package manager's name: apt and dnf natively, any other Ansible's. */
export function backendTask(name: string): Module {
  if (name === 'apt') return aptTask;
  if (name === 'dnf' || name === 'yum4') return dnfTask;
  return pythonModule(backendModule(name));
}

/** What package's plan reads: the host's package manager, and the module_defaults the task has for its module. */
export interface PackageFacts {
  pkg_mgr: string;
  defaults: Record<string, unknown>;
}

/**
 * The generic package module, as Ansible's package action: the package manager from `use`, else the
 * pkg_mgr fact (gathered when unknown), and its module with the task's arguments over its module_defaults.
 */
export const packageModule = declareHandoff({
  spec: MODULES.package as ModuleSpec & { options: { use: OptionSpec } },
  async facts(o, local): Promise<PackageFacts> {
    const pkg_mgr = await local.manager('pkg_mgr', o.use);
    return { pkg_mgr, defaults: pkg_mgr === 'auto' ? {} : local.defaultsOf(moduleDefaultsKey(pkg_mgr)) };
  },
  plan(o, f: PackageFacts): Plan {
    const name = f.pkg_mgr;
    if (name === 'auto') return failPlan('Could not detect which package manager to use. Try gathering facts or setting the "use" option.');
    const { use: _use, ...given } = o as Record<string, unknown>;
    // the chosen module's module_defaults under the task's arguments, as Ansible's action applies them
    const defaults = asArguments(f.defaults);
    if (typeof defaults === 'string') return failPlan(defaults);
    const handed = { ...defaults, ...given };
    const args = name === 'apt' ? ownNames('apt', handed) : name === 'dnf' || name === 'yum4' ? ownNames('dnf', handed) : handed;
    if (typeof args === 'string') return failPlan(args);
    // kplay's apt and dnf take the arguments only when Ansible's would (Ansible's dnf, where kplay hands it the task, checks its own)
    const problem = name === 'apt' ? backendArgsProblem('apt', args) : name === 'dnf' || name === 'yum4' ? (nativeDnf(args) ? backendArgsProblem('dnf', args) : undefined) : undefined;
    if (problem !== undefined) return failPlan(problem);
    return { steps: [{ kind: 'handoff', module: name, args }], result: { changed: false } };
  },
  module: backendTask,
});
