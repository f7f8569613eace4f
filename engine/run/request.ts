// One run as `kplay` and `kplay adhoc` both start it: a typed request (checked option values, the
// reporter, the connections' settings), Ctrl-C handling (first: no new task starts; second: running
// commands are killed) and every connection closed at the end, whatever happened.
import type { PatternMatcher } from '../inventory/patterns.js';
import type { LoadOptions } from '../playbook/load.js';
import type { Play } from '../playbook/model.js';
import type { Reporter } from '../runner/events.js';
import { runPlays, type RunOutcome } from '../runner/play-runner.js';
import type { VarsContext } from '../vars/host-scope.js';
import { Connections, type SshDefaults } from './connections.js';

/** Everything one run needs; built by the command that starts it. */
export interface RunRequest {
  plays: Play[];
  vars: VarsContext;
  matcher: PatternMatcher;
  reporter: Reporter;
  forks: number;
  check: boolean;
  diff: boolean;
  only: string[];
  skip: string[];
  forceHandlers: boolean;
  verbosity: number;
  limit: string | undefined;
  loadOpts: LoadOptions;
  /** -c: the connection type for every host (else each host's ansible_connection). */
  connection: string | undefined;
  ssh: SshDefaults;
  /** Where a warning goes while the run is on screen (above a live view, else stderr). */
  warn(msg: string): void;
  startAtTask?: string | undefined;
  confirmStep?: ((task: string) => Promise<'yes' | 'no' | 'continue'>) | undefined;
  prompt?: ((text: string, echo: boolean) => Promise<string>) | undefined;
}

/** What a run ended with: the runner's outcome and whether Ctrl-C stopped it. */
export interface RunResult {
  outcome: RunOutcome;
  interrupted: boolean;
}

/** Runs the request's plays with Ctrl-C handling; closes every connection before returning. */
export async function executeRun(req: RunRequest): Promise<RunResult> {
  const connections = new Connections(req.connection, req.ssh);
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) {
      req.warn('interrupted again: killing running commands');
      connections.killAll();
      return;
    }
    interrupted = true;
    req.warn('interrupted: no new task will start; waiting for running commands (Ctrl-C again kills them)');
  };
  process.on('SIGINT', onSigint);
  try {
    const outcome = await runPlays(req.plays, req.vars, req.matcher, {
      forks: req.forks,
      check: req.check,
      diff: req.diff,
      only: req.only,
      skip: req.skip,
      forceHandlers: req.forceHandlers,
      verbosity: req.verbosity,
      limit: req.limit,
      reporter: req.reporter,
      loadOpts: req.loadOpts,
      transportFor: (h, settings) => connections.transportFor(h, settings),
      interrupted: () => interrupted,
      startAtTask: req.startAtTask,
      confirmStep: req.confirmStep,
      prompt: req.prompt,
    });
    return { outcome, interrupted };
  } finally {
    process.off('SIGINT', onSigint);
    await connections.closeAll();
  }
}
