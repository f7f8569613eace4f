// The programs a module needs on the host, checked in one command as AnsibleModule.get_bin_path(required=True)
// checks them: the first one missing gives its message, with the PATH it was looked for in.
import { shellQuote as q } from '../util/shell.js';
import type { HostIO } from './types.js';

/** Ansible's "Failed to find required executable" message for the first of `names` not on the host's PATH, or undefined. */
export async function missingExecutable(host: HostIO, names: string[]): Promise<string | undefined> {
  const r = await host.run(`for b in ${names.map(q).join(' ')}; do command -v "$b" >/dev/null || { echo "$b"; printf %s "$PATH"; exit 0; }; done`);
  const nl = r.stdout.indexOf('\n');
  if (nl === -1) return undefined;
  return `Failed to find required executable "${r.stdout.slice(0, nl)}" in paths: ${r.stdout.slice(nl + 1)}`;
}
