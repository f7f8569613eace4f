// fetch against Ansible's own fetch action: the same tasks under kplay and ansible-playbook (connection
// local, the playbook's directory as @WORK@), each in its own sandbox: where the copy goes (DEST/HOST/SRC,
// flat, DEST/, a relative DEST, a SRC under ~user), what is reported (checksums, md5sum, messages) and the files left.
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';
import { join } from 'node:path';

const usable = hasAnsible && canSandbox();

describe.skipIf(!usable)('fetch, kplay vs ansible-playbook', () => {
  const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
    [{ fetch: { src: '@WORK@/src/a.txt', dest: '@WORK@/fetched' } }, 'changed'],
    [{ fetch: { src: '@WORK@/src/a.txt', dest: '@WORK@/fetched' } }, 'ok'],
    [{ fetch: { src: '@WORK@/src/a.txt', dest: '@WORK@/fetched', validate_checksum: true } }, 'ok'],
    [{ fetch: { src: '@WORK@/src/a.txt', dest: '@WORK@/flat.txt', flat: true } }, 'changed'],
    [{ fetch: { src: '@WORK@/src/b.bin', dest: '@WORK@/outdir/', flat: true } }, 'changed'],
    [{ fetch: { src: '@WORK@/src/a.txt', dest: '@WORK@/outdir', flat: true } }, 'failed'],
    [{ fetch: { src: '@WORK@/src/a.txt', dest: 'relative' } }, 'changed'],
    [{ fetch: { src: '@WORK@/src/a.txt', dest: 'relative.txt', flat: true, validate_checksum: 'no' } }, 'changed'],
    [{ fetch: { src: '@WORK@/src/missing', dest: '@WORK@/fetched' } }, 'failed'],
    [{ fetch: { src: '@WORK@/src/missing', dest: '@WORK@/fetched', fail_on_missing: false } }, 'ok'],
    [{ fetch: { src: '@WORK@/src', dest: '@WORK@/fetched' } }, 'failed'],
    [{ fetch: { src: '@WORK@/src', dest: '@WORK@/fetched', fail_on_missing: false } }, 'ok'],
    [{ fetch: { src: '@WORK@/src/b.bin', dest: '@WORK@/checked' }, check_mode: true }, 'ok'],
    [{ shell: 'echo changed > @WORK@/src/a.txt' }, 'changed'],
    [{ fetch: { src: '@WORK@/src/a.txt', dest: '@WORK@/flat.txt', flat: true } }, 'changed'],
    [{ shell: 'useradd -m -d /home/fetcher fetcher && echo tilde > ~fetcher/f.txt' }, 'changed'],
    [{ fetch: { src: '~fetcher/f.txt', dest: '@WORK@/fetched' } }, 'changed'],
    [{ fetch: { src: '~fetcher/f.txt', dest: '@WORK@/fetched' } }, 'ok'],
    [{ fetch: { src: '~fetcher/none', dest: '@WORK@/fetched', fail_on_missing: false } }, 'ok'],
    [{ shell: 'cd @WORK@ && find fetched flat.txt outdir relative relative.txt checked -type f 2>/dev/null | sort | xargs md5sum' }, 'changed'],
  ];
  const run = bothEngines(
    steps.map(([t]) => t),
    { 'src/a.txt': 'admin kubeconfig\n', 'src/b.bin': Buffer.from([0, 1, 2, 255, 254, 10]), 'outdir/.keep': '' },
  );
  const shown = (r: EngineRun): unknown[] => {
    const work = join(r.sandbox.dir, 'work');
    const text = (v: unknown): unknown => (typeof v === 'string' ? v.split(work).join('@WORK@') : v);
    return r.results.map((x, i) => ({ i, outcome: outcome(x), skipped: x.skipped === true, msg: text(x.msg), dest: text(x.dest), file: text(x.file), checksum: x.checksum, md5sum: x.md5sum, remote_checksum: x.remote_checksum, remote_md5sum: x.remote_md5sum, stdout: text(x.stdout) }));
  };

  it('every task has the outcome Ansible gives it', () => {
    expect(run().ansible.results.map(outcome)).toEqual(steps.map(([, o]) => o));
    expect(run().kplay.results.map(outcome)).toEqual(run().ansible.results.map(outcome));
  });

  it('the same destinations, checksums, messages and files left on the controller', () => {
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(run().kplay.results.at(-1)?.stdout).toContain('fetched/localhost/');
  });
});
