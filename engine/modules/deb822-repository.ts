// deb822_repository: a repository as a deb822 .sources file in /etc/apt/sources.list.d (named after
// `name`), and its signing key in /etc/apt/keyrings when signed_by is a URL, as Ansible's module (2.15+)
// writes them — without python3-debian on the host. Fields in the module's order (its options sorted),
// booleans as yes/no, lists space-separated, a multi-line value (an inline key) indented with `.` for
// blank lines. No cache update, as the module: apt's update_cache after a change does that.
import { shellQuote as q } from '../util/shell.js';
import { fetchBytes } from './curl.js';
import { ensureFile, normalizeMode } from './file-content.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

const KEYRINGS = '/etc/apt/keyrings';

/** The deb822 options, in the order the module writes them (its option names sorted). */
export const DEB822_FIELDS = [
  'allow_downgrade_to_insecure', 'allow_insecure', 'allow_weak', 'architectures', 'by_hash', 'check_date', 'check_valid_until',
  'components', 'date_max_future', 'enabled', 'inrelease_path', 'languages', 'name', 'pdiffs', 'signed_by', 'suites', 'targets',
  'trusted', 'types', 'uris',
] as const;

/** The file name part the module derives from `name`. */
export const slugOf = (name: string): string => name.toLowerCase().replace(/[_\s]+/g, '-').replace(/[^a-z0-9-]+/g, '');

const fieldName = (k: string): string => (k === 'name' ? 'X-Repolib-Name' : k === 'uris' ? 'URIs' : k.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('-'));

/** One field's value as the module formats it. */
function formatValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.map(String).join(' ');
  const s = String(v);
  if (!s.includes('\n')) return s;
  const lines = s.trim().split(/\r\n|\r|\n/).map((l) => `    ${l.trim() || '.'}`);
  return `\n${lines.join('\n')}`;
}

/** The .sources text for the options (signed_by already resolved to a file or passed through). */
export function renderDeb822(a: Record<string, unknown>): string {
  let out = '';
  for (const k of DEB822_FIELDS) {
    const v = k === 'types' && (a.types === undefined || a.types === null) ? ['deb'] : a[k];
    if (v === undefined || v === null) continue;
    const value = formatValue(v);
    out += !value || value.startsWith('\n') ? `${fieldName(k)}:${value}\n` : `${fieldName(k)}: ${value}\n`;
  }
  return out;
}

// signed_by: a file on the host is used as it is; a URL is fetched into the keyrings (.asc when armored);
// anything else (fingerprints, an inline key) goes into the file as written
async function signedBy(ctx: ModuleContext, v: string, slug: string): Promise<{ value: string; file?: string; changed: boolean } | { error: string }> {
  const st = await ctx.host.stat(v);
  if (st.exists && st.type === 'file') return { value: v, file: v, changed: false };
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(v)) return { value: v, changed: false };
  const { res, body: data } = await fetchBytes(ctx, ctx.args, v, 10);
  if (res.error !== undefined || res.code >= 400) return { error: res.error ?? `HTTP Error ${res.code}: ${res.reason}` };
  if (!data.length) return { value: v, file: v, changed: false };
  const file = `${KEYRINGS}/${slug}.${data.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----') ? 'asc' : 'gpg'}`;
  const current = await ctx.host.inspect(file);
  let changed = false;
  if (!current.content?.equals(data)) {
    // the keyrings directory: root's, 0755
    const dir = await ctx.host.stat(KEYRINGS);
    if (!dir.exists || dir.mode !== '0755' || dir.owner !== 'root' || dir.group !== 'root') {
      changed = true;
      if (!ctx.check) await ctx.host.run(`mkdir -p -m 0755 ${KEYRINGS} && chown root:root ${KEYRINGS} && chmod 0755 ${KEYRINGS}`);
    }
  }
  const w = await ensureFile(ctx, file, data, { mode: '0644' }, { current });
  return { value: file, file, changed: changed || w.changed };
}

/** The deb822_repository module. */
export const deb822Repository: Module = async (ctx) => {
  const a = ctx.args;
  const slug = slugOf(String(a.name));
  const dest = `/etc/apt/sources.list.d/${slug}.sources`;
  if (a.state === 'absent') {
    const paths = [dest, `${KEYRINGS}/${slug}.asc`, `${KEYRINGS}/${slug}.gpg`];
    const r = await ctx.host.run(paths.map((p) => `if [ -e ${q(p)} ]; then echo ${q(p)}; ${ctx.check ? ':' : `rm -f -- ${q(p)}`}; fi`).join('; '));
    return { changed: r.stdout.trim() !== '', repo: null, dest, key_filename: `${KEYRINGS}/${slug}.gpg` };
  }
  let changed = false;
  let keyFile: string | null = null;
  const fields = { ...a };
  if (a.signed_by !== undefined && a.signed_by !== null) {
    const s = await signedBy(ctx, String(a.signed_by), slug);
    if ('error' in s) return { changed: false, failed: true, msg: `Could not fetch signed_by key: ${s.error}` };
    fields.signed_by = s.value;
    keyFile = s.file ?? null;
    changed = s.changed;
  }
  const repo = renderDeb822(fields);
  const w = await ensureFile(ctx, dest, Buffer.from(repo), { mode: normalizeMode(a.mode) ?? '0644' });
  const result: ModuleResult = { changed: changed || w.changed, repo, dest, key_filename: keyFile };
  if (w.diff) result.diff = w.diff;
  return result;
};
