// Runs an Ansible Python module on the host as Ansible does with pipelining: the AnsiballZ script on
// the standard input of the host's Python, the module's JSON result read back (with Ansible's
// tolerance for noise around it). The module checks its own arguments and honours check and diff mode.
import { diffJson, pyJsonLoads } from '../../template/expr/dump.js';
import { isMapping } from '../../util/mapping.js';
import { shellQuote as q } from '../../util/shell.js';
import { ActionFailed, type Deprecation, type FileDiff, type Module, type PreparedDiff, type ModuleContext, type ModuleResult } from '../types.js';
import type { PythonModule } from './locate.js';
import { backendModule, pkgMgrFor } from './backend.js';
import { askedInterpreter, DISCOVER_PYTHON, discoveredInterpreter } from './interpreter.js';
import { k8sActionArgs } from './k8s-action.js';
import { buildPayload } from './payload.js';

// what Ansible's executor adds to every module's arguments (ActionBase._update_module_args); the
// version, syslog facility, SELinux file systems, conversion warning and debug come from the
// controller's ansible-core configuration (payload.ts)
function internals(ctx: ModuleContext, name: string): Record<string, unknown> {
  return {
    _ansible_check_mode: ctx.check,
    // no_log: the module neither logs its arguments to the host's syslog nor returns them
    _ansible_no_log: ctx.noLog === true,
    _ansible_diff: ctx.diff,
    _ansible_verbosity: 0,
    _ansible_module_name: name,
    _ansible_socket: null,
    _ansible_shell_executable: '/bin/sh',
    _ansible_keep_remote_files: false,
    _ansible_tmpdir: null,
    _ansible_remote_tmp: '~/.ansible/tmp',
  };
}

