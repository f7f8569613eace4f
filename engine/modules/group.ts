// group: a local group present (with a gid, as a system group) or absent, through groupadd, groupmod
// and groupdel, as Ansible's group module runs them on Linux; the result has Ansible's keys. In check
// mode an add or a delete reports only `changed`, as Ansible's module returns at once for them.
import { shellQuote as q } from '../util/shell.js';
import { readAccounts, type GroupEntry } from './accounts.js';
import { declareModule, type Plan, type RunStep } from './declare.js';
import { onlyValues } from './option-kinds.js';

/** What the group module compares: the group as the account database has it (null: none). */
export interface GroupFacts {
  group: GroupEntry | null;
}

// a group command: its failure is the command's stderr, with the group's name (Ansible's fail_json)
const command = (argv: string[], name: string): RunStep => ({ kind: 'run', command: argv.map(q).join(' '), failure: '{stderr}', failKeys: { name }, reportOutput: true });

/** The group module. */
export const groupModule = declareModule({
  spec: {
    options: {
      name: { type: 'str', required: true },
      state: { type: 'str', choices: ['absent', 'present'] },
      gid: { type: 'int' },
      system: { type: 'bool' },
      non_unique: { type: 'bool' },
      local: onlyValues('bool', false),
    },
  },
  refuse: (o) => (o.non_unique === true && o.gid === undefined ? 'non_unique is True but all of the following are missing: gid' : undefined),
  async facts(o, host): Promise<GroupFacts> {
    const name = o.name ?? '';
    return { group: (await readAccounts(host, name)).groups.find((g) => g.name === name) ?? null };
  },
  plan(o, f, { check }): Plan {
    const name = o.name ?? '';
    const state = o.state ?? 'present';
    const current = f.group;
    const unique = o.non_unique === true ? ['-o'] : [];
    const exists = { name, state, system: o.system === true };
    if (state === 'absent') {
      if (!current) return { steps: [], result: { changed: false, name, state } };
      return check ? { steps: [], result: { changed: true } } : { steps: [command(['groupdel', name], name)], result: { changed: true, name, state } };
    }
    if (!current) {
      if (check) return { steps: [], result: { changed: true } };
      const add = ['groupadd', ...(o.gid === undefined ? [] : ['-g', String(o.gid), ...unique]), ...(o.system === true ? ['-r'] : []), name];
      // its gid is the one the database gives it (read after)
      return { steps: [command(add, name)], result: { changed: true, ...exists } };
    }
    if (o.gid !== undefined && current.gid !== o.gid) return { steps: [command(['groupmod', '-g', String(o.gid), ...unique, name], name)], result: { changed: true, ...exists, gid: check ? current.gid : o.gid } };
    return { steps: [], result: { changed: false, ...exists, gid: current.gid } };
  },
  // a group just added has the gid the database gave it
  async after(o, f, host, { check, result }) {
    if (check || f.group || result.state !== 'present') return {};
    const name = o.name ?? '';
    const now = (await readAccounts(host, name)).groups.find((g) => g.name === name);
    return now ? { gid: now.gid } : {};
  },
});
