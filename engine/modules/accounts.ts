// What the user and group modules read and how they act: the account database as getent sees it
// (passwd, shadow, every group) in one round trip, and the planned commands run one by one unless in
// check mode. Commands are argument lists; a secret goes on standard input, never on a command line.
import { shellQuote as q } from '../util/shell.js';
import type { HostIO, ModuleContext } from './types.js';

/** A group of the account database. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** A user's passwd and shadow entries (shadow fields as getent prints them). */
export interface UserEntry {
  name: string;
  password: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
  shadow: string[] | undefined;
}

/** The account database as the modules compare against it. */
export interface Accounts {
  user: UserEntry | undefined;
  groups: GroupEntry[];
}

const SEP = '--kplay-accounts--';

/** Reads `name`'s passwd and shadow entries and every group, in one command. */
export async function readAccounts(host: HostIO, name: string): Promise<Accounts> {
  const r = await host.run(`getent passwd ${q(name)}; echo ${SEP}; getent shadow ${q(name)}; echo ${SEP}; getent group`);
  const [passwd = '', shadow = '', group = ''] = r.stdout.split(`${SEP}\n`);
  const p = passwd.trim().split(':');
  const user =
    p.length >= 7
      ? { name: p[0] as string, password: p[1] as string, uid: Number(p[2]), gid: Number(p[3]), comment: p[4] as string, home: p[5] as string, shell: p[6] as string, shadow: shadow.trim() ? shadow.trim().split(':') : undefined }
      : undefined;
  const groups = group
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 4)
    .map((f) => ({ name: f[0] as string, gid: Number(f[2]), members: (f[3] as string).split(',').filter(Boolean) }));
  return { user, groups };
}

/** The group named `nameOrGid` (a gid first when it is a number, as Ansible looks it up). */
export function findGroup(groups: GroupEntry[], nameOrGid: string): GroupEntry | undefined {
  return (/^\d+$/.test(nameOrGid) ? groups.find((g) => g.gid === Number(nameOrGid)) : undefined) ?? groups.find((g) => g.name === nameOrGid);
}

/** One planned command: its words, and what it reads on standard input. */
export interface Step {
  argv: string[];
  stdin?: string;
}

/** The outcome of applying a plan. */
export type Applied = { ok: true; stdout: string; stderr: string } | { ok: false; rc: number; stderr: string };

/** Runs the steps in order (none in check mode); stops at the first that fails. */
export async function applySteps(ctx: ModuleContext, steps: Step[]): Promise<Applied> {
  let stdout = '';
  let stderr = '';
  if (ctx.check) return { ok: true, stdout, stderr };
  for (const s of steps) {
    const r = await ctx.host.run(s.argv.map(q).join(' '), s.stdin === undefined ? {} : { stdin: s.stdin });
    stdout += r.stdout;
    stderr += r.stderr;
    if (r.rc !== 0) return { ok: false, rc: r.rc, stderr: r.stderr.trim() || r.stdout.trim() };
  }
  return { ok: true, stdout, stderr };
}
