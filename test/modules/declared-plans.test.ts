// Every declared module's plan, row by row: one JSON fixture per case under test/fixtures/modules/MODULE/
// (task arguments as written, the facts read from the host, check mode) with the steps the plan must
// take, the result it must report and the warnings it must give. The arguments go through the loader's
// own checks and conversions first, and the rows together must make the module read every option it
// declares (in its plan, or in its facts on a host that has nothing).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { typed } from '../../engine/modules/declare.js';
import { DECLARED } from '../../engine/modules/index.js';
import { MODULES, OTHER_PACKAGE_MANAGERS } from '../../engine/modules/specs.js';
import { checkModuleArgs, convertArgs } from '../../engine/playbook/module-args.js';
import type { HostIO } from '../../engine/modules/types.js';

interface Row {
  why: string;
  args: Record<string, unknown>;
  facts: unknown;
  check?: boolean;
  steps: unknown[];
  result: Record<string, unknown>;
  warnings?: string[];
  /** The result is the action's own: no add_path_info keys are added to it. */
  actionResult?: boolean;
}

const root = join(__dirname, '../fixtures/modules');
const pos = { file: 'fixture.json', line: 1, col: 1 };
// read by the SELinux wrapper every file-writing module gets (selinux.ts), not by a plan
const BY_WRAPPER = new Set(['seuser', 'serole', 'setype', 'selevel']);

const rows = (module: string): [string, Row][] =>
  readdirSync(join(root, module))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(join(root, module, f), 'utf8')) as Row]);

// a host and a controller that have nothing: what a module's facts read of its options with them
const emptyHost: HostIO = {
  run: async () => ({ rc: 0, stdout: '', stderr: '', stdoutBytes: Buffer.alloc(0) }),
  stat: async () => ({ exists: false }),
  inspect: async () => ({ stat: { exists: false }, content: undefined }),
  read: async () => undefined,
  write: async () => undefined,
};
const emptyController = {
  findLocal: () => undefined, missingLocal: () => '',
  render: () => '',
  variable: () => ({ defined: false, value: undefined }),
  condition: () => true,
  // synchronize's rsync runs on a host that has nothing too, with both ends there
  sync: { runner: emptyHost, remote: undefined, become: undefined, rsync: 'rsync', localPath: (p: string) => p },
  local: false,
};

// the plan of a row, and the options it read (through a proxy over the converted arguments)
function planned(module: string, row: Row): { plan: unknown; read: Set<string>; facts(): Promise<unknown> } {
  const d = DECLARED[module];
  if (!d) throw new Error(`${module} is not a declared module`);
  // (converted as the module's run converts them: a controller action's come as written)
  const args = typed(d.spec, convertArgs(module, d.spec, checkModuleArgs(module, d.spec, row.args, () => pos), pos));
  if (typeof args === 'string') throw new Error(args);
  const read = new Set<string>();
  const tracked = new Proxy(args, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return target[key as string];
    },
  });
  return { plan: d.plan(tracked, row.facts, { check: row.check === true }), read, facts: () => d.facts(tracked, emptyHost, emptyController, { check: false }).catch(() => undefined) };
}

// what a handing action (package) hands on unread: the options of the modules its rows hand the task to,
// which those modules read (apt's and dnf's own rows check that) or refuse where they do not take them
function handedOptions(module: string): Set<string> {
  const to = new Set(rows(module).flatMap(([, row]) => (row.steps as { kind?: string; module?: string }[]).filter((s) => s.kind === 'handoff').map((s) => (s.module === 'yum4' ? 'dnf' : String(s.module)))));
  // (a package manager kplay has no module for gets Ansible's, which checks the other managers' options)
  return new Set([...to].flatMap((m) => (MODULES[m] ? Object.entries(MODULES[m].options).flatMap(([name, o]) => [name, ...(o.aliases ?? [])]) : OTHER_PACKAGE_MANAGERS)));
}

describe('declared modules have fixtures', () => {
  it('every declared module has a fixture directory, and every fixture directory a declared module', () => {
    expect(readdirSync(root).sort()).toEqual(Object.keys(DECLARED).sort());
  });
});

describe.each(Object.keys(DECLARED))('%s plans', (module) => {
  it.each(rows(module))('%s', (_file, row) => {
    const { warnings, ...plan } = planned(module, row).plan as { warnings?: string[] };
    expect(plan).toEqual({ steps: row.steps, result: row.result, ...(row.actionResult ? { actionResult: true } : {}) });
    expect(warnings ?? []).toEqual(row.warnings ?? []);
  });

  it('reads every option it declares in some row, in its facts or its plan (or honours only some values of it)', async () => {
    const read = new Set<string>();
    for (const [, row] of rows(module)) {
      const p = planned(module, row);
      // the facts read on a host and a controller that have nothing (the copy's source, the template's text)
      await p.facts();
      for (const k of p.read) read.add(k);
    }
    const spec = DECLARED[module]?.spec;
    const handed = handedOptions(module);
    const unread = Object.entries(spec?.options ?? {})
      .filter(([name, o]) => o.only === undefined && !BY_WRAPPER.has(name) && !read.has(name) && !handed.has(name))
      .map(([name]) => name);
    expect(unread).toEqual([]);
  });
});
