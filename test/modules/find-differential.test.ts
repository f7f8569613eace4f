// find against Ansible's own module: the same tasks under kplay and ansible-playbook, each in its own
// sandbox, on the same tree in the run's directory. Compared: outcome, message, matched, examined, the
// paths found, skipped paths, checksums and each found entry's stat keys.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const A = '@WORK@/a';
const find = (args: Record<string, unknown>): Record<string, unknown> => ({ find: { paths: A, ...args } });

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [{ file: { src: 'x.conf', dest: `${A}/l.conf`, state: 'link' } }, 'changed'],
  [find({ patterns: '*.conf' }), 'ok'],
  [find({ patterns: ['*.conf', '*.txt'], recurse: true, hidden: true, excludes: 'y*' }), 'ok'],
  // contains does not filter when file_type is any (Ansible applies it to regular files only)
  [find({ file_type: 'any', contains: 'hel+o' }), 'ok'],
  [find({ contains: 'hel+o', recurse: true }), 'ok'],
  // line by line the expression must match at a line's start (Python's re.match); whole files are searched
  [find({ contains: 'llo', recurse: true }), 'ok'],
  [find({ contains: 'wor', recurse: true }), 'ok'],
  [find({ contains: 'llo', read_whole_file: true, recurse: true }), 'ok'],
  [find({ contains: '^world$', read_whole_file: true, recurse: true }), 'ok'],
  [find({ contains: '^world', read_whole_file: true, recurse: true }), 'ok'],
  [find({ file_type: 'directory', recurse: true, hidden: true }), 'ok'],
  [find({ patterns: '.*\\.conf$', use_regex: true, recurse: true, depth: 1 }), 'ok'],
  [find({ patterns: ['z', 'x'], excludes: 'x\\.c', use_regex: true, recurse: true, depth: 2 }), 'ok'],
  [find({ recurse: true, depth: 0, hidden: true }), 'ok'],
  [find({ file_type: 'link' }), 'ok'],
  [find({ size: '-1', recurse: true, hidden: true }), 'ok'],
  // file_type any: regular files are filtered by size, the others are not
  [find({ file_type: 'any', size: '6', hidden: true }), 'ok'],
  [find({ age: '-1d' }), 'ok'],
  [find({ age: '1d' }), 'ok'],
  [find({ age: '1x' }), 'failed'],
  [find({ size: '10 k' }), 'failed'],
  [find({ paths: [A, '@WORK@/missing', `${A}/x.conf`], patterns: 'x*' }), 'ok'],
  // paths are expanded as Ansible's module expands them: $VAR and ${VAR} from the environment (an unknown one
  // left as written), then ~
  [{ ...find({ paths: ['$KX_DIR', '${KX_DIR}/x.conf', '~/kplay-no-such-dir', '$KPLAY_UNSET_VAR/a'], patterns: 'x*' }), environment: { KX_DIR: A } }, 'ok'],
  [find({ get_checksum: true, recurse: true }), 'ok'],
  [find({ get_checksum: true, file_type: 'any' }), 'ok'],
];

describe.skipIf(!hasAnsible || !canSandbox())('find, kplay vs ansible-playbook', () => {
  const run = bothEngines(
    steps.map(([t]) => t),
    { 'a/x.conf': 'hello\n', 'a/y.txt': 'world\n', 'a/sub/z.conf': 'hello\nworld\n', 'a/.h.conf': '', 'a/sub/.hid/q.conf': 'hi\n', 'a/sub/.hid/deep/d.conf': 'deep\n' },
  );
  const shown = (r: EngineRun): unknown[] => {
    const work = join(r.sandbox.dir, 'work');
    const rel = (p: unknown): string => String(p).split(work).join('@WORK@');
    return r.results.slice(1).map((x) => {
      const files = (x.files as Record<string, unknown>[] | undefined) ?? [];
      return {
        msg: typeof x.msg === 'string' ? rel(x.msg) : x.msg,
        matched: x.matched,
        examined: x.examined,
        skipped: Object.fromEntries(Object.entries((x.skipped_paths as Record<string, string> | undefined) ?? {}).map(([k, v]) => [rel(k), rel(v)])),
        files: files.map((f) => `${rel(f.path)} ${String(f.checksum ?? '')}`).sort(),
      };
    });
  };

  it('every task reports what Ansible reports', () => {
    expect(run().kplay.results.map(outcome)).toEqual(run().ansible.results.map(outcome));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it('finds the same entries, examines as many and says the same', () => {
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
  });

  it('each entry has the stat keys and values Ansible gives it (times, inode and device aside: other files)', () => {
    const stats = (r: EngineRun): unknown => {
      const work = join(r.sandbox.dir, 'work');
      const files = (r.results[2]?.files as Record<string, unknown>[]).map((f) => {
        const { atime: _a, mtime: _m, ctime: _c, inode: _i, dev: _d, ...rest } = f;
        return { ...rest, path: String(f.path).split(work).join('@WORK@') };
      });
      return files.sort((a, b) => a.path.localeCompare(b.path));
    };
    expect(stats(run().kplay)).toEqual(stats(run().ansible));
  });
});
