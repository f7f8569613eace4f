// rpm_key: a GPG key in (or out of) the rpm database, decided as Ansible's module decides with the
// host's rpm and gpg: the key is a URL (downloaded, and it must be an armored public key), a key id
// (0x optional; Ansible's test is "starts with 8 hex digits"), or a file on the host; its id comes from
// gpg's listing, and it counts as imported when any imported key's listing holds that id. present
// imports the file (its fingerprint checked first when given), absent erases gpg-pubkey-<last 8 hex>.
// Declared: the facts are the key's id (and fingerprint), its text when downloaded, and whether rpm has it.
import { shellQuote as q } from '../util/shell.js';
import { fetchBytes } from './curl.js';
import { declareModule, failPlan, type Step } from './declare.js';
import { missingExecutable } from './executables.js';
import type { HostIO } from './types.js';

const GPG = 'gpg --no-tty --batch --with-colons --fixed-list-mode';

/** Where the key comes from: a file on the host, a downloaded armored key (its text), or only its id. */
export type KeySource = { kind: 'file'; path: string } | { kind: 'url'; text: string } | { kind: 'id' };

/** What rpm_key compares: the key's id, its source, whether rpm has it, its fingerprint when one is asked; or why it could not be read. */
export type RpmKeyFacts = { problem: string } | { keyid: string; source: KeySource; imported: boolean; fingerprint?: string | undefined };

/** A failure as the module's fail_json gives it. */
class Failed extends Error {}

// run_command with fail_json(msg=stderr) on a non-zero exit, as the module's execute_command
async function execute(host: HostIO, command: string, stdin?: string): Promise<string> {
  const r = await host.run(command, stdin === undefined ? {} : { stdin });
  if (r.rc !== 0) throw new Failed(r.stderr);
  return r.stdout;
}

// field `n` (from 1) of the first gpg listing line of `kind`, of the key in a file or given as text
async function gpgField(host: HostIO, key: KeySource, kind: 'pub' | 'fpr', n: number): Promise<string> {
  const command = `${GPG}${kind === 'fpr' ? ' --with-fingerprint' : ''} ${key.kind === 'file' ? q(key.path) : '-'}`;
  const out = await execute(host, command, key.kind === 'url' ? key.text : undefined);
  const line = out.split('\n').map((l) => l.trim()).find((l) => l.startsWith(`${kind}:`));
  if (!line) throw new Failed('Unexpected gpg output');
  return line.split(':')[n - 1] ?? '';
}

async function imported(host: HostIO, keyid: string): Promise<boolean> {
  if ((await host.run('rpm -q  gpg-pubkey')).rc !== 0) return false;
  const out = await execute(host, `rpm -q  gpg-pubkey --qf "%{description}" | ${GPG} -`);
  return out.split('\n').some((l) => (l.split(':')[4] ?? '').includes(keyid));
}

const isPubkey = (text: string): boolean => /-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*-----END PGP PUBLIC KEY BLOCK-----/.test(text);

// the key's source, as the module tells a URL, an id and a file apart
async function sourceOf(host: HostIO, key: string, validateCerts: boolean | undefined): Promise<KeySource> {
  if (key.includes('://')) {
    const { res, body } = await fetchBytes(host, { validate_certs: validateCerts, use_proxy: true }, key, 10);
    if (res.error !== undefined || res.code !== 200) throw new Failed(`failed to fetch key at ${key} , error was: ${res.error ?? `HTTP Error ${res.code}: ${res.reason}`}`);
    const text = body.toString('latin1');
    if (!isPubkey(text)) throw new Failed(`Not a public key: ${key}`);
    return { kind: 'url', text };
  }
  if (/^(0x)?[0-9a-f]{8}/i.test(key)) return { kind: 'id' };
  if ((await host.run(`[ -f ${q(key)} ]`)).rc === 0) return { kind: 'file', path: key };
  throw new Failed(`Not a valid key ${key}`);
}

async function readFacts(host: HostIO, key: string, fingerprint: string | undefined, validateCerts: boolean | undefined): Promise<RpmKeyFacts> {
  const missing = await missingExecutable(host, ['rpm', 'gpg']);
  if (missing) return { problem: missing };
  const source = await sourceOf(host, key, validateCerts);
  const keyid = (source.kind === 'id' ? key : await gpgField(host, source, 'pub', 5)).trim().toUpperCase().replace(/^0X/, '');
  return { keyid, source, imported: await imported(host, keyid), fingerprint: fingerprint !== undefined && source.kind !== 'id' ? await gpgField(host, source, 'fpr', 10) : undefined };
}

/** The rpm_key module. */
export const rpmKeyModule = declareModule({
  spec: { options: { key: { type: 'str', required: true }, state: { type: 'str', choices: ['absent', 'present'] }, fingerprint: { type: 'str' }, validate_certs: { type: 'bool' } } },
  async facts(o, host): Promise<RpmKeyFacts> {
    const { key = '', fingerprint, validate_certs } = o;
    try {
      return await readFacts(host, key, fingerprint, validate_certs);
    } catch (e) {
      if (e instanceof Failed) return { problem: e.message };
      throw e;
    }
  },
  plan(o, f) {
    if ('problem' in f) return failPlan(f.problem);
    const unchanged = { steps: [], result: { changed: false } };
    if (o.state === 'absent') {
      if (!f.imported) return unchanged;
      return { steps: [{ kind: 'run', command: `rpm --erase --allmatches ${q(`gpg-pubkey-${f.keyid.slice(-8).toLowerCase()}`)}`, failure: '{stderr}' }], result: { changed: true } };
    }
    if (f.imported) return unchanged;
    if (f.source.kind === 'id') return failPlan('When importing a key, a valid file must be given');
    const wanted = o.fingerprint?.replace(/ /g, '').toUpperCase();
    if (wanted && wanted !== f.fingerprint) return failPlan(`The specified fingerprint, '${wanted}', does not match the key fingerprint '${f.fingerprint ?? ''}'`);
    // a downloaded key goes to rpm through a temporary file on the host, removed whatever rpm answers
    const step: Step =
      f.source.kind === 'file'
        ? { kind: 'run', command: `rpm --import ${q(f.source.path)}`, failure: '{stderr}' }
        : { kind: 'run', command: 't=$(mktemp) || exit 1; cat > "$t" && rpm --import "$t"; rc=$?; rm -f -- "$t"; exit $rc', stdin: f.source.text, failure: '{stderr}' };
    return { steps: [step], result: { changed: true } };
  },
});
