// The lab: N test hosts on this machine, each a Linux network + mount + UTS namespace with its own
// hostname, address, /etc copy, /root, /home, /tmp, /run and a real OpenSSH sshd, on a bridge that
// lives in a namespace of its own (the controller runs there too). Nothing outside these
// namespaces is contacted. Used by `npm run lab` and by the tests; teardown removes everything.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync, openSync, chownSync, symlinkSync, readdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const SUBNET = '10.213.0';
/** The apiserver VIP the Kubernetes lab's inventory names (on the lab bridge). */
export const LAB_VIP = `${SUBNET}.100`;
const KUBE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'kube');
const YAML_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../node_modules/yaml');
/** Commands every lab host gets from the lab (the stand-ins with the real names). */
const TOOLS = { systemctl: 'systemctl.mjs', crictl: 'crictl.mjs', journalctl: 'journalctl.mjs', 'apt-get': 'pkg.mjs apt-get', apt: 'pkg.mjs apt', 'apt-cache': 'pkg.mjs apt-cache', 'apt-mark': 'pkg.mjs apt-mark', dpkg: 'pkg.mjs dpkg', 'dpkg-query': 'pkg.mjs dpkg-query' };

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
    // apt's package cache is the host's own (it follows the host's lists and dpkg database)
    `if [ -d /var/cache/apt ]; then mount --bind ${hd}/var-cache-apt /var/cache/apt; fi`,
    `mount --bind ${hd}/var-log /var/log`,
    // backups (the lifecycle playbooks write /var/backups/kplay) stay on the host
    'mkdir -p /var/backups',
    `mount --bind ${hd}/var-backups /var/backups`,
    // as on a real host, /var/tmp is the host's own (cluster-images.yaml leaves its archives there)
    `mount --bind ${hd}/var-tmp /var/tmp`,
    `mount --bind ${hd}/usr-local /usr/local`,
    `mount --bind ${KUBE_DIR} /usr/local/lib/kplay-lab`,
    `mount --bind ${YAML_DIR} /usr/local/lib/node_modules/yaml`,
    `mount --bind ${hd}/lib-systemd /usr/lib/systemd/system`,
    // the machine's shutdown, reboot (systemctl, on systemd) are the lab's here: a simulated reboot (bin/power.mjs)
    'for t in shutdown reboot poweroff halt; do p=$(readlink -f /usr/sbin/$t) && [ -f "$p" ] && ! mountpoint -q "$p" && mount --bind /usr/local/sbin/lab-power "$p" || true; done',
    // the boot id is the host's own: a simulated reboot changes it
    `mount --bind ${hd}/boot_id /proc/sys/kernel/random/boot_id`,
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

/** The machine's real Debian packages, listed as installed in each host's lab dpkg database. */
function installedDebianPackages() {
  const out = {};
  try {
    for (const line of sh('dpkg-query', ['-W', '-f', '${Package}\t${Version}\n']).split('\n')) {
      const [name, version] = line.split('\t');
      // the packages the lab's repository offers are the lab's to install, whatever the machine has
      if (name && version && !/^(kubeadm|kubelet|kubectl|kubernetes-cni|cri-tools|containerd(\.io)?)$/.test(name)) out[name] = { version, hold: false };
    }
  } catch {
    // not a dpkg system: the lab database starts empty
  }
  return out;
}

/** A host's own /usr/local (the stand-ins), /lib/systemd/system, /var/log and /var/lib skeleton. With
 * `realApt`, apt and dpkg are the machine's own over a copy of its dpkg database and no package source. */
