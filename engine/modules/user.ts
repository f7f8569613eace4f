// user: a local account present or absent through useradd, usermod, userdel and chage, deciding what
// to change as Ansible's user module does on Linux (uid, primary and supplementary groups with append,
// comment, home with move_home, shell, expiry, password hash with update_password and password_lock,
// password ageing, a missing home directory made from the skeleton). The password hash goes to chpasswd
// on standard input, never on a command line; the result says NOT_LOGGING_PASSWORD as Ansible's does.
import { shellQuote as q } from '../util/shell.js';
import { findGroup, readAccounts, type Accounts, type UserEntry } from './accounts.js';
import { declareModule, existing, failPlan, type Options, type Plan, type RunStep } from './declare.js';
import { onlyValues as only } from './option-kinds.js';
import type { HostIO, ModuleResult } from './types.js';

const DAY = 86400;

/** Ansible's warning for a password that does not look like a crypt(3) hash. */
function looksHashed(password: string): boolean {
  if (['*', '!', '*************'].includes(password)) return true;
  if (/[:*!]/.test(password) || !password.includes('$')) return false;
  const fields = password.split('$');
  const last = fields[fields.length - 1] as string;
  if (fields.length < 3) return true;
  if (/[^a-zA-Z0-9./]/.test(last)) return false;
  const lengths: Record<string, number> = { '1': 22, '5': 43, '6': 86 };
  const want = lengths[fields[1] as string];
  return want === undefined || last.length === want;
}

