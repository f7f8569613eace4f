// apt's upgrade modes, autoclean, autoremove and clean against Ansible's own apt module, both engines on the local connection with
// stand-in apt-get and aptitude first on PATH (they log their arguments and answer as apt does, with
// or without something to upgrade, or failing): the same commands, results and outcomes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

// one stand-in for both tools: upgrades while @WORK@/upgradable exists (not in --simulate), fails while @WORK@/fail does
const TOOL = `#!/bin/sh
d=$(dirname "$0")/..
echo "$(basename "$0") $*" >> "$d/calls.log"
if [ -f "$d/fail" ]; then echo "E: Could not get lock /var/lib/dpkg/lock-frontend" >&2; exit 100; fi
case " $* " in
  *" autoclean "*) [ -f "$d/cleanable" ] && echo "Del kubelet 1.30.1-1.1 [10.1 MB]" && rm -f "$d/cleanable"; exit 0;;
  *" autoremove "*) echo "Reading package lists..."; [ -f "$d/removable" ] && echo "The following packages will be REMOVED:" && echo "  conntrack" && rm -f "$d/removable"; echo "0 upgraded, 0 newly installed"; exit 0;;
  *" clean "*) exit 0;;
esac
echo "Reading package lists..."
zero="0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded."
one="1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded."
[ "$(basename "$0")" = aptitude ] && zero="0 packages upgraded, 0 newly installed, 0 to remove and 0 not upgraded." && one="1 packages upgraded, 0 newly installed, 0 to remove and 0 not upgraded."
if [ -f "$d/upgradable" ]; then
  echo "The following packages will be upgraded:"; echo "  kubelet"; echo "$one"
  case " $* " in *" --simulate "*) ;; *) rm -f "$d/upgradable";; esac
else echo "$zero"; fi
`;

const env = { environment: { PATH: '@WORK@/bin:/usr/sbin:/usr/bin:/sbin:/bin' } };
const up = (args: Record<string, unknown>, more: Record<string, unknown> = {}): Record<string, unknown> => ({ apt: args, ...env, ...more });
const steps: [Record<string, unknown>, string][] = [
  [{ shell: 'mkdir -p @WORK@/bin && cp @WORK@/tool.sh @WORK@/bin/apt-get && cp @WORK@/tool.sh @WORK@/bin/aptitude && chmod +x @WORK@/bin/* && touch @WORK@/upgradable' }, 'changed'],
  [up({ upgrade: 'dist' }, { check_mode: true }), 'changed'],
  [up({ upgrade: 'dist' }), 'changed'],
  [up({ upgrade: 'dist' }), 'ok'],
  [{ file: { path: '@WORK@/upgradable', state: 'touch' } }, 'changed'],
  [up({ upgrade: 'yes' }), 'changed'],
  [up({ upgrade: 'full', force_apt_get: true }), 'ok'],
  [up({ upgrade: 'full' }), 'ok'],
  [up({ upgrade: 'safe', force_apt_get: true, autoremove: true, dpkg_options: 'force-confnew', allow_downgrade: true, fail_on_autoremove: true, force: true }), 'ok'],
  [{ shell: 'touch @WORK@/cleanable @WORK@/removable' }, 'changed'],
  [up({ autoclean: true }), 'changed'],
  [up({ autoclean: true }), 'ok'],
  [up({ autoremove: true, purge: true }), 'changed'],
  [up({ autoremove: true }), 'ok'],
  [up({ clean: true }), 'ok'],
  [{ file: { path: '@WORK@/fail', state: 'touch' } }, 'changed'],
  [up({ upgrade: 'dist' }), 'failed'],
];

const calls = (run: EngineRun): string[] => readFileSync(join(run.sandbox.dir, 'work', 'calls.log'), 'utf8').trim().split('\n');

describe.skipIf(!hasAnsible || !canSandbox())('apt upgrade and cleanups, kplay vs ansible-playbook', () => {
  const run = bothEngines(
    steps.map(([t]) => t),
    { 'tool.sh': TOOL },
  );

  it("gives Ansible's outcomes, messages and output", () => {
    const shown = (r: EngineRun): string[] => r.results.map((x, i) => `${i} ${outcome(x)} ${String(x.msg ?? '').replace(/\/[^ ']*sandbox-\w+\/work/g, 'WORK')} ${String(x.stdout ?? '')} ${String(x.stderr ?? '')}`);
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it('runs the same apt-get and aptitude commands', () => {
    const k = calls(run().kplay);
    expect(k).toEqual(calls(run().ansible));
    expect(k).toContain('apt-get -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --simulate dist-upgrade');
    expect(k).toContain('aptitude -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold safe-upgrade');
  });
});
