// Ansible Vault's format (1.1 and 1.2, AES256), decrypted as ansible-vault does: PBKDF2-SHA256 (10000
// rounds) gives the AES-256-CTR key, the HMAC-SHA256 key and the counter; the HMAC is checked first. The
// secrets come from --vault-password-file, --vault-id and --ask-vault-pass, set once before anything loads.
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isMapping } from '../util/mapping.js';

/** A vault password and the vault id it was given for ('default' without a label). */
export interface VaultSecret {
  id: string;
  password: Buffer;
}

/** A vault text that cannot be decrypted, in Ansible's words: a task that meets one fails with the message alone, as Ansible's action does. */
export class VaultError extends Error {}

let secrets: VaultSecret[] = [];
let keepValues = false;
const plaintexts = new Set<string>();
// whether any !vault value loaded locked: without one, no task's arguments need walking (checkUnlocked)
let anyLocked = false;
// vault_identity (the id of a 1.1 envelope) and vault_id_match
let matching = { identity: 'default', only: false };

/** Sets the run's vault secrets (the CLI, before inventory and playbooks load); `only`: vault_id_match, so an envelope tries only its id's secrets. */
export function setVaultSecrets(list: VaultSecret[], match: { identity: string; only: boolean } = { identity: 'default', only: false }): void {
  secrets = list;
  matching = match;
}

/** `kplay inventory`: !vault values stay encrypted, shown as ansible-inventory shows them ({__ansible_vault: text}). */
export function keepVaultValues(): void {
  keepValues = true;
}

/**
 * A !vault value no secret decrypts (or with no secret given): kept as loaded and failing with `message`
 * only where it is used, as Ansible decrypts a !vault value on use, so a run that never reads it goes on.
 */
export class LockedVault {
  constructor(
    readonly text: string,
    readonly message: string,
  ) {}

  // written out (JSON, Python's str or repr), it is used: Ansible decrypts it there
  toJSON(): never {
    throw new VaultError(this.message);
  }

  pyStr(): never {
    throw new VaultError(this.message);
  }

  pyRepr(): never {
    throw new VaultError(this.message);
  }
}

/** A value read out of a variable: a LockedVault fails there, in Vault's words. */
export function unlocked<T>(v: T): T {
  if (v instanceof LockedVault) throw new VaultError(v.message);
  return v;
}

/** Throws if a value about to be used (a module's arguments) still holds a LockedVault anywhere. */
export function checkUnlocked(v: unknown): void {
  if (anyLocked) walkUnlocked(v);
}

function walkUnlocked(v: unknown): void {
  if (v instanceof LockedVault) throw new VaultError(v.message);
  if (Array.isArray(v)) v.forEach(walkUnlocked);
  else if (isMapping(v)) Object.values(v).forEach(walkUnlocked);
}

/** A !vault value as loaded: its plaintext, a LockedVault when it cannot be decrypted, or with keepVaultValues() the envelope as ansible-inventory prints it. */
export function vaultValue(text: string): string | LockedVault | { __ansible_vault: string } {
  if (keepValues) return { __ansible_vault: text };
  let plain: string;
  try {
    plain = decryptVault(text);
  } catch (e) {
    if (e instanceof VaultError) {
      anyLocked = true;
      return new LockedVault(text, e.message);
    }
    throw e;
  }
  // (long enough to be recognisable, as for secret-named variables)
  if (plain.length >= 4) plaintexts.add(plain);
  return plain;
}

/** Every !vault value decrypted so far: secrets, so they are never shown in output. */
export function vaultPlaintexts(): string[] {
  return [...plaintexts];
}

/** True when `text` is a vault envelope (a whole file or a !vault value). */
export function isVaultText(text: string): boolean {
  return /^\s*\$ANSIBLE_VAULT;/.test(text);
}

// the envelope's header and body: `$ANSIBLE_VAULT;1.1;AES256` or `$ANSIBLE_VAULT;1.2;AES256;label`
function envelope(text: string): { id: string | undefined; body: string } {
  const lines = text.trim().split(/\r?\n/);
  const header = (lines.shift() ?? '').trim().split(';');
  if (header[0] !== '$ANSIBLE_VAULT' || !['1.1', '1.2'].includes(header[1]?.trim() ?? '')) throw new VaultError(`unsupported vault format '${header.slice(0, 2).join(';')}'`);
  if (header[2]?.trim() !== 'AES256') throw new VaultError(`${header[2]?.trim() ?? ''} cipher could not be found`);
  return { id: header[1]?.trim() === '1.2' ? header[3]?.trim() : undefined, body: lines.map((l) => l.trim()).join('') };
}

// one secret against the body: the plaintext, or undefined when the HMAC says it is not this secret's
function tryDecrypt(body: string, password: Buffer): Buffer | undefined {
  if (!/^([0-9a-fA-F]{2})+$/.test(body)) throw new VaultError('Vault format unhexlify error: Odd-length string');
  const parts = Buffer.from(body, 'hex').toString('latin1').split('\n');
  if (parts.length !== 3) throw new VaultError('Vault format unhexlify error: the vaulttext has no salt, hmac or ciphertext');
  const [salt, hmac, cipher] = parts.map((p) => Buffer.from(p, 'hex')) as [Buffer, Buffer, Buffer];
  const derived = pbkdf2Sync(password, salt, 10000, 80, 'sha256');
  const mac = createHmac('sha256', derived.subarray(32, 64)).update(cipher).digest();
  if (mac.length !== hmac.length || !timingSafeEqual(mac, hmac)) return undefined;
  const d = createDecipheriv('aes-256-ctr', derived.subarray(0, 32), derived.subarray(64, 80));
  const padded = Buffer.concat([d.update(cipher), d.final()]);
  // PKCS#7 padding to AES's 16-byte block
  const pad = padded[padded.length - 1] ?? 0;
  return pad >= 1 && pad <= 16 ? padded.subarray(0, padded.length - pad) : padded;
}

/**
 * The plaintext of a vault envelope, trying the secret of its vault id first and then the others (only
 * its id's with vault_id_match, as Ansible). Throws VaultError in Ansible's words when none decrypts it.
 */
export function decryptVault(text: string): string {
  return decryptVaultBytes(text).toString('utf8');
}

/**
 * A controller file as Ansible's loader reads one for copy, template, script, unarchive and the file and
 * template lookups: its bytes, or an encrypted file's plaintext (VaultError naming the file when it cannot).
 */
export function readControllerFile(path: string): Buffer {
  const data = readFileSync(path);
  if (!data.subarray(0, 15).equals(HEADER)) return data;
  // (Ansible's loader words the missing password so for a file)
  if (!secrets.length) throw new VaultError(`A vault password or secret must be specified to decrypt ${path}`);
  try {
    return decryptVaultBytes(data.toString('latin1'));
  } catch (e) {
    throw e instanceof VaultError ? new VaultError(`${e.message} on ${path}`) : e;
  }
}

const HEADER = Buffer.from('$ANSIBLE_VAULT;');

function decryptVaultBytes(text: string): Buffer {
  if (!secrets.length) throw new VaultError('Attempting to decrypt but no vault secrets found');
  const { id = matching.identity, body } = envelope(text);
  const ordered = [...secrets.filter((s) => s.id === id), ...(matching.only ? [] : secrets.filter((s) => s.id !== id))];
  for (const s of ordered) {
    const plain = tryDecrypt(body, s.password);
    if (plain !== undefined) return plain;
  }
  throw new VaultError('Decryption failed (no vault secrets were found that could decrypt)');
}
