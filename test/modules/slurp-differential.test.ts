// slurp against Ansible's own module: the same tasks under kplay and ansible-playbook, each in its own
// sandbox. Compared: outcome, message, content, source and encoding.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const W = '@WORK@';
const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ file: { src: 'bin.dat', dest: `${W}/link`, state: 'link' } }, 'changed'],
  [{ slurp: { src: `${W}/text.txt` } }, 'ok'],
  [{ slurp: { path: `${W}/bin.dat` } }, 'ok'],
  [{ slurp: { src: `${W}/empty` } }, 'ok'],
  [{ slurp: { src: `${W}/link` } }, 'ok'],
  [{ slurp: { src: `${W}/missing` } }, 'failed'],
  [{ slurp: { src: W } }, 'failed'],
];

describe.skipIf(!hasAnsible || !canSandbox())('slurp, kplay vs ansible-playbook', () => {
  const run = bothEngines(
    steps.map(([t]) => t),
    { 'text.txt': 'héllo\n', 'bin.dat': Buffer.from([0, 1, 2, 255, 10]), empty: '' },
  );
  const shown = (r: EngineRun): unknown[] => {
    const work = join(r.sandbox.dir, 'work');
    return r.results.slice(1).map((x) => JSON.parse(JSON.stringify({ msg: x.msg, content: x.content, source: x.source, encoding: x.encoding }).split(work).join('@WORK@')) as unknown);
  };

  it('every task reports what Ansible reports, with the same bytes and messages', () => {
    expect(run().kplay.results.map(outcome)).toEqual(run().ansible.results.map(outcome));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
  });
});
