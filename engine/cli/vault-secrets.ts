// The vault passwords as ansible-playbook gathers them: kplay.cfg's vault_identity_list, then each
// --vault-id [label@]source, then each --vault-password-file and the config's vault_password_file, then
// --ask-vault-pass. A source is a file (read, or run when executable) or `prompt` (asked on the terminal).
import { resolve } from 'node:path';
import { loadConfig, type Config } from '../config/config.js';
import { UserError } from '../errors.js';
import { expandHome } from '../util/home.js';
import { setVaultSecrets, type VaultSecret } from '../vault/vault.js';
import type { ParsedArgs } from './args.js';
import type { CliIO } from './io.js';
import { secretFromFile } from './secret-file.js';
import { terminalPrompt } from './terminal-prompt.js';

/** Asks a question on the terminal without echo; undefined when there is no terminal. */
type Ask = ((text: string, echo: boolean) => Promise<string>) | undefined;

/** Loads the configuration and sets the run's vault secrets from it and the command line, before anything else loads. */
export async function configWithVault(opts: ParsedArgs['opts'], io: CliIO): Promise<Config> {
  const config = loadConfig(io.cwd, io.env);
  setVaultSecrets(await vaultSecrets(opts, config, io.cwd, io.env.HOME, terminalPrompt(undefined)));
  return config;
}

/** The run's vault secrets from the command line and the configuration (none when nothing names one). */
export async function vaultSecrets(opts: ParsedArgs['opts'], config: Pick<Config, 'vaultIdentityList' | 'vaultPasswordFile'>, cwd: string, home: string | undefined, ask: Ask): Promise<VaultSecret[]> {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  const files = list(opts.vaultPasswordFile);
  const slugs = [
    ...config.vaultIdentityList,
    ...list(opts.vaultId),
    // (the configuration's password file is used too, after the command line's, as in Ansible)
    ...[...files, ...(config.vaultPasswordFile ? [config.vaultPasswordFile] : [])].map((f) => `default@${f}`),
    ...(opts.askVaultPass === true ? ['default@prompt_ask_vault_pass'] : []),
  ];
  const out: VaultSecret[] = [];
  for (const slug of slugs) {
    const at = slug.indexOf('@');
    const [id, source] = at === -1 ? ['default', slug] : [slug.slice(0, at), slug.slice(at + 1)];
    if (source === 'prompt' || source === 'prompt_ask_vault_pass') {
      if (!ask) throw new UserError('asking for the vault password needs a terminal', { kind: 'options', hint: 'run kplay on a terminal, or give --vault-password-file' });
      const answer = await ask(source === 'prompt' ? `Vault password (${id})` : 'Vault password', false);
      if (answer === '') throw new UserError('Invalid vault password was provided from prompt', { kind: 'options' });
      out.push({ id, password: Buffer.from(answer) });
    } else out.push({ id, password: passwordOf(resolve(cwd, expandHome(source, home))) });
  }
  return out;
}

// a vault password file as Ansible reads it: its text without surrounding blanks, or an executable's output
function passwordOf(file: string): Buffer {
  return secretFromFile(file, {
    missing: `The vault password file ${file} was not found`,
    notRun: (why) => `Problem running vault password script ${file} (${why}). If this is not a script, remove the executable bit from the file.`,
    failed: (rc, stderr) => `Vault password script ${file} returned non-zero (${rc}): ${stderr}`,
    unreadable: (why) => `Could not read vault password file ${file}: ${why}`,
    empty: (from) => `Invalid vault password was provided from ${from} (${file})`,
  });
}
