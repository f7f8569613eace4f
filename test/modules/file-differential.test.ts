// file against Ansible's own module: the same tasks under kplay and ansible-playbook (with --diff), each in
// its own sandboxed /etc. Compared: each task's outcome and every key it registers, its diff (touch's
// times aside) and the lines --diff prints, and what is left under /etc/kplay-f: every path's kind, mode,
// owner and group, and where each link points.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, printedTasks, registeredPairs, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const D = '/etc/kplay-f';
const file = (args: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ file: args, ...extra });

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  [file({ path: `${D}/pki/etcd`, state: 'directory', mode: '0700' }), 'changed'],
  [file({ path: `${D}/pki/etcd`, state: 'directory', mode: '0700' }), 'ok'],
  [file({ path: `${D}/pki/etcd`, state: 'directory', mode: 'u=rwx,g=rx,o=' }), 'changed'],
  [file({ path: `${D}/pki/etcd`, state: 'directory', mode: 'u=rwx,g=rx,o=' }), 'ok'],
  [file({ path: `${D}/log`, state: 'touch', mode: '0640' }), 'changed'],
  [file({ path: `${D}/log`, state: 'touch', access_time: 'preserve', modification_time: 'preserve', mode: '0640' }), 'ok'],
  [file({ path: `${D}/log`, state: 'touch', access_time: 'preserve', modification_time: 'preserve', mode: '0600' }), 'changed'],
  [file({ path: `${D}/log`, state: 'file', group: 'adm' }), 'changed'],
  [file({ path: `${D}/log`, state: 'file', group: 'adm' }), 'ok'],
  [file({ path: `${D}/nope`, state: 'file' }), 'failed'],
  [file({ path: `${D}/log`, state: 'directory' }), 'failed'],
  [file({ path: `${D}/current`, src: 'pki', state: 'link' }), 'changed'],
  [file({ path: `${D}/current`, src: 'pki', state: 'link' }), 'ok'],
  [file({ path: `${D}/current`, src: 'pki/etcd', state: 'link' }), 'changed'],
  [file({ path: `${D}/dangling`, src: `${D}/missing`, state: 'link' }), 'failed'],
  [file({ path: `${D}/dangling`, src: `${D}/missing`, state: 'link', force: true }), 'changed'],
  [file({ path: `${D}/log`, src: `${D}/pki`, state: 'link' }), 'failed'],
  [file({ path: `${D}/hard`, src: `${D}/log`, state: 'hard' }), 'changed'],
  [file({ path: `${D}/hard`, src: `${D}/log`, state: 'hard' }), 'ok'],
  [file({ path: `${D}/pki`, state: 'directory', owner: 'nobody', recurse: true }), 'changed'],
  [file({ path: `${D}/pki`, state: 'directory', owner: 'nobody', recurse: true }), 'ok'],
  [file({ path: `${D}/gone`, state: 'directory' }, { check_mode: true }), 'changed'],
  [file({ path: `${D}/dangling`, state: 'absent' }), 'changed'],
  [file({ path: `${D}/dangling`, state: 'absent' }), 'ok'],
  [file({ path: `${D}/current`, src: 'pki', state: 'link' }, { check_mode: true }), 'changed'],
  [file({ path: `${D}/pki`, state: 'file' }), 'failed'],
  [file({ path: `${D}/log`, state: 'directory' }), 'failed'],
  [file({ path: `${D}/loglink`, src: `${D}/log`, state: 'link' }), 'changed'],
  [file({ path: `${D}/loglink`, state: 'file', mode: '0604' }), 'changed'],
  [file({ path: `${D}/loglink`, state: 'file', mode: '0604' }), 'ok'],
  [file({ path: `${D}/hm`, src: `${D}/missing`, state: 'hard' }), 'failed'],
  [file({ path: `${D}/hard`, src: `${D}/loglink`, state: 'hard' }), 'ok'],
  [file({ path: `${D}/lk`, src: `${D}/missing2`, state: 'link', force: true }), 'changed'],
  [file({ path: `${D}/lk`, src: `${D}/missing2`, state: 'link' }), 'failed'],
  [file({ path: `${D}/lk`, src: `${D}/missing2`, state: 'link', force: true }), 'ok'],
  [file({ path: `${D}/suid`, state: 'touch', owner: 'nobody', mode: '04755' }), 'changed'],
  [file({ path: `${D}/odd`, state: 'touch', owner: '12345', group: '12345' }), 'changed'],
  [file({ path: `${D}/odd`, state: 'file' }), 'ok'],
  [file({ path: `${D}/new`, state: 'touch' }, { check_mode: true }), 'changed'],
  [file({ path: `${D}/empty`, state: 'directory' }), 'changed'],
  [file({ path: `${D}/empty`, src: `${D}/log`, state: 'link' }), 'failed'],
  [file({ path: `${D}/empty`, src: `${D}/log`, state: 'link', force: true }), 'changed'],
  [file({ path: `${D}/pki`, src: `${D}/log`, state: 'link', force: true }), 'failed'],
  [file({ path: `${D}/pki`, src: `${D}/log`, state: 'hard' }), 'changed'],
  [file({ path: `${D}/run.sh`, state: 'touch', mode: '0644' }), 'changed'],
  [file({ path: `${D}/run.sh`, mode: '+x' }), 'changed'],
  [file({ path: `${D}/run.sh`, mode: '+x' }), 'ok'],
  [file({ path: `${D}/run.sh`, mode: 'u+w,-w' }), 'changed'],
  [file({ path: `${D}/run.sh`, mode: 'u+w,-w' }), 'ok'],
  // links followed (follow: true, the default) or not
  [file({ path: `${D}/data`, state: 'directory', mode: '0755' }), 'changed'],
  [file({ path: `${D}/datalink`, src: `${D}/data`, state: 'link' }), 'changed'],
  [file({ path: `${D}/datalink`, state: 'directory', mode: '0700' }), 'changed'],
  [file({ path: `${D}/datalink`, state: 'directory', mode: '0700' }), 'ok'],
  [file({ path: `${D}/datalink`, state: 'directory', follow: false }), 'failed'],
  [file({ path: `${D}/loglink`, state: 'file', follow: false }), 'failed'],
  [file({ path: `${D}/newlink`, src: `${D}/newdir`, state: 'link', force: true }), 'changed'],
  [file({ path: `${D}/newlink`, state: 'directory' }), 'changed'],
  [file({ path: `${D}/loglink`, src: `${D}/log`, state: 'link', mode: '0640' }), 'changed'],
  [file({ path: `${D}/loglink`, src: `${D}/log`, state: 'link', mode: '0640' }), 'ok'],
  [file({ path: `${D}/loglink`, src: `${D}/log`, state: 'link', owner: 'nobody' }), 'changed'],
  [file({ path: `${D}/ownlink`, src: `${D}/log`, state: 'link', owner: 'nobody', follow: false }), 'changed'],
  [file({ path: `${D}/ownlink`, src: `${D}/log`, state: 'link', owner: 'nobody', follow: false }), 'ok'],
  [file({ path: `${D}/h2`, src: `${D}/run.sh`, state: 'hard', mode: '0750' }), 'changed'],
  [file({ path: `${D}/h2`, src: `${D}/run.sh`, state: 'hard', mode: '0750' }), 'ok'],
  // a symbolic mode down a tree: a change where a path below lacks it, none once all have it
  [file({ path: `${D}/tree/sub`, state: 'directory', mode: '0750' }), 'changed'],
  [file({ path: `${D}/tree/sub/key`, state: 'touch', mode: '0644' }), 'changed'],
  [file({ path: `${D}/tree/sub/run`, state: 'touch', mode: '0755' }), 'changed'],
  [file({ path: `${D}/tree`, state: 'directory', mode: '0750' }), 'ok'],
  [file({ path: `${D}/tree`, state: 'directory', mode: 'u=rwX,g=rX,o=', recurse: true }), 'changed'],
  [file({ path: `${D}/tree`, state: 'directory', mode: 'u=rwX,g=rX,o=', recurse: true }), 'ok'],
  [file({ path: `${D}/tree`, state: 'directory', mode: 'go-w', recurse: true }), 'ok'],
  [file({ path: `${D}/tree`, state: 'directory', mode: '-x', recurse: true }, { check_mode: true }), 'changed'],
  // recurse with links below: a link keeps its mode and gets its own owner and group; with follow (the
  // default) what it leads to gets all three, walked into when it is a directory; one leading nowhere is passed by
  [file({ path: `${D}/rtree/sub`, state: 'directory', mode: '0700' }), 'changed'],
  [file({ path: `${D}/rtree/a`, state: 'touch', mode: '0600' }), 'changed'],
  [file({ path: `${D}/rout/inner`, state: 'directory', mode: '0700' }), 'changed'],
  [file({ path: `${D}/rout/inner/c`, state: 'touch', mode: '0600' }), 'changed'],
  [file({ path: `${D}/rfile`, state: 'touch', mode: '0600' }), 'changed'],
  [file({ path: `${D}/rtree/lnk`, src: '../rout', state: 'link' }), 'changed'],
  [file({ path: `${D}/rtree/flink`, src: `${D}/rfile`, state: 'link' }), 'changed'],
  [file({ path: `${D}/rtree/alink`, src: 'a', state: 'link' }), 'changed'],
  [file({ path: `${D}/rtree/broken`, src: `${D}/nowhere`, state: 'link', force: true }), 'changed'],
  [file({ path: `${D}/rtree`, state: 'directory', mode: '0755', recurse: true }), 'changed'],
  [file({ path: `${D}/rtree`, state: 'directory', mode: '0755', recurse: true }), 'ok'],
  [file({ path: `${D}/rtree`, state: 'directory', owner: 'nobody', group: 'adm', recurse: true }), 'changed'],
  [file({ path: `${D}/rtree`, state: 'directory', owner: 'nobody', group: 'adm', recurse: true }), 'ok'],
  [file({ path: `${D}/rtree`, state: 'directory', mode: 'g-x', recurse: true }), 'changed'],
  [file({ path: `${D}/rtree`, state: 'directory', mode: 'g-x', recurse: true }), 'ok'],
  // follow: false: a link's own owner, nothing it leads to
  [file({ path: `${D}/ftree`, state: 'directory', mode: '0700' }), 'changed'],
  [file({ path: `${D}/ftree/lnk`, src: `${D}/rout`, state: 'link' }), 'changed'],
  [file({ path: `${D}/ftree`, state: 'directory', mode: '0750', owner: 'root', recurse: true, follow: false }), 'changed'],
  [file({ path: `${D}/ftree`, state: 'directory', mode: '0750', owner: 'root', recurse: true, follow: false }), 'ok'],
  // no hard link to a directory: os.link's refusal, in the module's words (check mode only says it would link)
  [file({ path: `${D}/dirhard`, src: `${D}/rout`, state: 'hard' }, { check_mode: true }), 'changed'],
  [file({ path: `${D}/dirhard`, src: `${D}/rout`, state: 'hard' }), 'failed'],
  // removed: a directory with what is below it (the diff lists it as os.walk does), a file, a path already gone
  [file({ path: `${D}/rtree`, state: 'absent' }, { check_mode: true }), 'changed'],
  [file({ path: `${D}/rtree`, state: 'absent' }), 'changed'],
  [file({ path: `${D}/rfile`, state: 'absent' }), 'changed'],
  [file({ path: `${D}/rfile`, state: 'absent' }), 'ok'],
  [file({ path: `${D}/made/deep`, state: 'directory', mode: '0750', owner: 'nobody' }), 'changed'],
  [file({ path: `${D}/made/deep`, state: 'directory', mode: '0750', owner: 'nobody', group: 'adm' }), 'changed'],
];

