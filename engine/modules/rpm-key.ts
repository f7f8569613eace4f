// rpm_key: a GPG key in (or out of) the rpm database, decided as Ansible's module decides with the
// host's rpm and gpg: the key is a URL (downloaded, and it must be an armored public key), a key id
// (0x optional; Ansible's test is "starts with 8 hex digits"), or a file on the host; its id comes from
// gpg's listing, and it counts as imported when any imported key's listing holds that id. present
// imports the file (its fingerprint checked first when given), absent erases gpg-pubkey-<last 8 hex>.
import { fetchBytes, hostTempDir } from './curl.js';
import { missingExecutable } from './executables.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';
import { shellQuote as q } from '../util/shell.js';

const GPG = 'gpg --no-tty --batch --with-colons --fixed-list-mode';

/** A failure as AnsibleModule.fail_json gives it. */
class Failed extends Error {}

// run_command with fail_json(msg=stderr) on a non-zero exit, as the module's execute_command
async function execute(ctx: ModuleContext, command: string): Promise<string> {
  const r = await ctx.host.run(command);
  if (r.rc !== 0) throw new Failed(r.stderr);
  return r.stdout;
}

// field `n` (from 1) of the first gpg listing line of `kind`
async function gpgField(ctx: ModuleContext, keyfile: string, kind: 'pub' | 'fpr', n: number): Promise<string> {
  const out = await execute(ctx, `${GPG}${kind === 'fpr' ? ' --with-fingerprint' : ''} ${q(keyfile)}`);
  const line = out.split('\n').map((l) => l.trim()).find((l) => l.startsWith(`${kind}:`));
  if (!line) throw new Failed('Unexpected gpg output');
  return line.split(':')[n - 1] ?? '';
}

async function imported(ctx: ModuleContext, keyid: string): Promise<boolean> {
  if ((await ctx.host.run('rpm -q  gpg-pubkey')).rc !== 0) return false;
  const out = await execute(ctx, `rpm -q  gpg-pubkey --qf "%{description}" | ${GPG} -`);
  return out.split('\n').some((l) => (l.split(':')[4] ?? '').includes(keyid));
}

const isPubkey = (text: string): boolean => /-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*-----END PGP PUBLIC KEY BLOCK-----/.test(text);

// the key given as a URL, downloaded to a temporary file on the host
async function download(ctx: ModuleContext, url: string): Promise<{ file: string; dir: string }> {
  const { res, body } = await fetchBytes(ctx, { ...ctx.args, use_proxy: true }, url, 10);
  if (res.error !== undefined || res.code !== 200) throw new Failed(`failed to fetch key at ${url} , error was: ${res.error !== undefined ? `Request failed: ${res.error}` : `HTTP Error ${res.code}: ${res.reason}`}`);
  if (!isPubkey(body.toString('latin1'))) throw new Failed(`Not a public key: ${url}`);
  const dir = await hostTempDir(ctx);
  if (!dir) throw new Failed('cannot create a temporary directory on the host');
  await ctx.host.write(`${dir}/key`, body, { mode: '0600' });
  return { file: `${dir}/key`, dir };
}

async function decide(ctx: ModuleContext, cleanup: string[]): Promise<ModuleResult> {
  const a = ctx.args;
  const key = String(a.key);
  const state = String(a.state ?? 'present');
  const fingerprint = a.fingerprint === undefined || a.fingerprint === null ? undefined : String(a.fingerprint).replace(/ /g, '').toUpperCase();
  const missing = await missingExecutable(ctx.host, ['rpm', 'gpg']);
  if (missing) throw new Failed(missing);
  let keyfile: string | undefined;
  let keyid: string;
  if (key.includes('://')) {
    const got = await download(ctx, key);
    cleanup.push(got.dir);
    keyfile = got.file;
    keyid = await gpgField(ctx, keyfile, 'pub', 5);
  } else if (/^(0x)?[0-9a-f]{8}/i.test(key)) {
    keyid = key;
  } else if ((await ctx.host.run(`[ -f ${q(key)} ]`)).rc === 0) {
    keyfile = key;
    keyid = await gpgField(ctx, keyfile, 'pub', 5);
  } else {
    throw new Failed(`Not a valid key ${key}`);
  }
  keyid = keyid.trim().toUpperCase().replace(/^0X/, '');
  const present = await imported(ctx, keyid);
  if (state === 'present') {
    if (present) return { changed: false };
    if (!keyfile) throw new Failed('When importing a key, a valid file must be given');
    if (fingerprint) {
      const has = await gpgField(ctx, keyfile, 'fpr', 10);
      if (fingerprint !== has) throw new Failed(`The specified fingerprint, '${fingerprint}', does not match the key fingerprint '${has}'`);
    }
    if (!ctx.check) await execute(ctx, `rpm --import ${q(keyfile)}`);
    return { changed: true };
  }
  if (!present) return { changed: false };
  if (!ctx.check) await execute(ctx, `rpm --erase --allmatches ${q(`gpg-pubkey-${keyid.slice(-8).toLowerCase()}`)}`);
  return { changed: true };
}

/** The rpm_key module. */
export const rpmKey: Module = async (ctx) => {
  const cleanup: string[] = [];
  try {
    return await decide(ctx, cleanup);
  } catch (e) {
    if (e instanceof Failed) return { changed: false, failed: true, msg: e.message };
    throw e;
  } finally {
    if (cleanup.length) await ctx.host.run(`rm -rf -- ${cleanup.map(q).join(' ')}`);
  }
};
