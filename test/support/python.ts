// Runs a snippet of the system Python (the one Ansible uses) over JSON input, for oracle checks.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The Python interpreter Debian's ansible-core runs on, if present. */
export const systemPython = ['/usr/bin/python3'].find((p) => existsSync(p));

/** Calls `fn(input)` in Python: `code` must define `fn`; input and output travel as JSON. */
export function pythonEval<T>(code: string, input: unknown): T {
  if (!systemPython) throw new Error('no system python3');
  const script = `import json, sys\n${code}\nprint(json.dumps(fn(json.load(sys.stdin))))`;
  const out = execFileSync(systemPython, ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' });
  return JSON.parse(out) as T;
}
