// A V8 code cache for the CommonJS libraries kplay loads (ssh2, yaml, handlebars, source-map), as
// Node 22's module.enableCompileCache() does; Node 20 has none. Compiling them, and the functions a
// run then uses, costs ~70 ms of every run's start; with the cache that work is read back from
// ~/.cache/kplay. V8 checks each entry against the source and its own version and rejects a stale
// one, which is then written again. Only a directory of the user's own that nobody else can write is
// used. KPLAY_NO_COMPILE_CACHE=1 turns it off; any cache error only means compiling as usual.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

interface CjsModule {
  exports: unknown;
  require(id: string): unknown;
}
type Compile = (this: CjsModule, content: string, filename: string) => unknown;
interface ModuleInternals {
  prototype: { _compile: Compile };
  wrap(content: string): string;
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: unknown): string;
  _extensions: unknown;
  _cache: unknown;
}

/** Where the cache lives for this Node version (entries of another V8 would be rejected anyway). */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'kplay', `v8-${process.versions.v8}-${process.arch}`);
}

// Code read from the cache runs as this user (often root): the directory must be this user's own, a
// real directory that nobody else can write (a HOME kept across sudo could point into another's).
function trusted(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === process.geteuid?.() && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Installs the cache for libraries under node_modules; entries are written when the process exits. */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  if (env.KPLAY_NO_COMPILE_CACHE) return;
  const dir = compileCacheDir(env);
  if (!trusted(dir)) return;
  const M = Module as unknown as ModuleInternals;
  const original = M.prototype._compile;
  const fresh: [vm.Script, string][] = [];
  M.prototype._compile = function (this: CjsModule, content: string, filename: string): unknown {
    if (!filename.includes('/node_modules/')) return original.call(this, content, filename);
    const entry = join(dir, createHash('sha1').update(filename).digest('hex'));
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(entry);
    } catch {
      cachedData = undefined;
    }
    const script = new vm.Script(M.wrap(content), { filename, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
    if (!cachedData || script.cachedDataRejected) fresh.push([script, entry]);
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    const mod = this;
    // the `require` Node gives a module: the parts these libraries use
    const req = Object.assign((id: string) => mod.require(id), {
      resolve: (request: string, options?: unknown) => M._resolveFilename(request, mod, false, options),
      main: (process as unknown as { mainModule?: unknown }).mainModule,
      extensions: M._extensions,
      cache: M._cache,
    });
    return wrapper.call(mod.exports, mod.exports, req, mod, filename, dirname(filename));
  };
  // written at exit, so each entry also holds the functions this run compiled
  process.once('exit', () => {
    if (!fresh.length) return;
    try {
      for (const [script, entry] of fresh) {
        const tmp = `${entry}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, entry);
      }
    } catch {
      // a read-only home: the next run compiles again
    }
  });
}
