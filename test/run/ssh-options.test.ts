// What kplay's SSH client takes from ssh arguments: the options it follows, those that change nothing it
// does, and a refusal naming any other (never dropped), with what to use instead.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { checkTransferArgs, expandSshPath, firstOptions, forwardedAgent, identityAgent, identityFiles, sshOptions } from '../../engine/run/ssh-options.js';

const TOKENS = { host: '10.0.0.5', alias: 'web1', port: 2222, user: 'deploy', home: '/home/op', localUser: 'op' };

const FOLLOWED: [string, Record<string, string>][] = [
  ['-o UserKnownHostsFile=/tmp/kh', { userknownhostsfile: '/tmp/kh' }],
  ['-oStrictHostKeyChecking=no', { stricthostkeychecking: 'no' }],
  ['-o "ProxyJump ops@bastion:2222"', { proxyjump: 'ops@bastion:2222' }],
  ['-o HostKeyAlias=web -o HostKeyAlias=other', { hostkeyalias: 'web' }],
  ['-J root@10.0.0.1 -F /etc/kplay-ssh.conf', { __jump: 'root@10.0.0.1', __configfile: '/etc/kplay-ssh.conf' }],
  // ProxyCommand, kept as written (its tokens are replaced per host); of it and ProxyJump, the first given
  ['-o ProxyCommand="ssh -W %h:%p -q bastion"', { proxycommand: 'ssh -W %h:%p -q bastion' }],
  ['-o ProxyCommand="nc %h %p" -J j -o ProxyJump=k', { proxycommand: 'nc %h %p' }],
  ['-J j -o ProxyCommand="nc %h %p"', { __jump: 'j' }],
  // Ansible's default ssh_args, and options with nothing to do in kplay
  ['-C -o ControlMaster=auto -o ControlPersist=60s', {}],
  ['-o ControlPath=/tmp/%C -o LogLevel=ERROR -q -tt', {}],
  // keepalives, as often and as many as ssh would send
  ['-o ServerAliveInterval=30 -o ServerAliveCountMax=3', { serveraliveinterval: '30', serveralivecountmax: '3' }],
  // the authentication methods tried and the agent's keys offered (the connection reads them)
  ['-o IdentitiesOnly=yes -o PreferredAuthentications=publickey -o PasswordAuthentication=no -o BatchMode=yes', { identitiesonly: 'yes', preferredauthentications: 'publickey', passwordauthentication: 'no', batchmode: 'yes' }],
  ['-o PubkeyAuthentication=host-bound -o KbdInteractiveAuthentication=no -o ChallengeResponseAuthentication=yes', { pubkeyauthentication: 'host-bound', kbdinteractiveauthentication: 'no', challengeresponseauthentication: 'yes' }],
  // the connection's own options, by -o or by their flags
  ['-o Port=2222 -o User=ops -o ConnectTimeout=1m30s', { port: '2222', user: 'ops', connecttimeout: '1m30s' }],
  ['-p2222 -l ops', { port: '2222', user: 'ops' }],
  ['-p 2200 -o Port=2222', { port: '2200' }],
  // every identity file is kept, in order: ssh tries them all
  // (-i's marked: ssh drops a file it names that is not there)
  ['-i ~/.ssh/a -o IdentityFile=/k/b -i/k/c', { identityfile: '\0~/.ssh/a\n/k/b\n\0/k/c' }],
  // the first value counts, as in OpenSSH
  ['-o userknownhostsfile=/a -o UserKnownHostsFile=/b -J a -J b', { userknownhostsfile: '/a', __jump: 'a' }],
  // agent forwarding: -o ForwardAgent's first value; -A and -a over it, the last of them counting
  ['-o ForwardAgent=yes -o ForwardAgent=no', { forwardagent: 'yes' }],
  ['-o ForwardAgent=$MY_SOCK', { forwardagent: '$MY_SOCK' }],
  ['-A', { __agentflag: 'yes' }],
  // kubespray's ansible.cfg ssh_args
  ['-o ControlMaster=auto -o ControlPersist=30m -o ConnectionAttempts=100 -o UserKnownHostsFile=/dev/null', { connectionattempts: '100', userknownhostsfile: '/dev/null' }],
  // the address to connect to (%h: the inventory's ansible_host)
  ['-o HostName=%h.lan -o HostName=other', { hostname: '%h.lan' }],
  // the algorithms offered, as written (the connection reads them); a +list of the keys offered changes nothing kplay does
  ['-o Ciphers=+aes256-cbc -o KexAlgorithms=-diffie-hellman* -o MACs=hmac-sha2-256 -o HostKeyAlgorithms=^ssh-rsa', { ciphers: '+aes256-cbc', kexalgorithms: '-diffie-hellman*', macs: 'hmac-sha2-256', hostkeyalgorithms: '^ssh-rsa' }],
  ['-o IdentityAgent=~/.1password/agent.sock', { identityagent: '~/.1password/agent.sock' }],
  ['-o HostKeyAlgorithms=+ssh-rsa -o PubkeyAcceptedAlgorithms=+ssh-rsa -o PubkeyAcceptedKeyTypes=+ssh-dss', { hostkeyalgorithms: '+ssh-rsa' }],
  ['-o ForwardAgent=no -CA -q', { forwardagent: 'no', __agentflag: 'yes' }],
  ['-A -Ca', { __agentflag: 'no' }],
  ['', {}],
];

