// kplay over SSH against real sshd hosts in the lab (network + mount + UTS namespaces): every module
// on 5 hosts with forks 2, become through both sudo users, host keys (wrong, unknown), an
// unreachable host, sshd killed mid-play, a 50 MB copy, 10 MB of output, commands and stdin.
import { spawnSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error the lab is plain JavaScript (runs without a build: npm run lab)
import { labAvailable, labDown, labKillHost, labMust, labUp } from '../lab/lab.mjs';
import { openTerminal, tmuxAvailable } from '../support/tmux.js';
import { sleep } from '../support/until.js';
import { tempDir } from '../support/tree.js';

interface LabState {
  dir: string;
  labNs: string;
  hosts: { name: string; ip: string }[];
  inventory: string;
  knownHosts: string;
  key: string;
}

const bin = fileURLToPath(new URL('../../bin/kplay.js', import.meta.url));
const available = labAvailable() as boolean;
let lab: LabState;
let work: string;

/**
 * `argv` with `home` mounted over the local user's home, in a mount namespace of its own: ssh (and
 * kplay, as ssh) reads ~/.ssh in the password database's home, not $HOME.
 */
function underHome(home: string, argv: string[]): string[] {
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" "$1" && shift && exec "$@"', home, userInfo().homedir, ...argv];
}

/** An ssh-agent at <work>/<name>.sock holding `keys`, for `fn`; stopped after it, whatever happens. */
function withAgent<T>(name: string, keys: string[], fn: (sock: string) => T): T {
  const sock = join(work, `${name}.sock`);
  rmSync(sock, { force: true });
  const agent = spawnSync('ssh-agent', ['-a', sock], { encoding: 'utf8' });
  const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(agent.stdout)?.[1]);
  try {
    for (const k of keys) expect(spawnSync('ssh-add', ['-q', k], { env: { ...process.env, SSH_AUTH_SOCK: sock } }).status).toBe(0);
    return fn(sock);
  } finally {
    if (pid) process.kill(pid);
  }
}

/** kplay where the lab hosts are; with `home`, that directory is the local user's home (its ~/.ssh read). */
function kplay(args: string[], opts: { timeoutMs?: number; input?: string; home?: string } = {}): { rc: number | null; out: string } {
  const argv = [process.execPath, bin, ...args];
  const r = spawnSync('ip', ['netns', 'exec', lab.labNs, ...(opts.home ? underHome(opts.home, argv) : argv)], { cwd: work, encoding: 'utf8', input: opts.input, timeout: opts.timeoutMs ?? 120_000, env: { ...process.env, HOME: opts.home ?? work, KPLAY_NO_LIVE: '1' } });
  return { rc: r.status, out: `${r.stdout}${r.stderr}` };
}

