// A HostIO whose paths are redirected into a fixture tree (`/proc/modules` -> ROOT/proc/modules): a
// module's real commands and file writes run, against a kernel or /etc the test made up.
import type { HostIO } from '../../engine/modules/types.js';

/** Wraps `host` so every occurrence of each `from` path in commands and paths reads as its `to`. */
export function redirected(host: HostIO, map: Record<string, string>): HostIO {
  const fix = (s: string): string => Object.entries(map).reduce((t, [from, to]) => t.split(from).join(to), s);
  return {
    run: (command, opts) => host.run(fix(command), opts),
    stat: (path, follow) => host.stat(fix(path), follow),
    inspect: (path) => host.inspect(fix(path)),
    read: (path) => host.read(fix(path)),
    write: (path, content, attrs) => host.write(fix(path), content, attrs),
  };
}