/** The wanted supplementary groups (undefined: not managed; [] with `groups: ''`). */
function wantedGroups(v: unknown[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const list = v.map(String);
  return [
    ...new Set(
      list
        .join(',')
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    ),
  ];
}

/** The password field as Ansible reads it: passwd's, or shadow's when passwd has only x or nothing. */
const passwordOf = (u: UserEntry): string => (u.password.length <= 1 ? (u.shadow?.[1] ?? '') : u.password);

/** Makes a missing home from the skeleton with login.defs' UMASK, owned by the user (Ansible's create_homedir). */
function homeScript(home: string, skeleton: string, uid: number, gid: number): string {
  return [
    `if [ -d ${q(skeleton)} ]; then mkdir -p "$(dirname ${q(home)})" && cp -a ${q(skeleton)} ${q(home)}; else mkdir -p ${q(home)}; fi`,
    `u=$(sed -n 's/^UMASK[[:space:]]\\{1,\\}\\([0-9]\\{1,\\}\\)$/\\1/p' /etc/login.defs 2>/dev/null | tail -n 1)`,
    `if [ -n "$u" ]; then chmod "$(printf %o $(( 0777 & ~0$u )))" ${q(home)}; fi`,
    `chown -R ${uid}:${gid} ${q(home)}`,
  ].join(' && ');
}

/** The expiry as Ansible compares it: days since the epoch (-1: never). */
function expiryDays(expires: number): number {
  return expires < 0 ? -1 : Math.floor(expires / DAY);
}

function expiryDate(expires: number): string {
  return new Date(expiryDays(expires) * DAY * 1000).toISOString().slice(0, 10);
}

const USER_OPTIONS = {
  name: { type: 'str', required: true, aliases: ['user'] },
  state: { type: 'str', choices: ['absent', 'present'] },
  uid: { type: 'int' },
  non_unique: { type: 'bool' },
  group: { type: 'str' },
  groups: { type: 'list' },
  append: { type: 'bool' },
  comment: { type: 'str' },
  home: { type: 'path' },
  shell: { type: 'str' },
  password: { type: 'str' },
  update_password: { type: 'str', choices: ['always', 'on_create'] },
  password_lock: { type: 'bool' },
  password_expire_max: { type: 'int' },
  password_expire_min: { type: 'int' },
  expires: { type: 'float' },
  create_home: { type: 'bool', aliases: ['createhome'] },
  skeleton: { type: 'str' },
  umask: { type: 'str' },
  move_home: { type: 'bool' },
  system: { type: 'bool' },
  force: { type: 'bool' },
  remove: { type: 'bool' },
  local: only('bool', false),
  generate_ssh_key: only('bool', false),
  ssh_key_bits: only('int'),
  ssh_key_type: only('str'),
  ssh_key_file: only('path'),
  ssh_key_comment: only('str'),
  ssh_key_passphrase: only('str'),
  // BSD, macOS and Solaris options (Ansible ignores them on Linux; kplay says so instead)
  login_class: only('str'),
  hidden: only('bool'),
  seuser: only('str'),
  profile: only('str'),
  authorization: only('str'),
  role: only('str'),
} as const;

type UserOptions = Options<typeof USER_OPTIONS>;

/** What the user module compares: the account database, and which of the homes it may need exist. */
export interface UserFacts {
  accounts: Accounts;
  /** Each home the plan asks about (the wanted one, the current one) and whether it exists. */
  homes: Record<string, boolean>;
}

// an account command; its output is the module's (Ansible's stdout/stderr), its failure stderr with name and rc
const account = (argv: string[], name: string, stdin?: string): RunStep => ({ kind: 'run', command: argv.map(q).join(' '), stdin, failure: '{stderr}', failKeys: { name }, failWith: ['rc'], reportOutput: true });

/** The usermod arguments (and a password step) that bring an existing account to the wanted state. */
function modifySteps(o: UserOptions, acc: Accounts, u: UserEntry, name: string): RunStep[] | string {
  const mod: string[] = [];
  if (o.uid !== undefined && u.uid !== o.uid) mod.push('-u', String(o.uid), ...(o.non_unique === true ? ['-o'] : []));
  if (o.group !== undefined) {
    const g = findGroup(acc.groups, o.group);
    if (!g) return `Group ${o.group} does not exist`;
    if (u.gid !== g.gid) mod.push('-g', String(g.gid));
  }
  const groups = wantedGroups(o.groups);
  if (groups !== undefined) {
    for (const g of groups) if (!findGroup(acc.groups, g)) return `Group ${g} does not exist`;
    const current = acc.groups.filter((g) => g.members.includes(name)).map((g) => g.name);
    const differs = (g: string): boolean => !current.includes(g);
    const extra = current.filter((g) => !groups.includes(g));
    if (o.append === true ? groups.some(differs) : groups.some(differs) || extra.length > 0) mod.push(...(o.append === true ? ['-a'] : []), '-G', groups.join(','));
  }
  if (o.comment !== undefined && u.comment !== o.comment) mod.push('-c', o.comment);
  if (o.home !== undefined && u.home !== o.home) mod.push('-d', o.home, ...(o.move_home === true ? ['-m'] : []));
  if (o.shell !== undefined && u.shell !== o.shell) mod.push('-s', o.shell);
  if (o.expires !== undefined) {
    const current = u.shadow?.[7] ? Number(u.shadow[7]) : -1;
    if (o.expires < 0 ? current >= 0 : current < 0 || current !== expiryDays(o.expires)) mod.push('-e', o.expires < 0 ? '' : expiryDate(o.expires));
  }
  const pw = passwordOf(u);
  const steps: RunStep[] = [];
  if (o.update_password !== 'on_create' && o.password !== undefined && pw.replace(/^!+/, '') !== o.password.replace(/^!+/, '')) {
    steps.push(account(['chpasswd', '-e'], name, `${name}:${o.password_lock === true ? `!${o.password}` : o.password}\n`));
  } else if (o.password_lock === true && !pw.startsWith('!')) mod.push('-L');
  else if (o.password_lock === false && pw.startsWith('!')) mod.push('-U');
  return [...(mod.length ? [account(['usermod', ...mod, name], name)] : []), ...steps];
}

/** The useradd command (and the password step) for a new account. */
function createSteps(o: UserOptions, acc: Accounts, name: string): RunStep[] | string {
  const add: string[] = [];
  if (o.uid !== undefined) add.push('-u', String(o.uid), ...(o.non_unique === true ? ['-o'] : []));
  if (o.group !== undefined) {
    if (!findGroup(acc.groups, o.group)) return `Group ${o.group} does not exist`;
    add.push('-g', o.group);
  } else if (acc.groups.some((g) => g.name === name)) add.push('-N');
  const groups = wantedGroups(o.groups);
  for (const g of groups ?? []) if (!findGroup(acc.groups, g)) return `Group ${g} does not exist`;
  if (groups?.length) add.push('-G', groups.join(','));
  if (o.comment !== undefined) add.push('-c', o.comment);
  const createHome = o.create_home !== false;
  const steps: RunStep[] = [];
  if (o.home !== undefined) {
    // useradd does not make the home's parent directories
    if (createHome) steps.push({ kind: 'run', command: `mkdir -p ${q(o.home.replace(/\/[^/]*\/?$/, '') || '/')}`, failure: '{stderr}', failKeys: { name } });
    add.push('-d', o.home);
  }
  if (o.shell !== undefined) add.push('-s', o.shell);
  if (o.expires !== undefined) add.push('-e', o.expires < 0 ? '' : expiryDate(o.expires));
  if (createHome) add.push('-m', ...(o.skeleton ? ['-k', o.skeleton] : []), ...(o.umask ? ['-K', `UMASK=${o.umask}`] : []));
  else add.push('-M');
  if (o.system === true) add.push('-r');
  steps.push(account(['useradd', ...add, name], name));
  if (o.password !== undefined) steps.push(account(['chpasswd', '-e'], name, `${name}:${o.password_lock === true ? '!' : ''}${o.password}\n`));
  else if (o.password_lock === true) steps.push(account(['usermod', '-L', name], name));
  return steps;
}

/** chage for password_expire_min/max when they differ from shadow's (a new account's are not known: always). */
function ageingStep(o: UserOptions, u: UserEntry | undefined, name: string): RunStep | undefined {
  const field = (i: number): number | undefined => (u?.shadow?.[i] ? Number(u.shadow[i]) : undefined);
  const differs = (v: number | undefined, i: number): v is number => v !== undefined && v !== field(i);
  const min = o.password_expire_min;
  const max = o.password_expire_max;
  const chage = [...(differs(min, 3) ? ['-m', String(min)] : []), ...(differs(max, 4) ? ['-M', String(max)] : [])];
  return chage.length ? { kind: 'run', command: ['chage', ...chage, name].map(q).join(' '), failure: '{stderr}', failKeys: { name }, failWith: ['rc'] } : undefined;
}

/** The home an existing account has once usermod ran, and whether it exists then. */
function homeAfter(o: UserOptions, u: UserEntry, homes: Record<string, boolean>): { home: string; exists: boolean } {
  const home = o.home ?? u.home;
  const moved = home !== u.home && o.move_home === true && homes[u.home] === true;
  return { home, exists: homes[home] === true || moved };
}

/** The user module. */
export const userModule = declareModule({
  spec: { options: USER_OPTIONS },
  async facts(o, host: HostIO): Promise<UserFacts> {
    const name = o.name ?? '';
    const accounts = await readAccounts(host, name);
    const asked = [...new Set([o.home, accounts.user?.home].filter((h): h is string => !!h))];
    const homes: Record<string, boolean> = {};
    if (accounts.user && o.state !== 'absent' && o.create_home !== false && asked.length) {
      const found = await existing(host, asked);
      asked.forEach((h, i) => (homes[h] = found[i] === true));
    }
    return { accounts, homes };
  },
  plan(o, f, { check }): Plan {
    const name = o.name ?? '';
    const state = o.state ?? 'present';
    const warnings: string[] = [];
    if (o.append === true && o.groups === undefined) warnings.push("'append' is set, but no 'groups' are specified. Use 'groups' for appending new groups.This will change to an error in Ansible 2.14.");
    if (o.password && !looksHashed(o.password)) warnings.push("The input password appears not to have been hashed. The 'password' argument must be encrypted for this module to work properly.");
    const u = f.accounts.user;
    const result: ModuleResult = { changed: false, name, state };
    if (state === 'absent') {
      if (!u) return { steps: [], result, warnings };
      if (check) return { steps: [], result: { changed: true }, warnings };
      return { steps: [account(['userdel', ...(o.force === true ? ['-f'] : []), ...(o.remove === true ? ['-r'] : []), name], name)], result: { ...result, changed: true, force: o.force === true, remove: o.remove === true }, warnings };
    }
    // Ansible's check mode returns at once for a new account
    if (!u && check) return { steps: [], result: { changed: true }, warnings };
    const planned = u ? modifySteps(o, f.accounts, u, name) : createSteps(o, f.accounts, name);
    if (typeof planned === 'string') return { ...failPlan(planned), warnings };
    const steps: RunStep[] = [...planned];
    Object.assign(result, u ? { append: o.append === true, move_home: o.move_home === true } : { system: o.system === true, create_home: o.create_home !== false });
    if (o.password !== undefined) result.password = 'NOT_LOGGING_PASSWORD';
    // the account as it is (check mode, or nothing to change); after a change it is read again
    if (u) Object.assign(result, { uid: u.uid, group: u.gid, comment: u.comment, home: u.home, shell: u.shell });
    if (o.groups !== undefined) result.groups = (wantedGroups(o.groups) ?? []).join(',');
    // a home that is missing is made (also for an account that already existed), as Ansible does
    if (u && o.create_home !== false) {
      const { home, exists } = homeAfter(o, u, f.homes);
      const group = o.group === undefined ? u.gid : (findGroup(f.accounts.groups, o.group)?.gid ?? u.gid);
      if (!exists) steps.push({ kind: 'run', command: homeScript(home, o.skeleton ?? '/etc/skel', o.uid ?? u.uid, group), failure: '{stderr}' });
    }
    const ageing = ageingStep(o, u, name);
    if (ageing) steps.push(ageing);
    return { steps, result: { ...result, changed: steps.length > 0 }, warnings };
  },
  // the account as the database now has it (uid, group, comment, home, shell)
  async after(o, _f, host, { check, result }) {
    if (check || result.state !== 'present' || result.changed !== true) return {};
    const now = (await readAccounts(host, o.name ?? '')).user;
    if (!now) return { failed: true, msg: `failed to look up user name: ${o.name ?? ''}` };
    return { uid: now.uid, group: now.gid, comment: now.comment, home: now.home, shell: now.shell };
  },
});
