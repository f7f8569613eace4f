// Build step: joins the compiled CLI (dist/cli/main.js and the ~90 modules it loads) into a few ES
// modules in dist/bundle/, which bin/kplay.js runs. Node 20 has no code cache for ES modules: finding,
// reading, linking and compiling each small module cost ~75 ms of every run's start (measured: a five-task
// local play, ~480 → ~400 ms). A dynamic import stays one (its own chunk, loaded when a run needs it); the
// libraries stay outside, where the compile cache (util/compile-cache.ts) serves them.
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

/** Bundles `entry` (the compiled CLI) into `outDir`; the entry chunk is kplay.js. */
export async function bundle(entry: string, outDir: string): Promise<void> {
  await build({
    input: { kplay: entry },
    // node's built-ins and the npm libraries are loaded as they are
    external: (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('file:'),
    platform: 'node',
    // a dynamically imported module that is also imported statically simply stays in its chunk
    onLog: (level, log, handler) => {
      if (log.code !== 'INEFFECTIVE_DYNAMIC_IMPORT') handler(level, log);
    },
    output: { dir: outDir, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', sourcemap: true, cleanDir: true },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // dist/bundle/ is as deep under dist/ as the compiled modules, so the paths they make relative to themselves hold
  await bundle(fileURLToPath(new URL('../cli/main.js', import.meta.url)), fileURLToPath(new URL('../bundle', import.meta.url)));
}
