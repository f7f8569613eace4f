// apt_key: a signing key in apt's keyring (apt-key's, or the one `keyring` names) present or absent, as
// Ansible's module does it with the host's apt-key and gpg: the key's id taken from its data, file or
// URL when not given, compared by fingerprint (or short id for an 8-digit id) with `apt-key adv
// --list-public-keys`, added (from the data on standard input, a file, a URL the host downloads, or a
// keyserver, tried 5 times) or deleted, and checked again. apt-key is deprecated (gone in Debian 13 and
// Ubuntu 24.04): a key file in /etc/apt/keyrings with `signed-by` (deb822_repository) replaces it.
// Declared: the facts are the key's id, the keyring's keys and the key's bytes when the plan adds them.
import { shellQuote as q } from '../util/shell.js';
import { fetchBytes } from './curl.js';
import { declareModule, failPlan, type Options, type RunStep } from './declare.js';
import { missingExecutable } from './executables.js';
import type { OptionSpec } from './specs.js';
import type { HostIO } from './types.js';

// the locale Ansible's module forces on gpg and the keyserver import (its forced_environment)
const C = { LANG: 'C', LC_ALL: 'C', LC_MESSAGES: 'C' };

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

/** What apt_key compares: the key's id (null when none was found), the keyring's keys (not read for an invalid id), the key's bytes in base64 when they are added from data or a download; or why the module stops first. */
export type AptKeyFacts = { problem: string; keys?: Record<string, unknown> | undefined } | { id: string | null; before?: string[] | undefined; base64?: string | undefined };

const OPTIONS = {
  id: { type: 'str' },
  url: { type: 'str' },
  data: { type: 'str' },
  file: { type: 'path' },
  keyring: { type: 'path' },
  validate_certs: { type: 'bool' },
  keyserver: { type: 'str' },
  state: { type: 'str', choices: ['absent', 'present'] },
} satisfies Record<string, OptionSpec>;

type AptKeyOptions = Options<typeof OPTIONS>;

