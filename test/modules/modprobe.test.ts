// modprobe on a made-up kernel: /proc/modules, modules.builtin, /etc/modules-load.d and /etc/modprobe.d
// are files of a fixture tree (the module's commands and writes are redirected there) and modprobe is
// a fake that records its arguments and "loads" a module by listing it in the fake /proc/modules.
// One row per case: the kernel and files before, arguments -> modprobe calls, files after, changed.
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleContext, ModuleResult } from '../../engine/modules/types.js';
import { moduleContext } from '../support/module-context.js';
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

async function modprobe(files: Tree, args: Record<string, unknown>, check = false): Promise<{ r: ModuleResult; calls: string[]; files: Tree; warnings: string[] }> {
  const root = writeTree({ 'bin/modprobe': FAKE, 'bin/uname': '#!/bin/sh\necho 6.1.0-test\n', 'etc/modules-load.d/.keep': '', 'etc/modprobe.d/.keep': '', ...files });
  for (const b of ['modprobe', 'uname']) chmodSync(join(root, 'bin', b), 0o755);
  const warnings: string[] = [];
  const base = moduleContext(args, { check, env: { PATH: `${join(root, 'bin')}:${process.env.PATH}`, ROOT: root }, warn: (w) => warnings.push(w) });
  const ctx = { ...base, host: redirected(base.host, { '/proc/modules': join(root, 'proc/modules'), '/lib/modules/': join(root, 'lib/modules') + '/', '/etc/': join(root, 'etc') + '/' }) };
  const r = await (IMPLEMENTATIONS.modprobe as (c: ModuleContext) => Promise<ModuleResult>)(ctx);
  const after: Tree = {};
  for (const d of ['etc/modules-load.d', 'etc/modprobe.d']) for (const f of readdirSync(join(root, d)).filter((n) => n !== '.keep')) after[`${d}/${f}`] = readFileSync(join(root, d, f), 'utf8');
  if (existsSync(join(root, 'proc/modules'))) after['proc/modules'] = readFileSync(join(root, 'proc/modules'), 'utf8');
  return { r, calls: existsSync(join(root, 'calls')) ? readFileSync(join(root, 'calls'), 'utf8').trim().split('\n') : [], files: after, warnings };
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
