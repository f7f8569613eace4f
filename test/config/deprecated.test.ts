// The config settings ansible-core 2.14 deprecates are warned of in its words: the environment variable
// or ini key that gave a setting its value, and a deprecated setting given any value. Each row is what
// ansible-playbook 2.14 printed for the same file and environment; the last case runs both engines.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { configDeprecations } from '../../engine/config/deprecated.js';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const TAIL = 'Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg.';
const RENAMED = (name: string, instead: string): string => `${name} option, normalizing names to new standard, use ${instead} instead. This feature will be removed from ansible-core in version 2.15. ${TAIL}`;

describe('configDeprecations', () => {
  it.each([
    ['an old ini key', { defaults: { callback_whitelist: 'timer' } }, {}, [RENAMED('[defaults]callback_whitelist', 'callbacks_enabled')]],
    ['the new ini key', { defaults: { callbacks_enabled: 'timer' } }, {}, []],
    // the environment gives the value: the file's old key is not read, so not warned of
    ['an old ini key the environment overrides', { defaults: { callback_whitelist: 'timer' } }, { ANSIBLE_CALLBACKS_ENABLED: 'x' }, []],
    ['an old environment variable', {}, { ANSIBLE_COW_WHITELIST: 'a' }, [RENAMED('ANSIBLE_COW_WHITELIST', 'ANSIBLE_COW_ACCEPTLIST')]],
    [
      'a deprecated setting',
      { defaults: { gather_timeout: '5' } },
      {},
      [`DEFAULT_GATHER_TIMEOUT option, the module_defaults keyword is a more generic version and can apply to all calls to the M(ansible.builtin.gather_facts) or M(ansible.builtin.setup) actions, use module_defaults instead. This feature will be removed from ansible-core in version 2.18. ${TAIL}`],
    ],
    ['a removed variable', {}, { ANSIBLE_JINJA2_NATIVE_WARNING: '1' }, [`ANSIBLE_JINJA2_NATIVE_WARNING option, This option is no longer used in the Ansible Core code base. This feature will be removed from ansible-core in version 2.17. ${TAIL}`]],
  ])('%s', (_name, raw, env, expected) => {
    expect(configDeprecations(raw, env)).toEqual(expected);
  });
});

describe('deprecation warnings on the command line', () => {
  const files = {
    'ansible.cfg': '[defaults]\ncallback_whitelist = timer\ngather_subset = all\ncow_whitelist = a\n',
    'site.yaml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - include: t.yml\n',
    't.yml': '- debug: msg=hi\n',
  };
  const run = (argv: readonly string[], root: string, env: Record<string, string>): string => {
    const r = spawnSync(argv[0] as string, [...argv.slice(1), '-i', 'localhost,', 'site.yaml', '--syntax-check'], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, ...env } });
    return r.stderr;
  };

  it("are printed first, in Ansible's order and wrapping, and deprecation_warnings = False turns them all off", () => {
    const root = writeTree(files);
    const env = { ANSIBLE_JINJA2_NATIVE_WARNING: '1' };
    const ours = run(ENGINES.kplay, root, env);
    const heads = [...ours.matchAll(/^\[DEPRECATION WARNING\]: (\S+)/gm)].map((m) => m[1]);
    expect(heads, ours).toEqual(['[defaults]cow_whitelist', '[defaults]callback_whitelist', 'DEFAULT_GATHER_SUBSET', 'ANSIBLE_JINJA2_NATIVE_WARNING', '"include"']);
    if (hasAnsible) expect(ours).toBe(run(ENGINES.ansible, root, env));
    const off = { ...env, ANSIBLE_DEPRECATION_WARNINGS: 'false' };
    expect(run(ENGINES.kplay, root, off)).toBe('');
    if (hasAnsible) expect(run(ENGINES.ansible, root, off)).toBe('');
  });
});
