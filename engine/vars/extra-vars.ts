// `-e` values as Ansible reads them: `@file.yaml`, inline YAML/JSON (`{...}` or `[...]`), or
// `k=v k2=v2` pairs whose values stay strings. Later -e options replace earlier keys.
import { isMapping } from '../util/mapping.js';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { VarBag } from '../inventory/model.js';
import { loadYamlFile, parseYaml, topLevelPositions } from '../yaml/load.js';
import { ShlexError, shlexSplit } from '../inventory/shlex.js';
import { mergeInto } from './files.js';

/** Parses every `-e` value (in order) into one bag of extra vars. */
export function parseExtraVars(values: string[], cwd: string): VarBag {
  const out: VarBag = { vars: {}, origins: new Map() };
  values.forEach((raw, i) => {
    const label = `-e #${i + 1}`;
    if (!raw) return;
    if (raw.startsWith('@')) {
      const y = loadYamlFile(resolve(cwd, raw.slice(1)), 'extra vars file');
      if (y.value === null || y.value === undefined) return;
      if (!isMapping(y.value)) {
        throw new UserError(`extra vars file ${raw.slice(1)} must hold a mapping of variables`, { kind: 'options', pos: { file: y.file, line: 1 } });
      }
      mergeInto(out, { vars: y.value as Record<string, unknown>, origins: topLevelPositions(y) });
      return;
    }
    if (raw[0] === '/' || raw[0] === '.') {
      throw new UserError(`Please prepend extra_vars filename '${raw}' with '@'`, { kind: 'options', hint: `-e @${raw}` });
    }
    if (raw[0] === '{' || raw[0] === '[') {
      const y = parseYaml(raw, label);
      if (!isMapping(y.value)) {
        throw new UserError(`Invalid extra vars data supplied. '${raw}' could not be made into a dictionary`, { kind: 'options' });
      }
      mergeInto(out, { vars: y.value as Record<string, unknown>, origins: topLevelPositions(y) });
      return;
    }
    let tokens: string[];
    try {
      tokens = shlexSplit(raw, false);
    } catch (e) {
      if (e instanceof ShlexError) throw new UserError(`cannot parse ${label} '${raw}': ${e.message}`, { kind: 'options' });
      throw e;
    }
    for (const t of tokens) {
      const eq = t.indexOf('=');
      if (eq <= 0) {
        throw new UserError(`extra vars must be key=value, @file or YAML/JSON; got '${t}' in ${label}`, { kind: 'options', hint: `e.g. -e KUBERNETES_VERSION=1.30.2 or -e @vars.yaml` });
      }
      out.vars[t.slice(0, eq)] = t.slice(eq + 1);
      out.origins.set(t.slice(0, eq), { file: label });
    }
  });
  return out;
}
