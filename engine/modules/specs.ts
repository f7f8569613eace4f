// The modules kplay knows and the arguments each accepts (names, types, choices, aliases, required),
// as data: the loader validates every task against it before any host is touched, and each
// module implementation reads its own entry.

import { blockinfileModule } from './blockinfile.js';
import { FILE_ATTR_OPTIONS, onlyValues } from './option-kinds.js';
import { hostnameModule } from './hostname.js';
import { iniFileModule } from './ini-file.js';
import { lineinfileModule } from './lineinfile.js';
import { replaceModule } from './replace.js';
import { sysctlModule } from './sysctl.js';
import { groupModule } from './group.js';
import { modprobeModule } from './modprobe.js';
import { userModule } from './user.js';
import { systemdModule } from './systemd.js';
import { fileModule } from './file.js';
import { templateModule } from './template.js';
import { copyModule } from './copy.js';
import { setupModule } from './setup.js';
import { commandModule } from './command.js';
import { shellModule } from './shell.js';
import { scriptModule } from './script.js';
import { rawModule } from './raw.js';
import { yumRepositoryModule } from './yum-repository.js';
import { deb822RepositoryModule } from './deb822-repository.js';
import { rpmKeyModule } from './rpm-key.js';
import { APT_BY_ANSIBLE, aptModule } from './apt.js';
import { DNF_BY_ANSIBLE, dnfModule } from './dnf.js';
import { aptRepositoryModule } from './apt-repository.js';
import { aptKeyModule } from './apt-key.js';
import { mountModule } from './mount.js';
import { findModule } from './find.js';
import { getUrlModule } from './get-url.js';
import { uriModule } from './uri.js';
import { GET_URL_BY_ANSIBLE, URI_BY_ANSIBLE } from './by-ansible.js';
import { waitForModule } from './wait-for.js';
import { unarchiveModule } from './unarchive.js';
import { fetchModule } from './fetch.js';
import { assertModule } from './assert.js';
import { debugModule } from './debug.js';
import { dpkgSelectionsModule } from './dpkg-selections.js';
import { failModule } from './fail.js';
import { setFactModule } from './set-fact.js';
import { asyncStatusModule } from './async-status.js';
import { validateArgumentSpecModule } from './validate-argument-spec.js';
import { pauseModule } from './pause.js';
import { synchronizeModule } from './synchronize.js';
import { rebootModule } from './reboot.js';
import { waitForConnectionModule } from './wait-for-connection.js';
import { statModule } from './stat.js';
import { slurpModule } from './slurp.js';
import { packageFactsModule } from './package-facts.js';
import { serviceFactsModule } from './service-facts.js';

/** The type of one module option (Ansible's argument_spec types). */
export type OptionType = 'str' | 'bool' | 'int' | 'float' | 'list' | 'dict' | 'path' | 'raw';

/** One option of a module. */
export interface OptionSpec {
  type: OptionType;
  required?: boolean;
  choices?: readonly string[];
  aliases?: readonly string[];
  /**
   * An option Ansible has that kplay honours only partly: the values it honours (after conversion).
   * Any other value is an error before the run (or when a templated value is known), never ignored.
   */
  only?: readonly (string | number | boolean)[];
  /** Null is a value, not "not given": the action reads whether the key is there (debug's `msg: ~` prints null). */
  keepsNull?: boolean;
}

/** A module's argument specification. */
export interface ModuleSpec {
  /** Accepts free-form text (`command: ls -l`); it goes to `_raw_params`. */
  freeForm?: 'required' | 'optional';
  /** Options recognised as `k=v` inside free-form text (Ansible's list for raw-param modules). */
  freeFormOptions?: readonly string[];
  /** Accepts any option name (set_fact: every option is a variable). */
  anyOptions?: boolean;
  options: Record<string, OptionSpec>;
  /** Groups of options of which at most one may be given. */
  mutuallyExclusive?: readonly (readonly string[])[];
  /** Groups of options of which at least one must be given. */
  requiredOneOf?: readonly (readonly string[])[];
  /** Runs on the controller only (no host connection). */
  controllerOnly?: boolean;
}

