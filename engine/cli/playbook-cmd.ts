// `kplay [options] PLAYBOOK...`: validates flags, inventory, variables and playbooks before any host
// is contacted, then lists hosts (--list-hosts) or hands the plays to the engine.
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { PatternMatcher } from '../inventory/patterns.js';
import { pyRepr } from '../util/python-repr.js';
import { resolvePlaybookPath } from '../playbook/plays.js';
import { loadPlaybook } from '../playbook/load.js';
import { listPlayTasks } from '../playbook/list.js';
import type { Play } from '../playbook/model.js';
import { findProjectRoot } from '../config/config.js';
import { setup } from '../run/setup.js';
import { VarScope } from '../vars/scope.js';
import type { ParsedArgs } from './args.js';
import { printWarnings, type CliIO } from './io.js';

/** The -f value, checked as ansible-playbook checks it (undefined when not given). */
function forksOf(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UserError(`argument -f/--forks: invalid int value: '${String(v)}'`, { kind: 'usage' });
  if (n < 1) throw new UserError('The number of processes (--forks) must be >= 1', { kind: 'usage' });
  return n;
}

/** Runs `kplay PLAYBOOK...` and returns the exit code. */
export function playbookCommand(parsed: ParsedArgs, io: CliIO): number {
  const { opts, positionals } = parsed;
  if (positionals.length === 0) throw new UserError('the following arguments are required: playbook', { kind: 'usage' });
  const cwdRoot = findProjectRoot(io.cwd);
  const playbooks = positionals.map((p) => ({ arg: p, path: resolvePlaybookPath(p, io.cwd, cwdRoot) }));
  const first = playbooks[0] as { arg: string; path: string };
  const limit = typeof opts.limit === 'string' ? opts.limit : undefined;
  const forks = forksOf(opts.forks);
  const s = setup({
    cwd: io.cwd,
    env: io.env,
    inventory: (opts.inventory as string[] | undefined) ?? [],
    extraVars: (opts.extraVars as string[] | undefined) ?? [],
    playbookDir: dirname(first.path),
    run: {
      playbookDir: dirname(first.path),
      checkMode: opts.check === true,
      diffMode: opts.diff === true,
      limit,
      runTags: (opts.tags as string[] | undefined) ?? ['all'],
      skipTags: (opts.skipTags as string[] | undefined) ?? [],
      verbosity: (opts.verbose as number | undefined) ?? 0,
      forks,
    },
  });
  const plays = playbooks.map((p) => {
    const playbookDir = dirname(p.path);
    const projectRoot = findProjectRoot(playbookDir) ?? s.projectRoot;
    return { ...p, plays: loadPlaybook(p.path, { playbookDir, rolesPath: s.config.rolesPath, projectRoot }) };
  });
  printWarnings(io, s.warnings);

  // as ansible-playbook: an inventory with hosts but a --limit that leaves none is an error
  const matcher = new PatternMatcher(s.inventory, io.cwd);
  if (s.inventory.hosts.size > 0 && limit !== undefined && matcher.hosts('all', limit).length === 0) {
    printWarnings(io, matcher.warnings);
    throw new UserError('Specified inventory, host pattern and/or --limit leaves us with no hosts to target.');
  }
  const extraScope = new VarScope(s.vars.extraVars, { file: '-e' });
  const patternOf = (play: Play): string | string[] => {
    const render = (p: string): string => String(extraScope.template(p, play.pos));
    return Array.isArray(play.hosts) ? play.hosts.map(render) : render(play.hosts);
  };

  const only = (opts.tags as string[] | undefined) ?? ['all'];
  const skip = (opts.skipTags as string[] | undefined) ?? [];
  if (opts.listHosts || opts.listTasks || opts.listTags || opts.syntaxCheck) {
    const lines: string[] = [];
    for (const pb of plays) {
      lines.push('', `playbook: ${pb.arg}`);
      if (opts.syntaxCheck && !opts.listHosts && !opts.listTasks && !opts.listTags) continue;
      pb.plays.forEach((play, idx) => {
        const pattern = patternOf(play);
        const list = Array.isArray(pattern) ? pattern : [pattern];
        lines.push('', `  play #${idx + 1} (${list.join(',')}): ${play.name ?? list.join(',')}\tTAGS: [${play.tags.join(',')}]`);
        if (opts.listHosts) {
          const hosts = matcher.hosts(pattern, limit);
          lines.push(`    pattern: ${pyRepr(list)}`, `    hosts (${hosts.length}):`);
          for (const h of hosts) lines.push(`      ${h.name}`);
        }
        if (opts.listTasks || opts.listTags) {
          if (opts.listHosts) lines.push('');
          lines.push(...listPlayTasks(play, { tasks: opts.listTasks === true, tags: opts.listTags === true, only, skip }));
        }
      });
    }
    printWarnings(io, matcher.warnings);
    io.out(lines.join('\n'));
    return 0;
  }
  printWarnings(io, matcher.warnings);
  throw new UserError("running plays needs kplay's playbook runner, which this build does not have yet", {
    hint: 'this build loads and checks everything (--syntax-check, --list-hosts, --list-tasks, --list-tags); running is tracked as issue 3',
  });
}
