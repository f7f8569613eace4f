// The shared core of copy, template, lineinfile, blockinfile and replace: make a file hold the wanted
// bytes and attributes, changing nothing when it already does; honours check mode, diff and backup.
import type { FileAttrs, FileDiff, FileStat, FileState, HostIO, ModuleContext, ModuleResult } from './types.js';
import { shellQuote as q } from '../util/shell.js';
import { symbolicMode } from './symbolic-mode.js';

/** Ansible's mode argument as four octal digits; a YAML octal int (0644 -> 420) is converted back. */
export function normalizeMode(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return v.toString(8).padStart(4, '0');
  const s = String(v);
  if (/^[0-7]{3,4}$/.test(s)) return s.padStart(4, '0');
  return s; // symbolic (u+rwx): passed to chmod as it is
}

/** The attributes asked for by mode/owner/group arguments. */
export function wantedAttrs(args: Record<string, unknown>): FileAttrs {
  const attrs: FileAttrs = {};
  const mode = normalizeMode(args.mode);
  if (mode !== undefined) attrs.mode = mode;
  if (args.owner !== undefined && args.owner !== null) attrs.owner = String(args.owner);
  if (args.group !== undefined && args.group !== null) attrs.group = String(args.group);
  return attrs;
}

/** True when the file's attributes differ from the wanted ones (a symbolic mode by what it would leave; one that depends on the umask always applies unless the host's `umask` is given). */
export function attrsDiffer(st: FileStat, attrs: FileAttrs, umask?: number): boolean {
  if (attrs.mode !== undefined) {
    const wanted = /^[0-7]{4}$/.test(attrs.mode) ? attrs.mode : symbolicMode(st.mode ?? '', attrs.mode, st.type === 'directory', umask);
    if (wanted === undefined || st.mode !== wanted) return true;
  }
  if (attrs.owner !== undefined && st.owner !== attrs.owner) return true;
  return attrs.group !== undefined && st.group !== attrs.group;
}

/** The find tests matching a path that lacks the wanted owner, group or octal mode (a symbolic mode has none: its callers decide). */
export function lackingTests(attrs: FileAttrs): string[] {
  const tests: string[] = [];
  if (attrs.owner !== undefined) tests.push(`! -user ${q(attrs.owner)}`);
  if (attrs.group !== undefined) tests.push(`! -group ${q(attrs.group)}`);
  if (attrs.mode !== undefined && isOctalMode(attrs.mode)) tests.push(`! -perm ${attrs.mode}`);
  return tests;
}

/** A normalized mode that is octal (four digits), not symbolic. */
export const isOctalMode = (mode: string): boolean => /^[0-7]{4}$/.test(mode);

/** The line editors' message when attributes changed too (Ansible's check_file_attrs). */
export const attrsMessage = (msg: string, changed: boolean, attrsChanged: boolean): string => (attrsChanged ? `${changed ? `${msg} and ` : ''}ownership, perms or SE linux context changed` : msg);

/**
 * The command setting mode, owner and group (only those asked for) on paths, recursively or not (`own`: a
 * link's own owner and group, not its target's); undefined when none is asked. Recursively, a link below
 * gets its own owner and group, and with `follow` what it leads to gets all three, walked into when it is
 * a directory, as Ansible's file module's recurse with follow sets them.
 */
