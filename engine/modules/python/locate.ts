// Where a module kplay has no native implementation of lives on the controller, as Ansible finds it:
// a `library/` directory (the playbook's, a role's, ANSIBLE_LIBRARY, ~/.ansible/plugins/modules,
// /usr/share/ansible/plugins/modules), ansible-core's own modules, or an installed collection
// (ANSIBLE_COLLECTIONS_PATH, ~/.ansible/collections, /usr/share/ansible/collections, Python's
// ansible_collections). Only Python modules without a controller-side action plugin can run this way.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ansiblePlaybookShebang } from '../../util/controller-python.js';

/** A Python module found on the controller. */
export interface PythonModule {
  /** The name Ansible knows it by (ansible.builtin.cron, community.general.ini_file, or a library module's). */
  name: string;
  path: string;
  /** Its controller-side action plugin, which kplay does itself: kubernetes.core's (k8s-action.ts). */
  action?: 'k8s' | 'yum' | undefined;
}

/** The outcome of a lookup: found, found but not runnable (why), or not found (where it looked). */
export type Located = { module: PythonModule } | { problem: string } | { missing: string[] };

const split = (v: string | undefined): string[] => (v ? v.split(':').filter(Boolean) : []);

let ansible: { python: string; dir: string } | null | undefined;

/** The Python that runs ansible-playbook on this controller (its #! line), else python3. */
function pythons(): string[] {
  const named = ansiblePlaybookShebang();
  return [...(named ? [named] : []), 'python3', '/usr/bin/python3'];
}

