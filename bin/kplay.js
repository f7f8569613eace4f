#!/usr/bin/env node
// Thin launcher: the CLI is compiled from engine/ into dist/ by `npm ci` (prepare script).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
