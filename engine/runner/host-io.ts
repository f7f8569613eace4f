// The host facade modules use, built on a transport: file state, reads and atomic writes are a few
// POSIX shell commands, so the same code works over the local and the SSH connection; where the
// transport has a resident helper, it answers them with the same bytes and no process per call.
import type { Attempt, FileAttrs, FileStat, HostConnection, HostIO, RunResult } from '../modules/types.js';
import { UnreachableError, type Become, type FileOp, type Transport } from '../transport/types.js';
import { shellQuote as q } from '../util/shell.js';

const TYPES: Record<string, FileStat['type']> = { 'regular file': 'file', 'regular empty file': 'file', directory: 'directory', 'symbolic link': 'link' };

/** Settings applied to every command of one task (its `environment` and `timeout`). */
export interface TaskExecDefaults {
  env?: Record<string, string> | undefined;
  timeoutMs?: number | undefined;
  /** Called with each command before it runs (for -vv). */
  trace?: ((command: string) => void) | undefined;
}

/** Reads stat's '%F|%a|%U|%G|%s|%Y|%u|%g|%h' line (and readlink's, if any) into a FileStat. */
function parseStat(line: string, link: string | undefined): FileStat {
  if (line === 'MISSING') return { exists: false };
  const [type = '', mode = '', owner, group, size, mtime, uid, gid, links] = line.split('|');
  const st: FileStat = { exists: true, type: TYPES[type] ?? 'other', mode: mode.padStart(4, '0'), size: Number(size), mtime: Number(mtime), uid: Number(uid), gid: Number(gid), links: Number(links) };
  if (owner !== undefined) st.owner = owner;
  if (group !== undefined) st.group = group;
  if (link) st.linkTarget = link;
  return st;
}

