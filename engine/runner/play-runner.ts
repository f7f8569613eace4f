// Runs plays with Ansible's linear strategy: each task on every active host (at most `forks` at a
// time) before the next; blocks with rescue/always; handlers flushed after each section and on
// meta: flush_handlers; failed and unreachable hosts leave the play; serial batches; run_once;
// any_errors_fatal and max_fail_percentage. Per-host outcomes are values, never escaping errors.
import { dirname } from 'node:path';
import pLimit from 'p-limit';
import { ExitCode, UserError, type SourcePos } from '../errors.js';
import type { Host, VarBag } from '../inventory/model.js';
import { globToRegExp, type PatternMatcher } from '../inventory/patterns.js';
import { onlyTagsFor, shouldRunTags } from '../playbook/tags.js';
import type { LoadOptions } from '../playbook/load.js';
import type { BlockNode, Play, PlayNode, Role, RoleNames, TaskNode } from '../playbook/model.js';
import type { Transport } from '../transport/types.js';
import type { ConnectionSettings } from '../vars/connection.js';
import type { VarsContext } from '../vars/host-scope.js';
import type { VarScope } from '../vars/scope.js';
import { toBool } from '../template/helpers.js';
import { UnsafeText } from '../yaml/load.js';
import { ExprError } from '../template/expr/pyops.js';
import { passwordHash } from '../template/expr/password-hash.js';
import type { HostStats, Reporter } from './events.js';
import { HostState } from './host-state.js';
import { PlayVarsFiles, type VarsFileNamer } from './vars-files.js';
import { bannerName, executeTask, inherited, metaActionOf, outcomeStatus, ownName, taskIdOf, type TaskFrame, type TaskOutcome } from './task-exec.js';

/** Everything a run needs besides the plays. */
export interface RunnerOptions {
  forks: number;
  check: boolean;
  diff: boolean;
  only: string[];
  skip: string[];
  forceHandlers: boolean;
  verbosity: number;
  limit: string | undefined;
  reporter: Reporter;
  loadOpts: LoadOptions;
  /** Opens (or reuses) the connection to a host; `own`: a connection of its own under that name (a background job's). */
  transportFor(host: Host, settings: ConnectionSettings, own?: string): Transport;
  /** Keeps the run (and its connections) open until a background job the controller runs has ended. */
  hold?(done: Promise<void>): void;
  /** The controller itself, for what Ansible runs there (synchronize's rsync). */
  controller(): Transport;
  /** -u and --private-key: what synchronize's ssh uses for a host that sets neither. */
  sshDefaults?: { user?: string | undefined; privateKeyFile?: string | undefined } | undefined;
  /** True once Ctrl-C was pressed: no new task starts. */
  interrupted(): boolean;
  /** --start-at-task: tasks are skipped until one with this name (or glob) is reached. */
  startAtTask?: string | undefined;
  /** --step: asked before each task; 'no' skips it, 'continue' stops asking. */
  confirmStep?: ((task: string) => Promise<'yes' | 'no' | 'continue'>) | undefined;
  /** Reads a line typed on the terminal (pause's prompt); absent when stdin is not a terminal. */
  prompt?: ((text: string, echo: boolean) => Promise<string>) | undefined;
  /** pause's timed wait on the terminal, its lines shown first (terminal-prompt.ts); absent when stdin is not a terminal. */
  wait?: ((seconds: number, lines: string[]) => Promise<boolean>) | undefined;
  /** -K's answer: the become password of hosts that set none (ansible_become_password wins). */
  becomePassword?: string | undefined;
  /** The configuration's task_timeout: the timeout keyword's default (0: none). */
  taskTimeout?: number | undefined;
  /** The configuration's any_errors_fatal: the keyword's default. */
  anyErrorsFatal?: boolean | undefined;
  /** The configuration's gathering: implicit (the default), explicit or smart. */
  gathering?: 'implicit' | 'explicit' | 'smart' | undefined;
  /** Become as -b, --become-user and --become-method (over kplay.cfg's [privilege_escalation]) give it: under the become keywords, which are under the host's variables. */
  becomeDefaults?: BecomeDefaults | undefined;
  /** Values never shown in output whatever holds them (-k and -K answers). */
  secrets?: string[] | undefined;
}

