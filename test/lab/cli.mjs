#!/usr/bin/env node
// npm run lab -- up --hosts N | exec -- CMD... | ssh HOST | down
import { spawnSync } from 'node:child_process';
import { labDown, labExecArgs, labState, labUp } from './lab.mjs';

const [cmd, ...rest] = process.argv.slice(2);
try {
  if (cmd === 'up') {
    const i = rest.indexOf('--hosts');
    const n = i === -1 ? 3 : Number(rest[i + 1]);
    if (!Number.isInteger(n) || n < 1 || n > 200) throw new Error('--hosts takes a number from 1 to 200');
    const s = labUp({ hosts: n });
    for (const h of s.hosts) console.log(`${h.name}\t${h.ip}`);
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
    const [bin, args] = labExecArgs(['ssh', '-i', s.key, '-o', `UserKnownHostsFile=${s.knownHosts}`, `root@${h.ip}`]);
    process.exitCode = spawnSync(bin, args, { stdio: 'inherit' }).status ?? 1;
  } else if (cmd === 'down') {
    labDown();
  } else {
    console.error('usage: npm run lab -- up [--hosts N] | exec -- CMD... | ssh HOST | down');
    process.exitCode = 2;
  }
} catch (e) {
  console.error(`lab: ${e.message}`);
  process.exitCode = 1;
}