/** A failure found while reading (fail_json before the plan). */
class Failed extends Error {
  constructor(
    message: string,
    readonly keys: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

// the option's value, an empty string counting as not given (as Ansible's `if not key_id`)
const given = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

// apt-key with the keyring when one is named, as the module builds its command lines
const aptKeyCmd = (o: AptKeyOptions, rest: string): string => `apt-key${given(o.keyring) ? ` --keyring ${q(o.keyring as string)}` : ''} ${rest}`;

// the 16-digit ids in the keyring (their last 8 digits for an 8-digit id)
async function listKeys(host: HostIO, o: AptKeyOptions, short: boolean): Promise<string[]> {
  const cmd = aptKeyCmd(o, 'adv --list-public-keys --keyid-format=long');
  const r = await host.run(cmd);
  if (r.rc !== 0) throw new Failed('Unable to list public keys', { cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr });
  return keysIn(r.stdout, short);
}

// the key at `url`, downloaded on the host
async function download(host: HostIO, o: AptKeyOptions, url: string): Promise<Buffer> {
  const { res, body } = await fetchBytes(host, { validate_certs: o.validate_certs, use_proxy: true }, url, 10);
  if (res.error !== undefined) throw new Failed(`error getting key id from url: ${url}`);
  if (res.code !== 200) throw new Failed(`Failed to download key at ${url}: HTTP Error ${res.code}: ${res.reason}`);
  return body;
}

// the first key id gpg reads in a file, or in the data on standard input
async function idOf(host: HostIO, path: string, stdin?: Buffer): Promise<string | undefined> {
  const r = await host.run(`gpg --with-colons ${q(path)}`, { env: C, ...(stdin !== undefined ? { stdin } : {}) });
  if (r.rc !== 0) throw new Failed(`Unable to extract key from '${stdin !== undefined ? 'inline data' : path}'`, { stdout: r.stdout, stderr: r.stderr });
  return keysIn(r.stdout)[0];
}

// whether the keyring holds the key (by its last 8 digits when the id has only those)
const holds = (keys: string[], k: NonNullable<ReturnType<typeof parseKeyId>>): boolean => keys.includes(k.keyId.length === 8 ? k.short : k.fingerprint);

async function readFacts(host: HostIO, o: AptKeyOptions, check: boolean): Promise<AptKeyFacts> {
  const missing = await missingExecutable(host, ['apt-key', 'gpg']);
  if (missing) return { problem: missing };
  const [url, file] = [given(o.url), given(o.file)];
  let data: Buffer | undefined = given(o.data) === undefined ? undefined : Buffer.from(o.data as string);
  let id = given(o.id);
  if (!id) {
    if (given(o.keyserver)) return { problem: 'Missing key_id, required with keyserver.' };
    if (url) data = await download(host, o, url);
    id = file ? await idOf(host, file) : data?.length ? await idOf(host, '-', data) : undefined;
  }
  const parsed = id === undefined ? undefined : parseKeyId(id);
  if (!parsed) return { id: id ?? null };
  const before = await listKeys(host, o, parsed.keyId.length === 8);
  // a key given by URL and id is downloaded only when it is to be added (not in check mode), as the module does
  if (!data && url && !file && !given(o.keyserver) && o.state !== 'absent' && !check && !holds(before, parsed)) data = await download(host, o, url);
  return { id: id ?? null, before, ...(data?.length ? { base64: data.toString('base64') } : {}) };
}

// the step adding the key: from the file, the keyserver (with the host's proxy, 5 tries), or the bytes on standard input
function addStep(o: AptKeyOptions, keyId: string, base64: string | undefined): RunStep | undefined {
  const file = given(o.file);
  const keyserver = given(o.keyserver);
  if (file) {
    const cmd = aptKeyCmd(o, `add ${q(file)}`);
    return { kind: 'run', command: cmd, failure: `Unable to add a key from file ${file}`, failKeys: { cmd, keyfile: file }, failWith: ['rc', 'stdout', 'stderr'] };
  }
  if (keyserver) {
    const proxy = 'p=${HTTPS_PROXY:-${https_proxy:-${HTTP_PROXY:-$http_proxy}}}; ';
    const head = aptKeyCmd(o, `adv --no-tty --keyserver ${q(keyserver)}`);
    // the failure names the command as run without a proxy
    const keys = { cmd: `${head} --recv ${q(keyId)}`, forced_environment: C };
    return {
      kind: 'run',
      command: `${proxy}${head} \${p:+--keyserver-options "http-proxy=$p"} --recv ${q(keyId)}`,
      env: C,
      attempts: 5,
      failure: `Error fetching key ${keyId} from keyserver: ${keyserver}`,
      failKeys: keys,
      failWith: ['rc', 'stdout', 'stderr'],
      failureIf: { rc: 2, stdoutHas: 'not found on keyserver', failure: `Key ${keyId} not found on keyserver ${keyserver}`, failKeys: keys },
    };
  }
  if (base64 === undefined) return undefined;
  const cmd = aptKeyCmd(o, 'add -');
  return { kind: 'run', command: cmd, stdin: base64, stdinEncoding: 'base64', failure: 'Unable to add a key from binary data', failKeys: { cmd }, failWith: ['rc', 'stdout', 'stderr'] };
}

const noError = (what: string): string => `apt-key did not return an error, but ${what} (check that the id is correct and *not* a subkey)`;

/** The apt_key module. */
export const aptKeyModule = declareModule({
  spec: { options: OPTIONS, mutuallyExclusive: [['data', 'file', 'keyserver', 'url']] },
  async facts(o, host, _local, mode): Promise<AptKeyFacts> {
    try {
      return await readFacts(host, o, mode.check);
    } catch (e) {
      if (e instanceof Failed) return { problem: e.message, keys: e.keys };
      throw e;
    }
  },
  plan(o, f, mode) {
    if ('problem' in f) return failPlan(f.problem, f.keys);
    const k = f.id === null ? undefined : parseKeyId(f.id);
    if (!k || !f.before) return failPlan('Invalid key_id', { id: f.id });
    const result = { changed: false, id: f.id, short_id: k.short, fp: k.fingerprint, key_id: k.keyId, before: f.before };
    if (o.state !== 'absent') {
      if (holds(f.before, k)) return { steps: [], result };
      const step = addStep(o, k.keyId, f.base64);
      if (!step && !mode.check) return failPlan('No key to add ... how did i get here?!?!', { ...result, changed: true });
      return { steps: step ? [step] : [], result: { ...result, changed: true } };
    }
    if (!f.before.includes(k.fingerprint)) return { steps: [], result };
    const cmd = aptKeyCmd(o, `del ${q(k.short)}`);
    return { steps: [{ kind: 'run', command: cmd, failure: `Unable to remove a key with id ${k.short}`, failKeys: { cmd, key_id: k.short }, failWith: ['rc', 'stdout', 'stderr'] }], result: { ...result, changed: true } };
  },
  // the keyring read again after an add or a delete: the key must be there (or gone), as the module checks
  async after(o, f, host, done) {
    if (done.check || !done.result.changed || 'problem' in f || f.id === null) return {};
    const k = parseKeyId(f.id);
    if (!k) return {};
    try {
      const after = await listKeys(host, o, k.keyId.length === 8);
      const removing = o.state === 'absent';
      const ok = removing ? !after.includes(k.fingerprint) : holds(after, k);
      return ok ? { after } : { after, failed: true, msg: noError(removing ? 'the key was not removed' : 'failed to add the key') };
    } catch (e) {
      if (e instanceof Failed) return { changed: false, failed: true, msg: e.message, ...e.keys };
      throw e;
    }
  },
});
