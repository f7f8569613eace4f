// Module arguments as Ansible reads them: `copy: src=a dest=b` or a mapping, `args:` merged under
// the inline ones, free-form text for command/shell/raw (where only a few `k=v` are options), then
// checked against the module's spec: unknown options (with "did you mean"), required, choices, types.
import { PyFloat, isNumber } from '../util/py-float.js';
import { pyStr } from '../util/python-repr.js';
import { ParseError, type SourcePos } from '../errors.js';
import type { ModuleSpec, OptionSpec } from '../modules/specs.js';
import type { ModuleDefaults } from './model.js';
import { parseBool } from '../template/helpers.js';
import { didYouMean } from '../util/did-you-mean.js';

export { decodeEscapes, parseKv, splitModuleString } from '../util/kv.js';

/** Where an argument was written (for errors pointing at it). */
export type ArgPos = (name: string) => SourcePos;

// a number as Python's float() reads it (1, -1.5, 1e9)
const FLOAT = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;

function isTemplated(v: unknown): boolean {
  return typeof v === 'string' && v.includes('{{');
}

function typeProblem(o: OptionSpec, v: unknown): string | undefined {
  if (v === null || v === undefined || isTemplated(v)) return undefined;
  switch (o.type) {
    case 'bool':
      return parseBool(v) !== null ? undefined : 'a boolean (true/false)';
    case 'int':
      return (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v.trim())) ? undefined : 'a whole number';
    case 'float':
      return isNumber(v) || (typeof v === 'string' && FLOAT.test(v)) ? undefined : 'a number';
    case 'list':
      // a boolean is a one-element list, as AnsibleModule's check_type_list makes it (Python's bool is an int)
      return Array.isArray(v) || typeof v === 'string' || isNumber(v) || typeof v === 'boolean' ? undefined : 'a list';
    case 'dict':
      return typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyFloat) ? undefined : 'a mapping';
    case 'str':
    case 'path':
      return typeof v === 'object' && !(v instanceof PyFloat) ? 'text, not a list or mapping' : undefined;
    default:
      return undefined;
  }
}

// An option kplay honours only with some values (OptionSpec.only): any other value is refused, so it is
// never silently ignored. `value` is the converted value.
// a list option with choices: each element one of them (Ansible's "one or more of")
function checkListChoices(key: string, choices: readonly string[], value: unknown, pos: SourcePos): void {
  if (!Array.isArray(value)) return;
  const bad = value.filter((v) => !isTemplated(v) && !choices.includes(String(v)));
  if (bad.length) throw new ParseError(`value of '${key}' must be one or more of: ${choices.join(', ')}; got no match for: ${bad.join(', ')}`, pos, didYouMean(String(bad[0]), choices));
}

function refuseUnhonoured(module: string, key: string, o: OptionSpec, value: unknown, pos: SourcePos): void {
  if (!o.only || value === undefined || value === null) return;
  if (o.only.some((x) => x === value)) return;
  const shown = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  const hint = o.only.length ? `kplay honours ${key}: ${o.only.map((x) => JSON.stringify(x)).join(' or ')}; leave it out or use one of those` : `leave '${key}' out; see README "Modules: options" for what kplay supports`;
  throw new ParseError(`module '${module}': kplay does not support '${key}' ${o.only.length ? `with the value ${shown}` : 'yet'}`, pos, hint);
}

/** Normalises aliases and checks `args` against the module spec; returns the canonical args. */
export function checkModuleArgs(module: string, spec: ModuleSpec, input: Record<string, unknown>, at: ArgPos): Record<string, unknown> {
  const byName = new Map<string, string>();
  for (const [name, o] of Object.entries(spec.options)) {
    byName.set(name, name);
    for (const a of o.aliases ?? []) byName.set(a, name);
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === '_raw_params') {
      if (!spec.freeForm) {
        throw new ParseError(`module '${module}' does not take free-form text, got ${JSON.stringify(value)}`, at(key), 'give its options as name=value or as a mapping');
      }
      args._raw_params = value;
      continue;
    }
    const canonical = byName.get(key);
    if (!canonical) {
      if (spec.anyOptions) {
        args[key] = value;
        continue;
      }
      const known = [...byName.keys()];
      throw new ParseError(`unsupported parameter '${key}' for module '${module}'`, at(key), didYouMean(key, known) ?? `supported: ${Object.keys(spec.options).sort().join(', ')}`);
    }
    if (canonical in args) throw new ParseError(`parameter '${canonical}' of module '${module}' is given twice (through an alias)`, at(key));
    const o = spec.options[canonical] as OptionSpec;
    const problem = typeProblem(o, value);
    if (problem) throw new ParseError(`parameter '${key}' of module '${module}' must be ${problem}, got ${JSON.stringify(value)}`, at(key));
    if (o.choices && o.type !== 'list' && typeof value === 'string' && !isTemplated(value) && !o.choices.includes(value)) {
      throw new ParseError(`value of '${key}' must be one of: ${o.choices.join(', ')}; got '${value}'`, at(key), didYouMean(value, o.choices));
    }
    if (o.choices && o.type === 'list' && !isTemplated(value)) {
      const c = converted(o, value);
      if ('value' in c) checkListChoices(key, o.choices, c.value, at(key));
    }
    if (o.only && !isTemplated(value)) {
      const c = converted(o, value);
      refuseUnhonoured(module, key, o, 'value' in c ? c.value : value, at(key));
    }
    args[canonical] = value;
  }
  if (spec.freeForm === 'required' && args._raw_params === undefined) {
    throw new ParseError(`module '${module}' needs its free-form argument`, at('_raw_params'), module === 'meta' ? 'e.g. meta: flush_handlers' : `e.g. ${module}: some command`);
  }
  for (const [name, o] of Object.entries(spec.options)) {
    if (o.required && args[name] === undefined) throw new ParseError(`missing required argument '${name}' for module '${module}'`, at(name));
  }
  for (const group of spec.mutuallyExclusive ?? []) {
    const given = group.filter((g) => args[g] !== undefined);
    if (given.length > 1) throw new ParseError(`parameters are mutually exclusive: ${given.join(', ').replace('_raw_params', 'free-form text')} (module '${module}')`, at(given[1] as string));
  }
  for (const group of spec.requiredOneOf ?? []) {
    if (!group.some((g) => args[g] !== undefined)) {
      throw new ParseError(`module '${module}' needs one of: ${group.join(', ').replace('_raw_params', 'free-form text')}`, at(group[0] as string));
    }
  }
  return args;
}

