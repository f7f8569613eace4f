// The resident perl helper, run locally on pipes (the same bytes it gets over SSH): every file
// operation and command must give what the shell commands give through the local connection, the
// framing must survive replies cut anywhere, and the helper must leave nothing behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostIO } from '../../engine/runner/host-io.js';
import { HelperSession, encodeRequest, type HelperChannel } from '../../engine/transport/helper.js';
import { HELPER_SOURCE, helperBoot } from '../../engine/transport/helper-source.js';
import { LocalTransport } from '../../engine/transport/local.js';
import type { Transport } from '../../engine/transport/types.js';

const dir = mkdtempSync(join(tmpdir(), 'kplay-helper-'));
const helperTmp = join(dir, 'helper-tmp');
mkdirSync(helperTmp);
let child: ChildProcess;
let session: HelperSession;

/** Starts the helper as `perl -e BOOT` on pipes, the way sshd runs it. */
async function startHelper(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; session: HelperSession }> {
  const c = spawn('perl', ['-e', helperBoot()], { stdio: ['pipe', 'pipe', 'pipe'], env, cwd: dir });
  const channel: HelperChannel = {
    write: (d) => c.stdin?.write(d),
    onData: (f) => c.stdout?.on('data', f),
    onClose: (f) => c.on('close', f),
    end: () => c.stdin?.end(),
  };
  return { child: c, session: await HelperSession.start(channel) };
}

beforeAll(async () => {
  ({ child, session } = await startHelper({ ...process.env, TMPDIR: helperTmp, HOME: dir }));
});
afterAll(() => {
  child.kill();
  rmSync(dir, { recursive: true, force: true });
});

const shellT: Transport = new LocalTransport();
/** A transport whose file operations and commands go through the helper. */
const helperT = (): Transport => ({
  exec: (c, o) => session.exec(c, { env: o?.env, cwd: o?.cwd, timeoutMs: o?.timeoutMs, stdin: o?.stdin === undefined ? undefined : Buffer.from(o.stdin) }),
  fileOp: (op) => session.fileOp(op),
  kill: () => undefined,
  describe: () => 'helper',
  close: async () => undefined,
});

// name, how to make the path
const paths: [string, (p: string) => void][] = [
  ['missing path', () => undefined],
  ['empty file', (p) => writeFileSync(p, '')],
  ['text without a final newline', (p) => writeFileSync(p, 'a\nb')],
  ['text that looks like the MISSING answer', (p) => writeFileSync(p, 'MISSING\n')],
  ['binary bytes', (p) => writeFileSync(p, Buffer.from([0, 10, 255, 10, 13]))],
  ['setuid and sticky bits', (p) => (writeFileSync(p, 'x'), chmodSync(p, 0o5755))],
  ['directory', (p) => mkdirSync(p)],
  ['link to a file', (p) => (writeFileSync(`${p}.target`, 'via link\n'), symlinkSync(`${p}.target`, p))],
  ['link to a directory', (p) => (mkdirSync(`${p}.target`), symlinkSync(`${p}.target`, p))],
  ['dangling link', (p) => symlinkSync(join(dir, 'nowhere'), p)],
  ['name with spaces and a quote', (p) => writeFileSync(p, 'odd\n')],
];

// a call's value, or that it failed (the messages' wording differs between tools and the helper)
async function settle<T>(f: () => Promise<T>): Promise<T | 'rejected'> {
  try {
    return await f();
  } catch {
    return 'rejected';
  }
}

