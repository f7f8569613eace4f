// reboot and wait_for_connection, run whole against a scripted connection: each row gives the options,
// what the host's commands answer (the platform, the boot id before, where shutdown is: the facts), what
// the connection answers after (unreachable spells, boot ids in turn), and the result and commands
// expected. Their plans alone are fixture rows (test/fixtures/modules/reboot/). The lab
// test (test/transport/ssh-lab.test.ts) runs both on real sshd hosts next to Ansible's.
import { describe, expect, it } from 'vitest';
import { rebootModule } from '../../engine/modules/reboot.js';
import type { Attempt, HostConnection, ModuleResult, RunResult } from '../../engine/modules/types.js';
import { waitForConnectionModule } from '../../engine/modules/wait-for-connection.js';
import { moduleContext } from '../support/module-context.js';

const reboot = rebootModule.run;
const waitForConnection = waitForConnectionModule.run;
const ok = (stdout: string, rc = 0): RunResult => ({ rc, stdout, stderr: rc ? 'nope' : '', stdoutBytes: Buffer.from(stdout) });
const DOWN: Attempt = { unreachable: 'Failed to connect to the host via ssh: connect ECONNREFUSED' };

/** A host whose attempts answer from `script` in turn (the last answer repeats) and whose plain commands answer from `run` (the first key the command holds; `os` is os-release's ID). */
function scripted(script: Attempt[], run: Record<string, string> = {}, local = false) {
  const attempts: string[] = [];
  const commands: string[] = [];
  let resets = 0;
  let i = 0;
  const conn: HostConnection = {
    local,
    reset: async () => {
      resets++;
    },
    attempt: async (command) => {
      attempts.push(command);
      return script[Math.min(i++, script.length - 1)] as Attempt;
    },
  };
  const ctx = moduleContext({});
  ctx.connection = conn;
  ctx.host = {
    ...ctx.host,
    run: async (command) => {
      commands.push(command);
      const hit = Object.entries(run).find(([k]) => command.includes(k));
      if (command.startsWith('uname')) return ok(`Linux\n${run.os ?? 'debian'}\n`);
      return hit ? ok(hit[1]) : ok('', 1);
    },
  };
  return { ctx, attempts, commands, resets: () => resets };
}

interface Row {
  name: string;
  args: Record<string, unknown>;
  check?: boolean;
  local?: boolean;
  script: Attempt[];
  run?: Record<string, string>;
  result: Partial<ModuleResult>;
  /** The commands tried over the connection, in order (a prefix when the loop repeats). */
  attempts?: string[];
}

const BOOT = 'cat /proc/sys/kernel/random/boot_id';
const FOUND = { 'for d in': '/sbin/shutdown\n', [BOOT]: 'A\n' };

const ROWS: Row[] = [
  { name: 'refuses a local connection', args: {}, local: true, script: [], result: { changed: false, elapsed: 0, rebooted: false, failed: true, msg: 'Running reboot with local connection would reboot the control node.' }, attempts: [] },
  { name: 'check mode reboots nothing', args: {}, check: true, script: [], result: { changed: true, elapsed: 0, rebooted: true }, attempts: [] },
  { name: 'a boot id that cannot be read fails before the reboot', args: {}, script: [], result: { changed: false, failed: true, reboot: false, msg: 'reboot: failed to get host boot time info, rc: 1, stdout: , stderr: nope' }, attempts: [] },
  {
    name: 'reboots: the connection drops, the old boot id, then a new one and the test command',
    args: {},
    script: [DOWN, ok('A\n'), ok('B\n'), ok('root\n')],
    run: FOUND,
    result: { changed: true, rebooted: true, elapsed: expect.any(Number) },
    attempts: ['/sbin/shutdown -r 0 "Reboot initiated by Ansible"', BOOT, BOOT, 'whoami'],
  },
  {
    name: 'pre_reboot_delay in whole minutes, msg and test_command',
    args: { pre_reboot_delay: 130, msg: 'kernel update', test_command: 'uptime' },
    script: [ok(''), ok('\n'), ok('B\n'), ok('up\n')],
    run: FOUND,
    result: { changed: true, rebooted: true, elapsed: expect.any(Number) },
    attempts: ['/sbin/shutdown -r 2 "kernel update"', BOOT, BOOT, 'uptime'],
  },
  {
    name: "Alpine's reboot takes no arguments",
    args: {},
    script: [ok(''), ok('B\n'), ok('root\n')],
    run: { os: 'alpine', 'for d in': '/sbin/reboot\n', [BOOT]: 'A\n' },
    result: { changed: true, rebooted: true, elapsed: expect.any(Number) },
    attempts: ['/sbin/reboot ', BOOT, 'whoami'],
  },
  {
    name: 'reboot_command: its first word is looked up, the rest are its arguments; boot_time_command',
    args: { reboot_command: 'systemctl reboot --force', boot_time_command: 'uptime -s' },
    script: [ok(''), ok('t2\n'), ok('root\n')],
    run: { 'for d in': '/usr/bin/systemctl\n', 'uptime -s': 't1\n' },
    result: { changed: true, rebooted: true, elapsed: expect.any(Number) },
    attempts: ['/usr/bin/systemctl reboot --force', 'uptime -s', 'whoami'],
  },
  {
    name: 'a failing reboot command',
    args: { reboot_command: '/bin/false' },
    script: [ok('', 1)],
    run: FOUND,
    result: { changed: false, failed: true, rebooted: false, msg: "Reboot command failed. Error was: ', nope'" },
    attempts: ['/bin/false '],
  },
  {
    name: 'a boot id that never changes times out',
    args: { reboot_timeout: 1 },
    script: [ok('A\n')],
    run: FOUND,
    result: { changed: false, failed: true, rebooted: true, elapsed: expect.any(Number), msg: 'Timed out waiting for last boot time check (timeout=1)' },
  },
];

