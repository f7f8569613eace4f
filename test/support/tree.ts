// Writes a tree of files under a fresh temporary directory (one fixture per test).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

// every tree this test file wrote; vitest evaluates this module once per test file, so the hook below
// removes them when the file's tests are done (CI once left 3,000 of them in /tmp per run)
const written: string[] = [];
afterAll(() => {
  for (const root of written.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Creates `files` (relative path -> text or bytes) under a new temp dir and returns the dir. */
export function writeTree(files: Record<string, string | Buffer>, prefix = 'kplay-test-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  written.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return root;
}
