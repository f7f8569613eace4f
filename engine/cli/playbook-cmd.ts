// `kplay [options] PLAYBOOK...`: validates flags, inventory, variables and playbooks before any host
// is contacted, then lists hosts (--list-hosts) or hands the plays to the engine.
import { setupVault } from './vault-secrets.js';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { UserError } from '../errors.js';
import { PatternMatcher } from '../inventory/patterns.js';
import { resolvePlaybookPath } from '../playbook/plays.js';
import { loadPlaybook } from '../playbook/load.js';
import type { Play, PlayNode } from '../playbook/model.js';
import { IMPLEMENTATIONS, RUNNER_ACTIONS } from '../modules/index.js';
import { exitCodeOf } from '../runner/play-runner.js';
import { ConsoleReporter, JsonReporter, errorText } from '../report/console.js';
import { warningsShown } from '../report/shown-warnings.js';
import { LiveReporter, stdoutScreen } from '../report/live.js';
import { executeRun } from '../run/request.js';
import { findProjectRoot, loadConfig } from '../config/config.js';
import { setup } from '../run/setup.js';
import { VarScope } from '../vars/scope.js';
import type { ParsedArgs } from './args.js';
import { type CliIO, printSetupWarnings, printWarnings } from './io.js';
import { printListing } from './listing.js';
import { askPasswords, becomeDefaults, connectionOf, forksOf, modulePathOf, passwordFiles, sshDefaults, type Passwords } from './run-options.js';
import { terminalPrompt, terminalWait } from './terminal-prompt.js';

/** Runs `kplay PLAYBOOK...` and returns the exit code. */
export async function playbookCommand(parsed: ParsedArgs, io: CliIO): Promise<number> {
  const { opts, positionals } = parsed;
  if (positionals.length === 0) throw new UserError('the following arguments are required: playbook', { kind: 'usage' });
  const cwdRoot = findProjectRoot(io.cwd);
  const playbooks = positionals.map((p) => ({ arg: p, path: resolvePlaybookPath(p, io.cwd, cwdRoot) }));
  const first = playbooks[0] as { arg: string; path: string };
  const limit = typeof opts.limit === 'string' ? opts.limit : undefined;
  const forks = forksOf(opts.forks);
  const config = loadConfig(io.cwd, io.env);
  // as ansible-playbook: the -k/-K passwords first (not for the listings and --syntax-check), then the vault's, then the rest loads
  const listing = opts.listHosts || opts.listTasks || opts.listTags || opts.syntaxCheck;
  const passwords = listing ? {} : await askPasswords(opts, terminalPrompt(undefined), passwordFiles(config, io));
  await setupVault(opts, config, io);
  const s = setup({
    config,
    cwd: io.cwd,
    env: io.env,
    inventory: (opts.inventory as string[] | undefined) ?? [],
    extraVars: (opts.extraVars as string[] | undefined) ?? [],
    playbookDir: dirname(first.path),
    collectionDirs: playbooks.map((p) => dirname(p.path)),
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
  // the deprecated forms the playbooks use are warned of once each, as Ansible warns while it loads them
  const deprecated: string[] = [];
  const modulePath = modulePathOf(opts.modulePath, io.cwd, io.env.HOME);
  const plays = playbooks.map((p) => {
    const playbookDir = dirname(p.path);
    const projectRoot = findProjectRoot(playbookDir) ?? s.projectRoot;
    return { ...p, plays: loadPlaybook(p.path, { playbookDir, rolesPath: s.config.rolesPath, library: s.config.library, modulePath, projectRoot, deprecate: (m) => deprecated.push(m) }) };
  });
  printSetupWarnings(io, s);
  if (s.config.deprecationWarnings !== false) printWarnings(io, deprecated, true);

  // as ansible-playbook: an empty inventory is warned of; one with hosts but a --limit that leaves none is an error
  const matcher = new PatternMatcher(s.inventory, io.cwd);
  if (s.inventory.hosts.size === 0 && s.config.localhostWarning !== false) printWarnings(io, ["provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'"]);
  if (s.inventory.hosts.size > 0 && limit !== undefined && matcher.hosts('all', limit).length === 0) {
    printWarnings(io, matcher.drain());
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
    printListing(io, { playbooks: plays, matcher, patternOf, limit, show: { hosts: opts.listHosts === true, tasks: opts.listTasks === true, tags: opts.listTags === true }, only, skip });
    return 0;
  }
  printWarnings(io, matcher.drain());
  for (const pb of plays) checkImplemented(pb.plays);
  for (const pb of plays) checkPrompts(pb.plays, s.vars.extraVars.vars, process.stdin.isTTY === true);
  const connection = connectionOf(opts.connection);
  return runAll(plays.flatMap((p) => p.plays), s, matcher, { opts, io, forks: s.vars.run.forks ?? 5, limit, only, skip, projectRoot: s.projectRoot, firstPath: first.path, connection, passwords, deprecated, modulePath });
}

// Fails before any host is touched when a playbook uses a module this build does not implement.
function checkImplemented(plays: Play[]): void {
  const walk = (nodes: PlayNode[]): void => {
    for (const n of nodes) {
      if (n.kind === 'block') {
        walk(n.block);
        walk(n.rescue);
        walk(n.always);
      } else if (!n.python && !n.templatedModule && !IMPLEMENTATIONS[n.action] && !RUNNER_ACTIONS.has(n.action)) {
        throw new UserError(`module '${n.action}' is not available in this build of kplay`, { kind: 'parse', pos: n.pos, hint: 'it is validated but not implemented yet; see README "Status"' });
      }
    }
  };
  for (const p of plays) {
    for (const s of p.sections) walk(s.nodes);
    walk(p.handlers);
  }
}

// vars_prompt without a terminal: a value with no default and not given with -e cannot be asked, so the
// run stops before any host is touched (Ansible would wait on its standard input)
function checkPrompts(plays: Play[], extraVars: Record<string, unknown>, terminal: boolean): void {
  if (terminal) return;
  for (const play of plays) {
    const entries = play.keywords.vars_prompt;
    for (const e of Array.isArray(entries) ? (entries as Record<string, unknown>[]) : []) {
      const name = String(e.name);
      if (name in extraVars || (e.default !== undefined && e.default !== null)) continue;
      throw new UserError(`vars_prompt '${name}' needs a terminal to ask on`, { kind: 'parse', pos: play.pos, hint: `run kplay on a terminal, or give the value: -e ${name}=...` });
    }
  }
}

// --step: asks on the terminal before each task, as ansible-playbook does
function stepPrompt(): (task: string) => Promise<'yes' | 'no' | 'continue'> {
  if (!process.stdin.isTTY) throw new UserError('--step needs a terminal to ask before each task', { kind: 'options' });
  return async (task) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      const answer = (await rl.question(`Perform task: TASK: ${task} (N)o/(y)es/(c)ontinue: `)).trim().toLowerCase();
      return answer.startsWith('y') ? 'yes' : answer.startsWith('c') ? 'continue' : 'no';
    } finally {
      rl.close();
    }
  };
}

