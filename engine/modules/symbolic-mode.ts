// A symbolic mode (u=rwx,g+rX,o-w) applied to a path's current mode as Ansible's file attributes code
// applies it (_symbolic_mode_to_octal): so a symbolic mode that is already in effect is not a change.
// A clause without users (+x, =r) acts on all users but not on the bits set in the umask: it is computed
// with the host's umask when the caller has read it, else not at all.

const PERM_BITS = 0o7777;
const WHO: Record<string, [rwx: number, special: number, shift: number]> = { u: [0o700, 0o4000, 6], g: [0o070, 0o2000, 3], o: [0o007, 0o1000, 0] };

// the bits one permission letter gives user `who` (r/w/x/X/s/t, or u/g/o copying those users' bits)
function bits(who: string, perm: string, prev: number, isDir: boolean): number | undefined {
  const [, special, shift] = WHO[who] as [number, number, number];
  const rwx = (n: number): number => n << shift;
  switch (perm) {
    case 'r':
      return rwx(4);
    case 'w':
      return rwx(2);
    case 'x':
      return rwx(1);
    case 'X':
      return isDir || (prev & 0o111) > 0 ? rwx(1) : 0;
    case 's':
      return who === 'o' ? 0 : special;
    case 't':
      return who === 'o' ? special : 0;
    case 'u':
    case 'g':
    case 'o': {
      const from = WHO[perm] as [number, number, number];
      return rwx((prev >> from[2]) & 7);
    }
  }
  return undefined;
}

/** True when a symbolic mode has a clause without users (+x, =r), whose effect depends on the umask. */
export const needsUmask = (spec: unknown): boolean => typeof spec === 'string' && !/^[0-7]+$/.test(spec) && spec.split(',').some((c) => /^[-+=]/.test(c));

/** The mode `spec` leaves on a path whose mode is `current` (four octal digits), or undefined when it cannot say (`umask`: the host's, for clauses without users). */
export function symbolicMode(current: string, spec: string, isDir: boolean, umask?: number): string | undefined {
  let mode = parseInt(current, 8) & PERM_BITS;
  if (Number.isNaN(mode)) return undefined;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$/.exec(clause);
    if (!m) return undefined;
    // no users: all of them, but r, w and x only where the umask does not have them (as Ansible's use_umask)
    const masked = m[1] === '' ? umask : 0;
    if (masked === undefined) return undefined;
    const users = m[1] === 'a' || m[1] === '' ? 'ugo' : (m[1] ?? '');
    for (const [, op, perms = ''] of (m[2] ?? '').matchAll(/([-+=])([rwxXstugo]*)/g)) {
      for (const who of new Set(users)) {
        let add = 0;
        for (const p of perms) {
          const b = bits(who, p, mode, isDir);
          if (b === undefined) return undefined;
          add |= 'rwx'.includes(p) ? b & ~masked : b;
        }
        // = clears the user's bits (with its special bit) before setting
        const [rwx, special] = WHO[who] as [number, number, number];
        if (op === '=') mode = (mode & ((rwx | special) ^ PERM_BITS)) | add;
        else if (op === '+') mode |= add;
        else mode &= ~add & PERM_BITS;
      }
    }
  }
  return mode.toString(8).padStart(4, '0');
}
