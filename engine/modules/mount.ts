// mount (ansible.posix.mount): a filesystem's line in fstab and its mount state, decided as the
// Ansible module decides on Linux — mounted (line + mounted; remounted when the line changed), present
// (line only), unmounted (mount state only), absent (line removed, unmounted, mount point removed),
// absent_from_fstab, remounted, ephemeral (mounted from the options, fstab untouched). Mounted means a
// mount point by stat (another device, as Python's os.path.ismount) or a mountinfo entry for the path
// (with the same source, for mounted and ephemeral: bind mounts). A failed mount puts fstab back and
// removes the directories it made.
import { shellQuote as q } from '../util/shell.js';
import { ensureFile } from './file-content.js';
import type { Module, ModuleContext, ModuleResult, RunResult } from './types.js';

/** One mount of /proc/self/mountinfo, its source resolved for bind mounts as the module resolves it. */
interface Mounted {
  src: string;
  fs: string;
}

/** mountinfo by mount point: the source of a bind mount is the parent's mount point + the root. */
export function parseMountinfo(text: string): Map<string, Mounted> {
  const info = new Map<number, { parent: number; root: string; dst: string; fs: string; src: string }>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    info.set(Number(f[0]), { parent: Number(f[1]), root: f[3] as string, dst: f[4] as string, fs: f.at(-3) as string, src: f.at(-2) as string });
  }
  const mounts = new Map<string, Mounted>();
  for (const m of info.values()) {
    let src = m.src;
    const p = m.parent !== 1 ? info.get(m.parent) : undefined;
    if (p) {
      let root = m.root;
      if (p.root.length > 1 && root.startsWith(`${p.root}/`)) root = root.slice(p.root.length);
      if (p.dst !== '/') root = `${p.dst}${root}`;
      src = root;
    }
    mounts.set(m.dst, { src, fs: m.fs });
  }
  return mounts;
}

// space, ampersand and backslash are escaped in fstab fields
const escapeField = (v: string): string => v.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/&/g, '\\046');

/** The fstab line for the arguments. */
interface Entry {
  src: string;
  name: string;
  fstype: string;
  opts: string;
  dump: string;
  passno: string;
}

const lineOf = (e: Entry): string => `${e.src} ${e.name} ${e.fstype} ${e.opts} ${e.dump} ${e.passno}\n`;
const splitLines = (text: string): string[] => text.split(/(?<=\n)/).filter((l) => l !== '');

// the line is this mount's: its mount point, or for swap (`none`) its source
function matches(fields: string[], name: string, src: string | undefined): boolean {
  return fields[1] === name && !(src !== undefined && fields[1] === 'none' && fields[2] === 'swap' && fields[0] !== src);
}

/** fstab with the entry set (changed fields rewritten, else appended); `changed` when it differs. */
export function setEntry(text: string, wanted: Entry, src: string | undefined): { text: string; changed: boolean } {
  const e = Object.fromEntries(Object.entries(wanted).map(([k, v]) => [k, escapeField(v)])) as unknown as Entry;
  let exists = false;
  let changed = false;
  const out = splitLines(text).map((raw) => {
    const line = raw.endsWith('\n') ? raw : `${raw}\n`;
    const fields = line.split(/\s+/).filter(Boolean);
    if (!line.trim() || line.trim().startsWith('#') || fields.length < 4 || fields.length > 6 || !matches(fields, e.name, src)) return line;
    exists = true;
    // a missing dump or passno never equals the wanted one: the module compares its int 0 with the text '0'
    const ld: Entry = { src: fields[0] as string, name: fields[1] as string, fstype: fields[2] as string, opts: fields[3] as string, dump: fields[4] ?? '\0', passno: fields[5] ?? '\0' };
    for (const k of ['src', 'fstype', 'opts', 'dump', 'passno'] as const) {
      if (ld[k] !== e[k]) {
        ld[k] = e[k];
        changed = true;
      }
    }
    return changed ? lineOf(ld) : line;
  });
  if (!exists) {
    out.push(lineOf(e));
    changed = true;
  }
  return { text: out.join(''), changed };
}

/** fstab without the entry's lines (only six-field lines are considered, as the module does). */
export function unsetEntry(text: string, name: string, src: string | undefined): { text: string; changed: boolean } {
  const lines = splitLines(text);
  const kept = lines.filter((line) => {
    const fields = line.split(/\s+/).filter(Boolean);
    return !line.trim() || line.trim().startsWith('#') || fields.length !== 6 || !matches(fields, escapeField(name), src);
  });
  return { text: kept.join(''), changed: kept.length !== lines.length };
}

/** What the module reads from the host, in one command. */
interface Facts {
  fstab: string | undefined;
  mounts: Map<string, Mounted>;
  exists: boolean;
  /** A mount point by stat: another device than its parent's, or the same inode (/). */
  ismount: boolean;
}

