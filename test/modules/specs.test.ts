// Every option a module declares is honoured or refused: its implementation reads it, or the spec says
// which values kplay honours (`only`), so no declared option can be accepted and silently ignored.
// Modules written as declarations are checked more strictly by declared-plans.test.ts (their plans
// must read each option in some fixture row); this text check covers the others.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECLARED, IMPLEMENTATIONS } from '../../engine/modules/index.js';
import { MODULES, ONE_SIDED_PACKAGE_ALIASES, OTHER_PACKAGE_MANAGERS } from '../../engine/modules/specs.js';
import { DEB822_FIELDS } from '../../engine/modules/deb822-repository.js';
import { YUM_KEYS } from '../../engine/modules/yum-repository.js';
import { DNF_BY_ANSIBLE } from '../../engine/modules/dnf.js';
import { NOT_FOR_SYSTEMD } from '../../engine/modules/service.js';

const dir = join(__dirname, '../../engine/modules');
// the module's own files, and the shared cores its options go to
const FILES: Record<string, string | string[]> = { package: ['package', 'apt', 'apt-facts', 'dnf'], service: ['service', 'systemd'], gather_facts: 'setup', async_status: 'async-job' };
const SHARED = ['file-content.ts', 'run-command.ts', 'curl.ts', 'selinux.ts'].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
// options honoured without being read: gather_facts' parallel (kplay gathers on all hosts at once either
// way); set_fact's cacheable (kplay keeps no fact cache between runs; within a run the facts are the same)
const BY_DESIGN = new Set(['gather_facts.parallel', 'set_fact.cacheable']);
// options a module writes out from its own list of them (deb822_repository: each one a field of the file), or
// hands on as a list (package: dnf's options that send the task to Ansible's dnf module, the other package
// managers' options, handed to their modules as written, and the aliases only one of apt and dnf gives; service: the options
// systemd does not use, dropped with a warning there and handed to Ansible's module elsewhere)
const LISTED: Record<string, readonly string[]> = { deb822_repository: DEB822_FIELDS, yum_repository: YUM_KEYS, package: [...Object.keys(DNF_BY_ANSIBLE), ...OTHER_PACKAGE_MANAGERS, ...Object.keys(ONE_SIDED_PACKAGE_ALIASES)], service: NOT_FOR_SYSTEMD };

describe('module specs', () => {
  it.each(Object.keys(IMPLEMENTATIONS).filter((m) => MODULES[m] && !DECLARED[m]))('%s reads every option it declares, or declares what it honours', (module) => {
    const spec = MODULES[module] as (typeof MODULES)[string];
    const source = [FILES[module] ?? module.replace(/_/g, '-')].flat().map((f) => readFileSync(join(dir, `${f}.ts`), 'utf8')).join('\n') + SHARED;
    const unread = Object.entries(spec.options)
      .filter(([name, o]) => o.only === undefined && !BY_DESIGN.has(`${module}.${name}`) && !LISTED[module]?.includes(name))
      .filter(([name]) => !new RegExp(`\\.${name}\\b|\\[['"]${name}['"]\\]`).test(source))
      .map(([name]) => name);
    expect(unread).toEqual([]);
  });
});
