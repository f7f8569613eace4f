// POSIX shell quoting, used wherever kplay builds a command line for a host.

/** Quotes a word for /bin/sh (as Ansible's `quote` filter / Python's shlex.quote). */
export function shellQuote(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  if (s === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}
