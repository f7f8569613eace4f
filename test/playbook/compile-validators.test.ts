// The validators generated at build time must judge every mapping exactly as ajv compiling the same
// schema at run time does (same verdict, same first error), and the build must have written them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { validatorSource } from '../../engine/playbook/compile-validators.js';
import { KEYWORD_TABLES, keywordSchema } from '../../engine/playbook/keywords.js';

const dir = mkdtempSync(join(tmpdir(), 'kplay-validators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Validate = ((d: unknown) => boolean) & { errors?: unknown[] | null };

// table, mapping: valid and invalid values of the keyword types kplay uses
const cases: [keyof typeof KEYWORD_TABLES, Record<string, unknown>][] = [
  ['task', { name: 'x', become: true, when: 'a', tags: ['t'], retries: 3, loop: [1, 2] }],
  ['task', { become: 'yes please' }],
  ['task', { retries: 'three' }],
  ['task', { tags: { a: 1 } }],
  ['task', { vars: [1, 2] }],
  ['block', { block: [], rescue: [], always: [], when: ['a', 'b'] }],
  ['block', { block: 'not a list' }],
  ['play', { hosts: 'all', serial: 2, gather_facts: false, vars_files: ['a.yml'] }],
  ['play', { hosts: 'all', serial: { a: 1 } }],
  ['play', { hosts: 'all', gather_facts: [] }],
  ['role', { role: 'x', tags: 'a' }],
  ['role', { role: ['x'] }],
];

describe('compile-validators', () => {
  it('the build wrote the same source to dist/playbook/validators.generated.js', () => {
    const built = readFileSync(new URL('../../dist/playbook/validators.generated.js', import.meta.url), 'utf8');
    expect(built).toBe(validatorSource());
  });

  it.each(cases)('%s %j: same verdict and first error as a runtime compile', async (name, value) => {
    const file = join(dir, 'v.mjs');
    writeFileSync(file, validatorSource());
    const generated = ((await import(pathToFileURL(file).href)) as Record<string, Validate>)[name] as Validate;
    const runtime = new Ajv({ allErrors: false, strict: false }).compile(keywordSchema(KEYWORD_TABLES[name]));
    const verdict = generated(value);
    expect(verdict).toBe(runtime(value));
    expect(generated.errors ?? null).toEqual(runtime.errors ?? null);
  });
});
