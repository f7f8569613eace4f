// Which variables hold secrets (passwords, join tokens, certificate keys) and how they are shown:
// never in clear in kplay's output, unless the operator explicitly asks for them.

import { isNumber } from '../util/py-float.js';

/** Connection and become passwords Ansible defines, by exact name. */
const SECRET_NAMES = new Set([
  'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password', 'ansible_become_password', 'ansible_become_pass',
  'ansible_sudo_pass', 'ansible_su_pass', 'ansible_ssh_private_key_passphrase',
  // the getent module's shadow database: password hashes
  'getent_shadow',
]);

// names that look secret and are not: the getent module's passwd database (names, ids, homes, shells)
const NOT_SECRET = new Set(['getent_passwd']);

// Any name with one of these words as a `_`-separated part: KEEPALIVED_AUTH_PASS, JOIN_TOKEN, CERTIFICATE_KEY.
const SECRET_PART = /(?:^|_)(?:pass|passwd|password|passphrase|secret|token|certificate_key|cert_key|private_key)(?:$|_)/i;

/** The text shown instead of a secret value. */
export const REDACTED = '<redacted: secret>';

// names are asked about for every task on every host: each one is classified once
const verdicts = new Map<string, boolean>();

/** True for a variable name whose value must not be printed (paths to key files are not secrets). */
export function isSecretName(name: string): boolean {
  let v = verdicts.get(name);
  if (v === undefined) {
    v = SECRET_NAMES.has(name) || (!NOT_SECRET.has(name) && !/_(?:file|path|dir)$/i.test(name) && SECRET_PART.test(name));
    verdicts.set(name, v);
  }
  return v;
}

// a secret is text (a number counts: `KEEPALIVED_AUTH_PASS: 1234`), also inside a list or mapping under a
// secret name; a boolean or null under a secret-looking name (kubespray's `kube_webhook_token_auth: false`)
// is a setting, shown as it is
function redactText(v: unknown): unknown {
  if ((typeof v === 'string' && v !== '') || isNumber(v)) return REDACTED;
  if (Array.isArray(v)) return v.map(redactText);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactText(x)]));
  return v;
}

/** A copy of `value` with the text under every secret name (at any depth) replaced by REDACTED. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretName(k) ? redactText(v) : redactSecrets(v);
    return out as T;
  }
  return value;
}

/**
 * The values of secret variables in a scope (long enough to be recognisable): secret-named ones and those
 * in `also` (a private vars_prompt answer, whatever its name).
 */
export function secretValues(names: string[], get: (name: string) => unknown, also?: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const n of names) {
    if (!isSecretName(n) && !also?.has(n)) continue;
    try {
      const v = get(n);
      if (typeof v === 'string' && v.length >= 4) out.push(v);
    } catch {
      // an unresolvable secret cannot appear in output either
    }
  }
  return out;
}

/** Replaces every occurrence of the given secret values in text by REDACTED. */
export function scrubText(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(REDACTED);
  return out;
}

/** scrubText over every string of a JSON-like value. */
export function scrubValue<T>(value: T, secrets: string[]): T {
  if (!secrets.length) return value;
  return JSON.parse(scrubText(JSON.stringify(value) ?? 'null', secrets.map((s) => JSON.stringify(s).slice(1, -1)))) as T;
}
