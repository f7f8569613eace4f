// The code cache of the CLI's libraries: entries appear after a run, are used (not rewritten) by the
// next, a damaged entry is rejected and written again, the libraries behave the same, and the
// switch turns it off. Runs the built launcher's module in child processes, as bin/kplay.js does.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileCacheDir } from '../../engine/util/compile-cache.js';

const home = mkdtempSync(join(tmpdir(), 'kplay-ccache-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const dist = fileURLToPath(new URL('../../dist/util/compile-cache.js', import.meta.url));
// loads yaml and handlebars through the cache and prints what they produce
const script = `import { enableCompileCache } from ${JSON.stringify(dist)};
enableCompileCache();
const { parse } = await import('yaml');
const hb = (await import('handlebars')).default;
console.log(JSON.stringify(parse('a: [1, {b: yes}]')), hb.compile('x={{v}}')({ v: 7 }));`;
const env = { ...process.env, XDG_CACHE_HOME: home };
const cacheDir = compileCacheDir(env);

function run(extra: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)), env: { ...env, ...extra }, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout;
}
const entries = (): string[] => {
  try {
    return readdirSync(cacheDir).sort();
  } catch {
    return [];
  }
};

describe('compile cache', () => {
  it('is off with KPLAY_NO_COMPILE_CACHE', () => {
    expect(run({ KPLAY_NO_COMPILE_CACHE: '1' })).toBe('{"a":[1,{"b":"yes"}]} x=7\n');
    expect(entries()).toEqual([]);
  });

  it('is not used in a directory others can write (its code would run as this user)', () => {
    mkdirSync(cacheDir, { recursive: true });
    chmodSync(cacheDir, 0o777);
    expect(run()).toBe('{"a":[1,{"b":"yes"}]} x=7\n');
    expect(entries()).toEqual([]);
    chmodSync(cacheDir, 0o700);
  });

  it('writes an entry per library file on the first run and uses them, unchanged, on the next', () => {
    expect(run()).toBe('{"a":[1,{"b":"yes"}]} x=7\n');
    const first = entries();
    expect(first.length).toBeGreaterThan(50);
    const mtimes = first.map((f) => statSync(join(cacheDir, f)).mtimeMs);
    expect(run()).toBe('{"a":[1,{"b":"yes"}]} x=7\n');
    expect(entries()).toEqual(first);
    expect(first.map((f) => statSync(join(cacheDir, f)).mtimeMs)).toEqual(mtimes);
  });

  it('rejects a damaged entry, still works, and writes the entry again', () => {
    const [victim] = entries();
    const path = join(cacheDir, victim as string);
    writeFileSync(path, Buffer.from('not a code cache'));
    expect(run()).toBe('{"a":[1,{"b":"yes"}]} x=7\n');
    expect(statSync(path).size).toBeGreaterThan(100);
  });
});