const str: OptionSpec = { type: 'str' };
const bool: OptionSpec = { type: 'bool' };
const int: OptionSpec = { type: 'int' };
const path: OptionSpec = { type: 'path' };
const raw: OptionSpec = { type: 'raw' };
// seuser..selevel: honoured as Ansible honours them on a host without SELinux (not at all); refused on one with it (selinux.ts)
const fileAttrs = FILE_ATTR_OPTIONS;
const only = onlyValues;

/** Every module kplay runs (short names; ansible.builtin.X and ansible.legacy.X map to them). */
export const MODULES: Record<string, ModuleSpec> = {
  command: commandModule.spec,
  shell: shellModule.spec,
  script: scriptModule.spec,
  raw: rawModule.spec,
  copy: copyModule.spec,
  template: templateModule.spec,
  file: fileModule.spec,
  lineinfile: lineinfileModule.spec,
  blockinfile: blockinfileModule.spec,
  replace: replaceModule.spec,
  stat: statModule.spec,
  find: findModule.spec,
  // the options kplay's get_url and uri take, and those they hand to Ansible's modules (by-ansible.ts)
  get_url: { ...getUrlModule.spec, options: { ...getUrlModule.spec.options, ...GET_URL_BY_ANSIBLE } },
  uri: { ...uriModule.spec, options: { ...uriModule.spec.options, ...URI_BY_ANSIBLE } },
  sysctl: sysctlModule.spec,
  group: groupModule.spec,
  user: userModule.spec,
  hostname: hostnameModule.spec,
  ini_file: iniFileModule.spec,
  unarchive: unarchiveModule.spec,
  modprobe: modprobeModule.spec,
  mount: mountModule.spec,
  apt_repository: aptRepositoryModule.spec,
  apt_key: aptKeyModule.spec,
  dpkg_selections: dpkgSelectionsModule.spec,
  yum_repository: yumRepositoryModule.spec,
  deb822_repository: deb822RepositoryModule.spec,
  service_facts: serviceFactsModule.spec,
  package_facts: packageFactsModule.spec,
  slurp: slurpModule.spec,
  fetch: fetchModule.spec,
  wait_for: waitForModule.spec,
  rpm_key: rpmKeyModule.spec,
  synchronize: synchronizeModule.spec,
  async_status: asyncStatusModule.spec,
  wait_for_connection: waitForConnectionModule.spec,
  reboot: rebootModule.spec,
  service: {
    // on a systemd host Ansible's service action hands the task to the systemd module: its rules apply (name
    // is needed with state, enabled or masked only, and `systemd: name: x` reads the unit's status); on any
    // other init, to Ansible's module for it (service.ts), which takes pattern, sleep, runlevel and arguments
    options: { name: { type: 'str' }, state: { type: 'str', choices: ['reloaded', 'restarted', 'started', 'stopped'] }, enabled: bool, arguments: { type: 'str', aliases: ['args'] }, pattern: str, sleep: int, runlevel: str, use: str },
  },
  systemd: systemdModule.spec,
  // the options kplay's apt takes, and the one it hands to Ansible's apt module (package.ts)
  apt: { ...aptModule.spec, options: { ...aptModule.spec.options, ...APT_BY_ANSIBLE } },
  // the options kplay's dnf takes, and those it hands to Ansible's dnf module (dnf.ts)
  dnf: { ...dnfModule.spec, options: { ...dnfModule.spec.options, ...DNF_BY_ANSIBLE } },
  // Ansible's package hands every other option to the host's package module, which checks them (name and
  // state too: its own spec is documentation only, `package: name=htop` installs)
  package: { options: { use: str } },
  setup: setupModule.spec,
  // parallel: kplay gathers on every host at once either way (forks permitting); the facts are the same
  gather_facts: { options: { parallel: bool } },
  set_fact: setFactModule.spec,
  validate_argument_spec: validateArgumentSpecModule.spec,
  debug: debugModule.spec,
  assert: assertModule.spec,
  fail: failModule.spec,
  pause: pauseModule.spec,
  meta: {
    freeForm: 'required',
    controllerOnly: true,
    options: {},
  },
  include_vars: {
    freeForm: 'optional',
    controllerOnly: true,
    options: { file: path, dir: path, name: str, depth: int, files_matching: str, ignore_files: { type: 'list' }, extensions: { type: 'list' }, ignore_unknown_extensions: bool, hash_behaviour: str },
  },
  group_by: { controllerOnly: true, options: { key: { type: 'str', required: true }, parents: { type: 'list' } } },
  // every option besides name and groups is a variable of the new host
  add_host: { controllerOnly: true, anyOptions: true, options: { name: { type: 'str', required: true, aliases: ['host', 'hostname'] }, groups: { type: 'list', aliases: ['group', 'groupname'] } } },
  include_tasks: { freeForm: 'optional', controllerOnly: true, options: { file: str, apply: { type: 'dict' } } },
  import_tasks: { freeForm: 'optional', controllerOnly: true, options: { file: str } },
  include_role: {
    controllerOnly: true,
    options: { name: { type: 'str', required: true }, tasks_from: str, vars_from: str, defaults_from: str, handlers_from: str, public: bool, apply: { type: 'dict' }, allow_duplicates: bool, rolespec_validate: bool },
  },
  import_role: {
    controllerOnly: true,
    // public is include_role's alone (an imported role's variables are the play's anyway), as Ansible refuses it here
    options: { name: { type: 'str', required: true }, tasks_from: str, vars_from: str, defaults_from: str, handlers_from: str, allow_duplicates: bool, rolespec_validate: bool },
  },
};

