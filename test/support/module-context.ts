// A ModuleContext on the real local transport, for module tests (one place instead of one per file).
import type { ModuleContext } from '../../engine/modules/types.js';
import { hostIO } from '../../engine/runner/host-io.js';
import { LocalTransport } from '../../engine/transport/local.js';

/** Builds a context; override any field (findLocal, render, variable, condition...). */
export function moduleContext(args: Record<string, unknown>, opts: Partial<ModuleContext> & { env?: Record<string, string> } = {}): ModuleContext {
  const { env, ...rest } = opts;
  return {
    args,
    host: hostIO(new LocalTransport(), undefined, env ? { env } : {}),
    check: false,
    diff: false,
    findLocal: () => undefined,
    missingLocal: (_kind, src) => `Could not find or access '${src}' on the Ansible Controller.`,
    render: (t) => t,
    condition: () => true,
    variable: () => ({ defined: false, value: undefined }),
    warn: () => undefined,
    // pause's timed wait without a terminal: the time, nothing shown
    wait: async (seconds) => {
      await new Promise((r) => setTimeout(r, seconds * 1000));
      return false;
    },
    ...rest,
  };
}
