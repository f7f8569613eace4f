// dpkg_selections against Ansible's own module on the real dpkg: both engines with DPKG_ADMINDIR naming a
// dpkg database of their own in the sandbox's work directory (a status file listing two packages), so
// selections are really read and set without touching the machine's. The outcomes, every registered key
// and the selections dpkg ends with must be Ansible's.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, registeredPairs, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const usable = hasAnsible && canSandbox() && spawnSync('sh', ['-c', 'command -v dpkg']).status === 0;

const installed = (name: string): string => `Package: ${name}\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: all\nMaintainer: kplay <kplay@example.invalid>\nDescription: a package of kplay's test\n`;
const env = { environment: { DPKG_ADMINDIR: '@WORK@/dpkg' } };
const sel = (name: string, selection: string, more: Record<string, unknown> = {}): Record<string, unknown> => ({ dpkg_selections: { name, selection }, ...env, ...more });

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ shell: 'mkdir -p @WORK@/dpkg/updates @WORK@/dpkg/info && cp @WORK@/status @WORK@/dpkg/status' }, 'changed'],
  [sel('kx-a', 'hold', { check_mode: true }), 'changed'],
  [sel('kx-a', 'hold'), 'changed'],
  [sel('kx-a', 'hold'), 'ok'],
  [sel('kx-a', 'install'), 'changed'],
  [sel('kx-b', 'install'), 'ok'],
  [sel('kx-b', 'deinstall'), 'changed'],
  [sel('kx-b', 'purge'), 'changed'],
  // a package dpkg does not know: "not present" before and after (dpkg only warns), so always a change
  [sel('kx-none', 'hold'), 'changed'],
  [sel('kx-none', 'hold'), 'changed'],
  // a name dpkg refuses: its error is the message
  [sel('Bad_Name!', 'hold'), 'failed'],
  [{ shell: 'DPKG_ADMINDIR=@WORK@/dpkg dpkg --get-selections' }, 'changed'],
];

describe.skipIf(!usable)('dpkg_selections on a dpkg database of its own, kplay vs ansible-playbook', () => {
  const run = bothEngines(
    steps.map(([t]) => t),
    { status: `${installed('kx-a')}\n${installed('kx-b')}\n` },
  );

  it('every task reports what Ansible reports', () => {
    const shown = (r: EngineRun): string[] => r.results.map((x, i) => `${i} ${JSON.stringify(steps[i]?.[0])}: ${outcome(x)}`);
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it("registers what Ansible's dpkg_selections registers, key by key, and dpkg ends with the same selections", () => {
    const { kplay, ansible } = registeredPairs(run().kplay, run().ansible);
    kplay.forEach((r, i) => {
      // (the shell tasks' times differ)
      if (!('dpkg_selections' in (steps[i]?.[0] ?? {}))) return;
      expect({ i, r }).toEqual({ i, r: ansible[i] });
    });
    const last = run().kplay.results.at(-1) as { stdout: string };
    expect(last.stdout.replace(/\t+/g, ' ')).toBe('kx-a install\nkx-b purge');
    expect(last.stdout).toBe((run().ansible.results.at(-1) as { stdout: string }).stdout);
  });
});
