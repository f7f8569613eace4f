// module_defaults groups (`group/k8s`, `group/kubernetes.core.helm`) as Ansible resolves them: the
// group's list in its collection's meta/runtime.yml (`action_groups`; a short name is ansible-core's
// own, whose groups extend collections' groups), names without a collection taken as the group's
// collection's, `metadata: {extend_group: [...]}` adding other groups' actions where those resolve.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ansiblePackageDir, builtinRuntime, collectionRoots } from './locate.js';

const FQCR = /^\w+\.\w+\.\w+(\.\w+)*$/;

// a collection's action_groups, or undefined when the collection is not installed
function collectionGroups(collection: string): Record<string, unknown> | undefined {
  if (collection === 'ansible.builtin') {
    const pkg = ansiblePackageDir();
    return pkg ? (builtinRuntime(pkg).action_groups ?? {}) : undefined;
  }
  const [ns, coll] = collection.split('.') as [string, string];
  for (const root of collectionRoots()) {
    const dir = join(root, 'ansible_collections', ns, coll);
    if (!existsSync(dir)) continue;
    const file = join(dir, 'meta', 'runtime.yml');
    if (!existsSync(file)) return {};
    try {
      const doc = parseYaml(readFileSync(file, 'utf8')) as { action_groups?: Record<string, unknown> } | null;
      return doc?.action_groups ?? {};
    } catch {
      return {};
    }
  }
  return undefined;
}

/** A group's name as Ansible keys it: fully qualified (a short name is ansible-core's: ansible.builtin.k8s). */
export const qualifiedGroup = (group: string): string => (FQCR.test(group) ? group : `ansible.builtin.${group}`);

/**
 * The fully qualified actions of a module_defaults group, or undefined when it cannot be resolved (its
 * collection is not installed, or has no such group). Extended groups that do not resolve add nothing.
 */
export function actionGroupActions(group: string, seen = new Map<string, string[]>()): string[] | undefined {
  const fq = qualifiedGroup(group);
  const known = seen.get(fq);
  if (known) return known;
  const collection = fq.split('.').slice(0, 2).join('.');
  const groups = collectionGroups(collection);
  const list = groups?.[fq] ?? groups?.[fq.slice(collection.length + 1)];
  if (!Array.isArray(list)) return undefined;
  const actions: string[] = [];
  let extend: unknown[] = [];
  for (const item of list) {
    if (typeof item === 'string') actions.push(FQCR.test(item) ? item : `${collection}.${item}`);
    else if (item && typeof item === 'object' && 'metadata' in item) {
      const more = (item as { metadata?: { extend_group?: unknown } }).metadata?.extend_group;
      extend = typeof more === 'string' ? [more] : Array.isArray(more) ? more : [];
    }
  }
  // cached before the extended groups are resolved, as Ansible does (groups may refer to each other)
  seen.set(fq, actions);
  for (const g of extend) {
    if (typeof g !== 'string') continue;
    actions.push(...(actionGroupActions(FQCR.test(g) ? g : `${collection}.${g}`, seen) ?? []));
  }
  return actions;
}
