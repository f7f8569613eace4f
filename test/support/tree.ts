// Writes a tree of files under a fresh temporary directory (one fixture per test).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

// every directory this test file made here; vitest evaluates this module once per test file, so the
// hook below removes them when the file's tests are done, after its suites' own afterAll hooks (which
// take the lab down). CI once left 3,000 of them in /tmp per run. KPLAY_KEEP_TMP=1 keeps them.
const written: string[] = [];
afterAll(() => {
  if (process.env['KPLAY_KEEP_TMP'] === '1') return;
  for (const root of written.splice(0)) {
    try {
      rmSync(root, { recursive: true, force: true });
    } catch (e) {
      console.warn(`could not remove ${root}: ${(e as Error).message}`);
    }
  }
});

/** A new empty directory under the system's temp dir, removed when this test file is done. */
export function tempDir(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  written.push(root);
  return root;
}

/** Creates `files` (relative path -> text or bytes) under a new temp dir and returns the dir. */
export function writeTree(files: Record<string, string | Buffer>, prefix = 'kplay-test-'): string {
  const root = tempDir(prefix);
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return root;
}
