#!/usr/bin/env node
// The lab's package manager: apt-get, apt-cache, apt-mark, dpkg and dpkg-query for the Kubernetes
// packages (versions, pins, holds) over a per-host status file. Installing kubeadm/kubelet/kubectl/
// containerd puts the lab's stand-ins on PATH and the kubelet/containerd units where the debs put them.
import { existsSync, rmSync, writeFileSync, chmodSync, mkdirSync, symlinkSync, lstatSync } from 'node:fs';
import { CATALOG, LAB_KEY_MARK, LISTS, candidate, offered, readStatus, writeStatus, compareVersions, repoMinor, sources } from '../lib/packages.mjs';
import { Fatal, main, readMaybe, writeFile, writeJson } from '../lib/common.mjs';

const LAB = '/usr/local/lib/kplay-lab';
/** When this file exists, installing or upgrading any package fails in dpkg (tests inject failures with it). */
const BROKEN = '/var/lib/dpkg/lab-broken';
const BIN = '/usr/local/bin';
const UNITS = '/lib/systemd/system';
const out = (s = '') => process.stdout.write(`${s}\n`);
/** Packages the lab's repository also offers (nothing on PATH unless the machine has them). */
const EXTRA = ['socat', 'conntrack', 'ebtables', 'ethtool', 'ipset', 'ipvsadm', 'apt-transport-https', 'ca-certificates', 'curl', 'gnupg', 'gpg', 'jq', 'nfs-common', 'open-iscsi', 'chrony', 'ntp'];

const wrapper = (script) => `#!/bin/sh\nexec /usr/bin/node ${LAB}/bin/${script} "$@"\n`;