/** The outcome of a whole run. */
export interface RunOutcome {
  stats: Record<string, HostStats>;
  /** A play stopped early: any_errors_fatal or max_fail_percentage. */
  aborted: boolean;
  /** Wall time per task, in run order. */
  timings: { task: string; seconds: number }[];
  /** Hosts left failed or unreachable at the end (meta: clear_host_errors clears them; the recap still counts them). */
  left: { failed: boolean; unreachable: boolean };
  /** --start-at-task named no task that was reached. */
  startNotFound?: string | undefined;
}

function batchesOf(hosts: Host[], serial: unknown, scope: VarScope, play: Play): Host[][] {
  if (serial === undefined || serial === null) return [hosts];
  const raw = scope.template(serial, play.pos);
  const sizes = (Array.isArray(raw) ? raw : [raw]).map((s) => {
    const text = String(s).trim();
    const n = text.endsWith('%') ? Math.floor((hosts.length * Number(text.slice(0, -1))) / 100) : Number(text);
    return Math.max(1, Number.isFinite(n) ? n : hosts.length);
  });
  const out: Host[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = sizes[Math.min(k++, sizes.length - 1)] as number;
    out.push(hosts.slice(i, i + size));
    i += size;
  }
  return out;
}

/** ansible-playbook's exit code for a finished run: unreachable (4) wins over failed (2). */
export function exitCodeOf(outcome: RunOutcome, interrupted: boolean): number {
  if (interrupted) return ExitCode.interrupted;
  if (outcome.left.unreachable) return ExitCode.unreachable;
  if (outcome.left.failed || outcome.aborted) return ExitCode.hostFailed;
  return ExitCode.ok;
}

/** The become settings of the command line and the configuration file (none set: no become, root, sudo). */
export interface BecomeDefaults {
  become?: boolean | undefined;
  user?: string | undefined;
  method?: string | undefined;
  exe?: string | undefined;
  flags?: string | undefined;
}

/** Runs every play of a playbook in order. */
export async function runPlays(plays: Play[], vars: VarsContext, matcher: PatternMatcher, opts: RunnerOptions): Promise<RunOutcome> {
  const states = new Map<Host, HostState>();
  const stateOf = (h: Host): HostState => {
    let s = states.get(h);
    if (!s) {
      s = new HostState(h);
      states.set(h, s);
    }
    return s;
  };
  // hostvars[h] shows what the run learnt about h (facts, include_vars, set_fact, register), as in Ansible
  vars.hostLayers = (h) => {
    const s = states.get(h);
    return s ? { version: s.version, layers: () => [s.factVars(), s.includeVars, s.hostVars] } : undefined;
  };
  let aborted = false;
  const timings: { task: string; seconds: number }[] = [];
  // Ansible's playbook executor ends the run after a batch whose every host failed in it; it counts the
  // failures of the batch run before it and the unreachable hosts counted before as not this batch's
  let lastBatchFailed = 0;
  const unreachableNow = (): number => [...states.values()].filter((s) => s.unreachable).length;
  for (const play of plays) {
    if (opts.interrupted() || aborted) break;
    vars.usePlaybookDir(dirname(play.file));
    const extra = vars.playScope();
    const pattern = Array.isArray(play.hosts) ? play.hosts.map((p) => String(extra.template(p, play.pos))) : String(extra.template(play.hosts, play.pos));
    const shownPattern = Array.isArray(pattern) ? pattern.join(',') : pattern;
    const name = play.name ?? shownPattern;
    // hosts that failed or became unreachable in an earlier play run no task, but keep their places in the
    // play's host lists and serial batches, as in Ansible; a pattern that matched nothing is warned of before
    // the play's banner, as Ansible does when it reads the play's variables
    const matched = matcher.hosts(pattern, opts.limit);
    for (const msg of matcher.drain()) opts.reporter.emit({ type: 'warning', msg });
    opts.reporter.emit({ type: 'play_start', name, pattern: shownPattern });
    const inPlay = ordered(matched, play.keywords.order === undefined ? undefined : String(extra.template(play.keywords.order, play.pos)));
    const hosts = inPlay.filter((h) => {
      const s = states.get(h);
      return !s || (!s.failed && !s.unreachable);
    });
    if (!hosts.length) {
      // Ansible says so only when the pattern matched no host; a play whose hosts all failed earlier
      // shows its banner and nothing else
      if (!matched.length) opts.reporter.emit({ type: 'no_hosts', play: name });
      else lastBatchFailed = 0;
      continue;
    }
    // every host's inventory variables are read before the play's first task runs anywhere (Ansible
    // reads them all as the play starts): a group_vars file that cannot be read or decrypted stops the
    // run before any host is touched, not after the hosts before it ran the first task
    for (const h of hosts) vars.inventoryVars(h);
    // a role runs once per play (Ansible's dedup is per play, not per run); meta's end_host and end_play
    // end a host's play, not its run
    for (const h of hosts) {
      stateOf(h).rolesRun.clear();
      stateOf(h).ended = false;
    }
    const runner = new PlayRun(play, name, matched, vars, opts, stateOf, () => {
      vars.inventoryChanged();
      matcher.clear();
    });
    try {
      await runner.askPrompts();
    } catch {
      // Ctrl-C while a value was asked: nothing of this play runs; the signal the prompt re-raised
      // reaches the run's interrupt handler within moments, so the run ends as interrupted
      for (let i = 0; i < 20 && !opts.interrupted(); i++) await new Promise((r) => setTimeout(r, 50));
      aborted = true;
      break;
    }
    for (const [i, batch] of batchesOf(inPlay, play.keywords.serial, extra, play).entries()) {
      if (opts.interrupted() || runner.ended) break;
      // each serial batch is a run of the play of its own: Ansible shows the play's banner again
      if (i > 0) opts.reporter.emit({ type: 'play_start', name, pattern: shownPattern });
      const before = { failed: new Set(batch.map(stateOf).filter((s) => s.failed)), unreachable: unreachableNow() };
      const ok = await runner.runBatch(batch);
      if (!ok) {
        aborted = true;
        break;
      }
      const failed = batch.map(stateOf).filter((s) => s.failed && !before.failed.has(s)).length;
      const unreachable = unreachableNow();
      if (failed + unreachable - (lastBatchFailed + before.unreachable) === batch.length) aborted = true;
      lastBatchFailed = failed;
      if (aborted) break;
    }
    timings.push(...runner.timings);
  }
  const stats: Record<string, HostStats> = {};
  for (const [h, s] of states) stats[h.name] = s.stats;
  const left = { failed: [...states.values()].some((s) => s.failed), unreachable: [...states.values()].some((s) => s.unreachable) };
  return { stats, aborted, timings, left, startNotFound: opts.startAtTask };
}

