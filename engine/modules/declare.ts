// A module as one declaration: its options (Ansible's argument spec), how it reads the facts it needs
// from the host, and a pure plan from (options, facts) to the steps that bring the host to the wanted
// state and the result it reports. One executor (execute-plan.ts) carries the steps out, or in check
// mode only shows them; a test gives the plan options and facts as JSON rows and compares what it plans.
import { dirname } from 'node:path';
import { converted } from '../playbook/module-args.js';
import { shellQuote as q } from '../util/shell.js';
import { executePlan, rememberingInspections } from './execute-plan.js';
import { attrsDiffer, type ValidateFailure } from './file-content.js';
import { withPathInfo } from './path-info.js';
import { withLines } from './run-command.js';
import { needsUmask } from './symbolic-mode.js';
import type { ModuleSpec, OptionSpec, OptionType } from './specs.js';
import type { FileAttrs, FileStat, FileState, HostIO, Module, ModuleContext, ModuleResult } from './types.js';

/** The TypeScript type of a converted option value of each Ansible type. */
type ValueOf<T extends OptionType> = T extends 'str' | 'path' ? string : T extends 'bool' ? boolean : T extends 'int' | 'float' ? number : T extends 'list' ? unknown[] : T extends 'dict' ? Record<string, unknown> : unknown;

/** A module's options as its plan sees them: converted to their declared types (undefined when not given). */
export type Options<O extends Record<string, OptionSpec>> = { readonly [K in keyof O]: ValueOf<O[K]['type']> | undefined };

/** A file as a plan sees it: a JSON-friendly copy of its stat and (for a regular file) its text. */
export interface FileFact {
  exists: boolean;
  type?: 'file' | 'directory' | 'link' | 'other' | undefined;
  mode?: string | undefined;
  owner?: string | undefined;
  group?: string | undefined;
  /** The owner's and group's ids and the number of hard links (the file module's diff of copy's and template's attributes). */
  uid?: number | undefined;
  gid?: number | undefined;
  links?: number | undefined;
  /** The file's text; null when it is not a regular file. */
  content: string | null;
}

/** A step that makes a file hold `content` with `attrs` (validate, backup, diff and check mode by the shared file core). */
export interface WriteStep {
  kind: 'write';
  path: string;
  /** The bytes to write: text, or base64 with `encoding` (copy's files may be binary). */
  content: string;
  encoding?: 'base64' | undefined;
  attrs?: FileAttrs | undefined;
  backup?: boolean | undefined;
  /** The result key naming the backup file: backup_file (most modules) or backup (lineinfile). */
  backupAs?: 'backup' | 'backup_file' | undefined;
  /** A command checking the new content before it is moved into place (`%s`: a temporary file holding it). */
  validate?: string | undefined;
  /** How a failed validate is reported: the line editors' one line (the default) or copy's and template's keys. */
  validateStyle?: ValidateFailure | undefined;
  /** The header --diff shows (the path when not given). */
  diffHeader?: string | undefined;
  /** Copy's and template's action diff instead: the before header only when the destination existed, this as the after header (as Ansible's action names its source). */
  diffSource?: string | undefined;
  /** The file's diff is not shown (the module reports a diff of its own, as hostname's). */
  noDiff?: boolean | undefined;
  /** The content's diff is registered as one mapping, not a list (replace's and ini_file's `diff`, as their modules return it). */
  diffAsMapping?: boolean | undefined;
  /** Keys a failed write's result has besides (copy's action adds the source's checksum to the module's failure). */
  failKeys?: Record<string, unknown> | undefined;
}

