// The lab: N test hosts on this machine, each a Linux network + mount + UTS namespace with its own
// hostname, address, /etc copy, /root, /home, /tmp, /run and a real OpenSSH sshd, on a bridge that
// lives in a namespace of its own (the controller runs there too). Nothing outside these
// namespaces is contacted. Used by `npm run lab` and by the tests; teardown removes everything.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SUBNET = '10.213.0';

/** @typedef {{ name: string, ip: string, ns: string, pid: number }} LabHost */
/** @typedef {{ dir: string, prefix: string, labNs: string, hosts: LabHost[], inventory: string, knownHosts: string, key: string }} LabState */

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

function need(tool) {
  try {
    sh('sh', ['-c', `command -v ${tool}`]);
  } catch {
    throw new Error(`the lab needs '${tool}' (install: apt-get install -y openssh-server openssh-client sudo iproute2 util-linux)`);
  }
}

/** True when this process can create the lab (root with namespaces and sshd available). */
export function labAvailable() {
  if (process.getuid?.() !== 0) return false;
  try {
    for (const t of ['ip', 'unshare', '/usr/sbin/sshd', 'ssh-keygen', 'sudo']) need(t);
    return true;
  } catch {
    return false;
  }
}

/** The default lab directory (repo/.lab). */
export function defaultLabDir() {
  return resolve(new URL('../../.lab', import.meta.url).pathname);
}

function hostScript(h, dir) {
  const hd = join(dir, 'hosts', h.name);
  // runs inside the host's own mount + UTS namespace
  return [
    'set -e',
    `hostname ${h.name}`,
    'mount --make-rprivate /',
    `mount --bind ${hd}/etc /etc`,
    // like a container: a single file bind-mounted over /etc/resolv.conf (renaming onto it gives EBUSY)
    `mount --bind ${hd}/resolv.conf /etc/resolv.conf`,
    `mount --bind ${hd}/root /root`,
    `mount --bind ${hd}/home /home`,
    `mount --bind ${hd}/var-lib /var/lib`,
    'mount -t tmpfs tmpfs /run',
    // last: the lab directory itself may be under /tmp
    `mount --bind ${hd}/tmp /tmp`,
    'mkdir -p /run/sshd && chmod 0755 /run/sshd',
    // '*' rather than a locked '!' password: sshd without PAM refuses locked accounts
    "id ops >/dev/null 2>&1 || useradd -m -s /bin/sh -p '*' ops",
    'id sec >/dev/null 2>&1 || useradd -m -s /bin/sh sec',
    "echo 'sec:secretpw' | chpasswd",
    "echo 'ops ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/ops && chmod 0440 /etc/sudoers.d/ops",
    "echo 'sec ALL=(ALL) ALL' > /etc/sudoers.d/sec && chmod 0440 /etc/sudoers.d/sec",
    'for u in ops sec; do mkdir -p /home/$u/.ssh && cp /root/.ssh/authorized_keys /home/$u/.ssh/ && chown -R $u:$u /home/$u/.ssh && chmod 700 /home/$u/.ssh; done',
    'exec /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config',
  ].join('\n');
}

function sshdConfig(h) {
  return [
    'Port 22',
    `ListenAddress ${h.ip}`,
    ...(h.privateIp ? [`ListenAddress ${h.privateIp}`] : []),
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'Subsystem sftp internal-sftp',
    'MaxSessions 10',
    'LogLevel ERROR',
    'PidFile none',
    '',
  ].join('\n');
}

function waitForSsh(labNs, ip, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      sh('ip', ['netns', 'exec', labNs, 'bash', '-c', `exec 3<>/dev/tcp/${ip}/22`], { timeout: 2000 });
      return;
    } catch {
      if (Date.now() > end) throw new Error(`sshd on ${ip} did not come up`);
      sh('sleep', ['0.1']);
    }
  }
}

