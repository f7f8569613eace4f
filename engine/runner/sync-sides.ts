// synchronize's two sides, decided as Ansible's action plugin (ansible.posix) decides them: rsync runs
// on the controller, or on the delegate with delegate_to, and reaches the task's host over ssh with its
// address, port, user, key and password; with a local connection, or delegated to the host itself, rsync
// runs on that host and both paths are local. Become applies to the far side's rsync, not where it runs.
import { expandHome } from '../util/home.js';
import { resolve } from 'node:path';
import type { HostIO, SyncSides } from '../modules/types.js';
import type { Become } from '../transport/types.js';
import type { ConnectionSettings } from '../vars/connection.js';

/** What the runner knows of the task: the host's and the delegate's settings and how to run commands. */
export interface SyncInputs {
  /** The task's host's connection settings (its own variables). */
  target: ConnectionSettings;
  /** The task's host is reached with the local connection. */
  targetLocal: boolean;
  /** delegate_to: whether it names the task's host itself (its name or its ansible_host), and its user. */
  delegate: { isTarget: boolean; user: string | undefined } | undefined;
  become: Become | undefined;
  /** -u and --private-key: Ansible's play context when the host sets none. */
  defaults: { user?: string | undefined; privateKeyFile?: string | undefined };
  /** ansible_rsync_path, when set. */
  rsyncPath: unknown;
  /** The host facade for running rsync: on the controller, or the delegate (the task's host when local). */
  runner(become: Become | undefined): HostIO;
  /** A file under the role's or the playbook's files/ (or next to them), when one exists. */
  findFile(path: string): string | undefined;
  /** The playbook's directory: where a relative path not found goes. */
  playbookDir: string;
}

/** A controller-side path as the action's _get_absolute_path gives it: host:path and absolute paths as written. */
export function localPath(path: string, findFile: (p: string) => string | undefined, playbookDir: string): string {
  if (path.includes(':') || path.startsWith('/')) return path;
  const expanded = expandHome(path);
  let found = expanded.startsWith('/') ? expanded : (findFile(expanded) ?? resolve(playbookDir, expanded));
  // a trailing slash means "the directory's contents" to rsync: it is kept
  if (path.endsWith('/') && !found.endsWith('/')) found += '/';
  return found;
}

/** The sides synchronize's module gets. */
export function syncSides(i: SyncInputs): SyncSides {
  const rsync = i.rsyncPath === undefined || i.rsyncPath === null || i.rsyncPath === '' ? 'rsync' : String(i.rsyncPath);
  const find = (p: string): string => localPath(p, i.findFile, i.playbookDir);
  const destIsLocal = i.delegate ? i.delegate.isTarget : i.targetLocal;
  // rsync on the task's host itself runs with the task's become, as the module would run there
  if (destIsLocal) return { runner: i.runner(i.become), remote: undefined, become: undefined, rsync, localPath: find };
  const t = i.target;
  const user = (i.delegate ? i.delegate.user : undefined) ?? t.user ?? i.defaults.user;
  const sshArgs = [t.commonArgs, t.extraArgs].filter((a) => a).join(' ');
  return {
    runner: i.runner(undefined),
    remote: { host: t.host, user, port: t.port, privateKey: t.privateKeyFile ?? i.defaults.privateKeyFile, password: t.password, sshArgs: sshArgs || undefined },
    become: i.become ? { method: i.become.method, user: i.become.user } : undefined,
    rsync,
    localPath: find,
  };
}
