// modprobe on a made-up kernel: /proc/modules, modules.builtin, /etc/modules-load.d and /etc/modprobe.d
// are files of a fixture tree (the module's commands and writes are redirected there) and modprobe is
// a fake that records its arguments and "loads" a module by listing it in the fake /proc/modules.
// One row per case: the kernel and files before, arguments -> modprobe calls, files after, changed.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleContext, ModuleResult } from '../../engine/modules/types.js';
import { moduleContext } from '../support/module-context.js';
import { hasAnsible } from '../support/oracle.js';
import { systemPython } from '../support/python.js';
import { redirected } from '../support/redirect.js';
import { writeTree } from '../support/tree.js';

const FAKE = `#!/bin/sh
echo "$*" >> "$ROOT/calls"
case "$*" in
  *nosuchmod*) echo "modprobe: FATAL: Module nosuchmod not found" >&2; exit 1;;
  "-n --first-time"*) echo "modprobe: ERROR: could not insert '$3': Module already in kernel" >&2; exit 1;;
  *quiet_mod*) exit 0;;
  -r*) exit 0;;
  -n*) exit 0;;
  *) echo "$(echo "$1" | tr - _) 16384 0 - Live 0x0" >> "$ROOT/proc/modules";;
esac
`;

type Tree = Record<string, string>;

type Run = { r: ModuleResult; calls: string[]; files: Tree; warnings: string[] };

// the fixture tree: the files of the row, the fake modprobe and uname, and the two configuration directories
function kernelTree(files: Tree): { root: string; env: Record<string, string> } {
  const root = writeTree({ 'bin/modprobe': FAKE, 'bin/uname': '#!/bin/sh\necho 6.1.0-test\n', 'etc/modules-load.d/.keep': '', 'etc/modprobe.d/.keep': '', ...files });
  for (const b of ['modprobe', 'uname']) chmodSync(join(root, 'bin', b), 0o755);
  return { root, env: { PATH: `${join(root, 'bin')}:${process.env.PATH}`, ROOT: root } };
}

// what a run left: modprobe's calls, the configuration files and the fake /proc/modules
function leftBehind(root: string, r: ModuleResult, warnings: string[]): Run {
  const after: Tree = {};
  for (const d of ['etc/modules-load.d', 'etc/modprobe.d']) for (const f of readdirSync(join(root, d)).filter((n) => n !== '.keep')) after[`${d}/${f}`] = readFileSync(join(root, d, f), 'utf8');
  if (existsSync(join(root, 'proc/modules'))) after['proc/modules'] = readFileSync(join(root, 'proc/modules'), 'utf8');
  return { r, calls: existsSync(join(root, 'calls')) ? readFileSync(join(root, 'calls'), 'utf8').trim().split('\n') : [], files: after, warnings };
}

async function modprobe(files: Tree, args: Record<string, unknown>, check = false): Promise<Run> {
  const { root, env } = kernelTree(files);
  const warnings: string[] = [];
  const base = moduleContext(args, { check, env, warn: (w) => warnings.push(w) });
  const ctx = { ...base, host: redirected(base.host, { '/proc/modules': join(root, 'proc/modules'), '/lib/modules/': join(root, 'lib/modules') + '/', '/etc/': join(root, 'etc') + '/' }) };
  const r = await (IMPLEMENTATIONS.modprobe as (c: ModuleContext) => Promise<ModuleResult>)(ctx);
  return leftBehind(root, r, warnings);
}

