// `~` at the start of a controller path, as Python's os.path.expanduser reads it.
import { homedir } from 'node:os';

/** `p` with a leading `~` (alone or before `/`) replaced by `home` (default: this user's home directory). */
export function expandHome(p: string, home: string = homedir()): string {
  return p.replace(/^~(?=\/|$)/, home);
}
