// `kplay adhoc PATTERN -m MODULE -a ARGS`: one module on the hosts of a pattern, as operators use
// `ansible`, with the same inventory, variables, forks, become and output rules as playbooks.
import { setupVault } from './vault-secrets.js';
import { loadConfig } from '../config/config.js';
import { pyJsonLoads } from '../template/expr/dump.js';
import { isMapping } from '../util/mapping.js';
import { UserError, type SourcePos } from '../errors.js';
import { PatternMatcher } from '../inventory/patterns.js';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IMPLEMENTATIONS } from '../modules/index.js';
import { locatePythonModule, type PythonModule } from '../modules/python/locate.js';
import { MODULES, resolveModuleName } from '../modules/specs.js';
import { checkModuleArgs, parseKv } from '../playbook/module-args.js';
import type { Play, TaskNode } from '../playbook/model.js';
import { AdhocReporter } from '../report/adhoc.js';
import { warningsShown } from '../report/shown-warnings.js';
import { executeRun } from '../run/request.js';
import { setup } from '../run/setup.js';
import { exitCodeOf } from '../runner/play-runner.js';
import { addPluginBase } from '../template/plugins/jinja-plugins.js';
import { didYouMean } from '../util/did-you-mean.js';
import type { ParsedArgs } from './args.js';
import { type CliIO, printSetupWarnings, printWarnings } from './io.js';
import { askPasswords, becomeDefaults, connectionOf, forksOf, modulePathOf, passwordFiles, sshDefaults, wholeOf } from './run-options.js';
import { terminalPrompt } from './terminal-prompt.js';

/** Runs `kplay adhoc ...` and returns the exit code. */
export async function adhocCommand(parsed: ParsedArgs, io: CliIO): Promise<number> {
  const { opts, positionals } = parsed;
  const pattern = positionals[0];
  if (!pattern || positionals.length > 1) throw new UserError('adhoc needs exactly one host pattern', { kind: 'usage' });
  const moduleName = typeof opts.module === 'string' ? opts.module : 'command';
  // --playbook-dir: the directory whose group_vars/ and plugin directories (library/, filter_plugins/…) count,
  // as Ansible's adhoc takes it; without it the current directory's group_vars/ only
  const basedir = typeof opts.playbookDir === 'string' ? resolve(io.cwd, opts.playbookDir) : undefined;
  if (basedir !== undefined && !statSync(basedir, { throwIfNoEntry: false })?.isDirectory()) throw new UserError(`--playbook-dir ${opts.playbookDir as string}: no such directory`, { kind: 'usage', hint: 'give the directory that holds the playbooks (their group_vars/, library/ and *_plugins/)' });
  const playbookDir = basedir ?? io.cwd;
  const limit = typeof opts.limit === 'string' ? opts.limit : undefined;
  const forks = forksOf(opts.forks);
  const connection = connectionOf(opts.connection);
  // -B and -P as Ansible's adhoc sets them: async and poll when either is not 0 (-B 0 runs in the foreground)
  const background = wholeOf(opts.background, '-B/--background') ?? 0;
  const pollOpt = wholeOf(opts.poll, '-P/--poll');
  const taskTimeout = wholeOf(opts.taskTimeout, '--task-timeout', Number.MIN_SAFE_INTEGER);
  const config = loadConfig(io.cwd, io.env);
  // as ansible's adhoc: the -k/-K passwords first (--list-hosts too), then the vault's, then the rest loads
  const passwords = await askPasswords(opts, terminalPrompt(undefined), passwordFiles(config, io));
  await setupVault(opts, config, io);
  const s = setup({
    config,
    cwd: io.cwd,
    env: io.env,
    inventory: (opts.inventory as string[] | undefined) ?? [],
    extraVars: (opts.extraVars as string[] | undefined) ?? [],
    playbookDir,
    collectionDirs: basedir !== undefined ? [basedir] : [],
    run: { checkMode: opts.check === true, diffMode: opts.diff === true, limit, verbosity: (opts.verbose as number | undefined) ?? 0, forks },
  });
  printSetupWarnings(io, s);
  if (basedir !== undefined) addPluginBase(basedir);
  const modulePath = modulePathOf(opts.modulePath, io.cwd, io.env.HOME);
  const libraries = [...(basedir !== undefined ? [join(basedir, 'library')] : []), ...modulePath, ...s.config.library];
  const pos = { file: '-a' };
  const matcher = new PatternMatcher(s.inventory, io.cwd);
  const hosts = matcher.hosts(pattern, limit);
  if (!hosts.length) {
    printWarnings(io, matcher.drain());
    throw new UserError('Specified inventory, host pattern and/or --limit leaves us with no hosts to target.');
  }
  // (before the module and its arguments are checked, as in Ansible)
  if (opts.listHosts === true) {
    printWarnings(io, matcher.drain());
    io.out(`  hosts (${hosts.length}):`);
    for (const h of hosts) io.out(`    ${h.name}`);
    return 0;
  }
  const { action, args, python } = adhocModule(moduleName, typeof opts.args === 'string' ? opts.args : '', libraries, io.cwd, pos);
  const poll = pollOpt ?? s.config.pollInterval ?? 15;
  const keywords: TaskNode['keywords'] = {
    ...(background || poll ? { async: background, poll } : {}),
    // (the configuration's task_timeout applies to the run, as to a playbook's tasks; 0 or less: no limit)
    ...(taskTimeout !== undefined && taskTimeout > 0 ? { timeout: taskTimeout } : {}),
  };
  const task: TaskNode = { kind: 'task', name: undefined, action, actionWritten: moduleName, args, keywords, tags: [], role: undefined, pos, python };
  const play: Play = { name: `Ansible Ad-Hoc`, hosts: pattern, keywords: { gather_facts: false }, tags: [], sections: [{ name: 'tasks', nodes: [task] }], handlers: [], roles: [], roleVars: [], file: `${playbookDir}/adhoc`, pos };
  const { outcome, interrupted } = await executeRun({
    plays: [play],
    vars: s.vars,
    matcher,
    reporter: warningsShown(new AdhocReporter((l) => io.out(l), action, { warn: (l) => io.err(l), oneLine: opts.oneLine === true, tree: typeof opts.tree === 'string' ? resolve(io.cwd, opts.tree) : undefined, verbosity: (opts.verbose as number | undefined) ?? 0 }), s.config.deprecationWarnings),
    forks: s.vars.run.forks ?? 5,
    check: opts.check === true,
    diff: opts.diff === true,
    only: ['all'],
    skip: [],
    forceHandlers: false,
    verbosity: (opts.verbose as number | undefined) ?? 0,
    limit,
    taskTimeout: taskTimeout === undefined ? s.config.taskTimeout : 0,
    loadOpts: { playbookDir, rolesPath: s.config.rolesPath, library: s.config.library, modulePath, projectRoot: s.projectRoot },
    connection,
    ssh: sshDefaults(opts, s.config, io, passwords.ssh),
    becomePassword: passwords.become,
    becomeDefaults: becomeDefaults(opts, s.config),
    secrets: [passwords.ssh, passwords.become].filter((x): x is string => !!x),
    warn: (msg) => io.err(`[WARNING]: ${msg}`),
  });
  printWarnings(io, matcher.drain());
  return exitCodeOf(outcome, interrupted);
}

