// The algorithms kplay's SSH client offers, chosen by OpenSSH's Ciphers, MACs, KexAlgorithms and
// HostKeyAlgorithms as OpenSSH reads them: a list replaces the default, `+list` appends to it, `^list`
// puts names first, `-list` takes names (or patterns) out. kplay's client (ssh2) lacks some of
// OpenSSH's algorithms: a list keeps the ones it can use and is refused when none is left, so kplay
// never offers an algorithm the list leaves out.
import { getCiphers } from 'node:crypto';
import { createRequire } from 'node:module';
import { sshPattern } from './ssh-pattern.js';

/** The four kinds of algorithm ssh arguments choose, by ssh2's names for them. */
export type AlgorithmKind = 'cipher' | 'hmac' | 'kex' | 'serverHostKey';

/** The algorithms one connection offers, and whether the host's known key types may go first (OpenSSH's default). */
export interface Algorithms {
  cipher: string[];
  hmac: string[];
  kex: string[];
  serverHostKey: string[];
  /** HostKeyAlgorithms unset, or given as +list or -list: the types known_hosts has for the host are asked for first. */
  preferKnownHostKeys: boolean;
}

/** OpenSSH's option name of each kind (lower case, as ssh arguments are read). */
export const ALGORITHM_OPTIONS: Record<string, AlgorithmKind> = { ciphers: 'cipher', macs: 'hmac', kexalgorithms: 'kex', hostkeyalgorithms: 'serverHostKey' };

/** OpenSSH's spelling of each kind's option, for messages. */
export const OPTION_NAME: Record<AlgorithmKind, string> = { cipher: 'Ciphers', hmac: 'MACs', kex: 'KexAlgorithms', serverHostKey: 'HostKeyAlgorithms' };

const WORD: Record<AlgorithmKind, string> = { cipher: 'cipher', hmac: 'MAC', kex: 'key exchange', serverHostKey: 'host key algorithm' };

// ssh2's own lists (CommonJS, not in its typed exports)
const require = createRequire(import.meta.url);
const constants = require('ssh2/lib/protocol/constants.js') as Record<string, string[]>;
const cipherInfo = (require('ssh2/lib/protocol/crypto.js') as { CIPHER_INFO: Record<string, { sslName: string }> }).CIPHER_INFO;

// DH group exchange is computed synchronously in ssh2 (~1 s of CPU for every host): left out of the default
const KEX = ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'ecdh-sha2-nistp521', 'diffie-hellman-group14-sha256', 'diffie-hellman-group16-sha512'];

const DEFAULTS: Record<AlgorithmKind, string[]> = {
  cipher: constants.DEFAULT_CIPHER as string[],
  hmac: constants.DEFAULT_MAC as string[],
  kex: KEX,
  serverHostKey: constants.DEFAULT_SERVER_HOST_KEY as string[],
};

// what ssh2 can use here (a cipher also needs this Node's OpenSSL to have it)
const openssl = new Set(getCiphers());
const USABLE: Record<AlgorithmKind, string[]> = {
  cipher: (constants.SUPPORTED_CIPHER as string[]).filter((c) => DEFAULTS.cipher.includes(c) || openssl.has(cipherInfo[c]?.sslName ?? '')),
  hmac: constants.SUPPORTED_MAC as string[],
  kex: constants.SUPPORTED_KEX as string[],
  serverHostKey: constants.SUPPORTED_SERVER_HOST_KEY as string[],
};

