// sysctl against a fake sysctl program (recording what it is asked, answering -n from a file) and a
// temporary sysctl_file: one row per case (file before, arguments, file after, sysctl calls, changed).
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleContext, ModuleResult } from '../../engine/modules/types.js';
import { moduleContext } from '../support/module-context.js';
import { writeTree } from '../support/tree.js';

const FAKE = `#!/bin/sh
echo "$*" >> "$ROOT/calls"
case "$1" in
  -n) cat "$ROOT/live" 2>/dev/null || { echo "sysctl: cannot stat $2" >&2; exit 255; };;
esac
`;

async function sysctl(file: string | undefined, args: Record<string, unknown>, check = false): Promise<{ r: ModuleResult; file: string | undefined; calls: string[] }> {
  const root = writeTree({ 'bin/sysctl': FAKE, live: '0\n', ...(file === undefined ? {} : { 'sysctl.conf': file }) });
  chmodSync(join(root, 'bin/sysctl'), 0o755);
  const ctx = moduleContext({ sysctl_file: join(root, 'sysctl.conf'), ...args }, { check, env: { PATH: `${join(root, 'bin')}:${process.env.PATH}`, ROOT: root } });
  const r = await (IMPLEMENTATIONS.sysctl as (c: ModuleContext) => Promise<ModuleResult>)(ctx);
  const calls = existsSync(join(root, 'calls')) ? readFileSync(join(root, 'calls'), 'utf8').trim().split('\n') : [];
  return { r, file: existsSync(join(root, 'sysctl.conf')) ? readFileSync(join(root, 'sysctl.conf'), 'utf8') : undefined, calls: calls.map((c) => c.replace(root, 'ROOT')) };
}

// [file before, args, file after, sysctl calls, changed]
const rows: [string | undefined, Record<string, unknown>, string | undefined, string[], boolean][] = [
  [undefined, { name: 'net.ipv4.ip_forward', value: '1' }, 'net.ipv4.ip_forward=1\n', ['-p ROOT/sysctl.conf'], true],
  ['# keep\nnet.ipv4.ip_forward = 1\n', { name: 'net.ipv4.ip_forward', value: 1 }, '# keep\nnet.ipv4.ip_forward = 1\n', [], false],
  ['net.ipv4.ip_forward=0\nvm.swappiness=10\nnet/ipv4/ip_forward=0\n', { name: 'net.ipv4.ip_forward', value: 'yes' }, 'net.ipv4.ip_forward=1\nvm.swappiness=10\n', ['-p ROOT/sysctl.conf'], true],
  ['net.ipv4.ip_local_port_range = 1024\t65000\n', { name: 'net.ipv4.ip_local_port_range', value: '1024 65000' }, 'net.ipv4.ip_local_port_range = 1024\t65000\n', [], false],
  ['vm.swappiness=10\nnet.ipv4.ip_forward=1\n', { name: 'net.ipv4.ip_forward', state: 'absent' }, 'vm.swappiness=10\n', ['-p ROOT/sysctl.conf'], true],
  ['', { name: 'net.ipv4.ip_forward', value: '1', reload: false }, 'net.ipv4.ip_forward=1\n', [], true],
  // sysctl_set: the live value (0 here) is set when it differs, also when the file already says so
  ['net.ipv4.ip_forward=1\n', { name: 'net.ipv4.ip_forward', value: '1', sysctl_set: true }, 'net.ipv4.ip_forward=1\n', ['-n net.ipv4.ip_forward', '-w net.ipv4.ip_forward=1'], true],
  ['net.ipv4.ip_forward=1\n', { name: 'net.ipv4.ip_forward', value: '0', sysctl_set: true, ignoreerrors: true }, 'net.ipv4.ip_forward=0\n', ['-e -p ROOT/sysctl.conf', '-n net.ipv4.ip_forward'], true],
];

describe('sysctl', () => {
  it.each(rows)('file %j, args %j', async (before, args, after, calls, changed) => {
    const r = await sysctl(before, args);
    expect(r.file).toBe(after);
    expect(r.calls).toEqual(calls);
    expect(r.r.changed).toBe(changed);
    expect(r.r.failed).toBeUndefined();
  });

  it('changes nothing in check mode; value is required with state=present', async () => {
    const r = await sysctl('vm.swappiness=10\n', { name: 'vm.swappiness', value: '1', sysctl_set: true }, true);
    expect(r).toMatchObject({ file: 'vm.swappiness=10\n', calls: ['-n vm.swappiness'], r: { changed: true } });
    expect((await sysctl('', { name: 'vm.swappiness' })).r).toMatchObject({ failed: true, msg: 'value is required when state=present' });
  });
});

describe('sysctl by its collection name', () => {
  it('ansible.posix.sysctl is kplay\'s sysctl', async () => {
    const { resolveModuleName } = await import('../../engine/modules/specs.js');
    expect(resolveModuleName('ansible.posix.sysctl')).toBe('sysctl');
  });
});