describe('helper file operations give what the shell commands give', () => {
  it.each(paths)('%s: stat, stat(follow), inspect and read', async (name, make) => {
    const p = join(dir, `read ${name.replace(/\W+/g, '-')}${name.includes('quote') ? " it's" : ''}`);
    make(p);
    const viaShell = hostIO(shellT, undefined);
    const viaHelper = hostIO(helperT(), undefined);
    const calls: ((io: typeof viaShell) => Promise<unknown>)[] = [(io) => io.stat(p), (io) => io.stat(p, true), (io) => io.inspect(p), (io) => io.read(p)];
    for (const call of calls) {
      expect(await settle(() => call(viaHelper))).toEqual(await settle(() => call(viaShell)));
    }
  });

  // name, attributes, what exists before, the mode left (as Ansible's atomic_move and set_fs_attributes leave it; umask 022)
  const old = (mode: number) => (p: string) => (writeFileSync(p, 'old'), chmodSync(p, mode));
  const writes: [string, { mode?: string; owner?: string; group?: string }, ((p: string) => void) | undefined, string | undefined][] = [
    ['a new file without a mode (0666 less the umask)', {}, undefined, '644'],
    ['a new file with mode 0600', { mode: '0600' }, undefined, '600'],
    ['an existing file keeps its mode', {}, old(0o640), '640'],
    ['a symbolic mode', { mode: 'u=rw,go=' }, undefined, '600'],
    ["a symbolic mode changes a new file's mode from the umask's", { mode: 'u+x,g+w' }, undefined, '764'],
    ["a symbolic mode changes an existing file's mode", { mode: 'o-r' }, old(0o664), '660'],
    ['setuid asked with an owner is kept (the owner is set first)', { mode: '04755', owner: 'nobody' }, undefined, '4755'],
    ['an existing setuid file rewritten without a mode loses setuid (its owner is set again after its mode)', {}, old(0o4755), '755'],
    ['owner and group by name', { owner: 'root', group: 'root' }, undefined, '644'],
    ['owner and group by number', { owner: '0', group: '0' }, undefined, '644'],
    ['an unknown owner fails and leaves no temp file', { owner: 'no-such-user-kplay' }, undefined, undefined],
    ['an unknown group fails', { group: 'no-such-group-kplay' }, undefined, undefined],
    ['an invalid mode fails', { mode: 'u=bogus' }, undefined, undefined],
  ];
  it.each(writes)('write: %s', async (name, attrs, before, left) => {
    const results: unknown[] = [];
    for (const [label, t] of [['shell', shellT], ['helper', helperT()]] as const) {
      const d = join(dir, `write-${label}-${name.replace(/\W+/g, '-')}`);
      mkdirSync(d);
      const p = join(d, 'target');
      before?.(p);
      const r = await settle(() => hostIO(t, undefined).write(p, Buffer.from('new content\n'), attrs));
      const st = existsSync(p) ? statSync(p) : undefined;
      results.push({ r, content: st ? readFileSync(p, 'utf8') : undefined, mode: st ? (st.mode & 0o7777).toString(8) : undefined, uid: st?.uid, files: readdirSync(d) });
    }
    expect(results[1]).toEqual(results[0]);
    if (left !== undefined) expect((results[0] as { mode?: string }).mode).toBe(left);
  });

  it('write into a missing directory fails on both', async () => {
    const p = join(dir, 'no-such-dir', 'f');
    await expect(hostIO(helperT(), undefined).write(p, Buffer.from('x'), {})).rejects.toThrow(/cannot write .*no-such-dir/);
    await expect(hostIO(shellT, undefined).write(p, Buffer.from('x'), {})).rejects.toThrow(/cannot write .*no-such-dir/);
  });
});

