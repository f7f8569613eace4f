// The controller-side part of kubernetes.core's action plugin (one plugin, the same for k8s, k8s_info,
// helm, helm_repository and the others), done before kplay runs the collection's Python module: with a
// local connection the kubeconfig and src files are the controller's, found as Ansible finds them;
// `template` is rendered on the controller into `definition` (YAML documents, omitted values removed);
// k8s_cp's local_path is the controller's. Over ssh the module gets its arguments as written.
import { isMapping } from '../../util/mapping.js';
import { existsSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { pyyamlTags } from '../../yaml/scalars.js';
import { ActionError, type ModuleContext } from '../types.js';
import { plain, typeName } from '../../template/expr/pyops.js';

// Python's type name of a value, for messages (the template language's one)
const pyType = (v: unknown): string => typeName(plain(v));

// the controller file a relative or absolute path names, or the action's error
function needle(ctx: ModuleContext, kind: 'files' | 'templates', path: string): string {
  const found = ctx.findLocal(kind, path);
  if (!found) throw new ActionError(`Could not find or access '${path}' on the Ansible Controller.`);
  return found;
}

// the template option's items: a path, or a mapping with its path (kplay's Jinja settings are the plugin's defaults)
function templatePaths(template: unknown): string[] {
  const items = Array.isArray(template) ? template : [template];
  return items.map((t) => {
    if (typeof t === 'string') return t;
    if (t && typeof t === 'object') {
      const o = t as Record<string, unknown>;
      if (!o.path) throw new ActionError('Please specify path for template.');
      const custom = ['variable_start_string', 'variable_end_string', 'block_start_string', 'block_end_string'].filter((k) => o[k] !== undefined && o[k] !== null);
      if (o.trim_blocks === false || o.lstrip_blocks === true || (o.newline_sequence !== undefined && o.newline_sequence !== '\n')) custom.push('trim_blocks/lstrip_blocks/newline_sequence');
      if (custom.length) throw new ActionError(`kplay renders a template with Ansible's default Jinja settings only; ${custom.join(', ')} cannot be changed here (render it with lookup('template') into definition instead)`);
      return String(o.path);
    }
    throw new ActionError(`Error while reading template file - a string or dict for template expected, but got <class '${pyType(t)}'> instead`);
  });
}

// a YAML document with the omit placeholder's values taken out, as the plugin's RemoveOmit does
function removeOmit(v: unknown, omit: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== omit).map((x) => removeOmit(x, omit));
  if (isMapping(v)) return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== omit).map(([k, x]) => [k, removeOmit(x, omit)]));
  return v;
}

/** The module's arguments after the action's controller-side work (throws ActionError for its failures). */
export function k8sActionArgs(ctx: ModuleContext, action: string): Record<string, unknown> {
  const remote = ctx.connection?.local !== true;
  const args = { ...ctx.args };
  const kubeconfig = ctx.args.kubeconfig;
  if (typeof kubeconfig === 'string') {
    if (!remote) args.kubeconfig = kubeconfig.split(':').map((c) => needle(ctx, 'files', c)).join(':');
  } else if (kubeconfig !== undefined && kubeconfig !== null && (typeof kubeconfig !== 'object' || Array.isArray(kubeconfig))) {
    throw new ActionError(`Error while reading kubeconfig parameter - a string or dict expected, but got <class '${pyType(kubeconfig)}'> instead`);
  }
  const src = ctx.args.src;
  if (src && !/^(https?|ftp):\/\//.test(String(src))) {
    // over ssh the module reads src on the host and gets every argument as written
    if (remote) return { ...ctx.args };
    args.src = needle(ctx, 'files', String(src));
  }
  const template = ctx.args.template;
  if (template) {
    if (!['k8s', 'kubernetes.core.k8s', 'community.kubernetes.k8s', 'openshift_adm_groups_sync', 'community.okd.openshift_adm_groups_sync'].includes(action)) {
      throw new ActionError(`'template' is only a supported parameter for the 'k8s' module.`);
    }
    const omit = ctx.variable('omit');
    const docs: unknown[] = [];
    for (const path of templatePaths(template)) {
      const file = needle(ctx, 'templates', path);
      const text = ctx.render(readFileSync(file, 'utf8'), file);
      // read as the plugin's yaml.safe_load_all reads it (PyYAML's scalars: 1.0 a float, yes a boolean)
      for (const d of parseAllDocuments(text, { version: '1.1', customTags: pyyamlTags })) docs.push(removeOmit(d.toJS(), omit.defined ? omit.value : undefined));
    }
    if (!ctx.args.definition) delete args.template;
    args.definition = docs;
  }
  const local = ctx.args.local_path;
  if (local && ctx.args.state === 'to_pod' && !remote) {
    if (!['k8s_cp', 'kubernetes.core.k8s_cp', 'community.kubernetes.k8s_cp'].includes(action)) throw new ActionError("'local_path' is only supported parameter for 'k8s_cp' module.");
    args.local_path = existsSync(String(local)) ? String(local) : needle(ctx, 'files', String(local));
  }
  return args;
}