// the meta actions Ansible's linear strategy runs once, on the first host, for every host of the play
const META_ONCE = ['clear_facts', 'clear_host_errors', 'end_batch', 'end_play', 'refresh_inventory'];

/** One play over its hosts. */
class PlayRun {
  /** meta: end_play ran: no later batch runs. */
  ended = false;
  private readonly playVars = { vars: {} as Record<string, unknown>, origins: new Map() };
  private readonly varsFiles: PlayVarsFiles;
  // private vars_prompt answers: secrets whatever their names
  private readonly secretNames = new Set<string>();
  private readonly roleDefaults: Role[] = [];
  // the names of the play's roles and their dependencies (ansible_play_role_names...), and the includes whose roles joined them
  private readonly roleNames: RoleNames = { play: [], dependencies: [] };
  private readonly namesJoined = new Set<string>();
  // the roles whose tasks were loaded (Ansible's role cache): an include of one again appends no imports
  private readonly tasksLoaded = new Set<string>();
  // the variables every task sees from the roles (public include_roles add theirs, once per identity)
  private readonly roleVars: VarBag[] = [];
  private readonly publicRoles = new Map<string, VarBag[]>();
  // the handlers include_role added while the play ran, and the roles whose handlers the play has
  private readonly addedHandlers: PlayNode[] = [];
  private readonly handlerRoles = new Set<string>();
  private batch: Host[] = [];

  // the hosts that had failed or were unreachable when the play started: not this play's failures
  private readonly failedBefore: Set<HostState>;