/** A step that runs a command; it fails the module when its exit status is not 0 or its stderr matches `failOn`. */
export interface RunStep {
  kind: 'run';
  command: string;
  /** The failure message: `{rc}`, `{stdout}` and `{stderr}` stand for the command's exit status and output. */
  failure: string;
  /** The failure message ends without white space (a module's check_rc failure: its msg is stderr.rstrip()). */
  trimFailure?: boolean | undefined;
  /** A regular expression (multiline) whose match in stderr is a failure even with exit status 0. */
  failOn?: string | undefined;
  /** The command runs in check mode too (a dry run such as `modprobe -n`, whose failure is the module's). */
  inCheck?: boolean | undefined;
  /** What the command reads on standard input (a secret goes here, never on the command line). */
  stdin?: string | undefined;
  /** The standard input is bytes written in base64 (apt_key's binary key data). */
  stdinEncoding?: 'base64' | undefined;
  /** How many times the command runs until it succeeds (apt_key's keyserver import tries 5 times); once when not given. */
  attempts?: number | undefined;
  /** Another failure when the failed command's exit status and stdout match (apt_key's "not found on keyserver"). */
  failureIf?: FailureCase | undefined;
  /** Keys the failed result has besides `msg` (the module's fail_json arguments). */
  failKeys?: Record<string, unknown> | undefined;
  /** What of the command's outcome the failed result has besides (its `rc`, `stdout`, `stderr`). */
  failWith?: readonly ('rc' | 'stdout' | 'stderr')[] | undefined;
  /** The command's output is reported: its stdout and stderr, where not empty, go to the result's (appended in step order). */
  reportOutput?: boolean | undefined;
  /** The environment the command runs in besides the connection's (apt's tools run with a C locale and no prompts). */
  env?: Record<string, string> | undefined;
  /** The module reports a change only when the command's stdout holds this text (apt's "Del " after autoclean). */
  changedIf?: string | undefined;
  /** The module reports no change when the command's stdout holds this text (apt's "0 upgraded, 0 newly installed"). */
  changedUnless?: string | undefined;
  /** The command's outcome goes into the result under this key as `{cmd, rc, out, err}` (unarchive's extract_results), on failure too. */
  resultAs?: string | undefined;
  /** Steps that put back what earlier steps did, run in order when this one fails, their own failures ignored (apt_repository's sources after a failed update). */
  undo?: Step[] | undefined;
}

/**
 * The module's own command, whose outcome is its result (command, shell, raw, script): the executor puts
 * its `rc`, `stdout` and `stderr` (and with `timed`, `start`, `end` and `delta`) into the result, and a
 * non-zero exit status fails it with Ansible's "non-zero return code". It never runs in check mode.
 */
export interface ExecStep {
  kind: 'exec';
  /** The shell line (with `script`, the text in which the script's name stands for its copy on the host). */
  command: string;
  /** The directory the command runs in (`cd` first). */
  chdir?: string | undefined;
  /** What the command reads on standard input. */
  stdin?: string | undefined;
  /** stdout and stderr lose their trailing newlines (command's strip_empty_ends). */
  strip?: boolean | undefined;
  /** The result has the command's start, end and delta (the command module's). */
  timed?: boolean | undefined;
  /** A controller file copied to a temporary directory on the host for the command and removed after (the script action's). */
  script?: ScriptCopy | undefined;
  /** The command execs this program (command's, which runs no shell builtin): when it cannot be executed, the failure is the OSError Ansible's run_command reports, with `cmd` its quoted words. */
  execs?: { program: string; cmd: string } | undefined;
}

/**
 * get_url's download (download.ts): the URL fetched on the host into a temporary file (only its headers,
 * with HEAD, in check mode), its checksum verified, and dest replaced only when the bytes differ, then the
 * attributes set; the executor adds Ansible's keys (checksum_src/dest, md5sum, status_code, msg, backup_file).
 */
export interface DownloadStep {
  kind: 'download';
  url: string;
  /** The file; with `intoDir`, the directory in which the file gets the name the response gives. */
  dest: string;
  intoDir: boolean;
  /** The request's settings, by get_url's option names (timeout, headers, credentials, TLS, proxy). */
  request: Record<string, unknown>;
  /** The digest the download must have before it replaces anything. */
  checksum?: { algo: string; hex: string } | undefined;
  backup: boolean;
  attrs: FileAttrs;
  /** The host's umask, for a symbolic mode without users. */
  umask?: number | undefined;
}

