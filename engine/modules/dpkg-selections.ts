// dpkg_selections: a package's selection in dpkg's database (install, hold, deinstall, purge; a hold
// keeps apt from upgrading the Kubernetes packages), read and set as Ansible's module does: the first
// line of `dpkg --get-selections NAME` (its second word; "not present" when dpkg lists nothing), and
// `dpkg --set-selections` fed "NAME SELECTION" when it differs. It reports before and after.
import { shellQuote as q } from '../util/shell.js';
import { declareModule, failPlan, type Plan } from './declare.js';
import { findExecutables } from './executables.js';

/** What dpkg_selections compares: dpkg's path and the package's current selection, or why they could not be read. */
export type DpkgSelectionsFacts = { dpkg: string; current: string } | { missing: string } | { failed: { cmd: string; rc: number; stdout: string; stderr: string } };

/** The dpkg_selections module. */
export const dpkgSelectionsModule = declareModule({
  spec: {
    options: {
      name: { type: 'str', required: true },
      selection: { type: 'str', required: true, choices: ['install', 'hold', 'deinstall', 'purge'] },
    },
  },
  async facts(o, host): Promise<DpkgSelectionsFacts> {
    const found = await findExecutables(host, ['dpkg']);
    if ('missing' in found) return found;
    const dpkg = found.paths[0] ?? 'dpkg';
    const name = o.name ?? '';
    const cmd = `${q(dpkg)} --get-selections ${q(name)}`;
    const r = await host.run(cmd);
    if (r.rc !== 0) return { failed: { cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr } };
    const words = r.stdout.split(/\s+/).filter(Boolean);
    return { dpkg, current: words.length === 0 ? 'not present' : (words[1] ?? '') };
  },
  plan(o, f): Plan {
    if ('missing' in f) return failPlan(f.missing);
    if ('failed' in f) return failPlan(f.failed.stderr.trimEnd(), { cmd: f.failed.cmd, rc: f.failed.rc, stdout: f.failed.stdout, stderr: f.failed.stderr });
    const selection = o.selection ?? '';
    const changed = f.current !== selection;
    const result = { changed, before: f.current, after: selection };
    if (!changed) return { steps: [], result };
    // (check_rc: dpkg's stderr is the message; the line ends with a newline, as run_command's data gets one)
    const cmd = `${q(f.dpkg)} --set-selections`;
    return { steps: [{ kind: 'run', command: cmd, stdin: `${o.name ?? ''} ${selection}\n`, failure: '{stderr}', trimFailure: true, failKeys: { cmd }, failWith: ['rc', 'stdout', 'stderr'] }], result };
  },
});
