// Ansible Vault envelopes decrypted as ansible-vault does: the format is rebuilt here from its parts
// (PBKDF2-SHA256, AES-256-CTR, HMAC-SHA256) and checked against an envelope ansible-vault 2.14 made.
import { afterEach, describe, expect, it } from 'vitest';
import { encrypt } from '../support/vault.js';
import { decryptVault, isVaultText, LockedVault, setVaultSecrets, vaultPlaintexts, vaultValue } from '../../engine/vault/vault.js';

// made by `ansible-vault encrypt_string 'made by ansible-vault'` with the password 'kplay-test' (ansible-core 2.14)
const FROM_ANSIBLE = `$ANSIBLE_VAULT;1.1;AES256
61336330343936636431323961353862363038323665643731633138643335343938653838663638
6361386538353863633063626138396266646234303339320a663162396666386533316230646261
61373632323263346462326265336637323162326138353839663631623035346562363438353238
6131313861666461620a316462613065643362383535363538663836363061346139363338306634
30333564393665313732323332313533383736376139353632623237353362663161`;

const pw = (id: string, password: string): { id: string; password: Buffer } => ({ id, password: Buffer.from(password) });

afterEach(() => setVaultSecrets([]));

describe('decryptVault', () => {
  it.each([
    ['format 1.1, the one secret', encrypt('db: s3cret\n', 'right'), [pw('default', 'right')], 'db: s3cret\n'],
    ['format 1.2: the label\'s secret first, after a wrong one', encrypt('labelled', 'prod-pw', 'prod'), [pw('dev', 'dev-pw'), pw('prod', 'prod-pw')], 'labelled'],
    ['a label no secret has: every secret is tried', encrypt('any', 'pw2', 'other'), [pw('a', 'pw1'), pw('b', 'pw2')], 'any'],
    ['a plaintext of whole blocks (a full padding block)', encrypt('0123456789abcdef', 'p'), [pw('default', 'p')], '0123456789abcdef'],
    ['the empty text', encrypt('', 'p'), [pw('default', 'p')], ''],
    ['unicode', encrypt('pässwörd ✓', 'p'), [pw('default', 'p')], 'pässwörd ✓'],
    ['indented as a !vault value is', encrypt('x', 'p').replace(/^/gm, '          '), [pw('default', 'p')], 'x'],
  ] as const)('%s', (_what, text, secrets, plain) => {
    setVaultSecrets([...secrets]);
    expect(isVaultText(text)).toBe(true);
    expect(decryptVault(text)).toBe(plain);
    // a !vault value's plaintext is a secret from then on (when long enough to recognise)
    expect(vaultValue(text)).toBe(plain);
    expect(vaultPlaintexts().includes(plain)).toBe(plain.length >= 4);
  });

  it.each([
    ['no secrets', encrypt('x', 'p'), [], 'Attempting to decrypt but no vault secrets found'],
    ['a wrong password', encrypt('x', 'p'), [pw('default', 'q')], 'Decryption failed (no vault secrets were found that could decrypt)'],
    ['another cipher', '$ANSIBLE_VAULT;1.1;AES\n3031\n', [pw('default', 'p')], 'AES cipher could not be found'],
    ['a body that is not hex', '$ANSIBLE_VAULT;1.1;AES256\nzz\n', [pw('default', 'p')], 'Vault format unhexlify error'],
  ] as const)('refuses %s in Ansible\'s words', (_what, text, secrets, message) => {
    setVaultSecrets([...secrets]);
    expect(() => decryptVault(text)).toThrow(message);
    // as a !vault value it loads locked, to fail with those words only where it is used
    expect(vaultValue(text)).toEqual(new LockedVault(text, expect.stringContaining(message) as unknown as string));
  });

  it('reads an envelope ansible-vault made', () => {
    setVaultSecrets([pw('default', 'kplay-test')]);
    expect(decryptVault(FROM_ANSIBLE)).toBe('made by ansible-vault');
  });
});
