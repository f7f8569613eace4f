// mount (ansible.posix.mount): a filesystem's line in fstab and its mount state, decided as the
// Ansible module decides on Linux — mounted (line + mounted; remounted when the line changed), present
// (line only), unmounted (mount state only), absent (line removed, unmounted, mount point removed),
// absent_from_fstab, remounted, ephemeral (mounted from the options, fstab untouched). Mounted means a
// mount point by stat (another device, as Python's os.path.ismount) or a mountinfo entry for the path
// (with the same source, for mounted and ephemeral: bind mounts). A failed mount puts fstab back and
// removes the directories it made. Declared: the facts are fstab, mountinfo and the mount point.
import { shellQuote as q } from '../util/shell.js';
import { declareModule, failPlan, type RunStep, type Step } from './declare.js';
import type { HostIO, ModuleResult } from './types.js';

/** One mount of /proc/self/mountinfo, its source resolved for bind mounts as the module resolves it. */
interface Mounted {
  src: string;
  fs: string;
}

/** mountinfo by mount point: the source of a bind mount is the parent's mount point + the root. */
export function parseMountinfo(text: string): Record<string, Mounted> {
  const info = new Map<number, { parent: number; root: string; dst: string; fs: string; src: string }>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    info.set(Number(f[0]), { parent: Number(f[1]), root: f[3] as string, dst: f[4] as string, fs: f.at(-3) as string, src: f.at(-2) as string });
  }
  const mounts: Record<string, Mounted> = {};
  for (const m of info.values()) {
    let src = m.src;
    const p = m.parent !== 1 ? info.get(m.parent) : undefined;
    if (p) {
      let root = m.root;
      if (p.root.length > 1 && root.startsWith(`${p.root}/`)) root = root.slice(p.root.length);
      if (p.dst !== '/') root = `${p.dst}${root}`;
      src = root;
    }
    mounts[m.dst] = { src, fs: m.fs };
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

/** What mount compares: fstab's text, what is mounted where, and the mount point. */
export interface MountFacts {
  /** fstab's text (null: missing; ephemeral does not read it). */
  fstab: string | null;
  /** mountinfo by mount point. */
  mounts: Record<string, Mounted>;
  exists: boolean;
  /** A mount point by stat: another device than its parent's, or the same inode (/). */
  ismount: boolean;
  /** The mount point and its parents that do not exist, outermost first (mounted and ephemeral make them). */
  missing: string[];
  /** `mount -v` lists the source on the path (ephemeral's last check of the source). */
  listed: boolean;
}

// the path and its parents, outermost first (/a/b: /a, /a/b)
const ancestors = (path: string): string[] => path.split('/').filter(Boolean).map((_, i, parts) => `${path.startsWith('/') ? '/' : ''}${parts.slice(0, i + 1).join('/')}`);

async function readFacts(host: HostIO, path: string, fstab: string | undefined, src: string | undefined): Promise<MountFacts> {
  const r = await host.run(
    [
      fstab === undefined ? ':' : `if [ -f ${q(fstab)} ]; then printf F; cat -- ${q(fstab)}; fi`,
      "printf '\\0'",
      'cat /proc/self/mountinfo 2>/dev/null',
      "printf '\\0'",
      `if [ -e ${q(path)} ]; then printf 'e '; stat -L -c '%d %i' -- ${q(path)} ${q(`${path}/..`)} 2>/dev/null | tr '\\n' ' '; fi`,
      "printf '\\0'",
      `for p in ${ancestors(path).map(q).join(' ')}; do [ -e "$p" ] || echo "$p"; done`,
      "printf '\\0'",
      src === undefined ? ':' : 'mount -v 2>/dev/null',
    ].join('; '),
  );
  const [f = '', info = '', st = '', missing = '', listing = ''] = r.stdout.split('\0');
  const s = st.trim().split(/\s+/);
  return {
    fstab: f.startsWith('F') ? f.slice(1) : null,
    mounts: parseMountinfo(info),
    exists: s[0] === 'e',
    ismount: s[0] === 'e' && s.length >= 5 && (s[1] !== s[3] || s[2] === s[4]),
    missing: missing.split('\n').filter(Boolean),
    listed: listing.split('\n').some((l) => {
      const w = l.split(/\s+/);
      return w[0] === src && w[2] === path;
    }),
  };
}

const argv = (words: string[]): string => words.map(q).join(' ');
// a failure is the command's output, as the module's fail_json gives it
const runStep = (words: string[], failure: string, undo?: Step[]): RunStep => ({ kind: 'run', command: argv(words), failure, ...(undo?.length ? { undo } : {}) });

/** The mount module (Linux). */
export const mountModule = declareModule({
  spec: {
    options: {
      path: { type: 'path', required: true, aliases: ['name'] },
      src: { type: 'path' },
      fstype: { type: 'str' },
      opts: { type: 'str' },
      dump: { type: 'str' },
      passno: { type: 'str' },
      fstab: { type: 'str' },
      boot: { type: 'bool' },
      backup: { type: 'bool' },
      state: { type: 'str', required: true, choices: ['absent', 'absent_from_fstab', 'mounted', 'present', 'unmounted', 'remounted', 'ephemeral'] },
    },
  },
  refuse(o) {
    const state = o.state ?? '';
    const needs = ['mounted', 'present', 'ephemeral'].includes(state) ? (['src', 'fstype'] as const).filter((k) => o[k] === undefined) : [];
    return needs.length ? `state is ${state} but all of the following are missing: ${needs.join(', ')}` : undefined;
  },
  facts: (o, host) => readFacts(host, o.path ?? '', o.state === 'ephemeral' ? undefined : (o.fstab ?? '/etc/fstab'), o.state === 'ephemeral' ? o.src : undefined),
  plan(o, f) {
    const state = o.state ?? '';
    const name = o.path ?? '';
    const src = o.src;
    const fstab = o.fstab ?? '/etc/fstab';
    let opts = o.opts ?? 'defaults';
    let boot = 'yes';
    const warnings: string[] = [];
    const list = opts.split(',');
    if (list.includes('noauto')) warnings.push("Ignore the 'boot' due to 'opts' contains 'noauto'.");
    else if (o.boot === false) {
      boot = 'no';
      if (list.includes('defaults')) warnings.push("Ignore the 'boot' due to 'opts' contains 'defaults'.");
      else opts = [...list, 'noauto'].join(',');
    }
    const entry: Entry = { src: src ?? '', name, fstype: o.fstype ?? '', opts, dump: o.dump ?? '0', passno: o.passno ?? '0' };
    const result: ModuleResult = { changed: false, name, opts, dump: entry.dump, passno: entry.passno, fstab, boot, backup_file: '' };
    if (src !== undefined) result.src = src;
    if (o.fstype !== undefined) result.fstype = o.fstype;
    const steps: Step[] = [];
    const done = (changed: boolean): ReturnType<typeof failPlan> => ({ steps, result: { ...result, changed }, warnings });
    // fstab is made (with its directory) when missing, even in check mode, except for ephemeral, as the module does
    if (state !== 'ephemeral' && f.fstab === null) steps.push({ kind: 'run', command: `mkdir -p -- "$(dirname -- ${q(fstab)})" && touch -- ${q(fstab)}`, failure: `Failed to open ${fstab} due to {stderr}`, inCheck: true });
    const oldFstab = f.fstab ?? '';
    const writeFstab = (text: string): Step => ({ kind: 'write', path: fstab, content: text, backup: o.backup === true, backupAs: 'backup_file' });
    const fstabArgs = o.fstab !== undefined && o.fstab !== '/etc/fstab' ? ['-T', fstab] : [];
    const ephemeralArgs = ['-t', entry.fstype, ...(opts !== 'defaults' ? ['-o', opts] : []), entry.src];
    const mountArgs = state === 'ephemeral' ? ephemeralArgs : fstabArgs;
    const umount = (failure: string): RunStep => runStep(['umount', name], failure);
    // remount in place, else unmount and mount again (the remount's own errors are not the failure)
    const remount = (failure: string, undo?: Step[]): RunStep => ({
      ...runStep([], failure, undo),
      command: `${argv(['mount', '-o', 'remount', ...mountArgs, name])} >/dev/null 2>&1 || { ${argv(['umount', name])} && ${argv(['mount', ...mountArgs, name])}; }`,
    });
    const here = Object.hasOwn(f.mounts, name) ? f.mounts[name] : undefined;
    const isMounted = (withSrc: boolean): boolean => f.ismount || (withSrc ? here?.src === src : here !== undefined);

    if (state === 'absent_from_fstab' || state === 'absent') {
      const edit = unsetEntry(oldFstab, name, src);
      if (edit.changed) {
        steps.push(writeFstab(edit.text));
        if (state === 'absent') {
          if (isMounted(false)) steps.push(umount(`Error unmounting ${name}: {stdout}{stderr}`));
          steps.push({ kind: 'run', command: `if [ -e ${q(name)} ]; then rmdir -- ${q(name)}; fi`, failure: `Error rmdir ${name}: {stderr}` });
        }
      }
      return done(edit.changed);
    }
    if (state === 'unmounted') {
      if (isMounted(false)) steps.push(umount(`Error unmounting ${name}: {stdout}{stderr}`));
      return done(isMounted(false));
    }
    if (state === 'present') {
      const edit = setEntry(oldFstab, entry, src);
      if (edit.changed) steps.push(writeFstab(edit.text));
      return done(edit.changed);
    }
    if (state === 'remounted') {
      if (opts !== 'defaults') {
        const failure = 'Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. Try replacing this command with a "state: unmounted" followed by a "state: mounted" using the full desired mount options instead.';
        steps.push(runStep(['mount', '-o', `remount,${opts}`, ...fstabArgs, name], failure));
      } else steps.push(remount(`Error remounting ${name}: {stdout}{stderr}`));
      return done(true);
    }
    // mounted, ephemeral: the mount point made, the line, the mount; a failed mount puts fstab back and
    // removes the directories it made
    if (f.missing.length) steps.push(runStep(['mkdir', '--', ...f.missing], `Error making dir ${name}: {stderr}`));
    const edit = state === 'ephemeral' ? { text: oldFstab, changed: false } : setEntry(oldFstab, entry, src);
    if (edit.changed) steps.push(writeFstab(edit.text));
    const undo: Step[] = [...(edit.changed ? [{ kind: 'write' as const, path: fstab, content: oldFstab }] : []), ...(f.missing.length ? [runStep(['rmdir', '--', ...[...f.missing].reverse()], '')] : [])];
    const failure = `Error mounting ${name}: {stdout}{stderr}`;
    if (!isMounted(true)) {
      steps.push(runStep(['mount', ...mountArgs, name], failure, undo));
      return done(true);
    }
    if (edit.changed) steps.push(remount(failure, undo));
    if (state !== 'ephemeral') return done(edit.changed);
    // already mounted: remounted with the options when it is the same source, else refused
    if (here?.src !== src && !f.listed) {
      return { ...failPlan('Ephemeral mount point is already mounted with a different source than the specified one. Failing in order to prevent an unwanted unmount or override operation. Try replacing this command with a "state: unmounted" followed by a "state: ephemeral", or use a different destination path.'), warnings };
    }
    steps.push(remount(failure));
    return done(true);
  },
});