// the module -m names (kplay's own, else an Ansible Python module on the controller, as in playbooks) and its arguments checked
function adhocModule(moduleName: string, argText: string, libraries: string[], cwd: string, pos: SourcePos): { action: string; args: Record<string, unknown>; python: PythonModule | undefined } {
  const native = resolveModuleName(moduleName);
  let python: PythonModule | undefined;
  if (!native || !IMPLEMENTATIONS[native]) {
    const found = locatePythonModule(moduleName, libraries);
    if (!('module' in found)) {
      const why = 'problem' in found ? found.problem : undefined;
      // Ansible's adhoc looks in library/ only with --playbook-dir: say so when the current directory has it
      const local = existsSync(join(cwd, 'library', `${moduleName}.py`)) && !libraries.includes(join(cwd, 'library')) ? `./library/${moduleName}.py is looked at with --playbook-dir . (as in Ansible's adhoc)` : undefined;
      throw new UserError(why ?? `module '${moduleName}' is not available for adhoc runs`, { kind: 'options', hint: local ?? didYouMean(moduleName, Object.keys(IMPLEMENTATIONS)) ?? `kplay's own: ${Object.keys(IMPLEMENTATIONS).sort().join(', ')}` });
    }
    python = found.module;
  }
  const action = python ? python.name : (native as string);
  const spec = python ? undefined : (MODULES[action] as (typeof MODULES)[string]);
  const given = jsonArgs(argText) ?? parseKv(argText, spec?.freeForm ? (spec.freeFormOptions ?? []) : undefined);
  return { action, args: spec ? checkModuleArgs(action, spec, given, () => pos) : given, python };
}

// -a '{"content": {...}, "dest": "x"}': a JSON object is the arguments, as Ansible's adhoc takes it (else name=value text)
function jsonArgs(text: string): Record<string, unknown> | undefined {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  try {
    // read as Python's json.loads reads it (2.0 stays a float)
    const v = pyJsonLoads(t);
    return isMapping(v) && Object.keys(v).length ? v : undefined;
  } catch {
    return undefined;
  }
}
