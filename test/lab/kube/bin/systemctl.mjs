#!/usr/bin/env node
// The lab's systemctl: a small service manager for hosts without systemd. Reads units and drop-ins
// from /etc/systemd/system, /run/systemd/system and /lib/systemd/system, runs services as real
// processes in the host's namespaces (logs under /var/log/<unit>.log), remembers them under
// /run/lab-systemd, and answers like systemctl (messages and exit codes).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, openSync, closeSync, readdirSync, readlinkSync, rmSync, symlinkSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Fatal, main, parseFlags, readMaybe, readJson, writeJson, sleep, procStart, sameProcess, signalRecorded } from '../lib/common.mjs';

const RUN = '/run/lab-systemd';
const DIRS = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system'];
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const unitName = (n) => (/\.(service|target|socket|timer|mount)$/.test(n) ? n : `${n}.service`);

/** Splits a command line the way systemd does (quotes, backslashes). */
function splitWords(s) {
  const out = [];
  let cur = '';
  let q = '';
  let any = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (q) {
      if (ch === q) q = '';
      else if (ch === '\\' && q === '"' && i + 1 < s.length) cur += s[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      q = ch;
      any = true;
    } else if (ch === '\\' && i + 1 < s.length) cur += s[++i];
    else if (/\s/.test(ch)) {
      if (cur || any) out.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (cur || any) out.push(cur);
  return out;
}

function findUnit(name) {
  for (const d of DIRS) {
    const p = join(d, name);
    if (existsSync(p) || isLink(p)) return p;
  }
  return undefined;
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function masked(name) {
  const p = join('/etc/systemd/system', name);
  return isLink(p) && readlinkSync(p) === '/dev/null';
}

/** Loads a unit with its drop-ins: { path, text, service: {...}, install: {...}, unit: {...} }. */
function loadUnit(name) {
  const path = findUnit(name);
  if (!path || masked(name)) return undefined;
  const files = [path];
  for (const d of [...DIRS].reverse()) {
    const dd = join(d, `${name}.d`);
    if (existsSync(dd)) for (const f of readdirSync(dd).filter((x) => x.endsWith('.conf')).sort()) files.push(join(dd, f));
  }
  const sections = { Unit: {}, Service: {}, Install: {} };
  let text = '';
  for (const f of files) {
    const t = readFileSync(f, 'utf8');
    text += t;
    let sec = '';
    const lines = t.replace(/\\\n/g, ' ').split('\n');
    for (const raw of lines) {
      const line = raw.trim();
      if (!line || line.startsWith('#') || line.startsWith(';')) continue;
      const m = /^\[(\w+)\]$/.exec(line);
      if (m) {
        sec = m[1];
        sections[sec] ??= {};
        continue;
      }
      const eq = line.indexOf('=');
      if (eq === -1 || !sec) continue;
      const k = line.slice(0, eq).trim();
      const v = line.slice(eq + 1).trim();
      const list = (sections[sec][k] ??= []);
      if (v === '') list.length = 0; // an empty assignment resets the list (drop-ins use it for ExecStart=)
      else list.push(v);
    }
  }
  return { name, path, files, text, hash: createHash('sha256').update(text).digest('hex'), ...sections };
}

function specifiers(s, name) {
  const prefix = name.replace(/\.[^.]+$/, '').split('@')[0];
  return s.replace(/%[%HnNpi]/g, (m) => ({ '%%': '%', '%H': hostname(), '%n': name, '%N': name.replace(/\.[^.]+$/, ''), '%p': prefix, '%i': (name.split('@')[1] ?? '').replace(/\.[^.]+$/, '') })[m]);
}

function environment(u) {
  const env = { PATH, LANG: 'C.UTF-8' };
  for (const e of u.Service.Environment ?? []) for (const w of splitWords(specifiers(e, u.name))) {
    const i = w.indexOf('=');
    if (i > 0) env[w.slice(0, i)] = w.slice(i + 1);
  }
  for (const ef of u.Service.EnvironmentFile ?? []) {
    const optional = ef.startsWith('-');
    const f = specifiers(optional ? ef.slice(1) : ef, u.name);
    const t = readMaybe(f);
    if (t === undefined) {
      if (!optional) throw new Fatal(`Failed to load environment files: No such file or directory`);
      continue;
    }
    for (const line of t.split('\n')) {
      const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
      if (m) env[m[1]] = (splitWords(m[2])[0] ?? '');
    }
  }
  return env;
}

/** Expands $VAR (split into words) and ${VAR} (one word) in an Exec line. */
function expand(line, env, name) {
  const words = [];
  for (const w of splitWords(specifiers(line, name))) {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(w);
    if (whole) words.push(...splitWords(env[whole[1]] ?? ''));
    else words.push(w.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, b) => env[a ?? b] ?? ''));
  }
  return words;
}

function execLine(raw) {
  let line = raw;
  let ignore = false;
  while (/^[-@+!:]/.test(line)) {
    if (line[0] === '-') ignore = true;
    line = line.slice(1);
  }
  return { line, ignore };
}

function userIds(user) {
  if (!user || user === 'root') return {};
  const pw = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[0] === user);
  if (!pw) throw new Fatal(`Failed to determine user credentials: No such process`);
  return { uid: Number(pw[2]), gid: Number(pw[3]) };
}

