// Runs Ansible itself (ansible_oracle.py, in-process, batched) to compare kplay with it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { systemPython } from './python.js';

const script = fileURLToPath(new URL('./ansible_oracle.py', import.meta.url));

/** True when Debian's ansible-core is installed (CI installs it; see .ci/run). */
export const hasAnsible = !!systemPython && existsSync('/usr/bin/ansible-inventory');

/** An ansible-inventory invocation and its result. */
export interface InventoryCase {
  cwd: string;
  args: string[];
}

/** An ansible-playbook invocation in a listing mode (--list-tasks, --list-tags, --syntax-check). */
export interface PlaybookCase {
  cwd: string;
  playbook_args: string[];
}
export interface InventoryResult {
  rc: number;
  stdout: string;
  stderr: string;
}

/** A pattern evaluation and its result. */
export interface PatternCase {
  cwd: string;
  sources: string[];
  pattern: string | string[];
  limit?: string | null;
}
export interface PatternResult {
  hosts?: string[];
  error?: string;
}

function run<T>(cases: unknown[]): T[] {
  const out = execFileSync(systemPython as string, [script], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: '/tmp', ANSIBLE_HOME: '/tmp/kplay-ansible-home' },
  });
  return JSON.parse(out) as T[];
}

/** Runs ansible-inventory for each case. */
export function ansibleInventory(cases: InventoryCase[]): InventoryResult[] {
  return run<InventoryResult>(cases);
}

/** Runs ansible-playbook (listing modes only: nothing is executed) for each case. */
export function ansiblePlaybook(cases: PlaybookCase[]): InventoryResult[] {
  return run<InventoryResult>(cases);
}

/** Evaluates host patterns with Ansible's InventoryManager. */
export function ansiblePatterns(cases: PatternCase[]): PatternResult[] {
  return run<PatternResult>(cases);
}