// every path under the directory: kind, mode, owner, group and link target
const tree = (run: EngineRun): string[] =>
  execFileSync('find', [run.sandbox.path(D), '-printf', '%P %y %m %u %g %l\\n'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .sort();

// each task's diff without touch's times (the clock's), sandbox paths alike
const diffs = (run: EngineRun): unknown[] =>
  run.results.slice(0, steps.length).map((r) => {
    const d = r.diff as { before?: Record<string, unknown>; after?: Record<string, unknown> } | undefined;
    if (!d?.before || !d.after) return d;
    const side = (x: Record<string, unknown>): string => JSON.stringify(Object.fromEntries(Object.entries(x).filter(([k]) => k !== 'atime' && k !== 'mtime'))).replace(/\/tmp\/kplay-sandbox-[^/"]+/g, '@SANDBOX@');
    return { before: side(d.before), after: side(d.after) };
  });

// the console's lines up to the report task's, without touch's times (and the hunk ranges they move)
const printed = (run: EngineRun): string[] => printedTasks(run).filter((l) => !/^[-+ ] {4}"[am]time": /.test(l) && !/^@@ /.test(l));

describe.skipIf(!hasAnsible || !canSandbox())('file, kplay vs ansible-playbook', () => {
  const run = bothEngines(steps.map(([t]) => t), {}, ['--diff']);

  it('every task reports what Ansible reports', () => {
    const shown = (r: EngineRun): string[] => r.results.map((x, i) => `${i} ${JSON.stringify(steps[i]?.[0])}: ${outcome(x)}`);
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it("registers what Ansible's file registers, key by key: add_path_info's uid, gid, owner, group, mode, size and state, path or dest", () => {
    const { kplay, ansible } = registeredPairs(run().kplay, run().ansible);
    kplay.forEach((r, i) => expect({ i, task: steps[i]?.[0], r }).toEqual({ i, task: steps[i]?.[0], r: ansible[i] }));
  });

  it("registers the diff Ansible's file module gives: path, state, a removed directory's content, a link's source, owner and group ids, mode", () => {
    const k = diffs(run().kplay);
    const a = diffs(run().ansible);
    k.forEach((d, i) => expect({ i, task: steps[i]?.[0], d }).toEqual({ i, task: steps[i]?.[0], d: a[i] }));
    expect(JSON.stringify(k)).toContain('path_content');
  });

  it('prints the same --diff lines (the hunk ranges and touch times aside)', () => {
    expect(printed(run().kplay)).toEqual(printed(run().ansible));
  });

  it('leaves the same paths, kinds, modes, owners and links', () => {
    expect(tree(run().kplay)).toEqual(tree(run().ansible));
    expect(tree(run().kplay)).toContain(' l 777 root root pki/etcd'.replace(/^/, 'current'));
  });
});
