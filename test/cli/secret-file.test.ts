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
    // (its error output as Python prints the bytes, as Ansible's message has it)
    ['a failing script', (d: string) => (writeFileSync(join(d, 's'), "#!/bin/sh\nprintf 'bo\\047om\\n\\351' >&2\nexit 3\n"), chmodSync(join(d, 's'), 0o755), join(d, 's')), `failed 3: b"bo'om\\n\\xe9"`],
    ['a script killed by a signal', (d: string) => (writeFileSync(join(d, 'k'), '#!/bin/sh\nkill -9 $$\n'), chmodSync(join(d, 'k'), 0o755), join(d, 'k')), 'failed -9: '],
    ['a script that prints nothing', (d: string) => (writeFileSync(join(d, 'e'), '#!/bin/sh\necho\n'), chmodSync(join(d, 'e'), 0o755), join(d, 'e')), 'empty script'],
  ])('refuses %s in the caller\'s words', (_what, make, message) => {
    expect(() => secretFromFile(make(tempDir('kplay-secret-')), WORDS)).toThrow(message);
  });

  it("runs a script with its arguments; with stderr: 'inherit' its failure says None where the output would be", () => {
    const d = tempDir('kplay-secret-');
    writeFileSync(join(d, 'c'), '#!/bin/sh\n[ "$1 $2" = "--vault-id prod" ] && echo pw && exit 0\nexit 2\n');
    chmodSync(join(d, 'c'), 0o755);
    expect(secretFromFile(join(d, 'c'), WORDS, { args: ['--vault-id', 'prod'] }).toString()).toBe('pw');
    expect(() => secretFromFile(join(d, 'c'), WORDS, { args: ['--vault-id', 'dev'] })).toThrow("failed 2: b''");
    expect(() => secretFromFile(join(d, 'c'), WORDS, { stderr: 'inherit' })).toThrow('failed 2: None');
  });
});
