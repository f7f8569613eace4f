// The Python that runs Ansible on this controller: what ansible_playbook_python names (Ansible's
// sys.executable) and the first Python kplay tries for Ansible's own plugins and modules.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

const pathDirs = (): string[] => (process.env.PATH ?? '').split(':').filter(Boolean);

/** The interpreter on ansible-playbook's #! line (`/usr/bin/env python3` gives python3), when ansible-playbook is on PATH. */
export function ansiblePlaybookShebang(): string | undefined {
  for (const dir of pathDirs()) {
    const p = join(dir, 'ansible-playbook');
    if (!existsSync(p)) continue;
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(readFileSync(p, 'utf8').split('\n', 1)[0] ?? '');
    if (!shebang) return undefined;
    return shebang[1]?.endsWith('/env') && shebang[2] ? shebang[2] : shebang[1];
  }
  return undefined;
}

let found: string | null | undefined;

/** An absolute path to the controller's Python (ansible-playbook's, else python3 on PATH), or undefined without one. */
export function controllerPython(): string | undefined {
  if (found === undefined) {
    const resolve = (cmd: string): string | null => (isAbsolute(cmd) ? (existsSync(cmd) ? cmd : null) : (pathDirs().map((d) => join(d, cmd)).find((p) => existsSync(p)) ?? null));
    const named = ansiblePlaybookShebang();
    found = (named ? resolve(named) : null) ?? resolve('python3');
  }
  return found ?? undefined;
}
