// The package action's arguments: loaded with the options of apt and dnf (and, as written, the other package
// managers'), then checked against the spec of the module the host's package manager chooses, in the words
// of Ansible's argument checks.
import { describe, expect, it } from 'vitest';
import { backendArgsProblem } from '../../engine/modules/package.js';
import { MODULES, unitedOptions, type ModuleSpec } from '../../engine/modules/specs.js';
import { checkModuleArgs } from '../../engine/playbook/module-args.js';

describe('package takes the options of apt and dnf', () => {
  it.each(['enablerepo', 'disable_gpg_check', 'install_recommends', 'default_release', 'use', 'pkg', 'package'])('%s is known when the task is loaded', (name) => {
    const opts = MODULES.package?.options ?? {};
    expect(Object.entries(opts).some(([k, o]) => k === name || (o.aliases ?? []).includes(name))).toBe(true);
  });

  it.each([[{ name: 'htop' }], [{ pkg: 'htop', state: 'present' }], [{ name: 'htop', enablerepo: 'epel', state: 'installed' }], [{ upgrade: 'dist' }]])('loads %j: name and state are the chosen module\'s, not required by package', (args) => {
    expect(() => checkModuleArgs('package', MODULES.package as ModuleSpec, args, () => ({ file: 'p.yml', line: 1, col: 1 }))).not.toThrow();
  });

  it("loads another package manager's options as written (a role's task for several distributions), for the chosen module to check", () => {
    const loaded = checkModuleArgs('package', MODULES.package as ModuleSpec, { name: 'htop', disable_recommends: 'no', extra_args: '--noconfirm' }, () => ({ file: 'p.yml', line: 1, col: 1 }));
    expect(loaded).toMatchObject({ disable_recommends: 'no', extra_args: '--noconfirm' });
    // on an apt host, apt refuses it as Ansible's does
    expect(backendArgsProblem('apt', { name: ['htop'], disable_recommends: 'no' })).toMatch(/^Unsupported parameters for \(ansible.legacy.apt\) module: disable_recommends\./);
  });

  it('refuses at load what no package manager takes', () => {
    expect(() => checkModuleArgs('package', MODULES.package as ModuleSpec, { name: 'htop', disable_recomends: true }, () => ({ file: 'p.yml', line: 1, col: 1 }))).toThrow(/unsupported parameter 'disable_recomends'/);
    expect(() => checkModuleArgs('package', MODULES.package as ModuleSpec, { name: 'htop', state: 'gone' }, () => ({ file: 'p.yml', line: 1, col: 1 }))).toThrow(/must be one of/);
  });

  it('unites the aliases of an option both take, and refuses one whose types differ', () => {
    expect(unitedOptions({ a: { type: 'bool', aliases: ['x'] } }, { a: { type: 'bool', aliases: ['y'] } })).toEqual({ a: { type: 'bool', aliases: ['x', 'y'] } });
    expect(unitedOptions({ a: { type: 'str', choices: ['p'], only: ['p'] } }, { a: { type: 'str' } })).toEqual({ a: { type: 'str' } });
    expect(() => unitedOptions({ a: { type: 'bool' } }, { a: { type: 'int' } })).toThrow(/bool in one module and int/);
  });
});

const apt = 'allow_change_held_packages, allow_downgrade, allow_unauthenticated, autoclean, autoremove, cache_valid_time, clean, deb, default_release, dpkg_options, fail_on_autoremove, force, force_apt_get, install_recommends, lock_timeout, only_upgrade, package, policy_rc_d, purge, state, update_cache, update_cache_retries, update_cache_retry_max_delay, upgrade (allow-downgrade, allow-downgrades, allow-unauthenticated, allow_downgrades, default-release, install-recommends, name, pkg, update-cache)';

describe('the chosen module checks what package handed it', () => {
  const rows: [string, 'apt' | 'dnf', Record<string, unknown>, string | undefined][] = [
    ['apt takes its own options', 'apt', { name: ['htop'], state: 'present', install_recommends: false }, undefined],
    ["apt refuses dnf's, naming its own as Ansible's apt does", 'apt', { name: ['htop'], enablerepo: ['epel'], disable_gpg_check: true }, `Unsupported parameters for (ansible.legacy.apt) module: disable_gpg_check, enablerepo. Supported parameters include: ${apt}.`],
    ["apt refuses dnf's states", 'apt', { name: ['htop'], state: 'installed' }, 'value of state must be one of: absent, build-dep, fixed, latest, present, got: installed'],
    ['apt refuses name with upgrade', 'apt', { name: ['htop'], upgrade: 'dist' }, 'parameters are mutually exclusive: deb|package|upgrade'],
    ['dnf takes its own options', 'dnf', { name: ['htop'], state: 'installed', enablerepo: ['epel'] }, undefined],
    ["dnf refuses apt's states", 'dnf', { name: ['htop'], state: 'build-dep' }, 'value of state must be one of: absent, installed, latest, present, removed, got: build-dep'],
  ];
  it.each(rows)('%s', (_why, module, args, problem) => {
    expect(backendArgsProblem(module, args)).toBe(problem);
  });
});
