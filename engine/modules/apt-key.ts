// apt_key: a signing key in apt's keyring (apt-key's, or the one `keyring` names) present or absent, as
// Ansible's module does it with the host's apt-key and gpg: the key's id taken from its data, file or
// URL when not given, compared by fingerprint (or short id for an 8-digit id) with `apt-key adv
// --list-public-keys`, added (from the data on standard input, a file, a URL the host downloads, or a
// keyserver) or deleted, and checked again. apt-key is deprecated (gone in Debian 13 and Ubuntu 24.04):
// a key file in /etc/apt/keyrings with `signed-by` (deb822_repository) replaces it.
import { shellQuote as q } from '../util/shell.js';
import { fetchBytes } from './curl.js';
import { missingExecutable } from './executables.js';
import type { Module, ModuleResult, RunResult } from './types.js';

const C = { env: { LANG: 'C', LC_ALL: 'C', LC_MESSAGES: 'C' } };

/** The key ids in gpg's listing (plain or --with-colons), expired ones left out. */
export function keysIn(output: string, short = false): string[] {
  const found: string[] = [];
  for (const line of output.split('\n')) {
    if (!(line.startsWith('pub') || line.startsWith('sub')) || line.includes('expired')) continue;
    const tokens = line.split(/\s+/).filter(Boolean);
    const code = tokens[1]?.split('/');
    if (code && code.length === 2) found.push(code[1] as string);
    else {
      const f = line.split(':');
      if (f.length > 4) found.push(f[4] as string);
    }
  }
  return short ? found.map((k) => k.slice(-8)) : found;
}

/** The id's three forms (apt-key del's 8 digits, the listing's 16, all of it), or undefined when invalid. */
export function parseKeyId(id: string): { short: string; fingerprint: string; keyId: string } | undefined {
  let k = id.toUpperCase();
  if (k.startsWith('0X')) k = k.slice(2);
  if (!/^[0-9A-F]+$/.test(k) || (k.length !== 8 && k.length !== 16 && k.length <= 16)) return undefined;
  return { short: k.slice(-8), fingerprint: k.length > 16 ? k.slice(-16) : k, keyId: k };
}

const fail = (msg: string, extra: Record<string, unknown> = {}): ModuleResult => ({ changed: false, failed: true, msg, ...extra });