describe('reboot', () => {
  it.each(ROWS)('$name', async (row) => {
    const h = scripted(row.script, row.run, row.local);
    h.ctx.args = row.args;
    h.ctx.check = row.check ?? false;
    const r = await reboot(h.ctx);
    expect(r).toMatchObject(row.result);
    if (row.attempts) expect(h.attempts).toEqual(row.attempts);
  }, 20_000);

  it('search_paths that hold no shutdown: the error Ansible raises (no changed key)', async () => {
    const h = scripted([], { [BOOT]: 'A\n' });
    h.ctx.args = { search_paths: ['/nonexistent', '/opt'] };
    await expect(reboot(h.ctx)).rejects.toThrow(`Unable to find command "shutdown" in search paths: ['/nonexistent', '/opt']`);
  });

  it('a host that does not answer the boot id command: failed (reboot: false) with the error, not unreachable, as Ansible\'s action', async () => {
    const h = scripted([]);
    const run = h.ctx.host.run;
    h.ctx.host = { ...h.ctx.host, run: async (command, opts) => (command === BOOT ? Promise.reject(new Error('Failed to connect to the host via ssh: Connection refused')) : run(command, opts)) };
    expect(await reboot(h.ctx)).toEqual({ changed: false, failed: true, reboot: false, msg: 'Failed to connect to the host via ssh: Connection refused' });
    expect(h.attempts).toEqual([]);
  });

  it('connect_timeout: every boot id check reconnects with it, and the connection is reset after', async () => {
    const h = scripted([ok(''), ok('A\n'), ok('B\n'), ok('root\n')], FOUND);
    h.ctx.args = { connect_timeout: 3 };
    expect(await reboot(h.ctx)).toMatchObject({ changed: true, rebooted: true });
    expect(h.resets()).toBe(3);
  }, 20_000);
});

describe('wait_for_connection', () => {
  it('resets the connection and tries until the host answers', async () => {
    const h = scripted([DOWN, DOWN, ok('pong\n')]);
    h.ctx.args = { sleep: 0 };
    expect(await waitForConnection(h.ctx)).toEqual({ changed: false, elapsed: 0 });
    expect(h.resets()).toBe(3);
  });

  it('fails after timeout with the last error', async () => {
    const h = scripted([DOWN]);
    h.ctx.args = { timeout: 1, sleep: 0 };
    expect(await waitForConnection(h.ctx)).toMatchObject({ changed: false, failed: true, elapsed: 1, msg: `timed out waiting for ping module test: ${(DOWN as { unreachable: string }).unreachable}` });
  });

  it('skips in check mode', async () => {
    const h = scripted([]);
    h.ctx.check = true;
    expect(await waitForConnection(h.ctx)).toEqual({ changed: false, skipped: true });
    expect(h.attempts).toEqual([]);
  });
});
