// yum_repository: a repository's section in a .repo file under /etc/yum.repos.d (or `reposdir`), as
// Ansible's module writes it through Python's RawConfigParser: the file read (keys lowercased, comments
// dropped, continuation lines joined), the section replaced by the options kplay was given (sorted,
// booleans as 1/0, baseurl and gpgkey one per line, exclude and includepkgs space-separated) and moved
// to the end, the file written in configparser's form (`key = value`, continuation lines tab-indented,
// a blank line after each section) or removed when no section is left. Changed when the sorted dump of
// the sections differs; file attributes after.
import { shellQuote as q } from '../util/shell.js';
import { applyAttrs, attrsDiffer, wantedAttrs } from './file-content.js';
import type { Module, ModuleResult } from './types.js';

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
export function sectionFor(a: Record<string, unknown>): Map<string, string> {
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

/** The yum_repository module. */
export const yumRepository: Module = async (ctx) => {
  const a = ctx.args;
  const repoid = String(a.name);
  const state = a.state === 'absent' ? 'absent' : 'present';
  const fail = (msg: string): ModuleResult => ({ changed: false, failed: true, msg });
  if (a.params && typeof a.params === 'object' && Object.keys(a.params).length) return fail("The params option to yum_repository was removed in Ansible 2.5 since it circumvents Ansible's option handling");
  if (state === 'present') {
    if ([a.baseurl, a.metalink, a.mirrorlist].every((v) => v === undefined || v === null)) return fail("Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.");
    if (a.description === undefined || a.description === null) return fail("Parameter 'description' is required.");
  }
  const dir = a.reposdir === undefined || a.reposdir === null ? '/etc/yum.repos.d' : String(a.reposdir);
  const dirStat = await ctx.host.stat(dir);
  if (!dirStat.exists || dirStat.type !== 'directory') return fail(`Repo directory '${dir}' does not exist.`);
  const dest = `${dir}/${a.file === undefined || a.file === null ? repoid : String(a.file)}.repo`;
  const current = await ctx.host.inspect(dest);
  const ini = readIni(current.content?.toString('utf8') ?? '');
  const before = dumpIni(ini);
  ini.delete(repoid);
  if (state === 'present') ini.set(repoid, sectionFor(a));
  const after = dumpIni(ini);
  const result: ModuleResult = { changed: before !== after, repo: repoid, state, diff: [{ before_header: dest, before, after_header: dest, after }] };
  if (!ctx.diff || !result.changed) delete result.diff;
  if (result.changed && !ctx.check) {
    if (ini.size) await ctx.host.write(dest, Buffer.from(writeIni(ini)), {});
    else {
      const r = await ctx.host.run(`rm -- ${q(dest)}`);
      if (r.rc !== 0) return { ...fail(`Cannot remove empty repo file ${dest}.`), details: r.stderr.trim() };
    }
  }
  // the file's attributes, when it exists (in check mode: as it is now)
  const attrs = wantedAttrs(a);
  const st = result.changed && !ctx.check ? await ctx.host.stat(dest) : current.stat;
  if (st.exists && attrsDiffer(st, attrs)) {
    result.changed = true;
    if (!ctx.check) await applyAttrs(ctx, dest, attrs);
  }
  return result;
};
