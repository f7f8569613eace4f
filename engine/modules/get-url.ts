// get_url: a file downloaded on the host (curl.ts) into dest, kept when it is there already (force: no)
// or has the wanted checksum, verified against `checksum` (a value or a checksum file's URL) before it
// replaces anything, moved into place atomically with the old file's or the given attributes.
import { curl, hostTempDir, type CurlResponse } from './curl.js';
import { applyAttrs, attrsDiffer, backupName, CHECKSUM_COMMANDS, checksums, wantedAttrs } from './file-content.js';
import { shellQuote as q } from '../util/shell.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

// one GET into `file`, redirects followed
const download = (ctx: ModuleContext, a: Record<string, unknown>, url: string, file: string): Promise<CurlResponse> => curl(ctx.host, a, url, { follow: true, out: file, timeout: 10 });

// the wanted checksum: "algo:hex", or "algo:URL" of a checksum file (the line naming the URL's file)
async function wantedSum(ctx: ModuleContext, a: Record<string, unknown>, url: string, tmpdir: string): Promise<{ algo: string; hex: string } | { fail: string } | undefined> {
  const spec = String(a.checksum ?? '').trim();
  if (!spec) return undefined;
  const i = spec.indexOf(':');
  const algo = spec.slice(0, i).toLowerCase();
  let value = spec.slice(i + 1).trim();
  if (i < 0 || !CHECKSUM_COMMANDS[algo]) return { fail: `The checksum parameter has to be in format <algorithm>:<checksum> (algorithms: ${Object.keys(CHECKSUM_COMMANDS).join(', ')})` };
  if (/^(https?|ftp|file):\/\//.test(value)) {
    const file = `${tmpdir}/sums`;
    const got = await download(ctx, a, value, file);
    if (got.error || got.code >= 400) return { fail: `Request failed for the checksum file ${value}: ${got.error ?? `HTTP Error ${got.code}: ${got.reason}`}` };
    const text = (await ctx.host.read(file))?.toString('utf8') ?? '';
    const name = decodeURIComponent(url.split('?')[0]?.split('/').pop() ?? '');
    const lines = text.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[0]);
    const line = lines.find((f) => (f[1] ?? '').replace(/^\*/, '').replace(/^\.\//, '') === name) ?? (lines.length === 1 && lines[0]?.length === 1 ? lines[0] : undefined);
    if (!line) return { fail: `Unable to find a checksum for file '${name}' in '${value}'` };
    value = line[0] as string;
  }
  return { algo, hex: value.toLowerCase() };
}

const sumOf = async (ctx: ModuleContext, algo: string, path: string): Promise<string | undefined> => (await checksums(ctx.host, algo, [path])).get(path);

/** The get_url module. */
export const getUrl: Module = async (ctx) => {
  const a = ctx.args;
  const url = String(a.url);
  const started = Date.now();
  let dest = String(a.dest);
  const base: ModuleResult = { changed: false, url, dest };
  const destStat = await ctx.host.stat(dest, true);
  if (destStat.exists && destStat.type === 'directory') {
    dest = `${dest.replace(/\/+$/, '')}/${decodeURIComponent(url.split('?')[0]?.split('/').pop() || 'index.html')}`;
    base.dest = dest;
  }
  const current = destStat.type === 'directory' ? await ctx.host.stat(dest, true) : destStat;
  const attrs = wantedAttrs(a);
  const keep = async (msg: string): Promise<ModuleResult> => {
    // the file stays; only its attributes may still change
    const st = await ctx.host.stat(dest, true);
    const attrChange = attrsDiffer(st, attrs);
    if (attrChange && !ctx.check) await applyAttrs(ctx, dest, attrs);
    return { ...base, changed: attrChange, msg };
  };
  if (current.exists && a.force !== true && a.checksum === undefined) return keep('file already exists');
  // in check mode nothing is made next to dest (a checksum file still has to be read: it goes to /tmp)
  const tmpdir = await hostTempDir(ctx.host, ctx.check ? undefined : dest);
  if (!tmpdir) return { ...base, failed: true, msg: `Destination dir ${dest.replace(/\/[^/]*$/, '') || '/'} not writable or missing` };
  try {
    const sum = await wantedSum(ctx, a, url, tmpdir);
    if (sum && 'fail' in sum) return { ...base, failed: true, msg: sum.fail };
    if (sum && current.exists && (await sumOf(ctx, sum.algo, dest)) === sum.hex) return keep('file already exists');
    if (ctx.check) return { ...base, changed: true, msg: 'file would be downloaded (check mode)' };
    const file = `${tmpdir}/download`;
    const got = await download(ctx, a, url, file);
    if (got.error) return { ...base, failed: true, msg: `Request failed: ${got.error}`, status_code: -1 };
    if (got.code >= 400) return { ...base, failed: true, msg: 'Request failed', response: `HTTP Error ${got.code}: ${got.reason}`, status_code: got.code };
    if (sum) {
      const have = await sumOf(ctx, sum.algo, file);
      if (have !== sum.hex) return { ...base, failed: true, msg: `The checksum for ${dest} did not match ${sum.hex}; it was ${have}.` };
    }
    const src = await sumOf(ctx, 'sha1', file);
    const before = current.exists ? await sumOf(ctx, 'sha1', dest) : undefined;
    const result: ModuleResult = { ...base, checksum_src: src, checksum_dest: before ?? null, status_code: got.code };
    if (before === src) {
      const kept = await keep(`OK (file already has this content)`);
      return { ...result, ...kept, checksum_dest: before };
    }
    if (a.backup === true && current.exists) {
      const name = backupName(dest);
      const r = await ctx.host.run(`cp -p -- ${q(dest)} ${q(name)}`);
      if (r.rc !== 0) throw new Error(`cannot back up ${dest}: ${r.stderr.trim()}`);
      result.backup_file = name;
    }
    // a replaced file keeps its attributes; a new one gets the umask's, as a plain create would
    const like = current.exists ? `chmod --reference=${q(dest)} ${q(file)} && chown --reference=${q(dest)} ${q(file)}` : `chmod "$(printf '%04o' $(( 0666 & ~0$(umask) )))" ${q(file)}`;
    const mv = await ctx.host.run(`${like} && mv -f -- ${q(file)} ${q(dest)}`);
    if (mv.rc !== 0) return { ...result, failed: true, msg: `cannot move the download into ${dest}: ${mv.stderr.trim()}` };
    if (Object.keys(attrs).length) await applyAttrs(ctx, dest, attrs);
    const st = await ctx.host.stat(dest, true);
    return { ...result, changed: true, msg: `OK (${st.size ?? 0} bytes)`, md5sum: await sumOf(ctx, 'md5', dest), elapsed: Math.floor((Date.now() - started) / 1000) };
  } finally {
    await ctx.host.run(`rm -rf -- ${q(tmpdir)}`);
  }
};