// the same row through community.general's own modprobe module (module_oracle.py), on a tree of its own
function ansibleModprobe(files: Tree, args: Record<string, unknown>, check = false): Run {
  const { root, env } = kernelTree(files);
  const out = spawnSync(systemPython ?? 'python3', [join(__dirname, 'module_oracle.py'), 'modprobe', root, JSON.stringify({ ...args, _ansible_check_mode: check })], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const r = JSON.parse(out.stdout.trim().split('\n').pop() ?? '{}') as ModuleResult & { warnings?: string[] };
  const { warnings = [], invocation: _invocation, ...result } = r;
  // what Ansible's action adds to any module's result before a play registers it: stdout and stderr as lines
  for (const k of ['stdout', 'stderr'] as const) if (typeof result[k] === 'string') result[`${k}_lines`] = (result[k] as string).split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
  return leftBehind(root, result, warnings);
}

const KERNEL: Tree = { 'proc/modules': 'overlay 151552 0 - Live 0x0\n', 'lib/modules/6.1.0-test/modules.builtin': 'kernel/net/bridge/br_netfilter.ko\n' };
const LOADED = 'overlay 151552 0 - Live 0x0\nbr_netfilter 16384 0 - Live 0x0\n';

// [files before, args, check, modprobe calls, files after (the fixture's /etc and /proc), changed]
const rows: [Tree, Record<string, unknown>, boolean, string[], Tree, boolean][] = [
  [KERNEL, { name: 'overlay' }, false, [], { 'proc/modules': KERNEL['proc/modules'] as string }, false],
  [KERNEL, { name: 'br_netfilter' }, false, [], { 'proc/modules': KERNEL['proc/modules'] as string }, false],
  [{ ...KERNEL, 'lib/modules/6.1.0-test/modules.builtin': '' }, { name: 'br-netfilter', params: 'a=1 "b=x y"' }, false, ['br-netfilter a=1 b=x y'], { 'proc/modules': LOADED }, true],
  [{ ...KERNEL, 'lib/modules/6.1.0-test/modules.builtin': '' }, { name: 'br_netfilter' }, true, ['-n br_netfilter'], { 'proc/modules': KERNEL['proc/modules'] as string }, true],
  [KERNEL, { name: 'overlay', state: 'absent' }, false, ['-r overlay'], { 'proc/modules': KERNEL['proc/modules'] as string }, true],
  [KERNEL, { name: 'dummy', state: 'absent' }, false, [], { 'proc/modules': KERNEL['proc/modules'] as string }, false],
  // loaded by modprobe but not listed afterwards: not a change (Ansible's module warns why)
  [KERNEL, { name: 'quiet_mod' }, false, ['quiet_mod', '-n --first-time quiet_mod'], { 'proc/modules': KERNEL['proc/modules'] as string }, false],
  [KERNEL, { name: 'overlay', persistent: 'present' }, false, [], { 'etc/modules-load.d/overlay.conf': 'overlay\n', 'proc/modules': KERNEL['proc/modules'] as string }, true],
  [{ ...KERNEL, 'etc/modules-load.d/k8s.conf': 'overlay\nbr_netfilter\n' }, { name: 'overlay', persistent: 'present' }, false, [], { 'etc/modules-load.d/k8s.conf': 'overlay\nbr_netfilter\n', 'proc/modules': KERNEL['proc/modules'] as string }, false],
  [
    { ...KERNEL, 'etc/modprobe.d/old.conf': 'options overlay metacopy=off\n' },
    { name: 'overlay', params: 'metacopy=on', persistent: 'present' },
    false,
    [],
    { 'etc/modprobe.d/old.conf': '#options overlay metacopy=off\n', 'etc/modprobe.d/overlay.conf': 'options overlay metacopy=on\n', 'etc/modules-load.d/overlay.conf': 'overlay\n', 'proc/modules': KERNEL['proc/modules'] as string },
    true,
  ],
  [
    { ...KERNEL, 'etc/modules-load.d/k8s.conf': 'overlay\nbr_netfilter\n', 'etc/modprobe.d/overlay.conf': 'options overlay metacopy=on\n' },
    { name: 'overlay', persistent: 'absent' },
    false,
    [],
    { 'etc/modules-load.d/k8s.conf': '#overlay\nbr_netfilter\n', 'etc/modprobe.d/overlay.conf': '#options overlay metacopy=on\n', 'proc/modules': KERNEL['proc/modules'] as string },
    true,
  ],
];

describe('modprobe', () => {
  it.each(rows)('%j %j (check %s)', async (before, args, check, calls, after, changed) => {
    const r = await modprobe(before, args, check);
    expect(r.calls).toEqual(calls);
    expect(r.files).toEqual(after);
    expect(r.r).toMatchObject({ changed, name: args.name, state: args.state ?? 'present' });
    expect(r.r.failed).toBeUndefined();
  });

  it('warns when a load leaves the module unlisted; fails with modprobe\'s words or without /proc/modules', async () => {
    expect((await modprobe(KERNEL, { name: 'quiet_mod' })).warnings).toEqual(["modprobe: ERROR: could not insert 'quiet_mod': Module already in kernel"]);
    expect((await modprobe({ ...KERNEL, 'lib/modules/6.1.0-test/modules.builtin': '' }, { name: 'nosuchmod' })).r).toMatchObject({ failed: true, rc: 1, msg: 'modprobe: FATAL: Module nosuchmod not found\n' });
    expect((await modprobe({}, { name: 'overlay' })).r).toMatchObject({ failed: true, msg: expect.stringMatching(/^\[Errno 2\] No such file or directory: '.*proc\/modules'$/) });
  });
});

// Ansible's module writes a file it comments lines out of with '\n'.join(lines that keep their '\n'):
// every line after the first is preceded by an empty one. kplay keeps the file's lines as they were.
const ansibleDoubled = (text: string): string => text.split(/(?<=\n)/).join('\n');

describe.skipIf(!hasAnsible)("modprobe against community.general's own module", () => {
  it.each(rows)('%j %j (check %s)', async (before, args, check) => {
    const ours = await modprobe(before, args, check);
    const theirs = ansibleModprobe(before, args, check);
    expect(theirs.calls).toEqual(ours.calls);
    const edited = Object.keys(ours.files).filter((p) => before[p] !== undefined && before[p] !== ours.files[p] && ours.files[p]?.startsWith('#'));
    expect(theirs.files).toEqual({ ...ours.files, ...Object.fromEntries(edited.map((p) => [p, ansibleDoubled(ours.files[p] as string)])) });
    expect(theirs.r).toEqual(ours.r);
    expect(theirs.warnings.map((w) => w.trim())).toEqual(ours.warnings);
  });

  it('fails and warns as it does', async () => {
    const cases: [Tree, Record<string, unknown>][] = [
      [KERNEL, { name: 'quiet_mod' }],
      [{ ...KERNEL, 'lib/modules/6.1.0-test/modules.builtin': '' }, { name: 'nosuchmod' }],
    ];
    for (const [files, args] of cases) {
      const ours = await modprobe(files, args);
      const theirs = ansibleModprobe(files, args);
      expect([theirs.r, theirs.warnings.map((w) => w.trim())]).toEqual([ours.r, ours.warnings]);
    }
  });
});
