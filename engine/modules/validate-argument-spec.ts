// validate_argument_spec (ansible.builtin): checks values against an argument spec as Ansible's action
// does — the options' values from the task's variables (role parameters are variables too) over
// `provided_arguments` — with the AnsibleModule rules kplay converts module options by (required, type,
// choices, elements, nested options). It is also the task Ansible puts first in a role that has
// meta/argument_specs.yml ("Validating arguments against arg spec 'main'"). Declared: its facts are the
// variables' values for the spec's options, read on the controller.
import { converted } from '../playbook/module-args.js';
import type { OptionType } from './specs.js';
import { declareModule, failPlan, type Plan } from './declare.js';
import { plain, typeName } from '../template/expr/pyops.js';

interface Decl {
  type?: string;
  required?: boolean;
  choices?: unknown[];
  elements?: string;
  options?: Record<string, Decl>;
  aliases?: string[];
}

const TYPES: readonly string[] = ['str', 'bool', 'int', 'float', 'list', 'dict', 'path', 'raw'];
// Python's type name of a value, for messages (the template language's one)
const pyType = (v: unknown): string => typeName(plain(v));

// one value of a declared type, or the problem (a type kplay does not know is taken as it is: raw)
function typed(type: string | undefined, v: unknown): { value: unknown } | { problem: string } {
  const t = type ?? 'str';
  return TYPES.includes(t) ? converted({ type: t as OptionType }, v) : { value: v };
}

/** A value that cannot be converted to its option's type, as AnsibleModule's argument check words it. */
export const conversionProblem = (name: string, type: string, v: unknown, problem: string, suffix = ''): string => `argument '${name}' is of type <class '${pyType(v)}'>${suffix} and we were unable to convert to ${type}: ${reason(type, v, problem)}`;

// the reason a value cannot be converted, in AnsibleModule's words where kplay knows them
function reason(type: string, v: unknown, problem: string): string {
  if (type === 'int') return `<class '${pyType(v)}'> cannot be converted to an int`;
  if (type === 'float') return `<class '${pyType(v)}'> cannot be converted to a float`;
  if (type === 'list') return `<class '${pyType(v)}'> cannot be converted to a list`;
  if (type === 'dict') return typeof v === 'string' ? 'dictionary requested, could not parse JSON or key=value' : `<class '${pyType(v)}'> cannot be converted to a dict`;
  // (Ansible prints its set of booleans in Python's hash order, which changes from run to run: this is one of them)
  if (type === 'bool') return `The value '${String(v)}' is not a valid boolean.  Valid booleans include: 'n', 1, 0, 'y', '1', 'true', 'f', '0', 'no', 'on', 't', 'off', 'yes', 'false'`;
  return `it must be ${problem}`;
}

// a name given that no option (or alias) of its spec has, with what that spec supports (Ansible's words)
interface Unsupported {
  name: string;
  supported: string;
}

