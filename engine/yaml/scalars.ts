// YAML scalar resolution exactly as PyYAML's SafeLoader (and so Ansible) does it: YAML 1.1 rules,
// but `y`/`n` stay strings, `1e5` stays a string, `0755` is octal, `1:20` is sexagesimal (80).
import type { ScalarTag, Tags } from 'yaml';
import { asFloat, pyInt as intOf } from '../util/py-float.js';

const boolTrue = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const boolFalse = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

// Regexes copied from PyYAML's resolver (yaml/resolver.py), anchored.
const intRe =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const floatRe =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const nullRe = /^(?:~|null|Null|NULL|)$/;
const timestampRe =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

/** Sign and the digits after it, as PyYAML splits them before converting. */
function splitSign(value: string): [number, string] {
  const v = value.replace(/_/g, '');
  if (v.startsWith('-')) return [-1, v.slice(1)];
  if (v.startsWith('+')) return [1, v.slice(1)];
  return [1, v];
}

/** Converts a sexagesimal `a:b:c` string (already unsigned) to a number. */
function sexagesimal(v: string): number {
  let base = 1;
  let total = 0;
  for (const part of v.split(':').reverse()) {
    total += Number(part) * base;
    base *= 60;
  }
  return total;
}

/** PyYAML's construct_yaml_int. */
export function constructInt(source: string): number {
  const [sign, v] = splitSign(source);
  return intOf(sign * unsignedInt(v));
}

function unsignedInt(v: string): number {
  if (v === '0') return 0;
  if (v.startsWith('0b')) return parseInt(v.slice(2), 2);
  if (v.startsWith('0x')) return parseInt(v.slice(2), 16);
  if (v.startsWith('0')) return parseInt(v, 8);
  if (v.includes(':')) return sexagesimal(v);
  return Number(v);
}

/** PyYAML's construct_yaml_float. */
export function constructFloat(source: string): number {
  const [sign, raw] = splitSign(source);
  const v = raw.toLowerCase();
  if (v === '.inf') return sign * Infinity;
  if (v === '.nan') return NaN;
  if (v.includes(':')) return sign * sexagesimal(v);
  return sign * Number(v);
}

const pyNull: ScalarTag = {
  tag: 'tag:yaml.org,2002:null',
  default: true,
  test: nullRe,
  identify: (v) => v === null || v === undefined,
  resolve: () => null,
};
const pyTrue: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  test: boolTrue,
  identify: (v) => v === true,
  resolve: () => true,
};
const pyFalse: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  test: boolFalse,
  identify: (v) => v === false,
  resolve: () => false,
};
const pyInt: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: intRe,
  identify: (v) => typeof v === 'number' && Number.isInteger(v),
  resolve: (s) => constructInt(s),
};
const pyFloat: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  test: floatRe,
  identify: (v) => typeof v === 'number',
  resolve: (s) => asFloat(constructFloat(s)),
};
// PyYAML makes dates; Ansible prints them back as the same ISO text, so kplay keeps the text.
const pyTimestamp: ScalarTag = {
  tag: 'tag:yaml.org,2002:timestamp',
  default: true,
  test: timestampRe,
  identify: () => false,
  resolve: (s) => s,
};

const keptTags = new Set([
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:merge',
  'tag:yaml.org,2002:binary',
  'tag:yaml.org,2002:omap',
  'tag:yaml.org,2002:pairs',
  'tag:yaml.org,2002:set',
]);

/** Replaces the yaml library's 1.1 scalar tags with PyYAML's; pass as `customTags`. */
export function pyyamlTags(defaults: Tags): Tags {
  const kept = defaults.filter((t) => typeof t === 'object' && keptTags.has(t.tag));
  return [...kept, pyNull, pyTrue, pyFalse, pyInt, pyFloat, pyTimestamp];
}
