// A throwaway copy of this machine's /etc, /home, /var/log and /var/mail, bound over the real ones in a
// private mount and UTS namespace for one command (unshare -m -u, as root), and /usr/sbin under an overlay
// whose changes stay in the sandbox: system modules (user, group, hostname files, apt's policy-rc.d...) run
// for real under kplay and under ansible-playbook without touching the machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BOUND = ['/etc', '/home', '/var/log', '/var/mail'];

// the mount putting an overlay on /usr/sbin whose upper layer (the changes) is under `dir`
const overlay = (dir: string): string => `mount -t overlay overlay -o lowerdir=/usr/sbin,upperdir=${dir}/sbin-upper,workdir=${dir}/sbin-work /usr/sbin`;

/** True when sandboxes can be made here (root with unshare, and overlays in a mount namespace). */
export function canSandbox(): boolean {
  if (process.getuid?.() !== 0) return false;
  const dir = mkdtempSync(join(tmpdir(), 'kplay-sandbox-check-'));
  try {
    mkdirSync(join(dir, 'sbin-upper'));
    mkdirSync(join(dir, 'sbin-work'));
    return spawnSync('unshare', ['-m', '-u', '--propagation', 'private', 'sh', '-c', overlay(dir)]).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One sandbox: its directory (the copies live under it) and a way to run a command inside. */
export interface Sandbox {
  dir: string;
  /** Runs argv with the copies bound over the real directories; returns its exit status and output. */
  run(argv: string[], opts?: { cwd?: string; env?: Record<string, string> }): { status: number; stdout: string; stderr: string };
  /** The path of a sandboxed file as seen from outside (`/etc/passwd` -> its copy). */
  path(p: string): string;
  remove(): void;
}

/** Makes a sandbox: /etc copied as it is, /home, /var/log and /var/mail empty, /usr/sbin as it is (changes kept aside). */
export function makeSandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-sandbox-'));
  for (const b of BOUND) mkdirSync(join(dir, 'root', b), { recursive: true });
  for (const d of ['sbin-upper', 'sbin-work']) mkdirSync(join(dir, d));
  execFileSync('cp', ['-a', '/etc/.', join(dir, 'root/etc')]);
  const binds = [...BOUND.map((b) => `mount --bind ${join(dir, 'root', b)} ${b}`), overlay(dir)].join(' && ');
  return {
    dir,
    run(argv, opts = {}) {
      const r = spawnSync('unshare', ['-m', '-u', '--propagation', 'private', 'sh', '-c', `${binds} && exec "$@"`, 'sh', ...argv], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8' });
      return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    },
    path: (p) => join(dir, 'root', p),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