  // `hosts`: every host the play's pattern matched, in the pattern's order (ansible_play_hosts_all)
  // `name`: the play's name, else its templated host pattern (ansible_play_name, as its banner)
  constructor(
    private readonly play: Play,
    private readonly name: string,
    private readonly hosts: Host[],
    private readonly vars: VarsContext,
    private readonly opts: RunnerOptions,
    private readonly stateOf: (h: Host) => HostState,
    private readonly inventoryChanged: () => void,
  ) {
    this.failedBefore = new Set(hosts.map(stateOf).filter((s) => s.failed || s.unreachable));
    this.varsFiles = new PlayVarsFiles(play.keywords.vars_files, dirname(play.file), play.pos);
    const pv = play.keywords.vars;
    if (pv && typeof pv === 'object' && !Array.isArray(pv)) {
      for (const [k, v] of Object.entries(pv)) {
        this.playVars.vars[k] = v;
        this.playVars.origins.set(k, play.pos);
      }
    }
    this.roleDefaults.push(...play.roles);
    this.roleVars.push(...play.roleVars);
    this.roleNames.play.push(...(play.roleNames?.play ?? []));
    this.roleNames.dependencies.push(...(play.roleNames?.dependencies ?? []));
    for (const r of play.roles) this.tasksLoaded.add(r.id);
    for (const r of play.roles) this.handlerRoles.add(r.id);
  }

  /**
   * vars_prompt: each value asked on the terminal when the play starts (private ones without echo, confirm
   * asks twice), an empty answer taking the default, hashed where encrypt says; a value given with -e is not asked. Without a
   * terminal the default is used (a prompt without one was refused before the run: playbook-cmd).
   */
  async askPrompts(): Promise<void> {
    const entries = this.play.keywords.vars_prompt;
    if (!Array.isArray(entries)) return;
    for (const e of entries as Record<string, unknown>[]) {
      const name = String(e.name);
      if (name in this.vars.extraVars.vars) continue;
      const fallback = e.default === undefined || e.default === null ? '' : e.default;
      let answer = '';
      if (this.opts.prompt) {
        const text = `${String(e.prompt ?? name)}${e.default === undefined || e.default === null ? '' : ` [${String(e.default)}]`}`;
        const echo = toBool(e.private) === false;
        for (;;) {
          answer = await this.opts.prompt(text, echo);
          if (toBool(e.confirm) !== true || (await this.opts.prompt(`confirm ${text}`, echo)) === answer) break;
          this.opts.reporter.emit({ type: 'warning', msg: '***** VALUES ENTERED DO NOT MATCH ****' });
        }
      }
      const value = promptValue(answer === '' ? fallback : answer, e, this.play.pos);
      if (toBool(e.private) !== false) this.secretNames.add(name);
      // unsafe: the answer is never templated (a password may hold "{{")
      this.playVars.vars[name] = toBool(e.unsafe) === true && typeof value === 'string' ? new UnsafeText(value) : value;
      this.playVars.origins.set(name, this.play.pos);
    }
  }

  /** Runs the play on one batch; false when the run must stop (any_errors_fatal, max_fail_percentage). */
  async runBatch(batch: Host[]): Promise<boolean> {
    this.batch = batch;
    const states = batch.map(this.stateOf);
    // (files named without a template are read now: one that is missing stops the run before any task)
    this.varsFiles.preload();
    // as Ansible's play iterator: implicit gathers unless gather_facts is false, explicit only when it is
    // true, smart as implicit but not on a host whose facts were gathered already
    const asked = this.play.keywords.gather_facts;
    const implied = asked !== false && !['no', 'false', 'False'].includes(String(asked));
    const gathering = this.opts.gathering ?? 'implicit';
    const gatherOn = states.filter((s) => (gathering === 'explicit' ? asked !== undefined && implied : implied && !(gathering === 'smart' && s.factsGathered)));
    if (gatherOn.length) {
      const gather: TaskNode = { kind: 'task', name: 'Gathering Facts', action: 'setup', actionWritten: 'gather_facts', args: { ...this.play.gatherArgs }, keywords: {}, tags: ['always'], role: undefined, pos: this.play.pos };
      if (!(await this.runNodes([gather], gatherOn, []))) return false;
    }
    if (this.play.keywords.strategy === 'free') {
      // free: every host goes through the play on its own, as fast as it can (forks at a time)
      const limit = pLimit(Math.max(1, this.opts.forks));
      const results = await Promise.all(states.map((s) => limit(() => this.runSections([s]))));
      if (results.includes(false)) return false;
    } else if (!(await this.runSections(states))) return false;
    return this.withinFailLimit(states);
  }

  private async runSections(states: HostState[]): Promise<boolean> {
    for (const section of this.play.sections) {
      // handlers flush after pre_tasks, after roles+tasks, and after post_tasks
      if (!(await this.runNodes(section.nodes, states, []))) return false;
      if (section.name !== 'roles') await this.flushHandlers(states);
    }
    return true;
  }

