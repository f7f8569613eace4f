#!/usr/bin/env node
// npm run lab -- up [--hosts N | --masters M --workers W [--kube none|fresh|legacy] [--kube-version 1.30.4-1.1]] | exec -- CMD... | ssh HOST [CMD] | down
import { spawnSync } from 'node:child_process';
import { labDown, labExecArgs, labState, labUp } from './lab.mjs';

const [cmd, ...rest] = process.argv.slice(2);
try {
  if (cmd === 'up') {
    const opt = (name) => {
      const i = rest.indexOf(`--${name}`);
      return i === -1 ? undefined : rest[i + 1];
    };
    const num = (name, lo, hi, dflt) => {
      const v = opt(name);
      const n = v === undefined ? dflt : Number(v);
      if (!Number.isInteger(n) || n < lo || n > hi) throw new Error(`--${name} takes a number from ${lo} to ${hi}`);
      return n;
    };
    const kubeMode = opt('kube');
    if (kubeMode !== undefined && !['none', 'fresh', 'legacy'].includes(kubeMode)) throw new Error(`--kube takes none, fresh or legacy (got '${kubeMode}')`);
    const kube = opt('masters') !== undefined || opt('workers') !== undefined || kubeMode !== undefined;
    const kubeVersion = opt('kube-version');
    if (kubeVersion !== undefined && !/^1\.\d+\.\d+-1\.1$/.test(kubeVersion)) throw new Error(`--kube-version takes a package version such as 1.30.4-1.1 (got '${kubeVersion}')`);
    const s = kube ? labUp({ masters: num('masters', 1, 9, 1), workers: num('workers', 0, 50, 0), kube: kubeMode ?? 'fresh', kubeVersion }) : labUp({ hosts: num('hosts', 1, 200, 3) });
    for (const h of s.hosts) console.log(`${h.name}\t${h.ip}`);
    if (s.vip) console.log(`apiserver VIP\t${s.vip} (kube: ${s.kube})`);
    console.log(`run kplay against it with: npm run lab -- exec -- npx kplay -i ${s.inventory} PLAYBOOK`);
    console.log(s.inventory);
  } else if (cmd === 'exec') {
    const argv = rest[0] === '--' ? rest.slice(1) : rest;
    const [bin, args] = labExecArgs(argv);
    process.exitCode = spawnSync(bin, args, { stdio: 'inherit' }).status ?? 1;
  } else if (cmd === 'ssh') {
    const s = labState();
    const h = s.hosts.find((x) => x.name === rest[0]);
    if (!h) throw new Error(`no lab host '${rest[0]}'; hosts: ${s.hosts.map((x) => x.name).join(', ')}`);
    const [bin, args] = labExecArgs(['ssh', '-i', s.key, '-o', `UserKnownHostsFile=${s.knownHosts}`, `root@${h.ip}`, ...rest.slice(1)]);
    process.exitCode = spawnSync(bin, args, { stdio: 'inherit' }).status ?? 1;
  } else if (cmd === 'down') {
    labDown();
  } else {
    console.error('usage: npm run lab -- up [--hosts N | --masters M --workers W [--kube none|fresh|legacy] [--kube-version 1.30.4-1.1]] | exec -- CMD... | ssh HOST [CMD...] | down');
    process.exitCode = 2;
  }
} catch (e) {
  console.error(`lab: ${e.message}`);
  process.exitCode = 1;
}
