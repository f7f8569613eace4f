// Where the CLI writes: real streams in production, buffers in tests. Warnings use Ansible's format.
import { warningText } from '../report/console.js';

/** The CLI's output channels. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** The process's own stdout/stderr, cwd and environment. */
export function processIO(): CliIO {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** Prints warnings as Ansible does: `[WARNING]: message` on stderr, each once, wrapped at 79 columns. */
export function printWarnings(io: CliIO, warnings: Iterable<string>, deprecation = false): void {
  for (const w of new Set(warnings)) io.err(warningText({ msg: w, deprecation }));
}

/** Prints what setup found to warn of: the config's deprecations first, as Ansible's CLI prints them, then the warnings. */
export function printSetupWarnings(io: CliIO, s: { warnings: string[]; deprecations: string[] }): void {
  printWarnings(io, s.deprecations, true);
  printWarnings(io, s.warnings);
}
