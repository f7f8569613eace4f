// The algorithms kplay's SSH client offers for OpenSSH's Ciphers, MACs, KexAlgorithms and
// HostKeyAlgorithms: the default, +list, ^list, -list and a whole list, as OpenSSH assembles them.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { algorithmList, chooseAlgorithms, opensshAlgorithms, preferKnownTypes, type AlgorithmKind, type AlgorithmSpec } from '../../engine/transport/algorithms.js';

const KEX_DEFAULT = algorithmList('kex', undefined, 'K');
const HK_DEFAULT = algorithmList('serverHostKey', undefined, 'H');

const LISTS: [AlgorithmKind, string, string[]][] = [
  // a whole list, in its order (names repeated once)
  ['cipher', 'aes256-ctr,aes128-ctr,aes256-ctr', ['aes256-ctr', 'aes128-ctr']],
  ['hmac', 'hmac-sha2-512', ['hmac-sha2-512']],
  // names OpenSSH has and kplay's client lacks are left out of a list that has others
  ['hmac', 'umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com', ['hmac-sha2-256-etm@openssh.com']],
  ['kex', 'sntrup761x25519-sha512@openssh.com,curve25519-sha256', ['curve25519-sha256']],
  // +list after the default, ^list before it
  ['kex', '+diffie-hellman-group1-sha1', [...KEX_DEFAULT, 'diffie-hellman-group1-sha1']],
  ['kex', '^diffie-hellman-group14-sha1', ['diffie-hellman-group14-sha1', ...KEX_DEFAULT]],
  ['kex', '+curve25519-sha256', KEX_DEFAULT],
  // -list takes names and patterns out of the default
  ['kex', '-curve25519*,ecdh-sha2-nistp256', KEX_DEFAULT.filter((k) => !k.startsWith('curve25519') && k !== 'ecdh-sha2-nistp256')],
  ['cipher', '-no-such-cipher', algorithmList('cipher', undefined, 'C')],
  // HostKeyAlgorithms takes patterns in every form
  ['serverHostKey', 'ecdsa-sha2-*', ['ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521']],
  ['serverHostKey', '+ssh-dss', [...HK_DEFAULT, 'ssh-dss']],
  ['serverHostKey', 'ssh-ed25519-cert-v01@openssh.com,ssh-ed25519', ['ssh-ed25519']],
];

const REFUSED: [AlgorithmKind, string, string][] = [
  ['cipher', 'aes128-ctrr', "-o X=aes128-ctrr: 'aes128-ctrr' is not a cipher OpenSSH knows (ssh -Q cipher lists them)"],
  // OpenSSH takes no pattern in Ciphers, MACs and KexAlgorithms outside a -list, nor a negation in any list
  ['kex', '+curve*', "-o X=+curve*: 'curve*' is not a key exchange OpenSSH knows (ssh -Q kex lists them)"],
  ['serverHostKey', '!ssh-rsa', "-o X=!ssh-rsa: '!ssh-rsa' is not a host key algorithm OpenSSH knows (ssh -Q HostKeyAlgorithms lists them)"],
  ['hmac', 'umac-64@openssh.com', "-o X=umac-64@openssh.com: the list names none that kplay's SSH client can use (it has: "],
  ['serverHostKey', '-*', '-o X=-*: the list takes out every one kplay offers'],
];

describe('algorithmList', () => {
  it('gives kplay\'s default when the option is unset: no DH group exchange (ssh2 computes it on the event loop)', () => {
    expect(KEX_DEFAULT).toContain('curve25519-sha256');
    expect(KEX_DEFAULT.some((k) => k.startsWith('diffie-hellman-group-exchange'))).toBe(false);
    expect(algorithmList('cipher', '', 'C')).toEqual(algorithmList('cipher', undefined, 'C'));
  });

  it.each(LISTS)('%s %s', (kind, value, want) => {
    expect(algorithmList(kind, value, '-o X')).toEqual(want);
  });

  it.each(REFUSED)('refuses %s %s', (kind, value, message) => {
    expect(() => algorithmList(kind, value, '-o X')).toThrow(message);
  });

  it.skipIf(spawnSync('ssh', ['-V']).error !== undefined)("knows every name this machine's OpenSSH lists (ssh -Q), so none is refused as unknown", () => {
    for (const [kind, query] of [['cipher', 'cipher'], ['hmac', 'mac'], ['kex', 'kex'], ['serverHostKey', 'HostKeyAlgorithms']] as const) {
      const names = spawnSync('ssh', ['-Q', query], { encoding: 'utf8' }).stdout.trim().split('\n');
      expect(names.length).toBeGreaterThan(3);
      expect(names.filter((n) => !opensshAlgorithms(kind).includes(n)), query).toEqual([]);
    }
  });
});

describe('chooseAlgorithms', () => {
  it('lets known_hosts order the host key algorithms unless HostKeyAlgorithms is a whole or ^ list', () => {
    const hk = (value: string): Partial<Record<AlgorithmKind, AlgorithmSpec>> => ({ serverHostKey: { value, from: '-o HostKeyAlgorithms', strict: true } });
    expect(chooseAlgorithms({}).preferKnownHostKeys).toBe(true);
    expect(chooseAlgorithms(hk('+ssh-dss')).preferKnownHostKeys).toBe(true);
    expect(chooseAlgorithms(hk('-ssh-rsa')).preferKnownHostKeys).toBe(true);
    expect(chooseAlgorithms(hk('^ssh-rsa')).preferKnownHostKeys).toBe(false);
    expect(chooseAlgorithms(hk('ssh-ed25519')).preferKnownHostKeys).toBe(false);
    expect(() => chooseAlgorithms({ cipher: { value: 'nope', from: '-o Ciphers', strict: true } })).toThrow("-o Ciphers=nope: 'nope' is not a cipher OpenSSH knows");
    // a config file's name no OpenSSH here knows (a newer one's crypto policy) is left out, like one kplay lacks
    expect(chooseAlgorithms({ kex: { value: 'mlkem1024nistp384-sha384,curve25519-sha256', from: "ssh config's KexAlgorithms", strict: false } }).kex).toEqual(['curve25519-sha256']);
    expect(() => chooseAlgorithms({ kex: { value: 'mlkem1024nistp384-sha384', from: "ssh config's KexAlgorithms", strict: false } })).toThrow("ssh config's KexAlgorithms=mlkem1024nistp384-sha384: the list names none that kplay's SSH client can use");
  });
});

describe('preferKnownTypes', () => {
  it.each([
    // an RSA key known: its three signature algorithms first, in the list's order
    [['ssh-rsa'], ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519', 'ecdsa-sha2-nistp256']],
    [['ecdsa-sha2-nistp256', 'ssh-ed25519'], ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']],
    [[], ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']],
    [['ssh-dss'], ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']],
  ])('known %j', (known, want) => {
    expect(preferKnownTypes(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'], known)).toEqual(want);
  });
});
