// The lab's shutdown/reboot (lab hosts share the machine's kernel, so nothing may reach the real
// ones): `shutdown -r [TIME] [MSG]` and `reboot` answer at once, as systemd's do, then in the
// background "reboot" this host: every process of the host is killed (its sshd and sessions too, as
// a real reboot drops SSH), /run is emptied (a tmpfs), the boot id (/proc/sys/kernel/random/boot_id,
// a file of the host's own) changes, and after a moment sshd starts again. Services do not start
// again by themselves. Power off and halt are refused: nothing could power the host on.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';

const [name = '', ...args] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// when: `shutdown -r now|0|+0` at once, `+N` after N minutes, `hh:mm` is not simulated
function delaySeconds(words) {
  const t = words.find((w) => !w.startsWith('-'));
  if (t === undefined) return 60; // systemd's default: a minute from now
  if (t === 'now' || /^\+?0$/.test(t)) return 0;
  const m = /^\+?(\d+)$/.exec(t);
  if (!m) {
    process.stderr.write(`lab shutdown: only now and +MINUTES are simulated, not ${t}\n`);
    process.exit(1);
  }
  return Number(m[1]) * 60;
}

// the processes of this host: those in its network or mount namespace, but this one
function hostProcesses() {
  const mine = (ns) => readlinkSync(`/proc/self/ns/${ns}`);
  const [net, mnt] = [mine('net'), mine('mnt')];
  const out = [];
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    if (Number(p) === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${p}/ns/net`) === net || readlinkSync(`/proc/${p}/ns/mnt`) === mnt) out.push(Number(p));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

async function rebootHost(delayS) {
  await sleep(1000 + delayS * 1000);
  for (let round = 0; round < 3; round++) {
    for (const p of hostProcesses()) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sleep(200);
  }
  for (const e of readdirSync('/run')) rmSync(`/run/${e}`, { recursive: true, force: true });
  writeFileSync('/proc/sys/kernel/random/boot_id', `${randomUUID()}\n`);
  await sleep(2000);
  mkdirSync('/run/sshd', { mode: 0o755, recursive: true });
  const log = openSync('/var/log/lab-sshd.log', 'a');
  spawn('/usr/sbin/sshd', ['-D', '-e', '-f', '/etc/ssh/sshd_config'], { detached: true, stdio: ['ignore', log, log] }).unref();
  closeSync(log);
}

// killing "this host's processes" anywhere but in a lab host would kill the machine's
if (!existsSync('/etc/kplay-lab-host')) {
  process.stderr.write('lab power: not a kplay lab host (no /etc/kplay-lab-host): refusing\n');
  process.exit(1);
}
const reboot = name === 'reboot' || (name === 'shutdown' && args.some((a) => /^-[a-zA-Z]*r/.test(a) || a === '--reboot'));
if (process.env.LAB_POWER_CHILD) {
  await rebootHost(Number(process.env.LAB_POWER_CHILD));
} else if (!reboot) {
  process.stderr.write(`lab ${name}: only reboots are simulated (a lab host cannot be powered on again)\n`);
  process.exit(1);
} else {
  const delayS = name === 'reboot' ? 0 : delaySeconds(args.filter((a) => !a.startsWith('-')));
  // the reboot happens after this command answered, in a process of its own
  spawn(process.execPath, [process.argv[1] ?? '', name], { detached: true, stdio: 'ignore', env: { ...process.env, LAB_POWER_CHILD: String(delayS) } }).unref();
  if (name === 'shutdown' && delayS > 0) process.stdout.write(`Reboot scheduled for ${new Date(Date.now() + delayS * 1000).toUTCString()}, use 'shutdown -c' to cancel.\n`);
}
