// setup's ansible_local against Ansible's own local collector, on the same fact_path: JSON and INI files
// (DEFAULT, continuation lines, %(name)s and %%, an empty value), an executable fact, one that fails, files
// that are neither JSON nor INI (no section, a section twice); then a bad interpolation, which makes
// Ansible's collector fail as a whole (ansible_local undefined). kplay runs its real gathering script.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleContext, ModuleResult } from '../../engine/modules/types.js';
import { moduleContext } from '../support/module-context.js';
import { pythonEval, systemPython } from '../support/python.js';
import { writeTree } from '../support/tree.js';

const FILES: Record<string, string> = {
  'json.fact': '{"a": 1, "b": [1, 2], "c": {"d": null}}\n',
  'ini.fact': '[DEFAULT]\nd = dv\n[s1]\nKey = v1\nother: %(key)s and %%\nmulti = one\n   two\n\n   three\n[s2]\nx=\n',
  'exec.fact': '#!/bin/sh\necho \'{"ran": true}\'\n',
  'fail.fact': '#!/bin/sh\necho oops >&2\nexit 3\n',
  'bad.fact': 'no section\n',
  'dup.fact': '[s]\na = 1\n[s]\nb=2\n',
  'empty.fact': '',
  'notes.txt': 'not a .fact file\n',
};

const setup = IMPLEMENTATIONS.setup as (c: ModuleContext) => Promise<ModuleResult>;

async function ours(dir: string): Promise<{ local: unknown; warnings: string[] }> {
  const warnings: string[] = [];
  const r = await setup({ ...moduleContext({ fact_path: dir, gather_subset: ['!all', '!min', 'local'] }, {}), warn: (w: string) => void warnings.push(w) });
  return { local: (r.ansible_facts as Record<string, unknown>).ansible_local, warnings };
}

// Ansible's LocalFactCollector with a module that runs commands and records warnings
const theirs = (dir: string): { local: unknown; warnings: string[] } =>
  pythonEval(
    [
      'import subprocess',
      'from ansible.module_utils.facts.system.local import LocalFactCollector',
      'class M:',
      '    def __init__(self, p): self.params = {"fact_path": p}; self.warnings = []',
      '    def warn(self, m): self.warnings.append(m)',
      '    def run_command(self, fn):',
      '        p = subprocess.run([fn], capture_output=True, text=True)',
      '        return (p.returncode, p.stdout, p.stderr)',
      'def fn(p):',
      '    m = M(p)',
      '    try:',
      '        facts = LocalFactCollector().collect(module=m)',
      '        return {"local": facts["local"], "warnings": m.warnings}',
      '    except Exception:',
      '        return {"local": None, "warnings": m.warnings}',
    ].join('\n'),
    dir,
  );

describe.skipIf(!systemPython)("setup's ansible_local as Ansible's local collector makes it", () => {
  it('JSON, INI and executable facts, and the messages (and warnings) of those that fail', async () => {
    const dir = writeTree(FILES);
    for (const f of ['exec.fact', 'fail.fact']) chmodSync(join(dir, f), 0o755);
    const [k, a] = [await ours(dir), theirs(dir)];
    expect(k.local).toEqual(a.local);
    expect(k.warnings).toEqual(a.warnings);
    expect(k.local).toMatchObject({ ini: { s1: { key: 'v1', other: 'v1 and %', multi: 'one\ntwo\n\nthree', d: 'dv' }, s2: { x: '', d: 'dv' } }, exec: { ran: true }, empty: {} });
  });

  it('a bad interpolation fails the collector: no ansible_local, the warnings of the files before it kept', async () => {
    const dir = writeTree({ 'a-bad.fact': 'none\n', 'b-interp.fact': '[s]\na = %(nope)s\n', 'c.fact': '{"x": 1}\n' });
    const [k, a] = [await ours(dir), theirs(dir)];
    expect(a.local).toBeNull();
    expect(k.local).toBeUndefined();
    expect(k.warnings).toEqual(a.warnings);
    expect(k.warnings).toHaveLength(1);
  });

  it('a fact_path that does not exist gives an empty ansible_local', async () => {
    const missing = join(writeTree({}), 'nope');
    expect((await ours(missing)).local).toEqual({});
    expect(theirs(missing).local).toEqual({});
  });
});
