// yum_repository: a repository's section in a .repo file under /etc/yum.repos.d (or `reposdir`), as
// Ansible's module writes it through Python's RawConfigParser: the file read (keys lowercased, comments
// dropped, continuation lines joined), the section replaced by the options kplay was given (sorted,
// booleans as 1/0, baseurl and gpgkey one per line, exclude and includepkgs space-separated) and moved
// to the end, the file written in configparser's form (`key = value`, continuation lines tab-indented,
// a blank line after each section) or removed when no section is left. Changed when the sorted dump of
// the sections differs; file attributes after. Declared: the facts are the directory and the file.
import { shellQuote as q } from '../util/shell.js';
import { attrsChange, declareModule, failPlan, fileFact, umaskFor, type FileFact, type Step } from './declare.js';
import { wantedAttrs } from './file-content.js';
import { FILE_ATTR_OPTIONS } from './option-kinds.js';

/** The options that become keys of the section (`description` becomes `name`). */
export const YUM_KEYS = [
  'async', 'bandwidth', 'baseurl', 'cost', 'deltarpm_metadata_percentage', 'deltarpm_percentage', 'enabled', 'enablegroups', 'exclude',
  'failovermethod', 'gpgcakey', 'gpgcheck', 'gpgkey', 'module_hotfixes', 'http_caching', 'include', 'includepkgs', 'ip_resolve', 'keepalive',
  'keepcache', 'metadata_expire', 'metadata_expire_filter', 'metalink', 'mirrorlist', 'mirrorlist_expire', 'name', 'password', 'priority',
  'protect', 'proxy', 'proxy_password', 'proxy_username', 'repo_gpgcheck', 'retries', 's3_enabled', 'skip_if_unavailable', 'sslcacert',
  'ssl_check_cert_permissions', 'sslclientcert', 'sslclientkey', 'sslverify', 'throttle', 'timeout', 'ui_repoid_vars', 'username',
] as const;

/** Sections in file order, each its keys in order. */
export type Ini = Map<string, Map<string, string>>;

/** RawConfigParser's reading of a file (what the module keeps of it). */
export function readIni(text: string): Ini {
  const ini: Ini = new Map();
  let section: Map<string, string> | undefined;
  let key: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const stripped = line.trim();
    if (!stripped || stripped.startsWith('#') || stripped.startsWith(';')) {
      key = stripped ? key : undefined;
      continue;
    }
    if (/^\s/.test(line) && section && key !== undefined) {
      section.set(key, `${section.get(key) ?? ''}\n${stripped}`);
      continue;
    }
    const head = /^\[([^\]]+)\]/.exec(stripped);
    if (head) {
      section = ini.get(head[1] as string) ?? new Map();
      ini.set(head[1] as string, section);
      key = undefined;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(stripped);
    if (section && kv) {
      key = (kv[1] as string).toLowerCase();
      section.set(key, kv[2] as string);
    }
  }
  return ini;
}

/** configparser's written form. */
export const writeIni = (ini: Ini): string =>
  [...ini].map(([s, keys]) => `[${s}]\n${[...keys].map(([k, v]) => `${k} = ${v.replace(/\n/g, '\n\t')}\n`).join('')}\n`).join('');

