// The kplay entry point: dispatches to a command and turns every failure into one clear message and
// an ansible-playbook exit code. This is the one place where exceptions become exit codes.
import { existsSync } from 'node:fs';
import { configCandidates } from '../config/config.js';
import { ExitCode, UserError } from '../errors.js';
import { parseArgs, UsageError } from './args.js';
import { adhocHelp, inventoryHelp, playbookHelp, versionText } from './help.js';
import { processIO, type CliIO } from './io.js';
import { adhocOptions, inventoryOptions, playbookOptions } from './options.js';

/** Runs kplay with the given arguments; resolves to the process exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const sub = argv[0] === 'inventory' || argv[0] === 'adhoc' ? argv[0] : undefined;
  const isInventory = sub === 'inventory';
  const args = sub ? argv.slice(1) : argv;
  try {
    const parsed = parseArgs(args, sub === 'inventory' ? inventoryOptions : sub === 'adhoc' ? adhocOptions : playbookOptions);
    if (parsed.opts.help) {
      io.out(sub === 'inventory' ? inventoryHelp() : sub === 'adhoc' ? adhocHelp() : playbookHelp());
      return ExitCode.ok;
    }
    if (parsed.opts.version) {
      io.out(versionText(configCandidates(io.cwd, io.env).find((p) => existsSync(p))));
      return ExitCode.ok;
    }
    // commands load lazily so `kplay --version` stays fast; `return await` keeps their
    // rejections inside this try, the one place where errors become exit codes
    if (isInventory) return await (await import('./inventory-cmd.js')).inventoryCommand(parsed, io);
    if (sub === 'adhoc') return await (await import('./adhoc-cmd.js')).adhocCommand(parsed, io);
    return await (await import('./playbook-cmd.js')).playbookCommand(parsed, io);
  } catch (e) {
    return report(e, io, sub);
  }
}

function report(e: unknown, io: CliIO, sub: string | undefined): number {
  const cmd = sub ? `kplay ${sub}` : 'kplay';
  const isInventory = sub === 'inventory';
  if (e instanceof UsageError) {
    io.err(`usage: ${cmd} [options] ${isInventory ? '(--list | --host HOST | --graph [GROUP])' : sub === 'adhoc' ? "PATTERN -m MODULE -a 'ARGS'" : 'playbook.yaml [playbook.yaml ...]'}`);
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
