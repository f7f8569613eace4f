// Runs the same tasks through kplay and through ansible-playbook (local connection), each engine in its
// own fresh sandbox (test/support/sandbox.ts), and gives back what each task registered and the
// sandbox, so a test compares `changed`, `failed` and the end state on the machine's real files.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { stringify } from 'yaml';
import { makeSandbox, type Sandbox } from './sandbox.js';

const KPLAY = fileURLToPath(new URL('../../bin/kplay.js', import.meta.url));

/** A registered result as a word: failed, changed or ok. */
export const outcome = (r: Record<string, unknown>): string => (r.failed === true ? 'failed' : r.changed === true ? 'changed' : 'ok');

/** A file's text in an engine's sandbox (`/etc/x` as that run left it), undefined when it is not there. */
export const sandboxText = (run: EngineRun, p: string): string | undefined => (existsSync(run.sandbox.path(p)) ? readFileSync(run.sandbox.path(p), 'utf8') : undefined);

/** A file's permission bits in an engine's sandbox, in octal ('644'). */
export const sandboxMode = (run: EngineRun, p: string): string => (statSync(run.sandbox.path(p)).mode & 0o7777).toString(8);

/** One engine's run of the tasks. */
export interface EngineRun {
  /** Each task's registered result, in task order. */
  results: Record<string, unknown>[];
  status: number;
  output: string;
  sandbox: Sandbox;
}

/** The tasks as a play: each registered (ignore_errors, so a failure is a result too), then written out. */
function play(tasks: Record<string, unknown>[], out: string): string {
  const registered = tasks.map((t, i) => ({ ...t, register: `r${i}`, ignore_errors: true }));
  const report = { 'ansible.builtin.copy': { dest: out, content: `{{ [${tasks.map((_, i) => `r${i}`).join(', ')}] | to_json }}` } };
  return stringify([{ hosts: 'localhost', gather_facts: false, tasks: [...registered, report] }]);
}

/** One engine's run of the tasks in a fresh sandbox (remove it with `run.sandbox.remove()`); `flags` go to both engines (-v). */
export function runEngine(engine: 'kplay' | 'ansible', tasks: Record<string, unknown>[], files: Record<string, string | Buffer>, flags: string[] = []): EngineRun {
  const sandbox = makeSandbox();
  const work = join(sandbox.dir, 'work');
  mkdirSync(work);
  const out = join(work, 'results.json');
  writeFileSync(join(work, 'play.yaml'), play(tasks, out).split('@WORK@').join(work));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, rel)), { recursive: true });
    writeFileSync(join(work, rel), text);
  }
  const args = ['-i', 'localhost,', '-c', 'local', ...flags, join(work, 'play.yaml')];
  const argv = engine === 'kplay' ? [process.execPath, KPLAY, ...args] : ['ansible-playbook', ...args];
  const r = sandbox.run(argv, { cwd: work, env: { NO_COLOR: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: '0', ANSIBLE_RETRY_FILES_ENABLED: '0' } });
  let results: Record<string, unknown>[] = [];
  try {
    results = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>[];
  } catch {
    throw new Error(`${engine} did not finish the play (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return { results, status: r.status, output: r.stdout + r.stderr, sandbox };
}

/**
 * Runs the tasks under both engines (`files`: more files next to the playbook, such as library/x.py;
 * the playbook's directory is @WORK@ in task arguments); remove the sandboxes with `done()`.
 */
export function runBoth(tasks: Record<string, unknown>[], files: Record<string, string | Buffer> = {}, flags: string[] = []): { kplay: EngineRun; ansible: EngineRun; done(): void } {
  const kplay = runEngine('kplay', tasks, files, flags);
  const ansible = runEngine('ansible', tasks, files, flags);
  return {
    kplay,
    ansible,
    done() {
      kplay.sandbox.remove();
      ansible.sandbox.remove();
    },
  };
}

/** Inside a describe: runs the tasks under both engines before its tests and removes the sandboxes after. */
export function bothEngines(tasks: Record<string, unknown>[], files: Record<string, string | Buffer> = {}, flags: string[] = []): () => { kplay: EngineRun; ansible: EngineRun } {
  let both: ReturnType<typeof runBoth> | undefined;
  beforeAll(() => {
    both = runBoth(tasks, files, flags);
  }, 180_000);
  afterAll(() => both?.done());
  return () => {
    if (!both) throw new Error('the engines did not run');
    return both;
  };
}

// every string in a value with the engines' sandbox directories named alike
function sandboxesAlike(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\/tmp\/kplay-sandbox-[^/]+/g, '@SANDBOX@');
  if (Array.isArray(v)) return v.map(sandboxesAlike);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sandboxesAlike(x)]));
  return v;
}

/**
 * Each task's registered result from both engines, as compared key by key: without what differs by
 * nature (invocation, diff, the interpreter Ansible found, a backup's time and process id), sandbox
 * paths named alike, and `src` left out where Ansible's names its temporary copy of the source.
 */
export function registeredPairs(kplay: EngineRun, ansible: EngineRun): { kplay: unknown[]; ansible: unknown[] } {
  const clean = (r: Record<string, unknown>, dropSrc: boolean): unknown => {
    const { invocation: _i, diff: _d, ansible_facts: _f, ...rest } = r;
    if (dropSrc) delete rest.src;
    if (typeof rest.backup_file === 'string') rest.backup_file = rest.backup_file.replace(/\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/, '.BACKUP~');
    return sandboxesAlike(rest);
  };
  const temporary = (r: Record<string, unknown> | undefined): boolean => typeof r?.src === 'string' && /\/\.ansible\/tmp\//.test(r.src);
  return {
    kplay: kplay.results.map((r, i) => clean(r, temporary(ansible.results[i]))),
    ansible: ansible.results.map((r) => clean(r, temporary(r))),
  };
}

/** Each of the first `count` tasks' registered diff, sandbox paths named alike (run with --diff). */
export const registeredDiffs = (run: EngineRun, count: number): unknown[] => run.results.slice(0, count).map((r) => sandboxesAlike(r.diff));

/** The console's lines from the first task's banner to the report task's (whose diff is the results), sandbox paths named alike. */
export function printedTasks(run: EngineRun): string[] {
  const lines = run.output.split('\n');
  const end = lines.map((l) => l.startsWith('TASK [')).lastIndexOf(true);
  return lines.slice(lines.findIndex((l) => l.startsWith('TASK [')), end).map((l) => sandboxesAlike(l) as string);
}

/**
 * Expects kplay's registered diffs (of the tasks after the first, a copy writing the file, whose source Ansible
 * names by a temporary copy) and the lines --diff printed after that first task to be Ansible's; gives kplay's diffs.
 */
export function expectAnsibleDiffs(kplay: EngineRun, ansible: EngineRun, tasks: Record<string, unknown>[]): unknown[] {
  const [k, a] = [registeredDiffs(kplay, tasks.length), registeredDiffs(ansible, tasks.length)];
  k.forEach((d, i) => i > 0 && expect({ i, task: tasks[i], d }).toEqual({ i, task: tasks[i], d: a[i] }));
  const lines = (r: EngineRun): string[] => printedTasks(r).slice(printedTasks(r).indexOf('', 2));
  expect(lines(kplay)).toEqual(lines(ansible));
  return k;
}
