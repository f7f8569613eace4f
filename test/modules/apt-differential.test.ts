// apt against Ansible's own module on real apt and dpkg: both engines with APT_CONFIG pointing at an apt
// and dpkg of their own in the sandbox's work directory (its own status file, lists and a flat file:
// repository of small packages built here with dpkg-deb), so packages are really resolved, installed,
// marked, upgraded, downgraded, removed and purged without touching the machine's. The outcomes,
// messages and apt's output must be Ansible's, and so must the packages installed and marked manual.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { debRepository, type DebSpec } from '../support/deb-repo.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const usable = hasAnsible && canSandbox() && spawnSync('sh', ['-c', 'command -v dpkg-deb && command -v apt-get && /usr/bin/python3 -c "import apt"']).status === 0;

// the repository: small packages built here (their .deb files and the Packages index), under repo/
const PACKAGES: DebSpec[] = [
  { name: 'kx-a', version: '1.0-1' },
  { name: 'kx-a', version: '1.1-1' },
  { name: 'kx-b', version: '2.0-1', control: 'Depends: kx-a\n' },
  { name: 'kx-p', version: '1.0-1', control: 'Provides: kx-v\n' },
  { name: 'kx-r', version: '1.0-1', control: 'Recommends: kx-b\n' },
];
const repository = (): Record<string, Buffer | string> => Object.fromEntries(Object.entries(debRepository(PACKAGES)).map(([k, v]) => [`repo/${k}`, v]));

// apt's and dpkg's directories under $1, the configuration pointing at them, the repository as the only source
const SETUP = `set -e
r=$1/root
mkdir -p $r/var/lib/dpkg/info $r/var/lib/dpkg/updates $r/etc/apt/sources.list.d $r/etc/apt/preferences.d $r/etc/apt/apt.conf.d $r/var/lib/apt/lists/partial $r/var/cache/apt/archives/partial $r/var/log/apt
touch $r/var/lib/dpkg/status $r/var/lib/dpkg/available
echo "deb [trusted=yes] file:$1/repo ./" > $r/etc/apt/sources.list
cat > $1/apt.conf <<EOF
Dir "$r/";
Dir::State::status "$r/var/lib/dpkg/status";
DPkg::Options { "--root=$r"; "--log=/dev/null"; };
Debug::NoLocking "true";
APT::Sandbox::User "root";
DPkg::Pre-Invoke { "(head -c 20 /usr/sbin/policy-rc.d || echo none) | paste -sd ' ' >> $1/policy-seen"; };
EOF
`;

// dpkg -i as the module runs it for a .deb file reads no apt configuration: its root is given here
const DPKG_OPTIONS = 'force-confdef,force-confold,root=@WORK@/root,log=/dev/null';