function writeExe(path, text) {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

const KUBELET_UNIT = `[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=${BIN}/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
`;

const KUBEADM_DROPIN = `# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=${BIN}/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;

const CONTAINERD_UNIT = `[Unit]
Description=containerd container runtime
Documentation=https://containerd.io
After=network.target local-fs.target

[Service]
ExecStart=${BIN}/containerd
Type=simple
Delegate=yes
KillMode=process
Restart=always

[Install]
WantedBy=multi-user.target
`;

function enableUnit(name) {
  const l = `/etc/systemd/system/multi-user.target.wants/${name}`;
  mkdirSync('/etc/systemd/system/multi-user.target.wants', { recursive: true });
  try {
    lstatSync(l);
  } catch {
    symlinkSync(`${UNITS}/${name}`, l);
  }
}

/** Puts a package's files in place (the lab's postinst). */
function installFiles(name) {
  if (name === 'kubeadm') {
    writeExe(`${BIN}/kubeadm`, wrapper('kubeadm.mjs'));
    writeFile(`${UNITS}/kubelet.service.d/10-kubeadm.conf`, KUBEADM_DROPIN);
  } else if (name === 'kubectl') writeExe(`${BIN}/kubectl`, wrapper('kubectl.mjs'));
  else if (name === 'kubelet') {
    writeExe(`${BIN}/kubelet`, wrapper('kubelet.mjs'));
    writeFile(`${UNITS}/kubelet.service`, KUBELET_UNIT);
    enableUnit('kubelet.service');
    mkdirSync('/var/lib/kubelet', { recursive: true });
    mkdirSync('/etc/kubernetes/manifests', { recursive: true });
  } else if (name === 'containerd' || name === 'containerd.io') {
    writeExe(`${BIN}/containerd`, wrapper('containerd.mjs'));
    writeFile(`${UNITS}/containerd.service`, CONTAINERD_UNIT);
    enableUnit('containerd.service');
  }
}

function removeFiles(name, purge) {
  const files = { kubeadm: [`${BIN}/kubeadm`, `${UNITS}/kubelet.service.d/10-kubeadm.conf`], kubectl: [`${BIN}/kubectl`], kubelet: [`${BIN}/kubelet`, `${UNITS}/kubelet.service`, '/etc/systemd/system/multi-user.target.wants/kubelet.service'], containerd: [`${BIN}/containerd`, `${UNITS}/containerd.service`, '/etc/systemd/system/multi-user.target.wants/containerd.service'] }[name.replace('.io', '')] ?? [];
  for (const f of files) rmSync(f, { force: true });
  if (purge && name === 'containerd') rmSync('/etc/containerd', { recursive: true, force: true });
}

// the versions apt knows of a package: the repository's, a lab1 stand-in for the extra tools, else none
const known = (name) => offered(name) ?? (EXTRA.includes(name) ? ['lab1'] : undefined);

/** Installs `name[=version]` entries; returns the exit code apt-get would. */
function install(specs, opts) {
  const st = readStatus();
  const plan = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = eq === -1 ? spec : spec.slice(0, eq);
    const want = eq === -1 ? undefined : spec.slice(eq + 1);
    const versions = known(name) ?? (st[name] ? [st[name].version] : undefined);
    if (!versions || (!versions.length && !want)) {
      process.stderr.write(`E: Unable to locate package ${name}\n`);
      return 100;
    }
    let version = want ?? (st[name]?.version && !CATALOG[name] ? st[name].version : candidate(name) ?? versions.at(-1));
    if (want?.endsWith('*')) version = versions.filter((v) => v.startsWith(want.slice(0, -1))).sort(compareVersions).at(-1);
    if (!version || !versions.includes(version)) {
      process.stderr.write(`E: Version '${want}' for '${name}' was not found\n`);
      return 100;
    }
    const cur = st[name];
    if (cur?.version === version) {
      out(`${name} is already the newest version (${version}).`);
      continue;
    }
    if (cur?.hold && !opts.allowHeld) {
      process.stderr.write('E: Held packages were changed and -y was used without --allow-change-held-packages.\n');
      return 100;
    }
    if (cur && compareVersions(version, cur.version) < 0 && !opts.allowDowngrades) {
      process.stderr.write(`E: Packages were downgraded and -y was used without --allow-downgrades.\n`);
      return 100;
    }
    plan.push({ name, version, from: cur?.version });
  }
  out('Reading package lists...\nBuilding dependency tree...\nReading state information...');
  if (plan.length && existsSync(BROKEN)) {
    // a test's injected failure: dpkg cannot configure the packages (as with a full disk or a broken postinst)
    process.stderr.write(`dpkg: error processing package ${plan[0].name} (--configure):\n installed ${plan[0].name} package post-installation script subprocess returned error exit status 1\nE: Sub-process /usr/bin/dpkg returned an error code (1)\n`);
    return 100;
  }
  if (!plan.length) {
    out('0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.');
    return 0;
  }
  const fresh = plan.filter((p) => !p.from);
  const up = plan.filter((p) => p.from);
  if (fresh.length) out(`The following NEW packages will be installed:\n  ${fresh.map((p) => p.name).join(' ')}`);
  if (up.length) out(`The following packages will be upgraded:\n  ${up.map((p) => p.name).join(' ')}`);
  out(`${up.length} upgraded, ${fresh.length} newly installed, 0 to remove and 0 not upgraded.`);
  for (const p of plan) {
    out(p.from ? `Preparing to unpack .../${p.name}_${p.version}_amd64.deb ...\nUnpacking ${p.name} (${p.version}) over (${p.from}) ...` : `Selecting previously unselected package ${p.name}.\nUnpacking ${p.name} (${p.version}) ...`);
    installFiles(p.name);
    st[p.name] = { version: p.version, hold: st[p.name]?.hold ?? false };
    out(`Setting up ${p.name} (${p.version}) ...`);
  }
  writeStatus(st);
  return 0;
}

function remove(names, purge, allowHeld) {
  const st = readStatus();
  const gone = names.filter((n) => st[n]);
  out('Reading package lists...\nBuilding dependency tree...\nReading state information...');
  if (gone.some((n) => st[n].hold) && !allowHeld) {
    process.stderr.write(`The following held packages will be changed:\n  ${gone.filter((n) => st[n].hold).join(' ')}\nE: Held packages were changed and -y was used without --allow-change-held-packages.\n`);
    return 100;
  }
  for (const n of names) if (!st[n]) out(`Package '${n}' is not installed, so not removed`);
  if (gone.length) out(`The following packages will be REMOVED:\n  ${gone.join(' ')}`);
  out(`0 upgraded, 0 newly installed, ${gone.length} to remove and 0 not upgraded.`);
  for (const n of gone) {
    out(`Removing ${n} (${st[n].version}) ...`);
    removeFiles(n, purge);
    delete st[n];
  }
  writeStatus(st);
  return 0;
}

/** apt-get update: fetches the configured repositories; a Kubernetes one must be signed by the lab's key. */
function update() {
  const minors = [];
  let rc = 0;
  sources().forEach((src, i) => {
    const minor = repoMinor(src.uri);
    if (minor === undefined) {
      out(`Hit:${i + 1} ${src.uri} InRelease`);
      return;
    }
    const key = src.signedBy ? readMaybe(src.signedBy) : undefined;
    if (!src.trusted && !key?.includes(LAB_KEY_MARK)) {
      process.stderr.write(`W: GPG error: ${src.uri} InRelease: The following signatures couldn't be verified because the public key is not available: NO_PUBKEY 234654DA9A296436\nE: The repository '${src.uri} InRelease' is not signed.\n`);
      rc = 100;
      return;
    }
    out(`Get:${i + 1} ${src.uri} InRelease [1186 B]`);
    minors.push(minor);
  });
  out('Reading package lists...');
  mkdirSync('/var/lib/apt/lists', { recursive: true });
  writeJson(LISTS, [...new Set(minors)]);
  if (rc === 0) writeFile('/var/lib/apt/periodic/update-success-stamp', '');
  return rc;
}