  private withinFailLimit(states: HostState[]): boolean {
    const failed = states.filter((s) => !this.failedBefore.has(s) && (s.failed || s.unreachable)).length;
    const maxFail = this.play.keywords.max_fail_percentage;
    if (maxFail !== undefined && (failed * 100) / states.length > Number(maxFail)) return false;
    return true;
  }

  /** Runs a list of nodes for the given hosts; false when the play must stop. */
  async runNodes(nodes: PlayNode[], states: HostState[], frames: TaskFrame[]): Promise<boolean> {
    for (const node of nodes) {
      if (this.opts.interrupted()) return true;
      const active = states.filter((s) => s.active);
      if (!active.length) return true;
      const ok = node.kind === 'block' ? await this.runBlock(node, active, frames) : await this.runTask(node, active, frames);
      if (!ok) return false;
    }
    return true;
  }

  private async runBlock(block: BlockNode, states: HostState[], frames: TaskFrame[]): Promise<boolean> {
    let entering = states;
    if (block.roleKey && !block.roleRepeats) entering = states.filter((s) => !s.rolesRun.has(block.roleKey as string));
    if (!entering.length) return true;
    const inner = (section: 'block' | 'rescue' | 'always'): TaskFrame[] => [...frames, { block, section }];
    const failedBefore = new Set(entering.filter((s) => s.failed));
    if (!(await this.runNodes(block.block, entering, inner('block')))) return false;
    const failedHere = entering.filter((s) => s.failed && !failedBefore.has(s) && !s.unreachable);
    if (block.rescue.length && failedHere.length) {
      for (const s of failedHere) {
        s.failed = false;
        s.stats.failed -= 1;
        s.stats.rescued += 1;
        s.rescuing = s.lastFailure;
      }
      const rescued = await this.runNodes(block.rescue, failedHere, inner('rescue'));
      for (const s of failedHere) s.rescuing = undefined;
      if (!rescued) return false;
    }
    if (block.always.length) {
      const failedAfter = entering.filter((s) => s.failed && !s.unreachable);
      for (const s of failedAfter) s.failed = false;
      const ok = await this.runNodes(block.always, entering.filter((s) => !s.unreachable && !s.ended), inner('always'));
      for (const s of failedAfter) s.failed = true;
      if (!ok) return false;
    }
    if (block.roleKey) for (const s of entering) s.rolesRun.add(block.roleKey);
    return true;
  }