describe.skipIf(!usable)('apt on a real apt and dpkg of its own, kplay vs ansible-playbook', () => {
  const env = { environment: { APT_CONFIG: '@WORK@/apt.conf' } };
  const apt = (args: Record<string, unknown>, more: Record<string, unknown> = {}): Record<string, unknown> => ({ apt: args, ...env, ...more });
  const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
    [{ shell: 'sh @WORK@/setup.sh @WORK@' }, 'changed'],
    [apt({ name: 'kx-b' }), 'failed'],
    [apt({ update_cache: true }), 'ok'],
    [apt({ name: 'kx-b' }, { check_mode: true }), 'changed'],
    [apt({ name: 'kx-b' }), 'changed'],
    [apt({ name: 'kx-b' }), 'ok'],
    [apt({ name: 'kx-a=1.0*' }), 'failed'],
    [apt({ name: 'kx-a=1.0*', allow_downgrade: true }), 'changed'],
    [apt({ name: 'kx-a=1.0*' }), 'ok'],
    [apt({ name: 'kx-a>=1.0' }), 'ok'],
    [apt({ name: 'kx-a', state: 'latest' }, { check_mode: true }), 'changed'],
    [apt({ name: 'kx-a', state: 'latest' }), 'changed'],
    [apt({ name: 'kx-a', state: 'latest' }), 'ok'],
    [apt({ name: 'kx-a=2*' }), 'failed'],
    [apt({ name: 'kx-a=1=2' }), 'failed'],
    [apt({ name: 'kx-nothing' }), 'failed'],
    [apt({ name: 'kx-z*' }), 'failed'],
    [apt({ name: 'kx-v' }), 'changed'],
    [apt({ name: 'kx-v' }), 'ok'],
    [apt({ name: 'kx-r', install_recommends: false }), 'changed'],
    [apt({ name: 'kx-nothing', state: 'absent' }), 'ok'],
    [apt({ name: 'kx-b', state: 'absent' }), 'changed'],
    [apt({ autoremove: true }, { check_mode: true }), 'ok'],
    [apt({ name: 'kx-a=1.0-1', allow_downgrade: true, only_upgrade: true }), 'changed'],
    [apt({ name: 'kx-b', only_upgrade: true }), 'ok'],
    [apt({ upgrade: 'dist' }, { check_mode: true }), 'changed'],
    [apt({ upgrade: 'dist' }), 'changed'],
    [apt({ upgrade: 'dist' }), 'ok'],
    [apt({ name: 'kx-b', state: 'fixed' }), 'changed'],
    [apt({ name: 'kx-a', state: 'absent' }), 'changed'],
    [apt({ name: ['kx-p', 'kx-r'], state: 'absent', purge: true }), 'changed'],
    [apt({ name: 'kx-*', state: 'absent', purge: true }), 'ok'],
    [apt({ name: 'kx-b', state: 'present' }), 'changed'],
    [{ shell: 'APT_CONFIG=@WORK@/apt.conf apt-mark auto kx-b' }, 'changed'],
    [apt({ name: 'kx-b' }), 'ok'],
    // a .deb file: Ansible's apt module installs it (python-apt reads it; dpkg -i, here into the sandbox's root)
    [apt({ deb: '@WORK@/repo/kx-a_1.1-1_all.deb', dpkg_options: DPKG_OPTIONS }), 'ok'],
    [apt({ deb: '@WORK@/repo/kx-r_1.0-1_all.deb', dpkg_options: DPKG_OPTIONS }, { check_mode: true }), 'changed'],
    [apt({ deb: '@WORK@/repo/kx-r_1.0-1_all.deb', dpkg_options: DPKG_OPTIONS }), 'changed'],
    [apt({ deb: '@WORK@/repo/kx-r_1.0-1_all.deb', dpkg_options: DPKG_OPTIONS }), 'ok'],
    // dpkg runs with /usr/sbin/policy-rc.d exiting 101; the one there before is back after
    [{ shell: 'rm -f @WORK@/policy-seen' }, 'changed'],
    [apt({ name: 'kx-p', policy_rc_d: 101 }), 'changed'],
    [{ shell: 'cat @WORK@/policy-seen; echo ---; cat /usr/sbin/policy-rc.d || true' }, 'changed'],
    [apt({ name: 'kx-b', update_cache: true, cache_valid_time: 86400 }), 'ok'],
    [{ shell: "cd @WORK@ && dpkg-query --admindir=root/var/lib/dpkg -W -f '${Package} ${Version} ${db:Status-Abbrev}\\n'; APT_CONFIG=apt.conf apt-mark showmanual" }, 'changed'],
  ];
  const run = bothEngines(
    steps.map(([t]) => t),
    usable ? { ...repository(), 'setup.sh': SETUP } : {},
  );
  const work = (r: EngineRun): string => join(r.sandbox.dir, 'work');
  const shown = (r: EngineRun): unknown[] =>
    r.results.map((x, i) => {
      const text = (v: unknown): unknown => (typeof v === 'string' ? v.split(work(r)).join('@WORK@') : v);
      return { i, outcome: outcome(x), msg: text(x.msg), stdout: text(x.stdout), stderr: text(x.stderr), rc: x.rc, cache_updated: x.cache_updated, cache_update_time: x.cache_update_time };
    });

  it('every task has the outcome Ansible gives it', () => {
    const { kplay, ansible } = run();
    expect(ansible.results.map(outcome)).toEqual(steps.map(([, o]) => o));
    expect(kplay.results.map(outcome)).toEqual(ansible.results.map(outcome));
  });

  it("the same messages, apt's same output, and the same packages installed and marked manual at the end", () => {
    const { kplay, ansible } = run();
    expect(shown(kplay)).toEqual(shown(ansible));
    expect(kplay.results.at(-1)?.stdout).toBe('kx-a 1.1-1 ii \nkx-b 2.0-1 ii \nkx-p 1.0-1 ii \nkx-r 1.0-1 ii \nkx-b\nkx-p\nkx-r');
  });

  it('policy_rc_d: dpkg saw a policy-rc.d exiting 101, and the one there before is back after (or none, as before)', () => {
    const seen = String(run().kplay.results.at(-3)?.stdout);
    expect(seen).toEqual(run().ansible.results.at(-3)?.stdout);
    const [during = '', after = ''] = seen.split('\n---');
    expect(new Set(during.split('\n'))).toEqual(new Set(['#!/bin/sh exit 101']));
    expect(after.trim()).toBe(existsSync('/usr/sbin/policy-rc.d') ? readFileSync('/usr/sbin/policy-rc.d', 'utf8').trim() : '');
  });
});
