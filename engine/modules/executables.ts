// The programs a module needs on the host, checked in one command as AnsibleModule.get_bin_path(required=True)
// checks them: the first one missing gives its message, with the PATH it was looked for in.
import { shellQuote as q } from '../util/shell.js';
import type { HostIO } from './types.js';

/** Where each of `names` is on the host's PATH, or Ansible's "Failed to find required executable" message for the first missing one. */
export async function findExecutables(host: HostIO, names: string[]): Promise<{ paths: string[] } | { missing: string }> {
  const r = await host.run(`for b in ${names.map(q).join(' ')}; do command -v "$b" || { echo "!$b"; printf %s "$PATH"; exit 0; }; done`);
  const lines = r.stdout.split('\n');
  const miss = lines.findIndex((l) => l.startsWith('!'));
  if (miss === -1) return { paths: lines.slice(0, names.length) };
  return { missing: `Failed to find required executable "${(lines[miss] as string).slice(1)}" in paths: ${lines.slice(miss + 1).join('\n')}` };
}

/** Ansible's "Failed to find required executable" message for the first of `names` not on the host's PATH, or undefined. */
export async function missingExecutable(host: HostIO, names: string[]): Promise<string | undefined> {
  const found = await findExecutables(host, names);
  return 'missing' in found ? found.missing : undefined;
}
