// Writes a tree of files under a fresh temporary directory (one fixture per test).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Creates `files` (relative path -> text or bytes) under a new temp dir and returns the dir. */
export function writeTree(files: Record<string, string | Buffer>, prefix = 'kplay-test-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return root;
}
