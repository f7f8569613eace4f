// What the user and group modules read: the account database as getent sees it (passwd, shadow,
// every group) in one round trip, and a group looked up by name or gid as Ansible looks it up.
import { shellQuote as q } from '../util/shell.js';
import type { HostIO } from './types.js';

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
