// Real X.509 for the lab: RSA keys from node:crypto, certificates signed by openssl, laid out
// exactly where kubeadm puts them. Certificates are read back with node's X509Certificate.
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, X509Certificate, createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Fatal, writeFile } from './common.mjs';

/** kubeadm's certificate directory. */
export const PKI = '/etc/kubernetes/pki';

/** Writes a new RSA-2048 private key (PKCS#1 PEM, as kubeadm writes them) unless keep is set and one exists. */
export function newKey(path, keep = false) {
  if (keep && existsSync(path)) return;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  writeFile(path, privateKey, 0o600);
}

function subj(cn, orgs = []) {
  return [...orgs.map((o) => `/O=${o}`), `/CN=${cn}`].join('');
}

function openssl(args) {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Fatal(`openssl ${args[0]} failed: ${String(e.stderr ?? e.message).trim()}`);
  }
}

/** A self-signed CA (10 years, as kubeadm's). */
export function newCa(base, cn) {
  mkdirSync(dirname(base), { recursive: true });
  newKey(`${base}.key`);
  openssl(['req', '-x509', '-new', '-key', `${base}.key`, '-subj', subj(cn), '-days', '3650', '-sha256', '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign', '-out', `${base}.crt`]);
}

/**
 * A leaf certificate signed by the CA at `caBase` (1 year). `usage` is server, client or both;
 * `sans` = { dns: [], ip: [] }. An existing key is reused when `keepKey` (kubeadm certs renew).
 */
export function newCert(base, caBase, { cn, orgs = [], usage, sans, keepKey = false, days = 365 }) {
  newKey(`${base}.key`, keepKey);
  const eku = usage === 'server' ? 'serverAuth' : usage === 'client' ? 'clientAuth' : 'serverAuth,clientAuth';
  const args = ['req', '-x509', '-new', '-key', `${base}.key`, '-subj', subj(cn, orgs), '-days', String(days), '-sha256', '-CA', `${caBase}.crt`, '-CAkey', `${caBase}.key`, '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment', '-addext', `extendedKeyUsage=${eku}`];
  const san = [...(sans?.dns ?? []).map((d) => `DNS:${d}`), ...(sans?.ip ?? []).map((i) => `IP:${i}`)];
  if (san.length) args.push('-addext', `subjectAltName=${[...new Set(san)].join(',')}`);
  args.push('-out', `${base}.crt`);
  openssl(args);
}

/** The service account key pair (sa.key, sa.pub). */
export function newSaKeys(dir) {
  newKey(join(dir, 'sa.key'), true);
  const pub = createPublicKey(readFileSync(join(dir, 'sa.key'))).export({ type: 'spki', format: 'pem' });
  writeFile(join(dir, 'sa.pub'), pub);
}

/** A parsed certificate. */
export function readCert(path) {
  return new X509Certificate(readFileSync(path));
}

/** The certificate's SANs as { dns, ip }. */
export function certSans(cert) {
  const dns = [];
  const ip = [];
  for (const part of (cert.subjectAltName ?? '').split(/,\s*/)) {
    if (part.startsWith('DNS:')) dns.push(part.slice(4));
    else if (part.startsWith('IP Address:')) ip.push(part.slice(11));
  }
  return { dns, ip };
}

/** `sha256:<hex>` of the CA's SubjectPublicKeyInfo: the --discovery-token-ca-cert-hash. */
export function caCertHash(pem) {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

/** The CN of a certificate's subject. */
export function certCn(cert) {
  return /CN=([^\n]*)/.exec(cert.subject)?.[1] ?? '';
}

/** The Organization entries of a certificate's subject. */
export function certOrgs(cert) {
  return [...cert.subject.matchAll(/O=([^\n]*)/g)].map((m) => m[1]);
}