function aptGet(args) {
  const flagsSet = new Set(args.filter((a) => a.startsWith('-')));
  // options' values (-o Dpkg::Options::=..., -o APT::Install-Recommends=no, -t RELEASE) are not words
  const words = args.filter((a, i) => !a.startsWith('-') && !/^[A-Za-z]+::/.test(a) && args[i - 1] !== '-t');
  const [cmd, ...names] = words;
  if (cmd === 'update') return update();
  if (process.getuid?.() !== 0) {
    process.stderr.write('E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n');
    return 100;
  }
  if (cmd === 'install') return install(names, { allowHeld: flagsSet.has('--allow-change-held-packages'), allowDowngrades: flagsSet.has('--allow-downgrades') });
  if (cmd === 'remove' || cmd === 'purge') return remove(names, cmd === 'purge' || flagsSet.has('--purge'), flagsSet.has('--allow-change-held-packages'));
  if (cmd === 'upgrade' || cmd === 'dist-upgrade' || cmd === 'autoremove' || cmd === 'clean') {
    out('Reading package lists...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.');
    return 0;
  }
  process.stderr.write(`E: Invalid operation ${cmd ?? ''}\n`);
  return 100;
}

function aptCache(args) {
  const [cmd, ...names] = args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '-t');
  const st = readStatus();
  if (cmd === 'pkgnames') {
    out([...new Set([...Object.keys(CATALOG), ...EXTRA, ...Object.keys(st)])].sort().join('\n'));
    return 0;
  }
  for (const n of names) {
    const versions = known(n) ?? (st[n] ? [st[n].version] : []);
    if (cmd === 'policy') {
      // the installed version is in apt's table too (from dpkg's status), as apt lists it
      if (st[n] && !versions.includes(st[n].version)) versions.push(st[n].version);
      if (!versions.length) continue;
      out(`${n}:\n  Installed: ${st[n]?.version ?? '(none)'}\n  Candidate: ${candidate(n) ?? versions.at(-1)}\n  Version table:`);
      for (const v of [...versions].sort(compareVersions).reverse()) out(` ${st[n]?.version === v ? '***' : '   '} ${v} 500\n        500 https://pkgs.k8s.io/core:/stable:/v${v.split('.').slice(0, 2).join('.')}/deb  Packages`);
    } else if (cmd === 'madison') {
      for (const v of [...versions].sort(compareVersions).reverse()) out(`${n.padStart(10)} | ${v} | https://pkgs.k8s.io/core:/stable:/v${v.split('.').slice(0, 2).join('.')}/deb  Packages`);
    } else if (cmd === 'show') {
      if (!versions.length) {
        process.stderr.write(`E: No packages found\n`);
        return 100;
      }
      out(`Package: ${n}\nVersion: ${candidate(n) ?? versions.at(-1)}\n`);
    }
  }
  return 0;
}

