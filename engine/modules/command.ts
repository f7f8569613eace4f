// command: runs a program with arguments, without a shell: the words are quoted one by one and the program
// is exec'd (no shell builtin stands in for it), each word expanded first as Ansible's run_command expands
// it ($VAR, ~user; expand_argument_vars: false keeps them as written). Declared: the facts are whether chdir
// can be entered, whether creates/removes match, and the variables and homes the words name.
import { shlexSplit } from '../inventory/shlex.js';
import { shellQuote as q } from '../util/shell.js';
import { declareModule } from './declare.js';
import { expandWord } from './expand-args.js';
import { RAW_KEYS } from './option-kinds.js';
import { commandFacts, commandPlan, noCommand } from './run-command.js';

const str = { type: 'str' } as const;
const path = { type: 'path' } as const;
const bool = { type: 'bool' } as const;

// the words to run, as the task gives them: argv, or the line (cmd or free-form text) split as Python's shlex splits
const wordsOf = (o: { argv?: unknown[] | undefined; cmd?: string | undefined }): string[] =>
  o.argv ? o.argv.map(String) : shlexSplit(String(o.cmd ?? (o as { _raw_params?: unknown })._raw_params ?? ''), false);

// words whose run by sh's builtin gives what the program gives: echo with no option first and no backslash
// anywhere (dash's echo reads escapes and only -n; coreutils' reads neither without -e), true and false alone
const builtinAlike = (words: readonly string[]): boolean =>
  (words[0] === 'echo' && !(words[1] ?? '').startsWith('-') && !words.some((w) => w.includes('\\'))) || ((words[0] === 'true' || words[0] === 'false') && words.length === 1);

/** The command module. */
export const commandModule = declareModule({
  spec: {
    freeForm: 'optional',
    freeFormOptions: RAW_KEYS,
    options: { cmd: str, argv: { type: 'list' }, chdir: path, creates: path, removes: path, stdin: str, stdin_add_newline: bool, strip_empty_ends: bool, expand_argument_vars: bool },
    mutuallyExclusive: [['_raw_params', 'cmd', 'argv']],
    requiredOneOf: [['_raw_params', 'cmd', 'argv']],
  },
  facts: (o, host) => commandFacts(host, o, o.expand_argument_vars === false ? [] : wordsOf(o)),
  plan(o, f, { check }) {
    const argv = wordsOf(o);
    if (!argv.length) return noCommand();
    const expansions = f.expand;
    const words = o.expand_argument_vars === false || !expansions ? argv : argv.map((w) => expandWord(w, expansions));
    const quoted = words.map(q).join(' ');
    // the program itself, not a builtin of the shell that starts it (echo -e, printf \x.. are the program's),
    // but where the builtin prints exactly what the program would: that saves loading the program
    const line = builtinAlike(words) ? quoted : `exec ${quoted}`;
    return commandPlan(o, f, check, line, argv, { program: words[0] as string, cmd: quoted });
  },
});
