// OpenSSH's patterns (* any run of characters, ? one), as ssh config's Host and Match lines,
// known_hosts host names and algorithm lists use them; in a pattern list a matching `!` entry excludes.

/** An OpenSSH pattern as a regular expression over a whole name (`caseless` for host names, which ssh lowers). */
export function sshPattern(pattern: string, caseless = false): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, caseless ? 'i' : '');
}

/** Whether `name` matches a pattern list: no `!` entry matches it and another entry does. */
export function matchesPatternList(patterns: string[], name: string, caseless: boolean): boolean {
  let hit = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (sshPattern(p.slice(1), caseless).test(name)) return false;
    } else if (sshPattern(p, caseless).test(name)) hit = true;
  }
  return hit;
}
