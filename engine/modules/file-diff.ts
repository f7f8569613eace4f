// The diff Ansible's file module returns (initial_diff and set_fs_attributes_if_different): the path, its
// state before and after when they differ (with a removed directory's content as os.walk lists it), a
// link's old and new source, and each attribute that changes (owner and group as ids, mode as octal).
import { shellQuote as q } from '../util/shell.js';
import { symbolicMode } from './symbolic-mode.js';
import { attrsDiffer } from './file-content.js';
import type { FileAttrs, FileDiff, FileStat, HostIO, ObjectDiff } from './types.js';

/** What a path freshly made has, for the attributes compared after it is made: the user's ids and names, and the umask. */
export interface Creator {
  uid: number;
  gid: number;
  user: string;
  group: string;
  umask: number;
}

/** The user a task runs as (its become included) and its umask: what a path made now gets. */
export async function creatorOf(host: HostIO): Promise<Creator | undefined> {
  const r = await host.run('id -u; id -g; id -un; id -gn; umask');
  const [uid = '', gid = '', user = '', group = '', umask = ''] = r.stdout.trim().split('\n');
  return r.rc === 0 && /^\d+$/.test(uid) && /^\d+$/.test(gid) && /^[0-7]+$/.test(umask) ? { uid: Number(uid), gid: Number(gid), user, group, umask: parseInt(umask, 8) } : undefined;
}

/** The ids `owner` and `group` name (a number as written, a name as the host resolves it; absent when unknown). */
export interface WantedIds {
  uid?: number | undefined;
  gid?: number | undefined;
}

/** The path and, when it changes, its state (initial_diff). */
export function initialDiff(path: string, state: string, prev: string, content?: { directories: string[]; files: string[] }): ObjectDiff {
  const d: ObjectDiff = { before: { path }, after: { path } };
  if (prev !== state) {
    d.before.state = prev;
    d.after.state = state;
    if (content) d.before.path_content = content;
  }
  return d;
}

// Python's '0%03o' % mode
const octal = (mode: number): string => `0${mode.toString(8).padStart(3, '0')}`;

/** The stat a path freshly made gets (mkdir, touch): the user's ids, the umask's mode. */
export const createdStat = (c: Creator, dir: boolean): FileStat => ({ exists: true, type: dir ? 'directory' : 'file', uid: c.uid, gid: c.gid, owner: c.user, group: c.group, mode: octal((dir ? 0o777 : 0o666) & ~c.umask) });

/** Adds the owner, group and mode `attrs` change on a path with stat `st` (set_*_if_different's diff keys). */
export function attrsDiff(d: ObjectDiff, st: FileStat, attrs: FileAttrs, ids: WantedIds, umask: number | undefined): ObjectDiff {
  if (attrs.owner !== undefined && ids.uid !== undefined && st.uid !== undefined && ids.uid !== st.uid) [d.before.owner, d.after.owner] = [st.uid, ids.uid];
  if (attrs.group !== undefined && ids.gid !== undefined && st.gid !== undefined && ids.gid !== st.gid) [d.before.group, d.after.group] = [st.gid, ids.gid];
  if (attrs.mode !== undefined && st.mode !== undefined) {
    const wanted = /^[0-7]+$/.test(attrs.mode) ? attrs.mode : symbolicMode(st.mode, attrs.mode, st.type === 'directory', umask);
    const [was, now] = [parseInt(st.mode, 8), wanted === undefined ? NaN : parseInt(wanted, 8)];
    if (!Number.isNaN(now) && was !== now) [d.before.mode, d.after.mode] = [octal(was), octal(now)];
  }
  return d;
}

/**
 * A directory's content as os.walk lists it for the diff of its removal: directories, then files, level
 * by level in each directory's own order, a link to a directory among the directories but not walked into.
 * `entries`: find's `%y%Y %p` lines below `top` (depth first, each directory's entries in its own order).
 */
export function walkList(top: string, entries: string[]): { directories: string[]; files: string[] } {
  const children = new Map<string, { path: string; dir: boolean; link: boolean }[]>();
  for (const e of entries) {
    const kinds = e.slice(0, 2);
    const path = e.slice(3);
    const parent = path.slice(0, path.lastIndexOf('/'));
    const list = children.get(parent) ?? [];
    list.push({ path, dir: kinds[1] === 'd', link: kinds[0] === 'l' });
    children.set(parent, list);
  }
  const out = { directories: [] as string[], files: [] as string[] };
  const walk = (dir: string): void => {
    const here = children.get(dir) ?? [];
    for (const c of here) (c.dir ? out.directories : out.files).push(c.path);
    for (const c of here) if (c.dir && !c.link) walk(c.path);
  };
  walk(top.replace(/\/+$/, '') || '/');
  return out;
}

