// file's access_time and modification_time against Ansible's own module: `now` on every state, times read
// with the default format and with others, set only when they differ, their errors; the times left are
// compared through stat's registered atime and mtime.
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, registeredPairs, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const D = '/etc/kplay-ft';
const file = (args: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ file: args, ...extra });
const times = (path: string): Record<string, unknown> => ({ stat: { path, get_checksum: false, get_mime: false, get_attributes: false } });

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [file({ path: D, state: 'directory' }), 'changed'],
  [file({ path: `${D}/f`, state: 'touch', access_time: '202301021504.05', modification_time: '202301021504.05' }), 'changed'],
  [file({ path: `${D}/f`, state: 'touch', access_time: '202301021504.05', modification_time: '202301021504.05' }), 'ok'],
  [times(`${D}/f`), 'ok'],
  // state=file and directory: now was ignored before; a time is set once
  [file({ path: `${D}/f`, state: 'file', access_time: 'now' }), 'changed'],
  [file({ path: `${D}/f`, state: 'file', modification_time: '2022-03-04 05:06', modification_time_format: '%Y-%m-%d %H:%M' }), 'changed'],
  [file({ path: `${D}/f`, state: 'file', modification_time: '2022-03-04 05:06', modification_time_format: '%Y-%m-%d %H:%M' }), 'ok'],
  [file({ path: `${D}/f`, modification_time: '22 3  4', modification_time_format: '%y %m %d' }), 'changed'],
  [file({ path: D, state: 'directory', modification_time: '202001010000.00', access_time: 'preserve' }), 'changed'],
  [file({ path: D, state: 'directory', modification_time: '202001010000.00', access_time: 'preserve' }), 'ok'],
  // a link's times are its target's
  [file({ path: `${D}/l`, src: `${D}/f`, state: 'link', modification_time: '201901010000.00' }), 'changed'],
  [file({ path: `${D}/l`, src: `${D}/f`, state: 'link', modification_time: '201901010000.00' }), 'ok'],
  [times(`${D}/f`), 'ok'],
  [file({ path: `${D}/f`, state: 'file', access_time: 'now', modification_time: 'now' }, { check_mode: true }), 'changed'],
  // times Python's strptime refuses: the module fails first, the message alone (no YAML dates here: the
  // play is written with a YAML library that does not quote them, and Ansible's YAML 1.1 reads them as dates)
  [file({ path: `${D}/f`, modification_time: '2023/02/30', modification_time_format: '%Y/%m/%d' }), 'failed'],
  [file({ path: `${D}/f`, modification_time: '2023', modification_time_format: '%Y-%m-%d' }), 'failed'],
  [file({ path: `${D}/f`, access_time: '2023/01/01x', access_time_format: '%Y/%m/%d' }), 'failed'],
  // (absent reads no times)
  [file({ path: `${D}/gone`, state: 'absent', access_time: 'x' }), 'ok'],
  [file({ path: `${D}/missing`, state: 'file', access_time: 'x' }), 'failed'],
];

describe.skipIf(!hasAnsible || !canSandbox())('file times, kplay vs ansible-playbook', () => {
  const run = bothEngines(steps.map(([t]) => t).map((t) => ({ ...t, ignore_errors: true })));

  it('every task reports what Ansible reports', () => {
    const shown = (r: EngineRun): string[] => r.results.map((x, i) => `${i} ${JSON.stringify(steps[i]?.[0])}: ${outcome(x)}`);
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it("registers what Ansible's file registers, and leaves the same times (stat's atime and mtime)", () => {
    const { kplay, ansible } = registeredPairs(run().kplay, run().ansible);
    // (a stat's other keys are the file's own: its inode and ctime differ between the two sandboxes; the
    // second stat's atime is the clock's, set by access_time: now)
    const timesOnly = (r: unknown, i?: number): unknown => {
      const st = (r as { stat?: { atime?: number; mtime?: number } }).stat;
      return st ? { ...(i === 12 ? {} : { atime: st.atime }), mtime: st.mtime } : r;
    };
    kplay.forEach((r, i) => expect({ i, task: steps[i]?.[0], r: timesOnly(r, i) }).toEqual({ i, task: steps[i]?.[0], r: timesOnly(ansible[i], i) }));
    const stat = (r: EngineRun, i: number): unknown => timesOnly(r.results[i]);
    // (the times are the host's local time, as time.mktime reads them)
    expect(stat(run().kplay, 3)).toEqual({ atime: new Date(2023, 0, 2, 15, 4, 5).getTime() / 1000, mtime: new Date(2023, 0, 2, 15, 4, 5).getTime() / 1000 });
    expect((stat(run().kplay, 12) as { mtime: number }).mtime).toBe(new Date(2019, 0, 1).getTime() / 1000);
  });
});
