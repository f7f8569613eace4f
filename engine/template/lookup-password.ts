// Ansible's password lookup (kubespray's defaults make their tokens and keys with it): a random password
// kept in a file on the controller, so every later run reads the same one; `/dev/null` keeps none. As
// Ansible's plugin does: `length=`, `chars=` (names of Python's string constants or literal characters,
// `,,` for a comma), `encrypt=` (the password hashed with a salt kept beside it), the file made 0600 in a
// 0700 directory, relative paths from the playbook's directory.
import { createHash, randomInt } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ExprError } from './expr/pyops.js';
import { passwordHash, randomSalt, saltSizeOf } from './expr/password-hash.js';
import { PyRandom } from './expr/py-random.js';
import { parseKv } from '../util/kv.js';

// Python's string module constants the chars option names
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const STRING_MODULE: Record<string, string> = {
  ascii_letters: LOWER + UPPER,
  ascii_lowercase: LOWER,
  ascii_uppercase: UPPER,
  digits: DIGITS,
  hexdigits: `${DIGITS}abcdefABCDEF`,
  octdigits: '01234567',
  punctuation: PUNCTUATION,
  whitespace: ' \t\n\r\x0b\x0c',
  printable: `${DIGITS}${LOWER}${UPPER}${PUNCTUATION} \t\n\r\x0b\x0c`,
};
const VALID = ['length', 'encrypt', 'chars', 'ident', 'seed'];

// Ansible's random_password: from the system's randomness, or with `seed=`, Python's random.Random(seed) —
// the same password ansible-playbook makes for that seed
function newPassword(length: number, chars: string, seed: unknown, col: number): string {
  const pool = [...chars];
  if (seed === undefined || seed === null) return Array.from({ length }, () => pool[randomInt(pool.length)]).join('');
  const rng = new PyRandom(seed, col);
  return Array.from({ length }, () => rng.choice(pool, col)).join('');
}

// the term's path and its key=value parameters, as the plugin's _parse_parameters splits them (parse_kv, its
// other words joined to the path)
function parseTerm(term: string, col: number): { relpath: string; params: Record<string, string> } {
  const cut = term.indexOf(' ');
  if (cut < 0) return { relpath: term, params: {} };
  const { _raw_params: raw, ...params } = parseKv(term.slice(cut + 1), undefined);
  const relpath = raw === undefined ? term.slice(0, cut) : `${term.slice(0, cut)} ${String(raw)}`;
  if (!term.startsWith(relpath)) throw new ExprError('Unrecognized value after key=value parameters given to password lookup', col);
  const invalid = Object.keys(params).filter((k) => !VALID.includes(k));
  if (invalid.length) throw new ExprError(`Unrecognized parameter(s) given to password lookup: ${invalid.join(', ')}`, col);
  return { relpath, params: params as Record<string, string> };
}

// the candidate characters: each spec a string constant's name or itself, quotes left out
function candidateChars(spec: unknown): string {
  let specs: string[];
  if (typeof spec === 'string') {
    specs = spec.includes(',,') ? [','] : [];
    specs.push(...spec.replace(/,,/g, ',').split(',').filter(Boolean));
  } else specs = Array.isArray(spec) ? spec.map(String) : ['ascii_letters', 'digits', '.,:-_'];
  return specs.map((s) => STRING_MODULE[s] ?? s).join('').replace(/["']/g, '');
}

// the file's "password salt=SALT ident=IDENT" form
function parseContent(content: string): { password: string; salt: string | undefined; ident: string | undefined } {
  const at = content.lastIndexOf(' salt=');
  if (at < 0) return { password: content, salt: undefined, ident: undefined };
  const rem = content.slice(at + ' salt='.length);
  const id = rem.lastIndexOf(' ident=');
  return { password: content.slice(0, at), salt: rem === '' ? undefined : id < 0 ? rem : rem.slice(0, id), ident: id < 0 ? undefined : rem.slice(id + ' ident='.length) };
}

/** The password lookup's value for one term (`path key=value...`); `kw` are the lookup's keyword options, `playbookDir` where a relative path starts. */
export function passwordLookup(term: string, kw: Record<string, unknown>, playbookDir: string | undefined, col: number): string {
  const { relpath, params } = parseTerm(term, col);
  const opt = (k: string): unknown => params[k] ?? kw[k];
  const lengthText = String(opt('length') ?? 20);
  if (!/^\s*[-+]?\d+\s*$/.test(lengthText)) throw new ExprError(`invalid literal for int() with base 10: '${lengthText}'`, col);
  const length = Number(lengthText);
  if (opt('ident') !== undefined && opt('ident') !== null) throw new ExprError('ident is for bcrypt, which kplay does not compute: leave it out', col);
  const encrypt = opt('encrypt') === undefined || opt('encrypt') === null || opt('encrypt') === '' ? undefined : String(opt('encrypt'));
  if (encrypt === 'bcrypt') throw new ExprError('kplay does not compute bcrypt hashes: use sha512_crypt for the password lookup', col);
  const saltSize = encrypt === undefined ? undefined : saltSizeOf(encrypt);
  if (encrypt !== undefined && saltSize === undefined) throw new ExprError(`passlib does not support '${encrypt}' algorithm`, col);
  const path = isAbsolute(relpath) ? relpath : resolve(playbookDir ?? process.cwd(), relpath);
  const lock = takeLock(path, col);
  try {
    return readOrMake(path, length, opt('chars'), opt('seed'), encrypt, saltSize, col);
  } finally {
    if (lock !== undefined) rmSync(lock, { force: true });
  }
}

// the password kept at `path` (made and kept there when it is not, or lacks the salt `encrypt` needs), hashed with `encrypt`
function readOrMake(path: string, length: number, chars: unknown, seed: unknown, encrypt: string | undefined, saltSize: number | undefined, col: number): string {
  const devNull = path === '/dev/null';
  const content = existsSync(path) && !devNull ? readFileSync(path, 'utf8').replace(/\s+$/, '') : undefined;
  let changed = content === undefined;
  let { password, salt } = content === undefined ? { password: newPassword(length, candidateChars(chars), seed, col), salt: undefined } : parseContent(content);
  if (saltSize !== undefined && salt === undefined) {
    salt = randomSalt(saltSize);
    changed = true;
  }
  if (changed && !devNull) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, `${salt === undefined ? password : `${password} salt=${salt}`}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return encrypt === undefined ? password : passwordHash(password, { hashtype: encrypt, salt }, col);
}

// Ansible's lock beside the password file (`<sha1 of its path>.ansible_lockfile`), so that runs making one
// file, kplay's and ansible-playbook's alike, take turns: made by the first, waited for by the others 1, 2
// and 4 seconds before they give up with Ansible's words; the lock's path when this run made it
function takeLock(path: string, col: number): string | undefined {
  const lock = join(dirname(path), `${createHash('sha1').update(path).digest('hex')}.ansible_lockfile`);
  let first = false;
  if (!existsSync(lock) && path !== '/dev/null') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      closeSync(openSync(lock, 'wx'));
      first = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  for (let counter = 0; !first && existsSync(lock); counter++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000 * 2 ** counter);
    if (counter >= 2) throw new ExprError(`Password lookup cannot get the lock in 7 seconds, abort...This may caused by un-removed lockfileyou can manually remove it from controller machine at ${lock} and try again`, col);
  }
  return first ? lock : undefined;
}
