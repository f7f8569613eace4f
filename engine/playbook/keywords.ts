// The keywords plays, blocks, tasks and role entries accept, with JSON Schemas (checked by ajv) for
// their values, and the Ansible keywords kplay knows but does not support (a clear error, not
// "did you mean").
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';

const str = { type: 'string' };
const bool = { type: ['boolean', 'string'] };
const scalarName = { type: ['string', 'number'] };
const condition = { anyOf: [{ type: ['string', 'boolean'] }, { type: 'array', items: { type: ['string', 'boolean'] } }] };
const tags = { anyOf: [{ type: ['string', 'number'] }, { type: 'array', items: { type: ['string', 'number'] } }] };
const mapping = { type: 'object' };
// vars: a mapping, or (older playbooks) a list of mappings merged in order, as Ansible's _load_vars takes them
const varsValue = { anyOf: [mapping, { type: 'array', items: mapping }] };
const listOrTemplate = { type: ['array', 'string'] };
const intOrTemplate = { type: ['integer', 'string'] };
const identifier = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' };
const strOrList = { anyOf: [str, { type: 'array', items: str }] };
const taskList = { type: ['array', 'null'] };
// the collections unqualified module and role names are looked for in first (playbook/collections.ts)
const collectionList = { anyOf: [str, { type: 'array', items: str }] };

const common = {
  name: scalarName,
  // default arguments per module, merged under each task's own (module name -> mapping; a list of them)
  module_defaults: { anyOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }] },
  when: condition,
  tags,
  become: bool,
  become_user: str,
  become_method: { type: 'string', enum: ['sudo', 'su'] },
  become_flags: str,
  become_exe: str,
  ignore_errors: bool,
  ignore_unreachable: bool,
  environment: { type: ['object', 'string'] },
  vars: varsValue,
  delegate_to: str,
  run_once: bool,
  check_mode: bool,
  diff: bool,
  no_log: bool,
  timeout: intOrTemplate,
  remote_user: str,
  any_errors_fatal: bool,
  connection: str,
};

/** Keywords of a task (and handler), with their value schemas. */
export const TASK_KEYWORDS: Record<string, object> = {
  ...common,
  collections: collectionList,
  args: { type: ['object', 'string'] },
  action: { type: ['string', 'object'] },
  local_action: { type: ['string', 'object'] },
  register: identifier,
  // async with poll > 0: the task may take at most `async` seconds (kplay waits on the open session
  // instead of polling a job file); poll: 0 starts command and shell as jobs (modules/async-job.ts)
  async: intOrTemplate,
  poll: intOrTemplate,
  notify: strOrList,
  listen: strOrList,
  loop: listOrTemplate,
  with_items: listOrTemplate,
  with_list: listOrTemplate,
  with_dict: { type: ['object', 'string'] },
  with_first_found: {},
  with_file: listOrTemplate,
  with_together: listOrTemplate,
  with_nested: listOrTemplate,
  with_subelements: listOrTemplate,
  with_indexed_items: listOrTemplate,
  with_fileglob: { type: ['array', 'string'] },
  with_sequence: { type: ['string', 'array'] },
  with_inventory_hostnames: { type: ['string', 'array'] },
  loop_control: {
    type: 'object',
    properties: { loop_var: identifier, index_var: identifier, label: {}, pause: { type: ['number', 'string'] }, extended: bool, extended_allitems: bool },
    additionalProperties: false,
  },
  changed_when: condition,
  failed_when: condition,
  until: condition,
  retries: intOrTemplate,
  delay: { type: ['number', 'string'] },
  throttle: intOrTemplate,
  delegate_facts: bool,
};

/** Keywords of a block. */
export const BLOCK_KEYWORDS: Record<string, object> = {
  ...common,
  collections: collectionList,
  block: taskList,
  rescue: taskList,
  always: taskList,
  notify: strOrList,
  throttle: intOrTemplate,
};

