// What Ansible's AnsibleModule adds to every result (ok or failed) that names a `path` (else a `dest`) that
// exists (add_path_info): its uid, gid, owner, group, mode, size and kind as `state` (link, directory,
// hard for a file with more than one link, else file), all of the path itself, not a link's target.
import type { FileStat, HostIO, ModuleResult } from './types.js';

/** The path a result names as Ansible's add_path_info finds it: `path`, else `dest`. */
export function namedPath(result: ModuleResult): string | undefined {
  const p = 'path' in result ? result.path : result.dest;
  return typeof p === 'string' ? p : undefined;
}

/**
 * add_path_info's keys for `path` (none when it does not exist, a dangling link included); `known` is
 * its stat (not followed) when the caller has it already.
 */
export async function pathInfo(host: HostIO, path: string, known?: FileStat): Promise<Record<string, unknown>> {
  const st = known ?? (await host.stat(path));
  if (!st.exists) return {};
  // os.path.exists follows the link: a dangling one (whose followed stat fails) does not exist
  if (st.type === 'link' && !(await host.stat(path, true).then((t) => t.exists, () => false))) return {};
  const uid = st.uid ?? 0;
  const gid = st.gid ?? 0;
  const state = st.type === 'link' ? 'link' : st.type === 'directory' ? 'directory' : (st.links ?? 1) > 1 ? 'hard' : 'file';
  return {
    uid,
    gid,
    owner: st.owner === undefined || st.owner === 'UNKNOWN' ? String(uid) : st.owner,
    group: st.group === undefined || st.group === 'UNKNOWN' ? String(gid) : st.group,
    mode: `0${(st.mode ?? '0').replace(/^0+/, '').padStart(3, '0')}`,
    state,
    size: st.size ?? 0,
  };
}

/** The result with add_path_info's keys for the path it names (they replace the module's own `state`, as in Ansible). */
export async function withPathInfo(host: HostIO, result: ModuleResult, known?: (path: string) => Promise<FileStat | undefined>): Promise<ModuleResult> {
  const path = namedPath(result);
  if (path === undefined) return result;
  // a path that cannot be looked at (no permission) is described by nothing, as a missing one
  return { ...result, ...(await pathInfo(host, path, await known?.(path)).catch(() => ({}))) };
}
