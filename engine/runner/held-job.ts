// async with poll: 0 for a module that is not command or shell (apt, dnf, get_url, a Python module...):
// Ansible's async_wrapper runs the module on the host; kplay runs it from the controller, on a connection
// of its own, while the play goes on. The job's directory on the host (async-job.ts) says it is running,
// so async_status reads it as any job's, and gets the module's result as result.json when it ends, or
// "Timeout exceeded" after `async` seconds (its connection's commands killed then). The run waits for
// such jobs before it closes its connections.
import { dirOf, startedResult, STAMP } from '../modules/async-job.js';
import type { BackgroundJob, HostIO, ModuleResult } from '../modules/types.js';

/** What a held job needs: the module run on its own connection, the host's usual connection for the job's files, and the run to wait for it. */
export interface HeldJob {
  job: BackgroundJob;
  /** Runs the module (on the job's own connection) to its result. */
  run(): Promise<ModuleResult>;
  /** The module's warnings so far (they go into the job's result). */
  warnings: string[];
  /** The host's usual connection: writes the job's directory and result. */
  host: HostIO;
  /** Stops the job: its time is up (its connection's commands killed, no new one starts). */
  stop(): void;
  /** Keeps the run open until the job has ended. */
  hold(done: Promise<void>): void;
}

/** The module's host as a job sees it: once the job is stopped, every command fails. */
export function stoppable(io: HostIO, stopped: () => boolean): HostIO {
  const check = (): void => {
    if (stopped()) throw new Error('Timeout exceeded');
  };
  return {
    run: async (command, opts) => (check(), io.run(command, opts)),
    stat: async (path, follow) => (check(), io.stat(path, follow)),
    inspect: async (path) => (check(), io.inspect(path)),
    read: async (path) => (check(), io.read(path)),
    write: async (path, content, attrs) => (check(), io.write(path, content, attrs)),
  };
}

/** Starts the module as a job and answers at once with Ansible's started result. */
export async function startHeldJob(h: HeldJob): Promise<ModuleResult> {
  const dir = dirOf(h.job.id);
  const made = await h.host.run(['set -e', `j=${dir}`, 'mkdir -p "$j" && chmod 700 "$HOME/.ansible_async"', `${STAMP} > "$j/start"`, 'echo "$j"'].join('\n'));
  if (made.rc !== 0) return { changed: false, failed: true, msg: `could not start the job: ${made.stderr.trim()}` };
  let written = false;
  // the first result wins: the module's, or the timeout's
  const write = async (result: ModuleResult): Promise<void> => {
    if (written) return;
    written = true;
    await h.host.run(`j=${dir}; cat > "$j/result.tmp" && mv "$j/result.tmp" "$j/result.json"`, { stdin: JSON.stringify(result) });
  };
  const timer = setTimeout(() => {
    h.stop();
    void write({ changed: false, failed: true, msg: 'Timeout exceeded' }).catch(() => undefined);
  }, h.job.seconds * 1000);
  const done = h
    .run()
    .catch((e: unknown): ModuleResult => ({ changed: false, failed: true, msg: (e as Error).message }))
    .then(async (result) => {
      clearTimeout(timer);
      await write({ failed: false, ...result, ...(h.warnings.length ? { warnings: h.warnings } : {}) });
    })
    .catch(() => undefined);
  h.hold(done);
  return startedResult(h.job.id, made.stdout.trim());
}
