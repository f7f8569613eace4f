import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../engine/cli/args.js';
import { playbookOptions } from '../../engine/cli/options.js';

const parse = (argv: string[]) => parseArgs(argv, playbookOptions);

describe('argument parsing (argparse conventions)', () => {
  it.each<[string[], Record<string, unknown>, string[]]>([
    [['-i', 'a', '-i', 'b', 'site.yaml'], { inventory: ['a', 'b'] }, ['site.yaml']],
    [['-f10', 'p.yaml'], { forks: '10' }, ['p.yaml']],
    [['--forks=10'], { forks: '10' }, []],
    [['-CDvvv'], { check: true, diff: true, verbose: 3 }, []],
    [['-v', '-v'], { verbose: 2 }, []],
    [['-t', 'a,b', '--tags', 'c'], { tags: ['a', 'b', 'c'] }, []],
    [['--skip-tags=x'], { skipTags: ['x'] }, []],
    [['-e', 'a=1', '-e', '@f.yaml'], { extraVars: ['a=1', '@f.yaml'] }, []],
    [['--lim', 'web'], { limit: 'web' }, []],
    [['-l', 'masters:!m1'], { limit: 'masters:!m1' }, []],
    [['--', '-weird.yaml'], {}, ['-weird.yaml']],
    [['-Kb', '--become-user', 'admin'], { askBecomePass: true, become: true, becomeUser: 'admin' }, []],
  ])('%j', (argv, opts, positionals) => {
    const r = parse(argv);
    expect(r.opts).toEqual(opts);
    expect(r.positionals).toEqual(positionals);
  });

  it.each([
    [['--bogus'], 'unrecognized arguments: --bogus'],
    [['-Z'], 'unrecognized arguments: -Z'],
    [['-f'], 'argument -f: expected one argument'],
    [['-i', '--check'], 'argument -i: expected one argument'],
    [['--list'], 'ambiguous option: --list could match'],
    [['--check=yes'], "ignored explicit argument 'yes'"],
  ])('rejects %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});
