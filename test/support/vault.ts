// Ansible Vault envelopes for tests, built from the format's parts as ansible-vault encrypt writes them.
import { createCipheriv, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** An envelope of `plain` under `password`, as ansible-vault encrypt writes it (label: format 1.2). */
export function encrypt(plain: string, password: string, label?: string): string {
  const salt = randomBytes(32);
  const d = pbkdf2Sync(password, salt, 10000, 80, 'sha256');
  const data = Buffer.from(plain);
  const pad = 16 - (data.length % 16);
  const c = createCipheriv('aes-256-ctr', d.subarray(0, 32), d.subarray(64, 80));
  const cipher = Buffer.concat([c.update(Buffer.concat([data, Buffer.alloc(pad, pad)])), c.final()]);
  const hmac = createHmac('sha256', d.subarray(32, 64)).update(cipher).digest();
  const body = Buffer.from([salt, hmac, cipher].map((b) => b.toString('hex')).join('\n')).toString('hex');
  return `$ANSIBLE_VAULT;${label ? `1.2;AES256;${label}` : '1.1;AES256'}\n${body.match(/.{1,80}/g)?.join('\n') ?? ''}\n`;
}
