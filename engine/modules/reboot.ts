// reboot, declared, as Ansible's reboot action: the facts are the platform (its shutdown command,
// arguments, boot time and test commands, from Ansible's tables), the boot id before and where the
// shutdown command is in search_paths; the plan builds the command line (pre_reboot_delay in minutes or
// seconds, msg) and asks the executor for one reboot step (connection-steps.ts: issue, wait for a new
// boot id, then for test_command). Refused on a local connection, as Ansible's (it would reboot the
// controller); in check mode it reports the reboot without doing it, as Ansible's does. Commands run with
// the task's become, as Ansible's run theirs sudoable.
import { shellQuote as q } from '../util/shell.js';
import { declareModule, failPlan, type Controller, type Options, type Plan } from './declare.js';
import { ActionError, type HostIO, type RunResult } from './types.js';

const OPTIONS = {
  pre_reboot_delay: { type: 'int' },
  post_reboot_delay: { type: 'int' },
  reboot_timeout: { type: 'int' },
  connect_timeout: { type: 'int' },
  test_command: { type: 'str' },
  msg: { type: 'str' },
  search_paths: { type: 'list' },
  boot_time_command: { type: 'str' },
  reboot_command: { type: 'str' },
} as const;

type RebootOptions = Options<typeof OPTIONS>;

/** The platform's shutdown command, its arguments, boot time and test commands (Ansible's tables). */
export interface Platform {
  shutdown: string;
  args: string;
  bootTime: string;
  test: string;
}

/** What reboot reads: nothing on a local connection or in check mode; else the platform, the boot id command's answer (or why the host did not answer it) and the shutdown command's path. */
export type RebootFacts = { local: true } | { check: true } | { bootError: string } | { platform: Platform; boot: { rc: number; stdout: string; stderr: string }; shutdown: string };

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

/** The Python repr of a list of strings, as Ansible's messages print search_paths. */
const pyList = (xs: string[]): string => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

// the program reboot_command (or the platform's shutdown) starts with
const programOf = (o: RebootOptions, p: Platform): string => (o.reboot_command === undefined ? p.shutdown : (o.reboot_command.split(' ')[0] as string));

async function rebootFacts(o: RebootOptions, host: HostIO, local: Controller, mode: { check: boolean }): Promise<RebootFacts> {
  if (local.local) return { local: true };
  if (mode.check) return { check: true };
  const r = await host.run(`uname -s; . /etc/os-release 2>/dev/null && echo "$ID"`);
  const [kernel = '', id = ''] = r.stdout.split('\n');
  const platform = { ...LINUX, ...PLATFORMS[KERNELS[kernel] ?? id.toLowerCase()] };
  let boot: RunResult;
  try {
    boot = await host.run(o.boot_time_command ?? platform.bootTime);
  } catch (e) {
    // a connection lost here fails the task, as Ansible's action turns any error reading the boot time into a failure
    return { bootError: (e as Error).message };
  }
  const bin = programOf(o, platform);
  const paths = (o.search_paths ?? DEFAULT_SEARCH).map(String);
  if (bin.startsWith('/') || boot.rc !== 0) return { platform, boot: { rc: boot.rc, stdout: boot.stdout, stderr: boot.stderr }, shutdown: bin };
  const found = await host.run(`for d in ${paths.map(q).join(' ')}; do [ -e "$d/"${q(bin)} ] || [ -L "$d/"${q(bin)} ] || continue; printf '%s\\n' "\${d%/}/"${q(bin)}; exit 0; done; exit 1`);
  // what Ansible's action raises: the task fails with the message alone, no `changed`
  if (found.rc !== 0) throw new ActionError(`Unable to find command "${bin}" in search paths: ${pyList(paths)}`);
  return { platform, boot: { rc: boot.rc, stdout: boot.stdout, stderr: boot.stderr }, shutdown: found.stdout.trim() };
}

function rebootPlan(o: RebootOptions, f: RebootFacts): Plan {
  if ('local' in f) return { steps: [], result: { changed: false, elapsed: 0, rebooted: false, failed: true, msg: 'Running reboot with local connection would reboot the control node.' } };
  if ('check' in f) return { steps: [], result: { changed: true, elapsed: 0, rebooted: true } };
  if ('bootError' in f) return failPlan(f.bootError, { reboot: false });
  const { platform: p, boot } = f;
  if (boot.rc !== 0) return failPlan(`reboot: failed to get host boot time info, rc: ${boot.rc}, stdout: ${boot.stdout}, stderr: ${boot.stderr}`, { reboot: false });
  const preDelay = Math.max(0, o.pre_reboot_delay ?? 0);
  const command = o.reboot_command;
  const args =
    command !== undefined
      ? command.includes(' ') ? command.slice(command.indexOf(' ') + 1) : ''
      : p.args.replace('{delay_min}', String(Math.floor(preDelay / 60))).replace('{delay_sec}', String(preDelay)).replace('{message}', o.msg ?? 'Reboot initiated by Ansible');
  const connectTimeout = o.connect_timeout === undefined || o.connect_timeout === 0 ? undefined : o.connect_timeout;
  const step = {
    kind: 'reboot' as const,
    command: `${f.shutdown} ${args}`,
    bootCommand: o.boot_time_command ?? p.bootTime,
    bootId: boot.stdout.trim(),
    testCommand: o.test_command ?? p.test,
    timeout: o.reboot_timeout ?? 600,
    postDelay: Math.max(0, o.post_reboot_delay ?? 0),
    ...(connectTimeout === undefined ? {} : { connectTimeout }),
  };
  return { steps: [step], result: { changed: true, rebooted: true } };
}

/** The reboot module. */
export const rebootModule = declareModule({ spec: { options: OPTIONS }, facts: rebootFacts, plan: rebootPlan });
