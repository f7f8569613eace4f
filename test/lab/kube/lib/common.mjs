// Shared helpers of the lab's Kubernetes stand-ins: flag parsing like cobra/pflag, YAML, small file
// helpers and the way a stand-in fails (a message on stderr, an exit code, no stack trace).
import { mkdirSync, readFileSync, readdirSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
let yamlLib;
const yaml = () => (yamlLib ??= require('yaml'));

/**
 * The yaml package, loaded on first use: loading it costs about as much CPU as node's own start, and
 * most stand-in runs (systemctl, apt-get, dpkg-query) never read YAML.
 */
export const YAML = {
  parse: (...a) => yaml().parse(...a),
  parseAllDocuments: (...a) => yaml().parseAllDocuments(...a),
  stringify: (...a) => yaml().stringify(...a),
};

/** An error a stand-in prints as its real counterpart would, then exits with `code`. */
export class Fatal extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

/** Runs a stand-in's main; turns a Fatal (or any error) into stderr + exit code. */
export async function main(fn) {
  try {
    const rc = await fn();
    process.exitCode = typeof rc === 'number' ? rc : 0;
  } catch (e) {
    if (e instanceof Fatal) {
      if (e.message) process.stderr.write(e.message.endsWith('\n') ? e.message : `${e.message}\n`);
      process.exitCode = e.code;
    } else {
      process.stderr.write(`error: ${e?.message ?? e}\n`);
      process.exitCode = 1;
    }
  }
}

/**
 * Parses argv the way pflag does: `--name=value`, `--name value`, `-n value`, boolean flags, and
 * positional words. `bools` names flags that take no value.
 */
export function parseFlags(argv, bools = []) {
  const flags = {};
  const args = [];
  const boolSet = new Set(bools);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a.length > 1) {
      const body = a.replace(/^--?/, '');
      const eq = body.indexOf('=');
      const name = eq === -1 ? body : body.slice(0, eq);
      let value;
      if (eq !== -1) value = body.slice(eq + 1);
      else if (boolSet.has(name)) value = 'true';
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new Fatal(`error: flag needs an argument: ${a}`);
      if (flags[name] === undefined) flags[name] = value;
      else flags[name] = [].concat(flags[name], value);
    } else args.push(a);
  }
  return { flags, args };
}

/** The last value of a flag given several times. */
export function flag(flags, ...names) {
  for (const n of names) {
    const v = flags[n];
    if (v !== undefined) return Array.isArray(v) ? v[v.length - 1] : v;
  }
  return undefined;
}

/** Every value of a flag given several times or comma-separated. */
export function flagList(flags, name) {
  const v = flags[name];
  if (v === undefined) return [];
  return [].concat(v).flatMap((x) => String(x).split(',')).filter(Boolean);
}

/** Rows of cells as the Kubernetes tools print tables: columns padded to the widest cell plus three spaces. */
export function formatTable(rows) {
  const w = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i] + 3))).join('').trimEnd()).join('\n');
}

/** Reads a file or returns undefined when it does not exist. */
// PIDs wrap quickly on a busy machine (pid_max is 32768 here) and the lab's hosts share one PID space:
// a recorded PID may by now be another host's etcd. A process is identified by PID and kernel start time.
function procStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The kernel start time of a process (field 22 of /proc/PID/stat), recorded when it is started. */
export function procStart(pid) {
  return pid ? procStat(pid)?.[19] : undefined;
}

/** True when PID is still the process recorded with `start` (alive, not a zombie). */
export function sameProcess(pid, start) {
  if (!pid) return false;
  const f = procStat(pid);
  if (!f || f[0] === 'Z') return false;
  return start === undefined || f[19] === start;
}

/**
 * The static pod processes the kubelet started on node `name`, as containerd would list its containers
 * whatever the kubelet recorded: every process whose environment has LAB_NODE_NAME=name and LAB_IMAGE
 * (the hosts share one PID namespace, so the node name tells them apart).
 */
export function podProcesses(name) {
  const out = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let env;
    try {
      env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    } catch {
      continue; // gone, or not ours to read
    }
    if (env.includes(`LAB_NODE_NAME=${name}`) && env.some((e) => e.startsWith('LAB_IMAGE='))) out.push({ pid: Number(pid), start: procStart(Number(pid)) });
  }
  return out;
}

/** Signals a recorded process and its group, only while it is still that process. */
export function signalRecorded(pid, start, sig) {
  if (!sameProcess(pid, start)) return;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, sig);
    } catch {
      // not a group leader / gone
    }
  }
}

export function readMaybe(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes a file atomically, creating its directory. */
export function writeFile(path, data, mode = 0o644) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

/** Reads a JSON state file with a default. */
export function readJson(path, dflt) {
  const t = readMaybe(path);
  return t === undefined ? dflt : JSON.parse(t);
}

/** Writes a JSON state file. */
export function writeJson(path, value) {
  writeFile(path, JSON.stringify(value, null, 2) + '\n');
}

/** Sleeps `ms` milliseconds. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The host's first non-loopback IPv4 address (the lab's eth0). */
export async function nodeIp() {
  const { networkInterfaces } = await import('node:os');
  const ifs = networkInterfaces();
  for (const name of ['eth0', ...Object.keys(ifs)]) {
    for (const a of ifs[name] ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/** The host name as kubeadm uses it for the node name (lower case). */
export async function nodeName() {
  const { hostname } = await import('node:os');
  return hostname().toLowerCase();
}

/** An RFC 3339 timestamp without milliseconds, as Kubernetes prints them. */
export function rfc3339(d = new Date()) {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A Go-like duration ("24h0m0s", "1h", "30m", "10s") in milliseconds; 0 means "never expires". */
export function parseDuration(s) {
  if (s === undefined || s === null || s === '') return undefined;
  if (/^0+$/.test(String(s))) return 0;
  let ms = 0;
  const re = /(\d+(?:\.\d+)?)(h|m|s|ms)/g;
  let m;
  let seen = '';
  while ((m = re.exec(String(s)))) {
    ms += Number(m[1]) * { h: 3600e3, m: 60e3, s: 1e3, ms: 1 }[m[2]];
    seen += m[0];
  }
  if (seen !== String(s)) throw new Fatal(`invalid duration "${s}"`);
  return ms;
}
