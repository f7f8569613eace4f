// sysctl against Ansible's own module (ansible.posix.sysctl): the same tasks under kplay and
// ansible-playbook, each in its own sandboxed /etc, with a stand-in sysctl program first on PATH that
// keeps "live" values in files and logs every call (the machine's kernel is never touched). Compared:
// each task's outcome and failure message, the sysctl file, the live values and the calls made.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const FAKE = `#!/bin/sh
d=/etc/kplay-fake/live
echo "$*" >> /etc/kplay-fake/calls
e=; if [ "$1" = -e ]; then e=1; shift; fi
trim() { printf '%s' "$1" | sed 's/^[[:space:]]*//;s/[[:space:]]*$//'; }
case "$1" in
  -n) if [ -f "$d/$2" ]; then cat "$d/$2"; elif [ -z "$e" ]; then echo "sysctl: cannot stat /proc/sys/$2: No such file or directory" >&2; exit 255; fi;;
  -w) k=\${2%%=*}; v=\${2#*=}
      if [ ! -f "$d/$k" ]; then [ -n "$e" ] && exit 0; echo "sysctl: cannot stat /proc/sys/$k: No such file or directory" >&2; exit 255; fi
      case "$k" in ro.*) echo "sysctl: setting key \\"$k\\": Read-only file system" >&2; exit 0;; esac
      printf '%s\\n' "$v" > "$d/$k"; echo "$k = $v";;
  -p) rc=0
      while IFS= read -r line; do
        line=$(trim "$line"); case "$line" in ''|'#'*|';'*) continue;; esac
        k=$(trim "\${line%%=*}"); v=$(trim "\${line#*=}")
        if [ -f "$d/$k" ]; then printf '%s\\n' "$v" > "$d/$k"; echo "$k = $v"
        elif [ -z "$e" ]; then echo "sysctl: cannot stat /proc/sys/$k: No such file or directory" >&2; rc=255; fi
      done < "$2"; exit $rc;;
esac
`;

const FILE = '/etc/kplay-sysctl.conf';
const env = { PATH: '/etc/kplay-fake:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
const sysctl = (args: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ 'ansible.posix.sysctl': { sysctl_file: FILE, ...args }, environment: env, ...extra });
const copy = (dest: string, content: string, mode = '0644'): Record<string, unknown> => ({ copy: { dest, content, mode } });

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ file: { path: '/etc/kplay-fake/live', state: 'directory' } }, 'changed'],
  [copy('/etc/kplay-fake/sysctl', FAKE, '0755'), 'changed'],
  [copy('/etc/kplay-fake/live/net.ipv4.ip_forward', '0\n'), 'changed'],
  [copy('/etc/kplay-fake/live/vm.swappiness', '60\n'), 'changed'],
  [copy('/etc/kplay-fake/live/ro.key', '1\n'), 'changed'],
  [copy(FILE, '# kernel settings\n  vm.swappiness = 60\n\nnet.ipv4.ip_forward=0\nvm.swappiness=70\n'), 'changed'],
  [sysctl({ name: 'net.ipv4.ip_forward', value: 1 }), 'changed'],
  [sysctl({ name: 'net.ipv4.ip_forward', value: 'yes' }), 'ok'],
  [sysctl({ name: 'vm.swappiness', value: '10', sysctl_set: true, reload: false }), 'changed'],
  [sysctl({ name: 'vm.swappiness', value: '10', sysctl_set: true, reload: false }), 'ok'],
  [sysctl({ name: 'vm.swappiness', value: '5', sysctl_set: true }, { check_mode: true }), 'changed'],
  [sysctl({ name: 'ro.key', value: '0', sysctl_set: true }), 'failed'],
  [sysctl({ name: 'net.ipv4.ip_forward', state: 'absent' }), 'changed'],
  [sysctl({ name: 'kplay.unknown', value: '1' }), 'failed'],
  [sysctl({ name: 'kplay.unknown', state: 'absent', ignoreerrors: true }), 'changed'],
  [sysctl({ name: 'kplay.unknown' }), 'failed'],
  [sysctl({ name: 'net.ipv4.ip_forward', value: 'on' }), 'changed'],
];

const text = (run: EngineRun, p: string): string => readFileSync(run.sandbox.path(p), 'utf8');
const live = (run: EngineRun): Record<string, string> => Object.fromEntries(readdirSync(run.sandbox.path('/etc/kplay-fake/live')).map((k) => [k, text(run, `/etc/kplay-fake/live/${k}`)]));

describe.skipIf(!hasAnsible || !canSandbox())('sysctl, kplay vs ansible-playbook', () => {
  const run = bothEngines(steps.map(([t]) => t));

  it('every task reports what Ansible reports, failures with its message', () => {
    expect(run().kplay.results.map(outcome)).toEqual(run().ansible.results.map(outcome));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
    const failures = (r: EngineRun): unknown[] => r.results.filter((x) => x.failed === true).map((x) => x.msg);
    expect(failures(run().kplay)).toEqual(failures(run().ansible));
  });

  it('leaves the same file and live values, and calls sysctl the same way', () => {
    expect(text(run().kplay, FILE)).toBe(text(run().ansible, FILE));
    expect(text(run().kplay, FILE)).toBe('# kernel settings\nvm.swappiness=10\n\nnet.ipv4.ip_forward=1\n');
    expect(live(run().kplay)).toEqual(live(run().ansible));
    expect(text(run().kplay, '/etc/kplay-fake/calls')).toBe(text(run().ansible, '/etc/kplay-fake/calls'));
  });
});