function aptMark(args) {
  const [cmd, ...names] = args.filter((a) => !a.startsWith('-'));
  const st = readStatus();
  if (cmd === 'showhold') {
    for (const [n, p] of Object.entries(st)) if (p.hold) out(n);
    return 0;
  }
  for (const n of names) {
    if (!st[n] && (cmd === 'manual' || cmd === 'auto') && known(n)?.length) {
      out(`${n} can not be marked as it is not installed.`);
      continue;
    }
    if (!st[n]) {
      process.stderr.write(`E: Unable to locate package ${n}\n`);
      return 100;
    }
    if (cmd === 'manual') out(`${n} set to manually installed.`);
    else if (cmd === 'auto') out(`${n} set to automatically installed.`);
    else if (cmd === 'hold') {
      out(st[n].hold ? `${n} was already set on hold.` : `${n} set on hold.`);
      st[n].hold = true;
    } else if (cmd === 'unhold') {
      out(st[n].hold ? `Canceled hold on ${n}.` : `${n} was already not on hold.`);
      st[n].hold = false;
    }
  }
  writeStatus(st);
  return 0;
}

function dpkgQuery(args) {
  const fmtArg = args.find((a) => a.startsWith('-f') || a.startsWith('--showformat'));
  let fmt = '${Package}\t${Version}\n';
  if (fmtArg) fmt = fmtArg.includes('=') ? fmtArg.slice(fmtArg.indexOf('=') + 1) : fmtArg.length > 2 && fmtArg.startsWith('-f') ? fmtArg.slice(2) : args[args.indexOf(fmtArg) + 1];
  const separate = fmtArg === '-f' || fmtArg === '--showformat';
  const names = args.filter((a, i) => !a.startsWith('-') && !(separate && args[i - 1] === fmtArg));
  const st = readStatus();
  let rc = 0;
  const list = names.length ? names : Object.keys(st);
  for (const n of list) {
    const p = st[n];
    if (!p) {
      process.stderr.write(`dpkg-query: no packages found matching ${n}\n`);
      rc = 1;
      continue;
    }
    const vals = { Package: n, Version: p.version, Status: 'install ok installed', 'db:Status-Abbrev': p.hold ? 'hi ' : 'ii ', Architecture: 'amd64' };
    process.stdout.write(fmt.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\$\{([^}]+)\}/g, (_, k) => vals[k] ?? ''));
  }
  return rc;
}

function dpkg(args) {
  const st = readStatus();
  if (args[0] === '-l' || args[0] === '--list') {
    const names = args.slice(1);
    out('Desired=Unknown/Install/Remove/Purge/Hold\n| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n||/ Name           Version        Architecture Description\n+++-==============-==============-============-=================================');
    let rc = 0;
    for (const n of names.length ? names : Object.keys(st)) {
      if (!st[n]) {
        process.stderr.write(`dpkg-query: no packages found matching ${n}\n`);
        rc = 1;
        continue;
      }
      out(`${st[n].hold ? 'hi' : 'ii'}  ${n.padEnd(14)} ${st[n].version.padEnd(14)} amd64        ${n}`);
    }
    return rc;
  }
  if (args[0] === '-s' || args[0] === '--status') {
    const n = args[1];
    if (!st[n]) {
      process.stderr.write(`dpkg-query: package '${n}' is not installed and no information is available\n`);
      return 1;
    }
    out(`Package: ${n}\nStatus: ${st[n].hold ? 'hold' : 'install'} ok installed\nVersion: ${st[n].version}`);
    return 0;
  }
  if (args[0] === '--compare-versions') {
    const [a, op, b] = args.slice(1);
    const c = compareVersions(a, b);
    return { lt: c < 0, le: c <= 0, eq: c === 0, ne: c !== 0, ge: c >= 0, gt: c > 0 }[op] ? 0 : 1;
  }
  if (args[0] === '--print-architecture') {
    out('amd64');
    return 0;
  }
  throw new Fatal(`dpkg: error: unsupported in the lab: ${args.join(' ')}`, 2);
}

await main(() => {
  const [tool, ...args] = process.argv.slice(2);
  switch (tool) {
    case 'apt-get':
    case 'apt':
      return aptGet(args);
    case 'apt-cache':
      return aptCache(args);
    case 'apt-mark':
      return aptMark(args);
    case 'dpkg-query':
      return dpkgQuery(args);
    case 'dpkg':
      return dpkg(args);
    default:
      throw new Fatal(`pkg: unknown tool ${tool}`, 2);
  }
});
