// wait_for, declared, as Ansible's module waits on Linux: the plan checks the options (a path with
// state=stopped, the search expression), skips in check mode (the module does not support it) and
// otherwise asks the executor for one wait (wait-step.ts): a TCP port opening (started) or closing
// (stopped), a file appearing (present/started, optionally holding a match of `search_regex`) or
// disappearing (absent), or, with neither port nor path, `timeout` seconds. It reads no facts: the wait
// itself is what it looks at. The result has Ansible's keys (and a path's add_path_info keys).
import { pyRegex } from '../template/expr/pyregex.js';
import { declareModule, failPlan, type Plan } from './declare.js';
import { onlyValues } from './option-kinds.js';

const OPTIONS = {
  host: { type: 'str' },
  port: { type: 'int' },
  path: { type: 'path' },
  search_regex: { type: 'str' },
  // drained (waiting for a port's connections to end) reads the host's TCP table: not in kplay yet
  state: { type: 'str', choices: ['absent', 'drained', 'present', 'started', 'stopped'], only: ['absent', 'present', 'started', 'stopped'] },
  timeout: { type: 'int' },
  delay: { type: 'int' },
  sleep: { type: 'int' },
  connect_timeout: { type: 'int' },
  msg: { type: 'str' },
  exclude_hosts: onlyValues('list'),
  active_connection_states: onlyValues('list'),
} as const;

/** The wait_for module. */
export const waitForModule = declareModule({
  spec: { options: OPTIONS, mutuallyExclusive: [['port', 'path']] },
  pathInfo: true,
  facts: async () => ({}),
  plan(o, _f, mode): Plan {
    const state = o.state ?? 'started';
    const regex = o.search_regex;
    if (regex !== undefined) {
      try {
        pyRegex(regex, 0, { multiline: true });
      } catch (e) {
        return failPlan(`Invalid regular expression: ${(e as Error).message}`);
      }
    }
    if (o.path !== undefined && state === 'stopped') return failPlan('state=stopped should only be used for checking a port in the wait_for module', { elapsed: 0 });
    if (o.port !== undefined && regex !== undefined) return failPlan('wait_for: kplay does not read a port for search_regex yet; wait for the port alone, or for a file');
    if (mode.check) return { steps: [], result: { changed: false, skipped: true, msg: 'remote module (wait_for) does not support check mode' } };
    const on = o.port !== undefined ? { port: o.port, host: o.host ?? '127.0.0.1' } : o.path !== undefined ? { path: o.path, ...(regex === undefined ? {} : { regex }) } : { time: true as const };
    const step = { kind: 'wait' as const, on, gone: state === 'absent' || state === 'stopped', timeout: o.timeout ?? 300, sleep: o.sleep ?? 1, delay: o.delay ?? 0, connectTimeout: o.connect_timeout ?? 5, ...(o.msg === undefined ? {} : { msg: o.msg }) };
    return { steps: [step], result: { changed: false, state, port: o.port ?? null, search_regex: regex ?? null, match_groups: [], match_groupdict: {}, path: o.path ?? null } };
  },
});
