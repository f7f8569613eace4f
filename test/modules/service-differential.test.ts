// service on a host whose init is not systemd (this machine when it runs no systemd: a container's init),
// against ansible-playbook: Ansible's service action hands the task to the module for the service_mgr
// fact (ansible.legacy.service here), and so must kplay, where it ran systemctl. An init script of the
// sandbox's own /etc (its state in /etc too) is started, found running, stopped; a service with no script
// fails as Ansible's module says. Skipped where systemd runs: the module would act on the machine's.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, registeredPairs, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const systemd = existsSync('/run/systemd/system') || (existsSync('/proc/1/comm') && readFileSync('/proc/1/comm', 'utf8').trim() === 'systemd');
const usable = hasAnsible && canSandbox() && !systemd && existsSync('/usr/sbin/service');

// an init script keeping its state in the sandbox's /etc
const SCRIPT = `#!/bin/sh
case "$1" in
  start) echo running > /etc/kx-fake.state; echo "$1" >> /etc/kx-fake.log;;
  stop) rm -f /etc/kx-fake.state; echo "$1" >> /etc/kx-fake.log;;
  status) [ -f /etc/kx-fake.state ] && { echo "kx-fake is running"; exit 0; }; echo "kx-fake is not running"; exit 3;;
  *) echo "Usage: $0 {start|stop|restart|status}" >&2; exit 2;;
esac
`;

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ copy: { src: 'kx-fake', dest: '/etc/init.d/kx-fake', mode: '0755' } }, 'changed'],
  [{ service: { name: 'kx-fake', state: 'started' }, check_mode: true }, 'changed'],
  [{ service: { name: 'kx-fake', state: 'started' } }, 'changed'],
  // with a pattern, running means a process matches it (none here): started again
  [{ service: { name: 'kx-fake', state: 'started', pattern: 'kx-fake-daemon' } }, 'changed'],
  [{ service: { name: 'kx-fake', state: 'restarted' } }, 'changed'],
  [{ service: { name: 'kx-fake', state: 'stopped' } }, 'changed'],
  [{ service: { name: 'kx-fake', state: 'stopped' } }, 'ok'],
  [{ service: { name: 'kx-nothing', state: 'started' } }, 'failed'],
  [{ command: 'cat /etc/kx-fake.log' }, 'changed'],
];

describe.skipIf(!usable)('service on a host without systemd, kplay vs ansible-playbook', () => {
  const run = bothEngines(
    steps.map(([t]) => t),
    { 'files/kx-fake': SCRIPT },
  );

  it('every task reports what Ansible reports', () => {
    const shown = (r: EngineRun): string[] => r.results.map((x, i) => `${i} ${JSON.stringify(steps[i]?.[0])}: ${outcome(x)} ${x.failed ? String(x.msg) : ''}`);
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it("registers what Ansible's service module registers", () => {
    const { kplay, ansible } = registeredPairs(run().kplay, run().ansible);
    kplay.forEach((r, i) => {
      if ('service' in (steps[i]?.[0] ?? {})) expect({ i, r }).toEqual({ i, r: ansible[i] });
    });
    // what the script was asked, in order (a restart is a stop and a start), the same under both
    const asked = (r: EngineRun): string => (r.results.at(-1) as { stdout: string }).stdout;
    expect(asked(run().kplay)).toBe(asked(run().ansible));
    expect(asked(run().kplay)).toBe('start\nstart\nstop\nstart\nstop');
  });
});
