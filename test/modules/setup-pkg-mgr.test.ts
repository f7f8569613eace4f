// The pkg_mgr fact as Ansible 2.14's collector decides it (module_utils/facts/system/pkg_mgr.py): rows of
// (managers present, family, distribution, major version, ostree, apt-rpm) -> the fact.
import { describe, expect, it } from 'vitest';
import { pkgMgr } from '../../engine/modules/setup.js';

describe('pkg_mgr', () => {
  it.each([
    [['apt'], 'Debian', 'Debian', '12', false, false, 'apt'],
    [['yum', 'dnf', 'apt'], 'Debian', 'Ubuntu', '24', false, false, 'apt'],
    [['dnf'], 'Debian', 'Debian', '12', false, false, 'apt'],
    [['yum', 'dnf'], 'RedHat', 'Rocky', '9', false, false, 'dnf'],
    [['yum'], 'RedHat', 'CentOS', '7', false, false, 'yum'],
    [['yum', 'dnf'], 'RedHat', 'Fedora', '22', false, false, 'yum'],
    [['yum', 'dnf'], 'RedHat', 'Fedora', '40', false, false, 'dnf'],
    [['dnf'], 'RedHat', 'Fedora', 'rawhide', false, false, 'dnf'],
    [['atomic_container', 'dnf'], 'RedHat', 'RedHat', '9', true, false, 'atomic_container'],
    [['zypper'], 'Suse', 'openSUSE', '15', false, false, 'zypper'],
    [['apt'], 'Altlinux', 'Altlinux', '10', false, false, 'apt_rpm'],
    [['apt'], 'Debian', 'Debian', '12', false, true, 'apt_rpm'],
    [[], 'Unknown', 'Unknown', '', false, false, 'unknown'],
  ] as const)('%j %s %s %s ostree=%s aptrpm=%s -> %s', (present, family, distribution, major, ostree, aptRpm, want) => {
    expect(pkgMgr([...present], family, distribution, major, ostree, aptRpm)).toBe(want);
  });
});
