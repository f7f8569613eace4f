// Where Ansible looks for a controller file a task names (its loader's path_dwim_relative_stack): one
// rule for copy's and template's src:, for lookups and for first_found, over the task's search path
// (ansible_search_path: its role, the roles depending on it, the task file's directory, the playbook's).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const MAINS = ['main.yml', 'main.yaml', 'main'];

// Ansible's "imperfect role detection" (DataLoader._is_role) of a search path's directory
function looksLikeRole(p: string): boolean {
  if (/(^|\/)tasks\/?$/.test(p) && MAINS.some((m) => existsSync(join(p, m)))) return true;
  return [p, dirname(p)].some((d) => ['tasks', 'meta'].some((sub) => MAINS.some((m) => existsSync(join(d, sub, m)))));
}

/**
 * The directories a relative file is looked for in, in order: each search path with `kind`/ (files,
 * templates, vars) and without, then the playbook's directory (Ansible's loader basedir) the same way.
 * A path inside a role's tasks/ directory gives the role's `kind`/ and tasks/ instead, as Ansible's does.
 */
export function searchDirs(paths: readonly string[], kind: string, basedir: string): string[] {
  const dirs = paths.flatMap((p) => {
    const up = resolve(p);
    const parent = dirname(up);
    return parent.endsWith('/tasks') && looksLikeRole(p) ? [join(dirname(parent), kind), parent] : [join(up, kind), up];
  });
  return [...dirs, join(basedir, kind), resolve(basedir)];
}

/**
 * A task's search path, as Ansible's Task.get_search_path makes it: its role's directory and those of the
 * roles depending on it, nearest first, then the task file's directory unless already there. With the
 * playbook's directory, it is the ansible_search_path variable Ansible's executor sets (that one last,
 * unless already there).
 */
export function taskSearchPath(rolePaths: readonly string[], taskDir: string, playbookDir?: string): string[] {
  const stack = [...rolePaths];
  for (const d of playbookDir === undefined ? [taskDir] : [taskDir, playbookDir]) if (!stack.includes(d)) stack.push(d);
  return stack;
}