/** The module's dump for comparison and diff: sections and keys sorted. */
export const dumpIni = (ini: Ini): string =>
  [...ini.keys()].sort().map((s) => `[${s}]\n${[...(ini.get(s) as Map<string, string>)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k} = ${v}\n`).join('')}\n`).join('');

/** The section's keys from the options, as the module sets them. */
export function sectionFor(a: Readonly<Record<string, unknown>>): Map<string, string> {
  const keys = new Map<string, string>();
  for (const k of [...YUM_KEYS].sort()) {
    const v = k === 'name' ? a.description : a[k];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) keys.set(k, v.map(String).join(k === 'baseurl' || k === 'gpgkey' ? '\n' : ' '));
    else if (typeof v === 'boolean') keys.set(k, v ? '1' : '0');
    else keys.set(k, String(v));
  }
  return keys;
}

/** What yum_repository compares: whether the repository directory is one, and the .repo file. */
export interface YumRepositoryFacts {
  dir: boolean;
  file: FileFact;
  /** The host's umask, read when the mode is symbolic without users (+x): what such a mode leaves depends on it. */
  umask?: number | undefined;
}

const destOf = (o: { name?: string | undefined; file?: string | undefined; reposdir?: string | undefined }): string => `${o.reposdir ?? '/etc/yum.repos.d'}/${o.file ?? o.name ?? ''}.repo`;

/** The yum_repository module. */
export const yumRepositoryModule = declareModule({
  spec: {
    options: {
      name: { type: 'str', required: true },
      description: { type: 'str' },
      state: { type: 'str', choices: ['present', 'absent'] },
      file: { type: 'str' },
      reposdir: { type: 'path' },
      params: { type: 'dict' },
      async: { type: 'bool' },
      bandwidth: { type: 'str' },
      baseurl: { type: 'list' },
      cost: { type: 'str' },
      deltarpm_metadata_percentage: { type: 'str' },
      deltarpm_percentage: { type: 'str' },
      enabled: { type: 'bool' },
      enablegroups: { type: 'bool' },
      exclude: { type: 'list' },
      failovermethod: { type: 'str', choices: ['roundrobin', 'priority'] },
      gpgcakey: { type: 'str' },
      gpgcheck: { type: 'bool' },
      gpgkey: { type: 'list' },
      module_hotfixes: { type: 'bool' },
      http_caching: { type: 'str', choices: ['all', 'packages', 'none'] },
      include: { type: 'str' },
      includepkgs: { type: 'list' },
      ip_resolve: { type: 'str', choices: ['4', '6', 'IPv4', 'IPv6', 'whatever'] },
      keepalive: { type: 'bool' },
      keepcache: { type: 'str', choices: ['0', '1'] },
      metadata_expire: { type: 'str' },
      metadata_expire_filter: { type: 'str', choices: ['never', 'read-only:past', 'read-only:present', 'read-only:future'] },
      metalink: { type: 'str' },
      mirrorlist: { type: 'str' },
      mirrorlist_expire: { type: 'str' },
      password: { type: 'str' },
      priority: { type: 'str' },
      protect: { type: 'bool' },
      proxy: { type: 'str' },
      proxy_password: { type: 'str' },
      proxy_username: { type: 'str' },
      repo_gpgcheck: { type: 'bool' },
      retries: { type: 'str' },
      s3_enabled: { type: 'bool' },
      skip_if_unavailable: { type: 'bool' },
      sslcacert: { type: 'str', aliases: ['ca_cert'] },
      ssl_check_cert_permissions: { type: 'bool' },
      sslclientcert: { type: 'str', aliases: ['client_cert'] },
      sslclientkey: { type: 'str', aliases: ['client_key'] },
      sslverify: { type: 'bool', aliases: ['validate_certs'] },
      throttle: { type: 'str' },
      timeout: { type: 'str' },
      ui_repoid_vars: { type: 'str' },
      username: { type: 'str' },
      ...FILE_ATTR_OPTIONS,
    },
  },
  refuse(o) {
    if (o.params !== undefined && Object.keys(o.params).length) return "The params option to yum_repository was removed in Ansible 2.5 since it circumvents Ansible's option handling";
    if (o.state === 'absent') return undefined;
    if (o.baseurl === undefined && o.metalink === undefined && o.mirrorlist === undefined) return "Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.";
    return o.description === undefined ? "Parameter 'description' is required." : undefined;
  },
  async facts(o, host): Promise<YumRepositoryFacts> {
    const dir = await host.stat(o.reposdir ?? '/etc/yum.repos.d');
    const umask = await umaskFor(host, o.mode);
    return { dir: dir.exists && dir.type === 'directory', file: fileFact(await host.inspect(destOf(o))), ...(umask === undefined ? {} : { umask }) };
  },
  plan(o, f) {
    const repoid = o.name ?? '';
    const state = o.state ?? 'present';
    if (!f.dir) return failPlan(`Repo directory '${o.reposdir ?? '/etc/yum.repos.d'}' does not exist.`);
    const dest = destOf(o);
    const current = f.file.type === 'file' ? (f.file.content ?? '') : '';
    const ini = readIni(current);
    const before = dumpIni(ini);
    ini.delete(repoid);
    if (state === 'present') ini.set(repoid, sectionFor(o));
    const after = dumpIni(ini);
    const contentChanged = before !== after;
    const attrs = wantedAttrs(o);
    const steps: Step[] = [];
    // the file is written (with its attributes) when its sections changed or its attributes differ; removed when empty
    // an existing file whose attributes differ is a change even when its sections are as wanted
    const attrsDiffer = f.file.type === 'file' && attrsChange(f.file, attrs, f.umask);
    if (contentChanged && !ini.size) steps.push({ kind: 'run', command: `rm -- ${q(dest)}`, failure: `Cannot remove empty repo file ${dest}.`, failWith: ['stderr'] });
    else if (contentChanged || attrsDiffer) steps.push({ kind: 'write', path: dest, content: contentChanged ? writeIni(ini) : current, attrs, noDiff: true });
    const changed = contentChanged || attrsDiffer;
    // (one mapping, as Ansible's yum_repository registers it)
    return { steps, result: { changed, repo: repoid, state, diff: { before_header: dest, before, after_header: dest, after } } };
  },
});
