// apt_key against Ansible's own module: the same tasks under kplay and ansible-playbook, each in its own
// sandbox (a copy of /etc, so apt's keyrings are copies), with two keys made here by gpg.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { makeKeys } from '../support/gpg-keys.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const usable = hasAnsible && canSandbox() && spawnSync('sh', ['-c', 'command -v apt-key && command -v gpg']).status === 0;

describe.skipIf(!usable)('apt_key, kplay vs ansible-playbook', () => {
  const { armored, fprs } = usable ? makeKeys('test', 'ed25519') : { armored: ['', ''], fprs: ['', ''] };
  const [one = '', two = ''] = fprs;
  const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
    // an id alone cannot add a key the keyring lacks
    [{ apt_key: { id: one } }, 'failed'],
    [{ apt_key: { data: armored[0] } }, 'changed'],
    [{ apt_key: { data: armored[0] } }, 'ok'],
    [{ apt_key: { id: one.slice(-8), data: armored[0] } }, 'ok'],
    [{ apt_key: { file: '@WORK@/two.asc' } }, 'changed'],
    [{ apt_key: { id: two.slice(-16), state: 'absent' } }, 'changed'],
    [{ apt_key: { id: two.slice(-16), state: 'absent' } }, 'ok'],
    [{ apt_key: { id: `0x${two}`, file: '@WORK@/two.asc', keyring: '/etc/apt/trusted.gpg.d/two.gpg' } }, 'changed'],
    [{ apt_key: { id: two, file: '@WORK@/two.asc', keyring: '/etc/apt/trusted.gpg.d/two.gpg' } }, 'ok'],
    [{ apt_key: { id: 'not-hex' } }, 'failed'],
    [{ apt_key: { id: '12345' } }, 'failed'],
    [{ apt_key: { keyserver: 'keyserver.example.test' } }, 'failed'],
    // a keyserver nobody answers on: 5 tries, then the module's message with gpg's exit status
    [{ apt_key: { id: '0123456789ABCDEF', keyserver: 'hkp://127.0.0.1:9' } }, 'failed'],
    [{ apt_key: { data: 'not a key' } }, 'failed'],
    [{ apt_key: { id: one, state: 'absent' }, check_mode: true }, 'changed'],
    [{ apt_key: { id: one, state: 'absent' } }, 'changed'],
    [{ shell: 'apt-key adv --list-public-keys --keyid-format=long 2>/dev/null | grep -E "^(pub|uid)"; ls /etc/apt/trusted.gpg.d' }, 'changed'],
  ];
  const run = bothEngines(
    steps.map(([t]) => t),
    { 'two.asc': armored[1] ?? '' },
  );
  const shown = (r: EngineRun): unknown[] =>
    r.results.map((x) => {
      const { changed, failed, msg, id, short_id, fp, key_id, before, after, rc } = x;
      return { changed, failed: failed === true, msg, id, short_id, fp, key_id, before, after, rc };
    });

  it('every task reports what Ansible reports: ids, fingerprints, the keys before and after, messages, exit statuses', () => {
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
    expect(shown(run().kplay).slice(0, -1)).toEqual(shown(run().ansible).slice(0, -1));
  });

  it('leaves the same keys in the same keyrings', () => {
    const end = (r: EngineRun): unknown => r.results.at(-1)?.stdout;
    expect(end(run().kplay)).toEqual(end(run().ansible));
    expect(end(run().kplay)).toContain('two@example.test');
    expect(end(run().kplay)).not.toContain('one@example.test');
    expect(end(run().kplay)).toContain(`/${two.slice(-16)}`);
    expect(end(run().kplay)).not.toContain(`/${one.slice(-16)}`);
    expect(end(run().kplay)).toContain('two.gpg\n');
  });
});