// The options (and aliases) of the other package managers' modules Ansible's package can hand a task to (its
// pkg_mgr fact's yum, zypper, pacman, apk, pkgng, portage, homebrew, urpmi, opkg, pkgin, macports, swdepot,
// svr4pkg, pkg5, xbps, swupd, sorcery, installp, atomic_container: ansible-core 2.14's and community.general's),
// those apt and dnf do not take: a role's task for several distributions (zypper's disable_recommends under a
// `when`) loads, and on an apt or dnf host the module refuses them when the task runs, as Ansible's does.
/** The other package managers' options package takes as written and hands on (their modules check them). */
export const OTHER_PACKAGE_MANAGERS: readonly string[] = [
  'accept', 'accept_licences', 'accept_license', 'accept_licenses', 'allow_vendor_change', 'annotation', 'available', 'backend', 'backtrack', 'be_name', 'bugfix',
  'bundle', 'cached', 'category', 'changed_use', 'chroot', 'clean', 'clean_deps', 'contenturl', 'deep', 'depclean', 'depends', 'depot', 'disable_recommends',
  'executable', 'extra_args', 'extra_args_precommand', 'force_resolution', 'format', 'formula', 'getbinpkg', 'getbinpkgonly', 'ignore_osver', 'image',
  'install_options', 'install_repoquery', 'jail', 'jobs', 'keepgoing', 'loadavg', 'manifest', 'mode', 'newuse', 'no_cache', 'no_recommends', 'nodeps', 'noreplace',
  'oldpackage', 'oneshot', 'onlydeps', 'options', 'path', 'pkgsite', 'port', 'proxy', 'quiet', 'quietbuild', 'quietfail', 'reason', 'reason_for', 'recurse',
  'refresh', 'remove_nosave', 'replacefiles', 'repository', 'repository_path', 'response_file', 'root', 'rootdir', 'rootfs', 'selfupdate', 'spell', 'src',
  'sync', 'type', 'update', 'update_cache_extra_args', 'update_codex', 'update_homebrew', 'update_ports', 'upgrade_all', 'upgrade_extra_args', 'upgrade_options',
  'upgrade_xbps', 'url', 'use_backend', 'usepkg', 'usepkgonly', 'values', 'variant', 'variants', 'verbose', 'verify', 'version', 'versionurl', 'withbdeps',
  'world', 'zone',
];

