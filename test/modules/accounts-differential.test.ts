// user and group against Ansible's own modules: one sequence of tasks run by kplay and by
// ansible-playbook, each in its own sandboxed copy of /etc and /home (root only: CI runs as root);
// every task's `changed`/`failed` and the end state (passwd, group, shadow, homes) must be equal.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const HASH = '$6$kplaysalt$abUm8X2FIfleBvlEP8MByC/3QY7B47ZwExHEQiSDtvfgAMT2Q3AffDpTlCliC/lwy8IHAOFBSB9dwMpXqbSHN.';
const HASH2 = '$6$kplaysalt$jATAK/vgPo0TclEU3oBUazaza/AF9g3PeeUD200wy9Zgby2BcOY0AtV18MzZ4KBuhgUVu/XN2uvg2kapaFp.B0';

// [task, what it should report]: changed, or failed
const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ group: { name: 'kpg1', gid: 4001 } }, 'changed'],
  [{ group: { name: 'kpg1', gid: 4001 } }, 'ok'],
  [{ group: { name: 'kpg2', system: true } }, 'changed'],
  [{ group: { name: 'kpg1', gid: 4002 } }, 'changed'],
  [{ group: { name: 'kpg3', gid: 4003 }, check_mode: true }, 'changed'],
  [{ user: { name: 'kpu1', uid: 4101, groups: ['kpg1'], shell: '/bin/bash', comment: 'K P', password: HASH } }, 'changed'],
  [{ user: { name: 'kpu1', uid: 4101, groups: 'kpg1', shell: '/bin/bash', comment: 'K P', password: HASH } }, 'ok'],
  [{ user: { name: 'kpu1', groups: 'kpg2', append: true } }, 'changed'],
  [{ user: { name: 'kpu1', groups: 'kpg2', append: 'yes' } }, 'ok'],
  [{ user: { name: 'kpu1', groups: ['kpg2'] } }, 'changed'],
  [{ user: { name: 'kpu1', password_lock: true } }, 'changed'],
  [{ user: { name: 'kpu1', password_lock: true } }, 'ok'],
  [{ user: { name: 'kpu1', password: HASH2, update_password: 'on_create' } }, 'ok'],
  [{ user: { name: 'kpu1', password: HASH2 } }, 'changed'],
  [{ user: { name: 'kpu1', home: '/home/kpu1-moved', move_home: true } }, 'changed'],
  [{ user: { name: 'kpu1', password_expire_max: 90, password_expire_min: 1 } }, 'changed'],
  [{ user: { name: 'kpu1', password_expire_max: 90, password_expire_min: 1 } }, 'ok'],
  [{ user: { name: 'kpu1', expires: 1893456000 } }, 'changed'],
  [{ user: { name: 'kpu1', expires: 1893456000.5 } }, 'ok'],
  [{ user: { name: 'kpu1', expires: -1 } }, 'changed'],
  [{ user: { name: 'kpu1', groups: '' } }, 'changed'],
  [{ user: { name: 'kpu2', system: true, create_home: false, shell: '/usr/sbin/nologin' } }, 'changed'],
  [{ user: { name: 'kpu3', home: '/home/deep/er/kpu3', group: 'kpg1' } }, 'changed'],
  [{ group: { name: 'kpu4' } }, 'changed'],
  [{ user: { name: 'kpu4' } }, 'changed'],
  [{ user: { name: 'kpu5', group: 'no-such-group' } }, 'failed'],
  [{ user: { name: 'kpu6' }, check_mode: true }, 'changed'],
  [{ user: { name: 'kpu2', state: 'absent' } }, 'changed'],
  [{ user: { name: 'kpu3', state: 'absent', remove: true } }, 'changed'],
  [{ user: { name: 'kpu3', state: 'absent' } }, 'ok'],
  [{ group: { name: 'kpg2', state: 'absent' } }, 'changed'],
  [{ group: { name: 'kpg2', state: 'absent' } }, 'ok'],
];

// the accounts' lines (shadow's last-change day is the same for both runs: they run the same day)
function state(run: EngineRun): string {
  const lines = (file: string): string[] =>
    readFileSync(run.sandbox.path(file), 'utf8')
      .split('\n')
      .filter((l) => /^kp[gu]\d/.test(l));
  const homes = execFileSync('find', [run.sandbox.path('/home'), '-printf', '%P %M %u %g\\n'], { encoding: 'utf8' }).split('\n').sort();
  return [...lines('/etc/passwd'), ...lines('/etc/group'), ...lines('/etc/shadow'), ...lines('/etc/gshadow'), ...homes].join('\n');
}


describe.skipIf(!hasAnsible || !canSandbox())('user and group, kplay vs ansible-playbook', () => {
  const run = bothEngines(steps.map(([t]) => t));

  it('every task reports what Ansible reports', () => {
    const shown = (run: EngineRun): string[] => run.results.map((r, i) => `${i} ${JSON.stringify(steps[i]?.[0])}: ${outcome(r)}`);
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it('leaves the same accounts, groups, shadow entries and home directories', () => {
    expect(state(run().kplay)).toEqual(state(run().ansible));
    expect(state(run().kplay)).toContain('kpu1:x:4101:');
  });

  it("gives Ansible's result keys, and never the password", () => {
    // Ansible's executor adds these to every result (interpreter discovery, failed: false)
    const generic = ['invocation', 'diff', 'warnings', 'stdout_lines', 'stderr_lines', 'ansible_facts', 'failed'];
    const keys = (run: EngineRun, i: number): string[] => Object.keys(run.results[i] as object).filter((k) => !generic.includes(k)).sort();
    for (const i of [0, 1, 5, 6, 9, 21, 27, 28]) expect([i, keys(run().kplay, i)]).toEqual([i, keys(run().ansible, i)]);
    expect(JSON.stringify(run().kplay.results)).not.toContain('abUm8X2FI');
    expect(run().kplay.output).not.toContain('abUm8X2FI');
    expect(run().kplay.results[5]).toMatchObject({ password: 'NOT_LOGGING_PASSWORD', uid: 4101, groups: 'kpg1', shell: '/bin/bash' });
  });
});
