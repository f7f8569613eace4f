// A secret read from a file as Ansible's CLI reads its password files: an executable file is run and its
// output taken (line breaks around it dropped), any other file is read without surrounding blanks. The
// connection/become passwords and the vault passwords word their failures differently.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { isExecutable } from '../util/executable.js';
import { pyBytesRepr } from '../util/python-repr.js';
import { constants } from 'node:os';

/** The words of each failure, as Ansible's CLI or vault code says them for one kind of password file. */
export interface SecretFileWords {
  missing: string;
  notRun: (why: string) => string;
  failed: (rc: string, stderr: string) => string;
  unreadable: (why: string) => string;
  empty: (from: 'file' | 'script') => string;
}

/**
 * The secret's bytes (never empty); every failure is a UserError naming the file, never the secret.
 * `args`: a script's arguments; `stderr: 'inherit'`: its error output goes to kplay's, as Ansible's plain
 * vault password script's does (its failure then says None where the output would be).
 */
export function secretFromFile(file: string, words: SecretFileWords, script: { args?: string[]; stderr?: 'pipe' | 'inherit' } = {}): Buffer {
  if (!existsSync(file)) throw new UserError(words.missing);
  const executable = statSync(file).isFile() && isExecutable(file);
  let raw: string;
  if (executable) {
    const r = spawnSync(file, script.args ?? [], { encoding: 'buffer', stdio: ['ignore', 'pipe', script.stderr ?? 'pipe'] });
    if (r.error) throw new UserError(words.notRun(r.error.message));
    // (Python's return code and bytes: a signal is its negative number, stderr is printed as b'...')
    if (r.status !== 0) throw new UserError(words.failed(String(r.status ?? (r.signal ? -constants.signals[r.signal] : '?')), r.stderr ? pyBytesRepr(r.stderr) : 'None'));
    raw = r.stdout.toString('latin1');
  } else {
    try {
      // (Python's bytes.strip(): ASCII blanks only, so a UTF-8 character's last byte is never taken for one)
      raw = readFileSync(file).toString('latin1').replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
    } catch (e) {
      throw new UserError(words.unreadable((e as Error).message));
    }
  }
  const secret = Buffer.from(raw.replace(/^[\r\n]+|[\r\n]+$/g, ''), 'latin1');
  if (!secret.length) throw new UserError(words.empty(executable ? 'script' : 'file'));
  return secret;
}
