// synchronize (ansible.posix.synchronize): rsync between the controller (or a delegate) and the task's
// host, with the host's ssh settings, built and judged as Ansible's module builds and judges it: the same
// rsync options in the same order, `--out-format` marking each itemized change, `changed` when rsync
// listed one, --dry-run in check mode. Where rsync runs and how it reaches the host (the action plugin's
// part) comes from the runner in `ctx.sync`.
import { posix } from 'node:path';
import { shlexSplit } from '../inventory/shlex.js';
import { shellQuote as q } from '../util/shell.js';
import { findExecutables } from './executables.js';
import { ActionError, type Module, type ModuleResult, type SyncRemote, type SyncSides } from './types.js';

const CHANGED = '<<CHANGED>>';

// user@host:path, the host in brackets when it is an IPv6 address (the action plugin's format)
function remotePath(r: SyncRemote, user: string | undefined, path: string): string {
  if (path.startsWith('rsync://')) return path;
  const prefix = user ? `${user}@` : '';
  return r.host.includes(':') ? `[${prefix}${r.host}]:${path}` : `${prefix}${r.host}:${path}`;
}

// the two ends as rsync gets them, and the rsync_path the far side runs (sudo for become)
function ends(a: Record<string, unknown>, sides: SyncSides): { src: string; dest: string; rsyncPath: string | undefined } {
  const pull = a.mode === 'pull';
  const src = String(a.src);
  const dest = String(a.dest);
  let rsyncPath = a.rsync_path === undefined || a.rsync_path === null ? undefined : String(a.rsync_path);
  const r = sides.remote;
  if (!r) return { src: sides.localPath(src), dest: sides.localPath(dest), rsyncPath };
  const user = a.set_remote_user === false ? undefined : r.user;
  // become does not apply where rsync runs: rsync on the far side runs through sudo instead (other methods get nothing, as in Ansible)
  if (sides.become && !rsyncPath && sides.become.method === 'sudo') rsyncPath = sides.become.user ? `sudo -u ${sides.become.user} rsync` : 'sudo rsync';
  return pull ? { src: remotePath(r, user, src), dest: sides.localPath(dest), rsyncPath } : { src: sides.localPath(src), dest: remotePath(r, user, dest), rsyncPath };
}

const rshNeeded = (src: string, dest: string): boolean => !src.startsWith('rsync://') && !dest.startsWith('rsync://') && (src.includes(':') || dest.includes(':'));

// rsync's options for the archive switches: -a with its parts turned off, or the parts asked for alone
function archiveFlags(a: Record<string, unknown>): string[] {
  const parts = Object.entries({ recursive: a.recursive, links: a.links, perms: a.perms, times: a.times, owner: a.owner, group: a.group });
  if (a.archive !== false) return ['--archive', ...parts.filter(([, v]) => v === false).map(([p]) => `--no-${p}`)];
  return parts.filter(([, v]) => v === true).map(([p]) => `--${p}`);
}

// ~ and ~user at the start of a path expanded where rsync runs (os.path.expanduser there, as the module does)
async function expandHome(runner: SyncSides['runner'], path: string): Promise<string> {
  const m = /^~([A-Za-z0-9._-]*)(?=\/|$)/.exec(path);
  if (!m || path.includes('@')) return path;
  const r = await runner.run(`printf %s ~${m[1]}`);
  return r.rc === 0 && r.stdout.startsWith('/') ? r.stdout + path.slice(m[0].length) : path;
}

// Python's os.path.dirname: everything before the last slash ("a/b/" gives "a/b", where node's gives "a")
function pyDirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