const statePath = (name) => join(RUN, `${name}.json`);
const logPath = (name) => `/var/log/${name.replace(/\.service$/, '')}.log`;

function state(name) {
  const s = readJson(statePath(name), undefined);
  if (!s) return { active: 'inactive' };
  if (s.active === 'active' && !s.timer && !s.oneshot && !sameProcess(s.pid, s.start)) return { ...s, active: s.stopping ? 'inactive' : 'failed', result: 'exit-code' };
  return s;
}

function runSync(u, raw, env) {
  const { line, ignore } = execLine(raw);
  const argv = expand(line, env, u.name);
  const fd = openSync(logPath(u.name), 'a');
  const r = spawnSync(argv[0], argv.slice(1), { env, stdio: ['ignore', fd, fd], ...userIds(u.Service.User?.at(-1)), timeout: 90000 });
  closeSync(fd);
  return ignore || r.status === 0;
}

function jobFailed(name, control = true) {
  return new Fatal(`Job for ${name} failed because ${control ? 'the control process exited with error code' : 'a fatal signal was delivered to the control process'}.\nSee "systemctl status ${name}" and "journalctl -xeu ${name}" for details.`, 1);
}

async function start(name) {
  const u = loadUnit(name);
  if (!u) throw new Fatal(masked(name) ? `Failed to start ${name}: Unit ${name} is masked.` : `Failed to start ${name}: Unit ${name} not found.`, 5);
  if (state(name).active === 'active') return;
  // a timer is recorded as started and never fires: tests start its service themselves
  if (name.endsWith('.timer')) {
    writeJson(statePath(name), { active: 'active', pid: 0, since: new Date().toISOString(), hash: u.hash, timer: true });
    return;
  }
  for (const c of u.Unit.ConditionFileNotEmpty ?? []) {
    const t = readMaybe(c);
    if (!t) return; // condition failed: systemd skips the start silently
  }
  mkdirSync(RUN, { recursive: true });
  mkdirSync('/var/log', { recursive: true });
  const env = environment(u);
  const fail = (why) => {
    writeJson(statePath(name), { active: 'failed', result: why, since: new Date().toISOString(), hash: u.hash });
    return jobFailed(name);
  };
  for (const pre of u.Service.ExecStartPre ?? []) if (!runSync(u, pre, env)) throw fail('exit-code');
  const type = u.Service.Type?.at(-1) ?? 'simple';
  const execStart = u.Service.ExecStart ?? [];
  if (!execStart.length) throw new Fatal(`Failed to start ${name}: Unit ${name} has no ExecStart= setting.`, 1);
  if (type === 'oneshot') {
    for (const e of execStart) if (!runSync(u, e, env)) throw fail('exit-code');
    writeJson(statePath(name), { active: u.Service.RemainAfterExit?.at(-1) === 'yes' ? 'active' : 'inactive', pid: 0, since: new Date().toISOString(), hash: u.hash, oneshot: true });
    return;
  }
  if (type === 'forking') {
    if (!runSync(u, execStart[0], env)) throw fail('exit-code');
    const pidFile = u.Service.PIDFile?.at(-1);
    const pid = pidFile ? Number(readMaybe(pidFile)?.trim()) : 0;
    writeJson(statePath(name), { active: 'active', pid, start: procStart(pid), since: new Date().toISOString(), hash: u.hash, forking: true });
  } else {
    const { line } = execLine(execStart[0]);
    const argv = expand(line, env, u.name);
    const fd = openSync(logPath(name), 'a');
    const child = spawn(argv[0], argv.slice(1), { env, detached: true, stdio: ['ignore', fd, fd], cwd: u.Service.WorkingDirectory?.at(-1) ?? '/', ...userIds(u.Service.User?.at(-1)) });
    closeSync(fd);
    const spawned = await new Promise((res) => {
      child.once('spawn', () => res(true));
      child.once('error', () => res(false));
    });
    if (!spawned) throw fail('exit-code');
    let exited = false;
    child.once('exit', () => (exited = true));
    child.unref();
    writeJson(statePath(name), { active: 'active', pid: child.pid, start: procStart(child.pid), since: new Date().toISOString(), hash: u.hash });
    // a service that dies at once failed to start (systemd would see it for notify services)
    await sleep(type === 'notify' ? 700 : 300);
    if (exited || !sameProcess(child.pid)) throw fail('exit-code');
  }
  for (const post of u.Service.ExecStartPost ?? []) runSync(u, post, env);
}

