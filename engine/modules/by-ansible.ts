// Modules kplay runs natively for the options they use most, handing a task that gives an option only
// Ansible's module takes (a rarely used one: get_url's ciphers, uri's dest) to that module on the host's
// Python, as the long tail runs: the option is honoured, never refused or ignored.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { shellQuote as q } from '../util/shell.js';
import { hostTempDir } from './curl.js';
import { FILE_ATTR_OPTIONS } from './option-kinds.js';
import { ansiblePackageDir } from './python/locate.js';
import { pythonModule } from './python/run.js';
import type { OptionSpec } from './specs.js';
import type { Module, ModuleContext } from './types.js';

const list = { type: 'list' } as const;
const bool = { type: 'bool' } as const;

/** get_url's options only Ansible's module takes. */
export const GET_URL_BY_ANSIBLE = { tmp_dest: { type: 'path' }, unredirected_headers: list, decompress: bool, ciphers: list, use_netrc: bool, use_gssapi: bool } as const;

/** uri's options only Ansible's module takes: the response written to a file on the host (with its attributes), a file on the host sent as the body, and the transport's rarer settings. */
export const URI_BY_ANSIBLE = { dest: { type: 'path' }, src: { type: 'path' }, remote_src: bool, unredirected_headers: list, decompress: bool, ciphers: list, use_netrc: bool, use_gssapi: bool, ...FILE_ATTR_OPTIONS } as const;

/** What a task's arguments become before Ansible's module runs them (a controller file staged on the host), or why it cannot run. */
export type Staged = { args: Record<string, unknown>; cleanup?: () => Promise<unknown> } | { fail: string };

/**
 * The module `name`: kplay's `native` one, or Ansible's when the task gives one of `byAnsible`'s options,
 * run under the name Ansible runs it as (`runAs`: uri's action runs ansible.legacy.uri), its arguments as
 * `stage` makes them (the part of an action plugin the module needs: uri's src copied to the host).
 */
export function nativeOrAnsible(name: string, native: Module, byAnsible: Record<string, OptionSpec>, runAs = name, stage?: (ctx: ModuleContext) => Promise<Staged>): Module {
  return async (ctx) => {
    if (!Object.keys(ctx.args).some((k) => k in byAnsible && ctx.args[k] !== undefined && ctx.args[k] !== null)) return native(ctx);
    const pkg = ansiblePackageDir();
    const path = pkg ? join(pkg, 'modules', `${name}.py`) : undefined;
    if (!path || !existsSync(path)) return { changed: false, failed: true, msg: `'${Object.keys(ctx.args).find((k) => k in byAnsible) ?? ''}' is an option of Ansible's ${name} module, which kplay runs for it, and this controller has no ansible-core (python3 cannot import ansible)` };
    const staged = stage ? await stage(ctx) : { args: ctx.args };
    if ('fail' in staged) return { changed: false, failed: true, msg: staged.fail };
    try {
      return await pythonModule({ name: runAs, path })({ ...ctx, args: staged.args });
    } finally {
      await staged.cleanup?.();
    }
  };
}

/**
 * uri's `src` as Ansible's action sends it: a controller file (from the role's files/ or next to the
 * playbook) copied to a temporary directory on the host for the module, removed after; with
 * `remote_src`, or in check mode (where the module does not run), the arguments as they are.
 */
export async function uriSrcStaged(ctx: ModuleContext): Promise<Staged> {
  const src = ctx.args.src;
  if (src === undefined || src === null || ctx.args.remote_src === true || ctx.check) return { args: ctx.args };
  const local = ctx.findLocal('files', String(src));
  if (!local) return { fail: `Could not find or access '${String(src)}' (looked in the role's files/ and next to the playbook)` };
  const dir = await hostTempDir(ctx.host);
  if (!dir) return { fail: 'cannot create a temporary directory on the host for the file uri sends' };
  const copy = `${dir}/${basename(local)}`;
  const cleanup = (): Promise<unknown> => ctx.host.run(`rm -rf -- ${q(dir)}`);
  try {
    await ctx.host.write(copy, readFileSync(local), { mode: '0600' });
  } catch (e) {
    await cleanup();
    return { fail: (e as Error).message };
  }
  return { args: { ...ctx.args, src: copy }, cleanup };
}