// every message for `params` against `spec`, in Ansible's order (types and elements, then choices, then
// nested options) and wording; `where` names the parent of nested options. A value given by an alias
// counts for its option; names no option has go to `unsupported`, reported after everything else.
function problems(spec: Record<string, Decl>, given: Record<string, unknown>, where: string, unsupported: Unsupported[]): string[] {
  const out: string[] = [];
  const suffix = where ? ` found in ${where}` : '';
  const params = { ...given };
  const aliases = Object.entries(spec).flatMap(([k, d]) => (d.aliases ?? []).map((a) => [a, k] as const));
  for (const [alias, k] of aliases) if (params[k] === undefined && params[alias] !== undefined) params[k] = params[alias];
  const legal = new Set([...Object.keys(spec), ...aliases.map(([a]) => a)]);
  const names = Object.keys(spec).sort();
  const supported = `${names.join(', ')}${aliases.length ? ` (${aliases.map(([a]) => a).sort().join(', ')})` : ''}`;
  for (const name of Object.keys(given)) if (!legal.has(name)) unsupported.push({ name: where ? `${where}.${name}` : name, supported });
  const missing = Object.entries(spec)
    .filter(([k, d]) => d.required === true && (params[k] === undefined || params[k] === null))
    .map(([k]) => k)
    .sort();
  if (missing.length) out.push(`missing required arguments: ${missing.join(', ')}${suffix}`);
  const values = new Map<string, unknown>();
  for (const [k, d] of Object.entries(spec)) {
    const v = params[k];
    if (v === undefined || v === null) continue;
    const type = d.type ?? 'str';
    const c = typed(type, v);
    if ('problem' in c) {
      out.push(conversionProblem(k, type, v, c.problem, suffix));
      continue;
    }
    let value = c.value;
    if (d.elements && Array.isArray(value)) {
      const items: unknown[] = [];
      for (const item of value) {
        const e = typed(d.elements, item);
        if ('problem' in e) out.push(`Elements value for option '${k}'${suffix} is of type <class '${pyType(item)}'> and we were unable to convert to ${d.elements}: ${reason(d.elements, item, e.problem)}`);
        else items.push(e.value);
      }
      value = items;
    }
    values.set(k, value);
  }
  for (const [k, d] of Object.entries(spec)) {
    if (!d.choices || !values.has(k)) continue;
    const value = values.get(k);
    const choices = d.choices.map(String);
    const bad = (Array.isArray(value) ? value : [value]).filter((x) => !choices.includes(String(x)));
    if (bad.length) out.push(`value of ${k} must be ${Array.isArray(value) ? 'one or more' : 'one'} of: ${choices.join(', ')}, got: ${bad.map(String).join(', ')}${suffix}`);
  }
  for (const [k, d] of Object.entries(spec)) {
    if (!d.options || !values.has(k)) continue;
    const value = values.get(k);
    for (const sub of Array.isArray(value) ? value : [value]) if (sub && typeof sub === 'object' && !Array.isArray(sub)) out.push(...problems(d.options, sub as Record<string, unknown>, where ? `${where}.${k}` : k, unsupported));
  }
  return out;
}

const OPTIONS = { argument_spec: { type: 'dict', required: true }, provided_arguments: { type: 'dict' }, validate_args_context: { type: 'dict' } } as const;

/** What validate_argument_spec reads: the values the task's variables give the spec's options (role parameters are variables too). */
export interface ArgumentFacts {
  vars: Record<string, unknown>;
}

/** The validate_argument_spec module. */
export const validateArgumentSpecModule = declareModule({
  spec: { controllerOnly: true, options: OPTIONS },
  controllerAction: true,
  facts: async (o, _host, local): Promise<ArgumentFacts> => {
    const vars: Record<string, unknown> = {};
    const spec = o.argument_spec;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return { vars };
    for (const name of Object.keys(spec)) {
      if (!/^[A-Za-z_]\w*$/.test(name)) continue;
      const v = local.variable(name);
      if (v.defined) vars[name] = v.value;
    }
    return { vars };
  },
  plan(o, f): Plan {
    const spec: unknown = o.argument_spec;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return failPlan(`Incorrect type for argument_spec, expected dict and got ${typeof spec === 'string' ? "<class 'str'>" : `<class '${pyType(spec)}'>`}`);
    // the options' values among the task's variables win over provided_arguments, as in Ansible's action
    const provided = { ...(o.provided_arguments ?? {}), ...f.vars };
    const unsupported: Unsupported[] = [];
    const errors = problems(spec as Record<string, Decl>, provided, '', unsupported);
    // one message for all of them; the supported names are those of the last one's spec (Ansible's is the
    // last in its set's order, which changes from run to run: here the last by name)
    const last = [...unsupported].sort((a, b) => (a.name < b.name ? -1 : 1)).at(-1);
    if (last) errors.push(`${unsupported.map((u) => u.name).sort().join(', ')}. Supported parameters include: ${last.supported}.`);
    // the role's own check says which role and entry point it is, as Ansible's does
    const context = o.validate_args_context;
    const about = { validate_args_context: context ?? {} };
    if (errors.length) return failPlan(`Validation of arguments failed:\n${errors.join('\n')}`, { argument_spec_data: spec, argument_errors: errors, ...about });
    return { steps: [], result: { changed: false, msg: 'The arg spec validation passed', ...about } };
  },
});