async function runAll(
  plays: Play[],
  s: ReturnType<typeof setup>,
  matcher: PatternMatcher,
  o: { opts: ParsedArgs['opts']; io: CliIO; forks: number; limit: string | undefined; only: string[]; skip: string[]; projectRoot: string | undefined; firstPath: string; connection: string | undefined; passwords: Passwords; deprecated: string[]; modulePath: string[] },
): Promise<number> {
  // a terminal gets the live view; pipes, CI, NO_COLOR, TERM=dumb, -v and --json get Ansible's line output
  const env = o.io.env;
  const live = !o.opts.json && process.stdout.isTTY === true && env.KPLAY_NO_LIVE === undefined && env.NO_COLOR === undefined && env.TERM !== 'dumb' && !o.opts.step && ((o.opts.verbose as number | undefined) ?? 0) === 0;
  const liveView = live ? new LiveReporter(stdoutScreen()) : undefined;
  const shownReporter = o.opts.json ? new JsonReporter((l) => o.io.out(l)) : (liveView ?? new ConsoleReporter((l) => o.io.out(l), { warn: (l) => o.io.err(l) }));
  // (the deprecations printed while the playbooks loaded are not printed again when a file loads at run time)
  const reporter = warningsShown(shownReporter, s.config.deprecationWarnings, { deprecations: o.deprecated });
  // while the live view is on screen, a line printed elsewhere would break its redraw: it goes above it
  const warn = (msg: string): void => (liveView ? liveView.print(`[WARNING]: ${msg}`) : o.io.err(`[WARNING]: ${msg}`));
  try {
    const { outcome, interrupted } = await executeRun({
      plays,
      vars: s.vars,
      matcher,
      reporter,
      forks: o.forks,
      check: o.opts.check === true,
      diff: o.opts.diff === true,
      only: o.only,
      skip: o.skip,
      forceHandlers: o.opts.forceHandlers === true || s.config.forceHandlers === true,
      anyErrorsFatal: s.config.anyErrorsFatal,
      taskTimeout: s.config.taskTimeout,
      verbosity: (o.opts.verbose as number | undefined) ?? 0,
      limit: o.limit,
      loadOpts: { playbookDir: dirname(o.firstPath), rolesPath: s.config.rolesPath, library: s.config.library, modulePath: o.modulePath, projectRoot: o.projectRoot },
      connection: o.connection,
      ssh: sshDefaults(o.opts, s.config, o.io, o.passwords.ssh),
      becomePassword: o.passwords.become,
      becomeDefaults: becomeDefaults(o.opts, s.config),
      gathering: s.config.gathering,
      secrets: [o.passwords.ssh, o.passwords.become].filter((x): x is string => !!x),
      warn,
      startAtTask: typeof o.opts.startAtTask === 'string' ? o.opts.startAtTask : undefined,
      confirmStep: o.opts.step ? stepPrompt() : undefined,
      prompt: terminalPrompt(liveView),
      wait: terminalWait(liveView),
    });
    reporter.emit({ type: 'play_recap', stats: outcome.stats, timings: outcome.timings });
    await liveView?.close();
    printWarnings(o.io, matcher.drain());
    // (a task name that matched nothing ran no task: said after the recap, as Ansible says it)
    if (outcome.startNotFound !== undefined && !interrupted) o.io.err(errorText(`No matching task "${outcome.startNotFound}" found. Note: --start-at-task can only follow static includes.`));
    return exitCodeOf(outcome, interrupted);
  } finally {
    await liveView?.close();
  }
}
