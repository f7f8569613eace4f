#!/usr/bin/env node
// npm run bench [-- --rounds N] [--quick] [--live]
// kplay vs ansible-playbook vs Ansible+Mitogen on the same lab hosts (10 hosts x 50 tasks, forks 10,
// alternating engines round by round), a raw floor (the same commands through one open ssh2 shell per
// host, no engine), and kplay-only series for scale. Writes docs/benchmarks.md and an SVG chart.
// A benchmark, not a test: nothing in `npm test` depends on timings.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labDown, labUp } from '../lab/lab.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'bin/kplay.js');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 0) || (quick ? 1 : 3);
const MITOGEN = '/usr/lib/python3/dist-packages/ansible_mitogen/plugins/strategy';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function playbook(dir, tasks, pattern) {
  const lines = [];
  for (let i = 0; i < tasks; i++) {
    const n = Math.floor(i / 5);
    switch (i % 5) {
      case 0: lines.push(`    - command: echo ${i}`); break;
      case 1: lines.push(`    - file: {path: /tmp/bench/d${n}, state: directory}`); break;
      case 2: lines.push(`    - copy: {content: "c${i}\\n", dest: /tmp/bench/d${n}/c}`); break;
      case 3: lines.push(`    - template: {src: t.j2, dest: /tmp/bench/d${n}/t}`); break;
      default: lines.push(`    - lineinfile: {path: /tmp/bench/d${n}/l, line: "line${i}", create: true}`);
    }
  }
  // only {{ v }} substitutions: Jinja and Handlebars read the template alike
  writeFileSync(join(dir, 't.j2'), 'value={{ v }}\n');
  const p = join(dir, `play-${tasks}.yaml`);
  writeFileSync(p, `- hosts: "${pattern}"\n  gather_facts: false\n  vars: {v: 1}\n  tasks:\n    - file: {path: /tmp/bench, state: directory}\n${lines.slice(0, tasks - 1).join('\n')}\n`);
  return p;
}

