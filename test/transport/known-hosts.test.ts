import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnownHosts, fingerprint, hostKeyName } from '../../engine/transport/known-hosts.js';
import { SshConfig, parseJump } from '../../engine/transport/ssh-config.js';
import { writeTree } from '../support/tree.js';

function newKey(dir: string, name: string): { line: string; blob: Buffer } {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, name)]);
  const [type, b64] = readFileSync(join(dir, `${name}.pub`), 'utf8').split(' ') as [string, string];
  return { line: `${type} ${b64}`, blob: Buffer.from(b64, 'base64') };
}

describe('known_hosts', () => {
  it('knows plain, [host]:port and several keys per host; anything else is unknown or changed', () => {
    const dir = writeTree({});
    const a = newKey(dir, 'a');
    const b = newKey(dir, 'b');
    const c = newKey(dir, 'c');
    writeFileSync(join(dir, 'kh'), `# comment\nweb1,10.0.0.1 ${a.line}\n[web1]:2222 ${b.line}\nweb2 ${a.line}\nweb2 ${b.line}\n*.lab ${c.line}\n`);
    const kh = new KnownHosts(join(dir, 'kh'));
    expect(kh.verify('web1', 22, a.blob)).toEqual({ kind: 'known' });
    expect(kh.verify('10.0.0.1', 22, a.blob)).toEqual({ kind: 'known' });
    expect(kh.verify('web1', 2222, b.blob)).toEqual({ kind: 'known' });
    expect(kh.verify('web1', 2222, a.blob)).toMatchObject({ kind: 'changed' });
    expect(kh.verify('web2', 22, b.blob)).toEqual({ kind: 'known' });
    expect(kh.verify('web1', 22, c.blob)).toEqual({ kind: 'changed', line: `${join(dir, 'kh')}:2` });
    expect(kh.verify('node.lab', 22, c.blob)).toEqual({ kind: 'known' });
    expect(kh.verify('other', 22, a.blob)).toEqual({ kind: 'unknown' });
  });

  it("reads every user file and the system's files: known when any holds the key, changed (naming the file and line) when they hold another of any type", () => {
    const dir = writeTree({});
    const [a, b, c] = [newKey(dir, 'a'), newKey(dir, 'b'), newKey(dir, 'c')];
    writeFileSync(join(dir, 'u1'), `# mine\nweb1 ${b.line}\n`);
    writeFileSync(join(dir, 'g'), `web1 ${a.line}\nweb2 ssh-rsa AAAA\n`);
    const kh = new KnownHosts([join(dir, 'u1'), join(dir, 'missing')], [join(dir, 'g')]);
    expect(kh.path).toBe(join(dir, 'u1'));
    expect(kh.verify('web1', 22, a.blob)).toEqual({ kind: 'known' });
    expect(kh.verify('web1', 22, b.blob)).toEqual({ kind: 'known' });
    expect(kh.verify('web1', 22, c.blob)).toEqual({ kind: 'changed', line: `${join(dir, 'u1')}:2` });
    expect(kh.verify('web2', 22, c.blob)).toEqual({ kind: 'changed', line: `${join(dir, 'g')}:2` });
    expect(kh.typesFor('web2', 22)).toEqual(['ssh-rsa']);
    // a new key goes to the first user file
    kh.add('web3', 22, c.blob);
    expect(readFileSync(join(dir, 'u1'), 'utf8')).toContain(`web3 ${c.line}`);
    expect(new KnownHosts([], [join(dir, 'g')]).verify('web1', 22, a.blob)).toEqual({ kind: 'known' });
  });

  it("lists the key types recorded for a host, which OpenSSH asks the server for first", () => {
    const dir = writeTree({});
    const a = newKey(dir, 'a');
    writeFileSync(join(dir, 'kh'), `web1 ssh-rsa AAAA\n[web1]:2222 ecdsa-sha2-nistp256 AAAA\nweb1 ${a.line}\n*.lab ssh-rsa AAAA\nweb1 ssh-rsa BBBB\n`);
    const kh = new KnownHosts(join(dir, 'kh'));
    expect(kh.typesFor('web1', 22)).toEqual(['ssh-rsa', 'ssh-ed25519']);
    expect(kh.typesFor('web1', 2222)).toEqual(['ecdsa-sha2-nistp256']);
    expect(kh.typesFor('a.lab', 22)).toEqual(['ssh-rsa']);
    expect(kh.typesFor('other', 22)).toEqual([]);
  });

  it('reads hashed entries as ssh-keygen -H writes them, and records new keys', () => {
    const dir = writeTree({});
    const a = newKey(dir, 'a');
    writeFileSync(join(dir, 'kh'), `10.1.2.3 ${a.line}\n[10.1.2.3]:2200 ${a.line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', join(dir, 'kh')], { stdio: 'ignore' });
    expect(readFileSync(join(dir, 'kh'), 'utf8')).toMatch(/^\|1\|/);
    const kh = new KnownHosts(join(dir, 'kh'));
    expect(kh.verify('10.1.2.3', 22, a.blob)).toEqual({ kind: 'known' });
    expect(kh.verify('10.1.2.3', 2200, a.blob)).toEqual({ kind: 'known' });
    expect(kh.verify('10.1.2.4', 22, a.blob)).toEqual({ kind: 'unknown' });
    const b = newKey(dir, 'b');
    kh.add('new-host', 2022, b.blob);
    expect(new KnownHosts(join(dir, 'kh')).verify('new-host', 2022, b.blob)).toEqual({ kind: 'known' });
    expect(hostKeyName('h', 22)).toBe('h');
    expect(fingerprint(b.blob)).toBe(execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'b.pub')], { encoding: 'utf8' }).split(' ')[1]);
  });
});

describe('ssh config', () => {
  it('applies Host blocks in order, first value winning, with patterns and negation', () => {
    const dir = writeTree({
      config: 'Host bastion\n  HostName 10.0.0.1\n  User ops\n\nHost *.internal !secret.internal\n  ProxyJump bastion\n  Port 2222\n\nHost *\n  User root\n  IdentityFile ~/.ssh/id_ed25519\n',
    });
    const cfg = new SshConfig(join(dir, 'config'));
    expect(cfg.lookup('bastion')).toEqual({ hostname: '10.0.0.1', user: 'ops', identityfiles: ['~/.ssh/id_ed25519'] });
    expect(cfg.lookup('db.internal')).toEqual({ proxyjump: 'bastion', port: 2222, user: 'root', identityfiles: ['~/.ssh/id_ed25519'] });
    expect(cfg.lookup('secret.internal')).toEqual({ user: 'root', identityfiles: ['~/.ssh/id_ed25519'] });
  });

  it("keeps ProxyJump's tokens as written (they are the connection's: %h after HostName), where HostName's %h is the name given", () => {
    const dir = writeTree({ config: 'Host db\n  HostName %h.example\n  ProxyJump %r@hop-%h,%n\n' });
    expect(new SshConfig(join(dir, 'config')).lookup('db')).toEqual({ hostname: 'db.example', proxyjump: '%r@hop-%h,%n' });
  });

  it('reads a ProxyCommand that applies to the host, unless a ProxyJump comes first or it is none', () => {
    const dir = writeTree({
      config: 'Host direct\n  ProxyCommand none\n\nHost jumped\n  ProxyJump bastion\n\nHost *.internal jumped\n  ProxyCommand ssh -W %h:%p bastion\n',
    });
    const cfg = new SshConfig(join(dir, 'config'));
    expect(cfg.lookup('db.internal')).toEqual({ proxycommand: 'ssh -W %h:%p bastion' });
    expect(cfg.lookup('jumped')).toEqual({ proxyjump: 'bastion' });
    expect(cfg.lookup('direct')).toEqual({});
    expect(cfg.lookup('elsewhere')).toEqual({});
  });

  it('keeps every IdentityFile that applies, in order, as OpenSSH tries them all', () => {
    const dir = writeTree({ config: 'Host web\n  IdentityFile ~/.ssh/web\n\nHost *\n  IdentityFile ~/.ssh/id_ed25519\n  IdentityFile ~/.ssh/web\n' });
    expect(new SshConfig(join(dir, 'config')).lookup('web')).toEqual({ identityfiles: ['~/.ssh/web', '~/.ssh/id_ed25519'] });
  });

  it('follows Include: patterns, paths relative to ~/.ssh (a user file) or /etc/ssh (the system file), only where the including block applies; then the system file', () => {
    const home = writeTree({
      '.ssh/config': 'Host web*\n  Include conf.d/*.conf\n  Port 2200\nHost *\n  Include ~/other.conf\n  User fallback\n',
      '.ssh/conf.d/a.conf': 'User a-user\nHost web2\n  HostName 10.0.0.2\n',
      '.ssh/conf.d/b.conf': 'IdentityFile ~/.ssh/b\n',
      '.ssh/conf.d/.hidden.conf': 'User hidden\n',
      '.ssh/conf.d/c.txt': 'User txt\n',
      'other.conf': 'ForwardAgent yes\n',
      'system': 'Host *\n  HashKnownHosts yes\n  User system\n  Include missing/*.conf\n',
    });
    const cfg = new SshConfig([{ path: join(home, '.ssh/config') }, { path: join(home, 'system'), system: true }], home);
    // the included file's options apply to web*; its Host block to web2 alone; Port after the Include to web* again
    expect(cfg.lookup('web1')).toEqual({ user: 'a-user', identityfiles: ['~/.ssh/b'], port: 2200, forwardagent: 'yes', hashknownhosts: 'yes' });
    expect(cfg.lookup('web2')).toEqual({ user: 'a-user', hostname: '10.0.0.2', identityfiles: ['~/.ssh/b'], port: 2200, forwardagent: 'yes', hashknownhosts: 'yes' });
    expect(cfg.lookup('db')).toEqual({ forwardagent: 'yes', user: 'fallback', hashknownhosts: 'yes' });
    // a user file's Include loops back on itself: refused, not followed forever
    const loop = writeTree({ '.ssh/config': 'Include config\n' });
    expect(() => new SshConfig(join(loop, '.ssh/config'), loop)).toThrow('Include nested more than 16 deep');
  });

  it("follows Match blocks as ssh judges them: originalhost, host (after HostName), user (the command line's first), localuser, exec, negation, final in a second pass", () => {
    const home = writeTree({
      flag: '',
      config: [
        'Match originalhost web1',
        '  HostName 10.0.0.1',
        'Match host 10.0.0.1',
        '  Port 2201',
        'Match user deploy',
        '  IdentityFile ~/.ssh/deploy',
        `Match localuser ${userInfo().username} !originalhost web1`,
        '  ForwardAgent yes',
        `Match exec "test -e ${'%d'}/flag" originalhost web*`,
        '  ConnectionAttempts 3',
        'Match exec "exit 1"',
        '  ConnectionAttempts 9',
        'Match final all',
        '  User final-user',
        'Host *',
        '  User early',
        '',
      ].join('\n'),
    });
    const cfg = new SshConfig(join(home, 'config'), home);
    expect(cfg.lookup('web1')).toEqual({ hostname: '10.0.0.1', port: 2201, connectionattempts: '3', user: 'early' });
    expect(cfg.lookup('web2', { user: 'deploy' })).toEqual({ identityfiles: ['~/.ssh/deploy'], forwardagent: 'yes', connectionattempts: '3', user: 'early' });
    // user names match by case, host names without regard to it
    expect(cfg.lookup('WEB2', { user: 'Deploy' })).toEqual({ forwardagent: 'yes', connectionattempts: '3', user: 'early' });
    // the command line's HostName is what Match host sees
    expect(cfg.lookup('db', { hostname: '10.0.0.1' })).toMatchObject({ port: 2201 });
    // Match final fills in what nothing else set
    const fin = writeTree({ config: 'Match final\n  User final-user\n  Port 2\nHost *\n  Port 1\n' });
    expect(new SshConfig(join(fin, 'config'), fin).lookup('x')).toEqual({ port: 1, user: 'final-user' });
  });

  it.each([
    ['Match localnetwork 10.0.0.0/8', 'Match localnetwork is not supported by kplay'],
    ['Match tagged prod', 'Match tagged is not supported by kplay'],
    ['Match host', 'Match host needs an argument'],
  ])('refuses %s, naming the line', (line, message) => {
    const dir = writeTree({ config: `Host *\n  Port 22\n${line}\n` });
    expect(() => new SshConfig(join(dir, 'config'), dir)).toThrow(`${join(dir, 'config')}:3: ${message}`);
  });

  it('reads Ciphers, MACs, KexAlgorithms, HostKeyAlgorithms and the ServerAlive options as written, the first value for the host counting', () => {
    const dir = writeTree({ config: 'Host old-*\n  HostKeyAlgorithms +ssh-rsa\n  KexAlgorithms=+diffie-hellman-group1-sha1\n  ServerAliveInterval 5\n\nHost *\n  HostKeyAlgorithms ssh-ed25519\n  Ciphers aes256-ctr\n  MACs hmac-sha2-512\n  ServerAliveCountMax 2\n' });
    const cfg = new SshConfig(join(dir, 'config'));
    expect(cfg.lookup('old-db')).toEqual({ hostkeyalgorithms: '+ssh-rsa', kexalgorithms: '+diffie-hellman-group1-sha1', serveraliveinterval: '5', ciphers: 'aes256-ctr', macs: 'hmac-sha2-512', serveralivecountmax: '2' });
    expect(cfg.lookup('new')).toEqual({ hostkeyalgorithms: 'ssh-ed25519', ciphers: 'aes256-ctr', macs: 'hmac-sha2-512', serveralivecountmax: '2' });
  });

  it('reads ForwardAgent, the first value for the host counting', () => {
    const dir = writeTree({ config: 'Host deploy-*\n  ForwardAgent yes\n\nHost *\n  ForwardAgent no\n' });
    const cfg = new SshConfig(join(dir, 'config'));
    expect(cfg.lookup('deploy-1')).toEqual({ forwardagent: 'yes' });
    expect(cfg.lookup('db')).toEqual({ forwardagent: 'no' });
  });

  it('splits jump hosts', () => {
    expect(parseJump('ops@bastion:2222')).toEqual({ user: 'ops', host: 'bastion', port: 2222 });
    expect(parseJump('bastion')).toEqual({ host: 'bastion' });
    expect(parseJump('[fe80::1]:22')).toEqual({ host: 'fe80::1', port: 22 });
  });
});
