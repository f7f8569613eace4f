// shell: runs a command line through /bin/sh (or `executable`), with pipes, redirections, globs.
// Declared as command is: the same facts and plan, with the line as its cmd.
import { shellQuote as q } from '../util/shell.js';
import { declareModule } from './declare.js';
import { RAW_KEYS } from './option-kinds.js';
import { commandFacts, commandPlan, noCommand } from './run-command.js';

const str = { type: 'str' } as const;
const path = { type: 'path' } as const;
const bool = { type: 'bool' } as const;

/** The shell module. */
export const shellModule = declareModule({
  spec: {
    freeForm: 'optional',
    freeFormOptions: RAW_KEYS,
    options: { cmd: str, chdir: path, creates: path, removes: path, executable: path, stdin: str, stdin_add_newline: bool, strip_empty_ends: bool },
    mutuallyExclusive: [['_raw_params', 'cmd']],
    requiredOneOf: [['_raw_params', 'cmd']],
  },
  facts: (o, host) => commandFacts(host, o),
  plan(o, f, { check }) {
    const line = String(o.cmd ?? (o as { _raw_params?: unknown })._raw_params ?? '');
    if (line.trim() === '') return noCommand();
    return commandPlan(o, f, check, o.executable ? `${q(o.executable)} -c ${q(line)}` : line, line);
  },
});