/**
 * uri's request (http-request.ts): one HTTP request made from the host; the executor adds Ansible's keys
 * (status, msg, url, redirected, the response headers, cookies, json, content or body) and fails the module
 * when the status is not one of `statuses`. Never made in check mode (uri's plan skips there).
 */
export interface RequestStep {
  kind: 'request';
  url: string;
  method: string;
  /** The request's settings, by uri's option names (timeout, headers as sent, credentials, TLS, proxy). */
  request: Record<string, unknown>;
  /** The body as sent (its file on the host is made readable by the connection's user only). */
  body?: string | undefined;
  follow: boolean;
  statuses: number[];
  returnContent: boolean;
}

/**
 * wait_for's wait (wait-step.ts): the condition checked on the host every `sleep` seconds until it holds or
 * `timeout` passes (after `delay`); the executor adds elapsed and the match's groups, or fails with
 * Ansible's timeout message (`msg` instead when given). Never run in check mode (wait_for's plan skips there).
 */
export interface WaitStep {
  kind: 'wait';
  /** What is waited for: a TCP port on a host, a path (its text matching `regex`), or only time. */
  on: { port: number; host: string } | { path: string; regex?: string | undefined } | { time: true };
  /** started/present: until it is there; stopped/absent: until it is gone. */
  gone: boolean;
  timeout: number;
  sleep: number;
  delay: number;
  connectTimeout: number;
  msg?: string | undefined;
}

/**
 * fetch's copy (fetch-step.ts): the host's file brought to the controller's `dest` (streamed into a temporary
 * file beside it, then renamed) and checked against `remoteSha1` when `validate`; the executor adds the
 * copy's md5sum and checksum. Without `transfer` the copy is already right and only gets `mode`. Never
 * made in check mode (fetch's plan skips there).
 */
export interface FetchStep {
  kind: 'fetch';
  src: string;
  dest: string;
  transfer: boolean;
  /** The copy's mode (kplay's option: Ansible's fetch ignores it). */
  mode?: number | undefined;
  remoteSha1: string;
  validate: boolean;
}

/**
 * reboot's reboot (connection-steps.ts): `command` issued over the connection (which may drop), then
 * `bootCommand` until it answers other than `bootId`, then `testCommand` until it succeeds, each within
 * `timeout` seconds; the executor adds `elapsed`. Never run in check mode (reboot's plan reports it there).
 */
export interface RebootStep {
  kind: 'reboot';
  command: string;
  bootCommand: string;
  bootId: string;
  testCommand: string;
  timeout: number;
  /** Seconds to wait after the command before looking. */
  postDelay: number;
  /** Each boot id check reconnects with this timeout (seconds), and the connection is reset after. */
  connectTimeout?: number | undefined;
}

/** wait_for_connection's wait (connection-steps.ts): after `delay`, a new connection every `sleep` seconds until one runs a command or `timeout` passes. */
export interface ReconnectStep {
  kind: 'reconnect';
  delay: number;
  sleep: number;
  timeout: number;
  connectTimeout: number;
}

/** pause's wait (pause-step.ts): `seconds` (with `prompt` only shown), or else a line typed after `prompt`; run in check mode too, as Ansible's pause waits there. */
export interface PauseStep {
  kind: 'pause';
  seconds?: number | undefined;
  prompt?: string | undefined;
  /** The unit the result's stdout gives the time taken in. */
  unit: 'seconds' | 'minutes';
  /** The typed line is shown as it is typed. */
  echo: boolean;
}

/**
 * synchronize's rsync (sync-step.ts): `line` run where rsync runs (in check mode too: it has --dry-run
 * then), with the connection's password on sshpass's standard input when `password`; the executor adds
 * changed (an itemized change: a line with `marker`; with `linkDest`, one not only a hard link), msg, rc,
 * cmd, stdout_lines and, with --diff, the listing as the diff.
 */
export interface RsyncStep {
  kind: 'rsync';
  line: string;
  /** The command line as the result reports it (before shlex quoting, without sshpass). */
  cmd: string;
  password: boolean;
  linkDest: boolean;
  marker: string;
}

