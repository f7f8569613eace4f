// What the runner tells reporters, as a discriminated union: reporters only see events, never the
// runner's state, so console, live and JSON output are interchangeable.

/** A task's outcome on one host (or one loop item). */
export type HostStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable';

/** Every event of a run. */
export type RunEvent =
  | { type: 'play_start'; name: string; pattern: string }
  | { type: 'no_hosts'; play: string }
  /** The play stopped because every host left failed (any_errors_fatal, max_fail_percentage): Ansible's NO MORE HOSTS LEFT. */
  | { type: 'no_hosts_remaining' }
  /**
   * `again`: the same task's banner once more, for its next host (Ansible's meta tasks): no new task.
   * `lazy`: a free-strategy play's task; its banner is shown with its first result after another task's.
   * `id` names the task (Ansible's task uuid), as host results' `taskId` do.
   */
  | { type: 'task_start'; name: string; handler: boolean; hosts?: string[]; again?: boolean; lazy?: boolean; id?: number }
  /** A host finished a task (all its loop items): its status for the task as a whole. */
  | { type: 'host_done'; host: string; status: HostStatus; /** false: not in the recap (a meta task), so not in the play's counters either */ counted?: boolean }
  | { type: 'host_result'; host: string; status: HostStatus; result: Record<string, unknown>; item?: { label: string }; ignored: boolean; delegatedTo?: string | undefined; verbose: boolean; showResult: boolean; indent: boolean; debug?: boolean | undefined; taskId?: number }
  | { type: 'retry'; host: string; task: string; retriesLeft: number }
  /** include_tasks loaded a file for these hosts (Ansible's `included: FILE for HOSTS` line). */
  | { type: 'included'; file: string; hosts: string[]; item?: string | undefined }
  | { type: 'command'; host: string; command: string; kind?: 'exec' | 'connection' }
  /** `fromResult`: a module's own warning or deprecation, also in its result (Ansible's oneline output shows it only there). */
  | { type: 'warning'; msg: string; deprecation?: boolean | undefined; fromResult?: boolean | undefined }
  /** Lines an action prints itself, as they are (pause's "Pausing for 1 seconds"). */
  | { type: 'display'; text: string }
  | { type: 'play_recap'; stats: Record<string, HostStats>; timings: { task: string; seconds: number }[] };

/** Counters of the PLAY RECAP. */
export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

/** Receives events (console, JSON, tests). */
export interface Reporter {
  emit(e: RunEvent): void;
}

/** Fresh counters. */
export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}