async function stop(name) {
  const s = state(name);
  const u = loadUnit(name);
  if (s.active !== 'active') {
    if (s.active === 'failed') writeJson(statePath(name), { active: 'inactive', since: new Date().toISOString() });
    return;
  }
  if (s.timer) {
    writeJson(statePath(name), { active: 'inactive', since: new Date().toISOString() });
    return;
  }
  writeJson(statePath(name), { ...s, stopping: true });
  if (u) {
    const env = { ...environment(u), MAINPID: String(s.pid) };
    for (const e of u.Service.ExecStop ?? []) runSync(u, e, env);
  }
  signalRecorded(s.pid, s.start, 'SIGTERM');
  for (let i = 0; i < 50 && sameProcess(s.pid, s.start); i++) await sleep(100);
  signalRecorded(s.pid, s.start, 'SIGKILL');
  for (let i = 0; i < 20 && sameProcess(s.pid, s.start); i++) await sleep(50);
  writeJson(statePath(name), { active: 'inactive', since: new Date().toISOString() });
}

async function reload(name) {
  const u = loadUnit(name);
  if (!u) throw new Fatal(`Failed to reload ${name}: Unit ${name} not found.`, 5);
  const s = state(name);
  if (s.active !== 'active') throw new Fatal(`${name} is not active, cannot reload.`, 1);
  const lines = u.Service.ExecReload ?? [];
  if (!lines.length) throw new Fatal(`Failed to reload ${name}: Job type reload is not applicable for unit ${name}.`, 1);
  const env = { ...environment(u), MAINPID: String(s.pid) };
  for (const l of lines) if (!runSync(u, l, env)) throw new Fatal(`Job for ${name} failed.\nSee "systemctl status ${name}" and "journalctl -xeu ${name}" for details.`, 1);
  if (s.forking && u.Service.PIDFile) {
    const pid = Number(readMaybe(u.Service.PIDFile.at(-1))?.trim());
    if (pid) writeJson(statePath(name), { ...s, pid, start: procStart(pid), hash: u.hash });
  } else writeJson(statePath(name), { ...s, hash: u.hash });
}

function wantsLinks(u) {
  const targets = [...(u.Install.WantedBy ?? []), ...(u.Install.RequiredBy ?? [])].flatMap((t) => t.split(/\s+/));
  return targets.map((t) => join('/etc/systemd/system', `${t}.wants`, u.name));
}

function enabledState(name) {
  if (masked(name)) return 'masked';
  const u = loadUnit(name);
  if (!u) return undefined;
  const links = wantsLinks(u);
  if (!links.length) return 'static';
  return links.some((l) => isLink(l) || existsSync(l)) ? 'enabled' : 'disabled';
}

function enable(name) {
  const u = loadUnit(name);
  if (!u) throw new Fatal(`Failed to enable unit: Unit file ${name} does not exist.`, 1);
  for (const l of wantsLinks(u)) {
    if (isLink(l)) continue;
    mkdirSync(join(l, '..'), { recursive: true });
    symlinkSync(u.path, l);
    process.stderr.write(`Created symlink ${l} → ${u.path}.\n`);
  }
}

function disable(name) {
  const u = loadUnit(name);
  if (!u) throw new Fatal(`Failed to disable unit: Unit file ${name} does not exist.`, 1);
  for (const l of wantsLinks(u)) {
    if (!isLink(l)) continue;
    rmSync(l);
    process.stderr.write(`Removed "${l}".\n`);
  }
}

function warnChanged(name) {
  const loaded = readJson(join(RUN, 'loaded.json'), {});
  const u = loadUnit(name);
  if (u && loaded[name] && loaded[name] !== u.hash) process.stderr.write(`Warning: The unit file, source configuration file or drop-ins of ${name} changed on disk. Run 'systemctl daemon-reload' to reload units.\n`);
}

function daemonReload() {
  const loaded = {};
  for (const d of DIRS) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) if (f.endsWith('.service')) loaded[f] = loadUnit(f)?.hash;
  }
  writeJson(join(RUN, 'loaded.json'), loaded);
}

function tail(path, n) {
  const t = readMaybe(path) ?? '';
  return t.split('\n').filter(Boolean).slice(-n);
}

