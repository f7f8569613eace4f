// Modules kplay runs natively for the options they use most, handing a task that gives an option only
// Ansible's module takes (a rarely used one: get_url's ciphers, uri's dest) to that module on the host's
// Python, as the long tail runs: the option is honoured, never refused or ignored.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { plain, typeName } from '../template/expr/pyops.js';
import { shellQuote as q } from '../util/shell.js';
import { hostTempDir } from './curl.js';
import { FILE_ATTR_OPTIONS } from './option-kinds.js';
import { builtinModuleFile } from './python/locate.js';
import { pythonModule } from './python/run.js';
import type { OptionSpec } from './specs.js';
import type { Module, ModuleContext } from './types.js';

const list = { type: 'list' } as const;
const bool = { type: 'bool' } as const;

/** get_url's options only Ansible's module takes. */
export const GET_URL_BY_ANSIBLE = { tmp_dest: { type: 'path' }, unredirected_headers: list, decompress: bool, ciphers: list, use_netrc: bool, use_gssapi: bool } as const;

/** uri's options only Ansible's module takes: the response written to a file on the host (with its attributes), a file on the host sent as the body, and the transport's rarer settings. */
export const URI_BY_ANSIBLE = { dest: { type: 'path' }, src: { type: 'path' }, remote_src: bool, unredirected_headers: list, decompress: bool, ciphers: list, use_netrc: bool, use_gssapi: bool, ...FILE_ATTR_OPTIONS } as const;

/** Whether a task goes to Ansible's module: it gives one of the options only that module takes (or uri's form-multipart body, which only it encodes). */
export const byAnsibleTask = (args: Record<string, unknown>, byAnsible: Record<string, OptionSpec>): boolean =>
  args.body_format === 'form-multipart' || Object.keys(args).some((k) => k in byAnsible && args[k] !== undefined && args[k] !== null);

/** What a task's arguments become before Ansible's module runs them (a controller file staged on the host), or why it cannot run. */
export type Staged = { args: Record<string, unknown>; cleanup?: () => Promise<unknown> } | { fail: string };

/**
 * The module `name`: kplay's `native` one, or Ansible's when the task gives one of `byAnsible`'s options,
 * run under the name Ansible runs it as (`runAs`: uri's action runs ansible.legacy.uri), its arguments as
 * `stage` makes them (the part of an action plugin the module needs: uri's src copied to the host).
 */
export function nativeOrAnsible(name: string, native: Module, byAnsible: Record<string, OptionSpec>, runAs = name, stage?: (ctx: ModuleContext) => Promise<Staged>): Module {
  return async (ctx) => {
    if (!byAnsibleTask(ctx.args, byAnsible)) return native(ctx);
    const path = builtinModuleFile(name);
    if (!path) return { changed: false, failed: true, msg: `'${Object.keys(ctx.args).find((k) => k in byAnsible) ?? ''}' is an option of Ansible's ${name} module, which kplay runs for it, and this controller has no ansible-core (python3 cannot import ansible)` };
    const staged = stage ? await stage(ctx) : { args: ctx.args };
    if ('fail' in staged) return { changed: false, failed: true, msg: staged.fail };
    try {
      return await pythonModule({ name: runAs, path })({ ...ctx, args: staged.args });
    } finally {
      await staged.cleanup?.();
    }
  };
}

// the Python class of a value written in the playbook, as Ansible's messages name it (its YAML loader's
// classes for text and lists; a templated one would be str or list there)
const pyClass = (v: unknown): string => (typeof v === 'string' ? 'AnsibleUnicode' : Array.isArray(v) ? 'AnsibleSequence' : typeName(plain(v) ?? null));

/**
 * uri's controller files as Ansible's action sends them: `src` (from the role's files/ or next to the
 * playbook), or with a form-multipart body each field's `filename` that has no `content`, copied to a
 * temporary directory on the host for the module, removed after; with `remote_src`, or in check mode
 * (where the module does not run), the arguments as they are.
 */
export async function uriStaged(ctx: ModuleContext): Promise<Staged> {
  const { src, body } = ctx.args;
  const fromSrc = src !== undefined && src !== null;
  const multipart = !fromSrc && ctx.args.body_format === 'form-multipart';
  if (ctx.args.remote_src === true || ctx.check || (!fromSrc && !multipart)) return { args: ctx.args };
  if (multipart && (!body || typeof body !== 'object' || Array.isArray(body))) return { fail: `body must be mapping, cannot be type ${pyClass(body)}` };
  const fields = multipart ? { ...(body as Record<string, unknown>) } : {};
  // the controller files to send (the field each is for; none for src)
  const wanted: [string | undefined, string][] = fromSrc
    ? [[undefined, String(src)]]
    : Object.entries(fields).flatMap(([field, v]): [string, string][] => {
        const f = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
        return f && f.filename && !f.content ? [[field, String(f.filename)]] : [];
      });
  if (!wanted.length) return { args: ctx.args };
  const found: [string | undefined, string][] = [];
  for (const [field, name] of wanted) {
    const local = ctx.findLocal('files', name);
    if (!local) return { fail: ctx.missingLocal('files', name) };
    found.push([field, local]);
  }
  const dir = await hostTempDir(ctx.host);
  if (!dir) return { fail: 'cannot create a temporary directory on the host for the files uri sends' };
  const cleanup = (): Promise<unknown> => ctx.host.run(`rm -rf -- ${q(dir)}`);
  const args: Record<string, unknown> = { ...ctx.args };
  try {
    for (const [field, local] of found) {
      const copy = `${dir}/${basename(local)}`;
      await ctx.host.write(copy, readFileSync(local), { mode: '0600' });
      if (field === undefined) args.src = copy;
      else fields[field] = { ...(fields[field] as Record<string, unknown>), filename: copy };
    }
  } catch (e) {
    await cleanup();
    return { fail: (e as Error).message };
  }
  if (multipart) args.body = fields;
  return { args, cleanup };
}