/**
 * An action's hand-off (package's, service's): the task goes on to the module `module` names with `args`, and
 * that module's result is the result (the plan's own is never reported). It is the plan's last step.
 */
export interface HandoffStep {
  kind: 'handoff';
  /** The module, by the name the handing action resolves (a package or service manager). */
  module: string;
  args: Record<string, unknown>;
}

/** The script an exec step copies to the host: its bytes, the name it has in the command, the program that runs it. */
export interface ScriptCopy {
  base64: string;
  /** Every occurrence of it in the command becomes the copy's path, as Ansible's script action replaces it. */
  name: string;
  /** Put before the command (Ansible's script `executable`). */
  executable?: string | undefined;
}

/** A failure a run step reports instead of its own when the command ended with `rc` and its stdout holds `stdoutHas`. */
export interface FailureCase {
  rc: number;
  stdoutHas: string;
  failure: string;
  failKeys?: Record<string, unknown> | undefined;
  failWith?: readonly ('rc' | 'stdout' | 'stderr')[] | undefined;
}

/** One thing a plan asks the executor to do, in order. */
export type Step = WriteStep | RunStep | ExecStep | DownloadStep | RequestStep | WaitStep | FetchStep | RebootStep | ReconnectStep | PauseStep | RsyncStep | HandoffStep;

/** What a plan decides: the steps and the result (with `changed`) the module reports when they succeed. */
export interface Plan {
  steps: Step[];
  result: ModuleResult;
  /** Warnings the module gives (shown as Ansible shows a module's warnings). */
  warnings?: string[] | undefined;
  /** The result is an action's own, no module's (copy's force: false on an existing file): no add_path_info keys even with the declaration's pathInfo. */
  actionResult?: boolean | undefined;
}

/** How the task runs, as the facts see it: check mode, and --diff (what only a diff shows is read only then). */
export interface FactsMode {
  check: boolean;
  diff?: boolean | undefined;
}

/** A module written as a declaration. */
export interface Declaration<O extends Record<string, OptionSpec>, F> {
  spec: ModuleSpec & { options: O };
  /** What is wrong with the options themselves, found before any fact is read (as Ansible's module checks its arguments first). */
  refuse?(o: Options<O>): string | undefined;
  /** Reads what the plan compares with the wanted state (one or a few round trips; the controller's files through `local`). Only apt acts here, as Ansible's module does before it looks: it refreshes stale package lists (not in check mode). */
  facts(o: Options<O>, host: HostIO, local: Controller, mode: FactsMode): Promise<F>;
  /** The wanted state against the facts: the steps to take (none when the host is as wanted). */
  plan(o: Options<O>, facts: F, mode: { check: boolean }): Plan;
  /** The module's result is an action's own (debug, assert; synchronize, whose result has its own stdout_lines): without the `*_lines` keys a module's result gets. */
  controllerAction?: boolean;
  /** The result passes through Ansible's AnsibleModule exit: the path it names (`path`, else `dest`) gets add_path_info's keys, on failure too. */
  pathInfo?: boolean;
  /** Removes what `facts` made on the host for the steps (unarchive's temporary copy of the archive), after them, whatever happened. */
  release?(facts: F, host: HostIO): Promise<void>;
  /** Reads the host again once the steps succeeded (or were shown in check mode): the keys it adds to the result or corrects in it (hostname's facts, whether modprobe's load took). */
  after?(o: Options<O>, facts: F, host: HostIO, done: AfterContext): Promise<Record<string, unknown>>;
}

/** The controller's side of a task: its files (a role's files/ and templates/), the template language, the host's variables and conditions over them (fetch's playbook_dir, debug's var, assert's that), where synchronize's rsync runs, and whether the host is the controller itself. */
export type Controller = Pick<ModuleContext, 'findLocal' | 'missingLocal' | 'render' | 'variable' | 'condition' | 'sync'> & {
  /** The host is reached with a local connection (reboot refuses it: it would reboot the controller). */
  local: boolean;
};

