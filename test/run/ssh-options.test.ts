// What kplay's SSH client takes from ssh arguments: the options it follows, those that change nothing it
// does, and a refusal naming any other (never dropped), with what to use instead.
import { describe, expect, it } from 'vitest';
import { firstOptions, sshOptions } from '../../engine/run/ssh-options.js';

const FOLLOWED: [string, Record<string, string>][] = [
  ['-o UserKnownHostsFile=/tmp/kh', { userknownhostsfile: '/tmp/kh' }],
  ['-oStrictHostKeyChecking=no', { stricthostkeychecking: 'no' }],
  ['-o "ProxyJump ops@bastion:2222"', { proxyjump: 'ops@bastion:2222' }],
  ['-J root@10.0.0.1 -F /etc/kplay-ssh.conf', { __jump: 'root@10.0.0.1', __configfile: '/etc/kplay-ssh.conf' }],
  // ProxyCommand, kept as written (its tokens are replaced per host); of it and ProxyJump, the first given
  ['-o ProxyCommand="ssh -W %h:%p -q bastion"', { proxycommand: 'ssh -W %h:%p -q bastion' }],
  ['-o ProxyCommand="nc %h %p" -J j -o ProxyJump=k', { proxycommand: 'nc %h %p' }],
  ['-J j -o ProxyCommand="nc %h %p"', { __jump: 'j' }],
  // Ansible's default ssh_args, and options with nothing to do in kplay
  ['-C -o ControlMaster=auto -o ControlPersist=60s', {}],
  ['-o ControlPath=/tmp/%C -o ServerAliveInterval=30 -o ServerAliveCountMax=3 -o LogLevel=ERROR -q -tt', {}],
  ['-o IdentitiesOnly=yes -o PreferredAuthentications=publickey -o PasswordAuthentication=no -o BatchMode=yes', {}],
  // the first value counts, as in OpenSSH
  ['-o userknownhostsfile=/a -o UserKnownHostsFile=/b -J a -J b', { userknownhostsfile: '/a', __jump: 'a' }],
  ['', {}],
];

const REFUSED: [string, string][] = [
  ['-o Port=2222', 'X: the ssh option Port is not supported by kplay; set ansible_port'],
  ['-o User=ops', 'X: the ssh option User is not supported by kplay; set ansible_user (or -u)'],
  ['-o IdentityFile=~/.ssh/k', 'X: the ssh option IdentityFile is not supported by kplay; set ansible_ssh_private_key_file (or --private-key)'],
  ['-o ConnectTimeout=5', 'X: the ssh option ConnectTimeout is not supported by kplay; set ansible_timeout (or -T)'],
  ['-o ConnectionAttempts=3', 'X: the ssh option ConnectionAttempts is not supported by kplay; kplay connects once; remove it'],
  ['-o ForwardAgent=yes', 'X: the ssh option ForwardAgent is not supported by kplay'],
  ['-A', 'X: the ssh flag -A is not supported by kplay; give ssh options as -o Name=value'],
  ['-p 2222', 'X: the ssh flag -p is not supported by kplay; set ansible_port'],
  ['-i key', 'X: the ssh flag -i is not supported by kplay; set ansible_ssh_private_key_file (or --private-key)'],
  ['-lops', 'X: the ssh flag -lops is not supported by kplay; set ansible_user (or -u)'],
  ['-C bastion', "X: 'bastion' (not an ssh option) is not supported by kplay; give ssh options as -o Name=value"],
  ['-J', 'X: -J without a value is not supported by kplay'],
];

describe('sshOptions', () => {
  it.each(FOLLOWED)('%s', (args, want) => {
    expect(sshOptions(args, 'X')).toEqual(want);
  });

  it('several sources on one command line: the first to give an option wins, and the first to give a way through a proxy', () => {
    expect(firstOptions(sshOptions('-o UserKnownHostsFile=/cfg', 'a'), sshOptions('-o UserKnownHostsFile=/common -J j', 'b'), sshOptions('-J k -o StrictHostKeyChecking=no', 'c'))).toEqual({ userknownhostsfile: '/cfg', __jump: 'j', stricthostkeychecking: 'no' });
    expect(firstOptions(sshOptions('-o ProxyCommand=nc', 'a'), sshOptions('-J j -o ProxyJump=k', 'b'))).toEqual({ proxycommand: 'nc' });
    expect(firstOptions(sshOptions('-J j', 'a'), sshOptions('-o ProxyCommand=nc', 'b'))).toEqual({ __jump: 'j' });
  });

  it.each(REFUSED)('refuses %s', (args, message) => {
    expect(() => sshOptions(args, 'X')).toThrow(message);
  });
});
