// synchronize (ansible.posix.synchronize), declared: rsync between the controller (or a delegate) and
// the task's host, with the host's ssh settings, built and judged as Ansible's module builds and judges
// it: the same rsync options in the same order, `--out-format` marking each itemized change, `changed`
// when rsync listed one, --dry-run in check mode. Where rsync runs and how it reaches the host (the action
// plugin's part) comes from the runner (`sync`); the facts are read there: the two ends as rsync gets them
// (~ expanded), the programs it needs. The plan is the command line; its one step (sync-step.ts) runs it
// (the password, when there is one, goes from the connection to sshpass at that point, never into a plan).
import { posix } from 'node:path';
import { shlexSplit } from '../inventory/shlex.js';
import { shellQuote as q } from '../util/shell.js';
import { declareModule, failPlan, type Controller, type Options, type Plan } from './declare.js';
import { findExecutables } from './executables.js';
import { ActionError, type HostIO, type SyncRemote, type SyncSides } from './types.js';

const bool = { type: 'bool' } as const;
const OPTIONS = {
  src: { type: 'str', required: true },
  dest: { type: 'str', required: true },
  dest_port: { type: 'int' },
  mode: { type: 'str', choices: ['pull', 'push'] },
  archive: bool,
  checksum: bool,
  compress: bool,
  existing_only: bool,
  delete: bool,
  dirs: bool,
  recursive: bool,
  links: bool,
  copy_links: bool,
  perms: bool,
  times: bool,
  owner: bool,
  group: bool,
  rsync_path: { type: 'str' },
  rsync_timeout: { type: 'int' },
  set_remote_user: bool,
  use_ssh_args: bool,
  ssh_connection_multiplexing: bool,
  rsync_opts: { type: 'list' },
  partial: bool,
  verify_host: bool,
  private_key: { type: 'path' },
  link_dest: { type: 'list' },
  delay_updates: bool,
  ssh_args: { type: 'str' },
} as const;

type SyncOptions = Options<typeof OPTIONS>;

/** What synchronize reads where rsync runs: the ends, the far side's rsync, the programs found, how the host is reached. */
export interface SyncFacts {
  /** The two ends as rsync gets them (user@host:path for the host; ~ expanded where rsync runs). */
  src: string;
  dest: string;
  /** The program the far side runs (rsync_path, or sudo for become). */
  rsyncPath?: string | undefined;
  /** link_dest's directories, ~ expanded. */
  linkDest: string[];
  /** rsync's path and, when rsync goes over ssh, ssh's; or Ansible's message for the one missing. */
  found: { rsync: string; ssh?: string | undefined } | { missing: string };
  /** How ssh reaches the host (null: both ends are where rsync runs); `password`: the connection has one. */
  remote: { privateKey?: string | undefined; port?: number | undefined; sshArgs?: string | undefined; password: boolean } | null;
  /** sshpass is there (looked for only when a password goes over ssh). */
  sshpass?: boolean | undefined;
}

const CHANGED = '<<CHANGED>>';

// user@host:path, the host in brackets when it is an IPv6 address (the action plugin's format)
function remotePath(r: SyncRemote, user: string | undefined, path: string): string {
  if (path.startsWith('rsync://')) return path;
  const prefix = user ? `${user}@` : '';
  return r.host.includes(':') ? `[${prefix}${r.host}]:${path}` : `${prefix}${r.host}:${path}`;
}

// the two ends as rsync gets them, and the rsync_path the far side runs (sudo for become)
function ends(o: SyncOptions, sides: SyncSides): { src: string; dest: string; rsyncPath: string | undefined } {
  const src = o.src ?? '';
  const dest = o.dest ?? '';
  let rsyncPath = o.rsync_path;
  const r = sides.remote;
  // (with both ends where rsync runs, pull and push copy alike and there is no remote user)
  const pull = o.mode === 'pull';
  const user = o.set_remote_user === false ? undefined : r?.user;
  if (!r) return { src: sides.localPath(src), dest: sides.localPath(dest), rsyncPath };
  // become does not apply where rsync runs: rsync on the far side runs through sudo instead (other methods get nothing, as in Ansible)
  if (sides.become && !rsyncPath && sides.become.method === 'sudo') rsyncPath = sides.become.user ? `sudo -u ${sides.become.user} rsync` : 'sudo rsync';
  return pull ? { src: remotePath(r, user, src), dest: sides.localPath(dest), rsyncPath } : { src: sides.localPath(src), dest: remotePath(r, user, dest), rsyncPath };
}