/** The JSON object in a module's output (Ansible's _filter_non_json_lines: from a line starting with { to one ending with }), read as Python reads it. */
function moduleJson(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.trimStart().startsWith('{'));
  let end = -1;
  for (let i = lines.length - 1; i >= start && start !== -1; i--) if (lines[i]?.trimEnd().endsWith('}')) (end = i), (i = -1);
  if (start === -1 || end === -1) return undefined;
  try {
    // as Python's json.loads: a whole-number float (a file's mtime 1700000000.0) stays a float
    const v = pyJsonLoads(lines.slice(start, end + 1).join('\n'));
    return isMapping(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

// a diff header the module gave, kept absent when it gave none (shown bare, as Ansible's callback shows it)
const header = (key: 'before_header' | 'after_header', v: unknown): Partial<FileDiff> => (v === undefined || v === null ? {} : { [key]: String(v) });
// a side the module gave ('' for None, a mapping as the callback serializes it); absent when it gave none
const side = (key: 'before' | 'after', v: unknown): Partial<FileDiff> => (v === undefined ? {} : { [key]: v === null ? '' : typeof v === 'object' ? diffJson(v) : String(v) });
// the keys saying why a side was not diffed
const SKIPS = ['dst_binary', 'src_binary', 'dst_larger', 'src_larger'] as const;

/** A module's diff (a mapping or a list of them) as kplay's before/after pairs. */
function diffs(d: unknown): (FileDiff | PreparedDiff)[] | undefined {
  const list = (Array.isArray(d) ? d : d && typeof d === 'object' ? [d] : []) as Record<string, unknown>[];
  const skips = (x: Record<string, unknown>): Partial<FileDiff> => Object.fromEntries(SKIPS.filter((k) => typeof x[k] === 'number').map((k) => [k, x[k]]));
  const out = list
    .filter((x) => 'before' in x || 'after' in x || typeof x.prepared === 'string' || SKIPS.some((k) => k in x))
    .map((x): FileDiff | PreparedDiff =>
      typeof x.prepared === 'string' && !('before' in x || 'after' in x)
        ? { prepared: x.prepared }
        : { ...header('before_header', x.before_header), ...header('after_header', x.after_header), ...side('before', x.before), ...side('after', x.after), ...skips(x) },
    );
  return out.length ? out : undefined;
}

/**
 * The host's Python: ansible_python_interpreter when set, else the one discovered before, else the first
 * found of Ansible's discovery, which the result then reports as Ansible's executor does (`discovered`).
 */
async function interpreter(ctx: ModuleContext): Promise<{ python?: string; discovered?: string }> {
  const known = askedInterpreter(ctx.variable('ansible_python_interpreter')) ?? discoveredInterpreter(ctx.variable);
  if (known) return { python: known };
  const r = await ctx.host.run(DISCOVER_PYTHON);
  const found = r.rc === 0 ? r.stdout.trim().split('\n')[0] : undefined;
  return found ? { python: found, discovered: found } : {};
}

/** A Module that runs the Python module `m` on the host. */
export function pythonModule(m: PythonModule): Module {
  if (m.action === 'yum') return yumAction;
  return async (ctx) => {
    const { python, discovered } = await interpreter(ctx);
    if (!python) return { changed: false, failed: true, msg: `kplay runs Ansible's module '${m.name}' with the host's Python, and the host has none (no python3 or python on its PATH; set ansible_python_interpreter)` };
    const args = m.action === 'k8s' ? k8sActionArgs(ctx, m.name) : ctx.args;
    const built = await buildPayload(m.name, m.path, { ...args, ...internals(ctx, m.name) }, python);
    if ('error' in built) return { changed: false, failed: true, msg: `could not pack Ansible's module '${m.name}' (${m.path}): ${built.error}` };
    const r = await ctx.host.run(q(python), { stdin: built.script });
    const res = moduleJson(r.stdout);
    if (!res) return { changed: false, failed: true, msg: 'MODULE FAILURE\nSee stdout/stderr for the exact error', module_stdout: r.stdout, module_stderr: r.stderr, rc: r.rc };
    for (const w of (res.warnings as unknown[] | undefined) ?? []) ctx.warn(String(w));
    for (const d of (res.deprecations as Deprecation[] | undefined) ?? []) ctx.deprecate?.(typeof d === 'object' && d ? d : { msg: String(d) });
    const result: ModuleResult = { ...res, changed: res.changed === true };
    // as Ansible's executor: internal keys and the module's echo of its arguments go; warnings and
    // deprecations went to ctx.warn and ctx.deprecate (shown, and registered again by the runner)
    for (const k of Object.keys(result)) if (k.startsWith('_ansible_') || k === 'warnings' || k === 'deprecations' || k === 'invocation') delete result[k];
    if (res.failed === true || (r.rc !== 0 && res.failed === undefined)) result.failed = true;
    else delete result.failed;
    const d = diffs(res.diff);
    if (d) result.diff = d;
    else delete result.diff;
    // the interpreter discovery found, as a fact (Ansible's executor adds it to the module's)
    if (discovered) result.ansible_facts = { ...(result.ansible_facts as Record<string, unknown> | undefined), discovered_interpreter_python: discovered };
    return result;
  };
}

const YUM_BACKENDS = ['yum', 'yum4', 'dnf'];

/**
 * ansible-core's yum action: the backend from `use`/`use_backend`, else the pkg_mgr fact (gathered when
 * unknown, and then kept as a fact), yum4 being dnf; the yum or dnf module runs without those options.
 */
const yumAction: Module = async (ctx) => {
  if ('use' in ctx.args && 'use_backend' in ctx.args) throw new ActionFailed("parameters are mutually exclusive: ('use', 'use_backend')");
  const asked = ctx.args.use ?? ctx.args.use_backend ?? 'auto';
  let backend = String(asked);
  let gatheredFact: string | undefined;
  if (!YUM_BACKENDS.includes(backend)) {
    const found = await pkgMgrFor(ctx, backend === 'auto' ? 'auto' : undefined);
    backend = found.name;
    if (found.gathered && backend !== 'auto') gatheredFact = backend;
  }
  const facts = gatheredFact ? { ansible_facts: { pkg_mgr: gatheredFact } } : {};
  if (!YUM_BACKENDS.includes(backend)) {
    return { changed: false, failed: true, ...facts, msg: ['Could not detect which major revision of yum is in use, which is required to determine module backend.', 'You should manually specify use_backend to tell the module whether to use the yum (yum3) or dnf (yum4) backend})'] };
  }
  const { use: _use, use_backend: _backend, ...args } = ctx.args;
  // the dnf backend is kplay's dnf where it takes the task (package.ts, loaded now: it needs this module)
  const task = backend === 'yum' ? pythonModule(backendModule('yum')) : (await import('../package.js')).dnfTask;
  const result = await task({ ...ctx, args });
  return { ...facts, ...result };
};