function timed(lab, argv, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('ip', ['netns', 'exec', lab.labNs, '/usr/bin/time', '-f', '__RSS %M', ...argv], { cwd: lab.dir, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed:\n${(r.stdout + r.stderr).slice(-2000)}`);
  const rss = Number(/__RSS (\d+)/.exec(r.stderr)?.[1] ?? 0);
  return { seconds, rssMB: rss / 1024 };
}

const kplay = (lab, p, forks, inventory = lab.inventory) => timed(lab, [process.execPath, bin, '-i', inventory, p, '-f', String(forks)], { KPLAY_NO_LIVE: '1' });
// The same run with the live view: kplay in a pseudo-terminal of 150x45 (script(1)), its screen output discarded.
function kplayLive(lab, p, forks) {
  const q = (x) => `'${x.replace(/'/g, `'\\''`)}'`;
  const cmd = `stty rows 45 cols 150; ${[process.execPath, bin, '-i', lab.inventory, p, '-f', String(forks)].map(q).join(' ')}`;
  const env = { ...process.env, TERM: 'xterm-256color' };
  for (const k of ['NO_COLOR', 'KPLAY_NO_LIVE', 'CI']) delete env[k];
  const t0 = process.hrtime.bigint();
  const r = spawnSync('ip', ['netns', 'exec', lab.labNs, 'script', '-qefc', cmd, '/dev/null'], { cwd: lab.dir, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`kplay in a pseudo-terminal failed:\n${(r.stdout + r.stderr).slice(-2000)}`);
  if (!r.stdout.includes('\u001b[?25l')) throw new Error('kplay in a pseudo-terminal did not show the live view');
  return { seconds };
}
const ansibleEnv = (lab) => ({ ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_PIPELINING: 'True', ANSIBLE_SSH_ARGS: `-o ControlMaster=auto -o ControlPersist=120s -o UserKnownHostsFile=${lab.knownHosts}`, ANSIBLE_NOCOLOR: '1' });
const ansible = (lab, p, forks) => timed(lab, ['ansible-playbook', '-i', lab.inventory, p, '-f', String(forks)], ansibleEnv(lab));
const mitogen = (lab, p, forks) => timed(lab, ['ansible-playbook', '-i', lab.inventory, p, '-f', String(forks)], { ...ansibleEnv(lab), ANSIBLE_STRATEGY_PLUGINS: MITOGEN, ANSIBLE_STRATEGY: 'mitogen_linear' });

// The floor: the same number of commands through one already-open shell per host, no engine.
async function rawFloor(lab, hosts, tasks) {
  // ssh2 must run inside the lab namespace to reach the hosts: a small script run there
  const script = join(lab.dir, 'floor.mjs');
  writeFileSync(
    script,
    `import ssh2 from ${JSON.stringify(join(repo, 'node_modules/ssh2/lib/index.js'))};
import { readFileSync } from 'node:fs';
const key = readFileSync(${JSON.stringify(lab.key)});
const hosts = ${JSON.stringify(hosts.map((h) => h.ip))};
const open = (ip) => new Promise((res, rej) => { const c = new ssh2.Client(); c.on('ready', () => c.exec('/bin/sh', (e, ch) => e ? rej(e) : res({ c, ch }))).on('error', rej).connect({ host: ip, username: 'root', privateKey: key, hostVerifier: () => true }); });
const sessions = await Promise.all(hosts.map(open));
const t0 = process.hrtime.bigint();
await Promise.all(sessions.map(({ ch }) => new Promise((res) => {
  let buf = '';
  const on = (d) => { buf += d; const m = buf.split('\\n').length - 1; if (m >= ${tasks}) { ch.removeListener('data', on); res(); } };
  ch.on('data', on);
  for (let i = 0; i < ${tasks}; i++) ch.write('echo ' + i + '\\n');
})));
const s = Number(process.hrtime.bigint() - t0) / 1e9;
// sequential: each command waits for the previous answer, as a task must
const t1 = process.hrtime.bigint();
await Promise.all(sessions.map(({ ch }) => (async () => {
  for (let i = 0; i < ${tasks}; i++) {
    await new Promise((res) => { const on = (d) => { if (String(d).includes('\\n')) { ch.removeListener('data', on); res(); } }; ch.on('data', on); ch.write('echo ' + i + '\\n'); });
  }
})()));
const s2 = Number(process.hrtime.bigint() - t1) / 1e9;
console.log(s, s2);
for (const { c } of sessions) c.end();
`,
  );
  const r = spawnSync('ip', ['netns', 'exec', lab.labNs, process.execPath, script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`raw floor failed: ${r.stderr}`);
  const [pipelined, sequential] = r.stdout.trim().split(' ').map(Number);
  return { pipelined, sequential };
}

function cliStart() {
  const times = [];
  for (let i = 0; i < 10; i++) {
    const t0 = process.hrtime.bigint();
    execFileSync(process.execPath, [bin, '--version']);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return median(times);
}

function svgChart(title, xLabel, series) {
  const W = 560, H = 300, L = 60, B = 40, T = 30, R = 20;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const maxX = Math.max(...xs), maxY = Math.max(...ys) * 1.1 || 1;
  const px = (x) => L + (x / maxX) * (W - L - R);
  const py = (y) => H - B - (y / maxY) * (H - B - T);
  const colors = ['#1f77b4', '#d62728', '#2ca02c'];
  const lines = series.map((s, i) => `<polyline fill="none" stroke="${colors[i % 3]}" stroke-width="2" points="${s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>` + s.points.map(([x, y]) => `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${colors[i % 3]}"><title>${x}: ${y.toFixed(2)} s</title></circle>`).join('') + `<text x="${W - R - 150}" y="${T + 15 * (i + 1)}" fill="${colors[i % 3]}" font-size="12">${s.name}</text>`);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${L - 8}" y="${py(maxY * f) + 4}" text-anchor="end" font-size="11">${(maxY * f).toFixed(1)}</text><line x1="${L}" x2="${W - R}" y1="${py(maxY * f)}" y2="${py(maxY * f)}" stroke="#eee"/>`);
  const xt = [...new Set(xs)].map((x) => `<text x="${px(x)}" y="${H - B + 16}" text-anchor="middle" font-size="11">${x}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/><text x="${W / 2}" y="18" text-anchor="middle" font-size="14">${title}</text>${ticks.join('')}${xt.join('')}<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/><text x="${W / 2}" y="${H - 6}" text-anchor="middle" font-size="12">${xLabel}</text><text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle" font-size="12">seconds</text>${lines.join('')}</svg>\n`;
}

// --live: only the live view against the plain output (10 hosts x 50 tasks), printed, no docs written
async function liveOnly() {
  const work = mkdtempSync(join(tmpdir(), 'kplay-bench-'));
  const lab = labUp({ hosts: 10, dir: join(work, 'lab'), prefix: 'kpbench' });
  try {
    const p10 = playbook(lab.dir, 50, 'lab[0:9]');
    kplay(lab, p10, 10);
    const plain = [];
    const live = [];
    for (let r = 0; r < Math.max(rounds, 3); r++) {
      plain.push(kplay(lab, p10, 10).seconds);
      live.push(kplayLive(lab, p10, 10).seconds);
    }
    console.log(`plain ${plain.map((x) => x.toFixed(2)).join(' ')} s; live view ${live.map((x) => x.toFixed(2)).join(' ')} s; medians ${median(plain).toFixed(2)} vs ${median(live).toFixed(2)}: ${(median(live) / median(plain)).toFixed(2)}x`);
  } finally {
    labDown(lab.dir, 'kpbench');
  }
}

async function main() {
  if (args.includes('--live')) return liveOnly();
  const scaleHosts = quick ? [1, 10] : [1, 10, 50, 100];
  const maxHosts = Math.max(...scaleHosts, 10);
  const work = mkdtempSync(join(tmpdir(), 'kplay-bench-'));
  console.log(`bringing up ${maxHosts} lab hosts...`);
  const lab = labUp({ hosts: maxHosts, dir: join(work, 'lab'), prefix: 'kpbench' });
  const results = { compare: {}, hosts: [], tasks: [] };
  try {
    const haveAnsible = has('ansible-playbook');
    const haveMitogen = haveAnsible && existsSync(MITOGEN);
    if (!haveAnsible) console.log('ansible-playbook is missing: apt-get install -y ansible-core (the kplay series still runs)');
    if (!haveMitogen) console.log('Mitogen is missing: apt-get install -y ansible-mitogen (the kplay series still runs)');
    const p10 = playbook(lab.dir, 50, 'lab[0:9]');
    // converge once with each engine so every timed run starts from the same state
    kplay(lab, p10, 10);
    if (haveAnsible) ansible(lab, p10, 10);
    // kplay without its resident helper (plain sh sessions), to show what the helper buys
    const shellInventory = join(lab.dir, 'inventory-shell.ini');
    writeFileSync(shellInventory, `${readFileSync(lab.inventory, 'utf8')}\n[all:vars]\nkplay_helper=false\n`);
    const runs = { kplay: [], kplayShell: [], kplayLive: [], ansible: [], mitogen: [] };
    let rss = 0;
    for (let r = 0; r < rounds; r++) {
      console.log(`round ${r + 1}/${rounds}: 10 hosts x 50 tasks`);
      const k = kplay(lab, p10, 10);
      runs.kplay.push(k.seconds);
      rss = Math.max(rss, k.rssMB);
      runs.kplayShell.push(kplay(lab, p10, 10, shellInventory).seconds);
      runs.kplayLive.push(kplayLive(lab, p10, 10).seconds);
      if (haveAnsible) runs.ansible.push(ansible(lab, p10, 10).seconds);
      if (haveMitogen) runs.mitogen.push(mitogen(lab, p10, 10).seconds);
    }
    const floor = await rawFloor(lab, lab.hosts.slice(0, 10), 50);
    results.compare = {
      kplay: median(runs.kplay),
      kplayShell: median(runs.kplayShell),
      kplayLive: median(runs.kplayLive),
      ansible: runs.ansible.length ? median(runs.ansible) : undefined,
      mitogen: runs.mitogen.length ? median(runs.mitogen) : undefined,
      floor,
      rss,
      cli: cliStart(),
    };
    for (const n of scaleHosts) {
      const p = playbook(lab.dir, 50, `lab[0:${n - 1}]`);
      kplay(lab, p, n);
      const t = [];
      let peak = 0;
      for (let r = 0; r < rounds; r++) {
        const x = kplay(lab, p, n);
        t.push(x.seconds);
        peak = Math.max(peak, x.rssMB);
      }
      results.hosts.push({ hosts: n, seconds: median(t), rss: peak });
      console.log(`${n} hosts x 50 tasks: ${median(t).toFixed(2)} s, ${peak.toFixed(0)} MB`);
    }
    for (const tasks of quick ? [10, 50] : [10, 50, 200]) {
      const p = playbook(lab.dir, tasks, 'lab[0:9]');
      kplay(lab, p, 10);
      const t = [];
      for (let r = 0; r < rounds; r++) t.push(kplay(lab, p, 10).seconds);
      results.tasks.push({ tasks, seconds: median(t) });
      console.log(`10 hosts x ${tasks} tasks: ${median(t).toFixed(2)} s`);
    }
  } finally {
    labDown(lab.dir, 'kpbench');
  }
  report(results);
}

function report(r) {
  const c = r.compare;
  const ratio = (a) => (a ? `${(a / c.kplay).toFixed(1)}×` : 'not run');
  const over = (floor) => (((c.kplay - floor) / (10 * 50)) * 1000).toFixed(2);
  const ansibleVersion = has('ansible-playbook') ? execFileSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).split('\n')[0] : 'not installed';
  const md = `# Benchmarks

Generated by \`npm run bench\` (${new Date().toISOString().slice(0, 10)}); ${rounds} round(s), medians. Machine: ${cpus().length} CPUs
(${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${ansibleVersion}.
Hosts are lab hosts (network namespaces with real sshd) on this machine; the playbook has 50 tasks mixing
\`command\`, \`file\`, \`copy\`, \`template\` and \`lineinfile\`, run on hosts already converged, forks 10.
Reproduce: \`npm run bench\` (root; \`apt-get install -y ansible-core ansible-mitogen\` for the comparison).

## 10 hosts × 50 tasks

| engine | seconds | kplay is faster by |
| --- | --- | --- |
| kplay | ${c.kplay.toFixed(2)} | |
| kplay with plain shell sessions (\`kplay_helper=false\`) | ${c.kplayShell.toFixed(2)} | |
| kplay with the live view, in a pseudo-terminal of 150×45 | ${c.kplayLive.toFixed(2)} | ${(c.kplayLive / c.kplay).toFixed(2)}× the plain output's time (target ≤ 1.1×) |
| ansible-playbook (pipelining, ControlPersist) | ${c.ansible?.toFixed(2) ?? 'not run'} | ${ratio(c.ansible)} |
| Ansible + Mitogen (mitogen_linear) | ${c.mitogen?.toFixed(2) ?? 'not run'} | ${ratio(c.mitogen)} |
| raw floor, pipelined (the 50 commands written at once into one open ssh2 shell per host, no engine) | ${c.floor.pipelined.toFixed(3)} | |
| raw floor, sequential (each command waits for the previous answer, as a task must) | ${c.floor.sequential.toFixed(3)} | |

kplay keeps one resident helper per host (perl, answering file operations with system calls and starting
one \`/bin/sh\` per command); the second row is the same run with plain shell sessions, where every file check
costs a subshell plus \`stat\`/\`cat\` processes on the host.

kplay's overhead per task per host: ${over(c.floor.pipelined)} ms above the pipelined floor, ${over(c.floor.sequential)} ms above the
sequential one (kplay's time includes its start and the SSH handshakes; the floors' do not). Peak RSS of kplay: ${c.rss.toFixed(0)} MB.
CLI start (\`kplay --version\`, median of 10): ${(c.cli * 1000).toFixed(0)} ms.

## kplay: time against hosts (50 tasks, forks = hosts)

| hosts | seconds | peak RSS (MB) |
| --- | --- | --- |
${r.hosts.map((h) => `| ${h.hosts} | ${h.seconds.toFixed(2)} | ${h.rss.toFixed(0)} |`).join('\n')}

## kplay: time against tasks (10 hosts, forks 10)

| tasks | seconds |
| --- | --- |
${r.tasks.map((t) => `| ${t.tasks} | ${t.seconds.toFixed(2)} |`).join('\n')}

![time vs hosts](benchmarks-hosts.svg) ![time vs tasks](benchmarks-tasks.svg)
`;
  mkdirSync(join(repo, 'docs'), { recursive: true });
  writeFileSync(join(repo, 'docs/benchmarks.md'), md);
  writeFileSync(join(repo, 'docs/benchmarks-hosts.svg'), svgChart('kplay, 50 tasks', 'hosts', [{ name: 'kplay', points: r.hosts.map((h) => [h.hosts, h.seconds]) }]));
  writeFileSync(join(repo, 'docs/benchmarks-tasks.svg'), svgChart('kplay, 10 hosts', 'tasks', [{ name: 'kplay', points: r.tasks.map((t) => [t.tasks, t.seconds]) }]));
  console.log(md);
}

main().catch((e) => {
  console.error(`bench: ${e.message}`);
  process.exitCode = 1;
});
