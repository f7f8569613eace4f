// The yum and package actions against Ansible's on this Debian controller: which backend each task is
// handed to (use, use_backend, the pkg_mgr fact gathered when unknown) shows in the backend's own answer
// (yum's Python library is absent here and says so; dnf, kplay's native one or Ansible's, finds no repository
// on this Debian machine and no package) and in the fact kept; same results.
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const steps: [Record<string, unknown>, string][] = [
  [{ yum: { name: 'htop' } }, 'failed'],
  [{ yum: { name: 'htop', use_backend: 'yum' } }, 'failed'],
  [{ 'ansible.builtin.yum': { name: 'htop', use_backend: 'dnf' } }, 'failed'],
  [{ yum: { name: 'htop', use: 'dnf', use_backend: 'dnf' } }, 'failed'],
  [{ package: { name: 'htop', state: 'present', use: 'dnf' } }, 'failed'],
  [{ package: { name: 'htop', state: 'present', use: 'nosuch' } }, 'failed'],
  // package takes apt's and dnf's options when loaded; the module the host's package manager chooses refuses the others in its words
  [{ package: { name: 'htop', state: 'present', enablerepo: 'epel', disable_gpg_check: true } }, 'failed'],
  [{ package: { name: 'htop', state: 'installed', use: 'apt' } }, 'failed'],
  [{ package: { name: 'htop', upgrade: 'dist', state: 'present', use: 'apt' } }, 'failed'],
  [{ package: { name: 'htop', state: 'present', install_recommends: false, use: 'dnf' } }, 'failed'],
  [{ package: { name: 'htop', state: 'build-dep', use: 'dnf' } }, 'failed'],
  // the module_defaults of the module the task goes to apply, and only those
  [{ package: { name: 'htop' }, module_defaults: { apt: { state: 'installed' }, dnf: { state: 'build-dep' } } }, 'failed'],
  [{ package: { name: 'htop', use: 'dnf' }, module_defaults: { apt: { state: 'installed' }, 'ansible.builtin.dnf': { state: 'build-dep' } } }, 'failed'],
  [{ package: { name: 'htop', state: 'present', use: 'dnf' }, module_defaults: { apt: { install_recommends: false } } }, 'failed'],
];

describe.skipIf(!hasAnsible || !canSandbox())('yum and package actions, kplay vs ansible-playbook', () => {
  const run = bothEngines(steps.map(([t]) => t));

  it("hands each task to Ansible's backend, with the same answer", () => {
    const shown = (r: EngineRun): string[] => r.results.map((x, i) => `${i} ${outcome(x)} ${JSON.stringify(x.msg)} ${JSON.stringify(x.changed)}`);
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it('keeps the pkg_mgr fact it had to gather, as the yum action does', () => {
    expect(run().kplay.results[0]?.ansible_facts).toEqual(run().ansible.results[0]?.ansible_facts);
    expect(run().kplay.results[0]?.ansible_facts).toEqual({ pkg_mgr: 'apt' });
  });
});
