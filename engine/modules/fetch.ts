// fetch, declared, as Ansible's fetch action: the copy goes to DEST/HOST/SRC, or DEST itself with flat
// (DEST/ takes SRC's name); a relative DEST is under the playbook's directory; SRC's ~ is the host's. The
// facts are the host's file (links followed: its kind and sha1, one command) and the copy already on the
// controller; the plan copies only when the sha1s differ (fetch-step.ts: streamed, checked after with
// validate_checksum). Skipped in check mode, as Ansible's. kplay honours `mode` for the copy (Ansible's
// action accepts and ignores it), so a fetched secret written with 0600 stays private.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, normalize } from 'node:path';
import { shellQuote as q } from '../util/shell.js';
import { declareModule, failPlan, type Controller, type Options, type Plan } from './declare.js';
import { normalizeMode } from './file-content.js';
import type { HostIO } from './types.js';

const OPTIONS = {
  src: { type: 'path', required: true },
  dest: { type: 'path', required: true },
  flat: { type: 'bool' },
  fail_on_missing: { type: 'bool' },
  validate_checksum: { type: 'bool' },
  mode: { type: 'raw' },
} as const;

type FetchOptions = Options<typeof OPTIONS>;

/** What fetch compares: the host's file, where the copy goes, and the copy already there (null in check mode: nothing is read). */
export type FetchFacts = {
  /** The host's file as SRC names it after ~ (links followed): its kind and sha1 (null when it cannot be read). */
  remote: { path: string; kind: 'file' | 'dir' | 'missing'; sha1: string | null };
  /** Where the copy goes on the controller, or the action's failure (flat with an existing directory named without a slash). */
  dest: string | { fail: string };
  /** The copy already there: its sums and octal mode; null when it is missing or not a regular file. */
  copy: { sha1: string; md5: string; mode: string } | null;
} | null;

// the host's file in one command: SRC with a leading ~ or ~user expanded there (as the action's
// _remote_expand_user), what it is and a regular file's sha1
async function remoteFile(host: HostIO, src: string): Promise<NonNullable<FetchFacts>['remote']> {
  const tilde = /^(~[A-Za-z0-9._-]*)(\/.*)?$/.exec(src);
  // the slash after ~user stays unquoted, or the shell would not expand it
  const word = tilde ? `${tilde[1]}${tilde[2] === undefined ? '' : `/${q(tilde[2].slice(1))}`}` : q(src);
  const r = await host.run(`p=${word}; if [ -d "$p" ]; then echo dir; echo; elif [ -e "$p" ]; then echo file; s=$(sha1sum 2>/dev/null < "$p"); echo "\${s%% *}"; else echo missing; echo; fi; printf '%s' "$p"`);
  const [kind = '', sum = '', ...path] = r.stdout.split('\n');
  return {
    path: tilde && path.length ? path.join('\n') : src,
    kind: kind === 'dir' || kind === 'file' ? kind : 'missing',
    sha1: /^[0-9a-f]{40}$/.test(sum) ? sum : null,
  };
}

// the loader's path_dwim: ~ expanded, a relative path under the playbook's directory
function dwim(local: Controller, path: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  if (isAbsolute(path)) return path;
  const dir = local.variable('playbook_dir').value;
  return join(typeof dir === 'string' && dir ? dir : process.cwd(), path);
}

// where the copy goes on the controller (as the action computes it), or the action's failure
function destination(o: FetchOptions, local: Controller, src: string): string | { fail: string } {
  const dest = o.dest ?? '';
  if (o.flat !== true) return normalize(`${dwim(local, dest)}/${String(local.variable('inventory_hostname').value)}/${src}`);
  // (the action looks at DEST as written, relative to the working directory)
  if (!dest.endsWith('/') && existsSync(dest) && statSync(dest).isDirectory()) return { fail: 'dest is an existing directory, use a trailing slash if you want to fetch src into that directory' };
  return normalize(dwim(local, dest.endsWith('/') ? join(dest, basename(src)) : dest));
}

async function fetchFacts(o: FetchOptions, host: HostIO, local: Controller, mode: { check: boolean }): Promise<FetchFacts> {
  if (mode.check) return null;
  const remote = await remoteFile(host, o.src ?? '');
  const dest = destination(o, local, remote.path);
  const sums = typeof dest === 'string' ? await (await import('./fetch-step.js')).localSums(dest) : undefined;
  return { remote, dest, copy: sums === undefined ? null : { ...sums, mode: (statSync(dest as string).mode & 0o7777).toString(8).padStart(4, '0') } };
}

// the copy's mode on the controller, or what is wrong with it
function wantedMode(v: unknown): number | undefined | string {
  const mode = normalizeMode(v);
  if (mode === undefined) return undefined;
  return /^[0-7]{4}$/.test(mode) ? parseInt(mode, 8) : `fetch: mode must be octal digits (such as 0600) for the copy on the controller, not '${mode}'`;
}

function fetchPlan(o: FetchOptions, f: FetchFacts, mode: { check: boolean }): Plan {
  if (mode.check || f === null) return { steps: [], result: { changed: false, skipped: true, msg: 'check mode not (yet) supported for this module' } };
  const wanted = wantedMode(o.mode);
  if (typeof wanted === 'string') return failPlan(wanted);
  const failOnMissing = o.fail_on_missing !== false;
  const { path: src, kind, sha1 } = f.remote;
  if (kind === 'dir') {
    const msg = 'remote file is a directory, fetch cannot work on directories';
    return failOnMissing ? failPlan(msg) : { steps: [], result: { changed: false, msg: `${msg}, not transferring, ignored` } };
  }
  if (sha1 === null) {
    // Ansible's message says "ignored" whether or not the task fails
    const msg = kind === 'file' ? `file is not readable: ${src}` : 'the remote file does not exist, not transferring, ignored';
    return failOnMissing ? failPlan(msg) : { steps: [], result: { changed: false, file: src, msg } };
  }
  if (typeof f.dest !== 'string') return failPlan(f.dest.fail);
  const dest = f.dest;
  const step = { kind: 'fetch' as const, src, dest, ...(wanted === undefined ? {} : { mode: wanted }), remoteSha1: sha1, validate: o.validate_checksum !== false };
  if (f.copy !== null && f.copy.sha1 === sha1) {
    const modeDiffers = wanted !== undefined && parseInt(f.copy.mode, 8) !== wanted;
    return { steps: modeDiffers ? [{ ...step, transfer: false }] : [], result: { changed: modeDiffers, md5sum: f.copy.md5, file: src, dest, checksum: sha1 } };
  }
  return { steps: [{ ...step, transfer: true }], result: { changed: true, dest, remote_md5sum: null, remote_checksum: sha1 } };
}

/** The fetch module. */
export const fetchModule = declareModule({ spec: { options: OPTIONS }, facts: fetchFacts, plan: fetchPlan });
