// The one interface every connection implements (local now, SSH next): run a shell command, write
// and read files. Modules never see it directly; they use the host facade built on top of it.

/** How to run a command as another user. */
export interface Become {
  method: 'sudo' | 'su';
  user: string;
  password?: string | undefined;
  /** become_exe: the program instead of sudo or su. */
  exe?: string | undefined;
  /** become_flags: the flags as written, instead of kplay's (sudo's -n or -S with -H, su's -). */
  flags?: string | undefined;
}

/** Options for one command. */
export interface ExecOptions {
  /** Bytes written to the command's stdin (closed afterwards; closed at once when absent). */
  stdin?: Buffer | string;
  env?: Record<string, string>;
  cwd?: string;
  become?: Become | undefined;
  /** Milliseconds before the command is killed (rc 124, like timeout(1)). */
  timeoutMs?: number;
}

/** What a command produced, byte for byte. */
export interface ExecResult {
  rc: number;
  stdout: Buffer;
  stderr: Buffer;
}

/**
 * A file operation of the host facade that a resident helper answers with system calls. The reply
 * holds the bytes the facade's shell command for it would print, so one parser reads both.
 */
export type FileOp =
  | { op: 'stat'; path: string; follow: boolean }
  | { op: 'inspect'; path: string }
  | { op: 'read'; path: string }
  | { op: 'write'; path: string; mode?: string | undefined; owner?: string | undefined; group?: string | undefined; content: Buffer };

/** A connection to one host. */
export interface Transport {
  /** Runs `command` with /bin/sh -c in its own process (own cwd, environment, umask). */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Runs a file operation without a shell when the host has a helper; undefined: use a command. */
  fileOp?(op: FileOp, become: Become | undefined): Promise<ExecResult | undefined>;
  /**
   * Closes the connection; the next command opens a new one, with `connectTimeoutMs` when given
   * (meta: reset_connection, reboot, wait_for_connection). Absent: there is nothing to reconnect.
   */
  reset?(connectTimeoutMs?: number): Promise<void>;
  /** The local connection: commands run on the controller itself. */
  readonly local?: boolean;
  /** Kills commands still running (second Ctrl-C). */
  kill(): void;
  /** One line for -vvv: how this connection is made. */
  describe(): string;
  close(): Promise<void>;
}

/** The host could not be reached (or the connection dropped): the host becomes UNREACHABLE. */
export class UnreachableError extends Error {
  /** True when no connection to the server was made (refused, unreachable, timed out): what OpenSSH's ConnectionAttempts tries again. */
  beforeServer?: boolean | undefined;
}
