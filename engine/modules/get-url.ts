// get_url, declared: the facts are dest (and its digest when a checksum could spare the download) and,
// when `checksum` names a URL, the checksum file's text (fetched in check mode too, as Ansible's module
// does); the plan keeps an existing file (force: no, as the option documents it) with only its
// attributes changed, or asks the executor for one download (download.ts) that replaces dest only when
// the bytes differ and the checksum matches. Messages and result keys are Ansible's module's.
import { fetchBytes, isFileUrl, requestSettings, urlFilename } from './curl.js';
import { attrsChange, declareModule, failPlan, umaskFor, type FileFact, type Plan } from './declare.js';
import { attrsCommand, CHECKSUM_COMMANDS, checksums, wantedAttrs } from './file-content.js';
import { FILE_ATTR_OPTIONS } from './option-kinds.js';
import type { HostIO } from './types.js';

/** What get_url compares: dest, its digest, the checksum file, the umask. */
export interface GetUrlFacts {
  /** dest with links followed (a directory: the file is named by the response). */
  dest: Omit<FileFact, 'content'>;
  /** dest's digest in the checksum's algorithm, read when a matching one keeps the file (null: it could not be read). */
  destDigest?: string | null | undefined;
  /** The checksum file `checksum` names by URL: its text, or the failed request's result keys. */
  checksumFile?: { text: string } | { fail: Record<string, unknown> } | undefined;
  /** The host's umask, read when the mode is symbolic without users (+x). */
  umask?: number | undefined;
}

const OPTIONS = {
  url: { type: 'str', required: true },
  dest: { type: 'path', required: true },
  checksum: { type: 'str' },
  force: { type: 'bool', aliases: ['thirsty'] },
  backup: { type: 'bool' },
  timeout: { type: 'int' },
  validate_certs: { type: 'bool' },
  headers: { type: 'dict' },
  url_username: { type: 'str', aliases: ['username'] },
  url_password: { type: 'str', aliases: ['password'] },
  force_basic_auth: { type: 'bool' },
  http_agent: { type: 'str' },
  use_proxy: { type: 'bool' },
  client_cert: { type: 'path' },
  client_key: { type: 'path' },
  ...FILE_ATTR_OPTIONS,
} as const;

/** The checksum option as Ansible's module splits it: algorithm and value (a URL or a digest), or undefined when not given. */
function splitChecksum(spec: string | undefined): { algo: string; value: string } | 'bad' | undefined {
  if (!spec) return undefined;
  const i = spec.indexOf(':');
  return i < 0 ? 'bad' : { algo: spec.slice(0, i), value: spec.slice(i + 1) };
}

const isUrl = (s: string): boolean => /^(https?|ftp|file):/i.test(s);

// the digest for the URL's file in a checksum file, as Ansible's module reads one: a single word alone, or
// "digest  name" lines (a leading ' ' or '*' and any leading '.' and '/' off the name)
function digestInFile(text: string, url: string): string | undefined {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[lines.length - 1] === '') lines.pop();
  const name = urlFilename(url);
  if (lines.length === 1 && (lines[0] ?? '').trim().split(/\s+/).length === 1) return lines[0];
  for (const line of lines) {
    const i = line.indexOf(' ');
    if (i < 0) continue;
    const file = line.slice(i + 1).replace(/^[ *]/, '').replace(/^[./]+/, '');
    if (file === name) return line.slice(0, i);
  }
  return undefined;
}

