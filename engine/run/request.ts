// One run as `kplay` and `kplay adhoc` both start it: a typed request (checked option values, the
// reporter, the connections' settings), Ctrl-C handling (first: no new task starts; second: running
// commands are killed) and every connection closed at the end, whatever happened.
import type { PatternMatcher } from '../inventory/patterns.js';
import type { Play } from '../playbook/model.js';
import { runPlays, type RunnerOptions, type RunOutcome } from '../runner/play-runner.js';
import type { VarsContext } from '../vars/host-scope.js';
import { Connections, type SshDefaults } from './connections.js';
import { onTemplateWarning } from '../template/warnings.js';

/** Everything one run needs; built by the command that starts it (the runner's options but the connections and Ctrl-C, which the run layer owns). */
export interface RunRequest extends Omit<RunnerOptions, 'transportFor' | 'interrupted' | 'controller' | 'sshDefaults'> {
  plays: Play[];
  vars: VarsContext;
  matcher: PatternMatcher;
  /** -c: the connection type for every host (else each host's ansible_connection). */
  connection: string | undefined;
  ssh: SshDefaults;
  /** Where a warning goes while the run is on screen (above a live view, else stderr). */
  warn(msg: string): void;
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
  const held = new Set<Promise<void>>();
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
  // what templates warn of as they render (a filter name Ansible routes elsewhere, a plugin that cannot load), as Ansible does
  onTemplateWarning((w) => req.reporter.emit({ type: 'warning', msg: w.msg, deprecation: w.deprecation }));
  try {
    const { plays, vars, matcher, connection: _connection, ssh: _ssh, warn: _warn, ...runner } = req;
    const outcome = await runPlays(plays, vars, matcher, {
      ...runner,
      transportFor: (h, settings, own) => connections.transportFor(h, settings, own),
      hold: (done) => {
        held.add(done);
        void done.finally(() => held.delete(done));
      },
      controller: () => connections.controller(),
      sshDefaults: req.ssh,
      interrupted: () => interrupted,
    });
    return { outcome, interrupted };
  } finally {
    onTemplateWarning(undefined);
    // (Ctrl-C meanwhile is still kplay's: a second one kills the jobs' commands)
    if (held.size) {
      req.warn(`waiting for ${held.size} background job(s) (async with poll: 0) that kplay runs from the controller to end`);
      await Promise.all(held);
    }
    process.off('SIGINT', onSigint);
    await connections.closeAll();
  }
}