  private async runTask(task: TaskNode, states: HostState[], frames: TaskFrame[], handler = false): Promise<boolean> {
    if (!handler && !shouldRunTags(task.tags, onlyTagsFor(task, this.opts.only), this.opts.skip)) return true;
    const implicitGather = task.actionWritten === 'gather_facts' && task.name === 'Gathering Facts';
    if (!handler && !implicitGather && this.opts.startAtTask !== undefined) {
      const re = globToRegExp(this.opts.startAtTask);
      // (its name, else the name Ansible shows for it: an unnamed task's action, a role's task with its role's name)
      if ((task.name !== undefined && re.test(task.name)) || re.test(displayName(task))) this.opts.startAtTask = undefined;
      else return true;
    }
    if (!handler && !implicitGather && this.opts.confirmStep) {
      const answer = await this.opts.confirmStep(displayName(task));
      if (answer === 'no') return true;
      if (answer === 'continue') this.opts.confirmStep = undefined;
    }
    const started = Date.now();
    const runOnce = truthyKeyword(task, frames, this.play, 'run_once');
    // add_host runs once, on the first host only (its result is that host's alone), as in Ansible; so do
    // the meta actions that act on every host, with the first host's condition (Ansible's linear strategy)
    const bypass = task.action === 'add_host' || META_ONCE.includes(metaActionOf(task) ?? '');
    const targets = runOnce || bypass ? states.slice(0, 1) : states;
    const limit = pLimit(Math.max(1, Math.min(this.opts.forks, Number(inherited(task, frames, this.play, 'throttle') ?? Infinity) || this.opts.forks)));
    // included files, in the order they were first included, each with the hosts that included it
    const includes = new Map<string, { nodes: PlayNode[]; frame: TaskFrame; states: HostState[]; shown?: { file: string; item?: string | undefined } | undefined }>();
    const include = (s: HostState, key: string, nodes: PlayNode[], frame: TaskFrame, shown?: { file: string; item?: string | undefined }): void => {
      // the same file included twice by one host (a loop over equal items) runs twice, in order
      let unique = key;
      for (let n = 1; includes.get(unique)?.states.includes(s); n++) unique = `${key}\0${n}`;
      const entry = includes.get(unique) ?? { nodes, frame, states: [], shown };
      entry.states.push(s);
      includes.set(unique, entry);
    };
    const env = { play: this.play, batch: this.batch, playHosts: this.hosts, vars: this.vars, opts: this.opts, playName: this.name, playVars: this.playVars, varsFiles: (s: HostState, name: VarsFileNamer) => this.varsFiles.forHost(s, name), roles: this.roleDefaults, roleVars: this.roleVars, addRoleVars: (key: string, vars: VarBag[]) => this.addRoleVars(key, vars), roleNames: this.roleNames, addRoleNames: (key: string, names: RoleNames, includedRole?: string) => this.addRoleNames(key, names, includedRole), include, flush: () => this.flushHandlers(states), addHandlers: (added: { role: Role; handlers: PlayNode[] }[]) => this.addHandlers(added), stateOf: this.stateOf, inventoryChanged: this.inventoryChanged, secretNames: this.secretNames };
    const banner = bannerName(task, targets[0], frames, env);
    // (a free-strategy play's banners are shown with their tasks' results, as Ansible's default callback shows them)
    const free = this.play.keywords.strategy === 'free';
    this.opts.reporter.emit({ type: 'task_start', name: banner, handler, hosts: targets.map((s) => s.host.name), id: taskIdOf(task), ...(free ? { lazy: true } : {}) });
    const runOn = async (s: HostState): Promise<TaskOutcome> => {
      const outcome = await executeTask(task, s, frames, env);
      this.opts.reporter.emit({ type: 'host_done', host: s.host.name, status: outcomeStatus(outcome), ...(task.action === 'meta' ? { counted: false } : {}) });
      return outcome;
    };
    // Ansible's linear strategy runs a meta task host after host, its banner shown again for each
    const outcomes: TaskOutcome[] = [];
    if (task.action === 'meta' && !free) {
      for (const [i, s] of targets.entries()) {
        if (i > 0) this.opts.reporter.emit({ type: 'task_start', name: banner, handler, again: true });
        outcomes.push(await runOn(s));
      }
    } else outcomes.push(...(await Promise.all(targets.map((s) => limit(() => runOn(s))))));
    outcomes.forEach((o, i) => {
      const s = targets[i];
      if (s && o.failed && !o.ignored) s.lastFailure = { task: { name: ownName(task, s, frames, env), action: task.actionWritten }, result: o.result };
    });
    if (runOnce && outcomes[0]) {
      // a run_once result applies to every host of the batch (register, facts, failure)
      const first = outcomes[0];
      for (const s of states.slice(1)) {
        s.remember(first.register, first.result, first.facts);
        if (first.failed && !first.ignored) {
          s.failed = true;
          s.stats.failed += 1;
        }
      }
    }
    this.timings.push({ task: banner, seconds: (Date.now() - started) / 1000 });
    // end_play and end_batch end the batch's hosts (not the unreachable ones: they stay so); end_play
    // the play's later batches too
    const ends = outcomes.find((o) => o.ends)?.ends;
    if (ends) {
      for (const s of this.batch.map(this.stateOf)) if (!s.unreachable) s.ended = true;
      if (ends === 'play') this.ended = true;
    }
    const anyFatal = truthyKeyword(task, frames, this.play, 'any_errors_fatal', this.opts.anyErrorsFatal === true);
    // a failure a rescue section will handle does not stop the play (as in Ansible); its rescue may
    const rescuable = frames.some((f) => f.section === 'block' && f.block.rescue.length > 0);
    if (anyFatal && !rescuable && outcomes.some((o) => o.failed && !o.ignored)) {
      for (const s of states) {
        if (!s.failed) s.failed = true;
      }
      this.opts.reporter.emit({ type: 'no_hosts_remaining' });
      return false;
    }
    // max_fail_percentage is checked after every task, as Ansible's linear strategy does: past it, the hosts
    // left stop here (its banner twice, as Ansible's two checks print it); not inside a block a rescue may
    // still clear a failure of, as Ansible counts a host failed only once its block did not rescue it
    const batchStates = this.play.keywords.max_fail_percentage === undefined || rescuable ? [] : this.batch.map(this.stateOf);
    if (batchStates.length && !this.withinFailLimit(batchStates)) {
      for (const s of batchStates) if (!s.failed && !s.unreachable) s.failed = true;
      this.opts.reporter.emit({ type: 'no_hosts_remaining' });
      this.opts.reporter.emit({ type: 'no_hosts_remaining' });
      return false;
    }
    for (const o of outcomes) if (o.flushHandlers) await this.flushHandlers(states);
    // every `included:` line first, then the files, as Ansible prints them
    for (const e of includes.values()) if (e.shown) this.opts.reporter.emit({ type: 'included', file: e.shown.file, hosts: e.states.map((s) => s.host.name), item: e.shown.item });
    for (const entry of includes.values()) {
      const active = entry.states.filter((s) => s.active);
      if (active.length && !(await this.runNodes(entry.nodes, active, [...frames, entry.frame]))) return false;
    }
    return true;
  }