// a play has neither a condition nor a delegation of its own (Ansible: "'when' is not a valid attribute for a Play")
const { when: _when, delegate_to: _delegateTo, ...playCommon } = common;

/** Keywords of a play. */
export const PLAY_KEYWORDS: Record<string, object> = {
  ...playCommon,
  collections: collectionList,
  hosts: { anyOf: [scalarName, { type: 'array', items: scalarName }] },
  vars_files: { anyOf: [str, { type: 'array', items: strOrList }] },
  // asked on the terminal when the play starts (a value given with -e is not asked); encrypt hashes the answer
  vars_prompt: {
    type: 'array',
    items: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, prompt: { type: 'string' }, default: {}, private: bool, confirm: bool, unsafe: bool, encrypt: str, salt: scalarName, salt_size: intOrTemplate },
      additionalProperties: false,
    },
  },
  pre_tasks: taskList,
  roles: taskList,
  tasks: taskList,
  post_tasks: taskList,
  handlers: taskList,
  gather_facts: bool,
  gather_subset: strOrList,
  gather_timeout: intOrTemplate,
  fact_path: str,
  serial: { anyOf: [{ type: ['integer', 'string'] }, { type: 'array', items: { type: ['integer', 'string'] } }] },
  max_fail_percentage: { type: ['number', 'string'] },
  strategy: { type: 'string', enum: ['linear', 'free'] },
  order: { type: 'string', enum: ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'] },
  force_handlers: bool,
  throttle: intOrTemplate,
};

/** Keywords of a role entry in `roles:`; other keys are role parameters. */
export const ROLE_ENTRY_KEYWORDS: Record<string, object> = {
  ...common,
  role: scalarName,
};

/** Ansible keywords kplay recognises but does not implement, with what to do instead. */
export const UNSUPPORTED_KEYWORDS: Record<string, string> = {
  debugger: 'run with -vvv to see each command and its result',
  port: 'set ansible_port in the inventory',
};

/** The tables by name: the names of the validators generated at build time. */
export const KEYWORD_TABLES: Record<'task' | 'block' | 'play' | 'role', Record<string, object>> = {
  task: TASK_KEYWORDS,
  block: BLOCK_KEYWORDS,
  play: PLAY_KEYWORDS,
  role: ROLE_ENTRY_KEYWORDS,
};

/** The JSON Schema of a mapping whose known keywords are typed by `table`. */
export function keywordSchema(table: Record<string, object>): object {
  return { type: 'object', properties: table };
}

/** The file the build writes the validators to, next to the compiled keywords.js. */
export const GENERATED_VALIDATORS_FILE = 'validators.generated.js';

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

// validators generated by the build (see compile-validators.ts), found from dist/playbook/ and from the
// bundle in dist/bundle/ alike; from sources (tests), ajv compiles them
const generated = (await import(new URL(`../playbook/${GENERATED_VALIDATORS_FILE}`, import.meta.url).href).catch(() => undefined)) as Record<string, Validate> | undefined;
const compiled = new Map<Record<string, object>, Validate>();

function validatorFor(table: Record<string, object>): Validate {
  let validate = compiled.get(table);
  if (validate) return validate;
  const name = Object.entries(KEYWORD_TABLES).find(([, t]) => t === table)?.[0];
  validate = name !== undefined ? generated?.[name] : undefined;
  if (!validate) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    validate = new Ajv({ allErrors: false, strict: false }).compile(keywordSchema(table));
  }
  compiled.set(table, validate);
  return validate;
}

/** Validates the known keywords of a mapping; returns ajv's first error, if any. */
export function checkKeywordTypes(table: Record<string, object>, value: Record<string, unknown>): ErrorObject | undefined {
  const validate = validatorFor(table);
  const known: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k in table) known[k] = v;
  return validate(known) ? undefined : (validate.errors?.[0] ?? undefined);
}