function hostFilesystem(hd, realPackages, realApt) {
  for (const d of ['var-cache-apt/archives/partial', 'usr-local/bin', 'usr-local/sbin', 'usr-local/lib/kplay-lab', 'usr-local/lib/node_modules/yaml', 'var-log/nginx', 'var-log/pods', 'var-lib/dpkg', 'var-lib/haproxy', 'var-lib/nginx', 'var-lib/etcd', 'var-lib/apt/lists', 'var-backups', 'var-tmp']) mkdirSync(join(hd, d), { recursive: true });
  chmodSync(join(hd, 'var-tmp'), 0o1777);
  try {
    const etcd = sh('id', ['-u', 'etcd']).trim();
    const gid = sh('id', ['-g', 'etcd']).trim();
    chownSync(join(hd, 'var-lib/etcd'), Number(etcd), Number(gid));
  } catch {
    // no etcd user on this machine
  }
  sh('cp', ['-a', '/usr/lib/systemd/system', join(hd, 'lib-systemd')]);
  if (realApt) {
    sh('cp', ['-a', '/var/lib/dpkg/.', join(hd, 'var-lib/dpkg')]);
    if (existsSync('/var/lib/apt/extended_states')) sh('cp', ['-a', '/var/lib/apt/extended_states', join(hd, 'var-lib/apt/')]);
    // the machine's sources are not the host's: only what a play configures is fetched
    rmSync(join(hd, 'etc/apt/sources.list'), { force: true });
    for (const f of existsSync(join(hd, 'etc/apt/sources.list.d')) ? readdirSync(join(hd, 'etc/apt/sources.list.d')) : []) rmSync(join(hd, 'etc/apt/sources.list.d', f), { force: true });
  } else writeFileSync(join(hd, 'var-lib/dpkg/lab-status.json'), JSON.stringify(realPackages));
  for (const [name, script] of Object.entries(TOOLS)) {
    const [file, ...pre] = script.split(' ');
    if (realApt && file === 'pkg.mjs') continue;
    writeFileSync(join(hd, 'usr-local/bin', name), `#!/bin/sh\nexec /usr/bin/node /usr/local/lib/kplay-lab/bin/${file}${pre.map((x) => ` ${x}`).join('')} "$@"\n`, { mode: 0o755 });
  }
  // reboots are simulated (test/lab/kube/bin/power.mjs); the marker is its guard against running elsewhere
  writeFileSync(join(hd, 'usr-local/sbin/lab-power'), '#!/bin/sh\ncase "${0##*/}" in shutdown|reboot|poweroff|halt) exec /usr/bin/node /usr/local/lib/kplay-lab/bin/power.mjs "${0##*/}" "$@";; esac\nexec /usr/local/bin/systemctl "$@"\n', { mode: 0o755 });
  for (const t of ['shutdown', 'reboot', 'poweroff', 'halt']) symlinkSync('lab-power', join(hd, 'usr-local/sbin', t));
  writeFileSync(join(hd, 'boot_id'), `${randomUUID()}\n`);
  // swap is simulated by a marker file (the hosts share the machine's kernel)
  writeFileSync(join(hd, 'usr-local/sbin/swapoff'), '#!/bin/sh\nrm -f /etc/lab-swap-on\n', { mode: 0o755 });
  writeFileSync(join(hd, 'usr-local/sbin/swapon'), '#!/bin/sh\nif [ "$1" = "--show" ] || [ "$1" = "-s" ]; then [ -e /etc/lab-swap-on ] && printf "NAME      TYPE SIZE USED PRIO\\n/swap.img file   2G   0B   -2\\n"; exit 0; fi\ntouch /etc/lab-swap-on\n', { mode: 0o755 });
  // kernel modules cannot be loaded from a namespace: the lab records them
  writeFileSync(join(hd, 'usr-local/sbin/modprobe'), '#!/bin/sh\nmkdir -p /run/lab-modules\nfor m in "$@"; do case "$m" in -*) ;; *) touch "/run/lab-modules/$m";; esac; done\n', { mode: 0o755 });
  writeFileSync(join(hd, 'usr-local/sbin/lsmod'), '#!/bin/sh\necho "Module                  Size  Used by"\nls /run/lab-modules 2>/dev/null | while read m; do printf "%-24s%6s  0\\n" "$m" 16384; done\n', { mode: 0o755 });
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

function waitForSsh(labNs, ip, timeoutMs = 60000) {
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
  const kube = opts.masters !== undefined;
  const hostNames = kube ? [...Array.from({ length: opts.masters }, (_, i) => `master${i + 1}`), ...Array.from({ length: opts.workers ?? 0 }, (_, i) => `worker${i + 1}`)] : names ?? Array.from({ length: count }, (_, i) => `node${i + 1}`);
  const realPackages = installedDebianPackages();
  hostNames.forEach((name, i) => {
    const h = { name, ip: `${SUBNET}.${11 + i}`, ns: `${prefix}-${name}`, pid: 0, ...(opts.privateLink && i < 2 ? { privateIp: `10.214.0.${i + 1}` } : {}) };
    const hd = join(dir, 'hosts', name);
    mkdirSync(hd, { recursive: true });
    sh('cp', ['-a', '/etc', join(hd, 'etc')]);
    writeFileSync(join(hd, 'etc/kplay-lab-host'), `${name}\n`);
    for (const d of ['root/.ssh', 'home', 'var-lib', 'tmp']) mkdirSync(join(hd, d), { recursive: true });
    chmodSync(join(hd, 'tmp'), 0o1777);
    hostFilesystem(hd, realPackages, opts.realApt === true);
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
  const vars = ['[all:vars]', 'ansible_user=root', `ansible_ssh_private_key_file=${key}`, `ansible_ssh_common_args='-o UserKnownHostsFile=${knownHosts}'`, ''];
  const line = (h) => `${h.name} ansible_host=${h.ip}`;
  const masters = hosts.filter((h) => h.name.startsWith('master'));
  const workers = hosts.filter((h) => h.name.startsWith('worker'));
  writeFileSync(
    inventory,
    (kube
      ? [
          '# written by the kplay lab (test/lab/lab.mjs): a Kubernetes lab',
          '[apiserver_vip]',
          LAB_VIP,
          '',
          '[primary-master]',
          ...masters.slice(0, 1).map(line),
          '',
          '[secondary-masters]',
          ...masters.slice(1).map(line),
          '',
          '[masters:children]',
          'primary-master',
          'secondary-masters',
          '',
          '[etcd:children]',
          'masters',
          '',
          '[minions]',
          ...workers.map(line),
          '',
          '[nodes:children]',
          'masters',
          'minions',
          '',
          ...vars,
        ]
      : ['# written by the kplay lab (test/lab/lab.mjs)', '[lab]', ...hosts.map(line), '', ...vars]
    ).join('\n'),
  );
  /** @type {LabState} */
  if (kube) {
    // the inventory's own group_vars: site values for the cluster playbooks (the VIP is the apiserver_vip group)
    mkdirSync(join(dir, 'group_vars'), { recursive: true });
    writeFileSync(
      join(dir, 'group_vars', 'all.yaml'),
      ['# written by the kplay lab: site values of the lab cluster', 'APISERVER_ENDPOINT_NAME: k8s-api.lab.test', 'KEEPALIVED_AUTH_PASS: labvrrp1', `CNI_MANIFEST_FILE: ${join(KUBE_DIR, 'manifests', 'lab-flannel.yaml')}`, `KUBERNETES_REPOSITORY_KEY_FILE: ${join(KUBE_DIR, 'repo', 'Release.key')}`, ''].join('\n'),
    );
  }
  const state = { dir, prefix, labNs: LAB_NS, hosts, inventory, knownHosts, key, ...(kube ? { vip: LAB_VIP, kube: opts.kube ?? 'fresh', kubeVersion: opts.kubeVersion ?? LAB_KUBE_VERSION } : {}) };
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state, null, 2));
  if (kube && state.kube !== 'none') installKube(state);
  if (kube && state.kube === 'legacy') legacyCluster(state);
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
  // per-connection sshd processes call setsid(), so the listener's process group is not enough; and a
  // connection accepted while the list is read forks a process after it: killed until none is left
  for (let round = 0; round < 50; round++) {
    const pids = sh('ip', ['netns', 'pids', h.ns]).split('\n').filter(Boolean);
    if (!pids.length) return;
    for (const p of pids) {
      try {
        process.kill(Number(p), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    spawnSync('sleep', ['0.05']);
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

/** `ip`'s arguments for an ssh as root to a lab host's address from inside the lab namespace (the command follows). */
export function labSshArgv(state, ip) {
  return ['netns', 'exec', state.labNs, 'ssh', '-i', state.key, '-o', `UserKnownHostsFile=${state.knownHosts}`, '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', `root@${ip}`];
}

/** Runs a shell command on a lab host as root over SSH: { rc, stdout, stderr }. */
export function labRun(state, name, command, { input, timeout = 300000, env = {} } = {}) {
  const h = state.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no lab host ${name}`);
  const prefix = Object.entries(env).map(([k, v]) => `${k}='${String(v).replace(/'/g, "'\\''")}' `).join('');
  const r = spawnSync('ip', [...labSshArgv(state, h.ip), `${prefix}${command}`], { encoding: 'utf8', input: input ?? '', timeout, maxBuffer: 64 << 20 });
  return { rc: r.status ?? 255, stdout: r.stdout ?? '', stderr: r.stderr || (r.error ? String(r.error.message) : '') };
}

/** Like labRun, but throws with the command's output when it fails. */
export function labMust(state, name, command, opts) {
  const r = labRun(state, name, command, opts);
  if (r.rc !== 0) throw new Error(`${name}: '${command}' exited ${r.rc}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The lab's default Kubernetes package version. */
export const LAB_KUBE_VERSION = '1.30.5-1.1';

/** "fresh": the Kubernetes packages installed and containerd running on every host, nothing initialised. */
function installKube(state) {
  const v = state.kubeVersion ?? LAB_KUBE_VERSION;
  const minor = v.split('.').slice(0, 2).join('.');
  // the repository as kubeadm's install page sets it up: a keyring in /etc/apt/keyrings and one list file
  const repo = [
    // the lab's files as the host sees them (its /tmp is its own)
    `mkdir -p /etc/apt/keyrings && cp /usr/local/lib/kplay-lab/repo/Release.key /etc/apt/keyrings/kubernetes-apt-keyring.gpg`,
    `echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v${minor}/deb/ /' >/etc/apt/sources.list.d/kubernetes.list`,
    'apt-get update -q >/dev/null',
  ].join(' && ');
  const cmd = `${repo} && apt-get install -y -q kubeadm=${v} kubelet=${v} kubectl=${v} containerd >/dev/null && apt-mark hold kubeadm kubelet kubectl >/dev/null && systemctl start containerd && systemctl start kubelet`;
  for (const h of state.hosts) labMust(state, h.name, cmd);
}

/**
 * "legacy": a single-master cluster as an old `kubeadm init` without an endpoint left it: apiserver
 * certificate without a DNS name for an endpoint, kubeconfigs with the IP, etcd's peer URL on
 * localhost, workers joined by IP. Other masters only have the packages.
 */
function legacyCluster(state) {
  const m1 = state.hosts.find((h) => h.name === 'master1');
  if (!m1) throw new Error('a legacy lab needs --masters 1 or more');
  labMust(state, 'master1', 'kubeadm init --pod-network-cidr=10.244.0.0/16 >/var/log/kubeadm-init.log 2>&1', { env: { LAB_LEGACY_ETCD: '1' } });
  labMust(state, 'master1', 'mkdir -p /root/.kube && cp /etc/kubernetes/admin.conf /root/.kube/config && kubectl apply -f /usr/local/lib/kplay-lab/manifests/lab-flannel.yaml >/dev/null');
  const join = labMust(state, 'master1', 'kubeadm token create --print-join-command').trim();
  for (const w of state.hosts.filter((h) => h.name.startsWith('worker'))) labMust(state, w.name, `${join} >/var/log/kubeadm-join.log 2>&1`);
  for (const h of state.hosts.filter((x) => x === m1 || x.name.startsWith('worker'))) labMust(state, 'master1', `kubectl wait --for=condition=Ready node/${h.name} --timeout=60s >/dev/null`, { timeout: 90000 });
}