const REFUSED: [string, string][] = [
  ['-o ConnectionAttempts=0', "X: -o ConnectionAttempts '0' is not a number of attempts (1 or more)"],
  ['-o ForwardAgent=maybe', "X: -o ForwardAgent 'maybe' is not yes, no, an agent socket path or $VARIABLE"],
  ['-o VisualHostKey=yes', 'X: the ssh option VisualHostKey is not supported by kplay'],
  ['-o Ciphers=aes128-ctrr', "X: -o Ciphers=aes128-ctrr: 'aes128-ctrr' is not a cipher OpenSSH knows (ssh -Q cipher lists them)"],
  ['-o MACs=umac-64@openssh.com', "X: -o MACs=umac-64@openssh.com: the list names none that kplay's SSH client can use (it has: hmac-sha2-256-etm@openssh.com"],
  ['-o PubkeyAcceptedAlgorithms=ssh-ed25519', "X: -o PubkeyAcceptedAlgorithms=ssh-ed25519 is not supported by kplay; kplay's client offers every key it is given, so only a list that adds to the default (+name,…) can be honoured"],
  ['-o PubkeyAcceptedAlgorithms=+ssh-rsa,ssh-rsaa', "X: -o PubkeyAcceptedAlgorithms=+ssh-rsa,ssh-rsaa: 'ssh-rsaa' is not a key algorithm OpenSSH knows (ssh -Q PubkeyAcceptedAlgorithms lists them)"],
  ['-Y', 'X: the ssh flag -Y is not supported by kplay; give ssh options as -o Name=value'],
  ['-C bastion', "X: 'bastion' (not an ssh option) is not supported by kplay; give ssh options as -o Name=value"],
  ['-J', 'X: -J without a value is not supported by kplay'],
  ['-p', 'X: -p without a value is not supported by kplay'],
  // values OpenSSH itself refuses when it reads the command line
  ['-o Port=0', "X: -o Port '0' is not a port (1 to 65535)"],
  ['-p 65536', "X: -p '65536' is not a port (1 to 65535)"],
  ['-o port=ssh', "X: -o port 'ssh' is not a port (1 to 65535)"],
  ['-o ServerAliveInterval=-1', "X: -o ServerAliveInterval '-1' is not a time (seconds, or numbers followed by s, m, h, d or w)"],
  ['-o ServerAliveCountMax=many', "X: -o ServerAliveCountMax 'many' is not a number"],
  ['-o IdentitiesOnly=only', "X: -o IdentitiesOnly 'only' is not yes or no"],
  ['-o PubkeyAuthentication=bound', "X: -o PubkeyAuthentication 'bound' is not yes, no, unbound or host-bound"],
  ['-o ConnectTimeout=1.5', "X: -o ConnectTimeout '1.5' is not a time (seconds, or numbers followed by s, m, h, d or w)"],
];

