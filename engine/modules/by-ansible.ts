// Modules kplay runs natively for the options they use most, handing a task that gives an option only
// Ansible's module takes (a rarely used one: get_url's ciphers, uri's dest) to that module on the host's
// Python, as the long tail runs: the option is honoured, never refused or ignored.
import { FILE_ATTR_OPTIONS } from './option-kinds.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ansiblePackageDir } from './python/locate.js';
import { pythonModule } from './python/run.js';
import type { OptionSpec } from './specs.js';
import type { Module } from './types.js';

const list = { type: 'list' } as const;
const bool = { type: 'bool' } as const;

/** get_url's options only Ansible's module takes. */
export const GET_URL_BY_ANSIBLE = { tmp_dest: { type: 'path' }, unredirected_headers: list, decompress: bool, ciphers: list, use_netrc: bool, use_gssapi: bool } as const;

/** uri's options only Ansible's module takes: the response written to a file on the host (with its attributes), a file on the host sent as the body, and the transport's rarer settings. */
export const URI_BY_ANSIBLE = { dest: { type: 'path' }, src: { type: 'path' }, remote_src: bool, unredirected_headers: list, decompress: bool, ciphers: list, use_netrc: bool, use_gssapi: bool, ...FILE_ATTR_OPTIONS } as const;

/**
 * The module `name`: kplay's `native` one, or Ansible's when the task gives one of `byAnsible`'s options,
 * run under the name Ansible runs it as (`runAs`: uri's action runs ansible.legacy.uri); `refused` says
 * what neither can do (an action plugin's part that the module alone lacks).
 */
export function nativeOrAnsible(name: string, native: Module, byAnsible: Record<string, OptionSpec>, runAs = name, refused?: (args: Record<string, unknown>) => string | undefined): Module {
  return async (ctx) => {
    if (!Object.keys(ctx.args).some((k) => k in byAnsible && ctx.args[k] !== undefined && ctx.args[k] !== null)) return native(ctx);
    const why = refused?.(ctx.args);
    if (why !== undefined) return { changed: false, failed: true, msg: why };
    // the module itself (kplay does the part of uri's action plugin the task needs: none, with remote_src)
    const pkg = ansiblePackageDir();
    const path = pkg ? join(pkg, 'modules', `${name}.py`) : undefined;
    if (!path || !existsSync(path)) return { changed: false, failed: true, msg: `'${Object.keys(ctx.args).find((k) => k in byAnsible) ?? ''}' is an option of Ansible's ${name} module, which kplay runs for it, and this controller has no ansible-core (python3 cannot import ansible)` };
    return pythonModule({ name: runAs, path })(ctx);
  };
}

/** uri's `src` is a controller file unless `remote_src`: Ansible's action copies it to the host first, which kplay does not do yet. */
export const uriSrcRefused = (args: Record<string, unknown>): string | undefined =>
  args.src !== undefined && args.src !== null && args.remote_src !== true ? "kplay sends uri's src only from the host (remote_src: true); copy the controller's file to the host first, or give its content as body" : undefined;
