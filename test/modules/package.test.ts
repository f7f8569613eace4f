// The package action's arguments: loaded with the options of apt and dnf (and, as written, the other package
// managers'), then checked against the spec of the module the host's package manager chooses, in the words
// of Ansible's argument checks.
import { describe, expect, it } from 'vitest';
import { backendArgsProblem, ownNames } from '../../engine/modules/package.js';
import { MODULES, ONE_SIDED_PACKAGE_ALIASES, oneSidedAliases, unitedOptions, type ModuleSpec } from '../../engine/modules/specs.js';
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

  it('unites an option both take with the aliases both give it, and refuses one whose types differ', () => {
    expect(unitedOptions({ a: { type: 'bool', aliases: ['x', 'z'] } }, { a: { type: 'bool', aliases: ['y', 'z'] } })).toEqual({ a: { type: 'bool', aliases: ['z'] } });
    expect(oneSidedAliases({ a: { type: 'bool', aliases: ['x', 'z'] }, b: { type: 'str', aliases: ['w'] } }, { a: { type: 'bool', aliases: ['y', 'z'] } })).toEqual({ x: 'a', y: 'a' });
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

// an alias only one of apt and dnf gives an option both take (Ansible 2.14's apt: update-cache, allow-downgrade(s),
// allow_downgrades, package; its dnf: expire-cache): loaded as an option of its own, of its option's type, and
// taken or refused by the module the task goes to, as Ansible's package hands it on as written
describe("an alias only one package manager's module gives", () => {
  const load = (args: Record<string, unknown>): Record<string, unknown> => checkModuleArgs('package', MODULES.package as ModuleSpec, args, () => ({ file: 'p.yml', line: 1, col: 1 }));

  it('are these', () => {
    expect(ONE_SIDED_PACKAGE_ALIASES).toEqual({ package: 'name', 'update-cache': 'update_cache', 'expire-cache': 'update_cache', 'allow-downgrade': 'allow_downgrade', allow_downgrades: 'allow_downgrade', 'allow-downgrades': 'allow_downgrade' });
  });

  it('loads as written, its value checked against its option\'s type', () => {
    expect(load({ name: 'htop', 'expire-cache': 'yes' })).toEqual({ name: 'htop', 'expire-cache': 'yes' });
    expect(() => load({ name: 'htop', 'update-cache': 'maybe' })).toThrow(/parameter 'update-cache' of module 'package' must be a boolean/);
  });

  const rows: [string, 'apt' | 'dnf', Record<string, unknown>, Record<string, unknown> | string][] = [
    ['dnf takes its expire-cache as update_cache', 'dnf', { name: ['htop'], 'expire-cache': 'yes' }, { name: ['htop'], update_cache: true }],
    ["apt leaves dnf's expire-cache for its check to refuse", 'apt', { name: ['htop'], 'expire-cache': true }, { name: ['htop'], 'expire-cache': true }],
    ['apt takes its update-cache and allow_downgrades', 'apt', { name: ['htop'], 'update-cache': 'on', allow_downgrades: 1 }, { name: ['htop'], update_cache: true, allow_downgrade: true }],
    ["dnf leaves apt's allow_downgrades", 'dnf', { name: ['htop'], allow_downgrades: true }, { name: ['htop'], allow_downgrades: true }],
    ['an option and its alias both given', 'apt', { name: ['htop'], update_cache: true, 'update-cache': false }, "parameter 'update_cache' of module 'apt' is given twice (through an alias)"],
    ['a value of another type', 'dnf', { name: ['htop'], 'expire-cache': 'maybe' }, "argument 'update_cache' is of type <class 'str'> and we were unable to convert to bool: The value 'maybe' is not a valid boolean.  Valid booleans include: 'n', 1, 0, 'y', '1', 'true', 'f', '0', 'no', 'on', 't', 'off', 'yes', 'false'"],
  ];
  it.each(rows)('%s', (_why, module, args, want) => {
    expect(ownNames(module, args)).toEqual(want);
  });

  it("apt refuses dnf's alias in the words of Ansible's apt", () => {
    const args = ownNames('apt', { name: ['htop'], 'expire-cache': true }) as Record<string, unknown>;
    expect(backendArgsProblem('apt', args)).toBe(`Unsupported parameters for (ansible.legacy.apt) module: expire-cache. Supported parameters include: ${apt}.`);
  });
});