describe('helper commands give what /bin/sh -c gives', () => {
  // name, command, options
  const commands: [string, string, { stdin?: string; env?: Record<string, string>; cwd?: string }][] = [
    ['output on both streams and an exit code', 'echo hi; echo err >&2; exit 3', {}],
    ['binary output without a final newline', "printf '\\000\\377\\n\\001'", {}],
    ['no output at all', 'true', {}],
    ['stdin given', 'cat; echo; wc -c', { stdin: 'line one\nline two' }],
    ['no stdin: reads see end of file at once', 'cat; echo done', {}],
    ['environment with spaces and quotes', 'echo "$A|$B"', { env: { A: 'a b', B: `it's "x"` } }],
    ['a working directory', 'pwd', { cwd: '/' }],
    ['killed by a signal', 'kill -9 $$', {}],
    ['the umask is 022', 'umask', {}],
  ];
  it.each(commands)('%s', async (_n, command, opts) => {
    const viaShell = await shellT.exec(command, opts);
    const viaHelper = await helperT().exec(command, opts);
    expect({ rc: viaHelper.rc, out: viaHelper.stdout.toString('latin1') }).toEqual({ rc: viaShell.rc, out: viaShell.stdout.toString('latin1') });
    expect(viaHelper.stderr.toString()).toEqual(viaShell.stderr.toString());
  });

  it('fails a command whose working directory is missing, as the SSH shell does (rc 1, cd says why)', async () => {
    const r = await session.exec('pwd', { cwd: '/no/such/dir' });
    expect(r.rc).toBe(1);
    expect(r.stdout.toString()).toBe('');
    expect(r.stderr.toString()).toMatch(/cd: can't cd to \/no\/such\/dir/);
  });

  it('kills a command past its timeout with rc 124 and says so', async () => {
    const t0 = Date.now();
    const r = await session.exec('sleep 20', { timeoutMs: 1000 });
    expect(r.rc).toBe(124);
    expect(r.stderr.toString()).toContain('command timed out after 1000 ms');
    expect(Date.now() - t0).toBeLessThan(10_000);
    // the session goes on
    expect((await session.exec('echo after', {})).stdout.toString()).toBe('after\n');
  });

  it('answers when the command leaves a background process holding its output', async () => {
    const t0 = Date.now();
    const r = await session.exec('sleep 15 & echo started', {});
    expect(r.stdout.toString()).toBe('started\n');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('carries 5 MB of stdin and 10 MB of output exactly', async () => {
    const big = Buffer.alloc(5_000_000, 'k');
    expect((await session.exec('wc -c', { stdin: big })).stdout.toString().trim()).toBe('5000000');
    const out = await session.exec('head -c 10000000 /dev/zero | tr "\\0" "z"', {});
    expect(out.stdout.length).toBe(10_000_000);
    expect(out.stdout.every((b) => b === 0x7a)).toBe(true);
  });

  it('keeps 60 interleaved requests in order, each with its own answer', async () => {
    const p = join(dir, 'interleaved');
    writeFileSync(p, 'content\n');
    const all = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? session.exec(`echo ${i}`, {}) : i % 3 === 1 ? session.fileOp({ op: 'read', path: p }) : session.fileOp({ op: 'stat', path: `${p}-${i}`, follow: false }))),
    );
    all.forEach((r, i) => expect(r.stdout.toString()).toBe(i % 3 === 0 ? `${i}\n` : i % 3 === 1 ? 'content\n' : 'MISSING\n'));
  });

  it('refuses an unknown request and goes on', async () => {
    expect((await session.request('q', ['x'])).rc).toBe(2);
    expect((await session.exec('echo still', {})).stdout.toString()).toBe('still\n');
  });

  it('kills a running command with its process group when the channel ends (second Ctrl-C)', async () => {
    const h = await startHelper({ ...process.env, TMPDIR: helperTmp });
    const running = h.session.exec('sleep 41.5 & sleep 41.5; echo never', {});
    running.catch(() => undefined);
    const count = (): number => spawnSync('pgrep', ['-f', '^sleep 41.5$'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
    for (let i = 0; i < 50 && count() < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(count()).toBe(2);
    const closed = new Promise((r) => h.child.on('close', r));
    h.session.close();
    await closed;
    await expect(running).rejects.toThrow(/closed/);
    for (let i = 0; i < 50 && count() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(count()).toBe(0);
  });

  it('removes its temporary directory when the channel closes', async () => {
    const tmp = mkdtempSync(join(dir, 'own-tmp-'));
    const h = await startHelper({ ...process.env, TMPDIR: tmp });
    await h.session.exec('echo x', { stdin: Buffer.from('in') });
    expect(readdirSync(tmp)).toHaveLength(1);
    const closed = new Promise((r) => h.child.on('close', r));
    h.session.close();
    await closed;
    expect(readdirSync(tmp)).toEqual([]);
  });
});

/** A channel that greets and answers every request with `reply`, cut into `chunk`-byte pieces. */
function fakeChannel(reply: (n: number) => Buffer, chunk: number): HelperChannel {
  const ev = new EventEmitter();
  let n = 0;
  const send = (b: Buffer): void => {
    setImmediate(() => {
      for (let i = 0; i < b.length; i += chunk) ev.emit('data', b.subarray(i, i + chunk));
    });
  };
  return {
    write: (d) => {
      if (d === HELPER_SOURCE) send(Buffer.from('0 14 0\nkplay-helper 1'));
      else send(reply(n++));
    },
    onData: (f) => ev.on('data', f),
    onClose: (f) => ev.on('close', f),
    end: () => ev.emit('close'),
  };
}

describe('helper framing', () => {
  const replies = [Buffer.from('0 0 0\n'), Buffer.from('3 2 3\nhierr'), Buffer.concat([Buffer.from('1 4 1\n'), Buffer.from([0, 10, 255, 13]), Buffer.from('\n')]), Buffer.from('0 11 0\n0 11 0\nabcd')];
  for (const chunk of [1, 2, 5, 100_000]) {
    it(`returns each answer exactly when it arrives in ${chunk}-byte pieces`, async () => {
      const s = await HelperSession.start(fakeChannel((i) => replies[i % replies.length] as Buffer, chunk));
      const got = await Promise.all(replies.map(() => s.request('x', [])));
      expect(got).toEqual([
        { rc: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) },
        { rc: 3, stdout: Buffer.from('hi'), stderr: Buffer.from('err') },
        { rc: 1, stdout: Buffer.from([0, 10, 255, 13]), stderr: Buffer.from('\n') },
        { rc: 0, stdout: Buffer.from('0 11 0\nabcd'), stderr: Buffer.alloc(0) },
      ]);
    });
  }

  it('rejects waiting requests when the channel closes, and later ones at once', async () => {
    const ch = fakeChannel(() => Buffer.alloc(0), 1);
    const s = await HelperSession.start(ch);
    const waiting = s.request('x', []);
    ch.end();
    await expect(waiting).rejects.toThrow(/closed/);
    await expect(s.request('x', [])).rejects.toThrow(/closed/);
  });

  it('encodes fields by byte length, so any bytes pass', () => {
    expect(encodeRequest('w', ['é', Buffer.from([0, 10]), ''])).toEqual(Buffer.concat([Buffer.from('w 2 2 0\n'), Buffer.from('é'), Buffer.from([0, 10])]));
  });
});
