// reboot: reboots the host and waits until it is back, as Ansible's reboot action does: the boot id
// read first, the shutdown command found in search_paths and run (a connection that drops while it
// runs is expected), then the boot id read again (reconnecting, with connect_timeout when given,
// backing off up to 12 s) until it changed, then test_command until it succeeds, each within
// reboot_timeout. Commands run with the task's become, as Ansible's run theirs sudoable.
import { shellQuote as q } from '../util/shell.js';
import { ActionError, type Attempt, type HostConnection, type Module, type ModuleContext, type RunResult } from './types.js';

/** The platform's shutdown command, its arguments, boot time and test commands (Ansible's tables). */
interface Platform {
  shutdown: string;
  args: string;
  bootTime: string;
  test: string;
}

const LINUX: Platform = { shutdown: 'shutdown', args: '-r {delay_min} "{message}"', bootTime: 'cat /proc/sys/kernel/random/boot_id', test: 'whoami' };

// keyed by Ansible's distribution name (lowercased), then its family; Linux hosts are told apart by os-release
const PLATFORMS: Record<string, Partial<Platform>> = {
  alpine: { shutdown: 'reboot', args: '' },
  void: { args: '-r +{delay_min} "{message}"' },
  freebsd: { args: '-r +{delay_sec}s "{message}"', bootTime: '/sbin/sysctl kern.boottime' },
  openbsd: { args: '-r +{delay_min} "{message}"', bootTime: '/sbin/sysctl kern.boottime' },
  macosx: { args: '-r +{delay_min} "{message}"', bootTime: 'who -b' },
  solaris: { args: '-y -g {delay_sec} -i 6 "{message}"', bootTime: 'who -b', test: 'who' },
};
const KERNELS: Record<string, string> = { FreeBSD: 'freebsd', OpenBSD: 'openbsd', Darwin: 'macosx', SunOS: 'solaris' };
const DEFAULT_SEARCH = ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The Python repr of a list of strings, as Ansible's messages print search_paths. */
const pyList = (xs: string[]): string => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

async function platformOf(ctx: ModuleContext): Promise<Platform> {
  const r = await ctx.host.run(`uname -s; . /etc/os-release 2>/dev/null && echo "$ID"`);
  const [kernel = '', id = ''] = r.stdout.split('\n');
  return { ...LINUX, ...PLATFORMS[KERNELS[kernel] ?? id.toLowerCase()] };
}

// The boot id (or time); a failure to run it is an error, as Ansible raises one.
function bootTime(r: Attempt): string | Error {
  if ('unreachable' in r) return new Error(r.unreachable);
  if (r.rc !== 0) return new Error(`reboot: failed to get host boot time info, rc: ${r.rc}, stdout: ${r.stdout}, stderr: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Runs `step` until it returns true or `timeoutS` passes: an unreachable host resets the connection,
 * every failure waits 2^n s (at most 12) plus up to a second, as Ansible's loop does.
 */
async function untilSuccess(conn: HostConnection, timeoutS: number, step: () => Promise<Attempt | 'retry' | 'done'>): Promise<boolean> {
  const end = Date.now() + timeoutS * 1000;
  for (let failures = 0; Date.now() < end; failures++) {
    const r = await step();
    if (r === 'done') return true;
    if (r !== 'retry' && 'unreachable' in r) await conn.reset();
    const jitter = Math.random();
    await sleep(Math.min(2 ** failures + jitter, 12 + jitter) * 1000);
  }
  return false;
}

/** The reboot module. */
export const reboot: Module = async (ctx) => {
  const a = ctx.args;
  const conn = ctx.connection;
  if (!conn || conn.local) return { changed: false, elapsed: 0, rebooted: false, failed: true, msg: 'Running reboot with local connection would reboot the control node.' };
  if (ctx.check) return { changed: true, elapsed: 0, rebooted: true };
  const nonNegative = (v: unknown): number => Math.max(0, Number(v ?? 0));
  const timeoutS = Number(a.reboot_timeout ?? 600);
  const connectTimeout = a.connect_timeout === undefined || Number(a.connect_timeout) === 0 ? undefined : Number(a.connect_timeout);
  // one command's answer: a connected host answers at once, the connect itself is bounded by its timeout
  const attemptMs = ((connectTimeout ?? 10) + 30) * 1000;
  const p = await platformOf(ctx);
  const bootCommand = a.boot_time_command ? String(a.boot_time_command) : p.bootTime;
  const before = bootTime(await conn.attempt(bootCommand, attemptMs));
  if (before instanceof Error) return { changed: false, failed: true, reboot: false, msg: before.message };

  const command = a.reboot_command === undefined ? undefined : String(a.reboot_command);
  const bin = command === undefined ? p.shutdown : (command.split(' ')[0] as string);
  const paths = a.search_paths === undefined ? DEFAULT_SEARCH : (a.search_paths as unknown[]).map(String);
  let path = bin;
  if (!bin.startsWith('/')) {
    const found = await ctx.host.run(`for d in ${paths.map(q).join(' ')}; do [ -e "$d/"${q(bin)} ] || [ -L "$d/"${q(bin)} ] || continue; printf '%s\\n' "\${d%/}/"${q(bin)}; exit 0; done; exit 1`);
    if (found.rc !== 0) throw new ActionError(`Unable to find command "${bin}" in search paths: ${pyList(paths)}`);
    path = found.stdout.trim();
  }
  const preDelay = nonNegative(a.pre_reboot_delay);
  const args =
    command !== undefined
      ? command.includes(' ') ? command.slice(command.indexOf(' ') + 1) : ''
      : p.args.replace('{delay_min}', String(Math.floor(preDelay / 60))).replace('{delay_sec}', String(preDelay)).replace('{message}', String(a.msg ?? 'Reboot initiated by Ansible'));
  const issued = await conn.attempt(`${path} ${args}`, attemptMs);
  const start = Date.now();
  // Python's utcnow().isoformat(), as Ansible's failed result carries it
  const started = new Date(start).toISOString().replace('Z', '000');
  const elapsed = (): number => Math.floor((Date.now() - start) / 1000);
  // the connection may drop while the command runs: the host is going down, as asked
  if (!('unreachable' in issued) && issued.rc !== 0) return { changed: false, failed: true, rebooted: false, start: started, elapsed: elapsed(), msg: `Reboot command failed. Error was: '${issued.stdout.trim()}, ${issued.stderr.trim()}'` };
  await sleep(nonNegative(a.post_reboot_delay) * 1000);

  const booted = await untilSuccess(conn, timeoutS, async () => {
    if (connectTimeout !== undefined) await conn.reset(connectTimeout * 1000);
    const r = await conn.attempt(bootCommand, attemptMs);
    const now = bootTime(r);
    if (now instanceof Error) return 'unreachable' in r ? r : 'retry';
    return now === '' || now === before ? 'retry' : 'done';
  });
  if (!booted) return { changed: false, failed: true, rebooted: true, elapsed: elapsed(), msg: `Timed out waiting for last boot time check (timeout=${timeoutS})` };
  if (connectTimeout !== undefined) await conn.reset();
  const test = a.test_command === undefined ? p.test : String(a.test_command);
  const tested = await untilSuccess(conn, timeoutS, async () => {
    const r = await conn.attempt(test, attemptMs);
    return 'unreachable' in r ? r : (r as RunResult).rc === 0 ? 'done' : 'retry';
  });
  if (!tested) return { changed: false, failed: true, rebooted: true, elapsed: elapsed(), msg: `Timed out waiting for post-reboot test command (timeout=${timeoutS})` };
  return { changed: true, rebooted: true, elapsed: elapsed() };
};
