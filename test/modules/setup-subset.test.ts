// setup's gather_subset against Ansible's own setup on this machine: for each subset spec, which of the
// facts kplay gathers come back (Ansible gathers many more; kplay's must appear exactly when Ansible's
// do), and the refusal of a name Ansible does not know.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';

const KPLAY = fileURLToPath(new URL('../../bin/kplay.js', import.meta.url));
// (a collector brings those it needs: network brings distribution and platform even with !min)
const SUBSETS = [['min'], ['!all', 'network'], ['!hardware'], ['!all', '!min'], ['all'], ['distribution_version'], ['!min', 'network'], ['!min', 'hardware'], ['bogus']];
const work = mkdtempSync(join(tmpdir(), 'kplay-subset-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// each subset's setup registered, then per task: the fact names (without ansible_) or the failure message
const play = `- hosts: localhost
  gather_facts: false
  tasks:
${SUBSETS.map((s, i) => `    - setup: {gather_subset: ${JSON.stringify(s)}}\n      register: s${i}\n      ignore_errors: true\n`).join('')}    - copy:
        dest: "{{ out }}"
        content: "{{ [${SUBSETS.map((_, i) => `s${i}`).join(', ')}] | map(attribute='ansible_facts', default={}) | map('dict2items') | map('map', attribute='key') | map('map', 'regex_replace', '^ansible_', '') | list | to_json }}\\n{{ [${SUBSETS.map((_, i) => `s${i}`).join(', ')}] | map(attribute='msg', default='') | list | to_json }}"
`;

function run(engine: 'kplay' | 'ansible'): { facts: string[][]; msgs: string[] } {
  const file = join(work, 'play.yml');
  writeFileSync(file, play);
  const out = join(work, `${engine}.txt`);
  const argv = ['-i', 'localhost,', '-c', 'local', '-e', `out=${out}`, file];
  const r = engine === 'kplay' ? spawnSync(process.execPath, [KPLAY, ...argv], { encoding: 'utf8', env: { ...process.env, KPLAY_NO_LIVE: '1' } }) : spawnSync('ansible-playbook', argv, { encoding: 'utf8' });
  const [facts = '[]', msgs = '[]'] = (() => {
    try {
      return readFileSync(out, 'utf8').split('\n');
    } catch {
      throw new Error(`${engine} did not finish:\n${r.stdout}${r.stderr}`);
    }
  })();
  return { facts: JSON.parse(facts) as string[][], msgs: JSON.parse(msgs) as string[] };
}

describe.skipIf(!hasAnsible)('setup gather_subset, kplay vs Ansible', () => {
  it('gathers a fact exactly when Ansible does, for every subset spec; refuses an unknown name with Ansible\'s message', () => {
    const ours = run('kplay');
    const theirs = run('ansible');
    SUBSETS.forEach((s, i) => {
      const mine = (ours.facts[i] ?? []).filter((k) => k !== 'gather_subset').sort();
      expect(mine, `kplay gathered no facts for ${JSON.stringify(s)} at all`).toBeDefined();
      expect(mine.filter((k) => !(theirs.facts[i] ?? []).includes(k)), `facts kplay gathers and Ansible does not, ${JSON.stringify(s)}`).toEqual([]);
    });
    // the facts kplay knows, present in kplay exactly where Ansible has them
    const known = new Set(ours.facts[SUBSETS.findIndex((s) => s[0] === 'all')] ?? []);
    known.delete('gather_subset');
    expect(known.size).toBeGreaterThan(15);
    SUBSETS.forEach((s, i) => {
      expect((ours.facts[i] ?? []).filter((k) => known.has(k)).sort(), JSON.stringify(s)).toEqual((theirs.facts[i] ?? []).filter((k) => known.has(k)).sort());
    });
    expect(ours.msgs.at(-1)).toBe(theirs.msgs.at(-1));
    expect(ours.msgs.at(-1)).toMatch(/^Bad subset 'bogus' given to Ansible\. gather_subset options allowed: all, /);
  });
});
