// password_hash: crypt(3) hashes as Ansible 2.14 makes them with passlib (its PasslibHash; Debian's
// ansible-core comes with python3-passlib): sha512 ($6$), sha256 ($5$) and md5 ($1$), computed here by
// their published algorithms (Drepper's SHA-crypt, Kamp's MD5-crypt). A random salt when none is given;
// rounds default to Ansible's (656000 for sha512, 535000 for sha256) and are written out unless 5000,
// as passlib writes them. bcrypt is refused.
import { createHash, randomInt } from 'node:crypto';
import { ExprError } from './pyops.js';

const B64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SALT_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./';

// crypt's base64 of three bytes (b2 b1 b0), n characters, least significant first
function b64(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < n; i++) {
    out += B64[w & 0x3f];
    w >>= 6;
  }
  return out;
}

// the byte order SHA-crypt writes its digest in: groups of (i, i+n, i+2n), rotated per group
function shaEncode(d: Buffer, algo: 'sha256' | 'sha512'): string {
  const n = algo === 'sha512' ? 21 : 10;
  let out = '';
  for (let i = 0; i < n; i++) {
    const [a, b, c] = [d[i] as number, d[i + n] as number, d[i + 2 * n] as number];
    const r = i % 3;
    if (r === 0) out += b64(a, b, c, 4);
    else if ((r === 1) === (algo === 'sha512')) out += b64(b, c, a, 4);
    else out += b64(c, a, b, 4);
  }
  return algo === 'sha512' ? out + b64(0, 0, d[63] as number, 2) : out + b64(0, d[31] as number, d[30] as number, 3);
}

// Drepper's SHA-crypt (glibc's $5$ and $6$)
function shaCrypt(algo: 'sha256' | 'sha512', key: Buffer, salt: string, rounds: number | undefined): string {
  const s = Buffer.from(salt.slice(0, 16));
  const h = (...parts: Buffer[]): Buffer => createHash(algo).update(Buffer.concat(parts)).digest();
  const repeat = (src: Buffer, n: number): Buffer => Buffer.concat(Array.from({ length: Math.ceil(n / src.length) || 0 }, () => src)).subarray(0, n);
  const b = h(key, s, key);
  const parts: Buffer[] = [key, s, repeat(b, key.length)];
  for (let n = key.length; n > 0; n >>= 1) parts.push(n & 1 ? b : key);
  const a = h(...parts);
  const p = repeat(h(...Array.from({ length: key.length }, () => key)), key.length);
  const sp = repeat(h(...Array.from({ length: 16 + (a[0] as number) }, () => s)), s.length);
  const n = rounds ?? 5000;
  let c = a;
  for (let i = 0; i < n; i++) {
    const x: Buffer[] = [i & 1 ? p : c];
    if (i % 3) x.push(sp);
    if (i % 7) x.push(p);
    x.push(i & 1 ? c : p);
    c = h(...x);
  }
  return `$${algo === 'sha512' ? 6 : 5}$${n === 5000 ? '' : `rounds=${n}$`}${s.toString()}$${shaEncode(c, algo)}`;
}

// Poul-Henning Kamp's MD5-crypt ($1$)
function md5Crypt(pw: Buffer, salt: string): string {
  const s = Buffer.from(salt.slice(0, 8));
  const md5 = (...parts: Buffer[]): Buffer => createHash('md5').update(Buffer.concat(parts)).digest();
  let fin = md5(pw, s, pw);
  const parts: Buffer[] = [pw, Buffer.from('$1$'), s];
  for (let pl = pw.length; pl > 0; pl -= 16) parts.push(fin.subarray(0, Math.min(pl, 16)));
  for (let i = pw.length; i; i >>= 1) parts.push(i & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  fin = md5(...parts);
  for (let i = 0; i < 1000; i++) {
    const x: Buffer[] = [i & 1 ? pw : fin];
    if (i % 3) x.push(s);
    if (i % 7) x.push(pw);
    x.push(i & 1 ? fin : pw);
    fin = md5(...x);
  }
  const f = (i: number): number => fin[i] as number;
  const body = b64(f(0), f(6), f(12), 4) + b64(f(1), f(7), f(13), 4) + b64(f(2), f(8), f(14), 4) + b64(f(3), f(9), f(15), 4) + b64(f(4), f(10), f(5), 4) + b64(0, 0, f(11), 2);
  return `$1$${s.toString()}$${body}`;
}

// Ansible's algorithm data (utils/encrypt.py): salt size and the rounds it gives passlib when none are given
const ALGOS: Record<string, { saltSize: number; implicitRounds: number | undefined }> = {
  md5_crypt: { saltSize: 8, implicitRounds: undefined },
  sha256_crypt: { saltSize: 16, implicitRounds: 535000 },
  sha512_crypt: { saltSize: 16, implicitRounds: 656000 },
};
/** A salt of `size` of the characters passlib takes, as Ansible's random_salt makes one. */
export function randomSalt(size: number): string {
  return Array.from({ length: size }, () => SALT_CHARS[randomInt(SALT_CHARS.length)]).join('');
}

/** The salt size Ansible gives a scheme kplay hashes (md5_crypt, sha256_crypt, sha512_crypt); undefined for another. */
export function saltSizeOf(scheme: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(ALGOS, scheme) ? ALGOS[scheme]?.saltSize : undefined;
}
const NAMES: Record<string, string> = { md5: 'md5_crypt', blowfish: 'bcrypt', sha256: 'sha256_crypt', sha512: 'sha512_crypt' };

/** The password_hash filter (hashtype, salt, salt_size, rounds; ident applies to bcrypt only). */
export function passwordHash(password: unknown, opts: { hashtype?: unknown; salt?: unknown; salt_size?: unknown; rounds?: unknown }, col: number): string {
  const type = NAMES[String(opts.hashtype ?? 'sha512')] ?? String(opts.hashtype ?? 'sha512');
  if (type === 'bcrypt') throw new ExprError("kplay does not compute bcrypt hashes (password_hash('blowfish'/'bcrypt')); use sha512, or compute the hash beforehand", col);
  const algo = ALGOS[type];
  if (!algo) throw new ExprError(`passlib does not support '${type}' algorithm`, col);
  const size = opts.salt_size === undefined || opts.salt_size === null ? algo.saltSize : Number(opts.salt_size);
  const salt = opts.salt === undefined || opts.salt === null || opts.salt === '' ? randomSalt(size) : String(opts.salt);
  const given = opts.rounds === undefined || opts.rounds === null || opts.rounds === 0 ? undefined : Number(opts.rounds);
  if (type === 'md5_crypt' && given !== undefined) throw new ExprError('kplay does not take rounds for md5 hashes (md5_crypt has none); leave rounds out', col);
  const rounds = given ?? algo.implicitRounds;
  // what passlib refuses (a ValueError), Ansible reports so
  if (/[^./0-9A-Za-z]/.test(salt) || salt.length > algo.saltSize || !Number.isInteger(size) || size < 0 || size > algo.saltSize || (rounds !== undefined && (!Number.isInteger(rounds) || rounds < 1000 || rounds > 999_999_999))) {
    throw new ExprError('Could not hash the secret.', col);
  }
  const key = Buffer.from(String(password));
  return type === 'md5_crypt' ? md5Crypt(key, salt) : shaCrypt(type === 'sha512_crypt' ? 'sha512' : 'sha256', key, salt, rounds);
}