/** The apt_key module. */
export const aptKey: Module = async (ctx) => {
  const a = ctx.args;
  const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));
  const [url, file, keyring, keyserver] = [str(a.url), str(a.file), str(a.keyring), str(a.keyserver)];
  // key data as bytes: inline text as written, a download as fetched (binary keys too)
  let data: Buffer | undefined = str(a.data) === undefined ? undefined : Buffer.from(String(a.data));
  let id = str(a.id);
  const state = a.state === 'absent' ? 'absent' : 'present';
  const missing = await missingExecutable(ctx.host, ['apt-key', 'gpg']);
  if (missing) return fail(missing);
  const aptKeyCmd = (rest: string): string => `apt-key${keyring ? ` --keyring ${q(keyring)}` : ''} ${rest}`;
  const list = async (short: boolean): Promise<string[] | ModuleResult> => {
    const cmd = aptKeyCmd('adv --list-public-keys --keyid-format=long');
    const r = await ctx.host.run(cmd);
    if (r.rc !== 0) return fail('Unable to list public keys', { cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr });
    return keysIn(r.stdout, short);
  };
  const download = async (from: string): Promise<Buffer | ModuleResult> => {
    const { res, body } = await fetchBytes(ctx.host, { ...a, use_proxy: true }, from, 10);
    if (res.error !== undefined) return fail(`error getting key id from url: ${from}`);
    if (res.code !== 200) return fail(`Failed to download key at ${from}: HTTP Error ${res.code}: ${res.reason}`);
    return body;
  };
  // a key's id from gpg's reading of it (data on standard input)
  const idOf = async (path: string, stdin?: Buffer): Promise<string | undefined | ModuleResult> => {
    const r = await ctx.host.run(`gpg --with-colons ${q(path)}`, { ...C, ...(stdin !== undefined ? { stdin } : {}) });
    if (r.rc !== 0) return fail(`Unable to extract key from '${stdin !== undefined ? 'inline data' : path}'`, { stdout: r.stdout, stderr: r.stderr });
    return keysIn(r.stdout)[0];
  };

  const result: ModuleResult = { changed: false };
  if (!id) {
    if (keyserver) return fail('Missing key_id, required with keyserver.');
    if (url) {
      const d = await download(url);
      if (!Buffer.isBuffer(d)) return d;
      data = d;
    }
    const found = file ? await idOf(file) : data ? await idOf('-', data) : undefined;
    if (found !== undefined && typeof found !== 'string') return found;
    id = found;
  }
  result.id = id ?? null;
  const parsed = id === undefined ? undefined : parseKeyId(id);
  if (!parsed) return fail('Invalid key_id', { id: result.id });
  Object.assign(result, { short_id: parsed.short, fp: parsed.fingerprint, key_id: parsed.keyId });
  const short = parsed.keyId.length === 8;
  const has = (keys: string[]): boolean => keys.includes(short ? parsed.short : parsed.fingerprint);
  const before = await list(short);
  if (!Array.isArray(before)) return before;
  result.before = before;
  const run = async (cmd: string, stdin: Buffer | undefined, msg: string, extra: Record<string, unknown>): Promise<ModuleResult | undefined> => {
    const r: RunResult = await ctx.host.run(cmd, { ...C, ...(stdin !== undefined ? { stdin } : {}) });
    return r.rc === 0 ? undefined : fail(msg, { cmd, rc: r.rc, ...extra, stdout: r.stdout, stderr: r.stderr });
  };
  const noError = (what: string): string => `apt-key did not return an error, but ${what} (check that the id is correct and *not* a subkey)`;
  if (state === 'present' && !has(before)) {
    result.changed = true;
    if (ctx.check) return result;
    let err: ModuleResult | undefined;
    if (file) err = await run(aptKeyCmd(`add ${q(file)}`), undefined, `Unable to add a key from file ${file}`, { keyfile: file });
    else if (keyserver) {
      const cmd = aptKeyCmd(`adv --no-tty --keyserver ${q(keyserver)} --recv ${q(parsed.keyId)}`);
      let r: RunResult | undefined;
      for (let i = 0; i < 5 && (!r || r.rc !== 0); i++) r = await ctx.host.run(cmd, C);
      if (r && r.rc !== 0) {
        err = r.rc === 2 && r.stdout.includes('not found on keyserver') ? fail(`Key ${parsed.keyId} not found on keyserver ${keyserver}`, { cmd }) : fail(`Error fetching key ${parsed.keyId} from keyserver: ${keyserver}`, { cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr });
      }
    } else {
      if (data === undefined && url) {
        const d = await download(url);
        if (!Buffer.isBuffer(d)) return d;
        data = d;
      }
      if (data === undefined) return fail('No key to add ... how did i get here?!?!', result);
      err = await run(aptKeyCmd('add -'), data, 'Unable to add a key from binary data', {});
    }
    if (err) return err;
    const after = await list(short);
    if (!Array.isArray(after)) return after;
    result.after = after;
    if (!has(after)) return fail(noError('failed to add the key'), result);
  } else if (state === 'absent' && before.includes(parsed.fingerprint)) {
    result.changed = true;
    if (ctx.check) return result;
    const err = await run(aptKeyCmd(`del ${q(parsed.short)}`), undefined, `Unable to remove a key with id ${parsed.short}`, { key_id: parsed.short });
    if (err) return err;
    const after = await list(short);
    if (!Array.isArray(after)) return after;
    result.after = after;
    if (after.includes(parsed.fingerprint)) return fail(noError('the key was not removed'), result);
  }
  return result;
};