// rsync goes over ssh: one end is on the host (host:path), none is an rsync daemon's, and rsync_opts set no --rsh
const overSsh = (src: string, dest: string, opts: string[]): boolean => !src.startsWith('rsync://') && !dest.startsWith('rsync://') && (src.includes(':') || dest.includes(':')) && !opts.some((x) => x.includes('--rsh'));

const optsOf = (o: SyncOptions): string[] => (o.rsync_opts ?? []).map(String);

// ~ and ~user at the start of a path expanded where rsync runs (os.path.expanduser there, as the module does)
async function expandHome(runner: HostIO, path: string): Promise<string> {
  const m = /^~([A-Za-z0-9._-]*)(?=\/|$)/.exec(path);
  if (!m || path.includes('@')) return path;
  const r = await runner.run(`printf %s ~${m[1]}`);
  return r.rc === 0 && r.stdout.startsWith('/') ? r.stdout + path.slice(m[0].length) : path;
}

async function syncFacts(o: SyncOptions, _host: HostIO, local: Controller): Promise<SyncFacts> {
  const sides = local.sync;
  if (!sides) throw new ActionError('synchronize needs to know where rsync runs; this task was given no connection details');
  const e = ends(o, sides);
  const rsh = overSsh(e.src, e.dest, optsOf(o));
  // rsync (unless given as a path) and, when rsync needs it, ssh: found where rsync runs, as get_bin_path finds them
  const wanted = [...(sides.rsync.includes('/') ? [] : [sides.rsync]), ...(rsh ? ['ssh'] : [])];
  const got = wanted.length ? await findExecutables(sides.runner, wanted) : { paths: [] };
  const found = 'missing' in got ? got : { rsync: sides.rsync.includes('/') ? sides.rsync : (got.paths[0] as string), ...(rsh ? { ssh: got.paths[got.paths.length - 1] as string } : {}) };
  const r = sides.remote;
  const password = r?.password !== undefined;
  const sshpass = password && rsh ? !('missing' in (await findExecutables(sides.runner, ['sshpass']))) : undefined;
  const linkDest: string[] = [];
  for (const x of o.link_dest ?? []) linkDest.push(await expandHome(sides.runner, String(x)));
  return {
    src: await expandHome(sides.runner, e.src),
    dest: await expandHome(sides.runner, e.dest),
    ...(e.rsyncPath === undefined ? {} : { rsyncPath: e.rsyncPath }),
    linkDest,
    found,
    remote: r ? { ...(r.privateKey === undefined ? {} : { privateKey: r.privateKey }), ...(r.port === undefined ? {} : { port: r.port }), ...(r.sshArgs === undefined ? {} : { sshArgs: r.sshArgs }), password } : null,
    ...(sshpass === undefined ? {} : { sshpass }),
  };
}

// rsync's options for the archive switches: -a with its parts turned off, or the parts asked for alone
function archiveFlags(o: SyncOptions): string[] {
  const parts = Object.entries({ recursive: o.recursive, links: o.links, perms: o.perms, times: o.times, owner: o.owner, group: o.group });
  if (o.archive !== false) return ['--archive', ...parts.filter(([, v]) => v === false).map(([p]) => `--no-${p}`)];
  return parts.filter(([, v]) => v === true).map(([p]) => `--${p}`);
}

// Python's os.path.dirname: everything before the last slash ("a/b/" gives "a/b", where node's gives "a")
function pyDirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

