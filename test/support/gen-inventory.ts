// Generates random (seeded, reproducible) inventories with group_vars/host_vars, in INI or YAML,
// for the differential test against ansible-inventory: inputs kplay's authors never wrote by hand.

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type R = () => number;
const pick = <T>(r: R, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const chance = (r: R, p: number): boolean => r() < p;
const shuffle = <T>(r: R, xs: T[]): T[] => {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
};
const sample = <T>(r: R, xs: readonly T[], n: number): T[] => shuffle(r, [...xs]).slice(0, n);

const GROUPS = ['masters', 'primary-master', 'secondary-masters', 'etcd', 'minions', 'nodes', 'web', 'db_servers', 'lb', 'apiserver_vip', 'g1', 'zone-a'];
const VAR_NAMES = ['KUBERNETES_VERSION', 'APISERVER_VIP', 'role', 'port', 'flag', 'items', 'cfg', 'ver', 'ansible_user', 'ansible_port', 'note', 'count', 'mode'];

// Raw INI values as they would be typed on a host line (shell-split) and in a [g:vars] section.
const INI_HOST_VALUES = ['1', '42', '-5', '1.20', '1.5', '0123', 'True', 'False', 'true', 'None', "'42'", `"'042'"`, '"[1,2]"', '"[\'a\', \'b\']"', '10.0.0.1', '1.28.2', 'hello', '"hello world"', '{"k":"v"}', `"{'a': 1}"`, '0x1f', '1_000', '""', 'v1.30', 'a=b', '/etc/kubernetes', 'yes'];
const INI_VARS_VALUES = ['1', '1.20', '1.20 # pinned', 'True', 'true', 'None', "'quoted'", '"double"', '[1, 2]', "{'a': [1, 2]}", '10.0.0.1', '1.28.2', 'hello world', 'a # not a comment', '', '0755', "'1.20'", 'x=y', '-1.5'];
// YAML scalars and structures as they would appear in group_vars files.
const YAML_VALUES = ['yes', 'no', 'on', 'Off', 'y', 'n', '0644', '1.20', '"1.20"', '1e5', '1:20', '~', 'null', '2001-12-14', 'hello', '"quoted # not comment"', "'single'", '[1, two, 3.5]', '{a: 1, b: [x, y]}', '10.0.0.1', '1.28.2', '42', '-7', '0x1F', 'True', '"yes"', '.5'];

interface Model {
  groups: string[];
  parents: Map<string, string[]>;
  hosts: { spec: string; names: string[]; groups: string[]; vars: [string, string][] }[];
  groupVars: Map<string, [string, string][]>;
  allVars: [string, string][];
  priority: Map<string, number>;
}

function hostSpec(r: R, i: number): { spec: string; names: string[] } {
  const kind = r();
  if (kind < 0.15) {
    const a = Math.floor(r() * 3);
    const b = a + 1 + Math.floor(r() * 3);
    return { spec: `n${i}-[0${a}:0${b}]`, names: Array.from({ length: b - a + 1 }, (_, k) => `n${i}-0${a + k}`) };
  }
  if (kind < 0.22) return { spec: `r${i}[a:c]`, names: ['a', 'b', 'c'].map((c) => `r${i}${c}`) };
  if (kind < 0.28) return { spec: `s${i}[1:5:2]`, names: [1, 3, 5].map((k) => `s${i}${k}`) };
  if (kind < 0.35) return { spec: `10.1.0.${i}`, names: [`10.1.0.${i}`] };
  return { spec: pick(r, ['host', 'node', 'm', 'w', 'web']) + i + (chance(r, 0.2) ? '.example.com' : ''), names: [] };
}

function model(r: R): Model {
  const groups = sample(r, GROUPS, 2 + Math.floor(r() * 5));
  const parents = new Map<string, string[]>();
  groups.forEach((g, i) => {
    const before = groups.slice(0, i);
    parents.set(g, before.length && chance(r, 0.5) ? sample(r, before, 1 + Math.floor(r() * Math.min(2, before.length))) : []);
  });
  const hosts: Model['hosts'] = [];
  const n = 1 + Math.floor(r() * 7);
  for (let i = 0; i < n; i++) {
    const { spec, names } = hostSpec(r, i);
    const port = chance(r, 0.15) && !spec.startsWith('10.') ? `:${2200 + i}` : '';
    const vars: [string, string][] = [];
    const nv = Math.floor(r() * 4);
    for (let k = 0; k < nv; k++) vars.push([pick(r, VAR_NAMES), pick(r, INI_HOST_VALUES)]);
    const gs = chance(r, 0.2) ? [] : sample(r, groups, 1 + Math.floor(r() * 2));
    hosts.push({ spec: spec + port, names: names.length ? names : [spec], groups: gs, vars });
  }
  const groupVars = new Map<string, [string, string][]>();
  for (const g of groups) {
    if (chance(r, 0.5)) groupVars.set(g, Array.from({ length: 1 + Math.floor(r() * 3) }, () => [pick(r, VAR_NAMES), pick(r, INI_VARS_VALUES)] as [string, string]));
  }
  const allVars: [string, string][] = chance(r, 0.6) ? Array.from({ length: 1 + Math.floor(r() * 3) }, () => [pick(r, VAR_NAMES), pick(r, INI_VARS_VALUES)] as [string, string]) : [];
  const priority = new Map<string, number>();
  for (const g of groups) if (chance(r, 0.15)) priority.set(g, 1 + Math.floor(r() * 5));
  return { groups, parents, hosts, groupVars, allVars, priority };
}

function toIni(r: R, m: Model): string {
  const sections: string[] = [];
  const ungrouped = m.hosts.filter((h) => h.groups.length === 0);
  const header = ungrouped.map((h) => [h.spec, ...h.vars.map(([k, v]) => `${k}=${v}`)].join(' '));
  for (const g of m.groups) {
    const lines = [`[${g}]${chance(r, 0.1) ? ' # group ' + g : ''}`];
    for (const h of m.hosts.filter((x) => x.groups.includes(g))) lines.push([h.spec, ...h.vars.map(([k, v]) => `${k}=${v}`)].join(chance(r, 0.2) ? '   ' : ' '));
    sections.push(lines.join('\n'));
    const kids = m.groups.filter((c) => m.parents.get(c)?.includes(g));
    if (kids.length) sections.push([`[${g}:children]`, ...kids].join('\n'));
    const vars = m.groupVars.get(g) ?? [];
    const prio = m.priority.get(g);
    if (vars.length || prio) sections.push([`[${g}:vars]`, ...vars.map(([k, v]) => `${k}${pick(r, ['=', ' = ', '= '])}${v}`), ...(prio ? [`ansible_group_priority=${prio}`] : [])].join('\n'));
  }
  if (m.allVars.length) sections.push(['[all:vars]', ...m.allVars.map(([k, v]) => `${k}=${v}`)].join('\n'));
  const body = shuffle(r, sections).join(chance(r, 0.5) ? '\n\n' : '\n# separator\n; another\n');
  return (header.length ? header.join('\n') + '\n' : '') + body + '\n';
}

// INI raw values become YAML values through a small fixed mapping (YAML has its own typing).
function yamlValue(r: R): string {
  return pick(r, YAML_VALUES);
}

// kplay rejects duplicate YAML keys on purpose (Ansible only warns), so generated YAML has none.
function uniqueKeys(vars: [string, string][]): string[] {
  return [...new Set(vars.map(([k]) => k))];
}

function toYaml(r: R, m: Model): string {
  const ind = (n: number): string => ' '.repeat(n);
  const emitted = new Set<string>();
  const lines: string[] = ['all:'];
  if (m.allVars.length) {
    lines.push(`${ind(2)}vars:`);
    for (const k of uniqueKeys(m.allVars)) lines.push(`${ind(4)}${k}: ${yamlValue(r)}`);
  }
  const ungrouped = m.hosts.filter((h) => h.groups.length === 0);
  if (ungrouped.length) {
    lines.push(`${ind(2)}hosts:`);
    for (const h of ungrouped) lines.push(`${ind(4)}${h.spec}:`, ...uniqueKeys(h.vars).map((k) => `${ind(6)}${k}: ${yamlValue(r)}`));
  }
  const emitGroup = (g: string, depth: number): void => {
    const pad = ind(depth);
    if (emitted.has(g)) {
      lines.push(`${pad}${g}:`);
      return;
    }
    emitted.add(g);
    lines.push(`${pad}${g}:`);
    const hosts = m.hosts.filter((h) => h.groups.includes(g));
    if (hosts.length) {
      lines.push(`${pad}  hosts:`);
      for (const h of hosts) {
        lines.push(`${pad}    ${h.spec}:`);
        for (const k of uniqueKeys(h.vars)) lines.push(`${pad}      ${k}: ${yamlValue(r)}`);
      }
    }
    const vars = m.groupVars.get(g) ?? [];
    const prio = m.priority.get(g);
    if (vars.length || prio) {
      lines.push(`${pad}  vars:`);
      const seen = new Set<string>();
      for (const [k] of vars) {
        if (seen.has(k)) continue; // YAML keys are unique
        seen.add(k);
        lines.push(`${pad}    ${k}: ${yamlValue(r)}`);
      }
      if (prio) lines.push(`${pad}    ansible_group_priority: ${prio}`);
    }
    const kids = m.groups.filter((c) => m.parents.get(c)?.includes(g));
    if (kids.length) {
      lines.push(`${pad}  children:`);
      for (const c of kids) emitGroup(c, depth + 4);
    }
  };
  const top = m.groups.filter((g) => (m.parents.get(g) ?? []).length === 0);
  if (top.length) {
    lines.push(`${ind(2)}children:`);
    for (const g of top) emitGroup(g, 4);
  }
  return lines.join('\n') + '\n';
}

function varsFile(r: R, format: 'yaml' | 'json'): string {
  const n = 1 + Math.floor(r() * 3);
  const keys = sample(r, VAR_NAMES, n);
  if (format === 'json') {
    const obj: Record<string, unknown> = {};
    for (const k of keys) obj[k] = pick(r, [1, 'x', true, null, [1, 'a'], { n: 2 }, 1.25, '1.20']);
    return JSON.stringify(obj);
  }
  return keys.map((k) => `${k}: ${yamlValue(r)}`).join('\n') + '\n';
}

function addVarsFiles(r: R, files: Record<string, string>, base: string, m: Model): void {
  const entities = ['all', ...m.groups];
  for (const g of entities) {
    if (!chance(r, 0.35)) continue;
    const form = pick(r, ['', '.yml', '.yaml', '.json', '/dir'] as const);
    if (form === '/dir') {
      files[`${base}/group_vars/${g}/10-first.yaml`] = varsFile(r, 'yaml');
      files[`${base}/group_vars/${g}/20-second`] = varsFile(r, 'yaml');
    } else files[`${base}/group_vars/${g}${form}`] = varsFile(r, form === '.json' ? 'json' : 'yaml');
  }
  for (const h of m.hosts.flatMap((x) => x.names)) {
    if (chance(r, 0.2)) files[`${base}/host_vars/${h}${pick(r, ['', '.yml', '.yaml'])}`] = varsFile(r, 'yaml');
  }
}

/** One generated case: files to write, the -i arguments, and whether a play dir is used. */
export interface GeneratedCase {
  files: Record<string, string>;
  sources: string[];
  playbookDir: string | undefined;
}

/** Generates the case for a seed. */
export function generateCase(seed: number): GeneratedCase {
  const r = rng(seed);
  const files: Record<string, string> = {};
  const layout = pick(r, ['ini', 'yaml', 'dir', 'two'] as const);
  const m = model(r);
  let sources: string[];
  if (layout === 'ini') {
    files['inv/hosts'] = toIni(r, m);
    sources = ['inv/hosts'];
  } else if (layout === 'yaml') {
    files['inv/hosts.yaml'] = toYaml(r, m);
    sources = ['inv/hosts.yaml'];
  } else if (layout === 'dir') {
    files['inv/01-main'] = toIni(r, m);
    files['inv/02-more.yml'] = toYaml(r, model(r));
    sources = ['inv'];
  } else {
    files['inv/a.inventory'] = toIni(r, m);
    files['inv/b.yaml'] = toYaml(r, model(r));
    sources = ['inv/a.inventory', 'inv/b.yaml'];
  }
  addVarsFiles(r, files, 'inv', m);
  const withPlay = chance(r, 0.5);
  if (withPlay) {
    files['play/site.yaml'] = '- hosts: all\n  tasks: []\n';
    addVarsFiles(r, files, 'play', m);
  }
  return { files, sources, playbookDir: withPlay ? 'play' : undefined };
}
