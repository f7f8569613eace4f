// What a module sees: its arguments, the host through a small facade (run, stat, read, write), check
// and diff mode, and helpers to find and render files. A module reads the current state, compares
// it with the wanted state and acts only when they differ; `changed` means it had to act.
import type { DeprecationNote } from '../util/deprecation.js';
import type { WhitespaceOptions } from '../template/jinja/lexer.js';

/** A file's state on the host. */
export interface FileStat {
  exists: boolean;
  type?: 'file' | 'directory' | 'link' | 'other';
  /** Permission bits as four octal digits ("0644"). */
  mode?: string;
  owner?: string;
  group?: string;
  size?: number;
  mtime?: number;
  /** The owner's and group's numeric ids. */
  uid?: number;
  gid?: number;
  /** How many hard links the file has. */
  links?: number;
  /** Where a symlink points. */
  linkTarget?: string;
}

/** A command's output. */
export interface RunResult {
  rc: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** File attributes a module may set. */
export interface FileAttrs {
  mode?: string | undefined;
  owner?: string | undefined;
  group?: string | undefined;
}

/** A file's stat and, when it is a regular file, its content. */
export interface FileState {
  stat: FileStat;
  content: Buffer | undefined;
}

/** The host, as modules use it (built on a transport by the runner). */
export interface HostIO {
  run(command: string, opts?: { stdin?: Buffer | string; cwd?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<RunResult>;
  stat(path: string, follow?: boolean): Promise<FileStat>;
  /** The file's state (links followed) and, for a regular file, its bytes: one round trip for copy, template and the line editors. */
  inspect(path: string): Promise<FileState>;
  /** The file's bytes, or undefined when it does not exist. */
  read(path: string): Promise<Buffer | undefined>;
  /** Writes atomically (temp file in the same directory, then rename); returns a warning if it had to write in place. */
  write(path: string, content: Buffer, attrs: FileAttrs): Promise<string | undefined>;
}

/** A command's answer, or why the host could not be reached (reboot and wait_for_connection expect that). */
export type Attempt = RunResult | { unreachable: string };

/** The connection under the host facade, for the modules that wait for a host to come back. */
export interface HostConnection {
  /** kplay runs on this host itself (ansible_connection=local): there is no connection to lose. */
  local: boolean;
  /** Closes the connection; the next command opens a new one (with this connect timeout, else the host's). */
  reset(connectTimeoutMs?: number): Promise<void>;
  /** Runs a command; an unreachable host, or no answer within `timeoutMs`, is an answer too. */
  attempt(command: string, timeoutMs: number): Promise<Attempt>;
}

/** A job started with async and poll: 0: its id and how long it may run. */
export interface BackgroundJob {
  id: string;
  seconds: number;
}

/** A deprecation a module reports, in Ansible's shape. */
export type Deprecation = DeprecationNote;

/** A before/after pair shown by --diff. */
export interface FileDiff {
  /** Absent where Ansible's diff has none (a new file's copy): shown as "before". */
  before_header?: string;
  after_header?: string;
  /** Absent (with after) when a side was skipped: binary, or larger than Ansible's MAX_FILE_SIZE_FOR_DIFF; a mapping for the line editors' attributes ({mode}). */
  before?: string | Record<string, unknown>;
  after?: string | Record<string, unknown>;
  /** Why a side was not diffed, as Ansible's action reports it (shown as "diff skipped: …"). */
  dst_binary?: number;
  src_binary?: number;
  dst_larger?: number;
  src_larger?: number;
}

/** The file module's diff: two mappings ({path, state, mode…}), registered as one and shown as JSON by --diff. */
export interface ObjectDiff {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** A change shown by --diff as the module prepared it (synchronize's itemized list), as Ansible's `prepared`. */
export interface PreparedDiff {
  prepared: string;
}

/** The task's host as synchronize's rsync reaches it over ssh (Ansible's action plugin works this out). */
export interface SyncRemote {
  /** ansible_host (else the inventory name). */
  host: string;
  /** ansible_user (the delegate's when delegated), else -u; undefined: ssh's own default. */
  user: string | undefined;
  /** ansible_port; undefined: ssh's own default. */
  port: number | undefined;
  privateKey: string | undefined;
  /** ansible_password: rsync's ssh gets it through sshpass. */
  password: string | undefined;
  /** ansible_ssh_common_args and ansible_ssh_extra_args (use_ssh_args). */
  sshArgs: string | undefined;
}

/** Where synchronize's rsync runs and what it reaches: the runner's part of Ansible's action plugin. */
export interface SyncSides {
  /** The host rsync runs on: the controller, the delegate, or the task's host itself. */
  runner: HostIO;
  /** The task's host as rsync reaches it; undefined when rsync runs on that host (both paths are local). */
  remote: SyncRemote | undefined;
  /** The task's become (sudo and its user): rsync on the far side runs so. */
  become: { method: string; user: string } | undefined;
  /** ansible_rsync_path: the rsync program where rsync runs. */
  rsync: string;
  /** A controller-side path as Ansible's action finds it (role files/, then the playbook's directory). */
  localPath(path: string): string;
}

/** Everything a module run gets. */
export interface ModuleContext {
  args: Record<string, unknown>;
  host: HostIO;
  /** async with poll: 0: the job to start instead of waiting (command and shell). */
  background?: BackgroundJob | undefined;
  /** The connection itself (absent where a test gives the module a bare facade). */
  connection?: HostConnection | undefined;
  check: boolean;
  diff: boolean;
  /** Finds a local file for `src:` as Ansible searches (the role's files/ or templates/, the task's directory, the playbook's). */
  findLocal(kind: 'files' | 'templates', src: string): string | undefined;
  /** Ansible's "Could not find or access" message for a `src:` findLocal did not find, naming the paths searched. */
  missingLocal(kind: 'files' | 'templates', src: string): string;
  /** Renders a template text with the host's variables (and `extra` ones, such as template_path); `settings`: Jinja's (the template module's trim_blocks, delimiters...). */
  render(text: string, origin: string, extra?: Record<string, unknown>, settings?: WhitespaceOptions): string;
  /** Evaluates an Ansible condition against the host's variables (for assert). */
  condition(expr: unknown): boolean;
  /** A variable of the host, or an expression over them (debug var=); `templated`: typed as `{{ expr }}` types it (debug's). Undefined (anywhere in the expression) is `defined: false`, with the undefined error's text as `error`. */
  variable(name: string, templated?: boolean): { defined: boolean; value: unknown; error?: string };
  /** A warning, shown and registered with the result; `shownOnly`: shown and not registered (what an action prints itself, as pause's). */
  warn(msg: string, shownOnly?: boolean): void;
  /** A deprecation the module reports: shown as Ansible shows one, and registered with the result. */
  deprecate?(d: Deprecation): void;
  /** The task has no_log: a module that logs its arguments (Ansible's, on the host) must not. */
  noLog?: boolean | undefined;
  /** Reads a line typed on the terminal; undefined when kplay runs without one. */
  prompt?: ((text: string, echo: boolean) => Promise<string>) | undefined;
  /** pause's timed wait, its lines shown first (`prompt` among them): on a terminal Ctrl+C then C ends it early (true) and Ctrl+C then A aborts (throws). */
  wait(seconds: number, prompt: string | undefined, echo: boolean): Promise<boolean>;
  /** The task's module_defaults for another module (by the name they are kept under), templated: an action handing the task to a module applies them (package's backend); empty when none apply. */
  defaultsOf?(module: string): Record<string, unknown>;
  /** synchronize only: where rsync runs and the host it reaches. */
  sync?: SyncSides | undefined;
}

/** A module's result, in Ansible's shape (extra keys are module-specific). */
export interface ModuleResult {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  /** Usually text; debug may return any value. */
  msg?: unknown;
  diff?: (FileDiff | PreparedDiff)[] | ObjectDiff | FileDiff;
  [key: string]: unknown;
}

/** What an Ansible action plugin raises: the task fails with the message alone, no `changed` (Ansible's TaskExecutor reports exceptions so). */
export class ActionError extends Error {}

/** A failure an action plugin returns as its result rather than raises (the package and yum actions'): the task's result then has `changed: false` besides, as Ansible's TaskExecutor adds it. */
export class ActionFailed extends ActionError {}

/** A module implementation. */
export type Module = (ctx: ModuleContext) => Promise<ModuleResult>;
