// Lookups kplay has no native code for, run as Ansible runs them: ansible-core's own lookup loader on the
// controller's Python finds its built-in ones (lines, csvfile, ini, url...), a playbook's or role's
// lookup_plugins/, the configured paths and installed collections' (community.general.cartesian...), and
// runs one with the task's variables as they are written (Ansible's templar renders what the lookup reads,
// lazily, as in Ansible). This needs ansible-core on the controller.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExprError } from '../expr/pyops.js';
import { collectionPaths, pluginDirs, pluginPython, type PluginFailure } from './jinja-plugins.js';
import { fromPython, toWire } from './py-handle.js';

/** Whether Ansible on the controller has a lookup of that name, or why it cannot say. */
export interface LookupFound {
  exists: boolean;
  why?: string | undefined;
}

const known = new Map<string, LookupFound>();

/** Whether a playbook's, role's or configured lookup_plugins/ has a file of that name: it wins over a built-in one, kplay's included, as in Ansible. */
export function adjacentLookup(name: string): boolean {
  return /^\w+$/.test(name) && pluginDirs('lookup').some((d) => existsSync(join(d, `${name}.py`)));
}

/** Whether ansible-core's lookup loader finds `name` (asked once for each set of lookup_plugins directories). */
export function pythonLookup(name: string): LookupFound {
  const dirs = pluginDirs('lookup');
  const key = `${dirs.join('\0')}\0${name}`;
  let hit = known.get(key);
  if (!hit) {
    const got = pluginPython().call({ op: 'has_lookup', name, dirs, collections: collectionPaths() }) as { ok?: boolean; error?: PluginFailure };
    hit = 'ok' in got ? { exists: got.ok === true } : { exists: false, why: got.error?.type === 'ModuleNotFoundError' ? 'ansible-core is not installed on this controller' : `${got.error?.type}: ${got.error?.msg}` };
    known.set(key, hit);
  }
  return hit;
}

/** Runs Ansible's lookup `name` over `terms`: its list, or its error as the template's. */
export function runPythonLookup(name: string, terms: unknown[], kwargs: Record<string, unknown>, variables: Record<string, unknown>, basedir: string, col: number): unknown[] {
  const got = pluginPython().call({ op: 'lookup', name, terms: toWire(terms), kwargs: toWire(kwargs), variables: toWire(variables), basedir, dirs: pluginDirs('lookup'), collections: collectionPaths() }) as { ok?: unknown; error?: PluginFailure };
  if ('ok' in got) {
    const values = fromPython(got.ok);
    return Array.isArray(values) ? values : [values];
  }
  const e = got.error as PluginFailure;
  throw new ExprError(e.ansible ? e.msg : `${e.type}: ${e.msg}`, col);
}