describe('sshOptions', () => {
  it.each(FOLLOWED)('%s', (args, want) => {
    expect(sshOptions(args, 'X')).toEqual(want);
  });

  it('several sources on one command line: the first to give an option wins, and the first to give a way through a proxy', () => {
    expect(firstOptions(sshOptions('-o UserKnownHostsFile=/cfg', 'a'), sshOptions('-o UserKnownHostsFile=/common -J j', 'b'), sshOptions('-J k -o StrictHostKeyChecking=no', 'c'))).toEqual({ userknownhostsfile: '/cfg', __jump: 'j', stricthostkeychecking: 'no' });
    expect(firstOptions(sshOptions('-o ProxyCommand=nc', 'a'), sshOptions('-J j -o ProxyJump=k', 'b'))).toEqual({ proxycommand: 'nc' });
    expect(firstOptions(sshOptions('-J j', 'a'), sshOptions('-o ProxyCommand=nc', 'b'))).toEqual({ __jump: 'j' });
    // Ansible's own Port, User and ConnectTimeout come between ssh_args and the common args
    const own = { port: '22', user: 'deploy', connecttimeout: '10', identityfile: '/keys/own' };
    const common = sshOptions('-o Port=2222 -o User=ops -o ConnectTimeout=3 -i /keys/common', 'b');
    expect(firstOptions(sshOptions('-o ConnectTimeout=4', 'a'), own, common)).toEqual({ port: '22', user: 'deploy', connecttimeout: '4', identityfile: '/keys/own\n\0/keys/common' });
    expect(identityFiles(firstOptions(own, common))).toEqual([
      { path: '/keys/own', ifExists: false },
      { path: '/keys/common', ifExists: true },
    ]);
    expect(firstOptions({ connecttimeout: '10' }, common)).toEqual({ port: '2222', user: 'ops', connecttimeout: '10', identityfile: '\0/keys/common' });
    // -A in a later source still turns forwarding on (ssh sets it from the flag whatever came before)
    expect(firstOptions(sshOptions('-a -o ForwardAgent=no', 'a'), sshOptions('-A', 'b'))).toEqual({ __agentflag: 'yes', forwardagent: 'no' });
  });

  it.each([
    [undefined, undefined],
    ['no', undefined],
    ['yes', '/run/agent.sock'],
    ['True', '/run/agent.sock'],
    ['$OTHER_SOCK', '/run/other.sock'],
    ['$UNSET_SOCK', undefined],
    ['~/agent.sock', '/home/op/agent.sock'],
    ['/tmp/a.sock', '/tmp/a.sock'],
  ] as const)('forwards the agent for ForwardAgent %j: %j', (value, socket) => {
    expect(forwardedAgent(value, { SSH_AUTH_SOCK: '/run/agent.sock', OTHER_SOCK: '/run/other.sock' }, '/home/op')).toBe(socket);
    // without SSH_AUTH_SOCK, `yes` forwards nothing (as ssh)
    if (value === 'yes') expect(forwardedAgent(value, {}, '/home/op')).toBeUndefined();
  });

  it.each([
    [undefined, '/run/agent.sock'],
    ['SSH_AUTH_SOCK', '/run/agent.sock'],
    ['none', undefined],
    ['NONE', undefined],
    ['$OTHER_SOCK', '/run/other.sock'],
    ['$UNSET_SOCK', undefined],
    ['~/.1password/agent.sock', '/home/op/.1password/agent.sock'],
    ['${OTHER_SOCK}.d/%u-%d-%%', '/run/other.sock.d/op-/home/op-%'],
    ['/run/%r@%h:%p', '/run/deploy@10.0.0.5:2222'],
  ] as const)('uses the agent IdentityAgent %j names: %j', (value, socket) => {
    expect(identityAgent(value, { SSH_AUTH_SOCK: '/run/agent.sock', OTHER_SOCK: '/run/other.sock' }, TOKENS)).toBe(socket);
  });

  // each token against what ssh -G prints for the same UserKnownHostsFile (which it expands)
  it.each([['~/kh/%k-%n-%h-%p-%r-%u-%d-%i-%L-%l-%%'], ['/k/%C'], ['${KH_DIR}/%h']])('expands %s as ssh expands it', (value) => {
    const env = { ...process.env, KH_DIR: '/etc/kh' };
    const t = { host: 'real.example', alias: 'web1', port: 2222, user: 'deploy', home: userInfo().homedir };
    const ssh = spawnSync('ssh', ['-G', '-F', '/dev/null', '-o', `UserKnownHostsFile=${value}`, '-o', 'HostName=real.example', '-p', '2222', '-l', 'deploy', 'web1'], { encoding: 'utf8', env });
    const theirs = /^userknownhostsfile (.*)$/m.exec(ssh.stdout)?.[1];
    expect(theirs).toBeDefined();
    expect(expandSshPath(value, 'UserKnownHostsFile', t, env)).toBe(theirs);
  });

  it.each([
    ['${NOT_SET_ANYWHERE}/k', 'IdentityFile ${NOT_SET_ANYWHERE}/k: the environment variable NOT_SET_ANYWHERE is not set (ssh stops there)'],
    ['~/.ssh/%q', 'IdentityFile ~/.ssh/%q: %q is not a token ssh knows there'],
  ])('refuses %s', (value, message) => {
    expect(() => expandSshPath(value, 'IdentityFile', TOKENS, {})).toThrow(message);
  });

  it.each(REFUSED)('refuses %s', (args, message) => {
    expect(() => sshOptions(args, 'X')).toThrow(message);
  });
});

describe('checkTransferArgs', () => {
  it.each(['', '-C', '-Cq -v', '-o ControlMaster=auto -oControlPersist=60s'])('takes %j (it changes nothing kplay does)', (args) => {
    expect(() => checkTransferArgs(args, 'X', 'sftp')).not.toThrow();
  });

  it.each([
    ['-l 8192', 'sftp', "X: '-l' is not supported by kplay: it copies files over its own SSH session, not with sftp"],
    ['-B 65536', 'sftp', "X: '-B' is not supported by kplay"],
    ['-o Port=2222', 'scp', 'X: -o Port=2222 is not supported by kplay: it copies files over its own SSH session, not with scp'],
    ['-p', 'scp', "X: '-p' is not supported by kplay"],
  ] as const)('refuses %j for %s', (args, tool, message) => {
    expect(() => checkTransferArgs(args, 'X', tool)).toThrow(message);
  });
});