export function attrsCommand(paths: string[], attrs: FileAttrs, recursive = false, own = false, follow = false): string | undefined {
  const r = `${recursive ? ' -R' : ''}${own ? ' -h' : ''}`;
  const ps = paths.map(q).join(' ');
  // what links lead to is walked by find -L, which leaves out a link that leads nowhere (chmod has no -L here,
  // and chown's fails on such a link)
  const followed = (tool: string, value: string): string => `find -L ${ps} ! -type l -exec ${tool} ${q(value)} -- {} +`;
  const owning = (tool: string, who: string): string => `${tool}${r} ${q(who)} -- ${ps}${recursive && follow ? ` && ${followed(tool, who)}` : ''}`;
  const moding = (mode: string): string => (recursive && follow ? followed('chmod', mode) : `chmod${recursive ? ' -R' : ''} ${q(mode)} -- ${ps}`);
  // owner and group before the mode, as Ansible sets them: a chown clears setuid and setgid bits
  const cmds = [
    ...(attrs.owner !== undefined ? [owning('chown', attrs.owner)] : []),
    ...(attrs.group !== undefined ? [owning('chgrp', attrs.group)] : []),
    // a link has no mode of its own on Linux: callers never ask chmod for one (`own`)
    ...(attrs.mode !== undefined ? [moding(attrs.mode)] : []),
  ];
  return cmds.length ? cmds.join(' && ') : undefined;
}

/** Applies mode/owner/group to an existing path (chmod/chown only as needed). */
export async function applyAttrs(ctx: ModuleContext, path: string, attrs: FileAttrs): Promise<void> {
  const command = attrsCommand([path], attrs);
  if (command === undefined) return;
  const r = await ctx.host.run(command);
  if (r.rc !== 0) throw new Error(r.stderr.trim() || `cannot set attributes of ${path}`);
}

/** The command computing each checksum algorithm modules accept (stat, get_url, find). */
export const CHECKSUM_COMMANDS: Record<string, string> = { md5: 'md5sum', sha1: 'sha1sum', sha224: 'sha224sum', sha256: 'sha256sum', sha384: 'sha384sum', sha512: 'sha512sum' };

/** The checksums of some files on the host, in one run (a file that cannot be read is left out). */
export async function checksums(host: HostIO, algo: string, paths: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!paths.length) return out;
  const r = await host.run(`${CHECKSUM_COMMANDS[algo] ?? 'sha1sum'} -- ${paths.map(q).join(' ')}`);
  // "HEX  PATH" per line, in the order asked; a line of a file that could not be read is missing
  const lines = r.stdout.split('\n').filter(Boolean);
  for (const line of lines) {
    const sp = line.indexOf(' ');
    const path = line.slice(sp + 2);
    if (sp > 0 && paths.includes(path)) out.set(path, line.slice(0, sp));
  }
  return out;
}

const MAX_DIFF = 512 * 1024;

// Ansible's MAX_FILE_SIZE_FOR_DIFF default, and the bytes its file module peeks at for a NUL
const ACTION_MAX_DIFF = 104448;
const PEEK = 8192;

/**
 * copy's and template's diff as Ansible's action builds it (_get_diff_data): the destination named only when
 * it existed, `source` as the after header; a binary or too large side skipped with its reason instead.
 */
function actionDiff(path: string, before: Buffer | undefined, wanted: Buffer, source: string): FileDiff {
  const d: FileDiff = {};
  if (before === undefined) d.before = '';
  else if (before.subarray(0, PEEK).includes(0)) d.dst_binary = 1;
  else if (before.length > ACTION_MAX_DIFF) d.dst_larger = ACTION_MAX_DIFF;
  else Object.assign(d, { before_header: path, before: before.toString('utf8') });
  if (wanted.length > ACTION_MAX_DIFF) d.src_larger = ACTION_MAX_DIFF;
  else if (wanted.includes(0)) d.src_binary = 1;
  else Object.assign(d, { after_header: source, after: wanted.toString('utf8') });
  return d;
}

function textForDiff(b: Buffer | undefined): string {
  if (!b) return '';
  if (b.length > MAX_DIFF) return '[content too large to diff]';
  return b.includes(0) ? '[binary content]' : b.toString('utf8');
}

/**
 * The regular files matched by shell words (`'/etc/apt/sources.list' '/etc/apt/sources.list.d'/*.list`:
 * callers quote the fixed parts, the globs stay open) and their text, in one command, by path.
 */
export async function readTexts(host: HostIO, shellWords: string): Promise<Map<string, string>> {
  const r = await host.run(`for f in ${shellWords}; do [ -f "$f" ] || continue; printf '%s\\0' "$f"; cat -- "$f"; printf '\\0'; done`);
  const parts = r.stdout.split('\0');
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) out.set(parts[i] as string, parts[i + 1] as string);
  return out;
}