// the --rsh value: ssh with the host's key, port and settings
function rshOption(o: SyncOptions, ssh: string, remote: SyncFacts['remote']): string {
  const words = [ssh];
  if (o.ssh_connection_multiplexing !== true) words.push('-S', 'none');
  const key = o.private_key ?? remote?.privateKey;
  if (key !== undefined) words.push('-i', key);
  const port = o.dest_port ?? remote?.port;
  if (port !== undefined) words.push('-o', `Port=${String(port)}`);
  if (o.verify_host !== true) words.push('-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null');
  let line = words.map(q).join(' ');
  const sshArgs = o.ssh_args ?? (o.use_ssh_args === true ? remote?.sshArgs : undefined);
  if (sshArgs) line += ` ${sshArgs}`;
  return `--rsh=${q(line)}`;
}

function syncPlan(o: SyncOptions, f: SyncFacts, mode: { check: boolean }): Plan {
  const { src, dest } = f;
  if (src.startsWith('rsync://') && dest.startsWith('rsync://')) return failPlan('either src or dest must be a localhost', { rc: 1 });
  if ('missing' in f.found) return failPlan(f.found.missing);
  const opts = optsOf(o);
  const rsh = overSsh(src, dest, opts);
  const cmd: string[] = [f.found.rsync];
  if (o.delay_updates !== false) cmd.push('--delay-updates', '-F');
  if (o.compress !== false) cmd.push('--compress');
  if (o.rsync_timeout) cmd.push(`--timeout=${String(o.rsync_timeout)}`);
  if (mode.check) cmd.push('--dry-run');
  if (o.delete === true) cmd.push('--delete-after');
  if (o.existing_only === true) cmd.push('--existing');
  if (o.checksum === true) cmd.push('--checksum');
  if (o.copy_links === true) cmd.push('--copy-links');
  cmd.push(...archiveFlags(o));
  if (o.dirs === true) cmd.push('--dirs');
  if (rsh) cmd.push(rshOption(o, f.found.ssh ?? 'ssh', f.remote));
  if (f.rsyncPath) cmd.push(`--rsync-path=${q(f.rsyncPath)}`);
  const warnings = opts.includes('')
    ? ['The empty string is present in rsync_opts which will cause rsync to transfer the current working directory. If this is intended, use "." instead to get rid of this warning. If this is unintended, check for problems in your playbook leading to empty string in rsync_opts.']
    : [];
  cmd.push(...opts);
  if (o.partial === true) cmd.push('--partial');
  if (f.linkDest.length) {
    cmd.push('-H', '-vv');
    for (const x of f.linkDest) {
      const linkPath = posix.resolve(x);
      const destDir = posix.resolve(pyDirname(dest));
      if (destDir.startsWith(linkPath)) return { ...failPlan(`Hardlinking into a subdirectory of the source would cause recursion. ${destDir} and ${dest}`), warnings };
      cmd.push(`--link-dest=${linkPath}`);
    }
  }
  cmd.push(`--out-format=${q(`${CHANGED}%i %n%L`)}`, q(src), q(dest));
  const cmdstr = cmd.join(' ');
  // the module runs this line as AnsibleModule.run_command runs a string: split as shlex splits it, no shell
  let line = shlexSplit(cmdstr, false).map(q).join(' ');
  const password = f.remote?.password === true && rsh;
  if (password) {
    if (f.sshpass !== true) return { ...failPlan('to use rsync connection with passwords, you must install the sshpass program'), warnings };
    // the password goes to sshpass on its standard input, never on a command line
    line = `sshpass -d0 ${line}`;
  }
  return { steps: [{ kind: 'rsync', line, cmd: cmdstr, password, linkDest: f.linkDest.length > 0, marker: CHANGED }], result: { changed: false }, warnings };
}

/** The synchronize module. */
export const synchronizeModule = declareModule({ spec: { options: OPTIONS }, controllerAction: true, facts: syncFacts, plan: syncPlan });
