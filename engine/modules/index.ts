// The module table the runner dispatches to (names as in specs.ts). Actions the runner itself
// performs (meta, include_*, import_*, include_vars) are not here.
import { aptModule } from './apt.js';
import { dnfModule } from './dnf.js';
import { aptTask, dnfTask, packageModule } from './package.js';
import { GET_URL_BY_ANSIBLE, nativeOrAnsible, URI_BY_ANSIBLE, uriStaged } from './by-ansible.js';
import { assertModule } from './assert.js';
import { asyncStatusModule } from './async-status.js';
import { debugModule } from './debug.js';
import { dpkgSelectionsModule } from './dpkg-selections.js';
import { failModule } from './fail.js';
import { setFactModule } from './set-fact.js';
import { blockinfileModule } from './blockinfile.js';
import { commandModule } from './command.js';
import { copyModule } from './copy.js';
import { fetchModule } from './fetch.js';
import { findModule } from './find.js';
import { getUrlModule } from './get-url.js';
import { uriModule } from './uri.js';
import { waitForModule } from './wait-for.js';
import { waitForConnectionModule } from './wait-for-connection.js';
import { unarchiveModule } from './unarchive.js';
import { fileModule } from './file.js';
import { groupModule } from './group.js';
import { hostnameModule } from './hostname.js';
import { iniFileModule } from './ini-file.js';
import { lineinfileModule } from './lineinfile.js';
import { modprobeModule } from './modprobe.js';
import { aptRepositoryModule } from './apt-repository.js';
import { aptKeyModule } from './apt-key.js';
import { yumRepositoryModule } from './yum-repository.js';
import { deb822RepositoryModule } from './deb822-repository.js';
import { mountModule } from './mount.js';
import { packageFactsModule } from './package-facts.js';
import { pauseModule } from './pause.js';
import { rawModule } from './raw.js';
import { rebootModule } from './reboot.js';
import { replaceModule } from './replace.js';
import { rpmKeyModule } from './rpm-key.js';
import { scriptModule } from './script.js';
import { serviceFactsModule } from './service-facts.js';
import { serviceModule } from './service.js';
import { setup, setupModule } from './setup.js';
import { shellModule } from './shell.js';
import { slurpModule } from './slurp.js';
import { statModule } from './stat.js';
import { synchronizeModule } from './synchronize.js';
import { sysctlModule } from './sysctl.js';
import { systemdModule } from './systemd.js';
import { templateModule } from './template.js';
import { withSelinux } from './selinux.js';
import { MODULES } from './specs.js';
import type { DeclaredModule } from './declare.js';
import type { Module } from './types.js';
import { userModule } from './user.js';
import { validateArgumentSpecModule } from './validate-argument-spec.js';

/** Implemented modules by name (those taking file attributes refuse SELinux contexts on an SELinux host). */
export const IMPLEMENTATIONS: Record<string, Module> = withSelinuxWhereTaken({
  apt: aptTask,
  package: packageModule.run,
  dnf: dnfTask,
  assert: assertModule.run,
  async_status: asyncStatusModule.run,
  blockinfile: blockinfileModule.run,
  command: commandModule.run,
  copy: copyModule.run,
  debug: debugModule.run,
  dpkg_selections: dpkgSelectionsModule.run,
  fail: failModule.run,
  fetch: fetchModule.run,
  file: fileModule.run,
  find: findModule.run,
  get_url: nativeOrAnsible('get_url', getUrlModule.run, GET_URL_BY_ANSIBLE),
  group: groupModule.run,
  hostname: hostnameModule.run,
  ini_file: iniFileModule.run,
  lineinfile: lineinfileModule.run,
  modprobe: modprobeModule.run,
  apt_repository: aptRepositoryModule.run,
  apt_key: aptKeyModule.run,
  yum_repository: yumRepositoryModule.run,
  synchronize: synchronizeModule.run,
  deb822_repository: deb822RepositoryModule.run,
  mount: mountModule.run,
  package_facts: packageFactsModule.run,
  pause: pauseModule.run,
  raw: rawModule.run,
  reboot: rebootModule.run,
  replace: replaceModule.run,
  rpm_key: rpmKeyModule.run,
  script: scriptModule.run,
  service_facts: serviceFactsModule.run,
  set_fact: setFactModule.run,
  setup,
  gather_facts: setup,
  shell: shellModule.run,
  slurp: slurpModule.run,
  stat: statModule.run,
  sysctl: sysctlModule.run,
  systemd: systemdModule.run,
  service: serviceModule.run,
  template: templateModule.run,
  unarchive: unarchiveModule.run,
  uri: nativeOrAnsible('uri', uriModule.run, URI_BY_ANSIBLE, 'ansible.legacy.uri', uriStaged),
  user: userModule.run,
  wait_for: waitForModule.run,
  wait_for_connection: waitForConnectionModule.run,
  validate_argument_spec: validateArgumentSpecModule.run,
});

// a module whose code is read on its first use, so that a run loads only the modules its tasks use (their
// options are in specs.ts, which the loader checks before anything runs)
function lazy(load: () => Promise<Module>): Module {
  let loaded: Promise<Module> | undefined;
  return async (ctx) => (await (loaded ??= load()))(ctx);
}

// each module whose spec takes the SELinux options, wrapped so they are never silently dropped
function withSelinuxWhereTaken(table: Record<string, Module>): Record<string, Module> {
  return Object.fromEntries(Object.entries(table).map(([name, impl]) => [name, MODULES[name]?.options.setype ? withSelinux(impl) : impl]));
}

/** The modules written as declarations (options, facts, plan): their plans are tested row by row from JSON fixtures. */
export const DECLARED: Record<string, DeclaredModule> = { apt: aptModule, sysctl: sysctlModule, blockinfile: blockinfileModule, replace: replaceModule, lineinfile: lineinfileModule, ini_file: iniFileModule, hostname: hostnameModule, group: groupModule, modprobe: modprobeModule, user: userModule, systemd: systemdModule, file: fileModule, template: templateModule, copy: copyModule, yum_repository: yumRepositoryModule, deb822_repository: deb822RepositoryModule, rpm_key: rpmKeyModule, apt_repository: aptRepositoryModule, apt_key: aptKeyModule, mount: mountModule, find: findModule, stat: statModule, slurp: slurpModule, package_facts: packageFactsModule, service_facts: serviceFactsModule, command: commandModule, shell: shellModule, raw: rawModule, script: scriptModule, setup: setupModule, get_url: getUrlModule, uri: uriModule, wait_for: waitForModule, unarchive: unarchiveModule, fetch: fetchModule, reboot: rebootModule, wait_for_connection: waitForConnectionModule, debug: debugModule, dpkg_selections: dpkgSelectionsModule, assert: assertModule, fail: failModule, set_fact: setFactModule, async_status: asyncStatusModule, validate_argument_spec: validateArgumentSpecModule, pause: pauseModule, synchronize: synchronizeModule, dnf: dnfModule, package: packageModule, service: serviceModule };

/** Actions the runner carries out itself. */
export const RUNNER_ACTIONS = new Set(['meta', 'include_tasks', 'import_tasks', 'include_role', 'import_role', 'include_vars', 'group_by', 'add_host']);
