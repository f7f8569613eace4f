// Option declarations several modules share, typed so a declared module's plan sees each value's type.
import type { OptionType } from './specs.js';

/** The file attributes modules that write files take (seuser..selevel: see selinux.ts). */
export const FILE_ATTR_OPTIONS = {
  mode: { type: 'raw' },
  owner: { type: 'str' },
  group: { type: 'str' },
  seuser: { type: 'str' },
  serole: { type: 'str' },
  setype: { type: 'str' },
  selevel: { type: 'str' },
} as const;

/** An option kplay takes only with the given values (none: the option cannot be given at all yet). */
export const onlyValues = <T extends OptionType>(type: T, ...values: (string | number | boolean)[]): { type: T; only: (string | number | boolean)[] } => ({ type, only: values });

/** The path option of the line editors: required, also spelt dest, destfile or name. */
export const EDITED_PATH = { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] } as const;

/** The options Ansible recognises as `k=v` in the free-form text of command, shell and script (`command: touch x creates=x`). */
export const RAW_KEYS = ['creates', 'removes', 'chdir', 'executable', 'stdin', 'stdin_add_newline', 'strip_empty_ends'];
