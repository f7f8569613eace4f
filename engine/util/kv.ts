// Ansible's k=v argument text (parsing/splitter.py), shared by module arguments, `action:` strings, the bare
// include and the lookups that take `path key=value` terms: split on whitespace outside quotes and
// `{{ }}`/`{% %}`, each token's escapes decoded as parse_kv decodes them.

interface Token {
  text: string;
  start: number;
  end: number;
}

/** The module name and the rest of `action: NAME k=v` text, split as Ansible splits it (a `{{ }}` name stays whole). */
export function splitModuleString(text: string): { name: string; rest: string } | undefined {
  const first = splitArgs(text)[0];
  return first ? { name: first.text, rest: text.slice(first.end).trim() } : undefined;
}

// Splits on whitespace outside quotes and outside {{ }} / {% %} blocks, keeping the text as written.
function splitArgs(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i] as string)) i++;
    if (i >= s.length) break;
    const start = i;
    let quote: string | undefined;
    let depth = 0;
    while (i < s.length) {
      const c = s[i] as string;
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (s.startsWith('{{', i) || s.startsWith('{%', i)) {
        depth++;
        i++;
      } else if ((s.startsWith('}}', i) || s.startsWith('%}', i)) && depth > 0) {
        depth--;
        i++;
      } else if (/\s/.test(c) && depth === 0) break;
      i++;
    }
    out.push({ text: s.slice(start, i), start, end: i });
  }
  return out;
}

// the escapes Ansible's splitter decodes (Python's unicode-escape for \U, \u, \x and the one-letter ones; \N{name} is left as written)
const ESCAPES = /\\U[0-9a-fA-F]{8}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\[\\'"abfnrtv]/g;
const SINGLE: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Ansible's splitter._decode_escapes: `\n`, `\t`, `\"`, `\\`, `\x41`, `\u00e9`... in a k=v token become the characters. */
export function decodeEscapes(text: string): string {
  return text.replace(ESCAPES, (m) => {
    const kind = m[1] as string;
    if (kind !== 'U' && kind !== 'u' && kind !== 'x') return SINGLE[kind] as string;
    const code = parseInt(m.slice(2), 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) return v.slice(1, -1);
  return v;
}

/** Ansible's parse_kv: `k=v` pairs; with `rawKeys`, other text stays in `_raw_params` verbatim. */
export function parseKv(text: string, rawKeys: readonly string[] | undefined): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const tokens = splitArgs(text);
  const rawSpans: Token[] = [];
  for (const t of tokens) {
    // each token's escapes decoded first, as Ansible's parse_kv does (`msg="a\nb"` is two lines); free-form text stays as written
    const m = /^([A-Za-z_][A-Za-z0-9_-]*)=(.*)$/s.exec(decodeEscapes(t.text));
    if (m && (!rawKeys || rawKeys.includes(m[1] as string))) args[m[1] as string] = unquote(m[2] as string);
    else rawSpans.push(t);
  }
  if (rawSpans.length) {
    // keep the original text between the first and last raw token (spacing, quotes intact)
    const first = rawSpans[0] as Token;
    const last = rawSpans[rawSpans.length - 1] as Token;
    const optionInside = tokens.some((t) => t.start > first.start && t.end < last.end && !rawSpans.includes(t));
    args._raw_params = optionInside ? rawSpans.map((t) => t.text).join(' ') : text.slice(first.start, last.end);
  }
  return args;
}

