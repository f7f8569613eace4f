// group_vars/ and host_vars/ files as Ansible's host_group_vars plugin finds them: NAME, NAME.yml,
// NAME.yaml or NAME.json (the first that exists), or a directory of such files read in lexical order.
import { readdirSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { ParseError, type SourcePos } from '../errors.js';
import type { VarBag } from '../inventory/model.js';
import { statOrUndefined } from '../util/fs.js';
import { loadYamlFile, nodePos, topLevelPositions } from '../yaml/load.js';

const EXTS = ['', '.yml', '.yaml', '.json'];

/** The files holding variables for one group or host under `dir` (e.g. /inv/group_vars). */
export function findVarsFiles(dir: string, name: string): string[] {
  if (name.startsWith(sep)) return []; // Ansible skips chroot-style names
  for (const ext of EXTS) {
    const p = join(dir, name + ext);
    const st = statOrUndefined(p);
    if (!st) continue;
    return st.isDirectory() ? listDirVars(p) : [p];
  }
  return [];
}

/** A directory's vars files as Ansible's loader lists them: sorted, recursively, hidden names and ~ backups left out, .yml, .yaml, .json or no extension. */
export function listDirVars(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const full = join(dir, entry);
    const ext = extname(entry);
    const st = statOrUndefined(full); // dangling links are skipped, as Ansible does
    if (st?.isDirectory() && !ext) out.push(...listDirVars(full));
    else if (st?.isFile() && (!ext || EXTS.includes(ext))) out.push(full);
  }
  return out;
}

const cache = new Map<string, VarBag>();

/** Loads one vars file (cached per run): a mapping of variable names to values, with origins. */
export function loadVarsFile(file: string): VarBag {
  const hit = cache.get(file);
  if (hit) return hit;
  const y = loadYamlFile(file, 'vars file');
  let bag: VarBag;
  if (y.value === null || y.value === undefined) {
    bag = { vars: {}, origins: new Map() };
  } else if (typeof y.value !== 'object' || Array.isArray(y.value)) {
    throw new ParseError('a vars file must be a mapping of variable names to values', nodePos(y, y.doc.contents), 'write one "name: value" per line at the top level');
  } else {
    bag = { vars: y.value as Record<string, unknown>, origins: topLevelPositions(y) };
  }
  cache.set(file, bag);
  return bag;
}

/** All variables for an entity from `<base>/<subdir>/<name>*`, files merged in order. */
export function varsFromDir(base: string, subdir: 'group_vars' | 'host_vars', name: string): VarBag {
  const out: VarBag = { vars: {}, origins: new Map<string, SourcePos>() };
  const dir = join(base, subdir);
  if (!statOrUndefined(dir)?.isDirectory()) return out;
  for (const f of findVarsFiles(dir, name)) mergeInto(out, loadVarsFile(f));
  return out;
}

/** Top-level merge (Ansible's default hash_behaviour=replace): later keys replace earlier ones. */
export function mergeInto(target: VarBag, src: VarBag): void {
  for (const [k, v] of Object.entries(src.vars)) {
    target.vars[k] = v;
    const o = src.origins.get(k);
    if (o) target.origins.set(k, o);
    else target.origins.delete(k);
  }
}

/** Forgets cached files (tests reuse paths). */
export function clearVarsFileCache(): void {
  cache.clear();
}