/** Ansible's argument-spec conversion of one value (AnsibleModule's check_type_*), or a problem text. */
export function converted(o: Pick<OptionSpec, 'type'>, v: unknown): { value: unknown } | { problem: string } {
  if (v === null || v === undefined) return { value: v };
  switch (o.type) {
    case 'bool': {
      const b = parseBool(typeof v === 'string' ? v.trim() : v);
      return b === null ? { problem: 'a boolean (yes/no, true/false, on/off, 1/0)' } : { value: b };
    }
    case 'int':
      if (typeof v === 'number' && Number.isInteger(v)) return { value: v };
      return typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v) ? { value: Number(v) } : { problem: 'a whole number' };
    case 'float':
      if (isNumber(v)) return { value: Number(v) };
      return typeof v === 'string' && FLOAT.test(v) ? { value: Number(v) } : { problem: 'a number' };
    case 'list':
      if (Array.isArray(v)) return { value: v };
      if (typeof v === 'string') return { value: v.split(',') };
      if (typeof v === 'boolean') return { value: [v ? 'True' : 'False'] };
      return isNumber(v) ? { value: [pyStr(v)] } : { problem: 'a list' };
    case 'str':
    case 'path':
      if (typeof v === 'string') return { value: v };
      // as Ansible: a number or boolean given for text becomes its text ("8080", "True")
      if (isNumber(v)) return { value: pyStr(v) };
      if (typeof v === 'boolean') return { value: v ? 'True' : 'False' };
      return { problem: 'text, not a list or mapping' };
    case 'dict':
      return typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyFloat) ? { value: v } : { problem: 'a mapping' };
    default:
      return { value: v };
  }
}

/**
 * The templated arguments of a module that runs on a host, converted to the types its spec declares
 * (`create: "yes"` -> true, `name: "a,b"` -> ["a", "b"], `port: "22"` -> 22), with choices checked again
 * on the templated values; a value that cannot be converted is an error naming the option.
 */
export function convertArgs(module: string, spec: ModuleSpec, args: Record<string, unknown>, pos: SourcePos): Record<string, unknown> {
  if (spec.anyOptions) return args;
  if (spec.controllerOnly) {
    // actions on the controller keep their arguments as written; a partly honoured option is still checked
    for (const [key, value] of Object.entries(args)) {
      const o = spec.options[key];
      if (o?.only) {
        const c = converted(o, value);
        refuseUnhonoured(module, key, o, 'value' in c ? c.value : value, pos);
      }
    }
    return args;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    const o = spec.options[key];
    if (!o) {
      out[key] = value;
      continue;
    }
    const c = converted(o, value);
    if ('problem' in c) throw new ParseError(`parameter '${key}' of module '${module}' must be ${c.problem}, got ${JSON.stringify(value)}`, pos);
    if (o.choices && (c.value === 'True' || c.value === 'False')) {
      // as Ansible: YAML made `upgrade: yes` a boolean; back to the one choice that spells it
      const spelled = o.choices.filter((x) => parseBool(x) === (c.value === 'True'));
      if (spelled.length === 1) c.value = spelled[0];
    }
    if (o.choices && typeof c.value === 'string' && !o.choices.includes(c.value)) {
      throw new ParseError(`value of '${key}' must be one of: ${o.choices.join(', ')}; got '${c.value}'`, pos, didYouMean(c.value, o.choices));
    }
    if (o.choices && o.type === 'list') checkListChoices(key, o.choices, c.value, pos);
    refuseUnhonoured(module, key, o, c.value, pos);
    out[key] = c.value;
  }
  return out;
}

/** The module_defaults that apply to an action (by the name kplay runs it under): those of the groups holding it, in the order written, then its own. */
export function defaultsFor(defaults: ModuleDefaults, action: string): { args: Record<string, unknown>; pos: Record<string, SourcePos> } | undefined {
  const groups = Object.entries(defaults).flatMap(([key, d]) => (key.startsWith('group/') && d.members?.includes(action) ? [d] : []));
  const layers = [...groups, ...(defaults[action] ? [defaults[action]] : [])];
  return layers.length ? { args: Object.assign({}, ...layers.map((l) => l.args)) as Record<string, unknown>, pos: Object.assign({}, ...layers.map((l) => l.pos)) as Record<string, SourcePos> } : undefined;
}
