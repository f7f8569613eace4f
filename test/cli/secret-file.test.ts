// Password files read as Ansible's CLI reads them: a file's bytes without ASCII blanks around them (as
// Python's bytes.strip), an executable's output without line breaks around it, failures in the caller's words.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretFromFile, type SecretFileWords } from '../../engine/cli/secret-file.js';
import { tempDir } from '../support/tree.js';

const WORDS: SecretFileWords = {
  missing: 'missing',
  notRun: (why) => `not run: ${why}`,
  failed: (rc, stderr) => `failed ${rc}: ${stderr}`,
  unreadable: (why) => `unreadable: ${why}`,
  empty: (from) => `empty ${from}`,
};

describe('secretFromFile', () => {
  it.each([
    ['ASCII blanks around it', ' \t pw word \r\n\n', 'pw word'],
    ['a UTF-8 character whose last byte is 0xa0 (à) at the end', 'pàssà\n', 'pàssà'],
    ['a no-break space at the end (not an ASCII blank)', 'pw\u00a0\n', 'pw\u00a0'],
  ])('a file: %s', (_what, text, want) => {
    const f = join(tempDir('kplay-secret-'), 'pw');
    writeFileSync(f, text);
    expect(secretFromFile(f, WORDS).toString('utf8')).toBe(want);
  });

  it('an executable: its output without line breaks around it', () => {
    const f = join(tempDir('kplay-secret-'), 'pw.sh');
    writeFileSync(f, "#!/bin/sh\nprintf '\\n  sà \\n'\n");
    chmodSync(f, 0o755);
    expect(secretFromFile(f, WORDS).toString('utf8')).toBe('  sà ');
  });

  it.each([
    ['a missing file', (d: string) => join(d, 'none'), 'missing'],
    ['a blank file', (d: string) => (writeFileSync(join(d, 'b'), ' \n'), join(d, 'b')), 'empty file'],
    ['a failing script', (d: string) => (writeFileSync(join(d, 's'), '#!/bin/sh\necho boom >&2\nexit 3\n'), chmodSync(join(d, 's'), 0o755), join(d, 's')), 'failed 3: boom'],
    ['a script that prints nothing', (d: string) => (writeFileSync(join(d, 'e'), '#!/bin/sh\necho\n'), chmodSync(join(d, 'e'), 0o755), join(d, 'e')), 'empty script'],
  ])('refuses %s in the caller\'s words', (_what, make, message) => {
    expect(() => secretFromFile(make(tempDir('kplay-secret-')), WORDS)).toThrow(message);
  });
});