/** The synchronize module. */
export const synchronize: Module = async (ctx) => {
  const a = ctx.args;
  const sides = ctx.sync;
  if (!sides) throw new ActionError('synchronize needs to know where rsync runs; this task was given no connection details');
  const { src: source, dest: target, rsyncPath } = ends(a, sides);
  if (source.startsWith('rsync://') && target.startsWith('rsync://')) return { changed: false, failed: true, msg: 'either src or dest must be a localhost', rc: 1 };
  const remote = sides.remote;
  const opts = Array.isArray(a.rsync_opts) ? a.rsync_opts.map(String) : [];
  const rsh = rshNeeded(source, target) && !opts.some((o) => o.includes('--rsh'));
  // rsync (unless given as a path) and, when rsync needs it, ssh: found where rsync runs, as get_bin_path finds them
  const wanted = [...(sides.rsync.includes('/') ? [] : [sides.rsync]), ...(rsh ? ['ssh'] : [])];
  const found = wanted.length ? await findExecutables(sides.runner, wanted) : { paths: [] };
  if ('missing' in found) return { changed: false, failed: true, msg: found.missing };
  const rsync = sides.rsync.includes('/') ? sides.rsync : (found.paths[0] as string);
  const cmd: string[] = [rsync];
  if (a.delay_updates !== false) cmd.push('--delay-updates', '-F');
  if (a.compress !== false) cmd.push('--compress');
  if (a.rsync_timeout) cmd.push(`--timeout=${String(a.rsync_timeout)}`);
  if (ctx.check) cmd.push('--dry-run');
  if (a.delete === true) cmd.push('--delete-after');
  if (a.existing_only === true) cmd.push('--existing');
  if (a.checksum === true) cmd.push('--checksum');
  if (a.copy_links === true) cmd.push('--copy-links');
  cmd.push(...archiveFlags(a));
  if (a.dirs === true) cmd.push('--dirs');
  if (rsh) {
    const ssh = [found.paths[found.paths.length - 1] as string];
    if (a.ssh_connection_multiplexing !== true) ssh.push('-S', 'none');
    const key = a.private_key ?? remote?.privateKey;
    if (key !== undefined && key !== null) ssh.push('-i', String(key));
    const port = a.dest_port ?? remote?.port;
    if (port !== undefined && port !== null) ssh.push('-o', `Port=${String(port)}`);
    if (a.verify_host !== true) ssh.push('-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null');
    let line = ssh.map(q).join(' ');
    const sshArgs = a.ssh_args ?? (a.use_ssh_args === true ? remote?.sshArgs : undefined);
    if (sshArgs) line += ` ${String(sshArgs)}`;
    cmd.push(`--rsh=${q(line)}`);
  }
  if (rsyncPath) cmd.push(`--rsync-path=${q(rsyncPath)}`);
  if (opts.includes('')) {
    ctx.warn('The empty string is present in rsync_opts which will cause rsync to transfer the current working directory. If this is intended, use "." instead to get rid of this warning. If this is unintended, check for problems in your playbook leading to empty string in rsync_opts.');
  }
  cmd.push(...opts);
  if (a.partial === true) cmd.push('--partial');
  const linkDest = Array.isArray(a.link_dest) ? a.link_dest.map(String) : [];
  if (linkDest.length) {
    cmd.push('-H', '-vv');
    for (const x of linkDest) {
      const linkPath = posix.resolve(await expandHome(sides.runner, x));
      const destDir = posix.resolve(pyDirname(target));
      if (destDir.startsWith(linkPath)) return { changed: false, failed: true, msg: `Hardlinking into a subdirectory of the source would cause recursion. ${destDir} and ${target}` };
      cmd.push(`--link-dest=${linkPath}`);
    }
  }
  cmd.push(`--out-format=${q(`${CHANGED}%i %n%L`)}`);
  cmd.push(q(await expandHome(sides.runner, source)), q(await expandHome(sides.runner, target)));
  const cmdstr = cmd.join(' ');
  // the module runs this line as AnsibleModule.run_command runs a string: split as shlex splits it, no shell
  let line = shlexSplit(cmdstr, false).map(q).join(' ');
  const password = remote?.password;
  if (password !== undefined && rsh) {
    const sshpass = await findExecutables(sides.runner, ['sshpass']);
    if ('missing' in sshpass) return { changed: false, failed: true, msg: 'to use rsync connection with passwords, you must install the sshpass program' };
    // the password goes to sshpass on its standard input, never on a command line
    line = `sshpass -d0 ${line}`;
  }
  const r = await sides.runner.run(line, password !== undefined && rsh ? { stdin: `${password}\n` } : undefined);
  if (r.rc !== 0) return { changed: false, failed: true, msg: r.stderr, rc: r.rc, cmd: cmdstr };
  const changed = linkDest.length ? !r.stdout.includes(`${CHANGED}.`) : r.stdout.includes(CHANGED);
  const clean = r.stdout.split(CHANGED).join('');
  const result: ModuleResult = { changed, msg: clean, rc: r.rc, cmd: cmdstr, stdout_lines: clean.split('\n').filter((l) => l !== '') };
  if (ctx.diff) result.diff = [{ prepared: clean }];
  return result;
};
