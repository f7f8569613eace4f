import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const testFiles = (readdirSync(join(root, 'test'), { recursive: true }) as string[]).filter((f) => f.endsWith('.test.ts')).map((f) => `test/${f.split('\\').join('/')}`);
// the files that build lab hosts: their timings (API polls, a dropped sshd) assume nothing else runs
const labFiles = testFiles.filter((f) => /\blabUp\(/.test(readFileSync(join(root, f), 'utf8')));

// The files that need no lab run first, two at a time (most of them wait on ansible-playbook, one
// process on one core); then the lab files, one at a time.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/count-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'host', include: ['test/**/*.test.ts'], exclude: labFiles, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'lab', include: labFiles, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