  readonly timings: { task: string; seconds: number }[] = [];

  // a public include's variables join the play's roles' last (an identity included again moves there, as
  // Ansible appends its role to the play's roles each time)
  private addRoleVars(key: string, vars: VarBag[]): void {
    const before = this.publicRoles.get(key);
    if (before) for (const b of before) this.roleVars.splice(this.roleVars.indexOf(b), 1);
    // copies: a bag of its own each (a role's vars files' bag may also be in roleVars through roles:)
    const own = vars.map((b) => ({ ...b }));
    this.publicRoles.set(key, own);
    this.roleVars.push(...own);
  }

  // the roles an include brought joined the play: their names too, once per include; the imports of an included
  // role only when its tasks are loaded the first time (Ansible's role cache gives back a role it loaded before,
  // whose imports it appended then)
  private addRoleNames(key: string, names: RoleNames, includedRole?: string): void {
    if (this.namesJoined.has(key)) return;
    this.namesJoined.add(key);
    if (includedRole !== undefined) {
      if (this.tasksLoaded.has(includedRole)) return;
      this.tasksLoaded.add(includedRole);
    }
    this.roleNames.play.push(...names.play);
    for (const d of names.dependencies) if (!this.roleNames.dependencies.includes(d)) this.roleNames.dependencies.push(d);
  }

  private addHandlers(added: { role: Role; handlers: PlayNode[] }[]): void {
    if (added.some(({ role }) => !this.handlerRoles.has(role.id))) this.resolveNotified(this.hosts.map((h) => this.stateOf(h)));
    for (const { role, handlers } of added) {
      if (this.handlerRoles.has(role.id)) continue;
      this.handlerRoles.add(role.id);
      // a block of their own (as Ansible's are), with their role's vars and defaults, which a private
      // include gives only to the role's own tasks and handlers
      if (handlers.length) this.addedHandlers.push({ kind: 'block', name: undefined, block: handlers, rescue: [], always: [], keywords: {}, tags: [], role: { name: role.name, path: role.path }, implicit: undefined, roleScope: [role], pos: { file: role.handlersFile ?? role.path } });
    }
  }

  /**
   * Runs notified handlers in definition order (a handler may notify a later one). A name reaches one
   * handler, as Ansible 2.14's search finds it: the handler blocks from the last to the first, in a block
   * the first handler of that name (a role's handlers are a block of their own, before the play's); a
   * topic reaches every handler listening to it. Each runs once for it; one that comes earlier than the
   * handler notifying it waits for the next flush.
   */
  async flushHandlers(states: HostState[]): Promise<void> {
    const handlers = this.handlerList();
    const forced = this.opts.forceHandlers || toBool(this.play.keywords.force_handlers) === true;
    for (const { task: h, frames } of handlers) {
      this.resolveNotified(states);
      const targets = states.filter((s) => s.pendingHandlers.has(h) && (forced ? !s.unreachable : s.active));
      if (!targets.length) continue;
      for (const s of targets) s.pendingHandlers.delete(h);
      await this.runTask(h, targets, frames, true);
    }
    this.resolveNotified(states);
  }

  // the play's handlers now (its own and its roles', then those include_role added), each with its blocks
  private handlerList(): FlatHandler[] {
    return flatHandlers([...this.play.handlers, ...this.addedHandlers], []);
  }

