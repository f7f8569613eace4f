// stat against Ansible's own module: the same tasks under kplay and ansible-playbook, each in its own
// sandbox, on files, a directory, links (followed and not), a FIFO, a device, a missing path and a path
// under a file. Compared: outcome, message and every key of the stat dict (times, inode, device and
// the inode's generation (version) aside for the run's own files: each run makes its own).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const W = '@WORK@';
const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ shell: `cd ${W} && ln -s f.txt link && ln -s nowhere broken && mkfifo fifo && chmod 4755 suid.sh && mkdir -p d && chmod 0700 d` }, 'changed'],
  [{ stat: { path: `${W}/f.txt` } }, 'ok'],
  [{ stat: { path: `${W}/f.txt`, checksum_algorithm: 'sha256', get_md5: true } }, 'ok'],
  [{ stat: { path: `${W}/f.txt`, get_checksum: false, get_mime: false, get_attributes: false } }, 'ok'],
  [{ stat: { path: `${W}/empty` } }, 'ok'],
  [{ stat: { path: `${W}/bin.dat` } }, 'ok'],
  [{ stat: { path: `${W}/d` } }, 'ok'],
  [{ stat: { path: `${W}/link` } }, 'ok'],
  [{ stat: { path: `${W}/link`, follow: true } }, 'ok'],
  [{ stat: { path: `${W}/broken` } }, 'ok'],
  [{ stat: { path: `${W}/broken`, follow: true } }, 'ok'],
  [{ stat: { path: `${W}/fifo` } }, 'ok'],
  [{ stat: { path: `${W}/suid.sh`, checksum: 'md5' } }, 'ok'],
  [{ stat: { path: '/dev/null' } }, 'ok'],
  [{ stat: { path: `${W}/missing` } }, 'ok'],
  [{ stat: { path: `${W}/f.txt/under` } }, 'failed'],
  [{ stat: { path: `${W}/with space.txt`, mime: false } }, 'ok'],
];

describe.skipIf(!hasAnsible || !canSandbox())('stat, kplay vs ansible-playbook', () => {
  const run = bothEngines(
    steps.map(([t]) => t),
    { 'f.txt': 'hello\n', empty: '', 'bin.dat': Buffer.from([0, 1, 2, 255]), 'suid.sh': '#!/bin/sh\n', 'with space.txt': 'x\n' },
  );
  const shown = (r: EngineRun): unknown[] => {
    const work = join(r.sandbox.dir, 'work');
    return r.results.slice(1).map((x) => {
      const st = { ...((x.stat as Record<string, unknown> | undefined) ?? {}) };
      const own = typeof st.path === 'string' && st.path.startsWith(work);
      for (const k of ['atime', 'mtime', 'ctime', ...(own ? ['inode', 'dev', 'version'] : [])]) if (k in st) st[k] = typeof st[k];
      return { msg: x.failed === true ? x.msg : undefined, stat: JSON.parse(JSON.stringify(st).split(work).join('@WORK@')) as unknown };
    });
  };

  it('every task reports what Ansible reports', () => {
    expect(run().kplay.results.map(outcome)).toEqual(run().ansible.results.map(outcome));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it('the same stat keys and values, in the same order', () => {
    const keys = (r: EngineRun): unknown => r.results.slice(1).map((x) => Object.keys((x.stat as Record<string, unknown> | undefined) ?? {}));
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(keys(run().kplay)).toEqual(keys(run().ansible));
  });
});
