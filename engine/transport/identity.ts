// OpenSSH's identities as its client reads them: the public key of an identity file (which an agent's
// copy is matched by) and an agent that offers only the identity files' keys (IdentitiesOnly).
import { readFileSync } from 'node:fs';
import ssh2, { type ParsedKey } from 'ssh2';

const { OpenSSHAgent, utils } = ssh2;
const OPENSSH_MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

// the first public key an OpenSSH-format private key file holds, unencrypted ahead of its private part
function opensshPublicPart(text: string): Buffer | undefined {
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (!m) return undefined;
  const data = Buffer.from((m[1] as string).replace(/\s+/g, ''), 'base64');
  if (!data.subarray(0, OPENSSH_MAGIC.length).equals(OPENSSH_MAGIC)) return undefined;
  let at = OPENSSH_MAGIC.length;
  const field = (): Buffer | undefined => {
    if (at + 4 > data.length) return undefined;
    const len = data.readUInt32BE(at);
    if (at + 4 + len > data.length) return undefined;
    const b = data.subarray(at + 4, at + 4 + len);
    at += 4 + len;
    return b;
  };
  // cipher name, kdf name, kdf options, then the number of keys and each public key
  if (!field() || !field() || !field() || at + 4 > data.length || data.readUInt32BE(at) < 1) return undefined;
  at += 4;
  return field();
}

/**
 * The public key (its wire form) of an identity file, read as OpenSSH reads it: the file as a public
 * key, else its `.pub`, else the public part of the private key (which OpenSSH's format keeps readable
 * when the key is encrypted). undefined when none can be read.
 */
export function identityPublicKey(path: string): Buffer | undefined {
  let priv: string | undefined;
  for (const p of [path, `${path}.pub`]) {
    let data: Buffer;
    try {
      data = readFileSync(p);
    } catch {
      continue;
    }
    if (p === path) priv = data.toString('latin1');
    const parsed = utils.parseKey(data);
    if (!(parsed instanceof Error)) return (Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed).getPublicSSH();
  }
  return priv === undefined ? undefined : opensshPublicPart(priv);
}

/** An agent that lists only the given keys, as OpenSSH's IdentitiesOnly offers only the agent's copies of the identity files. */
export class OnlyKeysAgent extends OpenSSHAgent {
  constructor(
    socketPath: string,
    private readonly allowed: Buffer[],
  ) {
    super(socketPath);
  }

  override getIdentities(cb: Parameters<InstanceType<typeof OpenSSHAgent>['getIdentities']>[0]): void {
    super.getIdentities((err, keys) => {
      if (err || !keys) cb(err);
      // (OpenSSHAgent lists parsed keys)
      else cb(err, keys.filter((k) => this.allowed.some((a) => a.equals((k as ParsedKey).getPublicSSH()))));
    });
  }
}