  // the notified names become the handlers they reach among those the play has now (an include_role adding
  // handlers later does not change where an earlier notification went, as Ansible resolves it when notified)
  private resolveNotified(states: HostState[]): void {
    if (!states.some((s) => s.notified.size)) return;
    const handlers = this.handlerList();
    const groups = [...groupsOf(handlers)].reverse();
    const named = (h: TaskNode, n: string): boolean => h.name !== undefined && (h.name === n || (h.role !== undefined && `${h.role.name} : ${h.name}` === n));
    for (const s of states) {
      for (const n of s.notified) {
        const byName = groups.flatMap((g) => g.find((h) => named(h, n)) ?? [])[0];
        if (byName) s.pendingHandlers.add(byName);
        for (const { task: h } of handlers) if (tagsOf(h.keywords.listen).includes(n)) s.pendingHandlers.add(h);
      }
      s.notified.clear();
    }
  }
}

type FlatHandler = { task: TaskNode; frames: TaskFrame[] };

// each handler with the blocks around it (a block, or an import_tasks in the handlers), whose keywords it inherits
function flatHandlers(nodes: PlayNode[], frames: TaskFrame[]): FlatHandler[] {
  return nodes.flatMap((n) =>
    n.kind === 'task' ? [{ task: n, frames }] : [...flatHandlers(n.block, [...frames, { block: n, section: 'block' }]), ...flatHandlers(n.always, [...frames, { block: n, section: 'always' }])],
  );
}

// the handler blocks Ansible searches: a block written in the handlers is one; handlers written one after
// another in one file (the play's list, a role's handlers file) are one
function groupsOf(handlers: FlatHandler[]): TaskNode[][] {
  const groups: TaskNode[][] = [];
  let last: string | undefined;
  for (const { task, frames } of handlers) {
    const outer = frames[0]?.block;
    const key = outer ? `block ${outer.pos.file}:${outer.pos.line ?? 0}:${outer.pos.col ?? 0}` : `file ${task.pos.file}`;
    if (key !== last) groups.push([]);
    (groups[groups.length - 1] as TaskNode[]).push(task);
    last = key;
  }
  return groups;
}

function tagsOf(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

// the play's hosts in the play's `order` (Ansible's get_hosts: inventory, reverse_inventory, sorted and
// reverse_sorted by name, shuffle)
function ordered(hosts: Host[], order: string | undefined): Host[] {
  if (order === 'sorted' || order === 'reverse_sorted') {
    const byName = [...hosts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return order === 'sorted' ? byName : byName.reverse();
  }
  if (order === 'reverse_inventory') return [...hosts].reverse();
  if (order === 'shuffle') {
    const out = [...hosts];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [out[i], out[j]] = [out[j] as Host, out[i] as Host];
    }
    return out;
  }
  return hosts;
}

// `fallback` when no task, block or play sets the keyword (the configuration's default)
function truthyKeyword(task: TaskNode, frames: TaskFrame[], play: Play, key: string, fallback = false): boolean {
  const v = inherited(task, frames, play, key);
  if (v === undefined) return fallback;
  return v === true || ['yes', 'true', 'True'].includes(String(v));
}

/** The name shown in TASK [...] banners: `role : name`, or the module for unnamed tasks. */
export function displayName(task: TaskNode): string {
  // include_role is shown by its own name, else `include_role : ROLE`, never under the role it is in
  // (Ansible's IncludeRole.get_name)
  if (task.action === 'include_role') return task.name ?? `${task.actionWritten} : ${String(task.args.name ?? '')}`;
  const base = task.name ?? task.actionWritten;
  return task.role ? `${task.role.name} : ${base}` : base;
}

// a vars_prompt answer hashed as Ansible's do_encrypt hashes it: encrypt names a passlib scheme
// (sha512_crypt, sha256_crypt, md5_crypt), with the entry's salt or a random one of salt_size
function promptValue(value: unknown, e: Record<string, unknown>, pos: SourcePos): unknown {
  if (e.encrypt === undefined || e.encrypt === null) return value;
  // (the scheme was checked at load: a salt passlib refuses is found now)
  try {
    return passwordHash(value, { hashtype: String(e.encrypt), salt: e.salt, salt_size: e.salt_size }, 0);
  } catch (err) {
    if (err instanceof ExprError) throw new UserError(`vars_prompt '${String(e.name)}': ${err.message}`, { kind: 'parse', pos, hint: 'a salt is at most 16 characters of ./0-9A-Za-z (8 for md5_crypt)' });
    throw err;
  }
}
