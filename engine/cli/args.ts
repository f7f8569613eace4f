// A small argparse-compatible option parser: `-f 10`, `-f10`, `--forks=10`, combined short flags
// (`-CDv`, `-vvv`), unique prefixes of long options (`--lim`), repeatable options, `--`.
import { UserError } from '../errors.js';

/** How an option takes its value. */
export type OptionKind = 'flag' | 'count' | 'value' | 'list';

/** One command-line option. */
export interface OptionSpec {
  names: string[];
  key: string;
  kind: OptionKind;
  help: string;
  metavar?: string;
  /** For list options: split each value on commas (like --tags a,b). */
  splitCommas?: boolean;
  /** Accepts an optional value (`--graph [group]`): takes the next arg unless it looks like an option. */
  optionalValue?: boolean;
}

/** Parsed options and positional arguments. */
export interface ParsedArgs {
  opts: Record<string, string | number | boolean | string[] | undefined>;
  positionals: string[];
}

/** A command-line usage error: printed argparse-style, exit code 2. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, { kind: 'usage' });
    this.name = 'UsageError';
  }
}

/** Parses argv against the option specs. */
export function parseArgs(argv: string[], specs: OptionSpec[]): ParsedArgs {
  const opts: ParsedArgs['opts'] = {};
  const positionals: string[] = [];
  const byName = new Map<string, OptionSpec>();
  for (const s of specs) for (const n of s.names) byName.set(n, s);
  const longNames = [...byName.keys()].filter((n) => n.startsWith('--'));

  const store = (spec: OptionSpec, value: string | undefined, shown: string): void => {
    switch (spec.kind) {
      case 'flag':
        opts[spec.key] = true;
        return;
      case 'count':
        opts[spec.key] = ((opts[spec.key] as number | undefined) ?? 0) + 1;
        return;
      case 'value':
        if (value === undefined && !spec.optionalValue) throw new UsageError(`argument ${shown}: expected one argument`);
        opts[spec.key] = value ?? true;
        return;
      case 'list': {
        if (value === undefined) throw new UsageError(`argument ${shown}: expected one argument`);
        const list = (opts[spec.key] as string[] | undefined) ?? [];
        if (spec.splitCommas) list.push(...value.split(',').map((v) => v.trim()).filter(Boolean));
        else list.push(value);
        opts[spec.key] = list;
      }
    }
  };
  const takesValue = (s: OptionSpec): boolean => s.kind === 'value' || s.kind === 'list';
  // whether a word after an option that takes a value is another option, by argparse's rule: a known
  // option (or a prefix of a long one, or a short one with its value attached) is; otherwise a word with
  // a space in it (`--ssh-common-args "-o X=y"`) or a negative number is a value
  const isOption = (w: string | undefined): boolean => {
    if (w === undefined) return true;
    if (!w.startsWith('-') || w.length === 1) return false;
    const name = w.includes('=') ? w.slice(0, w.indexOf('=')) : w;
    if (byName.has(name) || (w.startsWith('--') && longNames.some((n) => n.startsWith(name))) || (!w.startsWith('--') && byName.has(w.slice(0, 2)))) return true;
    return !/^-\d/.test(w) && !w.includes(' ');
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg : arg.slice(0, eq);
      let spec = byName.get(name);
      if (!spec) {
        const matches = [...new Set(longNames.filter((n) => n.startsWith(name)).map((n) => byName.get(n)))];
        if (matches.length > 1) throw new UsageError(`ambiguous option: ${name} could match ${longNames.filter((n) => n.startsWith(name)).join(', ')}`);
        spec = matches[0];
      }
      if (!spec) throw new UsageError(`unrecognized arguments: ${arg}`);
      if (eq !== -1) {
        if (!takesValue(spec)) throw new UsageError(`argument ${name}: ignored explicit argument '${arg.slice(eq + 1)}'`);
        store(spec, arg.slice(eq + 1), name);
      } else if (takesValue(spec)) {
        const next = argv[i + 1];
        if (spec.optionalValue && (next === undefined || next.startsWith('-'))) store(spec, undefined, name);
        else {
          if (next === undefined || isOption(next)) throw new UsageError(`argument ${name}: expected one argument`);
          store(spec, next, name);
          i++;
        }
      } else store(spec, undefined, name);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      // a run of short options: -CDv, -vvv, -f10, -f 10
      for (let j = 1; j < arg.length; j++) {
        const name = '-' + arg[j];
        const spec = byName.get(name);
        if (!spec) throw new UsageError(`unrecognized arguments: ${arg}`);
        if (takesValue(spec)) {
          const rest = arg.slice(j + 1);
          if (rest) store(spec, rest, name);
          else {
            const next = argv[i + 1];
            if (next === undefined || isOption(next)) throw new UsageError(`argument ${name}: expected one argument`);
            store(spec, next, name);
            i++;
          }
          break;
        }
        store(spec, undefined, name);
      }
      continue;
    }
    positionals.push(arg);
  }
  return { opts, positionals };
}

/** Formats the options part of a --help text. */
export function formatOptions(specs: OptionSpec[]): string {
  const rows = specs.map((s) => {
    const meta = s.kind === 'value' || s.kind === 'list' ? ` ${s.metavar ?? s.key.toUpperCase()}` : '';
    return [s.names.map((n) => n + meta).join(', '), s.help] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
  return rows
    .map(([l, h]) => (l.length + 2 > width ? `  ${l}\n  ${' '.repeat(width)}${h}` : `  ${l.padEnd(width)}${h}`))
    .join('\n');
}