/** apt's and dnf's aliases of an option both take that the other module does not (dnf's expire-cache, apt's update-cache), by alias: package loads each as an option of its own, and the module the task goes to takes or refuses it. */
export const ONE_SIDED_PACKAGE_ALIASES: Readonly<Record<string, string>> = oneSidedAliases((MODULES.apt as ModuleSpec).options, (MODULES.dnf as ModuleSpec).options);

// package takes the options of the package modules it hands tasks to, apt's and dnf's (typed), and the other
// package managers' (as written), besides its own: the module the host's package manager chooses refuses
// what it does not take when the task runs, as Ansible's does (an alias only one of apt and dnf gives is an
// option of its own, of its option's type)
const aptAndDnf = unitedOptions((MODULES.apt as ModuleSpec).options, (MODULES.dnf as ModuleSpec).options);
(MODULES.package as ModuleSpec).options = {
  ...Object.fromEntries(OTHER_PACKAGE_MANAGERS.map((name) => [name, raw])),
  ...Object.fromEntries(Object.entries(ONE_SIDED_PACKAGE_ALIASES).map(([alias, name]) => [alias, { type: aptAndDnf[name]?.type ?? 'raw' }])),
  ...aptAndDnf,
  ...(MODULES.package as ModuleSpec).options,
};

// service on a systemd host is Ansible's systemd module: it takes systemd's options too
(MODULES.service as ModuleSpec).options = { ...(MODULES.systemd as ModuleSpec).options, ...(MODULES.service as ModuleSpec).options };

/** The aliases one module gives an option both modules take and the other does not give it, each with its option's name. */
export function oneSidedAliases(a: Record<string, OptionSpec>, b: Record<string, OptionSpec>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, o] of Object.entries(a)) {
    const other = b[name];
    if (!other) continue;
    const [x, y] = [o.aliases ?? [], other.aliases ?? []];
    for (const alias of [...x.filter((v) => !y.includes(v)), ...y.filter((v) => !x.includes(v))]) out[alias] = name;
  }
  return out;
}

/** The options of two modules as one table: an option both take has the aliases both give it (and the same type in each). */
export function unitedOptions(a: Record<string, OptionSpec>, b: Record<string, OptionSpec>): Record<string, OptionSpec> {
  const out: Record<string, OptionSpec> = { ...a };
  for (const [name, o] of Object.entries(b)) {
    const mine = out[name];
    if (!mine) {
      out[name] = o;
      continue;
    }
    if (mine.type !== o.type) throw new Error(`option '${name}' is ${mine.type} in one module and ${o.type} in the other`);
    const aliases = (mine.aliases ?? []).filter((a) => (o.aliases ?? []).includes(a));
    // a value one module honours only partly may be whole in the other: that module's own check decides when it runs
    const { only: _only, choices: _choices, ...rest } = mine;
    out[name] = { ...rest, ...(aliases.length ? { aliases } : {}), ...(mine.only && o.only ? { only: [...new Set([...mine.only, ...o.only])] } : {}), ...(mine.choices && o.choices ? { choices: [...new Set([...mine.choices, ...o.choices])] } : {}) };
  }
  return out;
}

/** meta actions kplay understands. */
export const META_ACTIONS = ['flush_handlers', 'noop', 'refresh_inventory', 'clear_facts', 'clear_host_errors', 'end_host', 'end_play', 'end_batch', 'reset_connection', 'role_complete'];

/** Module names that are other names for a kplay module. */
const MODULE_ALIASES: Record<string, string> = { systemd_service: 'systemd', 'ansible.posix.sysctl': 'sysctl', 'community.general.modprobe': 'modprobe', 'community.general.ini_file': 'ini_file', 'ansible.posix.mount': 'mount', 'ansible.posix.synchronize': 'synchronize' };

/** The short module name for `name` (`ansible.builtin.copy` -> `copy`), or undefined when unknown. */
export function resolveModuleName(name: string): string | undefined {
  const short = name.replace(/^ansible\.(?:builtin|legacy)\./, '');
  const canonical = MODULE_ALIASES[short] ?? short;
  return canonical in MODULES ? canonical : undefined;
}
