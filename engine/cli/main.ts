// The kplay entry point: dispatches to a command and turns every failure into one clear message and
// an ansible-playbook exit code. This is the one place where exceptions become exit codes.
import { existsSync } from 'node:fs';
import { configCandidates } from '../config/config.js';
import { ExitCode, UserError } from '../errors.js';
import { parseArgs, UsageError } from './args.js';
import { inventoryHelp, playbookHelp, versionText } from './help.js';
import { processIO, type CliIO } from './io.js';
import { inventoryOptions, playbookOptions } from './options.js';

/** Runs kplay with the given arguments; resolves to the process exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const isInventory = argv[0] === 'inventory';
  const args = isInventory ? argv.slice(1) : argv;
  try {
    const parsed = parseArgs(args, isInventory ? inventoryOptions : playbookOptions);
    if (parsed.opts.help) {
      io.out(isInventory ? inventoryHelp() : playbookHelp());
      return ExitCode.ok;
    }
    if (parsed.opts.version) {
      io.out(versionText(configCandidates(io.cwd, io.env).find((p) => existsSync(p))));
      return ExitCode.ok;
    }
    // commands load lazily so `kplay --version` stays fast; `return await` keeps their
    // rejections inside this try, the one place where errors become exit codes
    if (isInventory) return await (await import('./inventory-cmd.js')).inventoryCommand(parsed, io);
    return await (await import('./playbook-cmd.js')).playbookCommand(parsed, io);
  } catch (e) {
    return report(e, io, isInventory);
  }
}

function report(e: unknown, io: CliIO, isInventory: boolean): number {
  const cmd = isInventory ? 'kplay inventory' : 'kplay';
  if (e instanceof UsageError) {
    io.err(`usage: ${cmd} [options] ${isInventory ? '(--list | --host HOST | --graph [GROUP])' : 'playbook.yaml [playbook.yaml ...]'}`);
    io.err(`${cmd}: error: ${e.message}`);
    io.err(`Run '${cmd} --help' for the list of options.`);
    return e.exitCode;
  }
  if (e instanceof UserError) {
    io.err(e.format());
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.err(`ERROR! unexpected error: ${err.message}`);
  io.err(io.env.KPLAY_DEBUG ? (err.stack ?? '') : '  this is a bug in kplay; run again with KPLAY_DEBUG=1 for the stack trace and report it');
  return ExitCode.unexpected;
}
