// known_hosts as OpenSSH reads it: plain and hashed (|1|salt|hash) host names, [host]:port, several
// keys per host, wildcards; and the verdict for a presented key: known, unknown or CHANGED.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { matchesPatternList } from './ssh-pattern.js';

/** One usable known_hosts entry. */
interface Entry {
  patterns: string[];
  hashed: { salt: Buffer; hash: Buffer } | undefined;
  type: string;
  key: Buffer;
}

/** The outcome of checking a host key. */
export type HostKeyVerdict = { kind: 'known' } | { kind: 'unknown' } | { kind: 'changed'; line: string };

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** SHA256 fingerprint as ssh-keygen -l prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

// the type a wire-format key blob names first (ssh-ed25519, ssh-rsa…)
function keyType(key: Buffer): string {
  return key.length < 4 ? '' : key.subarray(4, 4 + key.readUInt32BE(0)).toString();
}

/**
 * The known_hosts files of one connection, read as OpenSSH reads them: the user's files
 * (UserKnownHostsFile, which may name several) and the system's (GlobalKnownHostsFile, by default
 * /etc/ssh/ssh_known_hosts); a missing file is empty. New keys are recorded in the first user file.
 */
export class KnownHosts {
  private readonly entries: (Entry & { lineNo: number; file: string })[] = [];
  /** The first user file: where a new key is recorded, and what messages name. */
  readonly path: string;

  constructor(userFiles: string | string[], globalFiles: string[] = []) {
    const users = typeof userFiles === 'string' ? [userFiles] : userFiles;
    this.path = users[0] ?? '/dev/null';
    for (const file of [...users, ...globalFiles]) this.read(file);
  }

  private read(path: string): void {
    if (!existsSync(path)) return;
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        const line = raw.trim();
        if (!line || line.startsWith('#') || line.startsWith('@')) return; // markers (@revoked, @cert-authority) are not used
        const [hosts = '', type = '', key = ''] = line.split(/\s+/);
        if (!key) return;
        let hashed: Entry['hashed'];
        if (hosts.startsWith('|1|')) {
          const [, , salt = '', hash = ''] = hosts.split('|');
          hashed = { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
        }
        this.entries.push({ patterns: hashed ? [] : hosts.split(','), hashed, type, key: Buffer.from(key, 'base64'), lineNo: i + 1, file: path });
      });
  }

  private matches(e: Entry, name: string): boolean {
    if (e.hashed) return createHmac('sha1', e.hashed.salt).update(name).digest().equals(e.hashed.hash);
    return matchesPatternList(e.patterns, name, true);
  }

  /**
   * Checks the key a server presented (ssh2's wire-format blob): known when any file holds it; changed
   * when they hold another key for the host, of any type (as OpenSSH 9 judges it: its "Offending RSA
   * key" for an Ed25519 one); else unknown.
   */
  verify(host: string, port: number, key: Buffer): HostKeyVerdict {
    const name = hostKeyName(host, port);
    const mine = this.entries.filter((e) => this.matches(e, name));
    if (mine.some((e) => e.key.equals(key))) return { kind: 'known' };
    const other = mine[0];
    return other ? { kind: 'changed', line: `${other.file}:${other.lineNo}` } : { kind: 'unknown' };
  }

  /** The key types recorded for a host (ssh-rsa, ssh-ed25519…), in file order: OpenSSH asks the server for these first. */
  typesFor(host: string, port: number): string[] {
    const name = hostKeyName(host, port);
    return [...new Set(this.entries.filter((e) => this.matches(e, name)).map((e) => e.type))];
  }

  /** Records a new host key (OpenSSH's accept-new), under its name or, with `hash` (HashKnownHosts), the name's salted hash. */
  add(host: string, port: number, key: Buffer, hash = false): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const type = keyType(key);
    const name = hostKeyName(host, port);
    const salt = randomBytes(20);
    const hashed = hash ? { salt, hash: createHmac('sha1', salt).update(name).digest() } : undefined;
    const written = hashed ? `|1|${hashed.salt.toString('base64')}|${hashed.hash.toString('base64')}` : name;
    appendFileSync(this.path, `${written} ${type} ${key.toString('base64')}\n`, { mode: 0o600 });
    this.entries.push({ patterns: hashed ? [] : [name], hashed, type, key, lineNo: -1, file: this.path });
  }
}
