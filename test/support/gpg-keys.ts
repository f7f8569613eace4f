// Throwaway OpenPGP signing keys made by this machine's gpg, for the key modules' differential tests
// (apt_key, rpm_key): armored public keys and their fingerprints; the keyring is removed at once.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Two keys (`one`, `two`) of `algo` (ed25519, rsa2048...), named after `label`. */
export function makeKeys(label: string, algo: string): { armored: string[]; fprs: string[] } {
  const home = mkdtempSync(join(tmpdir(), 'kplay-gpg-'));
  try {
    const gpg = (...args: string[]): string => execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const armored: string[] = [];
    const fprs: string[] = [];
    for (const who of ['one', 'two']) {
      gpg('--passphrase', '', '--quick-gen-key', `kplay ${label} ${who} <${who}@example.test>`, algo, 'sign', 'never');
      const fpr = gpg('--with-colons', '--list-keys', `${who}@example.test`).split('\n').find((l) => l.startsWith('fpr:'))?.split(':')[9] ?? '';
      fprs.push(fpr);
      armored.push(gpg('--armor', '--export', fpr));
    }
    return { armored, fprs };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
