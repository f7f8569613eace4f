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
export function printWarnings(io: CliIO, warnings: Iterable<string>): void {
  for (const w of new Set(warnings)) io.err(warningText({ msg: w }));
}
