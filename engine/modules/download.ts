// The executor's download step (get_url's): the URL fetched on the host into a temporary file next to dest
// (only asked for with HEAD in check mode, as Ansible's module asks; a file: URL is read whole), the
// checksum verified before anything is replaced, dest replaced only when the bytes differ (atomically,
// keeping its attributes, or with the umask's mode when new), then the wanted attributes. What it adds
// to the result is Ansible's.
import { basename, dirname, join } from 'node:path';
import { shellQuote as q } from '../util/shell.js';
import { curl, hostTempDir, urlFilename } from './curl.js';
import type { DownloadStep } from './declare.js';
import { attrsCommand, attrsDiffer, backupName, checksums } from './file-content.js';
import type { ModuleContext, ModuleResult } from './types.js';

// the sha1 of nothing: what Ansible's check mode reports as the source's (its HEAD response has no body)
const EMPTY_SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';

// the file name a response gives (Content-Disposition's attachment filename), as Ansible's module reads it
function dispositionName(headers: Record<string, string>): string | undefined {
  const m = /^attachment; ?filename="?([^"]+)/.exec(headers['content-disposition'] ?? '');
  return m?.[1] ? basename(m[1]) : undefined;
}

/** Downloads as the step says: the keys it adds to the result, or the module's failure. */
export async function download(ctx: ModuleContext, step: DownloadStep): Promise<{ adds: Record<string, unknown> } | { failure: ModuleResult }> {
  const started = Date.now();
  const elapsed = (): number => Math.floor((Date.now() - started) / 1000);
  const fail = (msg: string, keys: Record<string, unknown>): { failure: ModuleResult } => ({ failure: { changed: false, failed: true, msg, ...keys, elapsed: elapsed() } });
  // next to dest, so the move into place is a rename (in the host's temporary directory when dest's is missing, or in check mode)
  const near = ctx.check ? undefined : step.intoDir ? join(step.dest, 'x') : step.dest;
  const dir = (near === undefined ? undefined : await hostTempDir(ctx.host, near)) ?? (await hostTempDir(ctx.host));
  if (dir === undefined) return fail('cannot create a temporary directory on the host', { url: step.url, dest: step.dest });
  const sum = async (algo: string, path: string): Promise<string | undefined> => (await checksums(ctx.host, algo, [path])).get(path);
  try {
    const file = `${dir}/download`;
    const got = await curl(ctx.host, step.request, step.url, { follow: true, out: file, timeout: 10, head: ctx.check });
    if (got.error !== undefined) return fail(got.error, { url: step.url, dest: step.dest });
    if (got.code !== 200) return fail('Request failed', { status_code: got.code, response: `HTTP Error ${got.code}: ${got.reason}`, url: step.url, dest: step.dest });
    const dest = step.intoDir ? join(step.dest, dispositionName(got.headers) ?? urlFilename(got.url)) : step.dest;
    const before = await ctx.host.stat(dest, true);
    // the download's and dest's sha1 in one command
    const sha1 = await checksums(ctx.host, 'sha1', [...(ctx.check && !got.local ? [] : [file]), ...(before.exists ? [dest] : [])]);
    const keys: Record<string, unknown> = { checksum_dest: null, checksum_src: ctx.check && !got.local ? EMPTY_SHA1 : sha1.get(file), dest, url: step.url };
    if (before.exists) keys.checksum_dest = sha1.get(dest);
    else if (!(await ctx.host.stat(dirname(dest), true)).exists) return fail(`Destination ${dirname(dest)} does not exist`, keys);
    const msg = `OK (${got.headers['content-length'] ?? 'unknown'} bytes)`;
    if (ctx.check) return { adds: { ...keys, changed: keys.checksum_src !== keys.checksum_dest, msg, elapsed: elapsed() } };
    if (step.checksum) {
      // verified before dest is touched (Ansible moves the file in first, then deletes it on a mismatch)
      const have = await sum(step.checksum.algo, file);
      if (have !== step.checksum.hex) return fail(`The checksum for ${dest} did not match ${step.checksum.hex}; it was ${have}.`, keys);
    }
    let changed = false;
    const adds: Record<string, unknown> = { ...keys };
    if (keys.checksum_src !== keys.checksum_dest) {
      if (step.backup && before.exists) {
        const name = backupName(dest);
        const r = await ctx.host.run(`cp -p -- ${q(dest)} ${q(name)}`);
        if (r.rc !== 0) return fail(`failed to copy ${file} to ${dest}: cannot back up ${dest}: ${r.stderr.trim()}`, keys);
        adds.backup_file = name;
      }
      // a replaced file keeps its attributes; a new one gets the umask's mode, as Ansible's atomic_move gives it
      // (its owner only as root, as the file core's write does: anyone else cannot give a file away)
      const like = before.exists ? `chmod --reference=${q(dest)} ${q(file)} && { [ "$(id -u)" != 0 ] || chown --reference=${q(dest)} ${q(file)}; }` : `chmod "$(printf '%04o' $(( 0666 & ~0$(umask) )))" ${q(file)}`;
      const mv = await ctx.host.run(`${like} && mv -f -- ${q(file)} ${q(dest)}`);
      if (mv.rc !== 0) return fail(`failed to copy ${file} to ${dest}: ${mv.stderr.trim()}`, keys);
      changed = true;
    }
    const now = await ctx.host.stat(dest, true);
    const command = attrsDiffer(now, step.attrs, step.umask) ? attrsCommand([dest], step.attrs) : undefined;
    if (command !== undefined) {
      const r = await ctx.host.run(command);
      if (r.rc !== 0) return fail(r.stderr.trim(), { ...keys, path: dest });
      changed = true;
    }
    return { adds: { ...adds, changed, md5sum: (await sum('md5', dest)) ?? null, msg, status_code: got.local ? null : got.code, elapsed: elapsed() } };
  } finally {
    await ctx.host.run(`rm -rf -- ${q(dir)}`);
  }
}