/** The get_url module. */
export const getUrlModule = declareModule({
  spec: { options: OPTIONS },
  pathInfo: true,
  async facts(o, host): Promise<GetUrlFacts> {
    const dest = o.dest ?? '';
    const st = await host.stat(dest, true);
    const facts: GetUrlFacts = { dest: { exists: st.exists, type: st.type, mode: st.mode, owner: st.owner, group: st.group } };
    const sum = splitChecksum(o.checksum);
    if (sum && sum !== 'bad' && isUrl(sum.value)) facts.checksumFile = await checksumFile(host, o, sum.value);
    if (sum && sum !== 'bad' && o.force !== true && st.exists && st.type !== 'directory' && CHECKSUM_COMMANDS[sum.algo]) {
      facts.destDigest = (await checksums(host, sum.algo, [dest])).get(dest) ?? null;
    }
    const umask = await umaskFor(host, o.mode);
    if (umask !== undefined) facts.umask = umask;
    return facts;
  },
  plan(o, f): Plan {
    const url = o.url ?? '';
    const dest = o.dest ?? '';
    const base = { changed: false, checksum_dest: null, checksum_src: null, dest, elapsed: 0, url };
    const fail = (msg: string, keys: Record<string, unknown> = base): Plan => failPlan(msg, keys);
    const sum = splitChecksum(o.checksum);
    if (sum === 'bad') return fail('The checksum parameter has to be in format <algorithm>:<checksum>');
    let digest: string | undefined;
    if (sum) {
      digest = sum.value;
      if (isUrl(sum.value)) {
        const file = f.checksumFile;
        // (url_get's failure names dest: it gets add_path_info's keys when dest exists)
        if (file === undefined || 'fail' in file) return failPlan(String(file?.fail.msg ?? 'Request failed'), { ...(file?.fail ?? {}) });
        const found = digestInFile(file.text, url);
        if (found === undefined) return { ...failPlan(`Unable to find a checksum for file '${urlFilename(url)}' in '${sum.value}'`), actionResult: true };
        digest = found;
      }
      // (Python's \W: anything but letters, digits and _; int(x, 16) takes _ between digits, and the digest
      // keeps it, so it matches no file, as in Ansible's module)
      digest = digest.replace(/[^\p{L}\p{N}_]+/gu, '').toLowerCase();
      if (!/^[0-9a-f]+(_[0-9a-f]+)*$/.test(digest)) return fail('The checksum format is invalid');
      if (!CHECKSUM_COMMANDS[sum.algo]) return { ...failPlan(`Could not hash file '${dest}' with algorithm '${sum.algo}'. Available algorithms: ${Object.keys(CHECKSUM_COMMANDS).join(', ')}`), actionResult: true };
    }
    const attrs = wantedAttrs(o);
    const isFile = f.dest.exists && f.dest.type !== 'directory';
    // an existing file is kept without force, unless a checksum says it is not the wanted one; without a
    // checksum a file: URL is read again (Ansible's conditional request is an HTTP one)
    if (isFile && o.force !== true && (sum === undefined ? !isFileUrl(url) : f.destDigest === digest)) {
      const changed = attrsChange(f.dest, attrs, f.umask);
      const command = changed ? attrsCommand([dest], attrs) : undefined;
      const steps = command === undefined ? [] : [{ kind: 'run' as const, command, failure: '{stderr}', failKeys: { ...base } }];
      return { steps, result: { ...base, changed, msg: changed ? 'file already exists but file attributes changed' : 'file already exists' } };
    }
    const request = requestSettings(o, o.headers);
    return {
      steps: [{ kind: 'download', url, dest, intoDir: f.dest.type === 'directory', request, ...(sum && digest ? { checksum: { algo: sum.algo, hex: digest } } : {}), backup: o.backup === true, attrs, ...(f.umask === undefined ? {} : { umask: f.umask }) }],
      result: base,
    };
  },
});

// the checksum file named by URL, fetched on the host: its text, or the keys Ansible's failed request gives
async function checksumFile(host: HostIO, o: Record<string, unknown>, url: string): Promise<GetUrlFacts['checksumFile']> {
  const { res, body } = await fetchBytes(host, o, url, 10);
  const keys = { url, dest: o.dest, elapsed: 0 };
  if (res.error !== undefined) return { fail: { msg: res.error, ...keys } };
  if (res.code !== 200) return { fail: { msg: 'Request failed', status_code: res.code, response: `HTTP Error ${res.code}: ${res.reason}`, ...keys } };
  return { text: body.toString('utf8') };
}
