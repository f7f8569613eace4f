// sysctl's plan carried out by the shared executor against a fake sysctl program (recording what it is
// asked, answering -n from a file, failing -w of a read-only key with exit status 0 as the kernel's
// sysctl does) and a temporary sysctl_file. What the plan decides is in test/fixtures/modules/sysctl/
// and sysctl-differential.test.ts; these rows check what reaches the host.
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleContext, ModuleResult } from '../../engine/modules/types.js';
import { moduleContext } from '../support/module-context.js';
import { writeTree } from '../support/tree.js';

const FAKE = `#!/bin/sh
echo "$*" >> "$ROOT/calls"
[ "$1" = -e ] && shift
case "$1" in
  -n) cat "$ROOT/live";;
  -w) case "$2" in ro.*) echo "sysctl: setting key \\"\${2%%=*}\\": Read-only file system" >&2;; esac;;
esac
`;

async function sysctl(file: string | undefined, args: Record<string, unknown>, check = false): Promise<{ r: ModuleResult; file: string | undefined; calls: string[] }> {
  const root = writeTree({ 'bin/sysctl': FAKE, live: '1\n', ...(file === undefined ? {} : { 'sysctl.conf': file }) });
  chmodSync(join(root, 'bin/sysctl'), 0o755);
  const ctx = moduleContext({ sysctl_file: join(root, 'sysctl.conf'), ...args }, { check, env: { PATH: `${join(root, 'bin')}:${process.env.PATH}`, ROOT: root } });
  const r = await (IMPLEMENTATIONS.sysctl as (c: ModuleContext) => Promise<ModuleResult>)(ctx);
  const calls = existsSync(join(root, 'calls')) ? readFileSync(join(root, 'calls'), 'utf8').trim().split('\n') : [];
  return { r, file: existsSync(join(root, 'sysctl.conf')) ? readFileSync(join(root, 'sysctl.conf'), 'utf8') : undefined, calls: calls.map((c) => c.replace(root, 'ROOT')) };
}

// [file before, args, file after, sysctl calls, changed]; the live value is 1
const rows: [string | undefined, Record<string, unknown>, string | undefined, string[], boolean][] = [
  [undefined, { name: 'net.ipv4.ip_forward', value: '1' }, 'net.ipv4.ip_forward=1\n', ['-e -n net.ipv4.ip_forward', '-p ROOT/sysctl.conf'], true],
  ['# keep\nnet.ipv4.ip_forward = 1\n', { name: 'net.ipv4.ip_forward', value: 1 }, '# keep\nnet.ipv4.ip_forward = 1\n', ['-e -n net.ipv4.ip_forward'], false],
  ['', { name: 'net.ipv4.ip_forward', value: '1', reload: false }, 'net.ipv4.ip_forward=1\n', ['-e -n net.ipv4.ip_forward'], true],
  // sysctl_set: the live value set first, then the file written and reloaded
  ['net.ipv4.ip_forward=1\n', { name: 'net.ipv4.ip_forward', value: '0', sysctl_set: true, ignoreerrors: true }, 'net.ipv4.ip_forward=0\n', ['-e -n net.ipv4.ip_forward', '-e -w net.ipv4.ip_forward=0', '-e -p ROOT/sysctl.conf'], true],
];

describe('sysctl', () => {
  it.each(rows)('file %j, args %j', async (before, args, after, calls, changed) => {
    const r = await sysctl(before, args);
    expect(r.file).toBe(after);
    expect(r.calls).toEqual(calls);
    expect(r.r.changed).toBe(changed);
    expect(r.r.failed).toBeUndefined();
  });

  it('changes nothing in check mode; value is required with state=present before anything is read', async () => {
    const r = await sysctl('vm.swappiness=10\n', { name: 'vm.swappiness', value: '0', sysctl_set: true }, true);
    expect(r).toMatchObject({ file: 'vm.swappiness=10\n', calls: ['-e -n vm.swappiness'], r: { changed: true } });
    expect(await sysctl('', { name: 'vm.swappiness' })).toMatchObject({ calls: [], r: { failed: true, msg: 'state is present but all of the following are missing: value' } });
  });

  it('fails on sysctl\'s read-only complaint although it exits with 0, before the file is written', async () => {
    const r = await sysctl('', { name: 'ro.key', value: '0', sysctl_set: true });
    expect(r.r).toMatchObject({ failed: true, msg: 'setting ro.key failed: sysctl: setting key "ro.key": Read-only file system\n' });
    expect(r.file).toBe('');
    expect(r.calls).toEqual(['-e -n ro.key', '-w ro.key=0']);
  });
});

describe('sysctl by its collection name', () => {
  it('ansible.posix.sysctl is kplay\'s sysctl', async () => {
    const { resolveModuleName } = await import('../../engine/modules/specs.js');
    expect(resolveModuleName('ansible.posix.sysctl')).toBe('sysctl');
  });
});
