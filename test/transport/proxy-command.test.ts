import { describe, expect, it } from 'vitest';
import { proxyCommandLine } from '../../engine/transport/proxy-command.js';

const t = { host: '10.0.0.5', port: 2222, user: 'ops', alias: 'db1' };

// each row checked against OpenSSH 9.2: `ssh -v -o ProxyCommand=…` prints the line it executes
describe('proxyCommandLine', () => {
  it.each([
    ['ssh -W %h:%p bastion', 'ssh -W 10.0.0.5:2222 bastion'],
    ['nc %h %p # %n as %r', 'nc 10.0.0.5 2222 # db1 as ops'],
    ['echo 100%% %%h', 'echo 100% %h'],
    ['%r@%n-hop,jump', 'ops@db1-hop,jump'],
  ])('%s', (template, line) => {
    expect(proxyCommandLine(template, t)).toBe(line);
  });

  it.each([
    ['echo %C', 'ProxyCommand echo %C: %C is not a token ssh knows there (it takes %%, %h, %n, %p and %r)'],
    ['echo %u', 'ProxyCommand echo %u: %u is not a token ssh knows there (it takes %%, %h, %n, %p and %r)'],
    ['nc %h 100%', 'ProxyCommand nc %h 100%: it ends in a lone % (it takes %%, %h, %n, %p and %r)'],
  ])('refuses %s as ssh does', (template, msg) => {
    expect(() => proxyCommandLine(template, t)).toThrow(msg);
  });

  it('names ProxyJump when it is a jump list', () => {
    expect(() => proxyCommandLine('root@%x', t, 'ProxyJump')).toThrow('ProxyJump root@%x: %x is not a token');
  });
});