/** The controller's side of a task, from its module context. */
export function controllerOf(ctx: ModuleContext): Controller {
  return { findLocal: ctx.findLocal, missingLocal: ctx.missingLocal, render: ctx.render, variable: ctx.variable, condition: ctx.condition, sync: ctx.sync, local: ctx.connection?.local === true };
}

/** What `after` knows of the run: check mode, the result so far, and how to warn. */
export interface AfterContext {
  check: boolean;
  /** --diff was asked. */
  diff: boolean;
  result: ModuleResult;
  warn(message: string): void;
}

/** A declared module: its declaration and the runnable module the runner dispatches to. */
export interface DeclaredModule {
  spec: ModuleSpec;
  facts(o: Record<string, unknown>, host: HostIO, local: Controller, mode: { check: boolean }): Promise<unknown>;
  plan(o: Record<string, unknown>, facts: unknown, mode: { check: boolean }): Plan;
  run: Module;
}

/** A file's state as a fact (its bytes read as UTF-8 text). */
export function fileFact(s: FileState): FileFact {
  return { ...statFact(s.stat), content: s.content === undefined ? null : s.content.toString('utf8') };
}

// the stat's parts a file fact keeps (the ids and links only where the stat has them)
function statFact(st: FileStat): Omit<FileFact, 'content'> {
  const { exists, type, mode, owner, group, uid, gid, links } = st;
  return { exists, type, mode, owner, group, ...(uid === undefined ? {} : { uid }), ...(gid === undefined ? {} : { gid }), ...(links === undefined ? {} : { links }) };
}

/** A file as a plan sees it when its bytes may not be text (copy's, a signing key): its stat and a regular file's bytes in base64. */
export type BytesFact = Omit<FileFact, 'content'> & { base64: string | null };

/** A file's state as a fact with its bytes in base64. */
export function bytesFact(s: FileState): BytesFact {
  return { ...statFact(s.stat), base64: s.content === undefined ? null : s.content.toString('base64') };
}

/** The facts of a module that edits one file: that file (and the host's umask when its mode needs it). */
export interface OneFileFacts {
  file: FileFact;
  /** The host's umask, read when the mode is symbolic without users (+x). */
  umask?: number | undefined;
}

/** Reads the one file a module edits (and the umask a symbolic `mode` without users needs). */
export async function readOneFile(host: HostIO, path: string, mode?: unknown): Promise<OneFileFacts> {
  const file = fileFact(await host.inspect(path));
  const umask = await umaskFor(host, mode);
  return umask === undefined ? { file } : { file, umask };
}

/** Which of the paths exist (one command for all of them). */
export async function existing(host: HostIO, paths: string[]): Promise<boolean[]> {
  if (!paths.length) return [];
  const r = await host.run(paths.map((p) => `if [ -e ${q(p)} ]; then echo y; else echo n; fi`).join('; '));
  const answers = r.stdout.split('\n');
  return paths.map((_, i) => answers[i] === 'y');
}

/** Where a link leads (every link resolved, as os.path.realpath), when `path` is a link to something that exists: copy's and template's `follow: true`. Undefined otherwise. */
export async function linkFollowed(host: HostIO, path: string): Promise<string | undefined> {
  // one round trip: a link, and something where it leads
  const r = await host.run(`if [ -L ${q(path)} ] && [ -e ${q(path)} ]; then realpath -- ${q(path)}; fi`);
  return r.rc === 0 && r.stdout.trim() ? r.stdout.replace(/\n$/, '') : undefined;
}

/** The directories `mkdir -p` makes for an absolute `dir`, outermost first (none when it exists): one command. */
export async function missingDirs(host: HostIO, dir: string): Promise<string[]> {
  const dirs = dir.split('/').flatMap((_, i, parts) => (i > 0 && parts[i] ? [parts.slice(0, i + 1).join('/')] : []));
  const first = (await existing(host, dirs)).indexOf(false);
  return first < 0 ? [] : dirs.slice(first);
}