/** Creates `count` hosts (node1..nodeN) and returns the lab's state; writes inventory and known_hosts. */
export function labUp(opts = {}) {
  const dir = opts.dir ?? defaultLabDir();
  const prefix = opts.prefix ?? 'kplab';
  try {
    return createLab({ ...opts, dir, prefix });
  } catch (e) {
    labDown(dir, prefix); // never leave half a lab behind
    throw e;
  }
}

function createLab(opts) {
  const { hosts: count = 3, dir, names, prefix } = opts;
  if (process.getuid?.() !== 0) throw new Error('the lab needs root (network namespaces)');
  for (const t of ['ip', 'unshare', '/usr/sbin/sshd', 'ssh-keygen', 'sudo']) need(t);
  labDown(dir, prefix);
  const LAB_NS = `${prefix}-lab`;
  mkdirSync(join(dir, 'hosts'), { recursive: true });
  sh('ip', ['netns', 'add', LAB_NS]);
  sh('ip', ['-n', LAB_NS, 'link', 'set', 'lo', 'up']);
  sh('ip', ['-n', LAB_NS, 'link', 'add', 'br0', 'type', 'bridge']);
  sh('ip', ['-n', LAB_NS, 'addr', 'add', `${SUBNET}.1/24`, 'dev', 'br0']);
  sh('ip', ['-n', LAB_NS, 'link', 'set', 'br0', 'up']);
  const key = join(dir, 'id_ed25519');
  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'kplay-lab', '-f', key]);
  const pub = readFileSync(`${key}.pub`, 'utf8');
  /** @type {LabHost[]} */
  const hosts = [];
  const known = [];
  // state first, so a failure halfway can be torn down
  const statePath = join(dir, 'state.json');
  writeFileSync(statePath, JSON.stringify({ dir, prefix, labNs: LAB_NS, hosts }));
  const hostNames = names ?? Array.from({ length: count }, (_, i) => `node${i + 1}`);
  hostNames.forEach((name, i) => {
    const h = { name, ip: `${SUBNET}.${11 + i}`, ns: `${prefix}-${name}`, pid: 0, ...(opts.privateLink && i < 2 ? { privateIp: `10.214.0.${i + 1}` } : {}) };
    const hd = join(dir, 'hosts', name);
    mkdirSync(hd, { recursive: true });
    sh('cp', ['-a', '/etc', join(hd, 'etc')]);
    for (const d of ['root/.ssh', 'home', 'var-lib', 'tmp']) mkdirSync(join(hd, d), { recursive: true });
    chmodSync(join(hd, 'tmp'), 0o1777);
    writeFileSync(join(hd, 'root/.ssh/authorized_keys'), pub);
    rmSync(join(hd, 'etc/ssh'), { recursive: true, force: true });
    mkdirSync(join(hd, 'etc/ssh'), { recursive: true });
    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(hd, 'etc/ssh/ssh_host_ed25519_key')]);
    writeFileSync(join(hd, 'etc/ssh/sshd_config'), sshdConfig(h));
    writeFileSync(join(hd, 'etc/hostname'), `${name}\n`);
    writeFileSync(join(hd, 'etc/hosts'), `127.0.0.1 localhost\n127.0.1.1 ${name}\n${h.ip} ${name}\n`);
    writeFileSync(join(hd, 'resolv.conf'), '# lab resolv.conf\n');
    writeFileSync(join(hd, 'etc/resolv.conf'), '');
    const hostPub = readFileSync(join(hd, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8').trim().split(/\s+/);
    known.push(`${h.ip} ${hostPub[0]} ${hostPub[1]}`);
    sh('ip', ['netns', 'add', h.ns]);
    sh('ip', ['link', 'add', 'eth0', 'netns', h.ns, 'type', 'veth', 'peer', 'name', `kpl${i}`, 'netns', LAB_NS]);
    sh('ip', ['-n', h.ns, 'link', 'set', 'lo', 'up']);
    sh('ip', ['-n', h.ns, 'addr', 'add', `${h.ip}/24`, 'dev', 'eth0']);
    sh('ip', ['-n', h.ns, 'link', 'set', 'eth0', 'up']);
    sh('ip', ['-n', LAB_NS, 'link', 'set', `kpl${i}`, 'master', 'br0', 'up']);
    if (h.privateIp && i === 1) {
      // a link between node1 and node2 that the controller has no route to
      const first = hosts[0];
      sh('ip', ['link', 'add', 'priv0', 'netns', first.ns, 'type', 'veth', 'peer', 'name', 'priv0', 'netns', h.ns]);
      sh('ip', ['-n', first.ns, 'addr', 'add', `${first.privateIp}/24`, 'dev', 'priv0']);
      sh('ip', ['-n', h.ns, 'addr', 'add', `${h.privateIp}/24`, 'dev', 'priv0']);
      sh('ip', ['-n', first.ns, 'link', 'set', 'priv0', 'up']);
      sh('ip', ['-n', h.ns, 'link', 'set', 'priv0', 'up']);
    }
    const log = openSync(join(hd, 'sshd.log'), 'a');
    const child = spawn('ip', ['netns', 'exec', h.ns, 'unshare', '--mount', '--uts', '--fork', '/bin/sh', '-c', hostScript(h, dir)], { detached: true, stdio: ['ignore', log, log] });
    child.unref();
    h.pid = child.pid ?? 0;
    hosts.push(h);
    writeFileSync(statePath, JSON.stringify({ dir, prefix, labNs: LAB_NS, hosts }));
  });
  for (const h of hosts) waitForSsh(LAB_NS, h.ip);
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, known.join('\n') + '\n');
  const inventory = join(dir, 'inventory.ini');
  writeFileSync(
    inventory,
    [
      '# written by the kplay lab (test/lab/lab.mjs)',
      '[lab]',
      ...hosts.map((h) => `${h.name} ansible_host=${h.ip}`),
      '',
      '[all:vars]',
      'ansible_user=root',
      `ansible_ssh_private_key_file=${key}`,
      `ansible_ssh_common_args='-o UserKnownHostsFile=${knownHosts}'`,
      '',
    ].join('\n'),
  );
  /** @type {LabState} */
  const state = { dir, prefix, labNs: LAB_NS, hosts, inventory, knownHosts, key };
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state, null, 2));
  return state;
}

