// Python regular expressions (Ansible's regex_* filters and tests) in JavaScript: named groups
// `(?P<n>...)`, `(?P=n)`, `\Z`, `\A`, leading inline flags `(?i)`/`(?m)`/`(?s)`; replacement
// strings with `\1`, `\g<1>`, `\g<name>`.
import { ExprError } from './pyops.js';

const cache = new Map<string, RegExp>();

/** Compiles a Python pattern with the filter's ignorecase/multiline options (and `g` when asked). */
export function pyRegex(pattern: unknown, col: number, opts: Record<string, unknown>, extraFlags = ''): RegExp {
  let src = String(pattern);
  let flags = 'u' + extraFlags;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1] as string) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  if (opts.ignorecase === true && !flags.includes('i')) flags += 'i';
  if (opts.multiline === true && !flags.includes('m')) flags += 'm';
  const key = `${flags}/${src}`;
  const hit = cache.get(key);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  const js = src.replace(/\\\\|\(\?P<(\w+)>|\(\?P=(\w+)\)|\\Z|\\A/g, (m, name?: string, ref?: string) => {
    if (m === '\\\\') return m;
    if (name) return `(?<${name}>`;
    if (ref) return `\\k<${ref}>`;
    return m === '\\Z' ? '$(?![\\s\\S])' : '^(?<![\\s\\S])';
  });
  try {
    const re = new RegExp(js, flags);
    cache.set(key, re);
    return re;
  } catch {
    try {
      // Python accepts escapes that unicode-mode JavaScript refuses (`\-` outside a class, say)
      const re = new RegExp(js, flags.replace('u', ''));
      cache.set(key, re);
      return re;
    } catch (e) {
      throw new ExprError(`invalid regular expression ${JSON.stringify(String(pattern))}: ${(e as Error).message}`, col);
    }
  }
}

/** A Python replacement string as a JavaScript one (`\1` -> `$1`, `$` kept literal). */
export function pyReplacement(rep: string): string {
  return rep.replace(/\$|\\g<(\w+)>|\\(\d{1,2})|\\([\\nrt])/g, (m, g?: string, n?: string, esc?: string) => {
    if (m === '$') return '$$';
    if (g !== undefined) return /^\d+$/.test(g) ? `$${g}` : `$<${g}>`;
    if (n !== undefined) return `$${n}`;
    return esc === 'n' ? '\n' : esc === 'r' ? '\r' : esc === 't' ? '\t' : '\\';
  });
}
