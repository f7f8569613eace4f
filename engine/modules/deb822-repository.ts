// deb822_repository: a repository as a deb822 .sources file in /etc/apt/sources.list.d (named after
// `name`), and its signing key in /etc/apt/keyrings when signed_by is a URL, as Ansible's module (2.15+)
// writes them — without python3-debian on the host. Fields in the module's order (its options sorted),
// booleans as yes/no, lists space-separated, a multi-line value (an inline key) indented with `.` for
// blank lines. No cache update, as the module: apt's update_cache after a change does that. Declared: the
// facts are the files, the keyrings directory and the fetched key's bytes.
import { shellQuote as q } from '../util/shell.js';
import { fetchBytes } from './curl.js';
import { attrsChange, bytesFact, declareModule, existing, failPlan, fileFact, umaskFor, type BytesFact, type FileFact, type Step } from './declare.js';
import { normalizeMode } from './file-content.js';
import type { HostIO } from './types.js';

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
export function renderDeb822(a: Readonly<Record<string, unknown>>): string {
  let out = '';
  for (const k of DEB822_FIELDS) {
    const v = k === 'types' && (a.types === undefined || a.types === null) ? ['deb'] : a[k];
    if (v === undefined || v === null) continue;
    const value = formatValue(v);
    out += !value || value.startsWith('\n') ? `${fieldName(k)}:${value}\n` : `${fieldName(k)}: ${value}\n`;
  }
  return out;
}

/** What signed_by is on this host: a file there, text to write as it is, or a key fetched from a URL. */
export type SignedBy =
  | { kind: 'host-file' }
  | { kind: 'text' }
  | { kind: 'unfetched'; error: string }
  | { kind: 'empty' }
  | { kind: 'fetched'; base64: string; file: string; key: BytesFact; keyrings: Omit<FileFact, 'content'> };

/** What deb822_repository compares: the .sources file, signed_by's key, and (for absent) which of its files exist. */
export interface Deb822Facts {
  sources: FileFact;
  signedBy?: SignedBy | undefined;
  /** absent: whether the .sources file and the .asc and .gpg keys exist. */
  present?: boolean[] | undefined;
  /** The host's umask, read when the mode is symbolic without users (+x): what such a mode leaves depends on it. */
  umask?: number | undefined;
}

const filesOf = (slug: string): string[] => [`/etc/apt/sources.list.d/${slug}.sources`, `${KEYRINGS}/${slug}.asc`, `${KEYRINGS}/${slug}.gpg`];

// signed_by: a file on the host is used as it is; a URL is fetched (in the keyrings as .asc when armored);
// anything else (fingerprints, an inline key) goes into the file as written
async function signedBy(host: HostIO, v: string, slug: string): Promise<SignedBy> {
  const st = await host.stat(v);
  if (st.exists && st.type === 'file') return { kind: 'host-file' };
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(v)) return { kind: 'text' };
  const { res, body } = await fetchBytes(host, {}, v, 10);
  if (res.error !== undefined || res.code >= 400) return { kind: 'unfetched', error: res.error ?? `HTTP Error ${res.code}: ${res.reason}` };
  if (!body.length) return { kind: 'empty' };
  const file = `${KEYRINGS}/${slug}.${body.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----') ? 'asc' : 'gpg'}`;
  const { exists, type, mode, owner, group } = await host.stat(KEYRINGS);
  return { kind: 'fetched', base64: body.toString('base64'), file, key: bytesFact(await host.inspect(file)), keyrings: { exists, type, mode, owner, group } };
}

/** The deb822_repository module. */
export const deb822RepositoryModule = declareModule({
  pathInfo: true,
  spec: {
    options: {
      allow_downgrade_to_insecure: { type: 'bool' },
      allow_insecure: { type: 'bool' },
      allow_weak: { type: 'bool' },
      architectures: { type: 'list' },
      by_hash: { type: 'bool' },
      check_date: { type: 'bool' },
      check_valid_until: { type: 'bool' },
      components: { type: 'list' },
      date_max_future: { type: 'int' },
      enabled: { type: 'bool' },
      inrelease_path: { type: 'str' },
      languages: { type: 'list' },
      name: { type: 'str', required: true },
      pdiffs: { type: 'bool' },
      signed_by: { type: 'str' },
      suites: { type: 'list' },
      targets: { type: 'list' },
      trusted: { type: 'bool' },
      types: { type: 'list', choices: ['deb', 'deb-src'] },
      uris: { type: 'list' },
      mode: { type: 'raw' },
      state: { type: 'str', choices: ['absent', 'present'] },
    },
  },
  async facts(o, host): Promise<Deb822Facts> {
    const slug = slugOf(o.name ?? '');
    const [dest = ''] = filesOf(slug);
    if (o.state === 'absent') return { sources: { exists: false, content: null }, present: await existing(host, filesOf(slug)) };
    const umask = await umaskFor(host, normalizeMode(o.mode));
    return { sources: fileFact(await host.inspect(dest)), signedBy: o.signed_by === undefined ? undefined : await signedBy(host, o.signed_by, slug), ...(umask === undefined ? {} : { umask }) };
  },
  plan(o, f) {
    const slug = slugOf(o.name ?? '');
    const paths = filesOf(slug);
    const [dest = ''] = paths;
    if (o.state === 'absent') {
      const gone = paths.filter((_, i) => f.present?.[i] === true);
      const steps: Step[] = gone.length ? [{ kind: 'run', command: `rm -f -- ${gone.map(q).join(' ')}`, failure: 'Cannot remove {stderr}' }] : [];
      return { steps, result: { changed: gone.length > 0, repo: null, dest, key_filename: `${KEYRINGS}/${slug}.gpg` } };
    }
    const steps: Step[] = [];
    const fields: Record<string, unknown> = { ...o };
    let keyFile: string | null = null;
    let changed = false;
    const s = f.signedBy;
    if (s?.kind === 'unfetched') return failPlan(`Could not fetch signed_by key: ${s.error}`);
    if (s?.kind === 'host-file' || s?.kind === 'empty') keyFile = o.signed_by ?? null;
    if (s?.kind === 'fetched') {
      fields.signed_by = keyFile = s.file;
      const keyAttrs = { mode: '0644' };
      const newBytes = s.key.base64 !== s.base64;
      if (newBytes || attrsChange(s.key, keyAttrs)) {
        // new bytes go into the keyrings directory, made root's and 0755 when it is not
        const k = s.keyrings;
        if (newBytes && (!k.exists || k.mode !== '0755' || k.owner !== 'root' || k.group !== 'root')) steps.push({ kind: 'run', command: `mkdir -p -m 0755 ${KEYRINGS} && chown root:root ${KEYRINGS} && chmod 0755 ${KEYRINGS}`, failure: `Cannot make ${KEYRINGS}: {stderr}` });
        steps.push({ kind: 'write', path: s.file, content: s.base64, encoding: 'base64', attrs: keyAttrs, noDiff: true });
        changed = true;
      }
    }
    const repo = renderDeb822(fields);
    const attrs = { mode: normalizeMode(o.mode) ?? '0644' };
    if (f.sources.content !== repo || attrsChange(f.sources, attrs, f.umask)) {
      steps.push({ kind: 'write', path: dest, content: repo, attrs });
      changed = true;
    }
    return { steps, result: { changed, repo, dest, key_filename: keyFile } };
  },
});
