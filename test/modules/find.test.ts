// find on a local tree: one row per case (arguments -> matched, examined, paths), the expected values
// taken from ansible-playbook's find on the same tree (ansible-core 2.14).
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleResult } from '../../engine/modules/types.js';
import { moduleContext } from '../support/module-context.js';
import { writeTree } from '../support/tree.js';

const root = writeTree({ 'a/x.conf': 'hello\n', 'a/y.txt': 'world\n', 'a/sub/z.conf': 'hello\n', 'a/.h.conf': '', 'a/sub/.hid/q.conf': 'hi\n' });
symlinkSync('x.conf', join(root, 'a/l.conf'));
const A = join(root, 'a');

async function find(args: Record<string, unknown>): Promise<ModuleResult & { files: { path: string }[] }> {
  const warnings: string[] = [];
  const r = await (IMPLEMENTATIONS.find as (c: ReturnType<typeof moduleContext>) => Promise<ModuleResult>)(moduleContext(args, { warn: (w) => warnings.push(w) }));
  return { ...r, warnings } as unknown as ModuleResult & { files: { path: string }[] };
}

// [args, matched, examined, paths relative to a/]
const rows: [Record<string, unknown>, number, number, string[]][] = [
  [{ paths: A, patterns: '*.conf' }, 1, 5, ['x.conf']],
  [{ paths: A, patterns: ['*.conf', '*.txt'], recurse: true, hidden: true, excludes: 'y*' }, 4, 8, ['.h.conf', 'sub/.hid/q.conf', 'sub/z.conf', 'x.conf']],
  // contains does not filter when file_type is any (Ansible applies it to regular files only)
  [{ paths: A, file_type: 'any', contains: 'hel+o' }, 4, 5, ['l.conf', 'sub', 'x.conf', 'y.txt']],
  [{ paths: A, contains: 'hel+o', recurse: true }, 2, 8, ['sub/z.conf', 'x.conf']],
  [{ paths: A, file_type: 'directory', recurse: true }, 1, 8, ['sub']],
  // Ansible's walk examines one level below the depth (7: the 5 entries of a/ and the 2 of sub/)
  [{ paths: A, patterns: '.*\\.conf$', use_regex: true, recurse: true, depth: 1 }, 1, 7, ['x.conf']],
  [{ paths: A, file_type: 'link' }, 1, 5, ['l.conf']],
  [{ paths: A, size: '-1', recurse: true, hidden: true }, 1, 8, ['.h.conf']],
  [{ paths: A, age: '-1d' }, 2, 5, ['x.conf', 'y.txt']],
  [{ paths: A, age: '1d' }, 0, 5, []],
];

describe('find', () => {
  it.each(rows)('%j', async (args, matched, examined, paths) => {
    const r = await find(args);
    expect(r.files.map((f) => f.path.slice(A.length + 1)).sort()).toEqual(paths);
    expect(r).toMatchObject({ changed: false, matched, examined });
  });

  it("gives each file Ansible's stat keys; a path that is not a directory is skipped with a warning", async () => {
    const r = await find({ paths: [A, join(root, 'nope')], patterns: 'x.conf', get_checksum: true });
    expect(r.files[0]).toMatchObject({ path: join(A, 'x.conf'), mode: expect.stringMatching(/^0[0-7]{3}$/), isreg: true, isdir: false, islnk: false, size: 6, nlink: 1, rusr: true, wusr: true, xoth: false, checksum: 'f572d396fae9206628714fb2ce00f72e94f2258f' });
    expect(Object.keys(r.files[0] as object).sort()).toEqual(['atime', 'checksum', 'ctime', 'dev', 'gid', 'gr_name', 'inode', 'isblk', 'ischr', 'isdir', 'isfifo', 'isgid', 'islnk', 'isreg', 'issock', 'isuid', 'mode', 'mtime', 'nlink', 'path', 'pw_name', 'rgrp', 'roth', 'rusr', 'size', 'uid', 'wgrp', 'woth', 'wusr', 'xgrp', 'xoth', 'xusr']);
    expect(r.skipped_paths).toEqual({ [join(root, 'nope')]: `'${join(root, 'nope')}' is not a directory` });
    expect((r as unknown as { warnings: string[] }).warnings).toEqual([`Skipped '${join(root, 'nope')}' path due to this access issue: '${join(root, 'nope')}' is not a directory`]);
  });
});