/** Builds the facade for one host and one become setting. */
export function hostIO(t: Transport, become: Become | undefined, defaults: TaskExecDefaults = {}): HostIO {
  const run = async (command: string, opts: { stdin?: Buffer | string; cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> => {
    defaults.trace?.(command);
    const env = defaults.env || opts.env ? { ...defaults.env, ...opts.env } : undefined;
    const timeoutMs = opts.timeoutMs ?? defaults.timeoutMs;
    const r = await t.exec(command, { ...opts, become, ...(env ? { env } : {}), ...(timeoutMs ? { timeoutMs } : {}) });
    return { rc: r.rc, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), stdoutBytes: r.stdout };
  };
  // the helper answers with the bytes `command` would print; without one, the command runs
  const fileOp = async (op: FileOp, command: string, stdin?: Buffer | string): Promise<RunResult> => {
    const r = t.fileOp ? await t.fileOp(op, become) : undefined;
    if (!r) return run(command, stdin === undefined ? {} : { stdin });
    defaults.trace?.(`(kplay helper: ${op.op} ${op.path})`);
    return { rc: r.rc, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), stdoutBytes: r.stdout };
  };
  return {
    run,
    async stat(path, follow = false) {
      const s = follow ? 'stat -L' : 'stat';
      const r = await fileOp({ op: 'stat', path, follow }, `p=${q(path)}; if [ -e "$p" ] || [ -L "$p" ]; then ${s} -c '%F|%a|%U|%G|%s|%Y|%u|%g|%h' -- "$p" && { [ -L "$p" ] && readlink -- "$p" || true; }; else echo MISSING; fi`);
      if (r.rc !== 0) throw new Error(`cannot stat ${path}: ${r.stderr.trim()}`);
      const [line = '', link] = r.stdout.split('\n');
      return parseStat(line, link);
    },
    async inspect(path) {
      // stat line, link line (empty when not a link), then the bytes of a regular file: one round trip;
      // a link to nothing is missing, as Python's os.path.exists says (a write then replaces the link)
      const r = await fileOp(
        { op: 'inspect', path },
        `p=${q(path)}; if [ -e "$p" ]; then stat -L -c '%F|%a|%U|%G|%s|%Y|%u|%g|%h' -- "$p" || exit 1; if [ -L "$p" ]; then readlink -- "$p"; else echo; fi; if [ -f "$p" ]; then exec cat -- "$p"; fi; else echo MISSING; fi`,
      );
      if (r.rc !== 0) throw new Error(`cannot read ${path}: ${r.stderr.trim()}`);
      const out = r.stdoutBytes;
      const eol1 = out.indexOf(0x0a);
      const line = out.subarray(0, eol1 === -1 ? out.length : eol1).toString('utf8');
      if (line === 'MISSING') return { stat: { exists: false }, content: undefined };
      const eol2 = out.indexOf(0x0a, eol1 + 1);
      const stat = parseStat(line, out.subarray(eol1 + 1, eol2 === -1 ? out.length : eol2).toString('utf8'));
      return { stat, content: stat.type === 'file' ? Buffer.from(out.subarray(eol2 + 1)) : undefined };
    },
    async read(path) {
      const r = await fileOp({ op: 'read', path }, `p=${q(path)}; if [ -f "$p" ]; then cat -- "$p"; else exit 3; fi`);
      if (r.rc === 3) return undefined;
      if (r.rc !== 0) throw new Error(`cannot read ${path}: ${r.stderr.trim()}`);
      return r.stdoutBytes;
    },
    async write(path, content, attrs: FileAttrs) {
      // temp file next to the target, attributes set on it, then an atomic rename; a rename onto
      // a bind-mounted file (containers' /etc/hosts) fails with EBUSY: then write in place.
      const script = [
        'set -e',
        `p=${q(path)}`,
        'd=$(dirname -- "$p")',
        't=$(mktemp "$d/.kplay.XXXXXX")',
        'trap \'rm -f -- "$t" "$t.err"\' EXIT',
        'cat > "$t"',
        // as Ansible's atomic_move and set_fs_attributes: the old file's mode (a new one's from the umask),
        // then its owner (a chown clears setuid and setgid bits), then the owner and group asked, then the
        // mode asked (a symbolic one changes the mode the file had)
        'if [ -e "$p" ]; then chmod --reference="$p" "$t"; else chmod $(printf %o $((0666 & ~$(umask)))) "$t"; fi',
        'if [ -e "$p" ] && [ "$(id -u)" = 0 ]; then chown --reference="$p" "$t"; fi',
        attrs.owner ? `chown ${q(attrs.owner)} "$t"` : ':',
        attrs.group ? `chgrp ${q(attrs.group)} "$t"` : ':',
        attrs.mode ? `chmod ${q(attrs.mode)} "$t"` : ':',
        'if ! mv -f -- "$t" "$p" 2>"$t.err"; then',
        '  if grep -qi "busy" "$t.err"; then cat "$t" > "$p"; echo KPLAY_IN_PLACE; else cat "$t.err" >&2; exit 1; fi',
        'fi',
      ].join('\n');
      const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
      const r = await fileOp({ op: 'write', path, mode: attrs.mode, owner: attrs.owner, group: attrs.group, content: bytes }, script, bytes);
      if (r.rc !== 0) throw new Error(`cannot write ${path}: ${r.stderr.trim()}`);
      return r.stdout.includes('KPLAY_IN_PLACE') ? `${path} is a mount point (rename gave EBUSY): it was written in place, not atomically` : undefined;
    },
  };
}

/** The connection facet of `io` (reboot, wait_for_connection): reset, and commands whose failure to reach is an answer. */
export function hostConnection(t: Transport, io: HostIO): HostConnection {
  const reset = async (connectTimeoutMs?: number): Promise<void> => {
    await t.reset?.(connectTimeoutMs);
  };
  return {
    local: t.local === true,
    reset,
    async attempt(command, timeoutMs): Promise<Attempt> {
      let timer: NodeJS.Timeout | undefined;
      // a host that went silent (no FIN, no RST) would hold the command until the keepalives give up
      const silent = new Promise<Attempt>((resolve) => {
        timer = setTimeout(() => resolve({ unreachable: `no answer within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
      });
      try {
        const r = await Promise.race([io.run(command), silent]);
        if ('unreachable' in r) await reset();
        return r;
      } catch (e) {
        if (e instanceof UnreachableError) return { unreachable: e.message };
        throw e;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
