// validate_argument_spec (ansible.builtin): checks values against an argument spec as Ansible's action
// does — the options' values from the task's variables (role parameters are variables too) over
// `provided_arguments` — with the AnsibleModule rules kplay converts module options by (required, type,
// choices, elements, nested options). It is also the task Ansible puts first in a role that has
// meta/argument_specs.yml ("Validating arguments against arg spec 'main'").
import { converted } from '../playbook/module-args.js';
import type { OptionType } from './specs.js';
import type { Module } from './types.js';
import { plain, typeName } from '../template/expr/pyops.js';

interface Decl {
  type?: string;
  required?: boolean;
  choices?: unknown[];
  elements?: string;
  options?: Record<string, Decl>;
}

const TYPES: readonly string[] = ['str', 'bool', 'int', 'float', 'list', 'dict', 'path', 'raw'];
// Python's type name of a value, for messages (the template language's one)
const pyType = (v: unknown): string => typeName(plain(v));

// one value of a declared type, or the problem (a type kplay does not know is taken as it is: raw)
function typed(type: string | undefined, v: unknown): { value: unknown } | { problem: string } {
  const t = type ?? 'str';
  return TYPES.includes(t) ? converted({ type: t as OptionType }, v) : { value: v };
}

// the reason a value cannot be converted, in AnsibleModule's words where kplay knows them
function reason(type: string, v: unknown, problem: string): string {
  if (type === 'int') return `<class '${pyType(v)}'> cannot be converted to an int`;
  if (type === 'float') return `<class '${pyType(v)}'> cannot be converted to a float`;
  return `it must be ${problem}`;
}

// every message for `params` against `spec`, in Ansible's order (types and elements, then choices, then
// nested options) and wording; `where` names the parent of nested options
function problems(spec: Record<string, Decl>, params: Record<string, unknown>, where: string): string[] {
  const out: string[] = [];
  const suffix = where ? ` found in ${where}` : '';
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
      out.push(`argument '${k}' is of type <class '${pyType(v)}'>${suffix} and we were unable to convert to ${type}: ${reason(type, v, c.problem)}`);
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
    for (const sub of Array.isArray(value) ? value : [value]) if (sub && typeof sub === 'object' && !Array.isArray(sub)) out.push(...problems(d.options, sub as Record<string, unknown>, where ? `${where}.${k}` : k));
  }
  return out;
}

/** The validate_argument_spec module. */
export const validateArgumentSpec: Module = async (ctx) => {
  const spec = ctx.args.argument_spec;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return { changed: false, failed: true, msg: `Incorrect type for argument_spec, expected dict and got ${typeof spec === 'string' ? "<class 'str'>" : `<class '${pyType(spec)}'>`}` };
  const given = ctx.args.provided_arguments;
  const provided: Record<string, unknown> = given && typeof given === 'object' && !Array.isArray(given) ? { ...(given as Record<string, unknown>) } : {};
  // the options' values among the task's variables win over provided_arguments, as in Ansible's action
  for (const name of Object.keys(spec)) {
    if (!/^[A-Za-z_]\w*$/.test(name)) continue;
    const v = ctx.variable(name);
    if (v.defined) provided[name] = v.value;
  }
  const errors = problems(spec as Record<string, Decl>, provided, '');
  // the role's own check says which role and entry point it is, as Ansible's does
  const context = ctx.args.validate_args_context;
  const about = context && typeof context === 'object' ? { validate_args_context: context } : {};
  if (errors.length) return { changed: false, failed: true, msg: `Validation of arguments failed:\n${errors.join('\n')}`, argument_spec_data: spec, argument_errors: errors, ...about };
  return { changed: false, msg: 'The arg spec validation passed', ...about };
};
