// The module table the runner dispatches to (names as in specs.ts). Actions the runner itself
// performs (meta, include_*, import_*, include_vars) are not here.
import { aptModule, packageModule } from './apt.js';
import { assert } from './assert.js';
import { asyncStatus } from './async-job.js';
import { blockinfileModule } from './blockinfile.js';
import { command } from './command.js';
import { copyModule } from './copy.js';
import { debug } from './debug.js';
import { fail } from './fail.js';
import { fetch } from './fetch.js';
import { findModule } from './find.js';
import { fileModule } from './file.js';
import { getUrl } from './get-url.js';
import { groupModule } from './group.js';
import { hostnameModule } from './hostname.js';
import { iniFileModule } from './ini-file.js';
import { lineinfileModule } from './lineinfile.js';
import { modprobeModule } from './modprobe.js';
import { aptRepositoryModule } from './apt-repository.js';
import { aptKey } from './apt-key.js';
import { synchronize } from './synchronize.js';
import { yumRepositoryModule } from './yum-repository.js';
import { deb822RepositoryModule } from './deb822-repository.js';
import { mountModule } from './mount.js';
import { packageFactsModule } from './package-facts.js';
import { pause } from './pause.js';
import { raw } from './raw.js';
import { reboot } from './reboot.js';
import { replaceModule } from './replace.js';
import { rpmKeyModule } from './rpm-key.js';
import { script } from './script.js';
import { serviceFactsModule } from './service-facts.js';
import { setFact } from './set-fact.js';
import { setup } from './setup.js';
import { shell } from './shell.js';
import { slurpModule } from './slurp.js';
import { statModule } from './stat.js';
import { sysctlModule } from './sysctl.js';
import { systemdModule } from './systemd.js';
import { templateModule } from './template.js';
import { withSelinux } from './selinux.js';
import { MODULES } from './specs.js';
import type { DeclaredModule } from './declare.js';
import type { Module } from './types.js';
import { unarchive } from './unarchive.js';
import { uri } from './uri.js';
import { userModule } from './user.js';
import { waitFor } from './wait-for.js';
import { validateArgumentSpec } from './validate-argument-spec.js';
import { waitForConnection } from './wait-for-connection.js';

/** Implemented modules by name (those taking file attributes refuse SELinux contexts on an SELinux host). */
export const IMPLEMENTATIONS: Record<string, Module> = withSelinuxWhereTaken({
  apt: aptModule.run,
  package: packageModule,
  assert,
  async_status: asyncStatus,
  blockinfile: blockinfileModule.run,
  command,
  copy: copyModule.run,
  debug,
  fail,
  fetch,
  file: fileModule.run,
  find: findModule.run,
  get_url: getUrl,
  group: groupModule.run,
  hostname: hostnameModule.run,
  ini_file: iniFileModule.run,
  lineinfile: lineinfileModule.run,
  modprobe: modprobeModule.run,
  apt_repository: aptRepositoryModule.run,
  apt_key: aptKey,
  yum_repository: yumRepositoryModule.run,
  synchronize,
  deb822_repository: deb822RepositoryModule.run,
  mount: mountModule.run,
  package_facts: packageFactsModule.run,
  pause,
  raw,
  reboot,
  replace: replaceModule.run,
  rpm_key: rpmKeyModule.run,
  script,
  service_facts: serviceFactsModule.run,
  set_fact: setFact,
  setup,
  gather_facts: setup,
  shell,
  slurp: slurpModule.run,
  stat: statModule.run,
  sysctl: sysctlModule.run,
  systemd: systemdModule.run,
  service: systemdModule.run,
  template: templateModule.run,
  unarchive,
  uri,
  user: userModule.run,
  wait_for: waitFor,
  wait_for_connection: waitForConnection,
  validate_argument_spec: validateArgumentSpec,
});

// each module whose spec takes the SELinux options, wrapped so they are never silently dropped
function withSelinuxWhereTaken(table: Record<string, Module>): Record<string, Module> {
  return Object.fromEntries(Object.entries(table).map(([name, impl]) => [name, MODULES[name]?.options.setype ? withSelinux(impl) : impl]));
}

/** The modules written as declarations (options, facts, plan): their plans are tested row by row from JSON fixtures. */
export const DECLARED: Record<string, DeclaredModule> = { apt: aptModule, sysctl: sysctlModule, blockinfile: blockinfileModule, replace: replaceModule, lineinfile: lineinfileModule, ini_file: iniFileModule, hostname: hostnameModule, group: groupModule, modprobe: modprobeModule, user: userModule, systemd: systemdModule, file: fileModule, template: templateModule, copy: copyModule, yum_repository: yumRepositoryModule, deb822_repository: deb822RepositoryModule, rpm_key: rpmKeyModule, apt_repository: aptRepositoryModule, mount: mountModule, find: findModule, stat: statModule, slurp: slurpModule, package_facts: packageFactsModule, service_facts: serviceFactsModule };

/** Actions the runner carries out itself. */
export const RUNNER_ACTIONS = new Set(['meta', 'include_tasks', 'import_tasks', 'include_role', 'import_role', 'include_vars', 'group_by', 'add_host']);
