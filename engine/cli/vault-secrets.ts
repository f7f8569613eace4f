// The vault passwords as ansible-playbook gathers them: kplay.cfg's vault_identity_list, then each
// --vault-id [label@]source, then each --vault-password-file and the config's vault_password_file, then
// --ask-vault-pass. A source is a file (read, or run when executable; a `*-client` script is asked for its
// label) or `prompt` (asked on the terminal). A password file that fails is warned of while another works.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, type Config } from '../config/config.js';
import { UserError } from '../errors.js';
import { expandHome } from '../util/home.js';
import { setVaultSecrets, type VaultSecret } from '../vault/vault.js';
import type { ParsedArgs } from './args.js';
import { printWarnings, type CliIO } from './io.js';
import { secretFromFile } from './secret-file.js';
import { terminalPrompt } from './terminal-prompt.js';

/** Asks a question on the terminal without echo; undefined when there is no terminal. */
type Ask = ((text: string, echo: boolean) => Promise<string>) | undefined;

/** Loads the configuration and sets the run's vault secrets from it and the command line, before anything else loads (kplay inventory). */
export async function configWithVault(opts: ParsedArgs['opts'], io: CliIO): Promise<Config> {
  const config = loadConfig(io.cwd, io.env);
  await setupVault(opts, config, io);
  return config;
}

/** Sets the run's vault secrets from the configuration and the command line (after -k/-K, before anything loads, as Ansible). */
export async function setupVault(opts: ParsedArgs['opts'], config: Config, io: CliIO): Promise<void> {
  const list = await vaultSecrets(opts, config, io.cwd, io.env.HOME, terminalPrompt(undefined), (w) => printWarnings(io, [w]));
  setVaultSecrets(list, { identity: config.vaultIdentity, only: config.vaultIdMatch });
}

/** The run's vault secrets from the command line and the configuration (none when nothing names one). */
export async function vaultSecrets(
  opts: ParsedArgs['opts'],
  config: Pick<Config, 'vaultIdentityList' | 'vaultPasswordFile' | 'vaultIdentity'>,
  cwd: string,
  home: string | undefined,
  ask: Ask,
  warn: (message: string) => void,
): Promise<VaultSecret[]> {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  const files = list(opts.vaultPasswordFile);
  const dflt = config.vaultIdentity;
  const slugs = [
    ...config.vaultIdentityList,
    ...list(opts.vaultId),
    // (the configuration's password file is used too, after the command line's, as in Ansible)
    ...[...files, ...(config.vaultPasswordFile ? [config.vaultPasswordFile] : [])].map((f) => `${dflt}@${f}`),
    ...(opts.askVaultPass === true ? [`${dflt}@prompt_ask_vault_pass`] : []),
  ];
  const out: VaultSecret[] = [];
  let lastError: UserError | undefined;
  for (const slug of slugs) {
    const at = slug.indexOf('@');
    // (a source given without a label has none: a client script is then asked without --vault-id)
    const [label, source] = at === -1 ? [undefined, slug] : [slug.slice(0, at), slug.slice(at + 1)];
    const id = label ?? dflt;
    if (source === 'prompt' || source === 'prompt_ask_vault_pass') {
      if (!ask) throw new UserError('asking for the vault password needs a terminal', { kind: 'options', hint: 'run kplay on a terminal, or give --vault-password-file' });
      const answer = await ask(source === 'prompt' ? `Vault password (${id})` : 'Vault password', false);
      if (answer === '') throw new UserError('Invalid vault password was provided from prompt', { kind: 'options' });
      out.push({ id, password: Buffer.from(answer) });
      continue;
    }
    const file = resolve(cwd, expandHome(source, home));
    try {
      out.push({ id, password: passwordOf(file, label) });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      // as Ansible: warned of (a missing file in its own words), and an error only when no other password is found
      warn(`${existsSync(file) ? 'Error in vault password file loading' : 'Error getting vault password file'} (${label ?? 'None'}): ${e.message}`);
      lastError = e;
    }
  }
  if (lastError && !out.length) throw lastError;
  return out;
}

// a vault password file as Ansible reads it: its text without surrounding blanks, or an executable's
// output; a client script (`NAME-client` or `NAME-client.EXT`) is run with `--vault-id LABEL`
function passwordOf(file: string, label: string | undefined): Buffer {
  const client = /-client$/.test(file.replace(/(?<=[^/.][^/]*)\.[^./]*$/, ''));
  const forId = `vault-id=${label ?? 'None'}`;
  const script = client ? 'vault password client script' : 'vault password script';
  return secretFromFile(
    file,
    {
      missing: `The vault password file ${file} was not found`,
      notRun: (why) => `Problem running ${script} ${file} (${why}). If this is not a script, remove the executable bit from the file.`,
      failed: (rc, stderr) =>
        !client ? `Vault password script ${file} returned non-zero (${rc}): ${stderr}` : rc === '2' ? `Vault password client script ${file} did not find a secret for ${forId}: ${stderr}` : `Vault password client script ${file} returned non-zero (${rc}) when getting secret for ${forId}: ${stderr}`,
      unreadable: (why) => `Could not read vault password file ${file}: ${why}`,
      empty: (from) => `Invalid vault password was provided from ${from} (${file})`,
    },
    client ? { args: label !== undefined ? ['--vault-id', label] : [] } : { stderr: 'inherit' },
  );
}