// the names OpenSSH 9 takes (ssh -Q cipher, mac, kex, HostKeyAlgorithms): any other is its "Bad SSH2 … spec"
const CERT = (k: string): string[] => [k, `${k.replace(/@openssh\.com$/, '')}-cert-v01@openssh.com`];
const OPENSSH: Record<AlgorithmKind, Set<string>> = {
  cipher: new Set(['3des-cbc', 'aes128-cbc', 'aes192-cbc', 'aes256-cbc', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr', 'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com']),
  hmac: new Set(['hmac-sha1', 'hmac-sha1-96', 'hmac-sha2-256', 'hmac-sha2-512', 'hmac-md5', 'hmac-md5-96', 'umac-64@openssh.com', 'umac-128@openssh.com'].flatMap((m) => [m, `${m.replace(/@openssh\.com$/, '')}-etm@openssh.com`])),
  kex: new Set(['diffie-hellman-group1-sha1', 'diffie-hellman-group14-sha1', 'diffie-hellman-group14-sha256', 'diffie-hellman-group16-sha512', 'diffie-hellman-group18-sha512', 'diffie-hellman-group-exchange-sha1', 'diffie-hellman-group-exchange-sha256', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'ecdh-sha2-nistp521', 'curve25519-sha256', 'curve25519-sha256@libssh.org', 'sntrup761x25519-sha512', 'sntrup761x25519-sha512@openssh.com', 'mlkem768x25519-sha256']),
  serverHostKey: new Set([
    ...['ssh-ed25519', 'sk-ssh-ed25519@openssh.com', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'sk-ecdsa-sha2-nistp256@openssh.com', 'ssh-dss', 'ssh-rsa', 'rsa-sha2-256', 'rsa-sha2-512'].flatMap(CERT),
    'webauthn-sk-ecdsa-sha2-nistp256@openssh.com',
  ]),
};

/** The names OpenSSH knows for a kind (for the tests that hold them against `ssh -Q`). */
export function opensshAlgorithms(kind: AlgorithmKind): string[] {
  return [...OPENSSH[kind]];
}

/**
 * The algorithms one option's value gives (`option` names it in errors, e.g. "-o Ciphers"); undefined
 * gives kplay's default. A list none of whose algorithms kplay's client can use is an error, and so is a
 * name OpenSSH does not know when `strict` (ssh arguments); a config file's (`strict` false) may come
 * from a newer OpenSSH's crypto policy, so such a name is left out like one kplay lacks.
 */
export function algorithmList(kind: AlgorithmKind, value: string | undefined, option: string, strict = true): string[] {
  if (value === undefined || value === '') return DEFAULTS[kind];
  const def = DEFAULTS[kind];
  const how = /^[-+^]/.test(value) ? (value[0] as string) : '';
  const names = value.slice(how.length).split(',').filter((n) => n !== '');
  const patterns = names.map((n) => sshPattern(n));
  let out: string[];
  if (how === '-') out = def.filter((a) => !patterns.some((p) => p.test(a)));
  else {
    for (const n of names) {
      // (OpenSSH takes patterns only in HostKeyAlgorithms, and no negation in these lists)
      const wild = kind === 'serverHostKey' && /[*?]/.test(n);
      if (n.startsWith('!') || (strict && !wild && !OPENSSH[kind].has(n))) throw new Error(`${option}=${value}: '${n}' is not a ${WORD[kind]} OpenSSH knows (ssh -Q ${kind === 'serverHostKey' ? 'HostKeyAlgorithms' : kind === 'hmac' ? 'mac' : kind} lists them)`);
    }
    const listed = patterns.flatMap((p) => USABLE[kind].filter((a) => p.test(a)));
    out = [...new Set(how === '+' ? [...def, ...listed] : how === '^' ? [...listed, ...def] : listed)];
  }
  if (!out.length) {
    const why = how === '-' ? 'takes out every one kplay offers' : `names none that kplay's SSH client can use (it has: ${USABLE[kind].join(', ')})`;
    throw new Error(`${option}=${value}: the list ${why}`);
  }
  return out;
}

/** One algorithm option as given: its value, where it came from (for messages), and whether unknown names are refused. */
export interface AlgorithmSpec {
  value: string;
  from: string;
  strict: boolean;
}

/** The connection's algorithms from the options given (by ssh2's kind; unset ones are the default). */
export function chooseAlgorithms(specs: Partial<Record<AlgorithmKind, AlgorithmSpec>>): Algorithms {
  const list = (kind: AlgorithmKind): string[] => algorithmList(kind, specs[kind]?.value, specs[kind]?.from ?? OPTION_NAME[kind], specs[kind]?.strict);
  const hk = specs.serverHostKey?.value;
  return {
    cipher: list('cipher'),
    hmac: list('hmac'),
    kex: list('kex'),
    serverHostKey: list('serverHostKey'),
    preferKnownHostKeys: hk === undefined || hk === '' || /^[-+]/.test(hk),
  };
}

/**
 * The host key algorithms with those of the key types known_hosts holds for the host first, as OpenSSH
 * orders them: a host with an RSA and an Ed25519 key whose RSA key alone is recorded is asked for that
 * one, not refused for presenting the other.
 */
export function preferKnownTypes(list: string[], knownTypes: string[]): string[] {
  const typeOf = (alg: string): string => (/^rsa-sha2-(256|512)$/.test(alg) ? 'ssh-rsa' : alg);
  const known = list.filter((a) => knownTypes.includes(typeOf(a)));
  return [...known, ...list.filter((a) => !known.includes(a))];
}
