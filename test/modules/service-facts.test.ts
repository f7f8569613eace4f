// service_facts: systemd's listing read from a fake systemctl (PID 1 made systemd by redirecting
// /proc/1/comm into a fixture), and on this machine (SysV scripts, `service --status-all`) the same
// facts as Ansible's own service_facts.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleContext, ModuleResult } from '../../engine/modules/types.js';
import { bothEngines } from '../support/differential-play.js';
import { moduleContext } from '../support/module-context.js';
import { hasAnsible } from '../support/oracle.js';
import { redirected } from '../support/redirect.js';
import { canSandbox } from '../support/sandbox.js';
import { writeTree } from '../support/tree.js';

const UNITS = `  UNIT                      LOAD      ACTIVE   SUB     DESCRIPTION
  containerd.service        loaded    active   running containerd container runtime
  kubelet.service           loaded    activating auto-restart kubelet
● ghost.service             not-found inactive dead    ghost.service
● broken.service            loaded    failed   failed  Broken

LOAD   = Reflects whether the unit definition was properly loaded.
4 loaded units listed.
`;
const FILES = `UNIT FILE                  STATE           VENDOR PRESET
containerd.service         enabled         enabled
kubelet.service            enabled         enabled
broken.service             enabled         enabled
etcd.service               disabled        enabled
rescue.service             static          -

5 unit files listed.
`;
const SYSTEMCTL = `#!/bin/sh
case "$1" in
  list-units) cat "$ROOT/units";;
  list-unit-files) cat "$ROOT/files";;
  show) shift; for a in "$@"; do case "$a" in --*) ;; *) printf 'Id=%s\\nActiveState=inactive\\n\\n' "$a";; esac; done;;
esac
`;

async function facts(): Promise<ModuleResult> {
  const root = writeTree({ 'bin/systemctl': SYSTEMCTL, units: UNITS, files: FILES, 'proc/1/comm': 'systemd\n' });
  chmodSync(join(root, 'bin/systemctl'), 0o755);
  // no `service` program on this host (/usr/sbin is not on the PATH)
  const base = moduleContext({}, { env: { PATH: `${join(root, 'bin')}:/usr/bin:/bin`, ROOT: root } });
  const ctx = { ...base, host: redirected(base.host, { '/proc/1/comm': join(root, 'proc/1/comm') }) };
  return (IMPLEMENTATIONS.service_facts as (c: ModuleContext) => Promise<ModuleResult>)(ctx);
}

describe('service_facts on systemd', () => {
  it("reads units and unit files as Ansible's module does", async () => {
    const r = await facts();
    expect((r.ansible_facts as { services: unknown }).services).toEqual({
      'containerd.service': { name: 'containerd.service', state: 'running', status: 'enabled', source: 'systemd' },
      'kubelet.service': { name: 'kubelet.service', state: 'stopped', status: 'enabled', source: 'systemd' },
      'ghost.service': { name: 'ghost.service', state: 'stopped', status: 'not-found', source: 'systemd' },
      'broken.service': { name: 'broken.service', state: 'stopped', status: 'failed', source: 'systemd' },
      'etcd.service': { name: 'etcd.service', state: 'inactive', status: 'disabled', source: 'systemd' },
      'rescue.service': { name: 'rescue.service', state: 'inactive', status: 'static', source: 'systemd' },
    });
  });
});

describe.skipIf(!hasAnsible || !canSandbox())('service_facts on this machine, kplay vs ansible-playbook', () => {
  const run = bothEngines([{ service_facts: {} }]);

  it('gives the same services', () => {
    const services = (i: 'kplay' | 'ansible'): unknown => (run()[i].results[0]?.ansible_facts as { services?: unknown } | undefined)?.services;
    expect(services('kplay')).toEqual(services('ansible'));
    expect(Object.keys(services('kplay') as object).length).toBeGreaterThan(0);
  });
});
