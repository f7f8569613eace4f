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
    // a value that starts with '-' but holds a space is a value, as argparse takes it
    [['--ssh-common-args', '-o ProxyJump=a', 'p.yaml'], { sshCommonArgs: '-o ProxyJump=a' }, ['p.yaml']],
    [['--ssh-extra-args', '-q -C'], { sshExtraArgs: '-q -C' }, []],
    [['-M', 'a:b', '-M', 'c'], { modulePath: ['a:b', 'c'] }, []],
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
    // a known option is an option even with a space in it; an unknown word without one is too
    [['--ssh-common-args', '-i x y'], 'argument --ssh-common-args: expected one argument'],
    [['--ssh-common-args', '-C'], 'argument --ssh-common-args: expected one argument'],
    [['--ssh-extra-args', '-C -q'], 'argument --ssh-extra-args: expected one argument'],
    [['--list'], 'ambiguous option: --list could match'],
    [['--check=yes'], "ignored explicit argument 'yes'"],
  ])('rejects %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});
