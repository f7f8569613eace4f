// Runs real Ansible modules on local files as an oracle: one playbook, one task per case, each on
// its own copy of the starting content; returns each file's content afterwards and `changed`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { tempDir } from './tree.js';

/** One module call on a file with the given content (undefined: the file does not exist); `module` a short name (ansible.builtin) or a collection's full one. */
export interface ModuleCase {
  module: string;
  before: string | undefined;
  args: Record<string, unknown>;
}

/** What Ansible did. */
export interface ModuleOutcome {
  after: string | undefined;
  changed: boolean;
  failed: boolean;
  msg?: string | undefined;
}

/**
 * Runs every case through ansible-playbook (local connection) and reports the outcomes. `library`: a
 * directory of further modules (a collection's module file, for modules ansible-core does not ship).
 */
export function ansibleModules(cases: ModuleCase[], library?: string): ModuleOutcome[] {
  const dir = tempDir('kplay-ansible-mod-');
  const tasks = cases.map((c, i) => {
    const path = join(dir, `f${i}`);
    if (c.before !== undefined) writeFileSync(path, c.before);
    return { name: `case ${i}`, [library || c.module.includes('.') ? c.module : `ansible.builtin.${c.module}`]: { ...c.args, path }, register: `r${i}`, ignore_errors: true };
  });
  const report = { name: 'report', 'ansible.builtin.copy': { dest: join(dir, 'results.json'), content: `{{ [${cases.map((_, i) => `r${i}`).join(', ')}] | to_json }}` } };
  writeFileSync(join(dir, 'play.yaml'), stringify([{ hosts: 'localhost', gather_facts: false, tasks: [...tasks, report] }]));
  execFileSync('ansible-playbook', ['-i', 'localhost,', '-c', 'local', join(dir, 'play.yaml')], { cwd: dir, env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: '0', ...(library ? { ANSIBLE_LIBRARY: library } : {}) }, stdio: 'pipe' });
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { changed?: boolean; failed?: boolean; msg?: string }[];
  return cases.map((_, i) => {
    const path = join(dir, `f${i}`);
    return { after: existsSync(path) ? readFileSync(path, 'utf8') : undefined, changed: results[i]?.changed === true, failed: results[i]?.failed === true, msg: results[i]?.msg };
  });
}