/** True when the file exists and its attributes differ from the wanted ones (`umask`: the host's, for a symbolic mode without users). */
export const attrsChange = (file: Omit<FileFact, 'content'>, attrs: FileAttrs, umask?: number): boolean => file.exists && attrsDiffer({ exists: true, type: file.type, mode: file.mode, owner: file.owner, group: file.group }, attrs, umask);

/** The host's umask (in the task's become and environment), read only when a symbolic mode needs it (+x, =r): undefined otherwise. */
export async function umaskFor(host: HostIO, mode: unknown): Promise<number | undefined> {
  if (!needsUmask(mode)) return undefined;
  const r = await host.run('umask');
  const v = parseInt(r.stdout.trim(), 8);
  return r.rc === 0 && !Number.isNaN(v) ? v : undefined;
}

/** The step making a new file's directory (and its parents) where it is missing. */
export const makeParentDir = (path: string): RunStep => ({ kind: 'run', command: `mkdir -p -- ${q(dirname(path))}`, failure: `Error creating ${dirname(path)}: {stderr}` });

/** A plan that fails with `msg` and takes no step. */
export const failPlan = (msg: string, extra: Record<string, unknown> = {}): Plan => ({ steps: [], result: { changed: false, failed: true, msg, ...extra } });

/**
 * The arguments converted to their declared types (the runner has done so already for a module on a host;
 * a controller action's arguments come as written, as are a direct call's) and null ones left out, or what is wrong.
 */
export function typed(spec: ModuleSpec, args: Record<string, unknown>): Record<string, unknown> | string {
  const out: Record<string, unknown> = { ...args };
  for (const [name, o] of Object.entries(spec.options)) {
    if (!(name in args)) continue;
    // null is not given (Ansible's None), as the plan's types say, unless the action reads the key's presence
    if (args[name] === undefined || (args[name] === null && !o.keepsNull)) {
      delete out[name];
      continue;
    }
    const c = converted(o, args[name]);
    if ('problem' in c) return `argument '${name}' must be ${c.problem}, got ${JSON.stringify(args[name])}`;
    out[name] = c.value;
  }
  return out;
}

/** Makes a declaration runnable: its facts read, its plan made, and the plan carried out by the shared executor. */
export function declareModule<O extends Record<string, OptionSpec>, F>(d: Declaration<O, F>): DeclaredModule {
  const facts = (o: Record<string, unknown>, host: HostIO, local: Controller, mode: FactsMode): Promise<unknown> => d.facts(o as Options<O>, host, local, mode);
  const refused = (o: Record<string, unknown>): string | undefined => d.refuse?.(o as Options<O>);
  const plan = (o: Record<string, unknown>, f: unknown, mode: { check: boolean }): Plan => {
    const why = refused(o);
    return why === undefined ? d.plan(o as Options<O>, f as F, mode) : failPlan(why);
  };
  return {
    spec: d.spec,
    facts,
    plan,
    run: async (ctx) => {
      const o = typed(d.spec, ctx.args);
      if (typeof o === 'string') return executePlan(ctx, failPlan(o));
      const why = refused(o);
      if (why !== undefined) return executePlan(ctx, failPlan(why));
      const host = rememberingInspections(ctx.host);
      const f = await facts(o, host, controllerOf(ctx), { check: ctx.check, diff: ctx.diff });
      const planned = plan(o, f, { check: ctx.check });
      let executed: ModuleResult;
      try {
        executed = await executePlan({ ...ctx, host }, planned);
      } finally {
        await d.release?.(f as F, ctx.host);
      }
      const result = executed.failed || !d.after ? executed : { ...executed, ...(await d.after(o as Options<O>, f as F, ctx.host, { check: ctx.check, diff: ctx.diff, result: executed, warn: ctx.warn })) };
      if (d.controllerAction) return result;
      if (!d.pathInfo || planned.actionResult) return withLines(result);
      // nothing done (or only shown): the path is as the facts read it, and needs no other read
      const untouched = ctx.check || planned.steps.length === 0;
      return withLines(await withPathInfo(ctx.host, result, untouched ? (p) => host.known(p) : undefined));
    },
  };
}
