// hostname against Ansible's own module: the same tasks under kplay and ansible-playbook, each in its
// own sandbox (a copy of /etc and its own UTS namespace: the machine's name never changes), with --diff. This
// machine runs no systemd, so both take the Debian file strategy, or the one `use` names.
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, printedTasks, registeredDiffs, sandboxText, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ hostname: { name: 'kplay-test-host' } }, 'changed'],
  [{ hostname: { name: 'kplay-test-host' } }, 'ok'],
  [{ hostname: { name: 'kplay-would-be' }, check_mode: true }, 'changed'],
  [{ hostname: { name: 'kplay-rh', use: 'redhat' } }, 'failed'],
  [{ file: { path: '/etc/sysconfig', state: 'directory' } }, 'changed'],
  [{ copy: { dest: '/etc/sysconfig/network', content: 'NETWORKING=yes\nHOSTNAME=old\n' } }, 'changed'],
  [{ hostname: { name: 'kplay-rh.example.test', use: 'redhat' } }, 'changed'],
  [{ hostname: { name: 'kplay-rh.example.test', use: 'redhat' } }, 'ok'],
  [{ hostname: { name: 'kplay-sd', use: 'systemd' } }, 'failed'],
];

const file = sandboxText;

describe.skipIf(!hasAnsible || !canSandbox())('hostname, kplay vs ansible-playbook', () => {
  const run = bothEngines(steps.map(([t]) => t), {}, ['--diff']);

  it('every task reports what Ansible reports', () => {
    expect(run().kplay.results.map(outcome)).toEqual(run().ansible.results.map(outcome));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it('writes the same files and gives the same facts and diff', () => {
    for (const p of ['/etc/hostname', '/etc/sysconfig/network']) expect(file(run().kplay, p)).toBe(file(run().ansible, p));
    expect(file(run().kplay, '/etc/hostname')).toBe('kplay-test-host\n');
    expect(file(run().kplay, '/etc/sysconfig/network')).toBe('NETWORKING=yes\nHOSTNAME=kplay-rh.example.test\n');
    const facts = (run: EngineRun, i: number): unknown => {
      const f = run.results[i]?.ansible_facts as Record<string, unknown>;
      return { hostname: f.ansible_hostname, nodename: f.ansible_nodename };
    };
    expect(facts(run().kplay, 6)).toEqual(facts(run().ansible, 6));
    expect(facts(run().kplay, 6)).toEqual({ hostname: 'kplay-rh', nodename: 'kplay-rh.example.test' });
    // (run with --diff: the hostname tasks' diffs, one mapping without headers, and the lines printed for the first)
    const hostnames = (r: EngineRun): unknown[] => registeredDiffs(r, steps.length).filter((_, i) => 'hostname' in (steps[i]?.[0] ?? {}));
    expect(hostnames(run().kplay)).toEqual(hostnames(run().ansible));
    expect(hostnames(run().kplay)[0]).toEqual({ before: expect.stringMatching(/^hostname = /), after: 'hostname = kplay-test-host\n' });
    const first = (r: EngineRun): string[] => printedTasks(r).slice(0, 6);
    expect(first(run().kplay)).toEqual(first(run().ansible));
  });
});
