// wait_for_connection, declared, as Ansible's action: it reads nothing (the connection is what it looks
// at); skipped in check mode; otherwise one reconnect step (connection-steps.ts): after `delay`, the
// connection is reset and a command tried every `sleep` seconds (each connect bounded by connect_timeout)
// until one runs or `timeout` passes. Ansible's test is its ping module (Python on the host); kplay's is a
// shell command, which is what its modules need.
import { declareModule, type Plan } from './declare.js';

const OPTIONS = { connect_timeout: { type: 'int' }, delay: { type: 'int' }, sleep: { type: 'int' }, timeout: { type: 'int' } } as const;

/** The wait_for_connection module. */
export const waitForConnectionModule = declareModule({
  spec: { options: OPTIONS },
  facts: async () => ({}),
  plan(o, _f, mode): Plan {
    if (mode.check) return { steps: [], result: { changed: false, skipped: true } };
    const step = { kind: 'reconnect' as const, delay: o.delay ?? 0, sleep: o.sleep ?? 1, timeout: o.timeout ?? 600, connectTimeout: o.connect_timeout ?? 5 };
    return { steps: [step], result: { changed: false } };
  },
});