/** ansible-core on the controller (its Python and package directory), or null without it. */
export function controllerAnsible(): { python: string; dir: string } | null {
  if (ansible === undefined) {
    ansible = null;
    for (const python of pythons()) {
      try {
        const dir = execFileSync(python, ['-c', 'import ansible, os; print(os.path.dirname(ansible.__file__))'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
        if (dir) {
          ansible = { python, dir };
          break;
        }
      } catch {
        // not this one
      }
    }
  }
  return ansible;
}

/** ansible-core's package directory on the controller, or null without it. */
export function ansiblePackageDir(): string | null {
  return controllerAnsible()?.dir ?? null;
}

function libraryDirs(extra: string[]): string[] {
  return [...extra, ...split(process.env.ANSIBLE_LIBRARY), join(homedir(), '.ansible/plugins/modules'), '/usr/share/ansible/plugins/modules'];
}

// the run's collections_path (ansible.cfg's or ANSIBLE_COLLECTIONS_PATH); the playbooks' directories
let configuredRoots: string[] | undefined;
const playbookDirs: string[] = [];

/** Sets the run's collections_path (ansible.cfg, else ANSIBLE_COLLECTIONS_PATH, else Ansible's default when undefined). */
export function configureCollectionsPath(paths: string[] | undefined): void {
  configuredRoots = paths;
}

/** A playbook's directory: its collections/ is searched before collections_path, as Ansible's playbook_paths are. */
export function addPlaybookCollections(dir: string): void {
  if (!playbookDirs.includes(dir)) playbookDirs.push(dir);
}

/** The directories holding `ansible_collections/`, in Ansible's search order. */
export function collectionRoots(): string[] {
  const env = process.env.ANSIBLE_COLLECTIONS_PATH ?? process.env.ANSIBLE_COLLECTIONS_PATHS;
  const roots = configuredRoots ?? (env ? split(env) : [join(homedir(), '.ansible/collections'), '/usr/share/ansible/collections']);
  const adjacent = playbookDirs.map((d) => join(d, 'collections')).filter((d) => existsSync(join(d, 'ansible_collections')));
  const pkg = ansiblePackageDir();
  return [...new Set([...adjacent, ...roots, ...(pkg ? [dirname(pkg)] : [])])];
}

const ACTION_PLUGIN = (module: string): string => `'${module}' runs through Ansible's controller-side action plugin, which kplay does not run; kplay has no native '${module}' yet`;

/** Collection metadata (ansible-core's ansible_builtin_runtime.yml, a collection's meta/runtime.yml): module routing, action groups. */
export interface BuiltinRuntime {
  plugin_routing?: { modules?: Record<string, { redirect?: unknown } | undefined> };
  action_groups?: Record<string, unknown>;
}
const runtimes = new Map<string, BuiltinRuntime>();

// a runtime file, read once when first needed (none, or one that does not parse: no routing)
function runtimeAt(file: string): BuiltinRuntime {
  let rt = runtimes.get(file);
  if (!rt) {
    try {
      rt = (parseYaml(readFileSync(file, 'utf8')) as BuiltinRuntime | null) ?? {};
    } catch {
      rt = {};
    }
    runtimes.set(file, rt);
  }
  return rt;
}

/** ansible-core's own collection metadata (ansible_builtin_runtime.yml). */
export function builtinRuntime(pkg: string): BuiltinRuntime {
  return runtimeAt(join(pkg, 'config', 'ansible_builtin_runtime.yml'));
}

// where a runtime file routes a module name (`zypper` -> community.general.zypper in ansible-core's;
// amazon.aws.ec2_group -> amazon.aws.ec2_security_group in amazon.aws')
function redirectOf(rt: BuiltinRuntime, name: string): string | undefined {
  const to = rt.plugin_routing?.modules?.[name]?.redirect;
  return typeof to === 'string' ? to : undefined;
}

// kubernetes.core's one action plugin (every k8s and helm module has a copy), which kplay does itself
function isK8sAction(file: string): boolean {
  const text = readFileSync(file, 'utf8');
  return text.includes('def get_kubeconfig(') && text.includes('handler for k8s options');
}

/** ansible-core's own module file of that name on the controller (its action plugin, if any, aside); undefined without it. */
export function builtinModuleFile(short: string): string | undefined {
  const pkg = ansiblePackageDir();
  const p = pkg ? join(pkg, 'modules', `${short}.py`) : undefined;
  return p !== undefined && existsSync(p) ? p : undefined;
}

/** Finds `written` (as the task names it); `libraries` are the playbook's and the role's library/ dirs. */
export function locatePythonModule(written: string, libraries: string[], hops = 0): Located {
  // a module name is dotted words (no path may be smuggled into the lookup)
  if (!/^\w+(\.\w+)*$/.test(written)) return { missing: [] };
  const parts = written.split('.');
  const looked: string[] = [];
  // a routed name is looked up where it leads (a few hops at most), what was looked at here kept for the hint
  const follow = (to: string): Located => {
    if (hops >= 5) return { missing: looked };
    const r = locatePythonModule(to, libraries, hops + 1);
    return 'missing' in r ? { missing: [...looked, ...r.missing] } : r;
  };
  const builtin = parts.length === 1 || (parts.length === 3 && parts[0] === 'ansible' && (parts[1] === 'builtin' || parts[1] === 'legacy'));
  const short = parts[parts.length - 1] as string;
  if (parts.length === 1 || (builtin && parts[1] === 'legacy')) {
    for (const dir of libraryDirs(libraries)) {
      const p = join(dir, `${short}.py`);
      looked.push(p);
      if (existsSync(p)) return { module: { name: short, path: p } };
    }
  }
  const pkg = ansiblePackageDir();
  if (builtin) {
    if (!pkg) return { missing: [...looked, 'ansible-core (not installed on this controller: python3 cannot import ansible)'] };
    const p = join(pkg, 'modules', `${short}.py`);
    looked.push(p);
    if (existsSync(p)) {
      // the yum action (choosing yum or dnf) is one kplay does itself (python/run.ts)
      if (short === 'yum') return { module: { name: 'ansible.builtin.yum', path: p, action: 'yum' } };
      return existsSync(join(pkg, 'plugins/action', `${short}.py`)) ? { problem: ACTION_PLUGIN(written) } : { module: { name: `ansible.builtin.${short}`, path: p } };
    }
    const to = redirectOf(builtinRuntime(pkg), short);
    return to && to.split('.').length >= 3 && !to.startsWith('ansible.builtin.') ? follow(to) : { missing: looked };
  }
  if (parts.length < 3) return { missing: looked };
  const [ns, coll] = parts as [string, string];
  for (const root of collectionRoots()) {
    const dir = join(root, 'ansible_collections', ns, coll);
    const base = join(dir, 'plugins');
    const p = join(base, 'modules', `${parts.slice(2).join('/')}.py`);
    looked.push(p);
    if (!existsSync(dir)) continue;
    if (!existsSync(p)) {
      // the first installed copy of a collection is the one Ansible uses: its routing decides, as it does
      const to = redirectOf(runtimeAt(join(dir, 'meta', 'runtime.yml')), parts.slice(2).join('.'));
      return to === undefined || to === written ? { missing: looked } : follow(to);
    }
    const action = join(base, 'action', `${short}.py`);
    if (!existsSync(action)) return { module: { name: written, path: p } };
    return isK8sAction(action) ? { module: { name: written, path: p, action: 'k8s' } } : { problem: ACTION_PLUGIN(written) };
  }
  return { missing: looked };
}