const hostFile = (host: string, path: string): string => join(lab.dir, 'hosts', host, path.replace(/^\/etc\//, 'etc/').replace(/^\/root\//, 'root/').replace(/^\/tmp\//, 'tmp/'));

/** The lab's inventory as is (the resident helper) or with kplay_helper=false (shell commands only). */
function inventoryFor(mode: 'helper' | 'shell'): string {
  const inv = join(work, `${mode}.inventory`);
  writeFileSync(inv, readFileSync(lab.inventory, 'utf8') + (mode === 'shell' ? 'kplay_helper=false\n' : ''));
  return inv;
}
const MODES = [['helper'], ['shell']] as const;

function playbook(name: string, text: string): string {
  const p = join(work, name);
  writeFileSync(p, text);
  return p;
}

/** ansible-playbook where the lab hosts are, without control masters (one opened for another host's options would carry them): stdout and stderr. */
function ansiblePlaybook(args: string[], env: Record<string, string> = {}): { stdout: string; text: string } {
  const a = spawnSync('ip', ['netns', 'exec', lab.labNs, 'ansible-playbook', ...args], { cwd: work, encoding: 'utf8', timeout: 300_000, env: { ...process.env, HOME: work, ANSIBLE_NOCOLOR: '1', ANSIBLE_SSH_ARGS: '-o ControlMaster=no -o ControlPath=none', ...env } });
  return { stdout: a.stdout, text: a.stdout + a.stderr };
}

/** Each host's outcome in a run's output: UNREACHABLE, the value a debug task printed for `shown` (or 'ok' for a changed task without `shown`), or 'none'. */
function outcomes(out: string, names: string[], shown?: string): Record<string, string> {
  const esc = (t: string): string => t.replace(/[.[\]]/g, '\\$&');
  return Object.fromEntries(
    names.map((n) => [
      n,
      new RegExp(`fatal: \\[${esc(n)}\\]: UNREACHABLE!`).test(out)
        ? 'UNREACHABLE'
        : shown === undefined
          ? new RegExp(`changed: \\[${esc(n)}\\]`).test(out)
            ? 'ok'
            : 'none'
          : (new RegExp(`ok: \\[${esc(n)}\\] => \\{\\n    "${esc(shown)}": "(\\w+)"`).exec(out)?.[1] ?? 'none'),
    ]),
  );
}

describe.skipIf(!available)('kplay over SSH on lab hosts', () => {
  beforeAll(() => {
    work = tempDir('kplay-ssh-');
    lab = labUp({ hosts: 5, dir: join(work, 'lab'), prefix: 'kptest', privateLink: true }) as LabState;
  }, 120_000);

  afterAll(() => {
    if (lab) labDown(lab.dir, 'kptest');
  });

  // the resident perl helper (default) and plain shell commands (kplay_helper=false) must act alike
  it.each(MODES)('runs every kind of module on 5 hosts with forks 2 (%s), then changes nothing on a second run', (mode) => {
    const d = `kplay-${mode}`;
    const inv = inventoryFor(mode);
    writeFileSync(join(work, 'motd.j2'), 'welcome to {{inventory_hostname}} ({{ansible_facts.hostname}})\n');
    writeFileSync(join(work, 'files-app.conf'), 'app=1\n');
    const p = playbook(
      `all-modules-${d}.yaml`,
      `- hosts: lab
  tasks:
    - file: {path: /etc/${d}, state: directory, mode: "0755"}
    - copy: {content: "static\\n", dest: /etc/${d}/static.txt, mode: "0644"}
    - copy: {src: files-app.conf, dest: /etc/${d}/app.conf, force: false}
    - template: {src: motd.j2, dest: /etc/${d}/motd}
    - lineinfile: {path: /etc/hosts, line: "10.213.0.100 k8s-api"}
    - blockinfile: {path: /etc/${d}/blocks.txt, block: "managed line", create: true}
    - replace: {path: /etc/${d}/app.conf, regexp: "app=1", replace: "app=2"}
    - stat: {path: /etc/${d}/motd}
      register: st
    - assert: {that: ["st.stat.exists", "st.stat.size > 10"]}
    - slurp: {src: /etc/hostname}
      register: hn
    - fetch: {src: /etc/${d}/motd, dest: fetched}
    - command: hostname
      changed_when: false
    - shell: echo hi | tr a-z A-Z
      register: up
      changed_when: false
    - debug: {msg: "{{ up.stdout }} {{ hn.content | b64decode }}"}
`,
    );
    const first = kplay(['-i', inv, p, '-f', '2', '-vv']);
    // -vv shows which path each file operation took
    if (mode === 'helper') expect(first.out).toContain('(kplay helper: inspect ');
    else expect(first.out).not.toContain('(kplay helper:');
    expect(first.out).not.toContain('fatal');
    expect(first.rc).toBe(0);
    for (const h of lab.hosts) {
      expect(readFileSync(hostFile(h.name, `/etc/${d}/motd`), 'utf8')).toBe(`welcome to ${h.name} (${h.name})\n`);
      expect(readFileSync(hostFile(h.name, `/etc/${d}/app.conf`), 'utf8')).toBe('app=2\n');
      expect(readFileSync(hostFile(h.name, `/etc/${d}/blocks.txt`), 'utf8')).toBe('# BEGIN ANSIBLE MANAGED BLOCK\nmanaged line\n# END ANSIBLE MANAGED BLOCK\n');
      expect(readFileSync(hostFile(h.name, '/etc/hosts'), 'utf8')).toContain('10.213.0.100 k8s-api\n');
      expect(readFileSync(join(work, 'fetched', h.name, `etc/${d}/motd`), 'utf8')).toContain(h.name);
      // no temporary file left behind by the atomic writes
      expect(readdirSync(hostFile(h.name, `/etc/${d}`)).filter((f) => f.startsWith('.kplay'))).toEqual([]);
    }
    expect(first.out).toContain(`"msg": "HI ${lab.hosts[0]?.name}\\n"`);
    const second = kplay(['-i', inv, p, '-f', '2']);
    expect(second.rc).toBe(0);
    for (const h of lab.hosts) expect(second.out).toMatch(new RegExp(`${h.name}\\s+: ok=\\d+\\s+changed=0 `));
  });

  // script and raw register their output as the connection gave it (Ansible's actions): trim takes the newline off
  it('runs the remaining modules over SSH: script, raw, set_fact, include_vars, wait_for, pause, meta, systemd and apt (fake tools on PATH), apt also in the background', () => {
    writeFileSync(join(work, 'hello.sh'), '#!/bin/sh\necho "script on $(hostname) with $1"\n');
    writeFileSync(join(work, 'extra-vars.yaml'), 'from_file: loaded\n');
    writeFileSync(join(work, 'systemctl'), '#!/bin/sh\ncase "$1" in show) [ -f /root/$2.on ] && a=active || a=inactive; printf "Id=%s.service\\nLoadState=loaded\\nActiveState=%s\\n" "$2" "$a";; is-enabled) echo enabled;; start) touch /root/$2.on;; esac\n');
    writeFileSync(join(work, 'dpkg-query'), '#!/bin/sh\n[ -f /root/pkg-installed ] && printf "ii |1.30.2-1.1\\n" || exit 1\n');
    writeFileSync(join(work, 'apt-cache'), '#!/bin/sh\nprintf "kubeadm:\\n  Installed: (none)\\n  Candidate: 1.30.2-1.1\\n  Version table:\\n     1.30.2-1.1 500\\n        500 http://pkgs.example.invalid ./ Packages\\n"\n');
    writeFileSync(join(work, 'apt-get'), '#!/bin/sh\necho "$*" >> /root/apt.log; touch /root/pkg-installed\n');
    writeFileSync(join(work, 'apt-mark'), '#!/bin/sh\necho "apt-mark $*" >> /root/apt.log\n');
    const p = playbook(
      'more-modules.yaml',
      `- hosts: lab
  gather_facts: false
  environment: {PATH: "/root/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
  tasks:
    - file: {path: /root/bin, state: directory}
    - copy: {src: "{{item}}", dest: "/root/bin/{{item}}", mode: "0755"}
      loop: [systemctl, dpkg-query, apt-cache, apt-get, apt-mark]
    - script: hello.sh arg1
      register: sc
    - raw: echo raw-$((20+22))
      register: rw
    - set_fact: {answer: "{{rw.stdout | trim}}"}
    - include_vars: extra-vars.yaml
    - wait_for: {path: /root/bin/apt-get, timeout: 5}
    - pause: {seconds: 0}
    - systemd: {name: kubelet, state: started}
      notify: note
    - apt: {name: "kubeadm=1.30.2-1.1"}
      async: 60
      poll: 0
      register: bg
    - async_status: {jid: "{{ bg.ansible_job_id }}"}
      register: bgst
      until: bgst.finished
      retries: 30
      delay: 1
    - apt: {name: "kubeadm=1.30.2-1.1"}
      register: again
    - meta: flush_handlers
    - debug: {msg: "{{sc.stdout | trim}} {{answer}} {{from_file}} {{again.changed}} {{bgst.changed}} {{bgst.failed}}"}
  handlers:
    - name: note
      debug: msg=kubelet-started
`,
    );
    const r = kplay(['-i', lab.inventory, p, '-f', '3']);
    expect(r.out).not.toContain('fatal');
    expect(r.rc).toBe(0);
    for (const h of lab.hosts) {
      // (the first apt ran in the background, async with poll: 0, on a connection of its own)
      expect(r.out).toContain(`"msg": "script on ${h.name} with arg1 raw-42 loaded False True False"`); // Python prints booleans as Ansible does
      expect(existsSync(hostFile(h.name, '/root/kubelet.on'))).toBe(true);
      expect(readFileSync(hostFile(h.name, '/root/apt.log'), 'utf8')).toBe('-y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install kubeadm=1.30.2-1.1\napt-mark manual kubeadm\napt-mark manual kubeadm\n');
    }
    expect(r.out).toMatch(/RUNNING HANDLER \[note\]/);
  });

  it('becomes another user with su', () => {
    const p = playbook('su.yaml', `- hosts: ${lab.hosts[0]?.name}\n  gather_facts: false\n  tasks:\n    - command: id -un\n      become: true\n      become_method: su\n      become_user: ops\n      register: who\n    - debug: var=who.stdout\n`);
    const r = kplay(['-i', lab.inventory, p]);
    expect(r.out).toContain('"who.stdout": "ops"');
    expect(r.rc).toBe(0);
  });

  // the lab's inventory with the first host as ops (sudo without a password) in nopw and the second as sec
  // (sudo with one) in pw, `pw` its variables besides, `more` lines after
  const becomeInventory = (name: string, pw: string, more = ''): string => {
    const inv = join(work, name);
    writeFileSync(inv, `${readFileSync(lab.inventory, 'utf8')}\n[nopw]\n${lab.hosts[0]?.name} ansible_host=${lab.hosts[0]?.ip} ansible_user=ops\n[pw]\n${lab.hosts[1]?.name} ansible_host=${lab.hosts[1]?.ip} ansible_user=sec ansible_become_password=secretpw${pw}\n${more}`);
    return inv;
  };

  it('becomes root through sudo as a NOPASSWD user and as a user with a password; a wrong password fails the task', () => {
    const inv = becomeInventory('become.ini', '', `[badpw]\n${lab.hosts[2]?.name} ansible_host=${lab.hosts[2]?.ip} ansible_user=sec ansible_become_password=wrongpw\n`);
    const p = playbook('become.yaml', '- hosts: nopw:pw:badpw\n  gather_facts: false\n  become: true\n  tasks:\n    - command: id -u\n      register: r\n    - copy: {content: "root-owned\\n", dest: /root/become.txt}\n    - debug: var=r.stdout\n');
    const r = kplay(['-i', inv, p]);
    expect(r.out).toMatch(new RegExp(`ok: \\[${lab.hosts[0]?.name}\\] => \\{\\n    "r.stdout": "0"`));
    expect(r.out).toMatch(new RegExp(`ok: \\[${lab.hosts[1]?.name}\\] => \\{\\n    "r.stdout": "0"`));
    expect(r.out).toMatch(new RegExp(`fatal: \\[${lab.hosts[2]?.name}\\]: FAILED!.*become sudo to root failed: incorrect become password`));
    expect(r.out).not.toContain('secretpw');
    expect(r.out).not.toContain('wrongpw');
    expect(readFileSync(hostFile(lab.hosts[1]?.name as string, '/root/become.txt'), 'utf8')).toBe('root-owned\n');
    expect(r.rc).toBe(2);
  });

  it("become_exe and become_flags (the keywords, else the host's variables) go on the sudo line as written", () => {
    const inv = becomeInventory('become-words.ini', " ansible_become_flags='-H -S -i'");
    const logger = '#!/bin/sh\necho "$@" > /tmp/become-words.log\nexec sudo "$@"\n';
    const tasks = [
      `    - copy: {content: ${JSON.stringify(logger)}, dest: /tmp/logsudo, mode: "0755"}\n      become: false`,
      '    - command: id -u\n      register: plain',
      // the keywords; on the host with a password, its ansible_become_flags (-i: sudo's login shell)
      "    - command: id -u\n      become_exe: /tmp/logsudo\n      become_flags: '-i -n'\n      register: words1\n      when: inventory_hostname in groups.nopw",
      '    - command: id -u\n      become_exe: /tmp/logsudo\n      register: words2\n      when: inventory_hostname in groups.pw',
      '    - debug: msg="{{ plain.stdout }}|{{ words1.stdout | default(words2.stdout) }}"',
    ];
    const r = kplay(['-i', inv, playbook('become-words.yaml', `- hosts: nopw:pw\n  gather_facts: false\n  become: true\n  tasks:\n${tasks.join('\n')}\n`)]);
    for (const h of [lab.hosts[0]?.name, lab.hosts[1]?.name]) expect(r.out).toMatch(new RegExp(`ok: \\[${h}\\] => \\{\\n    "msg": "0\\|0"`));
    expect(readFileSync(hostFile(lab.hosts[0]?.name as string, '/tmp/become-words.log'), 'utf8')).toMatch(/^-i -n -u root \/bin\/sh -c /);
    // (with a password, sudo's -S and kplay's prompt)
    expect(readFileSync(hostFile(lab.hosts[1]?.name as string, '/tmp/become-words.log'), 'utf8')).toMatch(/^-H -S -i -p \[kplay-sudo-[0-9a-f]+\] password: -u root \/bin\/sh -c /);
    expect(r.out).not.toContain('secretpw');
    expect(r.rc, r.out).toBe(0);
  });

  it.skipIf(!tmuxAvailable())('-K asks for the become password on the terminal, once, for hosts that set none; the answer never shows', async () => {
    const inv = join(work, 'ask-become.ini');
    writeFileSync(inv, `${readFileSync(lab.inventory, 'utf8')}\n[pw]\n${lab.hosts[1]?.name} ansible_host=${lab.hosts[1]?.ip} ansible_user=sec\n`);
    const p = playbook('ask-become.yaml', '- hosts: pw\n  gather_facts: false\n  become: true\n  tasks:\n    - command: id -u\n      register: r\n    - debug: msg="uid {{ r.stdout }} after secretpw?"\n');
    const term = openTerminal(['ip', 'netns', 'exec', lab.labNs, process.execPath, bin, '-i', inv, p, '-K'], { cols: 120, rows: 30, cwd: work, env: { HOME: work } });
    try {
      for (let i = 0; i < 100 && !term.screen().join('\n').includes('BECOME password:'); i++) await sleep(100);
      term.type('secretpw');
      expect(await term.exited(60_000)).toBe(0);
      const history = term.history().join('\n');
      expect(history).toContain('"msg": "uid 0 after <redacted: secret>?"');
      expect(history).not.toContain('secretpw');
    } finally {
      term.kill();
    }
  });

  it('--become-password-file and --connection-password-file: the passwords from a file, a script or stdin, never shown', () => {
    // a user who logs in with a password only (no authorized key), made on the third host
    const [sudoHost, connHost] = [lab.hosts[1], lab.hosts[2]] as { name: string; ip: string }[];
    const made = kplay(['-i', lab.inventory, playbook('pwonly.yaml', `- hosts: ${connHost?.name}\n  gather_facts: false\n  tasks:\n    - shell: id pwonly || useradd -m -s /bin/sh pwonly; echo 'pwonly:connpw' | chpasswd\n`)]);
    expect(made.rc, made.out).toBe(0);
    const inv = join(work, 'pwfiles.ini');
    writeFileSync(inv, `${readFileSync(lab.inventory, 'utf8')}\n[pw]\n${sudoHost?.name} ansible_host=${sudoHost?.ip} ansible_user=sec\n[conn]\n${connHost?.name} ansible_host=${connHost?.ip} ansible_user=pwonly\n`);
    const p = playbook('pwfiles.yaml', `- hosts: pw:conn\n  gather_facts: false\n  tasks:\n    - command: id -un\n      register: who\n    - command: id -u\n      become: true\n      register: uid\n      when: inventory_hostname in groups.pw\n    - debug: msg="{{ who.stdout }} {{ uid.stdout | default('-') }} secretpw connpw"\n`);
    writeFileSync(join(work, 'become.pw'), '  secretpw\n');
    writeFileSync(join(work, 'conn.pw'), 'connpw\n');
    writeFileSync(join(work, 'become.sh'), '#!/bin/sh\necho secretpw\n');
    chmodSync(join(work, 'become.sh'), 0o755);
    for (const [flags, input] of [
      [['--become-password-file', 'become.pw', '--connection-password-file', 'conn.pw'], undefined],
      [['--become-pass-file', join(work, 'become.sh'), '--conn-pass-file', '-'], 'connpw\n'],
    ] as [string[], string | undefined][]) {
      const r = kplay(['-i', inv, p, ...flags], { input });
      expect(r.out).toMatch(new RegExp(`ok: \\[${sudoHost?.name}\\] => \\{\\n    "msg": "sec 0 <redacted: secret> <redacted: secret>"`));
      expect(r.out).toMatch(new RegExp(`ok: \\[${connHost?.name}\\] => \\{\\n    "msg": "pwonly - <redacted: secret> <redacted: secret>"`));
      expect(r.out).not.toMatch(/secretpw|connpw/);
      expect(r.rc, r.out).toBe(0);
    }
    // without the connection password the password-only user cannot log in
    const without = kplay(['-i', inv, p, '--become-password-file', 'become.pw']);
    expect(without.out).toMatch(new RegExp(`fatal: \\[${connHost?.name}\\]: UNREACHABLE!`));
    expect(without.rc).toBe(4);
  });

  it("ssh arguments: --ssh-extra-args' known_hosts file is followed; a host whose ansible_ssh_common_args has an option kplay cannot honour is UNREACHABLE, named", () => {
    const h0 = lab.hosts[0] as { name: string; ip: string };
    const h1 = lab.hosts[1] as { name: string; ip: string };
    const inv = join(work, 'ssh-args.ini');
    writeFileSync(inv, `${h0.name} ansible_host=${h0.ip}\n${h1.name} ansible_host=${h1.ip} ansible_ssh_common_args='-o UserKnownHostsFile=${lab.knownHosts} -o VisualHostKey=yes'\n[all:vars]\nansible_user=root\nansible_ssh_private_key_file=${lab.key}\n`);
    const p = playbook('ssh-args.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: hostname\n      register: h\n    - debug: var=h.stdout\n');
    const r = kplay(['-i', inv, p, '--ssh-extra-args', `-o UserKnownHostsFile=${lab.knownHosts} -o ServerAliveInterval=30 -C`]);
    expect(r.out).toMatch(new RegExp(`ok: \\[${h0.name}\\] => \\{\\n    "h.stdout": "${h0.name}"`));
    expect(r.out).toContain(`fatal: [${h1.name}]: UNREACHABLE!`);
    expect(r.out).toContain('ansible_ssh_common_args: the ssh option VisualHostKey is not supported by kplay');
    expect(r.rc).toBe(4);
    // without the extra args the first host's key is unknown (HOME has no known_hosts)
    const without = kplay(['-i', inv, p, '-l', h0.name]);
    expect(without.out).toMatch(new RegExp(`host key of ${h0.ip.replace(/\./g, '\\.')}:22 is not known`));
    expect(without.rc).toBe(4);
  });

  it("ssh arguments' Port, User and IdentityFile, and -u over ~/.ssh/config's User, are followed where ansible-playbook's ssh follows them (same users, same unreachable hosts)", () => {
    const hs = lab.hosts as { name: string; ip: string }[];
    const other = join(work, 'unauthorized_key');
    rmSync(other, { force: true });
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const cfg = join(work, 'ssh-args-config');
    writeFileSync(cfg, `Host cfg-user\n  HostName ${hs[0]?.ip}\n  User sec\n  IdentityFile ${lab.key}\n\nHost cfg-key\n  HostName ${hs[4]?.ip}\n  IdentityFile ${lab.key}\n`);
    const args = (more: string): string => `ansible_ssh_common_args='-F ${cfg} -o UserKnownHostsFile=${lab.knownHosts} ${more}'`;
    const inv = join(work, 'ssh-own-args.ini');
    writeFileSync(
      inv,
      [
        // the arguments' Port counts only where the inventory sets none (Ansible puts its own -o Port first)
        `port-args ansible_host=${hs[0]?.ip} ansible_user=root ansible_ssh_private_key_file=${lab.key} ${args('-o Port=2222')}`,
        `port-own ansible_host=${hs[1]?.ip} ansible_port=22 ansible_user=root ansible_ssh_private_key_file=${lab.key} ${args('-p 2222')}`,
        // likewise User
        `user-args ansible_host=${hs[2]?.ip} ansible_ssh_private_key_file=${lab.key} ${args('-o User=sec')}`,
        `user-own ansible_host=${hs[3]?.ip} ansible_user=root ansible_ssh_private_key_file=${lab.key} ${args('-l sec')}`,
        // every identity file is tried: the arguments' alone, and after an inventory key the host does not take
        `key-args ansible_host=${hs[4]?.ip} ansible_user=root ${args(`-i ${lab.key}`)}`,
        `key-both ansible_host=${hs[1]?.ip} ansible_user=root ansible_ssh_private_key_file=${other} ${args(`-o IdentityFile=${lab.key} -o ConnectTimeout=7`)}`,
        `cfg-user ${args('')}`,
        // ~/.ssh/config's IdentityFile is tried after the inventory's key, which the host does not take
        `cfg-key ansible_user=root ansible_ssh_private_key_file=${other} ${args('')}`,
        // the arguments' HostName is the address connected to (ansible_host is only a name then)
        `hostname-args ansible_host=no-such-name ansible_user=root ansible_ssh_private_key_file=${lab.key} ${args(`-o HostName=${hs[3]?.ip}`)}`,
        // a host's ansible_ssh_args replaces ssh_args, which come before the inventory's port
        `ssh-args-port ansible_host=${hs[2]?.ip} ansible_port=22 ansible_user=root ansible_ssh_private_key_file=${lab.key} ansible_ssh_args='-o Port=2222' ${args('')}`,
        '',
      ].join('\n'),
    );
    const p = playbook('ssh-own-args.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: id -un\n      register: who\n    - debug: var=who.stdout\n');
    // each host's user, or UNREACHABLE
    const outcome = (out: string): Record<string, string> =>
      outcomes(out, ['port-args', 'port-own', 'user-args', 'user-own', 'key-args', 'key-both', 'cfg-user', 'ssh-args-port', 'hostname-args', 'cfg-key'], 'who.stdout');
    const ansible = (more: string[]): string => {
      const o = spawnSync('ip', ['netns', 'exec', lab.labNs, 'ansible-playbook', '-i', inv, p, '-f', '10', ...more], { cwd: work, encoding: 'utf8', timeout: 300_000, env: { ...process.env, HOME: work, ANSIBLE_NOCOLOR: '1', SSH_AUTH_SOCK: '' } });
      return `${o.stdout}${o.stderr}`;
    };
    const r = kplay(['-i', inv, p, '-f', '10']);
    expect(outcome(r.out)).toEqual({ 'port-args': 'UNREACHABLE', 'port-own': 'root', 'user-args': 'sec', 'user-own': 'root', 'key-args': 'root', 'key-both': 'root', 'cfg-user': 'sec', 'ssh-args-port': 'UNREACHABLE', 'hostname-args': 'root', 'cfg-key': 'root' });
    expect(r.out).toMatch(/fatal: \[port-args\]: UNREACHABLE! .*:2222/);
    expect(outcome(ansible([]))).toEqual(outcome(r.out));
    // -u goes on Ansible's ssh command line, before ~/.ssh/config's User
    const u = kplay(['-i', inv, p, '-l', 'cfg-user', '-u', 'root']);
    expect(outcome(u.out)['cfg-user']).toBe('root');
    expect(outcome(ansible(['-l', 'cfg-user', '-u', 'root']))['cfg-user']).toBe('root');
  });

  it("ssh arguments' ForwardAgent, -A and -a forward the controller's agent or not, as ansible-playbook's ssh does (the hosts list its key or cannot reach an agent)", () => {
    const hs = lab.hosts as { name: string; ip: string }[];
    withAgent('agent', [lab.key], (sock) => {
      const args = (more: string): string => `ansible_ssh_common_args='-o UserKnownHostsFile=${lab.knownHosts} ${more}'`;
      const inv = join(work, 'ssh-agent.ini');
      const hosts = { 'fwd-o': '-o ForwardAgent=yes', 'fwd-A': '-A', none: '', 'off-a': '-o ForwardAgent=yes -a', 'fwd-sock': `-o ForwardAgent=${sock}` };
      writeFileSync(inv, Object.entries(hosts).map(([n, more], i) => `${n} ansible_host=${hs[i]?.ip} ansible_user=root ansible_ssh_private_key_file=${lab.key} ${args(more)}\n`).join(''));
      const p = playbook('ssh-agent.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: ssh-add -l\n      register: keys\n      failed_when: false\n    - debug: var=keys.rc\n');
      const outcome = (out: string): Record<string, string> => outcomes(out, Object.keys(hosts), 'keys.rc');
      const env = { SSH_AUTH_SOCK: sock };
      const r = spawnSync('ip', ['netns', 'exec', lab.labNs, process.execPath, bin, '-i', inv, p, '-f', '5'], { cwd: work, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env, HOME: work, KPLAY_NO_LIVE: '1' } });
      // 0: the host lists the agent's key; 2: it has no agent to ask
      expect(outcome(r.stdout), r.stdout + r.stderr).toEqual({ 'fwd-o': '0', 'fwd-A': '0', none: '2', 'off-a': '2', 'fwd-sock': '0' });
      // (control masters of its own: another test's, still open for ControlPersist, were opened without the agent)
      const a = spawnSync('ip', ['netns', 'exec', lab.labNs, 'ansible-playbook', '-i', inv, p, '-f', '5'], { cwd: work, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...env, HOME: work, ANSIBLE_NOCOLOR: '1', ANSIBLE_SSH_CONTROL_PATH_DIR: join(work, 'cp-agent') } });
      expect(outcome(a.stdout), a.stdout + a.stderr).toEqual(outcome(r.stdout));
    });
  });

  it("ssh arguments' IdentityAgent chooses the agent (a socket, SSH_AUTH_SOCK, none), the one ForwardAgent forwards too, as ansible-playbook's ssh does", () => {
    const hs = lab.hosts as { name: string; ip: string }[];
    withAgent('id-agent', [lab.key], (sock) => {
      // no key file: the agent alone can log in
      const hosts: Record<string, string> = {
        'agent-path': `-o IdentityAgent=${sock}`,
        'agent-env': '-o IdentityAgent=SSH_AUTH_SOCK',
        'agent-var': '-o IdentityAgent=$MY_AGENT',
        'agent-none': '-o IdentityAgent=none',
        'agent-fwd': `-o IdentityAgent=${sock} -o ForwardAgent=yes`,
      };
      const inv = join(work, 'id-agent.ini');
      writeFileSync(inv, Object.entries(hosts).map(([n, more], i) => `${n} ansible_host=${hs[i]?.ip} ansible_user=root ansible_ssh_common_args='-o UserKnownHostsFile=${lab.knownHosts} ${more}'\n`).join(''));
      const p = playbook('id-agent.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: ssh-add -l >/dev/null; echo $?\n      register: keys\n    - debug: var=keys.stdout\n');
      // the agent's key on the host (0), no agent there (2), or UNREACHABLE
      const outcome = (out: string): Record<string, string> => outcomes(out, Object.keys(hosts), 'keys.stdout');
      // SSH_AUTH_SOCK names another (empty) agent: only IdentityAgent=SSH_AUTH_SOCK uses it
      withAgent('empty-agent', [], (empty) => {
        const env = { SSH_AUTH_SOCK: empty, MY_AGENT: sock };
        const r = spawnSync('ip', ['netns', 'exec', lab.labNs, process.execPath, bin, '-i', inv, p, '-f', '5'], { cwd: work, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env, HOME: work, KPLAY_NO_LIVE: '1' } });
        expect(outcome(r.stdout), r.stdout + r.stderr).toEqual({ 'agent-path': '2', 'agent-env': 'UNREACHABLE', 'agent-var': '2', 'agent-none': 'UNREACHABLE', 'agent-fwd': '0' });
        const a = ansiblePlaybook(['-i', inv, p, '-f', '5'], env);
        expect(outcome(a.stdout), a.text).toEqual(outcome(r.stdout));
      });
    });
  });

  it("identity files as OpenSSH picks them: ~/.ssh/id_* when none is given, IdentitiesOnly (the agent's copies of the files alone, by a .pub or an encrypted key), PubkeyAuthentication=no; same hosts reached as ansible-playbook's ssh", () => {
    const hs = lab.hosts as { name: string; ip: string }[];
    const home = join(work, 'home-ids');
    const ids = join(work, 'ids');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    mkdirSync(ids, { recursive: true });
    // the default file is the lab's key; `enc` the lab's key encrypted; `agent-only.pub` its public key
    // alone; `other` a key no host takes
    copyFileSync(lab.key, join(home, '.ssh', 'id_ed25519'));
    chmodSync(join(home, '.ssh', 'id_ed25519'), 0o600);
    copyFileSync(lab.key, join(ids, 'enc'));
    chmodSync(join(ids, 'enc'), 0o600);
    expect(spawnSync('ssh-keygen', ['-q', '-p', '-N', 'secret', '-P', '', '-f', join(ids, 'enc')]).status).toBe(0);
    copyFileSync(`${lab.key}.pub`, join(ids, 'agent-only.pub'));
    rmSync(join(ids, 'other'), { force: true });
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(ids, 'other')]);
    withAgent('ids-agent', [lab.key], (sock) => {
      const hosts: Record<string, string> = {
        // no agent, no key given: ~/.ssh/id_ed25519
        'default-key': '-o IdentityAgent=none',
        // the agent holds the lab's key, but IdentitiesOnly offers only its copy of `other`, which it has not
        'only-other': `-o IdentitiesOnly=yes -i ${ids}/other`,
        'other-then-agent': `-i ${ids}/other`,
        // the agent's copy chosen by a .pub whose private key is not there, or by an encrypted key
        'only-pub': `-o IdentitiesOnly=yes -o IdentityFile=${ids}/agent-only`,
        'only-encrypted': `-o IdentitiesOnly=yes -i ${ids}/enc`,
        'no-pubkey': '-o PubkeyAuthentication=no',
        // a file -i names that is not there is dropped (a warning), so the default file is used
        'missing-i': `-o IdentityAgent=none -i ${ids}/missing`,
        'missing-o': `-o IdentityAgent=none -o IdentityFile=${ids}/missing`,
      };
      const inv = join(work, 'ids.ini');
      writeFileSync(inv, Object.entries(hosts).map(([n, more], i) => `${n} ansible_host=${hs[i % hs.length]?.ip} ansible_user=root ansible_ssh_common_args='-o UserKnownHostsFile=${lab.knownHosts} ${more}'\n`).join(''));
      const p = playbook('ids.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n');
      const env = { SSH_AUTH_SOCK: sock, HOME: home };
      const r = spawnSync('ip', ['netns', 'exec', lab.labNs, ...underHome(home, [process.execPath, bin, '-i', inv, p, '-f', '8'])], { cwd: work, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env, KPLAY_NO_LIVE: '1' } });
      const got = outcomes(r.stdout, Object.keys(hosts));
      expect(got, r.stdout + r.stderr).toEqual({ 'default-key': 'ok', 'only-other': 'UNREACHABLE', 'other-then-agent': 'ok', 'only-pub': 'ok', 'only-encrypted': 'ok', 'no-pubkey': 'UNREACHABLE', 'missing-i': 'ok', 'missing-o': 'UNREACHABLE' });
      // (what kplay tried, and the file it passed over, named)
      expect(r.stdout).toMatch(/fatal: \[only-other\]: UNREACHABLE! .*tried: key, the agent's copies of the identity files \(IdentitiesOnly\)/);
      const a = spawnSync('ip', ['netns', 'exec', lab.labNs, ...underHome(home, ['ansible-playbook', '-i', inv, p, '-f', '4'])], { cwd: work, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...env, ANSIBLE_NOCOLOR: '1', ANSIBLE_SSH_ARGS: '-o ControlMaster=no -o ControlPath=none' } });
      expect(outcomes(a.stdout, Object.keys(hosts)), a.stdout + a.stderr).toEqual(got);
    });
  });

  it("ssh arguments' Ciphers, MACs, KexAlgorithms and HostKeyAlgorithms, and a host whose known_hosts holds only its RSA or ECDSA key, connect or fail as ansible-playbook's ssh does", () => {
    const hs = lab.hosts as { name: string; ip: string }[];
    const h = hs[3] as { name: string; ip: string };
    // a second sshd on the host with three host keys (the lab's own has one)
    const pubs = labMust(
      lab,
      h.name,
      [
        'cd /etc/ssh',
        '[ -f ssh_host_rsa_key ] || ssh-keygen -q -t rsa -b 2048 -N "" -f ssh_host_rsa_key',
        '[ -f ssh_host_ecdsa_key ] || ssh-keygen -q -t ecdsa -N "" -f ssh_host_ecdsa_key',
        "sed -e 's/^Port 22$/Port 2201/' -e 's#^HostKey .*#HostKey /etc/ssh/ssh_host_ed25519_key\\nHostKey /etc/ssh/ssh_host_ecdsa_key\\nHostKey /etc/ssh/ssh_host_rsa_key#' sshd_config > sshd_config_2201",
        '/usr/sbin/sshd -f /etc/ssh/sshd_config_2201',
        'cut -d" " -f1,2 ssh_host_rsa_key.pub ssh_host_ecdsa_key.pub',
      ].join(' && '),
    ).trim().split('\n');
    const kh = (type: string): string => {
      const f = join(work, `known_hosts_${type}`);
      writeFileSync(f, `[${h.ip}]:2201 ${pubs.find((l: string) => l.startsWith(type))}\n`);
      return f;
    };
    const rsa = kh('ssh-rsa');
    const rows: Record<string, [string, string]> = {
      // OpenSSH asks first for the key types known_hosts holds (kplay refused the Ed25519 key as changed)
      'known-rsa': [rsa, ''],
      'known-ecdsa': [kh('ecdsa'), ''],
      'hka-plus': [rsa, '-o HostKeyAlgorithms=+ssh-dss'],
      'hka-minus': [rsa, '-o HostKeyAlgorithms=-ssh-ed25519'],
      // a whole list is asked in its own order: the Ed25519 key comes, and known_hosts has another
      'hka-list': [rsa, '-o HostKeyAlgorithms=ssh-ed25519,rsa-sha2-512'],
      // a key of another type recorded makes the Ed25519 one changed, not new, for OpenSSH 9: accept-new refuses it
      'hka-new': [rsa, '-o HostKeyAlgorithms=ssh-ed25519 -o StrictHostKeyChecking=accept-new'],
      'cipher-ctr': [rsa, '-o Ciphers=aes128-ctr'],
      'cipher-cbc': [rsa, '-o Ciphers=aes256-cbc'],
      'cipher-plus': [rsa, '-o Ciphers=+aes256-cbc'],
      'cipher-typo': [rsa, '-o Ciphers=aes128-ctrr'],
      'kex-old': [rsa, '-o KexAlgorithms=diffie-hellman-group1-sha1'],
      'kex-minus': [rsa, '-o KexAlgorithms=-curve25519*,ecdh*'],
      'mac-md5': [rsa, '-o Ciphers=aes128-ctr -o MACs=hmac-md5'],
      // umac is OpenSSH's alone: kplay offers the rest of the list
      'mac-etm': [rsa, '-o Ciphers=aes128-ctr -o MACs=umac-128-etm@openssh.com,hmac-sha2-512-etm@openssh.com'],
      'pubkey-plus': [rsa, '-o PubkeyAcceptedAlgorithms=+ssh-rsa'],
    };
    const inv = join(work, 'ssh-algorithms.ini');
    writeFileSync(inv, Object.entries(rows).map(([n, [file, more]]) => `${n} ansible_host=${h.ip} ansible_port=2201 ansible_user=root ansible_ssh_private_key_file=${lab.key} ansible_ssh_common_args='-o UserKnownHostsFile=${file} ${more}'\n`).join(''));
    const p = playbook('ssh-algorithms.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: id -un\n');
    const outcome = (out: string): Record<string, string> => outcomes(out, Object.keys(rows));
    // (forks 4: the one sshd takes 10 handshakes at a time, MaxStartups)
    const r = kplay(['-i', inv, p, '-f', '4']);
    const bad = ['hka-list', 'hka-new', 'cipher-cbc', 'cipher-typo', 'kex-old', 'mac-md5'];
    expect(outcome(r.out), r.out).toEqual(Object.fromEntries(Object.keys(rows).map((n) => [n, bad.includes(n) ? 'UNREACHABLE' : 'ok'])));
    expect(r.out).toMatch(/fatal: \[cipher-typo\]: UNREACHABLE!.*'aes128-ctrr' is not a cipher OpenSSH knows/);
    expect(r.out).toMatch(/fatal: \[cipher-cbc\]: UNREACHABLE!.*no matching C->S cipher/);
    // Ansible's ssh without its control masters: one opened for another row would carry that row's algorithms
    const a = ansiblePlaybook(['-i', inv, p, '-f', '4']);
    expect(outcome(a.stdout), a.text).toEqual(outcome(r.out));
    expect(readFileSync(rsa, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it("known_hosts files as OpenSSH reads them: several in UserKnownHostsFile, the system's GlobalKnownHostsFile, none; same hosts reached as ansible-playbook's ssh", () => {
    const hs = lab.hosts as { name: string; ip: string }[];
    const known = readFileSync(lab.knownHosts, 'utf8');
    const file = (name: string, text: string): string => {
      writeFileSync(join(work, name), text);
      return join(work, name);
    };
    const empty = file('kh-empty', '');
    const all = file('kh-all', known);
    // every host's key replaced by another Ed25519 key
    const wrong = file('kh-wrong', known.replace(/ssh-ed25519 \S+/g, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'));
    const rows: Record<string, string> = {
      // the system's file alone knows the key
      'global-only': `-o UserKnownHostsFile=${empty} -o GlobalKnownHostsFile=${all}`,
      // the second of the user's files knows it
      'second-user': `-o "UserKnownHostsFile=${empty} ${all}" -o GlobalKnownHostsFile=/dev/null`,
      // one file holds the key, another a different one: known
      'wrong-and-right': `-o UserKnownHostsFile=${wrong} -o GlobalKnownHostsFile=${all}`,
      'wrong-only': `-o UserKnownHostsFile=${wrong} -o GlobalKnownHostsFile=${empty}`,
      'global-none': `-o UserKnownHostsFile=${empty} -o GlobalKnownHostsFile=none`,
    };
    const inv = join(work, 'known-files.ini');
    writeFileSync(inv, Object.entries(rows).map(([n, args], i) => `${n} ansible_host=${hs[i]?.ip} ansible_user=root ansible_ssh_private_key_file=${lab.key} ansible_ssh_common_args='${args}'\n`).join(''));
    const p = playbook('known-files.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: id -un\n');
    const outcome = (out: string): Record<string, string> => outcomes(out, Object.keys(rows));
    const r = kplay(['-i', inv, p, '-f', '5']);
    expect(outcome(r.out), r.out).toEqual({ 'global-only': 'ok', 'second-user': 'ok', 'wrong-and-right': 'ok', 'wrong-only': 'UNREACHABLE', 'global-none': 'UNREACHABLE' });
    expect(r.out).toContain(`REMOTE HOST IDENTIFICATION HAS CHANGED for ${hs[3]?.ip}:22 (presented SHA256:`);
    expect(r.out).toContain(`the recorded key is at ${wrong}:4)`);
    const a = ansiblePlaybook(['-i', inv, p, '-f', '5']);
    expect(outcome(a.stdout), a.text).toEqual(outcome(r.out));
  });

  it("ssh config's Include (patterns, inside a Host block, the block going on after it) and HashKnownHosts are followed as ansible-playbook's ssh follows them", () => {
    const hs = lab.hosts as { name: string; ip: string }[];
    const d = join(work, 'ssh-include');
    mkdirSync(join(d, 'hosts.d'), { recursive: true });
    writeFileSync(join(d, 'hosts.d', '10-glob.conf'), `Host glob-host\n  HostName ${hs[1]?.ip}\n`);
    writeFileSync(join(d, 'hosts.d', 'skipped.txt'), `Host glob-host\n  User nobody\n`);
    writeFileSync(join(d, 'sec.conf'), `HostName ${hs[0]?.ip}\nUser sec\n`);
    writeFileSync(join(d, 'other-host.conf'), 'Host nothing-matches\n  User nobody\n');
    const cfg = join(d, 'config');
    writeFileSync(
      cfg,
      [
        // (before any Host line: for every host)
        `Include ${d}/hosts.d/*.conf`,
        'Host inc-*',
        `  Include ${d}/sec.conf`,
        'Host after-*',
        `  Include ${d}/other-host.conf`,
        // (still after-*'s: the included file's Host block ends with it)
        `  HostName ${hs[2]?.ip}`,
        'Host *',
        '  User root',
        `  IdentityFile ${lab.key}`,
        '',
      ].join('\n'),
    );
    const kh = join(d, 'known_hosts');
    writeFileSync(kh, '');
    const inv = join(work, 'ssh-include.ini');
    writeFileSync(inv, ['inc-user', 'glob-host', 'after-inc'].map((n) => `${n} ansible_ssh_common_args='-F ${cfg} -o UserKnownHostsFile=${kh} -o StrictHostKeyChecking=accept-new -o HashKnownHosts=yes'\n`).join(''));
    const p = playbook('ssh-include.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: id -un\n      register: who\n    - debug: var=who.stdout\n');
    const outcome = (out: string): Record<string, string> => outcomes(out, ['inc-user', 'glob-host', 'after-inc'], 'who.stdout');
    // three keys recorded, each under a hashed name that ssh-keygen finds
    const recorded = (): boolean[] => [hs[0], hs[1], hs[2]].map((h) => spawnSync('ssh-keygen', ['-F', h?.ip as string, '-f', kh]).status === 0 && !readFileSync(kh, 'utf8').includes(h?.ip as string));
    const r = kplay(['-i', inv, p, '-f', '3']);
    expect(outcome(r.out), r.out).toEqual({ 'inc-user': 'sec', 'glob-host': 'root', 'after-inc': 'root' });
    expect(recorded()).toEqual([true, true, true]);
    writeFileSync(kh, '');
    const a = ansiblePlaybook(['-i', inv, p, '-f', '3']);
    expect(outcome(a.stdout), a.text).toEqual(outcome(r.out));
    expect(recorded()).toEqual([true, true, true]);
  });

  it("ssh arguments' ServerAliveInterval and ServerAliveCountMax: a host that stops answering mid-task is UNREACHABLE within their time, in kplay as in ansible-playbook", async () => {
    const h = lab.hosts[4] as { name: string; ip: string; ns: string };
    const ns = h.ns;
    const inv = join(work, 'server-alive.ini');
    writeFileSync(inv, `${h.name} ansible_host=${h.ip} ansible_user=root ansible_ssh_private_key_file=${lab.key} ansible_ssh_common_args='-o UserKnownHostsFile=${lab.knownHosts} -o ServerAliveInterval=1 -o ServerAliveCountMax=2'\n`);
    const p = playbook('server-alive.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: sleep 40\n');
    const { spawn } = await import('node:child_process');
    // the host's link goes down once the command runs there (its sshd never hears of it), and comes back after the run
    const sleeping = (): boolean =>
      spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).some((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === 'sleep\u000040\u0000';
        } catch {
          return false;
        }
      });
    const attempt = async (argv: string[], env: Record<string, string>): Promise<{ out: string; seconds: number }> => {
      const child = spawn('ip', ['netns', 'exec', lab.labNs, ...argv], { cwd: work, env: { ...process.env, HOME: work, ...env } });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      for (let i = 0; i < 300 && !sleeping(); i++) await sleep(100);
      const started = Date.now();
      spawnSync('ip', ['-n', ns, 'link', 'set', 'eth0', 'down']);
      try {
        await new Promise((r) => child.on('close', r));
      } finally {
        spawnSync('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
      }
      return { out, seconds: (Date.now() - started) / 1000 };
    };
    const r = await attempt([process.execPath, bin, '-i', inv, p], { KPLAY_NO_LIVE: '1' });
    expect(r.out).toContain(`fatal: [${h.name}]: UNREACHABLE!`);
    // (the 40 s command never finished: 2 keepalives of 1 s went unanswered; kplay's own are 4 of 15 s)
    expect(r.seconds, r.out).toBeLessThan(20);
    const a = await attempt(['ansible-playbook', '-i', inv, p], { ANSIBLE_NOCOLOR: '1', ANSIBLE_SSH_ARGS: '-o ControlMaster=no -o ControlPath=none' });
    // (Ansible calls it UNREACHABLE, or FAILED when the drop comes while it opens its next ssh: racy there)
    expect(a.out).toMatch(new RegExp(`fatal: \\[${h.name}\\]: (UNREACHABLE!|FAILED! => \\{"msg": "Failed to connect to the host via ssh)`));
    expect(a.seconds, a.out).toBeLessThan(20);
    // the link is back: the host answers again
    const back = playbook('server-alive-back.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: true\n');
    expect(kplay(['-i', inv, back]).rc).toBe(0);
  }, 120_000);

  it("ssh config's Match blocks (originalhost, host after HostName, user from the command line, exec and !exec, final) are followed as ansible-playbook's ssh follows them", () => {
    const hs = lab.hosts as { name: string; ip: string }[];
    const d = join(work, 'ssh-match');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'flag'), '');
    const cfg = join(d, 'config');
    writeFileSync(
      cfg,
      [
        'Match originalhost m-orig',
        `  HostName ${hs[0]?.ip}`,
        '  User sec',
        'Host m-host',
        `  HostName ${hs[1]?.ip}`,
        // (judged with the HostName set above)
        `Match host ${hs[1]?.ip}`,
        '  User sec',
        `Match originalhost m-exec exec "test -e ${d}/%n-flag || test -e ${d}/flag"`,
        `  HostName ${hs[2]?.ip}`,
        '  User sec',
        `Match originalhost m-noexec !exec "test -e ${d}/missing"`,
        `  HostName ${hs[3]?.ip}`,
        // (the inventory's user is on the command line: Match user sees it)
        'Match user root originalhost m-user',
        `  HostName ${hs[4]?.ip}`,
        'Host m-final',
        `  HostName ${hs[0]?.ip}`,
        // (read only in the second pass, after Host * below has set nothing for User)
        'Match final originalhost m-final',
        '  User sec',
        'Host *',
        `  IdentityFile ${lab.key}`,
        '',
      ].join('\n'),
    );
    const names = ['m-orig', 'm-host', 'm-exec', 'm-noexec', 'm-user', 'm-final'];
    const inv = join(work, 'ssh-match.ini');
    writeFileSync(inv, names.map((n) => `${n} ${n === 'm-user' ? 'ansible_user=root ' : ''}ansible_ssh_common_args='-F ${cfg} -o UserKnownHostsFile=${lab.knownHosts}'\n`).join(''));
    const p = playbook('ssh-match.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: id -un\n      register: who\n    - debug: var=who.stdout\n');
    const outcome = (out: string): Record<string, string> => outcomes(out, names, 'who.stdout');
    const r = kplay(['-i', inv, p, '-f', '6']);
    // (m-noexec has no User: the local user, root here, as ssh takes it)
    expect(outcome(r.out), r.out).toEqual({ 'm-orig': 'sec', 'm-host': 'sec', 'm-exec': 'sec', 'm-noexec': userInfo().username === 'root' ? 'root' : 'UNREACHABLE', 'm-user': 'root', 'm-final': 'sec' });
    const a = ansiblePlaybook(['-i', inv, p, '-f', '6']);
    expect(outcome(a.stdout), a.text).toEqual(outcome(r.out));
  });

  it('refuses a changed host key, reports an unknown one with its fingerprint, and finishes the other hosts (exit 4)', () => {
    const badKh = join(work, 'known_hosts_bad');
    const lines = readFileSync(lab.knownHosts, 'utf8').trim().split('\n');
    lines[0] = lines[0]?.replace(/ssh-ed25519 \S+/, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl') as string;
    lines.splice(1, 1); // the second host becomes unknown
    writeFileSync(badKh, lines.join('\n') + '\n');
    const inv = join(work, 'keys.ini');
    writeFileSync(inv, readFileSync(lab.inventory, 'utf8').replace(lab.knownHosts, badKh));
    const p = playbook('keys.yaml', '- hosts: lab\n  gather_facts: false\n  tasks:\n    - command: hostname\n');
    const r = kplay(['-i', inv, p]);
    expect(r.rc).toBe(4);
    expect(r.out).toContain(`fatal: [${lab.hosts[0]?.name}]: UNREACHABLE!`);
    expect(r.out).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(r.out).toMatch(new RegExp(`fatal: \\[${lab.hosts[1]?.name}\\]: UNREACHABLE!.*host key of ${lab.hosts[1]?.ip.replace(/\./g, '\\.')}:22 is not known \\(SHA256:`));
    expect(r.out).toContain('ssh-keyscan -p 22');
    expect(r.out).toMatch(new RegExp(`changed: \\[${lab.hosts[2]?.name}\\]`));
    // --accept-new-host-keys records the unknown key, still refuses the changed one
    const again = kplay(['-i', inv, p, '--accept-new-host-keys']);
    expect(again.out).toMatch(new RegExp(`changed: \\[${lab.hosts[1]?.name}\\]`));
    expect(again.out).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    const ip = lab.hosts[1]?.ip as string;
    expect(spawnSync('ssh-keygen', ['-F', ip, '-f', badKh]).status).toBe(0);
    // filed under its name, or its hash where the system's ssh_config says HashKnownHosts (Debian's does), as ssh files it
    const hashed = /^hashknownhosts yes$/m.test(spawnSync('ssh', ['-G', '-F', '/etc/ssh/ssh_config', ip], { encoding: 'utf8' }).stdout);
    expect(readFileSync(badKh, 'utf8').includes(`${ip} ssh-ed25519`)).toBe(!hashed);
  });

  it('marks a host that cannot be reached UNREACHABLE and completes the others', () => {
    const inv = join(work, 'gone.ini');
    writeFileSync(inv, readFileSync(lab.inventory, 'utf8').replace('[all:vars]', 'ghost ansible_host=10.213.0.99\n\n[all:vars]') + 'ansible_timeout=3\n');
    const p = playbook('gone.yaml', '- hosts: lab\n  gather_facts: false\n  tasks:\n    - command: hostname\n    - debug: msg=after\n');
    const r = kplay(['-i', inv, p]);
    expect(r.rc).toBe(4);
    expect(r.out).toMatch(/fatal: \[ghost\]: UNREACHABLE!/);
    expect(r.out).toMatch(/ghost\s+: ok=0\s+changed=0\s+unreachable=1/);
    expect(r.out).toMatch(new RegExp(`${lab.hosts[4]?.name}\\s+: ok=2\\s+changed=1\\s+unreachable=0\\s+failed=0`));
  });

  it.each(MODES)('copies 50 MB, returns 10 MB of output, feeds stdin, and a command reading stdin cannot hang (%s)', (mode) => {
    const big = join(work, 'big.bin');
    const data = randomBytes(50 * 1024 * 1024);
    writeFileSync(big, data);
    const p = playbook(
      `big-${mode}.yaml`,
      `- hosts: ${lab.hosts[0]?.name}
  gather_facts: false
  tasks:
    - copy: {src: ${big}, dest: /root/big-${mode}.bin}
    - fetch: {src: /root/big-${mode}.bin, dest: ${join(work, `back-${mode}.bin`)}, flat: true}
    - shell: head -c 10000000 /dev/zero | tr '\\0' a
      register: out
      changed_when: false
    - debug: {msg: "{{ out.stdout | length }}"}
    - command: cat
      register: nostdin
    - command: cat
      args: {stdin: "fed through stdin"}
      register: withstdin
    - debug: {msg: "[{{nostdin.stdout}}] [{{withstdin.stdout}}]"}
    - shell: exit 7
      ignore_errors: true
    - command: echo still alive
    - shell: ls -a /tmp | grep -c '^.kplay-in-' || true
      register: leftovers
    - debug: {msg: "uploads left: {{leftovers.stdout}}"}
`,
    );
    const r = kplay(['-i', inventoryFor(mode), p]);
    expect(r.out).toContain('"msg": "10000000"'); // an expression's number is text, as in Ansible 2.14
    expect(r.out).toContain('"msg": "[] [fed through stdin]"');
    expect(r.out).toMatch(/"rc": 7/);
    expect(r.out).toMatch(/TASK \[command\] \*+\nchanged: \[node1\]\n\nTASK \[shell\]/);
    expect(r.out).toContain('"msg": "uploads left: 0"');
    expect(r.rc).toBe(0);
    const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    expect(sha(readFileSync(hostFile(lab.hosts[0]?.name as string, `/root/big-${mode}.bin`)))).toBe(sha(data));
    // and back through the framed output: byte-exact
    expect(sha(readFileSync(join(work, `back-${mode}.bin`)))).toBe(sha(data));
  }, 180_000);

  it.each(MODES)('writes a bind-mounted file (as in containers) in place when the atomic rename gives EBUSY, and says so (%s)', (mode) => {
    const host = lab.hosts[mode === 'helper' ? 0 : 1]?.name as string;
    const p = playbook(`ebusy-${mode}.yaml`, `- hosts: ${host}\n  gather_facts: false\n  tasks:\n    - lineinfile: {path: /etc/resolv.conf, line: "nameserver 10.213.0.1"}\n`);
    const r = kplay(['-i', inventoryFor(mode), p]);
    expect(r.rc).toBe(0);
    // (the warning is wrapped at 79 columns, as Ansible's are)
    expect(r.out.replace(/\n/g, ' ')).toContain('/etc/resolv.conf is a mount point (rename gave EBUSY): it was written in place, not atomically');
    expect(readFileSync(join(lab.dir, 'hosts', host, 'resolv.conf'), 'utf8')).toBe('# lab resolv.conf\nnameserver 10.213.0.1\n');
  });

  it('falls back to shell commands on a host whose perl cannot run the helper, and uses the helper elsewhere', () => {
    const broken = lab.hosts[4]?.name as string;
    // found first on PATH, exits at once: the helper never greets
    const fake = join(lab.dir, 'hosts', broken, 'usr-local/bin/perl');
    writeFileSync(fake, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    try {
      const p = playbook('fallback.yaml', `- hosts: lab\n  gather_facts: false\n  tasks:\n    - copy: {content: "via fallback\\n", dest: /root/fallback.txt}\n    - command: cat /root/fallback.txt\n      register: c\n    - assert: {that: ['c.stdout == "via fallback"']}\n`);
      const r = kplay(['-i', lab.inventory, p, '-vv']);
      expect(r.rc).toBe(0);
      const helperLines = r.out.split('\n').filter((l) => l.includes('(kplay helper:'));
      expect(helperLines.some((l) => l.startsWith(`<${lab.hosts[0]?.name}> `))).toBe(true);
      expect(helperLines.some((l) => l.startsWith(`<${broken}> `))).toBe(false);
      expect(readFileSync(hostFile(broken, '/root/fallback.txt'), 'utf8')).toBe('via fallback\n');
    } finally {
      rmSync(fake, { force: true });
    }
  });

  it('reads ~/.ssh/config (HostName, User, IdentityFile), goes through a jump host, and uses an encrypted key with --key-passphrase-file', () => {
    const [n1, n2] = lab.hosts as [{ name: string; ip: string }, { name: string; ip: string }];
    // node2 also listens on 10.214.0.2, which only node1 can reach
    const kh = join(work, 'known_hosts_jump');
    const n2key = readFileSync(lab.knownHosts, 'utf8').split('\n').find((l) => l.startsWith(`${n2.ip} `)) as string;
    writeFileSync(kh, `${readFileSync(lab.knownHosts, 'utf8')}${n2key.replace(n2.ip, '10.214.0.2')}\n`);
    const encKey = join(work, 'enc_key');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'open sesame', '-f', encKey]);
    for (const h of [n1, n2]) writeFileSync(join(lab.dir, 'hosts', h.name, 'root/.ssh/authorized_keys'), `${readFileSync(`${lab.key}.pub`, 'utf8')}${readFileSync(`${encKey}.pub`, 'utf8')}`);
    writeFileSync(join(work, 'passphrase'), 'open sesame\n');
    const sshDir = join(work, '.ssh');
    spawnSync('mkdir', ['-p', sshDir]);
    writeFileSync(join(sshDir, 'config'), `Host web1\n  HostName ${n1.ip}\n  User root\n  IdentityFile ${lab.key}\n  UserKnownHostsFile ${kh}\n\nHost *\n  IdentityFile ${encKey}\n`);
    const inv = join(work, 'cfg.ini');
    writeFileSync(inv, `web1\nhidden ansible_host=10.214.0.2 ansible_user=root ansible_ssh_common_args='-o UserKnownHostsFile=${kh} -J root@${n1.ip}'\n`);
    const p = playbook('cfg.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: hostname\n      register: hn\n    - debug: var=hn.stdout\n');
    const r = kplay(['-i', inv, p, '--key-passphrase-file', join(work, 'passphrase')], { home: work });
    expect(r.out).toMatch(new RegExp(`ok: \\[web1\\] => \\{\\n    "hn.stdout": "${n1.name}"`));
    expect(r.out).toMatch(new RegExp(`ok: \\[hidden\\] => \\{\\n    "hn.stdout": "${n2.name}"`));
    expect(r.rc).toBe(0);
    // without the passphrase: web1's own key is tried and the encrypted one passed over, as ssh does; the
    // host with only the encrypted key cannot connect
    const noPass = kplay(['-i', inv, p], { home: work });
    expect(noPass.out).toMatch(new RegExp(`ok: \\[web1\\] => \\{\\n    "hn.stdout": "${n1.name}"`));
    expect(noPass.out).toMatch(/fatal: \[hidden\]: UNREACHABLE! .*is encrypted: give its passphrase with --key-passphrase-file/);
    expect(noPass.rc).toBe(4);
  });

  it("ProxyJump's list of hops (a,b: the host through b, b through a), its tokens and none, as ansible-playbook's ssh follows them", () => {
    const [n1, n2, n3] = lab.hosts as [{ name: string; ip: string }, { name: string; ip: string }, { name: string; ip: string }];
    // node2 also listens on 10.214.0.2, which only node1 can reach: node3 cannot
    const home = join(work, 'home-hops');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    const kh = join(work, 'known_hosts_hops');
    const n2key = readFileSync(lab.knownHosts, 'utf8').split('\n').find((l) => l.startsWith(`${n2.ip} `)) as string;
    writeFileSync(kh, `${readFileSync(lab.knownHosts, 'utf8')}${n2key.replace(n2.ip, '10.214.0.2')}\n`);
    writeFileSync(
      join(home, '.ssh', 'config'),
      // %h is the host after HostName, %n the name given, %r the remote user: replaced in every hop
      `Host deep\n  HostName 10.214.0.2\n  ProxyJump root@${n3.ip},hop-%h\n\n` +
        `Host named\n  HostName 10.214.0.2\n  ProxyJump %r@%n-hop\n\n` +
        `Host hop-* *-hop\n  HostName ${n1.ip}\n  User root\n\n` +
        `Host *\n  IdentityFile ${lab.key}\n  UserKnownHostsFile ${kh}\n  StrictHostKeyChecking yes\n  IdentityAgent none\n`,
    );
    const hosts: Record<string, string> = {
      deep: '',
      named: '',
      // the first hop alone (node3) cannot reach the host
      'first-hop-only': `ansible_host=10.214.0.2 ansible_ssh_common_args='-J root@${n3.ip}'`,
      'bad-token': `ansible_host=${n2.ip} ansible_ssh_common_args='-J root@%x'`,
      'jump-none': `ansible_host=${n2.ip} ansible_ssh_common_args='-o ProxyJump=none'`,
    };
    const inv = join(work, 'hops.ini');
    writeFileSync(inv, Object.entries(hosts).map(([n, more]) => `${n} ansible_user=root ${more}\n`).join(''));
    const p = playbook('hops.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: hostname\n      register: hn\n    - debug: var=hn.stdout\n');
    const r = spawnSync('ip', ['netns', 'exec', lab.labNs, ...underHome(home, [process.execPath, bin, '-i', inv, p])], { cwd: work, encoding: 'utf8', timeout: 120_000, env: { ...process.env, HOME: home, KPLAY_NO_LIVE: '1' } });
    const got = outcomes(r.stdout, Object.keys(hosts), 'hn.stdout');
    expect(got, r.stdout + r.stderr).toEqual({ deep: n2.name, named: n2.name, 'first-hop-only': 'UNREACHABLE', 'bad-token': 'UNREACHABLE', 'jump-none': n2.name });
    expect(r.stdout).toContain('ProxyJump root@%x: %x is not a token ssh knows there (it takes %%, %h, %n, %p and %r)');
    const a = spawnSync('ip', ['netns', 'exec', lab.labNs, ...underHome(home, ['ansible-playbook', '-i', inv, p, '-f', '3'])], { cwd: work, encoding: 'utf8', timeout: 300_000, env: { ...process.env, HOME: home, ANSIBLE_NOCOLOR: '1', ANSIBLE_SSH_ARGS: '-o ControlMaster=no -o ControlPath=none' } });
    expect(outcomes(a.stdout, Object.keys(hosts), 'hn.stdout'), a.stdout + a.stderr).toEqual(got);
  });

  it("HostKeyAlias (arguments and ~/.ssh/config): the host's key looked up and recorded under that name, as ansible-playbook's ssh does", () => {
    const hs = lab.hosts as { name: string; ip: string }[];
    const [n1, n2, n3, n4] = hs as [{ name: string; ip: string }, { name: string; ip: string }, { name: string; ip: string }, { name: string; ip: string }];
    const home = join(work, 'home-alias');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    const keyOf = (h: { ip: string }): string => (readFileSync(lab.knownHosts, 'utf8').split('\n').find((l) => l.startsWith(`${h.ip} `)) as string).replace(/^\S+ /, '');
    const kh = join(work, 'known_hosts_alias');
    writeFileSync(kh, `${readFileSync(lab.knownHosts, 'utf8')}web-alias ${keyOf(n1)}\nweb3 ${keyOf(n3)}\n`);
    const fresh = join(work, 'known_hosts_fresh');
    writeFileSync(join(home, '.ssh', 'config'), `Host alias-config\n  HostName ${n3.ip}\n  HostKeyAlias web3\n\nHost *\n  IdentityFile ${lab.key}\n  IdentityAgent none\n`);
    const hosts: Record<string, string> = {
      'alias-known': `ansible_host=${n1.ip} ansible_ssh_common_args='-o HostKeyAlias=web-alias -o UserKnownHostsFile=${kh}'`,
      // known under its address, not under the alias
      'alias-unknown': `ansible_host=${n2.ip} ansible_ssh_common_args='-o HostKeyAlias=nowhere -o UserKnownHostsFile=${kh}'`,
      // the alias holds another host's key
      'alias-changed': `ansible_host=${n2.ip} ansible_ssh_common_args='-o HostKeyAlias=web-alias -o UserKnownHostsFile=${kh}'`,
      'alias-config': `ansible_ssh_common_args='-o UserKnownHostsFile=${kh}'`,
      'alias-new': `ansible_host=${n4.ip} ansible_ssh_common_args='-o HostKeyAlias=fresh-4 -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${fresh}'`,
    };
    const inv = join(work, 'alias.ini');
    writeFileSync(inv, Object.entries(hosts).map(([n, more]) => `${n} ansible_user=root ${more}\n`).join(''));
    const p = playbook('alias.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: hostname\n      register: hn\n    - debug: var=hn.stdout\n');
    writeFileSync(fresh, '');
    const r = spawnSync('ip', ['netns', 'exec', lab.labNs, ...underHome(home, [process.execPath, bin, '-i', inv, p])], { cwd: work, encoding: 'utf8', timeout: 120_000, env: { ...process.env, HOME: home, KPLAY_NO_LIVE: '1' } });
    const got = outcomes(r.stdout, Object.keys(hosts), 'hn.stdout');
    expect(got, r.stdout + r.stderr).toEqual({ 'alias-known': n1.name, 'alias-unknown': 'UNREACHABLE', 'alias-changed': 'UNREACHABLE', 'alias-config': n3.name, 'alias-new': n4.name });
    expect(r.stdout).toMatch(/fatal: \[alias-unknown\]: UNREACHABLE! .*host key of [\d.]+:22 \(HostKeyAlias nowhere\) is not known/);
    expect(r.stdout).toMatch(/fatal: \[alias-changed\]: UNREACHABLE! .*REMOTE HOST IDENTIFICATION HAS CHANGED/);
    // (hashed, as Debian's /etc/ssh/ssh_config asks: the salted hash of the alias alone)
    const recordedAs = (line: string): boolean => {
      const [, , salt = '', hash = ''] = (line.split(' ')[0] as string).split('|');
      return line.endsWith(` ${keyOf(n4)}\n`) && createHmac('sha1', Buffer.from(salt, 'base64')).update('fresh-4').digest('base64') === hash;
    };
    expect(recordedAs(readFileSync(fresh, 'utf8')), readFileSync(fresh, 'utf8')).toBe(true);
    writeFileSync(fresh, '');
    const a = spawnSync('ip', ['netns', 'exec', lab.labNs, ...underHome(home, ['ansible-playbook', '-i', inv, p, '-f', '3'])], { cwd: work, encoding: 'utf8', timeout: 300_000, env: { ...process.env, HOME: home, ANSIBLE_NOCOLOR: '1', ANSIBLE_SSH_ARGS: '-o ControlMaster=no -o ControlPath=none' } });
    expect(outcomes(a.stdout, Object.keys(hosts), 'hn.stdout'), a.stdout + a.stderr).toEqual(got);
    expect(recordedAs(readFileSync(fresh, 'utf8')), readFileSync(fresh, 'utf8')).toBe(true);
  });

  it('connects through a ProxyCommand (ssh -W through a bastion); one that fails makes its host UNREACHABLE with what it said', () => {
    const [n1, n2] = lab.hosts as [{ name: string; ip: string }, { name: string; ip: string }];
    // node2 also listens on 10.214.0.2, which only node1 can reach
    const kh = join(work, 'known_hosts_proxy');
    const n2key = readFileSync(lab.knownHosts, 'utf8').split('\n').find((l) => l.startsWith(`${n2.ip} `)) as string;
    writeFileSync(kh, `${readFileSync(lab.knownHosts, 'utf8')}${n2key.replace(n2.ip, '10.214.0.2')}\n`);
    const bastion = `ssh -F /dev/null -i ${lab.key} -o UserKnownHostsFile=${lab.knownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes -W %h:%p root@${n1.ip}`;
    const inv = join(work, 'proxy.ini');
    writeFileSync(
      inv,
      `hidden ansible_host=10.214.0.2 ansible_ssh_common_args='-o UserKnownHostsFile=${kh} -o ProxyCommand="${bastion}"'\n` +
        `broken ansible_host=10.214.0.3 ansible_ssh_common_args='-o ProxyCommand="echo no route to %h:%p >&2; exit 3"'\n` +
        `[all:vars]\nansible_user=root\nansible_ssh_private_key_file=${lab.key}\n`,
    );
    const p = playbook('proxy.yaml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: hostname\n      register: hn\n    - debug: var=hn.stdout\n');
    const r = kplay(['-i', inv, p]);
    expect(r.out).toMatch(new RegExp(`ok: \\[hidden\\] => \\{\\n    "hn.stdout": "${n2.name}"`));
    expect(r.out).toContain('fatal: [broken]: UNREACHABLE!');
    expect(r.out).toContain("the ProxyCommand 'echo no route to 10.214.0.3:22 >&2; exit 3'");
    expect(r.out).toContain('no route to 10.214.0.3:22');
    expect(r.rc).toBe(4);
    // no ProxyCommand is left running
    expect(spawnSync('pgrep', ['-f', `W 10.214.0.2:22 root@${n1.ip}`]).status).toBe(1);
  });

  it('kills the commands still running on the hosts at a second Ctrl-C (exit 99)', async () => {
    const p = playbook('interrupted.yaml', `- hosts: lab\n  gather_facts: false\n  tasks:\n    - command: sleep 37.5\n`);
    const child = (await import('node:child_process')).spawn('ip', ['netns', 'exec', lab.labNs, process.execPath, bin, '-i', lab.inventory, p], { cwd: work, env: { ...process.env, HOME: work, KPLAY_NO_LIVE: '1' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const running = (): number => (spawnSync('pgrep', ['-f', '^sleep 37.5$'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).length);
    const deadline = Date.now() + 20_000;
    while (running() < lab.hosts.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(running()).toBe(lab.hosts.length);
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const killedAt = Date.now();
    const rc = await new Promise<number | null>((r) => child.on('close', r));
    expect(rc).toBe(99);
    // killed, not waited for (the commands would run 37 s)
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    const gone = Date.now() + 5_000;
    while (running() > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
    expect(running()).toBe(0);
  }, 60_000);

  // a job must survive the session that started it (the helper kills a command's process group when its channel ends)
  it.each(MODES)('async with poll: 0 leaves a job running on the host after kplay exits; a later run reads it with async_status (%s)', (mode) => {
    const inv = inventoryFor(mode);
    const host = lab.hosts[2]?.name as string;
    const start = kplay(['-i', inv, playbook('job-start.yaml', `- hosts: ${host}\n  gather_facts: false\n  tasks:\n    - shell: sleep 3; echo done > /tmp/job-${mode}; echo finished\n      async: 60\n      poll: 0\n      register: job\n    - debug: var=job.ansible_job_id\n`)]);
    expect(start.rc, start.out).toBe(0);
    const jid = /"job\.ansible_job_id": "(j\d+\.\d+)"/.exec(start.out)?.[1] as string;
    expect(jid).toBeDefined();
    // kplay is gone and so is its connection; the job is not finished yet
    expect(existsSync(hostFile(host, `/tmp/job-${mode}`))).toBe(false);
    const status = kplay(['-i', inv, playbook('job-status.yaml', `- hosts: ${host}\n  gather_facts: false\n  tasks:\n    - async_status: {jid: ${jid}}\n      register: st\n      until: st.finished\n      retries: 20\n      delay: 1\n    - debug: msg="{{ st.rc }} {{ st.stdout }}"\n`)]);
    expect(status.rc, status.out).toBe(0);
    expect(status.out).toContain('"msg": "0 finished"');
    expect(readFileSync(hostFile(host, `/tmp/job-${mode}`), 'utf8')).toBe('done\n');
  }, 60_000);

  // The lab's reboot (test/lab/kube/bin/power.mjs) kills every process of the host, its sshd and
  // sessions too, changes its boot id and starts sshd again a few seconds later.
  it('reboot and wait_for_connection wait for hosts to come back over new connections, as Ansible does (same results, messages, end state)', () => {
    const [a, b] = [lab.hosts[0]?.name as string, lab.hosts[1]?.name as string];
    const p = playbook(
      'reboot.yaml',
      `- hosts: "{{ target }}"
  gather_facts: false
  tasks:
    - command: cat /proc/sys/kernel/random/boot_id
      register: boot0
      changed_when: false
    - reboot:
      check_mode: true
      register: checked
    - reboot:
        msg: kplay lab reboot
        connect_timeout: 5
      register: rebooted
    - command: cat /proc/sys/kernel/random/boot_id
      register: boot1
      changed_when: false
    # the host goes down a second after the command answered and is back a few seconds later
    - command: /sbin/shutdown -r 0
    - wait_for_connection:
        delay: 2
        timeout: 60
      register: waited
    - command: cat /proc/sys/kernel/random/boot_id
      register: boot2
      changed_when: false
    - wait_for_connection:
      check_mode: true
      register: waited_checked
    - meta: reset_connection
    - reboot:
        search_paths: [/nonexistent]
      register: not_found
      ignore_errors: true
    - reboot:
        reboot_command: /bin/false
      register: refused
      ignore_errors: true
    - copy:
        dest: "{{ out }}/{{ inventory_hostname }}.json"
        content: "{{ {'checked': checked, 'rebooted': rebooted, 'waited': waited, 'waited_checked': waited_checked, 'not_found': not_found, 'refused': refused,
          'new_boot': [boot0.stdout != boot1.stdout, boot1.stdout != boot2.stdout]} | to_json }}"
      delegate_to: localhost
`,
    );
    const read = (dir: string, h: string): Record<string, Record<string, unknown>> => JSON.parse(readFileSync(join(work, dir, `${h}.json`), 'utf8'));
    // elapsed and start depend on timing, so their types are compared; the rest must be Ansible's, but for
    // the line Ansible's ssh (-tt through its ControlMaster) adds to a command's stderr
    const shape = (r: Record<string, Record<string, unknown>>): unknown =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          Array.isArray(v) ? v : Object.fromEntries(Object.entries(v).map(([x, y]) => [x, x === 'elapsed' || x === 'start' ? typeof y : typeof y === 'string' ? y.replace(/Shared connection to \S+ closed\./, '') : y])),
        ]),
      );
    for (const d of ['kplay-reboot', 'ansible-reboot']) {
      rmSync(join(work, d), { recursive: true, force: true });
      mkdirSync(join(work, d));
    }
    const k = kplay(['-i', lab.inventory, p, '-e', `target=${a}`, '-e', `out=${join(work, 'kplay-reboot')}`]);
    expect(k.rc, k.out).toBe(0);
    const o = spawnSync('ip', ['netns', 'exec', lab.labNs, 'ansible-playbook', '-i', lab.inventory, p, '-e', `target=${b}`, '-e', `out=${join(work, 'ansible-reboot')}`], { cwd: work, encoding: 'utf8', timeout: 300_000, env: { ...process.env, HOME: work, ANSIBLE_NOCOLOR: '1' } });
    expect(o.status, `${o.stdout}${o.stderr}`).toBe(0);
    const ours = read('kplay-reboot', a);
    expect(shape(ours)).toEqual(shape(read('ansible-reboot', b)));
    expect(ours.new_boot).toEqual([true, true]);
    expect(ours.rebooted).toMatchObject({ changed: true, rebooted: true });
    expect(ours.waited?.elapsed).toBeGreaterThanOrEqual(2);
    expect(ours.not_found?.msg).toBe('Unable to find command "shutdown" in search paths: [\'/nonexistent\']');
    // both engines' recaps: the check-mode reboot, the reboot and the shutdown command changed
    for (const [out, h] of [[k.out, a], [`${o.stdout}`, b]] as const) expect(out).toMatch(new RegExp(`${h}\\s+: ok=10\\s+changed=4\\s+unreachable=0\\s+failed=0\\s+skipped=1\\s+rescued=0\\s+ignored=2`));
    // the host is fully usable after it: a task that becomes another user runs
    expect(kplay(['-i', lab.inventory, playbook('after-reboot.yaml', `- hosts: ${a}\n  gather_facts: false\n  tasks:\n    - command: whoami\n      become: true\n      become_user: ops\n`)]).rc).toBe(0);
  }, 300_000);

  // synchronize runs rsync on the controller (in the lab's namespace here) with the host's address, user,
  // key and port, as Ansible's action plugin does; the two engines on two hosts must give the same results
  // (the command line too, but for the host's address) and leave the same files.
  it('synchronize pushes, pulls, deletes, checks and becomes as Ansible does (same results, command lines, files)', () => {
    const [a, b] = [lab.hosts[2] as { name: string; ip: string }, lab.hosts[3] as { name: string; ip: string }];
    mkdirSync(join(work, 'files/tree/sub'), { recursive: true });
    writeFileSync(join(work, 'files/tree/a.txt'), 'a\n');
    writeFileSync(join(work, 'files/tree/sub/b.txt'), 'b\n');
    const p = playbook(
      'synchronize.yaml',
      `- hosts: "{{ target }}"
  gather_facts: false
  tasks:
    - synchronize: {src: tree/, dest: /tmp/sync/}
      register: pushed
    - ansible.posix.synchronize: {src: tree/, dest: /tmp/sync/}
      register: again
    - file: {path: /tmp/sync/extra.txt, state: touch}
    - synchronize: {src: tree/, dest: /tmp/sync/, delete: true}
      check_mode: true
      register: checked
    - synchronize: {src: tree/, dest: /tmp/sync/, delete: true, checksum: true, archive: false, recursive: true}
      register: deleted
    - synchronize: {src: /tmp/sync/a.txt, dest: "{{ out }}/", mode: pull}
      register: pulled
    - synchronize: {src: tree/, dest: /tmp/sync-ops/, rsync_opts: ["--exclude=sub"], dest_port: 22}
      become: true
      become_user: ops
      register: as_ops
    - synchronize: {src: /etc/hostname, dest: /tmp/sync-self}
      delegate_to: "{{ inventory_hostname }}"
      register: on_host
    - synchronize: {src: no-such-dir/, dest: /tmp/sync-none/, compress: false, delay_updates: false}
      register: missing
      ignore_errors: true
    - copy:
        dest: "{{ out }}/results.json"
        content: "{{ {'pushed': pushed, 'again': again, 'checked': checked, 'deleted': deleted, 'pulled': pulled, 'as_ops': as_ops, 'on_host': on_host, 'missing': missing} | to_json }}"
      delegate_to: localhost
`,
    );
    const run = (engine: 'kplay' | 'ansible', h: { name: string; ip: string }): Record<string, Record<string, unknown>> => {
      const out = join(work, `sync-${engine}`);
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out);
      const args = ['-i', lab.inventory, p, '-e', `target=${h.name}`, '-e', `out=${out}`];
      let r: { rc: number | null; out: string };
      if (engine === 'kplay') r = kplay(args);
      else {
        const o = spawnSync('ip', ['netns', 'exec', lab.labNs, 'ansible-playbook', ...args], { cwd: work, encoding: 'utf8', timeout: 300_000, env: { ...process.env, HOME: work, ANSIBLE_NOCOLOR: '1' } });
        r = { rc: o.status, out: `${o.stdout}${o.stderr}` };
      }
      const text = r.out;
      expect(r.rc, text).toBe(0);
      expect(text).toMatch(new RegExp(`${h.name}\\s+: ok=10\\s+changed=8\\s+unreachable=0\\s+failed=0\\s+skipped=0\\s+rescued=0\\s+ignored=1`));
      expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('a\n');
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Record<string, Record<string, unknown>>;
      // what both engines report, the host's address and the output directory written alike
      const norm = (v: unknown): unknown => (typeof v === 'string' ? v.split(h.ip).join('HOST').split(out).join('OUT').split(h.name).join('NAME') : Array.isArray(v) ? v.map(norm) : v);
      return Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Object.fromEntries(['changed', 'failed', 'rc', 'msg', 'stdout_lines', 'cmd'].filter((x) => x in v).map((x) => [x, norm(v[x])]))]));
    };
    const ours = run('kplay', a);
    expect(ours).toEqual(run('ansible', b));
    expect(ours.pushed).toMatchObject({ changed: true, rc: 0 });
    expect(ours.again?.changed).toBe(false);
    expect(ours.checked?.stdout_lines).toContain('*deleting   extra.txt');
    expect(String(ours.as_ops?.cmd)).toContain("--rsync-path='sudo -u ops rsync'");
    expect(String(ours.pushed?.cmd)).toContain(`root@HOST:/tmp/sync/`);
    expect(ours.missing?.failed).toBe(true);
    for (const h of [a, b]) {
      expect(readdirSync(hostFile(h.name, '/tmp/sync')).sort()).toEqual(['a.txt', 'sub']);
      expect(readdirSync(hostFile(h.name, '/tmp/sync-ops'))).toEqual(['a.txt']);
      expect(readFileSync(hostFile(h.name, '/tmp/sync-self'), 'utf8')).toBe(readFileSync(hostFile(h.name, '/etc/hostname'), 'utf8'));
    }
  }, 300_000);

  it('reports a host whose sshd dies mid-play UNREACHABLE, finishes the others, leaves no half-written file', async () => {
    const victim = lab.hosts[3]?.name as string;
    const p = playbook(
      'killed.yaml',
      `- hosts: lab
  gather_facts: false
  tasks:
    - command: sleep 2
    - copy: {content: "after the kill\\n", dest: /etc/after-kill.txt}
`,
    );
    const child = (await import('node:child_process')).spawn('ip', ['netns', 'exec', lab.labNs, process.execPath, bin, '-i', lab.inventory, p], { cwd: work, env: { ...process.env, HOME: work, KPLAY_NO_LIVE: '1' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => setTimeout(r, 800));
    labKillHost(lab, victim);
    const rc = await new Promise<number | null>((r) => child.on('close', r));
    expect(out).toContain(`fatal: [${victim}]: UNREACHABLE!`);
    expect(out).toMatch(new RegExp(`${victim}\\s+: ok=0\\s+changed=0\\s+unreachable=1`));
    for (const h of lab.hosts.filter((x) => x.name !== victim)) expect(readFileSync(hostFile(h.name, '/etc/after-kill.txt'), 'utf8')).toBe('after the kill\n');
    expect(existsSync(hostFile(victim, '/etc/after-kill.txt'))).toBe(false);
    expect(readdirSync(hostFile(victim, '/etc')).filter((f) => f.startsWith('.kplay'))).toEqual([]);
    expect(rc).toBe(4);
  }, 60_000);
});
