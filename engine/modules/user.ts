// user: a local account present or absent through useradd, usermod, userdel and chage, deciding what
// to change as Ansible's user module does on Linux (uid, primary and supplementary groups with append,
// comment, home with move_home, shell, expiry, password hash with update_password and password_lock,
// password ageing, a missing home directory made from the skeleton). The password hash goes to chpasswd
// on standard input, never on a command line; the result says NOT_LOGGING_PASSWORD as Ansible's does.
import { shellQuote as q } from '../util/shell.js';
import { applySteps, findGroup, readAccounts, type Accounts, type Step, type UserEntry } from './accounts.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

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
function wantedGroups(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v.map(String) : [String(v)];
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

/** The usermod arguments (and a password step) that bring an existing account to the wanted state. */
function modifySteps(ctx: ModuleContext, acc: Accounts, u: UserEntry, name: string): Step[] | string {
  const a = ctx.args;
  const mod: string[] = [];
  if (a.uid !== undefined && a.uid !== null && u.uid !== Number(a.uid)) mod.push('-u', String(a.uid), ...(a.non_unique === true ? ['-o'] : []));
  if (a.group !== undefined && a.group !== null) {
    const g = findGroup(acc.groups, String(a.group));
    if (!g) return `Group ${String(a.group)} does not exist`;
    if (u.gid !== g.gid) mod.push('-g', String(g.gid));
  }
  const groups = wantedGroups(a.groups);
  if (groups !== undefined) {
    for (const g of groups) if (!findGroup(acc.groups, g)) return `Group ${g} does not exist`;
    const current = acc.groups.filter((g) => g.members.includes(name)).map((g) => g.name);
    const differs = (g: string): boolean => !current.includes(g);
    const extra = current.filter((g) => !groups.includes(g));
    if (a.append === true ? groups.some(differs) : groups.some(differs) || extra.length > 0) mod.push(...(a.append === true ? ['-a'] : []), '-G', groups.join(','));
  }
  if (a.comment !== undefined && a.comment !== null && u.comment !== String(a.comment)) mod.push('-c', String(a.comment));
  if (a.home !== undefined && a.home !== null && u.home !== String(a.home)) mod.push('-d', String(a.home), ...(a.move_home === true ? ['-m'] : []));
  if (a.shell !== undefined && a.shell !== null && u.shell !== String(a.shell)) mod.push('-s', String(a.shell));
  if (a.expires !== undefined && a.expires !== null) {
    const wanted = Number(a.expires);
    const current = u.shadow?.[7] ? Number(u.shadow[7]) : -1;
    if (wanted < 0 ? current >= 0 : current < 0 || current !== expiryDays(wanted)) mod.push('-e', wanted < 0 ? '' : expiryDate(wanted));
  }
  const pw = passwordOf(u);
  const steps: Step[] = [];
  const password = a.password === undefined || a.password === null ? undefined : String(a.password);
  if (a.update_password !== 'on_create' && password !== undefined && pw.replace(/^!+/, '') !== password.replace(/^!+/, '')) {
    steps.push({ argv: ['chpasswd', '-e'], stdin: `${name}:${a.password_lock === true ? `!${password}` : password}\n` });
  } else if (a.password_lock === true && !pw.startsWith('!')) mod.push('-L');
  else if (a.password_lock === false && pw.startsWith('!')) mod.push('-U');
  return [...(mod.length ? [{ argv: ['usermod', ...mod, name] }] : []), ...steps];
}

/** The useradd command (and the password step) for a new account. */
function createSteps(ctx: ModuleContext, acc: Accounts, name: string): Step[] | string {
  const a = ctx.args;
  const add: string[] = [];
  if (a.uid !== undefined && a.uid !== null) add.push('-u', String(a.uid), ...(a.non_unique === true ? ['-o'] : []));
  if (a.group !== undefined && a.group !== null) {
    if (!findGroup(acc.groups, String(a.group))) return `Group ${String(a.group)} does not exist`;
    add.push('-g', String(a.group));
  } else if (acc.groups.some((g) => g.name === name)) add.push('-N');
  const groups = wantedGroups(a.groups);
  for (const g of groups ?? []) if (!findGroup(acc.groups, g)) return `Group ${g} does not exist`;
  if (groups?.length) add.push('-G', groups.join(','));
  if (a.comment !== undefined && a.comment !== null) add.push('-c', String(a.comment));
  const createHome = a.create_home !== false;
  const steps: Step[] = [];
  if (a.home !== undefined && a.home !== null) {
    // useradd does not make the home's parent directories
    if (createHome) steps.push({ argv: ['mkdir', '-p', String(a.home).replace(/\/[^/]*\/?$/, '') || '/'] });
    add.push('-d', String(a.home));
  }
  if (a.shell !== undefined && a.shell !== null) add.push('-s', String(a.shell));
  if (a.expires !== undefined && a.expires !== null) add.push('-e', Number(a.expires) < 0 ? '' : expiryDate(Number(a.expires)));
  if (createHome) add.push('-m', ...(a.skeleton ? ['-k', String(a.skeleton)] : []), ...(a.umask ? ['-K', `UMASK=${String(a.umask)}`] : []));
  else add.push('-M');
  if (a.system === true) add.push('-r');
  steps.push({ argv: ['useradd', ...add, name] });
  if (a.password !== undefined && a.password !== null) steps.push({ argv: ['chpasswd', '-e'], stdin: `${name}:${a.password_lock === true ? '!' : ''}${String(a.password)}\n` });
  else if (a.password_lock === true) steps.push({ argv: ['usermod', '-L', name] });
  return steps;
}

/** chage for password_expire_min/max when they differ from shadow's. */
function ageingStep(ctx: ModuleContext, u: UserEntry | undefined, name: string): Step | undefined {
  const field = (i: number): number | undefined => (u?.shadow?.[i] ? Number(u.shadow[i]) : undefined);
  const differs = (v: unknown, i: number): v is number | string => v !== undefined && v !== null && Number(v) !== field(i);
  const min = ctx.args.password_expire_min;
  const max = ctx.args.password_expire_max;
  const chage = [...(differs(min, 3) ? ['-m', String(min)] : []), ...(differs(max, 4) ? ['-M', String(max)] : [])];
  return chage.length ? { argv: ['chage', ...chage, name] } : undefined;
}

/** The user module. */
export const user: Module = async (ctx) => {
  const a = ctx.args;
  const name = String(a.name);
  const state = String(a.state ?? 'present');
  if (a.append === true && (a.groups === undefined || a.groups === null)) ctx.warn("'append' is set, but no 'groups' are specified. Use 'groups' for appending new groups.This will change to an error in Ansible 2.14.");
  if (a.password && !looksHashed(String(a.password))) ctx.warn("The input password appears not to have been hashed. The 'password' argument must be encrypted for this module to work properly.");
  const acc = await readAccounts(ctx.host, name);
  const result: ModuleResult = { changed: false, name, state };
  if (state === 'absent') {
    if (!acc.user) return result;
    if (ctx.check) return { changed: true };
    const applied = await applySteps(ctx, [{ argv: ['userdel', ...(a.force === true ? ['-f'] : []), ...(a.remove === true ? ['-r'] : []), name] }]);
    if (!applied.ok) return { changed: false, failed: true, name, msg: applied.stderr, rc: applied.rc };
    return { ...result, changed: true, force: a.force === true, remove: a.remove === true, ...(applied.stderr ? { stderr: applied.stderr } : {}) };
  }
  const creating = !acc.user;
  if (creating && ctx.check) return { changed: true };
  const planned = creating ? createSteps(ctx, acc, name) : modifySteps(ctx, acc, acc.user as UserEntry, name);
  if (typeof planned === 'string') return { changed: false, failed: true, msg: planned };
  const applied = await applySteps(ctx, planned);
  if (!applied.ok) return { changed: false, failed: true, name, msg: applied.stderr, rc: applied.rc };
  result.changed = planned.length > 0;
  Object.assign(result, creating ? { system: a.system === true, create_home: a.create_home !== false } : { append: a.append === true, move_home: a.move_home === true });
  if (a.password !== undefined && a.password !== null) result.password = 'NOT_LOGGING_PASSWORD';
  if (applied.stdout) result.stdout = applied.stdout;
  if (applied.stderr) result.stderr = applied.stderr;
  const now = ctx.check ? acc.user : (await readAccounts(ctx.host, name)).user;
  if (!now) return { ...result, failed: true, msg: `failed to look up user name: ${name}` };
  Object.assign(result, { uid: now.uid, group: now.gid, comment: now.comment, home: now.home, shell: now.shell });
  if (a.groups !== undefined && a.groups !== null) result.groups = (wantedGroups(a.groups) ?? []).join(',');
  // a home that is missing is made (also for an account that already existed), as Ansible does
  const home = a.home === undefined || a.home === null ? now.home : String(a.home);
  if (a.create_home !== false && (await ctx.host.run(`test -e ${q(home)}`)).rc !== 0) {
    result.changed = true;
    if (!ctx.check) {
      const r = await ctx.host.run(homeScript(home, a.skeleton ? String(a.skeleton) : '/etc/skel', now.uid, now.gid));
      if (r.rc !== 0) return { ...result, failed: true, msg: r.stderr.trim() };
    }
  }
  const ageing = ageingStep(ctx, now, name);
  if (ageing) {
    const r = await applySteps(ctx, [ageing]);
    if (!r.ok) return { ...result, failed: true, msg: r.stderr, rc: r.rc };
    result.changed = true;
  }
  return result;
};
