// package_facts against fake dpkg-query and rpm programs (their real output format), and the shape
// ansible-playbook's package_facts gives on this Debian controller for the same packages.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleResult } from '../../engine/modules/types.js';
import { moduleContext } from '../support/module-context.js';
import { writeTree } from '../support/tree.js';

const DPKG = 'printf \'bash\\t5.2.15-2+b8\\tamd64\\tshells\\t\\tii \\nlibc6\\t2.36-9\\tamd64\\tlibs\\t\\tii \\nlibc6\\t2.36-9\\ti386\\tlibs\\t\\thi \\nold\\t1.0\\tall\\tmisc\\t\\trc \\n\'';
const RPM = 'printf \'bash\\t5.1.8\\t9.el9\\t(none)\\tx86_64\\nopenssl\\t3.0.7\\t27.el9\\t1\\tx86_64\\n\'';

async function facts(tools: Record<string, string>, args: Record<string, unknown> = {}): Promise<ModuleResult> {
  const root = writeTree(Object.fromEntries(Object.entries(tools).map(([k, v]) => [`bin/${k}`, `#!/bin/sh\n${v}\n`])));
  for (const k of Object.keys(tools)) chmodSync(join(root, 'bin', k), 0o755);
  // only the fake tools (and the shell's basics) are found: PATH is the fake bin and /bin for printf
  const ctx = moduleContext(args, { env: { PATH: `${join(root, 'bin')}:/nonexistent` } });
  return (IMPLEMENTATIONS.package_facts as (c: typeof ctx) => Promise<ModuleResult>)(ctx);
}

describe('package_facts', () => {
  it('reads dpkg: every installed architecture, not packages with only their configuration left', async () => {
    const r = await facts({ 'dpkg-query': DPKG });
    expect(r.ansible_facts).toEqual({
      packages: {
        bash: [{ name: 'bash', version: '5.2.15-2+b8', arch: 'amd64', category: 'shells', origin: '', source: 'apt' }],
        libc6: [
          { name: 'libc6', version: '2.36-9', arch: 'amd64', category: 'libs', origin: '', source: 'apt' },
          { name: 'libc6', version: '2.36-9', arch: 'i386', category: 'libs', origin: '', source: 'apt' },
        ],
      },
    });
  });

  it('reads rpm (epoch a number or null); strategy all asks every manager found; an unknown manager is an error', async () => {
    const r = await facts({ rpm: RPM });
    expect((r.ansible_facts as { packages: unknown }).packages).toEqual({
      bash: [{ name: 'bash', version: '5.1.8', release: '9.el9', epoch: null, arch: 'x86_64', source: 'rpm' }],
      openssl: [{ name: 'openssl', version: '3.0.7', release: '27.el9', epoch: 1, arch: 'x86_64', source: 'rpm' }],
    });
    const both = await facts({ rpm: RPM, 'dpkg-query': DPKG }, { strategy: 'all' });
    expect(((both.ansible_facts as { packages: Record<string, unknown[]> }).packages.bash ?? []).map((p) => (p as { source: string }).source)).toEqual(['apt', 'rpm']);
    const first = await facts({ rpm: RPM, 'dpkg-query': DPKG });
    expect(((first.ansible_facts as { packages: Record<string, unknown[]> }).packages.bash ?? []).length).toBe(1);
    expect(await facts({ rpm: RPM }, { manager: ['pacman'] })).toMatchObject({ failed: true, msg: 'package_facts: kplay reads apt (dpkg) and rpm packages; not pacman' });
    expect(await facts({})).toMatchObject({ failed: true, msg: expect.stringContaining('Could not detect a supported package manager') });
  });
});
