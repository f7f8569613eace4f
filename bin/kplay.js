#!/usr/bin/env node
// Thin launcher: the CLI is compiled from engine/ into dist/ and bundled into dist/bundle/ by `npm ci`
// (prepare script). The code cache goes in first, so the libraries the commands load are read from it.
import { enableCompileCache } from '../dist/util/compile-cache.js';

enableCompileCache();
const { main } = await import('../dist/bundle/kplay.js');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
