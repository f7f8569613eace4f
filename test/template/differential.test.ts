// kplay's templating against Ansible's own Templar (test/support/jinja_oracle.py): every value of
// fixtures/jinja/values.txt (a json: line holding a JSON string) as a task argument is templated (compared as Python's repr of the
// result, errors as errors), and every fixtures/jinja/templates/*.j2 as the template module renders
// it (compared byte for byte).
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../engine/yaml/load.js';
import { lookupFunctions } from '../../engine/template/lookups.js';
import { renderFile, renderValue } from '../../engine/template/render.js';
import { pyRepr } from '../../engine/util/python-repr.js';
import { hasAnsible } from '../support/oracle.js';
import { systemPython } from '../support/python.js';

const dir = fileURLToPath(new URL('../fixtures/jinja/', import.meta.url));
const oracle = fileURLToPath(new URL('../support/jinja_oracle.py', import.meta.url));
// read as both engines read a vars file: kplay's YAML loader, Ansible's DataLoader
const varsText = readFileSync(join(dir, 'vars.yaml'), 'utf8');
const vars = parseYaml(varsText, join(dir, 'vars.yaml')).value as Record<string, unknown>;
const values = readFileSync(join(dir, 'values.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => (l.startsWith('json:') ? (JSON.parse(l.slice(5)) as string) : l));
const files = readdirSync(join(dir, 'templates')).filter((f) => f.endsWith('.j2')).sort().map((name) => ({ name, text: readFileSync(join(dir, 'templates', name), 'utf8') }));

type Outcome = { repr?: string; text?: string; error?: string };

const read = (n: string): unknown => (Object.prototype.hasOwnProperty.call(vars, n) ? vars[n] : undefined);
const fns = lookupFunctions({ read, renderFile: (t, f) => renderFile(t, read, fns, f), rawVars: () => vars });

function outcome(render: () => Outcome): Outcome {
  try {
    return render();
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const kplayValue = (v: string): Outcome => outcome(() => ({ repr: pyRepr(renderValue(v, read, fns, { file: 'values.txt' })) }));
const kplayFile = (text: string, name: string): Outcome => outcome(() => ({ text: renderFile(text, read, fns, name) }));

describe.skipIf(!hasAnsible || !systemPython)('templates: kplay against Ansible (Templar, template module)', () => {
  const ansible = hasAnsible && systemPython ? (JSON.parse(execFileSync(systemPython, [oracle], { input: JSON.stringify({ vars_yaml: varsText, values, files }), encoding: 'utf8', maxBuffer: 64 << 20 })) as { values: Outcome[]; files: Outcome[] }) : { values: [], files: [] };

  it(`${values.length} values render to what Ansible gives (or fail where Ansible fails)`, () => {
    expect(values.length).toBeGreaterThanOrEqual(300);
    const wrong: string[] = [];
    values.forEach((v, i) => {
      const ours = kplayValue(v);
      const theirs = ansible.values[i] as Outcome;
      const same = theirs.error !== undefined ? ours.error !== undefined : ours.repr === theirs.repr;
      if (!same) wrong.push(`${v}\n    ansible: ${theirs.error ?? theirs.repr}\n    kplay:   ${ours.error ?? ours.repr}`);
    });
    expect(wrong, `${wrong.length} of ${values.length} differ:\n${wrong.join('\n')}`).toEqual([]);
  });

  it("an undefined value fails with Jinja's words for it ('dict object' has no attribute 'b')", () => {
    const wrong: string[] = [];
    let checked = 0;
    values.forEach((v, i) => {
      // Ansible's text: the error's words, then '. ' and the same words again
      const undefinedText = /^AnsibleUndefinedVariable: (.*)$/.exec((ansible.values[i] as Outcome).error ?? '')?.[1];
      if (undefinedText === undefined) return;
      const words = undefinedText.slice(0, (undefinedText.length - 2) / 2);
      checked++;
      const ours = kplayValue(v).error ?? '';
      if (!ours.startsWith(`${words} in template`)) wrong.push(`${v}\n    ansible: ${words}\n    kplay:   ${ours}`);
    });
    expect(checked).toBeGreaterThanOrEqual(20);
    expect(wrong, `${wrong.length} differ:\n${wrong.join('\n')}`).toEqual([]);
  });

  // the values holding `marker` that Ansible fails with an AnsibleFilterError: kplay fails with the same words
  const filterErrorsMatch = (marker: string, atLeast: number): void => {
    const wrong: string[] = [];
    let checked = 0;
    values.forEach((v, i) => {
      const words = /^AnsibleFilterError: (.*)$/.exec((ansible.values[i] as Outcome).error ?? '')?.[1];
      if (words === undefined || !v.includes(marker)) return;
      checked++;
      const ours = kplayValue(v).error ?? '';
      if (!ours.startsWith(`${words} in template`)) wrong.push(`${v}\n    ansible: ${words}\n    kplay:   ${ours}`);
    });
    expect(checked).toBeGreaterThanOrEqual(atLeast);
    expect(wrong, `${wrong.length} differ:\n${wrong.join('\n')}`).toEqual([]);
  };

  it("mandatory fails with Ansible's words, naming the first thing missing", () => filterErrorsMatch('mandatory', 6));

  it("ansible.utils' address filters fail with the collection's words", () => filterErrorsMatch('ansible.utils.', 8));

  it(`${files.length} .j2 files render byte for byte as the template module renders them`, () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    const wrong: string[] = [];
    files.forEach((f, i) => {
      const ours = kplayFile(f.text, f.name);
      const theirs = ansible.files[i] as Outcome;
      const same = theirs.error !== undefined ? ours.error !== undefined : ours.text === theirs.text;
      if (!same) wrong.push(`${f.name}\n    ansible: ${JSON.stringify(theirs.error ?? theirs.text)}\n    kplay:   ${JSON.stringify(ours.error ?? ours.text)}`);
    });
    expect(wrong, `${wrong.length} of ${files.length} differ:\n${wrong.join('\n')}`).toEqual([]);
  });
});