/** Ansible's backup file name: PATH.PID.YYYY-MM-DD@HH:MM:SS~ */
export function backupName(path: string, now = new Date(), pid = process.pid): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${path}.${pid}.${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}@${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}~`;
}

/** How a module reports a failed validate: copy's and template's message with the output, or the line editors' one line. */
export type ValidateFailure = 'copy' | 'editor';

/**
 * The module's `validate` command (`visudo -cf %s`) run on the new content in a temporary file on the host,
 * before anything is moved into place: undefined when it passed (or none is given), else the failure.
 */
async function validated(ctx: ModuleContext, v: unknown, wanted: Buffer, style: ValidateFailure): Promise<Record<string, unknown> | undefined> {
  if (v === undefined || v === null || v === '') return undefined;
  const command = String(v);
  if (!command.includes('%s')) return { msg: `validate must contain %s: ${command}` };
  const made = await ctx.host.run('mktemp "${TMPDIR:-/tmp}/.kplay-validate.XXXXXX"');
  const tmp = made.stdout.trim();
  if (made.rc !== 0 || !tmp) throw new Error(`cannot create a temporary file to validate: ${made.stderr.trim()}`);
  try {
    await ctx.host.write(tmp, wanted, { mode: '0600' });
    const r = await ctx.host.run(command.split('%s').join(q(tmp)));
    if (r.rc === 0) return undefined;
    if (style === 'editor') return { msg: `failed to validate: rc:${r.rc} error:${r.stderr}` };
    return { msg: 'failed to validate', exit_status: r.rc, stdout: r.stdout, stderr: r.stderr };
  } finally {
    await ctx.host.run(`rm -f -- ${q(tmp)}`);
  }
}

/** Makes `path` hold `wanted` with `attrs`; `current` may be passed when the caller already inspected it. */
export async function ensureFile(
  ctx: ModuleContext,
  path: string,
  wanted: Buffer,
  attrs: FileAttrs,
  opts: { backup?: boolean; current?: FileState; msg?: string; diffHeader?: string | undefined; diffSource?: string | undefined; validate?: string | undefined; validateFailure?: ValidateFailure } = {},
): Promise<ModuleResult> {
  const { stat: st, content: before } = opts.current ?? (await ctx.host.inspect(path));
  if (st.exists && st.type === 'directory') return { changed: false, failed: true, msg: `${path} is a directory` };
  const contentChanged = before === undefined || !before.equals(wanted);
  const attrChanged = st.exists && attrsDiffer(st, attrs);
  const result: ModuleResult = { changed: contentChanged || attrChanged, path, dest: path };
  if (opts.msg !== undefined) result.msg = opts.msg;
  if (ctx.diff && contentChanged) {
    const header = opts.diffHeader ?? path;
    const d: FileDiff =
      opts.diffSource === undefined ? { before_header: header, after_header: header, before: textForDiff(before), after: textForDiff(wanted) } : actionDiff(path, before, wanted, opts.diffSource);
    result.diff = [d];
  }
  if (ctx.check || !result.changed) return result;
  if (contentChanged) {
    // a declared module's plan names its validate command; the others take the task's
    const invalid = await validated(ctx, 'validate' in opts ? opts.validate : ctx.args.validate, wanted, opts.validateFailure ?? 'copy');
    if (invalid) return { ...result, ...invalid, changed: false, failed: true };
    if (opts.backup && before !== undefined) {
      const name = backupName(path);
      const r = await ctx.host.run(`cp -p -- ${q(path)} ${q(name)}`);
      if (r.rc !== 0) throw new Error(`cannot back up ${path}: ${r.stderr.trim()}`);
      result.backup_file = name;
    }
    const warning = await ctx.host.write(path, wanted, attrs);
    if (warning) ctx.warn(warning);
  } else {
    await applyAttrs(ctx, path, attrs);
  }
  return result;
}
