// Installed collections' roles and the `collections:` search list, as Ansible resolves them: a role named
// NS.COLL.ROLE is that collection's (ansible_collections/NS/COLL/roles/ROLE in the first collection root
// that has it); an unqualified module or role name is looked for in each collection of the search list in
// turn (ansible.builtin and ansible.legacy meaning Ansible's own), then as usual. The search list is the
// task's `collections:`, else its block's, else its play's; a role's tasks use the role's own instead
// (its collection first when it lives in one, then its meta/main `collections:`).
import { locatePythonModule } from '../modules/python/locate.js';
import { resolveModuleName } from '../modules/specs.js';

/** A fully qualified name: ns.coll.name. */
export const FQCN = /^(\w+)\.(\w+)\.(\w+)$/;
const ROLE_IN_COLLECTION = /\/ansible_collections\/(\w+)\/(\w+)\/roles\/([^/]+)\/?$/;

// Ansible's own collections in a search list: the usual resolution from there on
const ansibleOwn = (c: string): boolean => c === 'ansible.builtin' || c === 'ansible.legacy';

/** The collection (`ns.coll`) and short name of a role directory inside an installed collection, or undefined for another role. */
export function roleCollection(path: string): { collection: string; short: string } | undefined {
  const m = ROLE_IN_COLLECTION.exec(path);
  return m ? { collection: `${m[1]}.${m[2]}`, short: m[3] as string } : undefined;
}

/** Where a role name is looked for in collections first: itself when fully qualified, else through the search list. */
export function collectionRoleCandidates(name: string, list: readonly string[] | undefined): string[] {
  if (FQCN.test(name)) return [name];
  if (name.includes('/') || name.includes('.')) return [];
  return (list ?? []).filter((c) => !ansibleOwn(c)).map((c) => `${c}.${name}`);
}

/**
 * The module name an unqualified `name` stands for under the search list: COLL.name for the first
 * collection of the list that has such a module (kplay's native one for it, or its Python module), else
 * `name` as written (Ansible's own, as the list ends with them).
 */
export function qualifyModule(name: string, list: readonly string[] | undefined): string {
  if (!list || name.includes('.')) return name;
  const key = `${list.join(',')}\0${name}`;
  let found = qualified.get(key);
  if (found === undefined) {
    const c = list.find((x) => ansibleOwn(x) || resolveModuleName(`${x}.${name}`) || !('missing' in locatePythonModule(`${x}.${name}`, [])));
    found = c === undefined || ansibleOwn(c) ? name : `${c}.${name}`;
    qualified.set(key, found);
  }
  return found;
}

// the names qualifyModule found, by search list and name (each task naming a module asks again)
const qualified = new Map<string, string>();

/** A `collections:` value as a search list: a list of `ns.coll` names (undefined when not given). */
export function searchList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : [value];
  return items.map(String);
}