function statusText(name) {
  const u = loadUnit(name);
  const s = state(name);
  const en = enabledState(name) ?? 'disabled';
  const desc = u?.Unit.Description?.at(-1) ?? name;
  const active = s.active === 'active' ? `active (running) since ${s.since}` : s.active === 'failed' ? `failed (Result: ${s.result ?? 'exit-code'}) since ${s.since}` : `inactive (dead)${s.since ? ` since ${s.since}` : ''}`;
  const lines = [`${s.active === 'active' ? '●' : s.active === 'failed' ? '×' : '○'} ${name} - ${desc}`, `     Loaded: loaded (${u?.path}; ${en}; preset: enabled)`];
  if (u && u.files.length > 1) lines.push(`    Drop-In: ${u.files.slice(1).join(', ')}`);
  lines.push(`     Active: ${active}`);
  if (s.active === 'active' && s.pid) lines.push(`   Main PID: ${s.pid} (${(readMaybe(`/proc/${s.pid}/comm`) ?? '?').trim()})`);
  lines.push('', ...tail(logPath(name), 10));
  return lines.join('\n') + '\n';
}

await main(async () => {
  const { flags, args } = parseFlags(process.argv.slice(2), ['now', 'quiet', 'q', 'no-pager', 'no-block', 'force', 'full', 'l', 'system', 'no-legend', 'all', 'a']);
  const quiet = flags.quiet || flags.q;
  const [verb, ...rawUnits] = args;
  const units = rawUnits.map(unitName);
  switch (verb) {
    case 'start':
      for (const n of units) {
        warnChanged(n);
        await start(n);
      }
      return 0;
    case 'stop':
      for (const n of units) await stop(n);
      return 0;
    case 'restart':
    case 'try-restart':
    case 'reload-or-restart':
      for (const n of units) {
        warnChanged(n);
        if (!loadUnit(n)) throw new Fatal(`Failed to restart ${n}: Unit ${n} not found.`, 5);
        if (verb === 'try-restart' && state(n).active !== 'active') continue;
        await stop(n);
        await start(n);
      }
      return 0;
    case 'reload':
      for (const n of units) await reload(n);
      return 0;
    case 'is-active': {
      let rc = 3;
      for (const n of units) {
        const a = state(n).active;
        if (!quiet) process.stdout.write(`${a}\n`);
        if (a === 'active') rc = rc === 3 && units.length > 1 ? 3 : 0;
      }
      return units.every((n) => state(n).active === 'active') ? 0 : rc === 0 && units.length === 1 ? 0 : 3;
    }
    case 'is-failed':
      return units.some((n) => state(n).active === 'failed') ? 0 : 1;
    case 'is-enabled': {
      let ok = true;
      for (const n of units) {
        const e = enabledState(n);
        if (e === undefined) throw new Fatal(`Failed to get unit file state for ${n}: No such file or directory`, 1);
        if (!quiet) process.stdout.write(`${e}\n`);
        if (!['enabled', 'static', 'alias'].includes(e)) ok = false;
      }
      return ok ? 0 : 1;
    }
    case 'enable':
      for (const n of units) {
        enable(n);
        if (flags.now) await start(n);
      }
      return 0;
    case 'disable':
      for (const n of units) {
        disable(n);
        if (flags.now) await stop(n);
      }
      return 0;
    case 'mask':
      for (const n of units) {
        const p = join('/etc/systemd/system', n);
        if (!isLink(p)) symlinkSync('/dev/null', p);
        process.stderr.write(`Created symlink ${p} → /dev/null.\n`);
      }
      return 0;
    case 'unmask':
      for (const n of units) if (masked(n)) rmSync(join('/etc/systemd/system', n));
      return 0;
    case 'daemon-reload':
      daemonReload();
      return 0;
    case 'status': {
      let rc = 0;
      for (const n of units) {
        if (!loadUnit(n)) {
          process.stderr.write(`Unit ${n} could not be found.\n`);
          rc = 4;
          continue;
        }
        process.stdout.write(statusText(n));
        if (state(n).active !== 'active') rc = rc || 3;
      }
      return rc;
    }
    case 'show': {
      const n = units[0];
      const s = state(n);
      const e = enabledState(n);
      // (Ansible's systemd module finds a unit by its LoadState)
      const load = e === undefined ? 'not-found' : e === 'masked' ? 'masked' : 'loaded';
      process.stdout.write(`LoadState=${load}\nMainPID=${s.active === 'active' ? s.pid : 0}\nActiveState=${s.active}\nUnitFileState=${e ?? ''}\n`);
      return 0;
    }
    default:
      throw new Fatal(`Unknown command verb ${verb ?? ''}.`, 1);
  }
});
