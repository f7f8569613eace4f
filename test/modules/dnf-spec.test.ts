// The dnf module's reading of specs (as Ansible's _packagename_dict and _split_package_arch parse them),
// what it asks dnf for each, and the transaction it reads from dnf's table (wrapped lines, upgrades,
// obsoletes, removals).
import { describe, expect, it } from 'vitest';
import { installedPackages, markFor, splitArch, transactionOf, versionedSpec } from '../../engine/modules/dnf-spec.js';

describe('specs', () => {
  it.each([
    ['kubeadm', { name: 'kubeadm' }, undefined],
    ['kubeadm.x86_64', { name: 'kubeadm', arch: 'x86_64' }, undefined],
    ['python3.11', { name: 'python3.11' }, undefined],
    ['kubeadm-1.30.2', { name: 'kubeadm-1.30.2' }, undefined],
    ['kubeadm-1.30.2-150500.1.1', { name: 'kubeadm-1.30.2-150500.1.1' }, { name: 'kubeadm', epoch: '0', version: '1.30.2', release: '150500.1.1' }],
    ['kubeadm-1.30.2-150500.1.1.x86_64', { name: 'kubeadm-1.30.2-150500.1.1', arch: 'x86_64' }, { name: 'kubeadm', epoch: '0', version: '1.30.2', release: '150500.1.1' }],
    ['containerd.io-1:1.7.20-3.1.el9', { name: 'containerd.io-1:1.7.20-3.1.el9' }, { name: 'containerd.io', epoch: '1', version: '1.7.20', release: '3.1.el9' }],
    ['1:bash-5.1-1', { name: '1:bash-5.1-1' }, { name: 'bash', epoch: '1', version: '5.1', release: '1' }],
    ['foo-bar-baz', { name: 'foo-bar-baz' }, undefined],
  ])('%s', (spec, arch, versioned) => {
    expect(splitArch(spec)).toEqual(arch);
    expect(versionedSpec(spec)).toEqual(versioned);
  });

  const installed = installedPackages('kalpha\t0\t2.0\t1\tnoarch\nkbeta\t1\t1.0\t1\tx86_64\n');
  it.each([
    ['kalpha', false, false, undefined],
    ['kalpha', true, false, 'upgrade'],
    ['kalpha.noarch', true, false, 'upgrade'],
    ['kalpha.x86_64', false, false, 'install'],
    ['kalpha-2.0-1', false, false, undefined],
    ['kalpha-1.0-1', false, false, undefined],
    ['kalpha-1.0-1', false, true, 'install'],
    ['kalpha-3.0-1', false, false, 'install'],
    ['kbeta-1.0-1', false, false, undefined],
    ['kbeta-1:1.0-1', true, false, 'upgrade'],
    ['kgamma', true, false, 'install'],
  ])('%s (latest %s, allow_downgrade %s): %s', (spec, latest, downgrade, want) => {
    expect(markFor(spec, installed, latest, downgrade)).toBe(want);
  });
});

describe('transactionOf', () => {
  const installed = installedPackages('kalpha\t0\t1.0\t1\tnoarch\nold-tool\t0\t0.9\t2\tx86_64\n');
  it('reads installs, upgrades (the old version removed), obsoletes, removals and wrapped names', () => {
    const table = [
      'Dependencies resolved.',
      '================================================================================',
      ' Package                    Arch      Version              Repository     Size',
      '================================================================================',
      'Installing:',
      ' kbeta                      noarch    1.0-1                local         5.9 k',
      ' a-package-with-a-name-so-long-that-dnf-wraps-it',
      '                            x86_64    2:3.1-4.el9          local          12 k',
      '     replacing  old-tool.x86_64 0.9-2',
      'Upgrading:',
      ' kalpha                     noarch    2.0-1                local         5.9 k',
      'Installing dependencies:',
      ' klib                       x86_64    1.2-1                local         1.0 M',
      'Removing dependent packages:',
      ' kold                       noarch    0.1-1                @System         0  ',
      '',
      'Transaction Summary',
      '================================================================================',
      'Install  3 Packages',
    ].join('\n');
    expect(transactionOf(table, installed)).toEqual({
      install: ['kbeta-1.0-1.noarch', 'a-package-with-a-name-so-long-that-dnf-wraps-it-2:3.1-4.el9.x86_64', 'kalpha-2.0-1.noarch', 'klib-1.2-1.x86_64'],
      remove: ['old-tool-0.9-2.x86_64', 'kalpha-1.0-1.noarch', 'kold-0.1-1.noarch'],
    });
  });

  it('is empty for nothing to do', () => {
    expect(transactionOf('Dependencies resolved.\nNothing to do.\nComplete!\n', installed)).toEqual({ install: [], remove: [] });
  });
});
