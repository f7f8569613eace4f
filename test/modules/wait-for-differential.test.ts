// wait_for against Ansible's own module: the same tasks under kplay and ansible-playbook, each in its own
// sandbox (files in the run's directory; port 1 on loopback, where nothing listens). Compared: outcome and
// every result key (elapsed to the second, as both count it; a path's owner, mode and kind, as
// AnsibleModule adds them).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const W = '@WORK@';
const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed' | 'skipped'][] = [
  // neither port nor path: Ansible's module sleeps `timeout` seconds
  [{ wait_for: { timeout: 2 } }, 'ok'],
  [{ wait_for: { path: `${W}/log`, timeout: 2 } }, 'ok'],
  [{ wait_for: { path: `${W}/log`, search_regex: 'version (\\d+)\\.(\\d+)' } }, 'ok'],
  [{ wait_for: { path: `${W}/log`, search_regex: '^(?P<key>\\w+)=(?P<value>\\d+)$' } }, 'ok'],
  [{ wait_for: { path: `${W}/log`, search_regex: '^ready$', state: 'present' } }, 'ok'],
  [{ wait_for: { path: `${W}/never`, timeout: 1 } }, 'failed'],
  [{ wait_for: { path: `${W}/log`, search_regex: 'nothing like this', timeout: 1 } }, 'failed'],
  [{ wait_for: { path: `${W}/never`, timeout: 1, msg: 'the file never came' } }, 'failed'],
  [{ wait_for: { path: `${W}/never`, state: 'absent' } }, 'ok'],
  [{ wait_for: { path: `${W}/log`, state: 'absent', timeout: 1 } }, 'failed'],
  [{ wait_for: { path: `${W}/log`, state: 'stopped' } }, 'failed'],
  [{ wait_for: { path: `${W}/log/under`, timeout: 1 } }, 'failed'],
  [{ wait_for: { port: 1, host: '127.0.0.1', timeout: 1 } }, 'failed'],
  [{ wait_for: { port: 1, state: 'stopped', timeout: 2 } }, 'ok'],
  [{ wait_for: { path: `${W}/log` }, check_mode: true }, 'skipped'],
];

describe.skipIf(!hasAnsible || !canSandbox())('wait_for, kplay vs ansible-playbook', () => {
  const run = bothEngines(
    steps.map(([t]) => t),
    { log: 'booting\nversion 1.30\nkey=42\nready\n' },
  );
  const shown = (r: EngineRun): unknown[] => {
    const work = join(r.sandbox.dir, 'work');
    return r.results.map((x) => {
      // (Ansible's interpreter discovery adds ansible_facts; invocation is Ansible's alone)
      const { ansible_facts: _f, invocation: _i, failed, skipped, ...rest } = x;
      return JSON.parse(JSON.stringify({ ...rest, failed: failed === true, skipped: skipped === true }).split(work).join('@WORK@')) as unknown;
    });
  };

  it('every task reports what Ansible reports, with the same keys, groups and messages', () => {
    const outcomes = (r: EngineRun): string[] => r.results.map((x) => (x.skipped === true ? 'skipped' : outcome(x)));
    expect(outcomes(run().kplay)).toEqual(outcomes(run().ansible));
    expect(outcomes(run().kplay)).toEqual(steps.map(([, o]) => o));
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
  });
});
