// command's words as Ansible's run_command passes them to the program: each one through Python's
// os.path.expandvars ($NAME and ${NAME} from the module's environment, unknown names left as written)
// and then os.path.expanduser (~ and ~user at the start), unless expand_argument_vars is false. The
// variables and homes are read from the host (expansionReads says which), so the expansion itself is pure.
import type { HostIO } from './types.js';

/** The environment variables and users' homes the expansion reads (null: unset, or no such user; '' is the current user). */
export interface Expansions {
  env: Record<string, string | null>;
  homes: Record<string, string | null>;
}

// Python's posixpath._varprog (re.ASCII): $name or ${anything but a brace}
const VAR = /\$([A-Za-z0-9_]+|\{[^}]*\})/g;
// a name a POSIX shell can read (others are never in a real environment, and are left as written)
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const nameOf = (m: string): string => (m.startsWith('{') ? m.slice(1, -1) : m);

// the user a word's leading ~ names ('' for the current one), or undefined when it has none
function tildeUser(word: string): string | undefined {
  if (!word.startsWith('~')) return undefined;
  const slash = word.indexOf('/', 1);
  return word.slice(1, slash < 0 ? word.length : slash);
}

/** The variables and users the words name: what the host must tell before they can be expanded (nothing when no word has $ or a leading ~). */
export function expansionReads(words: readonly string[]): { vars: string[]; users: string[] } {
  const vars = new Set<string>();
  const users = new Set<string>();
  for (const w of words) {
    for (const m of w.matchAll(VAR)) if (SHELL_NAME.test(nameOf(m[1] as string))) vars.add(nameOf(m[1] as string));
    const user = tildeUser(w);
    if (user !== undefined) {
      users.add(user);
      if (user === '') vars.add('HOME');
    }
  }
  return { vars: [...vars], users: [...users] };
}

/** The shell lines printing what expansionReads names: `env NAME -` or `env NAME BASE64`, `home USER -` or `home USER BASE64`. */
export function expansionScript(reads: { vars: string[]; users: string[] }): string[] {
  const b64 = "base64 | tr -d '\\n'";
  return [
    ...reads.vars.map((v) => `if [ -n "\${${v}+y}" ]; then printf 'env ${v} '; printf '%s' "$${v}" | ${b64}; echo; else echo 'env ${v} -'; fi`),
    ...reads.users.map((u) => {
      const who = u === '' ? '"$(id -u)"' : `'${u.replace(/'/g, `'"'"'`)}'`;
      return `h=$(getent passwd ${who} | cut -d: -f6); if [ -n "$h" ]; then printf 'home %s ' '${u.replace(/'/g, `'"'"'`)}'; printf '%s' "$h" | ${b64}; echo; else printf 'home %s -\\n' '${u.replace(/'/g, `'"'"'`)}'; fi`;
    }),
  ];
}

/** Reads expansionScript's lines back (other lines are ignored). */
export function parseExpansions(lines: readonly string[]): Expansions {
  const out: Expansions = { env: {}, homes: {} };
  for (const line of lines) {
    const m = /^(env|home) (\S*) (\S+)$/.exec(line);
    if (!m) continue;
    const value = m[3] === '-' ? null : Buffer.from(m[3] as string, 'base64').toString('utf8');
    if (m[1] === 'env') out.env[m[2] as string] = value;
    else out.homes[m[2] as string] = value;
  }
  return out;
}

/** One word as Python's expanduser(expandvars(word)) leaves it, with what the host told. */
export function expandWord(word: string, x: Expansions): string {
  const vars = word.replace(VAR, (all, m: string) => x.env[nameOf(m)] ?? all);
  const user = tildeUser(vars);
  if (user === undefined) return vars;
  const home = user === '' ? (x.env.HOME ?? x.homes['']) : x.homes[user];
  if (home === undefined || home === null) return vars;
  const slash = vars.indexOf('/', 1);
  return home.replace(/\/+$/, '') + (slash < 0 ? '' : vars.slice(slash)) || '/';
}

/** The expansions with the homes of users a ~ names only after the variables are expanded (`$SPOOL/x` with SPOOL=~etcd): read in one more command, and only then. */
export async function withLaterHomes(host: HostIO, words: readonly string[], x: Expansions): Promise<Expansions> {
  const users = new Set<string>();
  for (const w of words) {
    const user = tildeUser(w.replace(VAR, (all, m: string) => x.env[nameOf(m)] ?? all));
    if (user !== undefined && !(user in x.homes) && !(user === '' && 'HOME' in x.env)) users.add(user);
  }
  if (!users.size) return x;
  // (~ alone is HOME first, as expanduser reads it)
  const r = await host.run(expansionScript({ vars: users.has('') && !('HOME' in x.env) ? ['HOME'] : [], users: [...users] }).join('\n'));
  const later = parseExpansions(r.stdout.split('\n'));
  return { env: { ...x.env, ...later.env }, homes: { ...x.homes, ...later.homes } };
}
