// community.crypto.x509_certificate_info as a filter: what a PEM certificate says, in the collection's
// key names and formats, read with node's X509Certificate. kplay gives the keys cluster playbooks read
// (the fingerprints kubeadm's caCertHashes come from, names, validity, the public key); the others
// (serial_number, public_key_data, extensions, key usages, signature_algorithm...) are not given, so
// reading one is an undefined-attribute error, never a wrong value (docs/templates.md).
import { X509Certificate, createHash } from 'node:crypto';
import { ExprError } from './pyops.js';

// hashlib.algorithms_guaranteed, in Python's names, and node's for each (shake digests are 32 bytes, as hexdigest(32))
const HASHES: [string, string, number?][] = [
  ['blake2b', 'blake2b512'],
  ['blake2s', 'blake2s256'],
  ['md5', 'md5'],
  ['sha1', 'sha1'],
  ['sha224', 'sha224'],
  ['sha256', 'sha256'],
  ['sha384', 'sha384'],
  ['sha3_224', 'sha3-224'],
  ['sha3_256', 'sha3-256'],
  ['sha3_384', 'sha3-384'],
  ['sha3_512', 'sha3-512'],
  ['sha512', 'sha512'],
  ['shake_128', 'shake128', 32],
  ['shake_256', 'shake256', 32],
];

/** The collection's fingerprints of some bytes: every guaranteed hash, as colon-separated hex. */
function fingerprints(bytes: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, algo, length] of HASHES) {
    const hex = createHash(algo, length ? { outputLength: length } : undefined).update(bytes).digest('hex');
    out[name] = (hex.match(/../g) ?? []).join(':');
  }
  return out;
}

// cryptography's names for the attribute types OpenSSL prints short
const NAMES: Record<string, string> = {
  CN: 'commonName',
  O: 'organizationName',
  OU: 'organizationalUnitName',
  C: 'countryName',
  ST: 'stateOrProvinceName',
  L: 'localityName',
  emailAddress: 'emailAddress',
  serialNumber: 'serialNumber',
  DC: 'domainComponent',
  street: 'streetAddress',
  title: 'title',
  GN: 'givenName',
  SN: 'surname',
};

function nameParts(text: string): [string, string][] {
  return text
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => {
      const eq = l.indexOf('=');
      const key = l.slice(0, eq);
      return [NAMES[key] ?? key, l.slice(eq + 1)];
    });
}

// "YYYYMMDDHHMMSSZ", the collection's ASN.1 time format
const asn1Time = (d: string): string => new Date(d).toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');

// the certificate's version from its DER: tbsCertificate starts with [0] { INTEGER v } for v2 and v3, else v1
function version(der: Buffer): number {
  let i = 0;
  const skipHeader = (): void => {
    i++;
    const len = der[i++] as number;
    if (len & 0x80) i += len & 0x7f;
  };
  skipHeader(); // Certificate SEQUENCE
  skipHeader(); // tbsCertificate SEQUENCE
  if (der[i] !== 0xa0) return 1;
  skipHeader(); // [0]
  skipHeader(); // INTEGER
  return (der[i] as number) + 1;
}

const KEY_TYPES: Record<string, string> = { rsa: 'RSA', 'rsa-pss': 'RSA', dsa: 'DSA', ec: 'ECC', ed25519: 'Ed25519', ed448: 'Ed448', x25519: 'X25519', x448: 'X448' };

/** The x509_certificate_info filter over a PEM (or DER) certificate. */
export function x509CertificateInfo(value: unknown, col: number): Record<string, unknown> {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.isBuffer(value) ? value : String(value));
  } catch (e) {
    throw new ExprError(`Error while loading certificate: ${(e as Error).message}`, col);
  }
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  const subject = nameParts(cert.subject);
  const issuer = nameParts(cert.issuer);
  const san = cert.subjectAltName;
  return {
    expired: Date.now() > new Date(cert.validTo).getTime(),
    fingerprints: fingerprints(cert.raw),
    issuer: Object.fromEntries(issuer),
    issuer_ordered: issuer,
    not_after: asn1Time(cert.validTo),
    not_before: asn1Time(cert.validFrom),
    public_key: cert.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    public_key_fingerprints: fingerprints(spki),
    public_key_type: KEY_TYPES[cert.publicKey.asymmetricKeyType ?? ''] ?? cert.publicKey.asymmetricKeyType,
    subject: Object.fromEntries(subject),
    subject_alt_name: san ? san.split(', ').map((n) => n.replace(/^IP Address:/, 'IP:')) : null,
    subject_ordered: subject,
    version: version(cert.raw),
  };
}
