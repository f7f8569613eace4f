// rpm_key against Ansible's own module: the same tasks under kplay and ansible-playbook, each in its own
// sandbox, with HOME in the sandbox's work directory (Debian's rpm keeps its database in ~/.rpmdb, gpg
// its keyring in ~/.gnupg) and two keys made here by gpg.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { makeKeys } from '../support/gpg-keys.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const usable = hasAnsible && canSandbox() && spawnSync('sh', ['-c', 'command -v rpm && command -v gpg']).status === 0;

describe.skipIf(!usable)('rpm_key, kplay vs ansible-playbook', () => {
  const { armored, fprs } = usable ? makeKeys('rpm', 'rsa2048') : { armored: ['', ''], fprs: ['', ''] };
  const [one = '', two = ''] = fprs;
  const env = { environment: { HOME: '@WORK@' } };
  const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
    [{ rpm_key: { key: '@WORK@/one.asc' } }, 'changed'],
    [{ rpm_key: { key: '@WORK@/one.asc' } }, 'ok'],
    [{ rpm_key: { key: `0x${one.slice(-8)}` } }, 'ok'],
    [{ rpm_key: { key: '@WORK@/two.asc', fingerprint: 'DEAD BEEF' } }, 'failed'],
    [{ rpm_key: { key: '@WORK@/two.asc' }, check_mode: true }, 'changed'],
    [{ rpm_key: { key: '@WORK@/two.asc', fingerprint: two.replace(/(.{4})/g, '$1 ').trim().toLowerCase() } }, 'changed'],
    [{ rpm_key: { key: two.slice(-16).toLowerCase(), state: 'absent' } }, 'changed'],
    [{ rpm_key: { key: two.slice(-16), state: 'absent' } }, 'ok'],
    [{ rpm_key: { key: two.slice(-8) } }, 'failed'],
    [{ rpm_key: { key: '@WORK@/missing.asc' } }, 'failed'],
    [{ rpm_key: { key: '@WORK@/not-a-key.asc' } }, 'failed'],
    [{ rpm_key: { key: one.slice(-8), state: 'absent' }, check_mode: true }, 'changed'],
    [{ rpm_key: { key: 'http://127.0.0.1:9/key.asc' } }, 'failed'],
    [{ shell: 'rpm -q gpg-pubkey --qf "%{version}\\n" | sort' }, 'changed'],
  ];
  const run = bothEngines(
    steps.map(([t]) => ({ ...t, ...env })),
    { 'one.asc': armored[0] ?? '', 'two.asc': armored[1] ?? '', 'not-a-key.asc': 'hello\n' },
  );
  const work = (r: EngineRun): string => join(r.sandbox.dir, 'work');
  const shown = (r: EngineRun): unknown[] =>
    r.results.map((x) => {
      // a message may name the engine's own work directory
      // and a failed download the reason its HTTP client gives (urllib's, curl's)
      const msg = typeof x.msg === 'string' ? x.msg.split(work(r)).join('@WORK@').replace(/Request failed: .*/, 'Request failed: -') : x.msg;
      return { changed: x.changed, failed: x.failed === true, msg: x.stdout === undefined ? msg : undefined, stdout: x.stdout };
    });

  it('every task has the outcome Ansible gives it', () => {
    const { kplay, ansible } = run();
    expect(ansible.results.map(outcome)).toEqual(steps.map(([, o]) => o));
    expect(kplay.results.map(outcome)).toEqual(ansible.results.map(outcome));
  });

  it('the same results and messages, and the same keys in the rpm database at the end', () => {
    const { kplay, ansible } = run();
    const ours = shown(kplay);
    const theirs = shown(ansible);
    // gpg's own message for a file it cannot read names the file: both engines' differ only by their directory
    expect(ours).toEqual(theirs);
    expect(kplay.results.at(-1)?.stdout).toBe(one.slice(-8).toLowerCase());
  });
});
