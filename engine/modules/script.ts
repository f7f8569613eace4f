// script: copies a controller file (the role's files/ or next to the playbook) to a temporary directory on
// the host and runs it with the rest of the line, as Ansible's script action does: creates/removes are
// tested first (skipping the task), chdir must be absolute, check mode runs nothing, and the result is the
// run's rc, stdout and stderr as the connection gave them. Declared: the facts are the guards and the file.
import { readControllerFile } from '../vault/vault.js';
import { shlexSplit } from '../inventory/shlex.js';
import { declareModule, existing, failPlan } from './declare.js';
import { RAW_KEYS } from './option-kinds.js';

const str = { type: 'str' } as const;
const path = { type: 'path' } as const;

/** What script reads: whether creates/removes exist on the host (`test -e`), and the script's bytes (null when the controller has no such file). */
export interface ScriptFacts {
  creates?: boolean | undefined;
  removes?: boolean | undefined;
  script: string | null;
  /** Why script is null: Ansible's message naming the paths searched. */
  missing?: string | undefined;
}

// the line as Ansible's action reads it: cmd is moved to the free-form text when the task is parsed
const lineOf = (o: { cmd?: string | undefined }): string => String(o.cmd ?? (o as { _raw_params?: unknown })._raw_params ?? '').trim();

/** The script module. */
export const scriptModule = declareModule({
  spec: {
    freeForm: 'optional',
    freeFormOptions: RAW_KEYS,
    options: { cmd: str, chdir: path, creates: path, removes: path, executable: str },
    requiredOneOf: [['_raw_params', 'cmd']],
  },
  async facts(o, host, local) {
    // an empty creates or removes is not tested, as Ansible's action tests only a true value
    const [creates, removes] = [o.creates || undefined, o.removes || undefined];
    const there = await existing(host, [creates, removes].filter((p): p is string => p !== undefined));
    const name = shlexSplit(lineOf(o), false)[0];
    const file = name === undefined ? undefined : local.findLocal('files', name);
    return {
      ...(creates === undefined ? {} : { creates: there[0] }),
      ...(removes === undefined ? {} : { removes: there[creates === undefined ? 0 : 1] }),
      script: file === undefined ? null : readControllerFile(file).toString('base64'),
      ...(file === undefined && name !== undefined ? { missing: local.missingLocal('files', name) } : {}),
    };
  },
  plan(o, f: ScriptFacts, { check }) {
    if (o.creates && f.creates === true) return { steps: [], result: { changed: false, skipped: true, msg: `${o.creates} exists, matching creates option` } };
    if (o.removes && f.removes === false) return { steps: [], result: { changed: false, skipped: true, msg: `${o.removes} does not exist, matching removes option` } };
    if (o.chdir !== undefined && o.chdir !== '' && !o.chdir.startsWith('/')) return failPlan(`chdir ${o.chdir} must be an absolute path for a Unix-aware remote node`);
    const line = lineOf(o);
    const name = shlexSplit(line, false)[0];
    if (name === undefined) return failPlan('script needs the path of a script');
    if (f.script === null) return failPlan(f.missing ?? `Could not find or access '${name}'`);
    if (check) {
      // the task was skipped already if a guard said so: with one it would run; without, the action cannot tell
      if (o.creates || o.removes) return { steps: [], result: { changed: true } };
      return { steps: [], result: { changed: false, skipped: true, msg: 'Check mode is not supported for this task.' } };
    }
    const executable = o.executable || undefined;
    return {
      steps: [{ kind: 'exec', command: line, ...(o.chdir ? { chdir: o.chdir } : {}), script: { base64: f.script, name, ...(executable === undefined ? {} : { executable }) } }],
      result: { changed: true },
    };
  },
});
