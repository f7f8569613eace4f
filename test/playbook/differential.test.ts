// kplay's --list-tasks, --list-tags and --syntax-check against ansible-playbook's on a corpus of
// playbooks (roles with dependencies, blocks, imports, includes, tags such as always and never).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { ansiblePlaybook, hasAnsible } from '../support/oracle.js';

const corpus = fileURLToPath(new URL('../fixtures/playbook-corpus', import.meta.url));

async function kplay(cwd: string, args: string[]): Promise<string> {
  let out = '';
  await main(args, { out: (t) => (out += t.endsWith('\n') ? t : t + '\n'), err: () => undefined, cwd, env: { HOME: cwd } });
  return out;
}

const cases = readdirSync(corpus).flatMap((name) => {
  const spec = JSON.parse(readFileSync(join(corpus, name, 'case.json'), 'utf8')) as { playbooks: string[]; args: string[][] };
  return spec.args.map((a) => ({ name, cwd: join(corpus, name), args: ['-i', 'inv', ...spec.playbooks, ...a] }));
});

describe.skipIf(!hasAnsible)('kplay lists plays and tasks as ansible-playbook does', () => {
  it(`on ${cases.length} invocations of the playbook corpus`, async () => {
    const oracle = ansiblePlaybook(cases.map((c) => ({ cwd: c.cwd, playbook_args: c.args })));
    const ours = await Promise.all(cases.map((c) => kplay(c.cwd, c.args)));
    expect(ours.map((o, i) => [cases[i]?.name, cases[i]?.args.join(' '), o.trimEnd()])).toEqual(
      oracle.map((r, i) => [cases[i]?.name, cases[i]?.args.join(' '), r.stdout.trimEnd()]),
    );
  });
});