async function readFacts(ctx: ModuleContext, path: string, fstab: string | undefined): Promise<Facts> {
  const r = await ctx.host.run(
    [
      fstab === undefined ? ':' : `if [ -f ${q(fstab)} ]; then printf F; cat -- ${q(fstab)}; fi`,
      "printf '\\0'",
      'cat /proc/self/mountinfo 2>/dev/null',
      "printf '\\0'",
      `if [ -e ${q(path)} ]; then printf 'e '; stat -L -c '%d %i' -- ${q(path)} ${q(`${path}/..`)} 2>/dev/null | tr '\\n' ' '; fi`,
    ].join('; '),
  );
  const [f = '', info = '', st = ''] = r.stdout.split('\0');
  const s = st.trim().split(/\s+/);
  return {
    fstab: f.startsWith('F') ? f.slice(1) : undefined,
    mounts: parseMountinfo(info),
    exists: s[0] === 'e',
    ismount: s[0] === 'e' && s.length >= 5 && (s[1] !== s[3] || s[2] === s[4]),
  };
}

const failure = (r: RunResult): string => `${r.stdout}${r.stderr}`;
// a failure is its message only, as the module's fail_json gives it
const fail = (msg: string): ModuleResult => ({ changed: false, failed: true, msg });

/** The mount module (Linux). */
export const mount: Module = async (ctx) => {
  const a = ctx.args;
  const state = String(a.state);
  const name = String(a.path);
  const src = a.src === undefined || a.src === null ? undefined : String(a.src);
  const fstype = a.fstype === undefined || a.fstype === null ? undefined : String(a.fstype);
  const needs = ['mounted', 'present', 'ephemeral'].includes(state) ? (['src', 'fstype'] as const).filter((k) => a[k] === undefined || a[k] === null) : [];
  if (needs.length) return fail(`state is ${state} but all of the following are missing: ${needs.join(', ')}`);
  const fstabGiven = a.fstab === undefined || a.fstab === null ? undefined : String(a.fstab);
  const fstab = fstabGiven ?? '/etc/fstab';
  let opts = a.opts === undefined || a.opts === null ? 'defaults' : String(a.opts);
  let boot = 'yes';
  const warnings: string[] = [];
  const list = opts.split(',');
  if (list.includes('noauto')) warnings.push("Ignore the 'boot' due to 'opts' contains 'noauto'.");
  else if (a.boot === false) {
    boot = 'no';
    if (list.includes('defaults')) warnings.push("Ignore the 'boot' due to 'opts' contains 'defaults'.");
    else opts = [...list, 'noauto'].join(',');
  }
  const entry: Entry = { src: src ?? '', name, fstype: fstype ?? '', opts, dump: a.dump === undefined || a.dump === null ? '0' : String(a.dump), passno: a.passno === undefined || a.passno === null ? '0' : String(a.passno) };
  const result: ModuleResult = { changed: false, name, opts, dump: entry.dump, passno: entry.passno, fstab, boot, backup_file: '' };
  if (src !== undefined) result.src = src;
  if (fstype !== undefined) result.fstype = fstype;
  for (const w of warnings) ctx.warn(w);

  const facts = await readFacts(ctx, name, state === 'ephemeral' ? undefined : fstab);
  // fstab is created (with its directory) when missing, except for ephemeral, as the module does
  if (state !== 'ephemeral' && facts.fstab === undefined) {
    const r = await ctx.host.run(`mkdir -p -- "$(dirname -- ${q(fstab)})" && touch -- ${q(fstab)}`);
    if (r.rc !== 0) return fail(`Failed to open ${fstab} due to ${r.stderr.trim()}`);
  }
  const oldFstab = facts.fstab ?? '';
  const writeFstab = async (text: string, backup: boolean): Promise<void> => {
    const w = await ensureFile(ctx, fstab, Buffer.from(text), {}, { backup, current: { stat: { exists: true, type: 'file' }, content: Buffer.from(oldFstab) } });
    if (typeof w.backup_file === 'string') result.backup_file = w.backup_file;
    if (w.diff) result.diff = w.diff;
  };
  const fstabArgs = fstabGiven !== undefined && fstabGiven !== '/etc/fstab' ? ['-T', fstab] : [];
  const ephemeralArgs = state === 'ephemeral' ? ['-t', entry.fstype, ...(opts !== 'defaults' ? ['-o', opts] : []), entry.src] : [];
  const runArgv = (argv: string[]): Promise<RunResult> => ctx.host.run(argv.map(q).join(' '));
  const doMount = (): Promise<RunResult> => runArgv(['mount', ...(state === 'ephemeral' ? ephemeralArgs : fstabArgs), name]);
  const doUmount = (): Promise<RunResult> => runArgv(['umount', name]);
  // remount in place, else unmount and mount again (not when remounted was asked with options)
  const remount = async (): Promise<ModuleResult | RunResult> => {
    const o = state === 'remounted' && opts !== 'defaults' ? `remount,${opts}` : 'remount';
    const r = await runArgv(['mount', '-o', o, ...(state === 'ephemeral' ? ephemeralArgs : fstabArgs), name]);
    if (r.rc === 0) return r;
    if (state === 'remounted' && opts !== 'defaults') {
      return fail('Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. Try replacing this command with a "state: unmounted" followed by a "state: mounted" using the full desired mount options instead.');
    }
    const u = await doUmount();
    return u.rc === 0 ? doMount() : u;
  };
  const isMounted = (withSrc: boolean): boolean => facts.ismount || (withSrc ? facts.mounts.get(name)?.src === src : facts.mounts.has(name));

  if (state === 'absent_from_fstab' || state === 'absent') {
    const edit = unsetEntry(oldFstab, name, src);
    result.changed = edit.changed;
    if (edit.changed && !ctx.check) {
      await writeFstab(edit.text, a.backup === true);
      if (state === 'absent') {
        if (isMounted(false)) {
          const r = await doUmount();
          if (r.rc !== 0) return fail(`Error unmounting ${name}: ${failure(r)}`);
        }
        const rm = await ctx.host.run(`if [ -e ${q(name)} ]; then rmdir -- ${q(name)}; fi`);
        if (rm.rc !== 0) return fail(`Error rmdir ${name}: ${rm.stderr.trim()}`);
      }
    }
  } else if (state === 'unmounted') {
    if (isMounted(false)) {
      if (!ctx.check) {
        const r = await doUmount();
        if (r.rc !== 0) return fail(`Error unmounting ${name}: ${failure(r)}`);
      }
      result.changed = true;
    }
  } else if (state === 'present') {
    const edit = setEntry(oldFstab, entry, src);
    result.changed = edit.changed;
    if (edit.changed && !ctx.check) await writeFstab(edit.text, a.backup === true);
  } else if (state === 'remounted') {
    if (!ctx.check) {
      const r = await remount();
      if ('changed' in r) return r;
      if (r.rc !== 0) return fail(`Error remounting ${name}: ${failure(r)}`);
    }
    result.changed = true;
  } else {
    // mounted, ephemeral: the mount point made (mkdir -p, remembering what was made), the line, the mount
    let made: string[] = [];
    if (!facts.exists && !ctx.check) {
      const r = await ctx.host.run(`p=''; for d in $(printf '%s' ${q(name.replace(/^\/+/, ''))} | tr '/' ' '); do p="$p/$d"; if [ ! -e "$p" ]; then mkdir -- "$p" && echo "$p" || exit 1; fi; done`);
      if (r.rc !== 0) return fail(`Error making dir ${name}: ${r.stderr.trim()}`);
      made = r.stdout.split('\n').filter(Boolean);
    }
    const edit = state === 'ephemeral' ? { text: oldFstab, changed: false } : setEntry(oldFstab, entry, src);
    if (edit.changed && !ctx.check) await writeFstab(edit.text, a.backup === true);
    result.changed = edit.changed;
    let failed: RunResult | undefined;
    if (isMounted(true)) {
      if (edit.changed && !ctx.check) {
        const r = await remount();
        if ('changed' in r) return r;
        if (r.rc !== 0) failed = r;
      }
      if (state === 'ephemeral') {
        // already mounted: remounted with the options when it is the same source, else refused
        if (facts.mounts.get(name)?.src !== src && !(await sameSource(ctx, src ?? '', name))) {
          return fail('Ephemeral mount point is already mounted with a different source than the specified one. Failing in order to prevent an unwanted unmount or override operation. Try replacing this command with a "state: unmounted" followed by a "state: ephemeral", or use a different destination path.');
        }
        result.changed = true;
        if (!ctx.check) {
          const r = await remount();
          if ('changed' in r) return r;
          if (r.rc !== 0) failed = r;
        }
      }
    } else {
      result.changed = true;
      if (!ctx.check) {
        const r = await doMount();
        if (r.rc !== 0) failed = r;
      }
    }
    if (failed) {
      // a line that cannot mount could break the next boot: fstab and the made directories are put back
      if (edit.changed) await ctx.host.write(fstab, Buffer.from(oldFstab), {}).catch(() => undefined);
      if (made.length) await ctx.host.run(`rmdir -- ${made.reverse().map(q).join(' ')}`);
      return fail(`Error mounting ${name}: ${failure(failed)}`);
    }
  }
  return result;
};

// `mount -v` lists "SRC on DEST ...": the module's last check that an ephemeral mount has the same source
async function sameSource(ctx: ModuleContext, src: string, dest: string): Promise<boolean> {
  const r = await ctx.host.run('mount -v');
  return r.stdout.split('\n').some((l) => {
    const f = l.split(/\s+/);
    return f[0] === src && f[2] === dest;
  });
}