/** Reads the running lab's state. */
export function labState(dir = defaultLabDir()) {
  const p = join(dir, 'state.json');
  if (!existsSync(p)) throw new Error('no lab is up (npm run lab -- up --hosts N)');
  return /** @type {LabState} */ (JSON.parse(readFileSync(p, 'utf8')));
}

/** Kills every process of one host, its sshd and open sessions included ("the host went away"). */
export function labKillHost(state, name) {
  const h = state.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no lab host ${name}`);
  // per-connection sshd processes call setsid(), so the listener's process group is not enough
  for (const p of sh('ip', ['netns', 'pids', h.ns]).split('\n').filter(Boolean)) {
    try {
      process.kill(Number(p), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Removes every lab host, namespace and file (safe to call twice, and when up failed halfway). */
export function labDown(dir = defaultLabDir(), prefixArg) {
  let state;
  try {
    state = labState(dir);
  } catch {
    state = undefined;
  }
  const prefix = prefixArg ?? state?.prefix ?? 'kplab';
  for (const h of state?.hosts ?? []) {
    try {
      process.kill(-h.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const namespaces = sh('ip', ['netns', 'list']).split('\n').map((l) => l.split(' ')[0]).filter((n) => n && n.startsWith(`${prefix}-`));
  for (const ns of namespaces) {
    try {
      // kill anything still running in the namespace, then delete it
      const pids = sh('ip', ['netns', 'pids', ns]).split('\n').filter(Boolean);
      for (const p of pids) process.kill(Number(p), 'SIGKILL');
    } catch {
      // nothing left
    }
    try {
      sh('ip', ['netns', 'del', ns]);
    } catch {
      // removed concurrently
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

/** The command that runs argv where the lab hosts are reachable (inside the lab namespace). */
export function labExecArgs(argv, state = labState()) {
  return ['ip', ['netns', 'exec', state.labNs, ...argv]];
}
