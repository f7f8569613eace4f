// The public key of an identity file, read as OpenSSH reads it (the agent's copy of an identity file is
// matched by it under IdentitiesOnly): from the file itself, its .pub, or an encrypted OpenSSH key's
// readable public part. Each row's answer is checked against ssh-keygen's own public key.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { identityPublicKey } from '../../engine/transport/identity.js';

const dir = mkdtempSync(join(tmpdir(), 'kplay-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// a new key pair at `name` (ssh-keygen's extra arguments), and its public key's wire form
function keygen(name: string, ...args: string[]): Buffer {
  const r = spawnSync('ssh-keygen', ['-q', '-N', '', '-C', name, '-f', join(dir, name), ...args]);
  if (r.status !== 0) throw new Error(String(r.stderr));
  return Buffer.from(readFileSync(join(dir, `${name}.pub`), 'utf8').split(' ')[1] as string, 'base64');
}

describe('identityPublicKey', () => {
  const ed = keygen('ed', '-t', 'ed25519');
  const rsaPem = keygen('rsa-pem', '-t', 'rsa', '-b', '2048', '-m', 'PEM');
  const enc = keygen('enc', '-t', 'ed25519');
  spawnSync('ssh-keygen', ['-q', '-p', '-N', 'secret', '-P', '', '-f', join(dir, 'enc')]);
  // the encrypted key without its .pub: only its own readable public part tells the key
  copyFileSync(join(dir, 'enc'), join(dir, 'enc-alone'));
  // a .pub whose private key is elsewhere (an agent, a password manager)
  const agentOnly = keygen('agent-only', '-t', 'ecdsa');
  rmSync(join(dir, 'agent-only'));
  writeFileSync(join(dir, 'garbage'), 'not a key\n');

  const rows: [string, string, Buffer | undefined][] = [
    ['an unencrypted OpenSSH key', 'ed', ed],
    ['a PEM RSA key', 'rsa-pem', rsaPem],
    ['an encrypted key with its .pub', 'enc', enc],
    ['an encrypted OpenSSH key alone (its public part is not encrypted)', 'enc-alone', enc],
    ['a private key that is not there, by its .pub', 'agent-only', agentOnly],
    ['a .pub named itself', 'agent-only.pub', agentOnly],
    ['a file that holds no key', 'garbage', undefined],
    ['no such file', 'missing', undefined],
  ];
  it.each(rows)('%s', (_what, file, want) => {
    const got = identityPublicKey(join(dir, file));
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got?.toString('base64')).toBe(want.toString('base64'));
  });
});
