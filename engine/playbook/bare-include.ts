// The task `include:` Ansible 2.14 still runs, with a deprecation warning: static (an import_tasks)
// when its file name is fixed, it has no loop and nothing above it was included at run time; dynamic
// (an include_tasks) otherwise. Its name=value arguments besides the file are variables of the
// included tasks, under its `vars:`.
import { ParseError, type SourcePos } from '../errors.js';
import { deprecationText } from '../util/deprecation.js';
import { parseKv } from './module-args.js';

const NAMES = new Set(['include', 'ansible.builtin.include', 'ansible.legacy.include']);

/** Whether a task's module key is the deprecated bare `include`. */
export function isBareInclude(actionKey: string): boolean {
  return NAMES.has(actionKey);
}

/** The warning Ansible prints when it loads a bare include (playbook/helpers.py). */
export const LOAD_DEPRECATION = deprecationText({
  msg: '"include" is deprecated, use include_tasks/import_tasks instead. See https://docs.ansible.com/ansible-core/2.14/user_guide/playbooks_reuse_includes.html for details',
  version: '2.16',
});

/** The warning Ansible prints when a dynamic bare include runs (playbook/included_file.py). */
export const RUN_DEPRECATION = deprecationText({ msg: '"include" is deprecated, use include_tasks/import_tasks/import_playbook instead', version: '2.16' });

/** A bare include's file and the variables its other arguments give, as TaskInclude reads them. */
export function bareIncludeArgs(value: unknown, argsKw: unknown, pos: SourcePos): { file: string; vars: Record<string, unknown> } {
  // (not a free-form module to Ansible: every name=value is an argument, the rest is the file)
  const parse = (v: unknown): Record<string, unknown> => (typeof v === 'string' ? parseKv(v, undefined) : v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, unknown>) } : {});
  const args = { ...parse(argsKw), ...parse(typeof value === 'number' || typeof value === 'boolean' ? String(value) : value) };
  if ('apply' in args) throw new ParseError('Invalid options for include: apply', pos, 'apply is include_tasks\' option: write include_tasks: {file: ..., apply: ...}');
  let file = args._raw_params;
  delete args._raw_params;
  if (file === undefined || file === null || file === '') {
    file = args.file;
    delete args.file;
  }
  if (file === undefined || file === null || file === '') throw new ParseError('No file specified for include', pos, 'e.g. include: other-tasks.yml');
  // (TaskInclude.get_vars leaves out tags and when)
  delete args.tags;
  delete args.when;
  return { file: String(file), vars: args };
}
