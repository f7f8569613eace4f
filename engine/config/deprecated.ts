// The config settings ansible-core 2.14 deprecates (its config/base.yml), warned of as its CLI warns at
// start: a deprecated environment variable or ini key that gave a setting its value (the environment
// first, then the file, each source in base.yml's order), and a deprecated setting given any value.
import { deprecationText } from '../util/deprecation.js';

interface Why {
  why: string;
  version: string;
  alternatives?: string;
}

interface Setting {
  name: string;
  env: [string, Why?][];
  ini: [string, string, Why?][];
  deprecated?: Why;
}

const RENAMED = (alternatives: string): Why => ({ why: 'normalizing names to new standard', version: '2.15', alternatives });
const GATHER: Why = {
  why: 'the module_defaults keyword is a more generic version and can apply to all calls to the M(ansible.builtin.gather_facts) or M(ansible.builtin.setup) actions',
  version: '2.18',
  alternatives: 'module_defaults',
};

// in base.yml's order, the order Ansible reads its settings in
const SETTINGS: Setting[] = [
  { name: 'ANSIBLE_COW_ACCEPTLIST', env: [['ANSIBLE_COW_WHITELIST', RENAMED('ANSIBLE_COW_ACCEPTLIST')], ['ANSIBLE_COW_ACCEPTLIST']], ini: [['defaults', 'cow_whitelist', RENAMED('cowsay_enabled_stencils')], ['defaults', 'cowsay_enabled_stencils']] },
  { name: 'CALLBACKS_ENABLED', env: [['ANSIBLE_CALLBACK_WHITELIST', RENAMED('ANSIBLE_CALLBACKS_ENABLED')], ['ANSIBLE_CALLBACKS_ENABLED']], ini: [['defaults', 'callback_whitelist', RENAMED('callbacks_enabled')], ['defaults', 'callbacks_enabled']] },
  { name: 'DEFAULT_FACT_PATH', env: [['ANSIBLE_FACT_PATH']], ini: [['defaults', 'fact_path']], deprecated: GATHER },
  { name: 'DEFAULT_GATHER_SUBSET', env: [['ANSIBLE_GATHER_SUBSET']], ini: [['defaults', 'gather_subset']], deprecated: GATHER },
  { name: 'DEFAULT_GATHER_TIMEOUT', env: [['ANSIBLE_GATHER_TIMEOUT']], ini: [['defaults', 'gather_timeout']], deprecated: GATHER },
  { name: 'JINJA2_NATIVE_WARNING', env: [['ANSIBLE_JINJA2_NATIVE_WARNING', { why: 'This option is no longer used in the Ansible Core code base.', version: '2.17' }]], ini: [['defaults', 'jinja2_native_warning']] },
];

const text = (name: string, w: Why): string =>
  deprecationText({ msg: `${name} option, ${w.why}${w.alternatives ? `, use ${w.alternatives} instead` : ''}`, version: w.version, collection_name: 'ansible.builtin' });

/** The deprecation warnings (their words) for the settings the environment and the config file give. */
export function configDeprecations(raw: Record<string, Record<string, string> | undefined>, env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const s of SETTINGS) {
    const fromEnv = s.env.filter(([name]) => env[name] !== undefined);
    const fromIni = fromEnv.length ? [] : s.ini.filter(([section, key]) => raw[section]?.[key] !== undefined);
    for (const [name, w] of fromEnv) if (w) out.push(text(name, w));
    for (const [section, key, w] of fromIni) if (w) out.push(text(`[${section}]${key}`, w));
    if (s.deprecated && (fromEnv.length || fromIni.length)) out.push(text(s.name, s.deprecated));
  }
  return out;
}
