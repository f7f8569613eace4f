// An action that hands its task on to another module (Ansible's package and service actions) as a
// declaration: its facts are the manager it finds (the option, the host's fact, or the fact gathered now)
// and what the controller keeps for that module (module_defaults); its plan is the module and the
// arguments it goes to, as one hand-off step, or the action's own failure. The shared executor runs it.
import { controllerOf, type Controller, type DeclaredModule, type FactsMode, type Options, type Plan } from './declare.js';
import { executePlan } from './execute-plan.js';
import { managerFor } from './python/backend.js';
import type { ModuleSpec, OptionSpec } from './specs.js';
import type { HostIO, Module, ModuleContext } from './types.js';

/** What a handing action asks the controller besides a module's: the host's manager fact, and the module_defaults kept for a module. */
export type HandoffController = Controller & {
  /** The manager as Ansible's action reads it: `asked` unless 'auto', the host's fact, else the fact gathered now ('auto' when none). */
  manager(fact: 'pkg_mgr' | 'service_mgr', asked: unknown): Promise<string>;
  /** The task's module_defaults for a module, by the name they are kept under (templated); empty when none apply. */
  defaultsOf(module: string): Record<string, unknown>;
};

/** A handing action: its options, its facts, its plan (a hand-off step, or a failure), and the module each manager's name runs. */
export interface HandoffDeclaration<O extends Record<string, OptionSpec>, F> {
  spec: ModuleSpec & { options: O };
  facts(o: Options<O>, local: HandoffController): Promise<F>;
  plan(o: Options<O>, facts: F, mode: { check: boolean }): Plan;
  /** The module a hand-off step's name stands for. */
  module(name: string): Module;
}

/** Makes a handing action runnable: facts, plan, and the executor carrying the hand-off out (the options as the task gives them: the module handed them converts its own). */
export function declareHandoff<O extends Record<string, OptionSpec>, F>(d: HandoffDeclaration<O, F>): DeclaredModule {
  return {
    spec: d.spec,
    // (a controller without the handing parts, as the fixture harness's, finds no manager)
    facts: (o: Record<string, unknown>, _host: HostIO, local: Controller, _mode: FactsMode) => d.facts(o as Options<O>, { manager: async () => 'auto', defaultsOf: () => ({}), ...local }),
    plan: (o, f, mode) => d.plan(o as Options<O>, f as F, mode),
    run: async (ctx) => {
      const o = ctx.args as Options<O>;
      const f = await d.facts(o, handingController(ctx));
      return executePlan(ctx, d.plan(o, f, { check: ctx.check }), (name, args) => d.module(name)({ ...ctx, args }));
    },
  };
}

// the controller a handing action's facts read, from the task's context
function handingController(ctx: ModuleContext): HandoffController {
  return {
    ...controllerOf(ctx),
    manager: async (fact, asked) => (await managerFor(ctx, asked, fact)).name,
    defaultsOf: (module) => ctx.defaultsOf?.(module) ?? {},
  };
}