/** The ids owner and group name: a number as it is; a name the path already has, its id; others as the host resolves them (one command). */
export async function wantedIds(host: HostIO, attrs: FileAttrs, st: Pick<FileStat, 'owner' | 'group' | 'uid' | 'gid'>): Promise<WantedIds> {
  // undefined: not given; null: a name to resolve
  const known = (name: string | undefined, has: string | undefined, hasId: number | undefined): number | null | undefined =>
    name === undefined ? undefined : /^\d+$/.test(name) ? Number(name) : name === has ? hasId : null;
  const ids = { uid: known(attrs.owner, st.owner, st.uid), gid: known(attrs.group, st.group, st.gid) };
  if (ids.uid !== null && ids.gid !== null) return { uid: ids.uid, gid: ids.gid };
  const r = await host.run(`printf '%s\\n' "$(id -u -- ${q(attrs.owner ?? '')} 2>/dev/null)" "$(getent group -- ${q(attrs.group ?? '')} | cut -d: -f3)"`);
  const [uid = '', gid = ''] = r.stdout.split('\n');
  const resolved = (v: number | null | undefined, text: string): number | undefined => (v !== null ? v : /^\d+$/.test(text) ? Number(text) : undefined);
  return { uid: resolved(ids.uid, uid), gid: resolved(ids.gid, gid) };
}

/** Owner or group given with --diff: the ids they name (copy's and template's facts, for the file module's diff of their attributes). */
export async function idsFor(host: HostIO, attrs: FileAttrs, st: Pick<FileStat, 'owner' | 'group' | 'uid' | 'gid'>, mode: { diff?: boolean | undefined }): Promise<{ ids?: WantedIds }> {
  return mode.diff !== true || (attrs.owner === undefined && attrs.group === undefined) ? {} : { ids: await wantedIds(host, attrs, st) };
}

/**
 * The diff of copy and template when the bytes are already there: the file module's (the action runs it with
 * state=file), the attributes that change on the file.
 */
export function sameBytesDiff(path: string, dest: Omit<FileStat, 'exists'> & { exists: boolean }, attrs: FileAttrs, ids: WantedIds | undefined, umask: number | undefined): ObjectDiff {
  return attrsDiff(initialDiff(path, 'file', (dest.links ?? 1) > 1 ? 'hard' : 'file'), dest, attrs, ids ?? {}, umask);
}

/** What the line editors (lineinfile, blockinfile) read besides the file: what a file made now gets, the ids for --diff. */
export interface EditedExtras {
  creator?: Creator | undefined;
  ids?: WantedIds | undefined;
}

/**
 * The line editors' extra facts: with attributes asked, the user and umask a file made now gets (not in check
 * mode, where Ansible's editors stop before the attributes), and with --diff the ids owner and group name.
 */
export async function editedExtras(host: HostIO, file: Pick<FileStat, 'exists' | 'owner' | 'group' | 'uid' | 'gid'>, attrs: FileAttrs, create: boolean, mode: { check: boolean; diff?: boolean | undefined }): Promise<EditedExtras> {
  if (Object.values(attrs).every((v) => v === undefined)) return {};
  const creator = !file.exists && create && !mode.check ? await creatorOf(host) : undefined;
  const ids = (await idsFor(host, attrs, creator ? createdStat(creator, false) : file, mode)).ids;
  return { ...(creator ? { creator } : {}), ...(ids ? { ids } : {}) };
}

/**
 * The line editors' attributes and diff as Ansible's lineinfile and blockinfile report them: the attributes
 * compared on the file (or on the one made now, as it is made with the umask), and the diff a list of the
 * content's and the attributes' (`PATH (file attributes)`), or the content's alone for a file that is not
 * there in check mode.
 */
export function editorDiff(
  path: string,
  file: FileStat,
  extras: EditedExtras,
  attrs: FileAttrs,
  umask: number | undefined,
  texts: { before: string; after: string },
  check: boolean,
): { attrsChanged: boolean; diff: FileDiff | FileDiff[] } {
  const content: FileDiff = { ...texts, before_header: `${path} (content)`, after_header: `${path} (content)` };
  const on = file.exists ? file : check ? undefined : extras.creator && createdStat(extras.creator, false);
  if (!file.exists && check) return { attrsChanged: false, diff: content };
  const d = on ? attrsDiff({ before: {}, after: {} }, on, attrs, extras.ids ?? {}, umask ?? extras.creator?.umask) : { before: {}, after: {} };
  const attrsChanged = on !== undefined && attrsDiffer(on, attrs, umask ?? extras.creator?.umask);
  const header = `${path} (file attributes)`;
  return { attrsChanged, diff: [content, { ...(Object.keys(d.before).length ? d : {}), before_header: header, after_header: header }] };
}
